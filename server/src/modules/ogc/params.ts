/**
 * The items query of /ogc/ as values: bbox, datetime and the property filters, parsed strictly (pure functions,
 * tested in server/test/ogc.test.ts). Anything malformed is a 400 in the one error shape; nothing is guessed at or
 * silently dropped.
 */
import { Type } from 'typebox';
import { badRequest } from '../../plugins/errors.ts';
import { ALL_QUERYABLES, type CollectionDef } from './collections.ts';

export const MAX_LIMIT = 10_000;
export const DEFAULT_LIMIT = 10;
export const MAX_OFFSET = 10_000_000;

/** f=json (and f=geojson on items) are accepted; the answer is JSON / GeoJSON either way. */
export const Format = Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('geojson')], { description: 'the format; only JSON (GeoJSON for features) is served' }));

export const PlainQuery = Type.Object({ f: Format }, { additionalProperties: false });

export const ItemsQuery = Type.Object(
  {
    f: Format,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `features per page, 1–${MAX_LIMIT} (default ${DEFAULT_LIMIT})` })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET, description: 'features to skip (the next / prev links carry it)' })),
    bbox: Type.Optional(Type.String({ maxLength: 200, description: 'west,south,east,north in CRS84 (lon/lat degrees)' })),
    datetime: Type.Optional(Type.String({ maxLength: 100, description: 'an RFC 3339 instant or interval a/b, ../b, a/..' })),
    ...Object.fromEntries(
      ALL_QUERYABLES.map((q) => [q, Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: `equality filter on "${q}" (see the collection's queryables)` }))]),
    ),
  },
  { additionalProperties: false },
);

export type ItemsQueryInput = { f?: string; limit?: number; offset?: number; bbox?: string; datetime?: string } & Record<string, unknown>;

export type Bbox = [west: number, south: number, east: number, north: number];

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** "w,s,e,n" → numbers; 400 unless four finite numbers in CRS84 range with w <= e and s <= n. */
export function parseBbox(raw: string): Bbox {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length === 6) throw badRequest('BAD_BBOX', 'bbox: only 2D boxes (4 numbers: west,south,east,north) are served');
  if (parts.length !== 4 || !parts.every((p) => NUMBER.test(p))) {
    throw badRequest('BAD_BBOX', `bbox must be 4 comma-separated numbers west,south,east,north (got ${JSON.stringify(raw.slice(0, 60))})`);
  }
  const [w, s, e, n] = parts.map(Number) as Bbox;
  if (![w, s, e, n].every(Number.isFinite)) throw badRequest('BAD_BBOX', 'bbox numbers must be finite');
  if (w < -180 || e > 180 || s < -90 || n > 90) throw badRequest('BAD_BBOX', 'bbox must lie within -180..180 longitude and -90..90 latitude (CRS84)');
  if (w > e) throw badRequest('BAD_BBOX', 'bbox: west must not be east of east (boxes across the antimeridian are not served)');
  if (s > n) throw badRequest('BAD_BBOX', 'bbox: south must not be north of north');
  return [w, s, e, n];
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** An RFC 3339 date-time (with its offset) as an instant; null when it is not one or names an impossible date. */
export function parseInstant(s: string): Date | null {
  const m = DATE_TIME.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return null;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > daysInMonth) return null;
  let offsetMin = 0;
  if (m[9]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const utc = Date.UTC(y, mo - 1, d, h, mi, se, ms) - offsetMin * 60_000;
  const at = new Date(utc);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** A datetime parameter: from / to, inclusive; either may be open. An instant has from = to. */
export interface Interval {
  from: Date | null;
  to: Date | null;
}

export function parseDatetime(raw: string): Interval {
  const bad = (why: string) => badRequest('BAD_DATETIME', `datetime ${why} (got ${JSON.stringify(raw.slice(0, 60))}); e.g. 2026-11-01T00:00:00Z, 2026-11-01T00:00:00Z/2026-12-01T00:00:00Z, ../2026-12-01T00:00:00+08:00`);
  const parts = raw.split('/');
  if (parts.length > 2) throw bad('is an instant or an interval a/b');
  const end = (s: string): Date | null => {
    if (s === '..' || s === '') return null;
    const at = parseInstant(s);
    if (!at) throw bad(`"${s.slice(0, 40)}" is not an RFC 3339 date-time with an offset (or the date does not exist)`);
    return at;
  };
  if (parts.length === 1) {
    if (raw === '..' || raw === '') throw bad('must name an instant');
    const at = end(raw);
    return { from: at, to: at };
  }
  const from = end(parts[0]!);
  const to = end(parts[1]!);
  if (from && to && from.getTime() > to.getTime()) throw bad('must not end before it starts');
  return { from, to };
}

/** A property filter of the items query: a queryable, its SQL-free name, and the value(s) it must equal. */
export type Filter = { name: string; values: string[] } | { name: string; flag: boolean };

/** The property filters of this query for this collection; 400 for a queryable the collection does not have. */
export function parseFilters(def: CollectionDef, query: Record<string, unknown>): Filter[] {
  const out: Filter[] = [];
  for (const name of ALL_QUERYABLES) {
    const raw = query[name];
    if (raw === undefined) continue;
    const q = def.queryables[name];
    if (!q) throw badRequest('UNKNOWN_PARAMETER', `collection ${def.id} has no queryable "${name}"; its queryables: ${Object.keys(def.queryables).join(', ')} (GET /ogc/collections/${def.id}/queryables)`);
    const value = String(raw);
    if (q.type === 'boolean') {
      if (value !== 'true' && value !== 'false') throw badRequest('BAD_FILTER', `${name} must be true or false (got ${JSON.stringify(value.slice(0, 40))})`);
      out.push({ name, flag: value === 'true' });
      continue;
    }
    const values = q.list ? value.split(',').map((v) => v.trim()) : [value];
    if (values.some((v) => v === '')) throw badRequest('BAD_FILTER', `${name}: empty value in ${JSON.stringify(value.slice(0, 40))}`);
    if (values.length > 1000) throw badRequest('BAD_FILTER', `${name}: at most 1000 values`);
    if (q.enum) {
      const wrong = values.filter((v) => !q.enum!.includes(v));
      if (wrong.length) throw badRequest('BAD_FILTER', `${name} must be one of ${q.enum.join(', ')} (got ${JSON.stringify(wrong[0]!.slice(0, 40))})`);
    }
    out.push({ name, values });
  }
  return out;
}
