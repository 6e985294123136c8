/**
 * The grid of a point, one rule for every caller (intake, /api/locate, the ETA's urban speed): the grid whose
 * polygon contains or touches the point; a point on a border shared by several grids belongs to the one with
 * the smallest code. Outside every grid: none. The GiST index area_grid_geom_gix (WHERE level = 'grid') serves
 * the lookup, which is why the level is a literal here.
 */
import type pg from 'pg';

export type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * The subquery (one row or none) of the grid at `point`, an SQL expression of a geometry in EPSG:4326 written by
 * the caller's code (e.g. `ST_SetSRID(ST_MakePoint($1, $2), 4326)`; never user text). Columns: code, name,
 * display_code, community_code, zone_code, street_code, urban (of `area`). Use as
 * `LEFT JOIN LATERAL ${gridAtPointSql('…')} g ON true` or `FROM ${gridAtPointSql('…')} g`.
 */
export function gridAtPointSql(point: string): string {
  return `(SELECT code, name, display_code, community_code, zone_code, street_code, urban FROM area
     WHERE level = 'grid' AND ST_Intersects(geom, ${point})
     ORDER BY code
     LIMIT 1)`;
}

/** The point of query parameters $lon, $lat (WGS 84). */
export function pointOf(lon: string, lat: string): string {
  return `ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)`;
}

export interface GridHit {
  grid_code: string;
  community_code: string;
  zone_code: string;
  street_code: string;
  grid_name: string;
  community_name: string;
  zone_name: string;
  street_name: string;
  /** an urban grid (ETA: urban speed) */
  urban: boolean;
}

/** The grid of each point, in input order (null outside every grid): one query whatever the number of points. */
export async function locateGrids(db: Queryable, points: [number, number][]): Promise<(GridHit | null)[]> {
  if (points.length === 0) return [];
  const { rows } = await db.query<Partial<GridHit> & { i: number }>(
    `SELECT p.i::int AS i, g.code AS grid_code, g.community_code, g.zone_code, g.street_code,
            g.name AS grid_name, cm.name AS community_name, z.name AS zone_name, s.name AS street_name, g.urban
     FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i)
     LEFT JOIN LATERAL ${gridAtPointSql(pointOf('p.lon', 'p.lat'))} g ON true
     LEFT JOIN area cm ON cm.code = g.community_code
     LEFT JOIN area z ON z.code = g.zone_code
     LEFT JOIN area s ON s.code = g.street_code
     ORDER BY p.i`,
    [points.map((p) => p[0]), points.map((p) => p[1])],
  );
  return rows.map((r) =>
    r.grid_code
      ? {
          grid_code: r.grid_code,
          community_code: r.community_code ?? '',
          zone_code: r.zone_code ?? '',
          street_code: r.street_code ?? '',
          grid_name: r.grid_name ?? '',
          community_name: r.community_name ?? '',
          zone_name: r.zone_name ?? '',
          street_name: r.street_name ?? '',
          urban: r.urban ?? false,
        }
      : null,
  );
}

/** The grid of one point (null outside every grid). */
export async function gridAtPoint(db: Queryable, lon: number, lat: number): Promise<GridHit | null> {
  return (await locateGrids(db, [[lon, lat]]))[0] ?? null;
}
