/**
 * SQL of the leaders' heatmaps (hexagons, grids, points) and of their fixed colour scale. Every value travels as
 * a parameter. Definitions: docs/stats.md.
 */
import type pg from 'pg';
import { CST_TIME_ZONE } from '@gridcommand/shared/domain';

type Queryable = Pick<pg.Pool, 'query'>;

export interface HeatFilter {
  from: Date;
  to: Date;
  /** 2-digit major class or 5-digit category */
  category: string | null;
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: [number, number, number, number] | null;
}

/** WHERE clause of the cases a heatmap counts (reported in the window), parameters appended to `params`. */
export function heatWhere(f: HeatFilter, params: unknown[]): string {
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
export const HEX_SIZE = (p: string) =>
  `(${p} * 1000.0 / cos(radians(coalesce((SELECT ST_Y(label_point) FROM area WHERE level = 'district' ORDER BY code LIMIT 1), 0))))`;

/** Spherical (Web) Mercator of c.location, EPSG:3857 metres: the formula, cheaper than ST_Transform per case. */
export const MERC_X = `(6378137.0 * radians(ST_X(c.location)))`;
export const MERC_Y = `(6378137.0 * ln(tan(pi() / 4 + radians(ST_Y(c.location)) / 2)))`;

/** The centres (lon, lat, 6 decimals) and counts of `cells(hq, hr, n)` on the lattice of edge `s.size`, in cell order. */
export const HEX_CELL_CENTRES = `
     SELECT round(ST_X(ll)::numeric, 6)::float8 AS lon, round(ST_Y(ll)::numeric, 6)::float8 AS lat, n AS count
     FROM (
       SELECT ST_Transform(ST_SetSRID(ST_MakePoint(size * 1.5 * hq, size * sqrt(3) * (hr + hq / 2.0)), 3857), 4326) AS ll, n, hq, hr
       FROM cells, s
     ) z
     ORDER BY hq, hr`;

/**
 * Snaps the points `pts(x, y)` (EPSG:3857) to flat-topped hexagons of edge `size` centred on a lattice anchored
 * at the projection's origin (axial coordinates, cube rounding): every point lands in exactly one cell, and
 * the cells are the same whatever the window or the bbox. Columns: q, r (the cell's axial coordinates).
 */
export const HEX_SNAP = `
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
     ${HEX_CELL_CENTRES}`,
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
    `SELECT a.code::bigint AS id, a.code, x.n AS count
     FROM (SELECT c.grid_code, count(*)::int AS n FROM cases c WHERE ${where} GROUP BY c.grid_code) x
     JOIN area a ON a.code = x.grid_code
     ORDER BY a.code`,
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
    params = [cellKm, CST_TIME_ZONE];
    const where = heatWhere(filter, params);
    sql = `WITH s AS (SELECT ${HEX_SIZE('$1::float8')} AS size),
      pts AS MATERIALIZED (
        SELECT ${MERC_X} AS x, ${MERC_Y} AS y, (c.reported_at AT TIME ZONE $2)::date AS extra FROM cases c WHERE ${where}
      ),
      ${HEX_SNAP},
      per AS (SELECT count(*) AS n FROM hex GROUP BY hq, hr, extra)
      SELECT coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY n), 0)::float8 AS p FROM per`;
  } else {
    params = [CST_TIME_ZONE];
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
