/**
 * Mapbox vector tiles straight from PostGIS (ST_AsMVT over ST_AsMVTGeom / ST_TileEnvelope on the GiST-indexed
 * geom_3857). Layer names and SQL come only from the allow-list below; z, x, y are always parameters.
 */
import type pg from 'pg';
import { TILE_LAYERS, type TileLayer } from '@gridcommand/shared/schemas';
import { SPECIALIST_LAYER_CODES } from '@gridcommand/shared/domain';
import { AGGREGATE_LAYER, AGGREGATE_MAX_ZOOM, GRID_TILE_LEVELS, type GridTileLevel, type LevelStats } from './plan.ts';

export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;
/** Up to this zoom, geometries are simplified to about one pixel before clipping. */
export const SIMPLIFY_MAX_ZOOM = 9;
/**
 * Features whose bounding box spans fewer units than this (of the 4096-unit tile, i.e. 4 pixels of a 512-pixel
 * tile) are left out: at low zooms a city of 50,000 grids would otherwise put tens of thousands of specks into
 * one tile. Zoomed out, the community, zone and street layers carry the picture.
 */
export const MIN_FEATURE_UNITS = 32;
/** Web Mercator circumference in metres. */
const WORLD = 40075016.685578488;

interface LayerDef {
  level: TileLayer;
  /** extra properties beyond code, name, displayCode, population */
  extraColumns: string;
  /** extra joins the extra columns need */
  joins: string;
  fields: Record<string, 'String' | 'Number' | 'Boolean'>;
  description: string;
}

const BASE_FIELDS = { code: 'String', name: 'String', displayCode: 'String', population: 'Number' } as const;

export const LAYERS: Record<TileLayer, LayerDef> = {
  grid: {
    level: 'grid',
    // the partial unique index grid_staff_one_responsible answers this join with an index-only scan
    extraColumns: ', r.grid_code IS NULL AS vacancy',
    joins: 'LEFT JOIN grid_staff r ON r.grid_code = a.code AND r.responsible',
    fields: { ...BASE_FIELDS, vacancy: 'Boolean' },
    description: 'Unit grids (单元网格); vacancy: no responsible person',
  },
  community: { level: 'community', extraColumns: '', joins: '', fields: { ...BASE_FIELDS }, description: 'Communities and villages' },
  zone: { level: 'zone', extraColumns: '', joins: '', fields: { ...BASE_FIELDS }, description: 'Management zones (管区)' },
  street: { level: 'street', extraColumns: '', joins: '', fields: { ...BASE_FIELDS }, description: 'Streets and towns' },
  district: { level: 'district', extraColumns: '', joins: '', fields: { ...BASE_FIELDS }, description: 'The district' },
};

/**
 * The specialist grid layers (专业网格, server/migrations/017_specialist_base.sql): one tile layer per specialist layer,
 * named specialist_<code>, drawn from specialist_grid (properties code, name, level).
 */
export const SPECIALIST_TILE_LAYERS = SPECIALIST_LAYER_CODES.map((c) => `specialist_${c}` as const);
export type SpecialistTileLayer = (typeof SPECIALIST_TILE_LAYERS)[number];
/** Every tile layer: the area levels and the specialist layers. */
export type AnyTileLayer = TileLayer | SpecialistTileLayer;
export const ALL_TILE_LAYERS: readonly AnyTileLayer[] = [...TILE_LAYERS, ...SPECIALIST_TILE_LAYERS];

function isSpecialist(layer: AnyTileLayer): layer is SpecialistTileLayer {
  return layer.startsWith('specialist_');
}

/** The rows a layer draws from (literals from the allow-lists only). */
function sourceOf(layer: AnyTileLayer): string {
  return isSpecialist(layer)
    ? `specialist_grid WHERE layer_code = '${layer.slice('specialist_'.length)}'`
    : `area WHERE level = '${LAYERS[layer].level}'`;
}

/** Description and fields of a layer's TileJSON. */
export function layerInfo(layer: AnyTileLayer): { description: string; fields: Record<string, string> } {
  if (!isSpecialist(layer)) return LAYERS[layer];
  return { description: `Specialist grids (专业网格): ${layer.slice('specialist_'.length)}`, fields: { code: 'String', name: 'String', level: 'Number' } };
}

export function isTileLayer(name: string): name is AnyTileLayer {
  return (ALL_TILE_LAYERS as readonly string[]).includes(name);
}

/** Simplification tolerance in metres (EPSG:3857) for a zoom: about one pixel of a 512-pixel tile. */
export function simplifyTolerance(z: number): number {
  return WORLD / 2 ** z / 512;
}

/** Smallest feature extent in metres (EPSG:3857) drawn at a zoom. */
export function minFeatureSize(z: number): number {
  return (WORLD / 2 ** z / TILE_EXTENT) * MIN_FEATURE_UNITS;
}

function specialistTileSql(layer: SpecialistTileLayer, simplify: boolean): string {
  const geom = simplify ? 'ST_SimplifyPreserveTopology(s.geom_3857, $5)' : 's.geom_3857';
  return `
    WITH mvtgeom AS (
      SELECT s.id, s.code, s.name, s.level,
             ST_AsMVTGeom(${geom}, ST_TileEnvelope($1, $2, $3), ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom
      FROM specialist_grid s
      WHERE s.layer_code = '${layer.slice('specialist_'.length)}'
        AND s.geom_3857 && ST_TileEnvelope($1, $2, $3, margin => ${TILE_BUFFER / TILE_EXTENT})
        AND greatest(ST_XMax(s.geom_3857) - ST_XMin(s.geom_3857), ST_YMax(s.geom_3857) - ST_YMin(s.geom_3857)) >= $4
    )
    SELECT ST_AsMVT(mvtgeom.*, '${layer}', ${TILE_EXTENT}, 'geom', 'id') AS tile
    FROM mvtgeom`;
}

function tileSql(layer: AnyTileLayer, simplify: boolean): string {
  if (isSpecialist(layer)) return specialistTileSql(layer, simplify);
  const def = LAYERS[layer];
  const geom = simplify ? 'ST_SimplifyPreserveTopology(a.geom_3857, $5)' : 'a.geom_3857';
  // The level is a literal from the allow-list so that the planner can use the partial GiST index for grids.
  // ST_AsMVT skips rows whose clipped geometry is NULL; filtering them in SQL would evaluate ST_AsMVTGeom twice.
  return `
    WITH mvtgeom AS (
      SELECT a.code::bigint AS id, a.code, a.name, a.display_code AS "displayCode", a.population${def.extraColumns},
             ST_AsMVTGeom(${geom}, ST_TileEnvelope($1, $2, $3), ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom
      FROM area a ${def.joins}
      WHERE a.level = '${def.level}'
        AND a.geom_3857 && ST_TileEnvelope($1, $2, $3, margin => ${TILE_BUFFER / TILE_EXTENT})
        AND greatest(ST_XMax(a.geom_3857) - ST_XMin(a.geom_3857), ST_YMax(a.geom_3857) - ST_YMin(a.geom_3857)) >= $4
    )
    SELECT ST_AsMVT(mvtgeom.*, '${layer}', ${TILE_EXTENT}, 'geom', 'id') AS tile
    FROM mvtgeom`;
}

const SQL: Record<AnyTileLayer, { plain: string; simplified: string }> = Object.fromEntries(
  ALL_TILE_LAYERS.map((l) => [l, { plain: tileSql(l, false), simplified: tileSql(l, true) }]),
) as Record<AnyTileLayer, { plain: string; simplified: string }>;

/** The exact query (name, text, values) for one tile; shared with the benchmark's bare-SQL baseline. */
export function tileQuery(layer: AnyTileLayer, z: number, x: number, y: number): pg.QueryConfig<number[]> {
  const simplify = z <= SIMPLIFY_MAX_ZOOM;
  return simplify
    ? { name: `tile-${layer}-s`, text: SQL[layer].simplified, values: [z, x, y, minFeatureSize(z), simplifyTolerance(z)] }
    : { name: `tile-${layer}`, text: SQL[layer].plain, values: [z, x, y, minFeatureSize(z)] };
}

async function tileOf(pool: pg.Pool, query: pg.QueryConfig<number[]>): Promise<Buffer | null> {
  const { rows } = await pool.query<{ tile: Buffer | null }>(query);
  const tile = rows[0]?.tile ?? null;
  return tile && tile.length > 0 ? tile : null;
}

/** The tile's bytes, or null when it holds no feature. */
export async function fetchTile(pool: pg.Pool, layer: AnyTileLayer, z: number, x: number, y: number): Promise<Buffer | null> {
  return tileOf(pool, tileQuery(layer, z, x, y));
}

// ------------------------------------------------------------------ grid tiles at low zooms (plan.ts)

type AggregateLevel = Exclude<GridTileLevel, 'grid'>;

/**
 * Aggregates of one level (a literal from GRID_TILE_LEVELS) in the MVT layer grid_agg: code, name, level; the
 * feature id is the code as a number (a client derives it from a grid code's prefix, no lookup).
 */
function aggregateTileSql(level: AggregateLevel, simplify: boolean): string {
  const geom = simplify ? 'ST_SimplifyPreserveTopology(a.geom_3857, $4)' : 'a.geom_3857';
  return `
    WITH mvtgeom AS (
      SELECT a.code::bigint AS id, a.code, a.name, '${level}' AS level,
             ST_AsMVTGeom(${geom}, ST_TileEnvelope($1, $2, $3), ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom
      FROM area a
      WHERE a.level = '${level}'
        AND a.geom_3857 && ST_TileEnvelope($1, $2, $3, margin => ${TILE_BUFFER / TILE_EXTENT})
    )
    SELECT ST_AsMVT(mvtgeom.*, '${AGGREGATE_LAYER}', ${TILE_EXTENT}, 'geom', 'id') AS tile
    FROM mvtgeom`;
}

const AGGREGATE_SQL = Object.fromEntries(
  GRID_TILE_LEVELS.filter((l): l is AggregateLevel => l !== 'grid').map((l) => [l, { plain: aggregateTileSql(l, false), simplified: aggregateTileSql(l, true) }]),
) as Record<AggregateLevel, { plain: string; simplified: string }>;

/**
 * The query of a grid tile at z0–AGGREGATE_MAX_ZOOM drawing `level` (gridTileLevel): every grid (no minimum
 * size), or the aggregates of a coarser level in the layer grid_agg.
 */
export function gridTileQuery(level: GridTileLevel, z: number, x: number, y: number): pg.QueryConfig<number[]> {
  const simplify = z <= SIMPLIFY_MAX_ZOOM;
  if (level === 'grid') {
    return simplify
      ? { name: 'tile-grid-s', text: SQL.grid.simplified, values: [z, x, y, 0, simplifyTolerance(z)] }
      : { name: 'tile-grid', text: SQL.grid.plain, values: [z, x, y, 0] };
  }
  return simplify
    ? { name: `tile-grid-agg-${level}-s`, text: AGGREGATE_SQL[level].simplified, values: [z, x, y, simplifyTolerance(z)] }
    : { name: `tile-grid-agg-${level}`, text: AGGREGATE_SQL[level].plain, values: [z, x, y] };
}

export async function fetchGridTile(pool: pg.Pool, level: GridTileLevel, z: number, x: number, y: number): Promise<Buffer | null> {
  return tileOf(pool, gridTileQuery(level, z, x, y));
}

/**
 * Per level of GRID_TILE_LEVELS: its count, median extent and, for every zoom 0..AGGREGATE_MAX_ZOOM, the most
 * features any tile selects (by bounding box against the tile grown by the buffer, as the tile query does; below
 * AGGREGATE_MAX_ZOOM an upper bound). Computed once per data version (TileCache.memo).
 */
export async function gridLevelStats(pool: pg.Pool): Promise<LevelStats[]> {
  const { rows: sizes } = await pool.query<{ level: GridTileLevel; n: number; median: number }>(
    `SELECT level::text AS level, count(*)::int AS n,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(ST_XMax(geom_3857) - ST_XMin(geom_3857), ST_YMax(geom_3857) - ST_YMin(geom_3857)))::float8 AS median
     FROM area WHERE level = ANY($1::area_level[]) GROUP BY level`,
    [GRID_TILE_LEVELS],
  );
  // features per tile of zoom AGGREGATE_MAX_ZOOM (bounding box against the tile grown by the buffer), then summed
  // into the tiles of each lower zoom: an upper bound there (a feature crossing tiles counts in each), safe for a cap
  const { rows: dense } = await pool.query<{ level: GridTileLevel; z: number; densest: number }>(
    `WITH f AS (
       SELECT level, ST_XMin(geom_3857) AS x0, ST_XMax(geom_3857) AS x1, ST_YMin(geom_3857) AS y0, ST_YMax(geom_3857) AS y1
       FROM area WHERE level = ANY($1::area_level[])
     ), top AS (
       SELECT f.level, tx, ty, count(*)::bigint AS n
       FROM f
       CROSS JOIN LATERAL generate_series(greatest(0, floor((f.x0 + $3::float8 / 2 - $4::float8) / $5::float8)::int), least($6::int, floor((f.x1 + $3::float8 / 2 + $4::float8) / $5::float8)::int)) AS tx
       CROSS JOIN LATERAL generate_series(greatest(0, floor(($3::float8 / 2 - f.y1 - $4::float8) / $5::float8)::int), least($6::int, floor(($3::float8 / 2 - f.y0 + $4::float8) / $5::float8)::int)) AS ty
       GROUP BY f.level, tx, ty
     )
     SELECT level::text AS level, z, max(n)::int AS densest
     FROM (
       SELECT top.level, zz.z, sum(top.n) AS n
       FROM top CROSS JOIN generate_series(0, $2::int) AS zz(z)
       GROUP BY top.level, zz.z, top.tx >> ($2::int - zz.z), top.ty >> ($2::int - zz.z)
     ) c
     GROUP BY level, z`,
    [GRID_TILE_LEVELS, AGGREGATE_MAX_ZOOM, WORLD, (WORLD / 2 ** AGGREGATE_MAX_ZOOM) * (TILE_BUFFER / TILE_EXTENT), WORLD / 2 ** AGGREGATE_MAX_ZOOM, 2 ** AGGREGATE_MAX_ZOOM - 1],
  );
  return sizes.map((s) => {
    const densest = Array.from({ length: AGGREGATE_MAX_ZOOM + 1 }, () => 0);
    for (const d of dense) if (d.level === s.level) densest[d.z] = d.densest;
    return { level: s.level, count: s.n, medianSize: s.median, densest };
  });
}

/** The largest extent (EPSG:3857 metres) of any feature of a layer: zooms where it is below minFeatureSize are empty. */
export async function largestFeatureSize(pool: pg.Pool, layer: AnyTileLayer): Promise<number> {
  const { rows } = await pool.query<{ size: number | null }>(
    `SELECT max(greatest(ST_XMax(geom_3857) - ST_XMin(geom_3857), ST_YMax(geom_3857) - ST_YMin(geom_3857))) AS size
     FROM ${sourceOf(layer)}`,
  );
  return rows[0]?.size ?? 0;
}

export interface LayerExtent {
  bounds: [number, number, number, number];
  center: [number, number];
}

/** Bounds of a layer's features (WGS 84) and a point inside them; null when the layer is empty. */
export async function layerExtent(pool: pg.Pool, layer: AnyTileLayer): Promise<LayerExtent | null> {
  const { rows } = await pool.query<{ xmin: number | null; ymin: number; xmax: number; ymax: number; cx: number; cy: number }>(
    `WITH e AS (SELECT ST_Extent(geom) AS b FROM ${sourceOf(layer)})
     SELECT round(ST_XMin(b)::numeric, 6)::float8 AS xmin, round(ST_YMin(b)::numeric, 6)::float8 AS ymin,
            round(ST_XMax(b)::numeric, 6)::float8 AS xmax, round(ST_YMax(b)::numeric, 6)::float8 AS ymax,
            round(((ST_XMin(b) + ST_XMax(b)) / 2)::numeric, 6)::float8 AS cx,
            round(((ST_YMin(b) + ST_YMax(b)) / 2)::numeric, 6)::float8 AS cy
     FROM e`,
  );
  const r = rows[0];
  if (!r || r.xmin === null) return null;
  return { bounds: [r.xmin, r.ymin, r.xmax, r.ymax], center: [r.cx, r.cy] };
}
