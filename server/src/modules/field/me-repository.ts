/** SQL of the worker's own page: their grids as GeoJSON with the box around them. Values are $n parameters. */
import type pg from 'pg';

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface GridFeatures {
  features: unknown[];
  bbox: [number, number, number, number] | null;
}

/** GeoJSON features (geometry to 6 decimals, about 0.1 m) of these grids, by code, and their bounding box. */
export async function gridFeatures(db: Queryable, codes: readonly string[]): Promise<GridFeatures> {
  if (codes.length === 0) return { features: [], bbox: null };
  const { rows } = await db.query<{ features: unknown[]; xmin: number | null; ymin: number | null; xmax: number | null; ymax: number | null }>(
    `SELECT coalesce(json_agg(json_build_object(
              'type', 'Feature',
              'geometry', ST_AsGeoJSON(a.geom, 6)::json,
              'properties', json_build_object('code', a.code, 'name', a.name, 'displayCode', a.display_code)
            ) ORDER BY a.code), '[]'::json) AS features,
            ST_XMin(ST_Extent(a.geom)) AS xmin, ST_YMin(ST_Extent(a.geom)) AS ymin,
            ST_XMax(ST_Extent(a.geom)) AS xmax, ST_YMax(ST_Extent(a.geom)) AS ymax
     FROM area a WHERE a.level = 'grid' AND a.code = ANY($1::text[])`,
    [codes],
  );
  const r = rows[0]!;
  const bbox = r.xmin !== null && r.ymin !== null && r.xmax !== null && r.ymax !== null ? ([r.xmin, r.ymin, r.xmax, r.ymax] as [number, number, number, number]) : null;
  return { features: r.features, bbox };
}
