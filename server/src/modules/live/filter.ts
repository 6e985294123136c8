/**
 * What a live client gets: what it asks for (streets and event types: `?street=`, `?types=`) within what its role may
 * see (its scope), and whether an event matches.
 *
 * Scope by role: a grid worker sees the events of the cases in their grids; a department handler those of their
 * department's cases; everyone else every event. Events of no case (teams, patrols, zones) reach only the roles
 * that see everything. A wall screen sees every event without free text (notes and reasons are left out).
 */
export interface LiveScope {
  /** grid codes of the cases the client may see; null: no restriction */
  grids: readonly string[] | null;
  /** department of the cases the client may see; null: no restriction */
  department: string | null;
  /** leave out free text (notes, reasons) */
  redact: boolean;
}

export const FULL_SCOPE: LiveScope = { grids: null, department: null, redact: false };

/** The scope of a role (grid codes and department of the account). */
export function scopeOf(user: { role: string; gridCodes: readonly string[]; departmentCode: string | null }): LiveScope {
  if (user.role === 'worker') return { grids: [...user.gridCodes], department: null, redact: false };
  if (user.role === 'handler') return { grids: null, department: user.departmentCode ?? '', redact: false };
  if (user.role === 'wall') return { grids: null, department: null, redact: true };
  return FULL_SCOPE;
}

/** Which events a client wants. null: no restriction. */
export interface LiveFilter {
  /** street codes; events without a street (district-wide, system) always pass */
  streets: readonly string[] | null;
  /** exact types */
  types: readonly string[] | null;
  /** type prefixes (from "case.*" → "case.") */
  typePrefixes: readonly string[] | null;
  /** what the client's role may see */
  scope: LiveScope;
}

export const NO_FILTER: LiveFilter = { streets: null, types: null, typePrefixes: null, scope: FULL_SCOPE };

/** Every event, as it is: the frames shared by all such clients can be sent joined. */
export function isUnfiltered(f: LiveFilter): boolean {
  return f.streets === null && f.types === null && f.typePrefixes === null && f.scope.grids === null && f.scope.department === null && !f.scope.redact;
}

/** Parses `?street=a,b` and `?types=case.light,team.*` (already validated by the route schema). */
export function parseFilter(street?: string, types?: string, scope: LiveScope = FULL_SCOPE): LiveFilter {
  const streets = street ? [...new Set(street.split(',').filter(Boolean))] : null;
  let exact: string[] | null = null;
  let prefixes: string[] | null = null;
  if (types) {
    for (const t of new Set(types.split(',').filter(Boolean))) {
      if (t === '*') return { streets, types: null, typePrefixes: null, scope };
      if (t.endsWith('.*')) (prefixes ??= []).push(t.slice(0, -1));
      else (exact ??= []).push(t);
    }
    // only prefixes given: no exact types wanted (and vice versa)
    if (exact && !prefixes) prefixes = [];
    if (prefixes && !exact) exact = [];
  }
  return { streets, types: exact, typePrefixes: prefixes, scope };
}

export function matchesFilter(
  f: LiveFilter,
  e: { type: string; streetCode: string | null; gridCode: string | null; departmentCode: string | null },
): boolean {
  if (f.scope.grids && (e.gridCode === null || !f.scope.grids.includes(e.gridCode))) return false;
  if (f.scope.department !== null && e.departmentCode !== f.scope.department) return false;
  if (f.streets && e.streetCode !== null && !f.streets.includes(e.streetCode)) return false;
  if (f.types || f.typePrefixes) {
    if (f.types?.includes(e.type)) return true;
    if (f.typePrefixes?.some((p) => e.type.startsWith(p))) return true;
    return false;
  }
  return true;
}
