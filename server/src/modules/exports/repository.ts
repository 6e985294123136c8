/**
 * SQL of the exports: each export reads its rows through one server-side cursor (DECLARE … NO SCROLL CURSOR, then
 * FETCH FORWARD n) inside its own REPEATABLE READ READ ONLY transaction: one snapshot, one plan, no OFFSET paging,
 * and one page of rows in memory. Every user value is a $n parameter.
 */
import type { AreaLevel } from '@gridcommand/shared/schemas';
import { CASE_SELECT, type CaseRow, type Queryable, type Where } from '../cases/repository.ts';

/** the cursor of an export; each export has its own connection, so one name serves all */
const CURSOR = 'gc_export';

/** How many cases the filter holds (in the export's snapshot). */
export async function countCases(db: Queryable, w: Where): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases c ${w.sql()}`, w.params);
  return rows[0]?.n ?? 0;
}

/** Opens the cursor over the filter's cases in the register's order (newest report first, then id). */
export async function openCaseCursor(db: Queryable, w: Where, limit: number, offset: number): Promise<void> {
  const n = w.params.length;
  await db.query(
    `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${CASE_SELECT} ${w.sql()} ORDER BY c.reported_at DESC, c.id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...w.params, limit, offset],
  );
}

export interface AreaFeatureRow {
  /** one GeoJSON Feature as JSON text, built by PostGIS (RFC 7946: WGS 84, exterior rings counter-clockwise) */
  feature: string;
}

export async function countAreas(db: Queryable, level: AreaLevel): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM area WHERE level = $1`, [level]);
  return rows[0]?.n ?? 0;
}

/** Opens the cursor over the areas of a level, by code, each a Feature with its codes, names and population. */
export async function openAreaCursor(db: Queryable, level: AreaLevel): Promise<void> {
  await db.query(
    `DECLARE ${CURSOR} NO SCROLL CURSOR FOR
     SELECT json_build_object(
              'type', 'Feature', 'id', a.code,
              'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(a.geom), 6)::json,
              'properties', json_build_object(
                'code', a.code, 'level', a.level::text, 'name', a.name, 'displayCode', a.display_code,
                'parentCode', a.parent_code, 'streetCode', a.street_code, 'zoneCode', a.zone_code,
                'communityCode', a.community_code, 'population', a.population, 'households', a.households,
                'labelPoint', json_build_array(round(ST_X(a.label_point)::numeric, 6)::float8, round(ST_Y(a.label_point)::numeric, 6)::float8)
              ))::text AS feature
     FROM area a WHERE a.level = $1 ORDER BY a.code`,
    [level],
  );
}

/** The next `n` rows of the open cursor (fewer at its end, none after). */
export async function fetchNext<R extends CaseRow | AreaFeatureRow>(db: Queryable, n: number): Promise<R[]> {
  const { rows } = await db.query<R>(`FETCH FORWARD ${Math.max(1, Math.floor(n))} FROM ${CURSOR}`);
  return rows;
}

export async function closeCursor(db: Queryable): Promise<void> {
  await db.query(`CLOSE ${CURSOR}`);
}
