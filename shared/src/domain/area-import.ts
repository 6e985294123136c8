/**
 * Importing a district's own areas (streets, zones, communities, grids) from GeoJSON: the rules that need no
 * database. The geometric checks (validity, overlaps, gaps, outside the district or the parent) run in PostGIS
 * (server/src/modules/import/repository.ts); everything here is pure and table-tested (shared/test/area-import.test.ts).
 *
 * Codes (see codes.ts): street 9 digits = district + 3, zone 11 = street + 2, community 12 = street + 3 (a zone
 * groups communities but is not part of their codes), grid 15 = community + 3. The added part is never all zeros.
 * Parents: street → district, zone → street, community → zone, grid → community. A feature's parent is its
 * `parent_code`, or, where the code names it (street, zone, grid), the code's prefix.
 *
 * The rule of one import: the file replaces the levels it contains. Areas of those levels are upserted by code;
 * an area of a present level that is absent from the file is removed — refused while anything still refers to it.
 * Levels absent from the file stay as they are. The district itself is never imported: it is the frame.
 */
import { CODE_LENGTH, levelOfCode, type CodeLevel } from './codes.ts';

export const IMPORT_LEVELS = ['street', 'zone', 'community', 'grid'] as const;
export type ImportLevel = (typeof IMPORT_LEVELS)[number];

export const PARENT_LEVEL: Readonly<Record<ImportLevel, CodeLevel>> = { street: 'district', zone: 'street', community: 'zone', grid: 'community' };
export const CHILD_LEVEL: Readonly<Record<CodeLevel, ImportLevel | null>> = { district: 'street', street: 'zone', zone: 'community', community: 'grid', grid: null };
/** how many leading digits of the parent's code a code repeats (a community repeats its zone's street part) */
export const PARENT_PREFIX: Readonly<Record<ImportLevel, number>> = { street: 6, zone: 9, community: 9, grid: 12 };

export const IMPORT_PROBLEMS = [
  'not_feature',
  'invalid_geometry',
  'self_intersection',
  'not_wgs84',
  'outside_district',
  'outside_parent',
  'overlap',
  'gap',
  'duplicate_code',
  'bad_code',
  'bad_level',
  'bad_property',
  'no_parent',
  'grid_without_community',
  'still_referenced',
] as const;
export type ImportProblemCode = (typeof IMPORT_PROBLEMS)[number];

/** One reason the file is refused. `feature` is the index in `features` (null: an area already in the database). */
export interface ImportProblem {
  feature: number | null;
  code: string | null;
  problem: ImportProblemCode;
  detail: string;
  /** overlap and gap: the area in m²; a representative point (lon, lat) */
  areaM2?: number;
  lon?: number;
  lat?: number;
}

/** At most this many problems are listed; `total` counts them all. */
export const MAX_LISTED_PROBLEMS = 200;

export function capProblems(all: readonly ImportProblem[]): { problems: ImportProblem[]; total: number } {
  const sorted = [...all].sort((a, b) => (a.feature ?? Infinity) - (b.feature ?? Infinity) || (a.code ?? '').localeCompare(b.code ?? ''));
  return { problems: sorted.slice(0, MAX_LISTED_PROBLEMS), total: all.length };
}

/** Tolerances of the geometric checks, in m² (geodesic). The demo district's own slivers stay below them. */
export const TOLERANCE_M2 = {
  /** area of a feature beyond the district or its parent */
  outside: 10,
  /** area shared by two areas of one level */
  overlap: 1,
  /** area of a parent that its children do not cover */
  gap: 50,
} as const;

/** A feature as the import takes it, after the checks of this file. */
export interface ImportArea {
  index: number;
  code: string;
  level: ImportLevel;
  name: string;
  parentCode: string;
  shortName: string | null;
  displayCode: string | null;
  /** null: keep the stored value (0 for a new area) */
  population: number | null;
  households: number | null;
  urban: boolean | null;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}

const MAX_NAME = 200;
const MAX_DISPLAY_CODE = 40;

type Props = Record<string, unknown>;

function codeOf(v: unknown): string | null {
  if (typeof v === 'string') return v.trim();
  // a code read as a number (a Shapefile's numeric field): codes never start with 0
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return String(v);
  return null;
}

function countOf(p: Props, key: string): number | null | string {
  const v = p[key];
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 2_147_483_647) return v;
  return `"${key}" must be a whole number ≥ 0`;
}

function textOf(p: Props, key: string, max: number): string | null | { bad: string } {
  const v = p[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') return { bad: `"${key}" must be text` };
  const t = v.trim();
  if (t.length === 0) return null;
  if (t.length > max) return { bad: `"${key}" is longer than ${max} characters` };
  return t;
}

/** Whether a code of `level` fits the parent `parentCode`: length, prefix, and an added part that is not all zeros. */
export function codeProblem(code: string, level: ImportLevel, parentCode: string): string | null {
  if (code.length !== CODE_LENGTH[level]) return `a ${level} code has ${CODE_LENGTH[level]} digits`;
  const n = PARENT_PREFIX[level];
  if (parentCode.length !== CODE_LENGTH[PARENT_LEVEL[level]]) return `parent ${parentCode} is not a ${PARENT_LEVEL[level]} code (${CODE_LENGTH[PARENT_LEVEL[level]]} digits)`;
  if (!code.startsWith(parentCode.slice(0, n))) return `a ${level} code starts with the first ${n} digits of its ${PARENT_LEVEL[level]} (${parentCode.slice(0, n)})`;
  if (/^0+$/.test(code.slice(n))) return `the ${level} number ${code.slice(n)} is all zeros`;
  return null;
}

/** The parent a code names by itself (null for a community: its zone is not in its code). */
export function parentFromCode(code: string, level: ImportLevel): string | null {
  if (level === 'community') return null;
  return code.slice(0, PARENT_PREFIX[level]);
}

const POSITION_OK = (p: unknown): boolean =>
  Array.isArray(p) && p.length >= 2 && p.length <= 4 && p.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Structural check of a GeoJSON geometry (PostGIS checks validity later); null when fine. */
export function geometryShapeProblem(g: unknown): { problem: 'invalid_geometry' | 'not_wgs84'; detail: string } | null {
  if (!g || typeof g !== 'object') return { problem: 'invalid_geometry', detail: 'the feature has no geometry' };
  const { type, coordinates } = g as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' && type !== 'MultiPolygon') return { problem: 'invalid_geometry', detail: `not a Polygon or MultiPolygon (got ${String(type)})` };
  const polygons = type === 'Polygon' ? [coordinates] : coordinates;
  if (!Array.isArray(polygons) || polygons.length === 0) return { problem: 'invalid_geometry', detail: 'no coordinates' };
  let outside = false;
  for (const poly of polygons as unknown[]) {
    if (!Array.isArray(poly) || poly.length === 0) return { problem: 'invalid_geometry', detail: 'a polygon without rings' };
    for (const ring of poly as unknown[]) {
      if (!Array.isArray(ring) || ring.length < 4) return { problem: 'invalid_geometry', detail: 'a ring has fewer than 4 positions' };
      for (const p of ring as unknown[]) {
        if (!POSITION_OK(p)) return { problem: 'invalid_geometry', detail: 'a position is not [lon, lat] numbers' };
        const [x, y] = p as number[];
        if (x! < -180 || x! > 180 || y! < -90 || y! > 90) outside = true;
      }
      const a = ring[0] as number[];
      const b = ring[ring.length - 1] as number[];
      if (a[0] !== b[0] || a[1] !== b[1]) return { problem: 'invalid_geometry', detail: 'a ring is not closed (first and last positions differ)' };
    }
  }
  if (outside) return { problem: 'not_wgs84', detail: 'coordinates beyond ±180/±90: reproject to WGS 84 (ogr2ogr -t_srs EPSG:4326)' };
  return null;
}

/** Reads one feature; returns the area or the problems that refuse it. */
export function readFeature(raw: unknown, index: number): { area: ImportArea | null; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const refuse = (problem: ImportProblemCode, detail: string, code: string | null = null) => problems.push({ feature: index, code, problem, detail });
  if (!raw || typeof raw !== 'object' || (raw as { type?: unknown }).type !== 'Feature') {
    refuse('not_feature', 'not a GeoJSON Feature');
    return { area: null, problems };
  }
  const f = raw as { properties?: unknown; geometry?: unknown };
  const p = (f.properties && typeof f.properties === 'object' && !Array.isArray(f.properties) ? f.properties : {}) as Props;
  const code = codeOf(p.code);
  if (!code || !/^[0-9]+$/.test(code)) {
    refuse('bad_code', `"code" must be digits (got ${JSON.stringify(p.code ?? null)?.slice(0, 40)})`, code);
    return { area: null, problems };
  }
  const byLength = levelOfCode(code);
  const given = p.level;
  let level: ImportLevel | null = null;
  if (given === undefined || given === null || given === '') {
    if (byLength === 'district') refuse('bad_level', 'the district itself is not imported: it is the frame of the import', code);
    else if (!byLength) refuse('bad_code', `a code of ${code.length} digits fits no level (street 9, zone 11, community 12, grid 15)`, code);
    else level = byLength;
  } else if (given === 'district') {
    refuse('bad_level', 'the district itself is not imported: it is the frame of the import', code);
  } else if (typeof given !== 'string' || !(IMPORT_LEVELS as readonly string[]).includes(given)) {
    refuse('bad_level', `"level" must be one of ${IMPORT_LEVELS.join(', ')} (got ${JSON.stringify(given).slice(0, 40)})`, code);
  } else {
    level = given as ImportLevel;
    if (byLength !== level) refuse('bad_code', `a ${level} code has ${CODE_LENGTH[level]} digits (got ${code.length})`, code);
  }
  const name = textOf(p, 'name', MAX_NAME);
  if (name === null) refuse('bad_property', '"name" is required', code);
  else if (typeof name === 'object') refuse('bad_property', name.bad, code);
  const shortName = textOf(p, 'short_name', MAX_NAME);
  if (shortName && typeof shortName === 'object') refuse('bad_property', shortName.bad, code);
  const displayCode = textOf(p, 'display_code', MAX_DISPLAY_CODE);
  if (displayCode && typeof displayCode === 'object') refuse('bad_property', displayCode.bad, code);
  const population = countOf(p, 'population');
  const households = countOf(p, 'households');
  for (const c of [population, households]) if (typeof c === 'string') refuse('bad_property', c, code);
  const urban = p.urban === undefined || p.urban === null ? null : p.urban;
  if (urban !== null && typeof urban !== 'boolean') refuse('bad_property', '"urban" must be true or false', code);

  let parentCode: string | null = null;
  if (level) {
    const rawParent = p.parent_code;
    parentCode = rawParent === undefined || rawParent === null || rawParent === '' ? parentFromCode(code, level) : codeOf(rawParent);
    if (parentCode === null) {
      refuse(level === 'grid' ? 'grid_without_community' : 'no_parent', level === 'community' ? 'a community needs "parent_code" (its zone)' : '"parent_code" must be a code', code);
    } else if (byLength === level) {
      const bad = codeProblem(code, level, parentCode);
      if (bad) refuse('bad_code', bad, code);
    }
  }
  const shape = geometryShapeProblem(f.geometry);
  if (shape) refuse(shape.problem, shape.detail, code);
  if (problems.length > 0 || !level || parentCode === null || typeof name !== 'string') return { area: null, problems };
  return {
    area: {
      index,
      code,
      level,
      name,
      parentCode,
      shortName: typeof shortName === 'string' ? shortName : null,
      displayCode: typeof displayCode === 'string' ? displayCode : null,
      population: population as number | null,
      households: households as number | null,
      urban: urban as boolean | null,
      geometry: f.geometry as ImportArea['geometry'],
    },
    problems,
  };
}

/** An area already stored: its code and level. */
export interface StoredArea {
  code: string;
  level: CodeLevel;
}

/**
 * The checks across features: duplicate codes, and each parent present in the areas as they will be (the file's
 * levels from the file, the other levels as stored) with the right level. Returns the problems and the levels present.
 */
export function checkHierarchy(areas: readonly ImportArea[], stored: readonly StoredArea[]): { problems: ImportProblem[]; levels: ImportLevel[] } {
  const problems: ImportProblem[] = [];
  const levels = IMPORT_LEVELS.filter((l) => areas.some((a) => a.level === l));
  const present = new Set<CodeLevel>(levels);
  const next = new Map<string, CodeLevel>();
  for (const s of stored) if (!present.has(s.level)) next.set(s.code, s.level);
  const seen = new Map<string, number>();
  for (const a of areas) {
    const first = seen.get(a.code);
    if (first !== undefined) {
      problems.push({ feature: a.index, code: a.code, problem: 'duplicate_code', detail: `the same code as feature ${first}` });
      continue;
    }
    seen.set(a.code, a.index);
    next.set(a.code, a.level);
  }
  for (const a of areas) {
    if (seen.get(a.code) !== a.index) continue;
    const want = PARENT_LEVEL[a.level];
    const got = next.get(a.parentCode);
    if (got === want) continue;
    const problem: ImportProblemCode = a.level === 'grid' ? 'grid_without_community' : 'no_parent';
    const detail = got
      ? `parent ${a.parentCode} is a ${got}; a ${a.level}'s parent is a ${want}`
      : `no ${want} ${a.parentCode}${present.has(want) ? ' in the file' : ' in the file or the database'}`;
    problems.push({ feature: a.index, code: a.code, problem, detail });
  }
  return { problems, levels };
}

/** The levels whose geometry the import must check: the present ones and the level below each. */
export function checkedLevels(levels: readonly ImportLevel[]): ImportLevel[] {
  const out = new Set<ImportLevel>(levels);
  for (const l of levels) {
    const c = CHILD_LEVEL[l];
    if (c) out.add(c);
  }
  return IMPORT_LEVELS.filter((l) => out.has(l));
}

/** What an import changes at one level. */
export interface LevelCounts {
  level: ImportLevel;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}
