/**
 * What the `grid` tiles draw at the low zooms (z0–AGGREGATE_MAX_ZOOM): pure rules, no SQL.
 *
 * Where grids are too small or too many to draw, a grid tile carries their aggregates instead, in a companion MVT
 * layer `grid_agg` of the same tile: the community, street or district polygons (the areas that hold the grids;
 * their codes are prefixes of the grid codes: community 12 digits, street 9, district 6; the feature id is the
 * code as a number), so a client colours an aggregate by the worst light of the grids whose code starts with the
 * aggregate's code (feature-state, never baked into the tile). One level per zoom for the whole map (no seams between tiles):
 *
 *   the finest of grid → community → street → district whose densest tile at that zoom holds at most
 *   MAX_TILE_FEATURES features (counted by bounding box against the tile plus its buffer, as the tile query
 *   selects them) and whose median feature spans at least MIN_FEATURE_UNITS of the tile (4 px of a 512-px tile);
 *   when none qualifies, the coarsest level present.
 *
 * When the zoom's level is `grid`, every grid is drawn (no minimum size: nothing is dropped without an aggregate
 * standing in for it). Above AGGREGATE_MAX_ZOOM grid tiles are as before: grids, the specks left out.
 */

/**
 * Zooms up to this one follow the plan; above it grid tiles hold grids only. 12: on the 50,000-grid megacity one z11
 * tile selects up to 8,464 grids (over the cap: communities stand in), one z12 tile about a quarter of that.
 */
export const AGGREGATE_MAX_ZOOM = 12;
/** The most features one grid tile holds at z0–AGGREGATE_MAX_ZOOM. */
export const MAX_TILE_FEATURES = 6000;
/** The MVT layer of the aggregates in a grid tile. */
export const AGGREGATE_LAYER = 'grid_agg';
/** Finest first. */
export const GRID_TILE_LEVELS = ['grid', 'community', 'street', 'district'] as const;
export type GridTileLevel = (typeof GRID_TILE_LEVELS)[number];
/** How many leading digits of a grid code name its aggregate of each level. */
export const AGGREGATE_CODE_DIGITS: Readonly<Record<Exclude<GridTileLevel, 'grid'>, number>> = { community: 12, street: 9, district: 6 };

export interface LevelStats {
  level: GridTileLevel;
  /** features of the level */
  count: number;
  /** median of max(width, height) of the features, EPSG:3857 metres */
  medianSize: number;
  /** densest[z]: the most features of the level any tile of zoom z selects (z = 0..AGGREGATE_MAX_ZOOM) */
  densest: readonly number[];
}

/**
 * The level the grid tiles of zoom z draw (null: there are no grids, the tiles are empty).
 * `minSize` is the smallest extent drawn at z (minFeatureSize(z)).
 */
export function gridTileLevel(stats: readonly LevelStats[], z: number, minSize: number, cap = MAX_TILE_FEATURES): GridTileLevel | null {
  const present = GRID_TILE_LEVELS.map((l) => stats.find((s) => s.level === l)).filter((s): s is LevelStats => s !== undefined && s.count > 0);
  if (!present.some((s) => s.level === 'grid')) return null;
  for (const s of present) {
    if ((s.densest[z] ?? s.count) <= cap && s.medianSize >= minSize) return s.level;
  }
  return present.at(-1)!.level;
}
