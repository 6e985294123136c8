/**
 * The area import as one transaction (docs/import.md): read the features (pure rules, shared/src/domain/area-import.ts),
 * load them into temp tables, check the hierarchy, the geometry and what removal would orphan, and refuse the whole
 * file (422 with the problems) at the first sign of trouble. A dry run stops there and reports what would change; a
 * real run writes the areas, appends `areas.imported` through the writer, and — after the commit — empties the tile
 * cache (the writer wakes the live readers).
 */
import type pg from 'pg';
import {
  capProblems,
  checkedLevels,
  checkHierarchy,
  IMPORT_LEVELS,
  readFeature,
  type ImportArea,
  type ImportLevel,
  type ImportProblem,
  type LevelCounts,
} from '@gridcommand/shared/domain';
import type { ImportResult } from '@gridcommand/shared/schemas';
import { inTransaction } from '../../db/transaction.ts';
import { HttpError } from '../../plugins/errors.ts';
import { draft } from '../writer/events.ts';
import type { IdempotencyKey } from '../writer/idempotency.ts';
import { writeOnce, type Actor, type Outcome } from '../writer/tx.ts';
import * as repo from './repository.ts';

const SAMPLE = 20;

type Db = Pick<pg.PoolClient, 'query'>;

function refuse(problems: readonly ImportProblem[]): never {
  const { problems: listed, total } = capProblems(problems);
  const kinds = [...new Set(problems.map((p) => p.problem))].join(', ');
  throw new HttpError(422, 'IMPORT_REFUSED', `the file is refused: ${total} problem${total === 1 ? '' : 's'} (${kinds}); nothing was imported`, { problems: listed, total });
}

/** Accepts only WGS 84 (no `crs`, or CRS84 / EPSG:4326 by name). */
export function crsProblem(crs: unknown): string | null {
  if (crs === undefined || crs === null) return null;
  const name = (crs as { properties?: { name?: unknown } }).properties?.name;
  if (typeof name === 'string' && /(CRS84|EPSG:{1,2}4326)$/i.test(name)) return null;
  return `the file's crs ${JSON.stringify(crs).slice(0, 80)} is not WGS 84: convert it with ogr2ogr -t_srs EPSG:4326 -f GeoJSON`;
}

interface Checked {
  areas: ImportArea[];
  present: ImportLevel[];
  diffs: repo.FeatureDiff[];
  removed: { code: string; level: string }[];
}

/** Every check, on `db`'s transaction; throws the 422 refusal. */
async function validate(db: Db, features: readonly unknown[]): Promise<Checked> {
  const problems: ImportProblem[] = [];
  const areas: ImportArea[] = [];
  features.forEach((raw, i) => {
    const r = readFeature(raw, i);
    problems.push(...r.problems);
    if (r.area) areas.push(r.area);
  });
  const stored = await repo.storedAreas(db);
  const hierarchy = checkHierarchy(areas, stored);
  problems.push(...hierarchy.problems);
  const present = hierarchy.levels;
  const seen = new Set<string>();
  // the first feature of each code (the others are duplicate_code problems)
  const unique = areas.filter((a) => !seen.has(a.code) && seen.add(a.code));

  for (const bad of await repo.loadFeatures(db, unique)) {
    const self = /self-intersection/i.test(bad.reason);
    problems.push({ feature: bad.index, code: bad.code, problem: self ? 'self_intersection' : 'invalid_geometry', detail: bad.reason });
  }
  await repo.buildNext(db, present);
  const checked = checkedLevels(present);
  problems.push(...(await repo.outsideDistrict(db)));
  problems.push(...(await repo.outsideParent(db, checked)));
  problems.push(...(await repo.overlaps(db, present)));
  problems.push(...(await repo.gaps(db, checked)));

  const removed = await repo.removedAreas(db, present);
  const refs = await repo.referencesTo(db, removed.map((r) => r.code), present);
  const byCode = new Map<string, string[]>();
  for (const r of refs) byCode.set(r.code, [...(byCode.get(r.code) ?? []), `${r.ref}: ${r.n}`]);
  for (const [code, list] of byCode) {
    problems.push({ feature: null, code, problem: 'still_referenced', detail: `absent from the file (so removed) but still referred to by ${list.join(', ')}` });
  }
  if (problems.length > 0) refuse(problems);
  return { areas: unique, present, diffs: await repo.diffFeatures(db), removed };
}

function summary(c: Checked): { levels: LevelCounts[]; samples: ImportResult['samples']; changes: number } {
  const levels: LevelCounts[] = [];
  const samples: ImportResult['samples'] = { added: [], changed: [], removed: [] };
  let changes = 0;
  for (const level of IMPORT_LEVELS) {
    if (!c.present.includes(level)) continue;
    const mine = c.diffs.filter((d) => d.level === level);
    const added = mine.filter((d) => d.added);
    const changed = mine.filter((d) => !d.added && (d.name || d.geometry || d.attributes));
    const removed = c.removed.filter((r) => r.level === level);
    levels.push({ level, added: added.length, changed: changed.length, removed: removed.length, unchanged: mine.length - added.length - changed.length });
    changes += added.length + changed.length + removed.length;
    for (const [list, codes] of [
      [samples.added, added.map((d) => d.code)],
      [samples.changed, changed.map((d) => d.code)],
      [samples.removed, removed.map((r) => r.code)],
    ] as const) {
      for (const code of codes) if (list.length < SAMPLE) list.push(code);
    }
  }
  return { levels, samples, changes };
}

/** Validates and reports what would change; writes nothing. */
export async function dryRun(pool: pg.Pool, features: readonly unknown[]): Promise<ImportResult> {
  const started = Date.now();
  const s = await inTransaction(pool, async (client) => summary(await validate(client, features)));
  return { dryRun: true, features: features.length, levels: s.levels, samples: s.samples, eventId: null, tookMs: Date.now() - started };
}

/** Validates and writes, in one transaction with the areas.imported event; `onCommitted` runs after the commit. */
export async function importAreas(
  pool: pg.Pool,
  actor: Actor,
  key: IdempotencyKey | null,
  features: readonly unknown[],
  onCommitted: () => void,
): Promise<Outcome<ImportResult>> {
  const started = Date.now();
  const out = await writeOnce<ImportResult>(pool, actor, key, async (tx) => {
    await repo.lockAreas(tx.client);
    const c = await validate(tx.client, features);
    const s = summary(c);
    for (const level of IMPORT_LEVELS) {
      const mine = c.diffs.filter((d) => d.level === level);
      const changed = mine.filter((d) => !d.added && (d.name || d.geometry || d.attributes));
      await repo.writeLevel(
        tx.client,
        level,
        mine.filter((d) => d.added).map((d) => d.code),
        changed.map((d) => d.code),
        changed.filter((d) => d.geometry).map((d) => d.code),
      );
    }
    await repo.refreshDerivedCodes(tx.client);
    await repo.deleteAreas(tx.client, c.removed.map((r) => r.code));
    if (s.changes > 0) tx.emit(draft('areas.imported', { features: features.length, levels: s.levels }));
    return { status: 200, body: { dryRun: false, features: features.length, levels: s.levels, samples: s.samples, eventId: null, tookMs: 0 } };
  });
  if (out.replayed) return out;
  onCommitted();
  const changed = out.body.levels.some((l) => l.added + l.changed + l.removed > 0);
  const eventId = changed ? await repo.lastImportEventId(pool) : null;
  return { ...out, body: { ...out.body, eventId, tookMs: Date.now() - started } };
}
