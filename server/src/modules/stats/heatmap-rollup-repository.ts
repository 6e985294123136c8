/**
 * The leaders' heatmaps (hexagons, grids) and their colour scale answered from the rollups of migration 024
 * (docs/rollups.md): whole CST days from rollup_heat_hex (per fixed hexagon of HEX_ROLLUP_KM, day, category) and
 * its whole calendar months from rollup_heat_hex_month (migration 028),
 * rollup_flow (per grid and day) and rollup_heat_grid (per grid, day and category); the partial first and last day
 * from `cases`. Each function returns exactly what its raw counterpart in heatmap-repository.ts returns (the
 * reference, held to it by server/test/rollups-heatmap.test.ts); what the rollups cannot answer — a bbox (cells
 * cut by its edge), an edge length not pre-aggregated, a window within one day — goes to the raw query.
 */
import type pg from 'pg';
import { cstDateKey, startOfCstDay, wholeMonthsWithin } from '@gridcommand/shared/domain';
import {
  HEX_CELL_CENTRES,
  HEX_SIZE,
  HEX_SNAP,
  MERC_X,
  MERC_Y,
  cellDayP99,
  gridHeatmap,
  hexHeatmap,
  type GridCellRow,
  type HeatFilter,
  type HexCellRow,
} from './heatmap-repository.ts';
import { ceilDay } from './rollup-repository.ts';

type Queryable = Pick<pg.Pool, 'query'>;

/** The hexagon edge lengths (km) pre-aggregated by migration 024 (rollup_hex_sizes()). */
export const HEX_ROLLUP_KM = [0.5, 1, 2] as const;

const rolledKm = (km: number) => (HEX_ROLLUP_KM as readonly number[]).includes(km);

/** `AND …` of the category (2-digit major class or 5-digit category) on alias `a`, parameter appended. */
function categoryAnd(a: string, category: string | null, params: unknown[]): string {
  if (!category) return '';
  params.push(category);
  return category.length === 2
    ? `AND ${a}.category_code IN (SELECT code FROM category WHERE major_code = $${params.length})`
    : `AND ${a}.category_code = $${params.length}`;
}

/**
 * The whole CST days [F, T) inside [from, to), and the partial slivers [from, F) and [T, to) around them;
 * null when no whole day is inside (the raw query answers).
 */
function split(from: Date, to: Date): { F: Date; T: Date } | null {
  const F = ceilDay(from);
  const T = startOfCstDay(to);
  return F.getTime() < T.getTime() ? { F, T } : null;
}

/** The cases reported in the slivers of [from, to) around the whole days (parameters appended). */
function sliverWhere(f: HeatFilter, d: { F: Date; T: Date }, params: unknown[]): string {
  params.push(f.from, d.F, d.T, f.to);
  const n = params.length;
  return `((c.reported_at >= $${n - 3} AND c.reported_at < $${n - 2}) OR (c.reported_at >= $${n - 1} AND c.reported_at < $${n}))`;
}

/** hexHeatmap (heatmap-repository.ts), from rollup_heat_hex. */
export async function rollupHexHeatmap(db: Queryable, f: HeatFilter, cellKm: number): Promise<HexCellRow[]> {
  const d = split(f.from, f.to);
  if (!d || f.bbox || !rolledKm(cellKm)) return hexHeatmap(db, f, cellKm);
  const params: unknown[] = [cellKm];
  const sliver = `${sliverWhere(f, d, params)} ${categoryAnd('c', f.category, params)}`;
  // the whole months inside [F, T) from rollup_heat_hex_month (migration 028), the days around them from rollup_heat_hex
  const F = cstDateKey(d.F);
  const T = cstDateKey(d.T);
  const months = wholeMonthsWithin(F, T);
  params.push(Math.round(cellKm * 1000), F, months.from, months.to, T);
  const n = params.length;
  const dayRows = `h.cell_m = $${n - 4} AND ((h.day >= $${n - 3}::date AND h.day < $${n - 2}::date) OR (h.day >= $${n - 1}::date AND h.day < $${n}::date))`;
  const monthRows = `m.cell_m = $${n - 4} AND m.month >= $${n - 2}::date AND m.month < $${n - 1}::date`;
  const hCategory = categoryAnd('h', f.category, params);
  const mCategory = f.category ? hCategory.replaceAll('h.category_code', 'm.category_code') : '';
  const { rows } = await db.query<HexCellRow>(
    `WITH s AS (SELECT ${HEX_SIZE('$1::float8')} AS size),
     pts AS MATERIALIZED (
       SELECT ${MERC_X} AS x, ${MERC_Y} AS y, 0 AS extra FROM cases c WHERE ${sliver}
     ),
     ${HEX_SNAP},
     cells AS (
       SELECT hq, hr, sum(n)::int AS n FROM (
         SELECT hq, hr, 1 AS n FROM hex
         UNION ALL
         SELECT h.hq, h.hr, h.n FROM rollup_heat_hex h WHERE ${dayRows} ${hCategory}
         UNION ALL
         SELECT m.hq, m.hr, m.n FROM rollup_heat_hex_month m WHERE ${monthRows} ${mCategory}
       ) u GROUP BY hq, hr HAVING sum(n) > 0
     )
     ${HEX_CELL_CENTRES}`,
    params,
  );
  return rows;
}

/** gridHeatmap (heatmap-repository.ts), from rollup_flow (all categories) or rollup_heat_grid (one). */
export async function rollupGridHeatmap(db: Queryable, f: HeatFilter): Promise<GridCellRow[]> {
  const d = split(f.from, f.to);
  if (!d || f.bbox) return gridHeatmap(db, f);
  const params: unknown[] = [];
  const sliver = `${sliverWhere(f, d, params)} ${categoryAnd('c', f.category, params)}`;
  params.push(cstDateKey(d.F), cstDateKey(d.T));
  const n = params.length;
  const rolled = f.category
    ? `SELECT h.grid_code, h.n FROM rollup_heat_grid h WHERE h.day >= $${n - 1}::date AND h.day < $${n}::date ${categoryAnd('h', f.category, params)}`
    : `SELECT h.grid_code, h.reported AS n FROM rollup_flow h WHERE h.day >= $${n - 1}::date AND h.day < $${n}::date`;
  const { rows } = await db.query<GridCellRow>(
    `SELECT a.code::bigint AS id, a.code, x.n AS count
     FROM (
       SELECT grid_code, sum(n)::int AS n FROM (
         SELECT c.grid_code, 1 AS n FROM cases c WHERE ${sliver}
         UNION ALL
         ${rolled}
       ) u GROUP BY grid_code HAVING sum(n) > 0
     ) x
     JOIN area a ON a.code = x.grid_code
     ORDER BY a.code`,
    params,
  );
  return rows;
}

/** cellDayP99 (heatmap-repository.ts) over whole CST days, from the rollups; other windows raw. */
export async function rollupCellDayP99(
  db: Queryable,
  mode: 'hex' | 'grid',
  from: Date,
  to: Date,
  category: string | null,
  cellKm: number,
): Promise<number> {
  const whole = startOfCstDay(from).getTime() === from.getTime() && startOfCstDay(to).getTime() === to.getTime() && from < to;
  if (!whole || (mode === 'hex' && !rolledKm(cellKm))) return cellDayP99(db, mode, from, to, category, cellKm);
  const params: unknown[] = [cstDateKey(from), cstDateKey(to)];
  let per: string;
  if (mode === 'hex') {
    params.push(Math.round(cellKm * 1000));
    per = `SELECT sum(h.n) AS n FROM rollup_heat_hex h
           WHERE h.cell_m = $3 AND h.day >= $1::date AND h.day < $2::date ${categoryAnd('h', category, params)}
           GROUP BY h.hq, h.hr, h.day`;
  } else if (category) {
    per = `SELECT sum(h.n) AS n FROM rollup_heat_grid h
           WHERE h.day >= $1::date AND h.day < $2::date ${categoryAnd('h', category, params)} GROUP BY h.grid_code, h.day`;
  } else {
    per = `SELECT sum(h.reported) AS n FROM rollup_flow h WHERE h.day >= $1::date AND h.day < $2::date GROUP BY h.grid_code, h.day`;
  }
  const { rows } = await db.query<{ p: number }>(
    `SELECT coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY n), 0)::float8 AS p FROM (${per}) per WHERE n > 0`,
    params,
  );
  return rows[0]?.p ?? 0;
}
