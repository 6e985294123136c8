/** SQL for the area hierarchy (district → street → zone → community → grid). The only code here that talks SQL. */
import type pg from 'pg';
import type { AreaAncestor, AreaCounts, AreaItem, AreaLevel } from '@gridcommand/shared/schemas';

export const LEVEL_DEPTH: Record<AreaLevel, number> = { district: 0, street: 1, zone: 2, community: 3, grid: 4 };

/**
 * How to select the descendants of an area of a given level. Built only from this allow-list;
 * the area's code is always passed as the parameter named by `p` (e.g. "$2").
 */
const DESCENDANTS_OF: Record<AreaLevel, (p: string) => string> = {
  district: (p) => `left(a.code, 6) = ${p} AND a.level <> 'district'`,
  street: (p) => `a.street_code = ${p}`,
  zone: (p) => `a.zone_code = ${p}`,
  community: (p) => `a.community_code = ${p}`,
  grid: () => 'false',
};

const ITEM_COLUMNS = `
  a.code, a.level::text AS level, a.name, coalesce(a.short_name, a.name) AS "shortName", a.display_code AS "displayCode", a.parent_code AS "parentCode",
  a.population, a.households,
  round(ST_X(a.label_point)::numeric, 6)::float8 AS lon, round(ST_Y(a.label_point)::numeric, 6)::float8 AS lat,
  round(ST_XMin(a.geom)::numeric, 6)::float8 AS xmin, round(ST_YMin(a.geom)::numeric, 6)::float8 AS ymin,
  round(ST_XMax(a.geom)::numeric, 6)::float8 AS xmax, round(ST_YMax(a.geom)::numeric, 6)::float8 AS ymax,
  (SELECT count(*) FROM area c WHERE c.parent_code = a.code)::int AS "childCount"`;

interface ItemRow {
  code: string;
  level: AreaLevel;
  name: string;
  shortName: string;
  displayCode: string | null;
  parentCode: string | null;
  population: number;
  households: number;
  lon: number;
  lat: number;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
  childCount: number;
}

function toItem(r: ItemRow): AreaItem {
  return {
    code: r.code,
    level: r.level,
    name: r.name,
    shortName: r.shortName,
    displayCode: r.displayCode,
    parentCode: r.parentCode,
    population: r.population,
    households: r.households,
    labelPoint: [r.lon, r.lat],
    bbox: [r.xmin, r.ymin, r.xmax, r.ymax],
    childCount: r.childCount,
  };
}

export interface AreaRef {
  code: string;
  level: AreaLevel;
  name: string;
}

export async function findAreaRef(pool: pg.Pool, code: string): Promise<AreaRef | null> {
  const { rows } = await pool.query<AreaRef>(
    `SELECT code, level::text AS level, name FROM area WHERE code = $1`,
    [code],
  );
  return rows[0] ?? null;
}

export async function findArea(pool: pg.Pool, code: string): Promise<AreaItem | null> {
  const { rows } = await pool.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM area a WHERE a.code = $1`, [code]);
  return rows[0] ? toItem(rows[0]) : null;
}

/** All areas of one level (optionally only those below `parent`). */
export async function listAreasAtLevel(pool: pg.Pool, level: AreaLevel, parent: AreaRef | null): Promise<AreaItem[]> {
  const filter = parent ? `AND ${DESCENDANTS_OF[parent.level]('$2')}` : '';
  const params: string[] = parent ? [level, parent.code] : [level];
  const { rows } = await pool.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM area a WHERE a.level = $1::area_level ${filter} ORDER BY a.code`,
    params,
  );
  return rows.map(toItem);
}

/** The direct children of an area. */
export async function listChildren(pool: pg.Pool, code: string): Promise<AreaItem[]> {
  const { rows } = await pool.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM area a WHERE a.parent_code = $1 ORDER BY a.code`,
    [code],
  );
  return rows.map(toItem);
}

/** From the district down to the direct parent. */
export async function listAncestors(pool: pg.Pool, code: string): Promise<AreaAncestor[]> {
  const { rows } = await pool.query<AreaAncestor & { depth: number }>(
    `WITH RECURSIVE up AS (
       SELECT parent_code AS code, 1 AS depth FROM area WHERE code = $1
       UNION ALL
       SELECT a.parent_code, up.depth + 1 FROM up JOIN area a ON a.code = up.code WHERE a.parent_code IS NOT NULL AND up.depth < 10
     )
     SELECT a.code, a.level::text AS level, a.name, up.depth FROM up JOIN area a ON a.code = up.code ORDER BY up.depth DESC`,
    [code],
  );
  return rows.map(({ code: c, level, name }) => ({ code: c, level, name }));
}

/** How many areas of each level lie below an area. */
export async function countDescendants(pool: pg.Pool, area: AreaRef): Promise<AreaCounts> {
  if (area.level === 'grid') return { streets: 0, zones: 0, communities: 0, grids: 0, vacantGrids: 0 };
  const { rows } = await pool.query<AreaCounts>(
    `SELECT count(*) FILTER (WHERE a.level = 'street')::int AS streets,
            count(*) FILTER (WHERE a.level = 'zone')::int AS zones,
            count(*) FILTER (WHERE a.level = 'community')::int AS communities,
            count(*) FILTER (WHERE a.level = 'grid')::int AS grids,
            count(*) FILTER (WHERE a.level = 'grid' AND NOT EXISTS (
              SELECT 1 FROM grid_staff r WHERE r.grid_code = a.code AND r.responsible))::int AS "vacantGrids"
     FROM area a WHERE ${DESCENDANTS_OF[area.level]('$1')}`,
    [area.code],
  );
  return rows[0] ?? { streets: 0, zones: 0, communities: 0, grids: 0, vacantGrids: 0 };
}

/** The grid codes inside a street, zone or community (the column is one of three allow-listed names). */
export async function gridCodesWithin(pool: Pick<pg.Pool, 'query'>, column: 'street_code' | 'zone_code' | 'community_code', code: string): Promise<string[]> {
  const col = ({ street_code: 'street_code', zone_code: 'zone_code', community_code: 'community_code' } as const)[column];
  const { rows } = await pool.query<{ code: string }>(`SELECT code FROM area WHERE level = 'grid' AND ${col} = $1 ORDER BY code`, [code]);
  return rows.map((r) => r.code);
}
