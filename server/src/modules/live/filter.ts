/** What a live client asks for: streets and event types (`?street=`, `?types=`), and whether an event matches. */
/** Which events a client wants. null: no restriction. */
export interface LiveFilter {
  /** street codes; events without a street (district-wide, system) always pass */
  streets: readonly string[] | null;
  /** exact types */
  types: readonly string[] | null;
  /** type prefixes (from "case.*" → "case.") */
  typePrefixes: readonly string[] | null;
}

export const NO_FILTER: LiveFilter = { streets: null, types: null, typePrefixes: null };

export function isUnfiltered(f: LiveFilter): boolean {
  return f.streets === null && f.types === null && f.typePrefixes === null;
}

/** Parses `?street=a,b` and `?types=case.light,team.*` (already validated by the route schema). */
export function parseFilter(street?: string, types?: string): LiveFilter {
  const streets = street ? [...new Set(street.split(',').filter(Boolean))] : null;
  let exact: string[] | null = null;
  let prefixes: string[] | null = null;
  if (types) {
    for (const t of new Set(types.split(',').filter(Boolean))) {
      if (t === '*') return { streets, types: null, typePrefixes: null };
      if (t.endsWith('.*')) (prefixes ??= []).push(t.slice(0, -1));
      else (exact ??= []).push(t);
    }
    // only prefixes given: no exact types wanted (and vice versa)
    if (exact && !prefixes) prefixes = [];
    if (prefixes && !exact) exact = [];
  }
  return { streets, types: exact, typePrefixes: prefixes };
}

export function matchesFilter(f: LiveFilter, e: { type: string; streetCode: string | null }): boolean {
  if (f.streets && e.streetCode !== null && !f.streets.includes(e.streetCode)) return false;
  if (f.types || f.typePrefixes) {
    if (f.types?.includes(e.type)) return true;
    if (f.typePrefixes?.some((p) => e.type.startsWith(p))) return true;
    return false;
  }
  return true;
}
