import { Type, type Static } from 'typebox';
import { AreaCode, AreaLevel, BBox, LonLat } from './common.ts';

export const AreaListQuery = Type.Object({
  level: Type.Optional(AreaLevel),
  parent: Type.Optional(AreaCode),
}, { additionalProperties: false });
export type AreaListQuery = Static<typeof AreaListQuery>;

export const AreaCodeParams = Type.Object({ code: AreaCode });
export type AreaCodeParams = Static<typeof AreaCodeParams>;

export const AreaItem = Type.Object({
  code: Type.String(),
  level: AreaLevel,
  name: Type.String(),
  /** short form for map labels (XX社区 for XX社区居民委员会) */
  shortName: Type.String(),
  displayCode: Type.Union([Type.String(), Type.Null()]),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  population: Type.Integer(),
  households: Type.Integer(),
  labelPoint: LonLat,
  bbox: BBox,
  /** number of direct children */
  childCount: Type.Integer(),
});
export type AreaItem = Static<typeof AreaItem>;

export const AreaListResponse = Type.Object({ items: Type.Array(AreaItem) });
export type AreaListResponse = Static<typeof AreaListResponse>;

export const AreaAncestor = Type.Object({ code: Type.String(), level: AreaLevel, name: Type.String() });
export type AreaAncestor = Static<typeof AreaAncestor>;

/** Number of areas of each level below an area (all descendants, not only direct children). */
export const AreaCounts = Type.Object({
  streets: Type.Integer(),
  zones: Type.Integer(),
  communities: Type.Integer(),
  grids: Type.Integer(),
  /** grids below it with no responsible person (网格真空) */
  vacantGrids: Type.Integer(),
});
export type AreaCounts = Static<typeof AreaCounts>;

export const AreaDetail = Type.Object({
  ...AreaItem.properties,
  children: Type.Array(AreaItem),
  /** from the district down to the direct parent */
  ancestors: Type.Array(AreaAncestor),
  counts: AreaCounts,
});
export type AreaDetail = Static<typeof AreaDetail>;
