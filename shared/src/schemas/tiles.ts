import { Type, type Static } from 'typebox';

export const TILE_LAYERS = ['grid', 'community', 'zone', 'street', 'district'] as const;
export type TileLayer = (typeof TILE_LAYERS)[number];
export const TILE_MAX_ZOOM = 22;

export const TileParams = Type.Object({
  layer: Type.String(),
  z: Type.Integer({ minimum: 0, maximum: TILE_MAX_ZOOM }),
  x: Type.Integer({ minimum: 0 }),
  y: Type.Integer({ minimum: 0 }),
});
export type TileParams = Static<typeof TileParams>;

export const TileJsonParams = Type.Object({ layer: Type.String() });
export type TileJsonParams = Static<typeof TileJsonParams>;

export const VectorLayer = Type.Object({
  id: Type.String(),
  description: Type.Optional(Type.String()),
  /** property name → type ("String", "Number", "Boolean") */
  fields: Type.Record(Type.String(), Type.String()),
  minzoom: Type.Integer(),
  maxzoom: Type.Integer(),
});

/** TileJSON 3.0.0 */
export const TileJson = Type.Object({
  tilejson: Type.Literal('3.0.0'),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  scheme: Type.Literal('xyz'),
  tiles: Type.Array(Type.String()),
  vector_layers: Type.Array(VectorLayer),
  minzoom: Type.Integer(),
  maxzoom: Type.Integer(),
  /** [minLon, minLat, maxLon, maxLat] */
  bounds: Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]),
  /** [lon, lat, zoom] */
  center: Type.Tuple([Type.Number(), Type.Number(), Type.Number()]),
});
export type TileJson = Static<typeof TileJson>;
