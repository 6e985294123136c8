/**
 * SQL of the statistics and of the wall's map layers. The only code of the module that talks SQL; every value
 * travels as a parameter. Definitions of the numbers: docs/stats.md (they mirror shared/src/domain/indicators.ts
 * periodClosureCounts, which the tests hold these queries to).
 */
import type pg from 'pg';
import { CASE_STATES, LIGHTS, OPEN_STATES, type CaseState, type Light, type Priority } from '@gridcommand/shared/domain';
import type { AreaLevel } from '@gridcommand/shared/schemas';
import { inTransaction } from '../../db/transaction.ts';

type Queryable = Pick<pg.Pool, 'query'>;

/** States that are not final (not closed, not void): everything a backlog or a snapshot can hold. */
const NOT_FINAL: CaseState[] = CASE_STATES.filter((s) => s !== 'closed' && s !== 'void');
/** "In progress" among the cases reported in a period: neither closed, nor void, nor parked. */
const IN_PROGRESS: CaseState[] = CASE_STATES.filter((s) => s !== 'closed' && s !== 'void' && s !== 'parked');
const OPEN: CaseState[] = [...OPEN_STATES];
/** The open states spelled out, as the partial index cases_lit_grid_idx (migration 008) is defined. */
const LIT_PREDICATE = `c.status IN ('reported', 'filed', 'dispatched', 'in_progress')`;
if (OPEN.join() !== 'reported,filed,dispatched,in_progress') {
  throw new Error('OPEN_STATES changed: update LIT_PREDICATE and the partial index cases_lit_grid_idx');
}

export const TIME_ZONE = 'Asia/Shanghai';

/** How cases are selected below an area of each level ($n is the area's code). */
const CASES_BELOW: Record<AreaLevel, (p: string) => string> = {
  district: (p) => `left(c.grid_code, 6) = ${p}`,
  street: (p) => `c.street_code = ${p}`,
  zone: (p) => `c.zone_code = ${p}`,
  community: (p) => `c.community_code = ${p}`,
  grid: (p) => `c.grid_code = ${p}`,
};

/** The area column cases are grouped by, per level. */
const GROUP_COLUMN = { street: 'c.street_code', zone: 'c.zone_code', community: 'c.community_code', grid: 'c.grid_code' } as const;
export type GroupLevel = keyof typeof GROUP_COLUMN;

export interface IndicatorCounts {
  reported: number;
  filed: number;
  closed: number;
  inProgress: number;
  escalated: number;
  dueToClose: number;
  closedOfDue: number;
  closedOnTime: number;
  open: number;
  green: number;
  due_soon: number;
  yellow: number;
  red: number;
  overdue: number;
  supervised: number;
  emergenciesOpen: number;
}

export const ZERO_COUNTS: IndicatorCounts = {
  reported: 0, filed: 0, closed: 0, inProgress: 0, escalated: 0, dueToClose: 0, closedOfDue: 0, closedOnTime: 0,
  open: 0, green: 0, due_soon: 0, yellow: 0, red: 0, overdue: 0, supervised: 0, emergenciesOpen: 0,
};

// $1 from, $2 to, $3 not-final states, $4 open (lit) states, $5 in-progress states
const IN_P = (col: string) => `(c.${col} >= $1 AND c.${col} < $2)`;
const IS_OPEN = `c.status = ANY($4::text[])`;
/** Due to close in [$1, $2): resolve-by in the period, or the backlog (resolve-by before it, not closed when it began). */
const DUE = `(c.status NOT IN ('void', 'parked') AND (${IN_P('resolve_by')} OR (c.resolve_by < $1 AND (c.closed_at IS NULL OR c.closed_at >= $1))))`;

const COUNT_COLUMNS = `
  count(*) FILTER (WHERE ${IN_P('reported_at')})::int AS reported,
  count(*) FILTER (WHERE ${IN_P('filed_at')})::int AS filed,
  count(*) FILTER (WHERE ${IN_P('closed_at')})::int AS closed,
  count(*) FILTER (WHERE ${IN_P('reported_at')} AND c.status = ANY($5::text[]))::int AS "inProgress",
  count(*) FILTER (WHERE ${IN_P('reported_at')} AND c.escalation_level > 0)::int AS escalated,
  count(*) FILTER (WHERE ${DUE})::int AS "dueToClose",
  count(*) FILTER (WHERE ${DUE} AND c.closed_at < $2)::int AS "closedOfDue",
  count(*) FILTER (WHERE ${DUE} AND c.closed_at < $2 AND c.closed_at <= c.resolve_by)::int AS "closedOnTime",
  count(*) FILTER (WHERE ${IS_OPEN})::int AS open,
  count(*) FILTER (WHERE ${IS_OPEN} AND c.light = 'green')::int AS green,
  count(*) FILTER (WHERE ${IS_OPEN} AND c.light = 'due_soon')::int AS due_soon,
  count(*) FILTER (WHERE ${IS_OPEN} AND c.light = 'yellow')::int AS yellow,
  count(*) FILTER (WHERE ${IS_OPEN} AND c.light = 'red')::int AS red,
  count(*) FILTER (WHERE ${IS_OPEN} AND c.light IN ('yellow', 'red'))::int AS overdue,
  count(*) FILTER (WHERE c.supervised)::int AS supervised,
  count(*) FILTER (WHERE ${IS_OPEN} AND c.priority = 'emergency')::int AS "emergenciesOpen"`;

/** Every case any of the columns can count: each arm is served by an index (a bitmap OR). */
const RELEVANT = `(${IN_P('reported_at')} OR ${IN_P('filed_at')} OR c.closed_at >= $1 OR ${IN_P('resolve_by')}
  OR c.status = ANY($3::text[]) OR c.supervised)`;

function baseParams(from: Date, to: Date): unknown[] {
  return [from, to, NOT_FINAL, OPEN, IN_PROGRESS];
}

export interface AreaScope {
  level: AreaLevel;
  code: string;
}

/** The indicator counts of [from, to) for the whole territory or one area. */
export async function indicatorTotals(db: Queryable, from: Date, to: Date, scope: AreaScope | null): Promise<IndicatorCounts> {
  const params = baseParams(from, to);
  let filter = '';
  if (scope) {
    params.push(scope.code);
    filter = `AND ${CASES_BELOW[scope.level](`$${params.length}`)}`;
  }
  const { rows } = await db.query<IndicatorCounts>(`SELECT ${COUNT_COLUMNS} FROM cases c WHERE ${RELEVANT} ${filter}`, params);
  return rows[0] ?? { ...ZERO_COUNTS };
}

export interface AreaIndicatorRow extends IndicatorCounts {
  id: number;
  code: string;
  name: string;
  population: number;
}

/** The indicator counts of [from, to) for every area of a level (areas without cases get zeros). */
export async function indicatorsByArea(db: Queryable, level: GroupLevel, from: Date, to: Date): Promise<AreaIndicatorRow[]> {
  const { rows } = await db.query<{ id: number; code: string; name: string; population: number; counts: IndicatorCounts | null }>(
    `WITH agg AS (
       SELECT ${GROUP_COLUMN[level]} AS key, ${COUNT_COLUMNS}
       FROM cases c WHERE ${RELEVANT} GROUP BY 1
     )
     SELECT a.id, a.code, a.name, a.population, to_jsonb(agg) AS counts
     FROM area a LEFT JOIN agg ON agg.key = a.code
     WHERE a.level = $6::area_level
     ORDER BY a.code`,
    [...baseParams(from, to), level],
  );
  return rows.map((r) => {
    const counts = { ...ZERO_COUNTS };
    if (r.counts) for (const k of Object.keys(ZERO_COUNTS) as (keyof IndicatorCounts)[]) counts[k] = Number(r.counts[k] ?? 0);
    return { id: r.id, code: r.code, name: r.name, population: r.population, ...counts };
  });
}

export interface AreaRow {
  id: number;
  code: string;
  name: string;
  level: AreaLevel;
  population: number;
}

export async function findArea(db: Queryable, code: string): Promise<AreaRow | null> {
  const { rows } = await db.query<AreaRow>(
    `SELECT id, code, name, level::text AS level, population FROM area WHERE code = $1`,
    [code],
  );
  return rows[0] ?? null;
}

/** Reported and closed per CST day over [from, to), for the whole territory or one area. */
export async function dailyCounts(
  db: Queryable,
  from: Date,
  to: Date,
  scope: AreaScope | null,
): Promise<Map<string, { reported: number; closed: number }>> {
  const params: unknown[] = [from, to, TIME_ZONE];
  let filter = '';
  if (scope) {
    params.push(scope.code);
    filter = `AND ${CASES_BELOW[scope.level](`$${params.length}`)}`;
  }
  const { rows } = await db.query<{ day: string; reported: number; closed: number }>(
    `SELECT day, sum(reported)::int AS reported, sum(closed)::int AS closed FROM (
       SELECT to_char(c.reported_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, 1 AS reported, 0 AS closed
       FROM cases c WHERE ${IN_P('reported_at')} ${filter}
       UNION ALL
       SELECT to_char(c.closed_at AT TIME ZONE $3, 'YYYY-MM-DD'), 0, 1
       FROM cases c WHERE ${IN_P('closed_at')} ${filter}
     ) x GROUP BY day`,
    params,
  );
  const out = new Map<string, { reported: number; closed: number }>();
  for (const r of rows) out.set(r.day, { reported: r.reported, closed: r.closed });
  return out;
}

export type TrendGroup = 'day' | 'category' | 'source' | 'street';

export interface TrendRow {
  key: string;
  label: string | null;
  reported: number;
  closed: number;
  overdue: number;
}

const TREND_KEY: Record<TrendGroup, { reported: string; closed: string; due: string }> = {
  day: {
    reported: `to_char(c.reported_at AT TIME ZONE $4, 'YYYY-MM-DD')`,
    closed: `to_char(c.closed_at AT TIME ZONE $4, 'YYYY-MM-DD')`,
    due: `to_char(c.resolve_by AT TIME ZONE $4, 'YYYY-MM-DD')`,
  },
  category: { reported: 'left(c.category_code, 2)', closed: 'left(c.category_code, 2)', due: 'left(c.category_code, 2)' },
  source: { reported: 'c.source', closed: 'c.source', due: 'c.source' },
  street: { reported: 'c.street_code', closed: 'c.street_code', due: 'c.street_code' },
};

/**
 * Reported (reported in the window), closed (closed in the window) and overdue (resolve-by in the window and
 * already past at `now`, not void or parked, and not closed by its resolve-by) per bucket.
 */
export async function trendCounts(
  db: Queryable,
  by: TrendGroup,
  from: Date,
  to: Date,
  now: Date,
  street: string | null,
): Promise<TrendRow[]> {
  // $4 (the time zone) only where the day buckets use it: an unused parameter has no type
  const params: unknown[] = by === 'day' ? [from, to, now, TIME_ZONE] : [from, to, now];
  let filter = '';
  if (street) {
    params.push(street);
    filter = `AND c.street_code = $${params.length}`;
  }
  const k = TREND_KEY[by];
  const { rows } = await db.query<{ key: string; reported: number; closed: number; overdue: number }>(
    `SELECT key, sum(r)::int AS reported, sum(cl)::int AS closed, sum(o)::int AS overdue FROM (
       SELECT ${k.reported} AS key, 1 AS r, 0 AS cl, 0 AS o FROM cases c WHERE ${IN_P('reported_at')} ${filter}
       UNION ALL
       SELECT ${k.closed}, 0, 1, 0 FROM cases c WHERE ${IN_P('closed_at')} ${filter}
       UNION ALL
       SELECT ${k.due}, 0, 0, 1 FROM cases c
       WHERE ${IN_P('resolve_by')} AND c.resolve_by < $3 AND c.status NOT IN ('void', 'parked')
         AND (c.closed_at IS NULL OR c.closed_at > c.resolve_by) ${filter}
     ) x GROUP BY key ORDER BY key`,
    params,
  );
  return rows.map((r) => ({ ...r, label: null }));
}

/** Names of the major categories and of the streets (labels of the trend buckets). */
export async function labels(db: Queryable, by: 'category' | 'street'): Promise<Map<string, string>> {
  const sql =
    by === 'category'
      ? `SELECT code, name FROM category_major ORDER BY code`
      : `SELECT code, name FROM area WHERE level = 'street' ORDER BY code`;
  const { rows } = await db.query<{ code: string; name: string }>(sql);
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** Does this category (5 digits) or major class (2 digits) exist? */
export async function categoryExists(db: Queryable, code: string): Promise<boolean> {
  const { rows } = await db.query(
    code.length === 2 ? `SELECT 1 FROM category_major WHERE code = $1` : `SELECT 1 FROM category WHERE code = $1`,
    [code],
  );
  return rows.length > 0;
}

// ---------------------------------------------------------------- heatmaps

export interface HeatFilter {
  from: Date;
  to: Date;
  /** 2-digit major class or 5-digit category */
  category: string | null;
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: [number, number, number, number] | null;
}

/** WHERE clause of the cases a heatmap counts (reported in the window), parameters appended to `params`. */
function heatWhere(f: HeatFilter, params: unknown[]): string {
  params.push(f.from, f.to);
  const parts = [`c.reported_at >= $${params.length - 1} AND c.reported_at < $${params.length}`];
  if (f.category) {
    params.push(f.category);
    parts.push(
      f.category.length === 2
        ? `c.category_code IN (SELECT code FROM category WHERE major_code = $${params.length})`
        : `c.category_code = $${params.length}`,
    );
  }
  if (f.bbox) {
    params.push(...f.bbox);
    const n = params.length;
    parts.push(`c.location && ST_MakeEnvelope($${n - 3}, $${n - 2}, $${n - 1}, $${n}, 4326)`);
  }
  return parts.join(' AND ');
}

/**
 * Hexagon edge length in EPSG:3857 units for `cellKm` km on the ground at the district's latitude (Web Mercator
 * stretches distances by 1 / cos(latitude)). Fixed per district, so cells are the same for every window.
 */
const HEX_SIZE = (p: string) =>
  `(${p} * 1000.0 / cos(radians(coalesce((SELECT ST_Y(label_point) FROM area WHERE level = 'district' ORDER BY code LIMIT 1), 0))))`;

/** Spherical (Web) Mercator of c.location, EPSG:3857 metres: the formula, cheaper than ST_Transform per case. */
const MERC_X = `(6378137.0 * radians(ST_X(c.location)))`;
const MERC_Y = `(6378137.0 * ln(tan(pi() / 4 + radians(ST_Y(c.location)) / 2)))`;

/**
 * Snaps the points `pts(x, y)` (EPSG:3857) to flat-topped hexagons of edge `size` centred on a lattice anchored
 * at the projection's origin (axial coordinates, cube rounding): every point lands in exactly one cell, and
 * the cells are the same whatever the window or the bbox. Columns: q, r (the cell's axial coordinates).
 */
const HEX_SNAP = `
  ax AS (SELECT (2.0 / 3 * x) / size AS q, (-1.0 / 3 * x + sqrt(3) / 3 * y) / size AS r, extra FROM pts, s),
  cube AS MATERIALIZED (SELECT q, r, -q - r AS t, round(q) AS rq, round(r) AS rr, round(-q - r) AS rt, extra FROM ax),
  hex AS (
    SELECT CASE WHEN abs(rq - q) > abs(rr - r) AND abs(rq - q) > abs(rt - t) THEN -rr - rt ELSE rq END::int AS hq,
           CASE WHEN abs(rq - q) > abs(rr - r) AND abs(rq - q) > abs(rt - t) THEN rr
                WHEN abs(rr - r) > abs(rt - t) THEN -rq - rt ELSE rr END::int AS hr,
           extra
    FROM cube
  )`;

export interface HexCellRow {
  lon: number;
  lat: number;
  count: number;
}

/** Case counts per hexagon (centre lon/lat), cells with no case left out. Aggregated in PostGIS. */
export async function hexHeatmap(db: Queryable, f: HeatFilter, cellKm: number): Promise<HexCellRow[]> {
  const params: unknown[] = [cellKm];
  const where = heatWhere(f, params);
  const { rows } = await db.query<HexCellRow>(
    `WITH s AS (SELECT ${HEX_SIZE('$1::float8')} AS size),
     pts AS MATERIALIZED (
       SELECT ${MERC_X} AS x, ${MERC_Y} AS y, 0 AS extra FROM cases c WHERE ${where}
     ),
     ${HEX_SNAP},
     cells AS (SELECT hq, hr, count(*)::int AS n FROM hex GROUP BY hq, hr)
     SELECT round(ST_X(ll)::numeric, 6)::float8 AS lon, round(ST_Y(ll)::numeric, 6)::float8 AS lat, n AS count
     FROM (
       SELECT ST_Transform(ST_SetSRID(ST_MakePoint(size * 1.5 * hq, size * sqrt(3) * (hr + hq / 2.0)), 3857), 4326) AS ll, n, hq, hr
       FROM cells, s
     ) z
     ORDER BY hq, hr`,
    params,
  );
  return rows;
}

export interface GridCellRow {
  id: number;
  code: string;
  count: number;
}

/** Case counts per grid (the grid's area id and code), grids with no case left out. */
export async function gridHeatmap(db: Queryable, f: HeatFilter): Promise<GridCellRow[]> {
  const params: unknown[] = [];
  const where = heatWhere(f, params);
  const { rows } = await db.query<GridCellRow>(
    `SELECT a.id, a.code, x.n AS count
     FROM (SELECT c.grid_code, count(*)::int AS n FROM cases c WHERE ${where} GROUP BY c.grid_code) x
     JOIN area a ON a.code = x.grid_code
     ORDER BY a.id`,
    params,
  );
  return rows;
}

/** Cases per exact place ([lon, lat, weight]), heaviest first, at most `limit`; and the number of cases. */
export async function pointHeatmap(db: Queryable, f: HeatFilter, limit: number): Promise<{ points: [number, number, number][]; total: number; places: number }> {
  const params: unknown[] = [];
  const where = heatWhere(f, params);
  params.push(limit);
  const { rows } = await db.query<{ lon: number; lat: number; w: number; total: number; places: number }>(
    `SELECT lon, lat, w, sum(w) OVER ()::int AS total, count(*) OVER ()::int AS places FROM (
       SELECT round(ST_X(c.location)::numeric, 6)::float8 AS lon, round(ST_Y(c.location)::numeric, 6)::float8 AS lat, count(*)::int AS w
       FROM cases c WHERE ${where} GROUP BY 1, 2
     ) x
     ORDER BY w DESC, lon, lat
     LIMIT $${params.length}`,
    params,
  );
  return {
    points: rows.map((r) => [r.lon, r.lat, r.w]),
    total: rows[0]?.total ?? 0,
    places: rows[0]?.places ?? 0,
  };
}

/**
 * The 99th percentile of cases per (cell, CST day) over the cell-days that had any case, reported in
 * [from, to) — cells are hexagons of `cellKm` or grids.
 */
export async function cellDayP99(db: Queryable, mode: 'hex' | 'grid', from: Date, to: Date, category: string | null, cellKm: number): Promise<number> {
  const filter = { from, to, category, bbox: null };
  let sql: string;
  let params: unknown[];
  if (mode === 'hex') {
    params = [cellKm, TIME_ZONE];
    const where = heatWhere(filter, params);
    sql = `WITH s AS (SELECT ${HEX_SIZE('$1::float8')} AS size),
      pts AS MATERIALIZED (
        SELECT ${MERC_X} AS x, ${MERC_Y} AS y, (c.reported_at AT TIME ZONE $2)::date AS extra FROM cases c WHERE ${where}
      ),
      ${HEX_SNAP},
      per AS (SELECT count(*) AS n FROM hex GROUP BY hq, hr, extra)
      SELECT coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY n), 0)::float8 AS p FROM per`;
  } else {
    params = [TIME_ZONE];
    const where = heatWhere(filter, params);
    sql = `WITH per AS (
        SELECT count(*) AS n FROM cases c WHERE ${where}
        GROUP BY c.grid_code, (c.reported_at AT TIME ZONE $1)::date
      )
      SELECT coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY n), 0)::float8 AS p FROM per`;
  }
  const { rows } = await db.query<{ p: number }>(sql, params);
  return rows[0]?.p ?? 0;
}

// ---------------------------------------------------------------- the wall's map layers (one snapshot each)

/**
 * Runs `fn` in a read-only REPEATABLE READ transaction after reading the newest event id, so that the data
 * and the id come from the same snapshot: events after the id are exactly the changes the data does not
 * show yet (event ids become visible in commit order, see live/events.ts).
 */
export async function inSnapshot<T>(pool: pg.Pool, fn: (db: pg.PoolClient) => Promise<T>): Promise<{ lastEventId: number; result: T }> {
  return inTransaction(
    pool,
    async (client) => {
      const { rows } = await client.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM event');
      return { lastEventId: Number(rows[0]?.id ?? 0), result: await fn(client) };
    },
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  );
}

export interface GridLightRow {
  id: number;
  code: string;
  /** 1-based rank of the worst light in LIGHTS */
  rank: number;
  open: number;
}

/** Grids with open (lit) cases: the worst light (rank in the domain's LIGHTS order) and how many. */
export async function gridLights(db: Queryable): Promise<GridLightRow[]> {
  const { rows } = await db.query<GridLightRow>(
    `SELECT a.id, a.code, x.rank, x.open
     FROM (
       SELECT c.grid_code, max(array_position($1::text[], c.light))::int AS rank, count(*)::int AS open
       FROM cases c
       WHERE ${LIT_PREDICATE}
       GROUP BY c.grid_code
     ) x JOIN area a ON a.code = x.grid_code
     ORDER BY a.id`,
    [[...LIGHTS]],
  );
  return rows;
}

export interface OpenCaseRow {
  id: string;
  code: string;
  lon: number;
  lat: number;
  light: Light;
  priority: Priority;
  status: CaseState;
  categoryCode: string;
  majorCode: string;
  gridId: number;
  streetCode: string;
  reportedAt: Date;
  title: string;
}

/** Open (lit) cases, optionally within a bbox. */
export async function openCases(db: Queryable, bbox: [number, number, number, number] | null): Promise<OpenCaseRow[]> {
  const params: unknown[] = [OPEN];
  let filter = '';
  if (bbox) {
    params.push(...bbox);
    filter = 'AND c.location && ST_MakeEnvelope($2, $3, $4, $5, 4326)';
  }
  const { rows } = await db.query<OpenCaseRow>(
    `SELECT c.id::text AS id, c.code, round(ST_X(c.location)::numeric, 6)::float8 AS lon, round(ST_Y(c.location)::numeric, 6)::float8 AS lat,
            c.light, c.priority, c.status, c.category_code AS "categoryCode", left(c.category_code, 2) AS "majorCode",
            a.id AS "gridId", c.street_code AS "streetCode", c.reported_at AS "reportedAt", c.title
     FROM cases c JOIN area a ON a.code = c.grid_code
     WHERE c.status = ANY($1::text[]) ${filter}
     ORDER BY c.id`,
    params,
  );
  return rows;
}
