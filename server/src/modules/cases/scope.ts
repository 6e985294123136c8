/**
 * Who sees which cases (docs/units.md): a handler its department's, a worker its grids', a street's, zone's or
 * community's desk its area's, a department's leader the department's, the district centre everything.
 */
import { areaColumnOf, type UnitRef } from '@gridcommand/shared/domain';
import type { AuthUser } from '../auth/repository.ts';
import type { Where } from './repository.ts';

/** The unit of an account (docs/units.md), or null for the district centre's accounts without one. */
export function unitOf(user: Pick<AuthUser, 'unitCode' | 'unitKind'>): UnitRef | null {
  return user.unitCode && user.unitKind ? { kind: user.unitKind, code: user.unitCode } : null;
}

/**
 * The area or department a dispatcher's or leader's view is limited to: a street's, zone's or community's
 * accounts see the cases of their area (also those they escalated), a department's leader the department's cases;
 * the district centre sees everything. Handlers and workers have their own scope (department, grids).
 */
export function unitScope(user: AuthUser): { column: 'street_code' | 'zone_code' | 'community_code' | 'department_code'; code: string } | null {
  if (user.role !== 'dispatcher' && user.role !== 'leader') return null;
  const unit = unitOf(user);
  if (!unit) return null;
  if (unit.kind === 'department') return user.role === 'leader' ? { column: 'department_code', code: unit.code } : null;
  const column = areaColumnOf(unit.kind);
  return column ? { column, code: unit.code } : null;
}

/** What a user may see: handlers their department's cases, workers their grids' cases, a unit its area, others all. */
export function addScope(w: Where, user: AuthUser, alias = 'c'): void {
  if (user.role === 'handler') {
    // the cases it leads and those it helps on (协办)
    if (user.departmentCode) w.add(`(${alias}.department_code = ? OR ? = ANY(${alias}.helper_departments))`, user.departmentCode, user.departmentCode);
    else w.add('false');
  } else if (user.role === 'worker') {
    w.add(`${alias}.grid_code = ANY(?::text[])`, user.gridCodes);
  } else {
    const scope = unitScope(user);
    // the column comes from the allow-list of unitScope, never from input
    if (scope) w.add(`${alias}.${scope.column} = ?`, scope.code);
  }
}

export interface ScopedRow {
  department_code: string | null;
  grid_code: string;
  community_code: string;
  zone_code: string;
  street_code: string;
  /** absent where the caller's row does not carry it: no helping departments */
  helper_departments?: readonly string[];
}

export function inScope(user: AuthUser, row: ScopedRow): boolean {
  if (user.role === 'handler') {
    return user.departmentCode !== null && (row.department_code === user.departmentCode || (row.helper_departments ?? []).includes(user.departmentCode));
  }
  if (user.role === 'worker') return user.gridCodes.includes(row.grid_code);
  const scope = unitScope(user);
  return scope === null || row[scope.column] === scope.code;
}

