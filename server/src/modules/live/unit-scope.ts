/**
 * The live scope of an account that belongs to a street, zone or community (docs/units.md): the events of the
 * cases in its area, as the grids of that area (events name their grid), and a department leader's: the
 * department's cases. Other accounts keep the scope of their role (filter.ts). The grids of an area are cached for a
 * minute: an area import changes them rarely, and a stream opened within the minute may miss a new grid only.
 */
import type pg from 'pg';
import type { AuthUser } from '../auth/repository.ts';
import { gridCodesWithin } from '../areas/repository.ts';
import { unitScope } from '../cases/repository.ts';
import { scopeOf, type LiveScope } from './filter.ts';

const TTL_MS = 60_000;
const cache = new Map<string, { at: number; grids: readonly string[] }>();

export async function liveScopeOf(pool: Pick<pg.Pool, 'query'>, user: AuthUser): Promise<LiveScope> {
  const base = scopeOf(user);
  const unit = unitScope(user);
  if (!unit) return base;
  if (unit.column === 'department_code') return { ...base, grids: null, department: unit.code };
  const key = `${unit.column}:${unit.code}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return { ...base, grids: hit.grids };
  const grids = await gridCodesWithin(pool, unit.column, unit.code);
  if (cache.size > 5_000) cache.clear();
  cache.set(key, { at: Date.now(), grids });
  return { ...base, grids };
}
