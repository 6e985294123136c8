import { Type, type Static } from 'typebox';
import { AreaRef, BBox, GridCode, LonLat } from './common.ts';

export const GridsQuery = Type.Object({
  bbox: Type.Optional(
    Type.String({ description: 'minLon,minLat,maxLon,maxLat (WGS 84)', examples: ['120.0,35.8,120.3,36.0'] }),
  ),
  /**
   * none: every feature's geometry is null (an RFC 7946 unlocated feature) — the properties (ids, codes, names, label
   * points, vacancy) the maps look grids up by, without the polygons the vector tiles already draw
   */
  geometry: Type.Optional(Type.Enum(['full', 'none'], { description: 'full (default) or none: the properties only' })),
}, { additionalProperties: false });
export type GridsQuery = Static<typeof GridsQuery>;

export const GridCodeParams = Type.Object({ code: GridCode });
export type GridCodeParams = Static<typeof GridCodeParams>;

/** Properties of each feature of GET /api/grids. */
export const GridFeatureProperties = Type.Object({
  /** the vector tile feature id: the grid code as a number (areaFeatureId, shared/src/domain/codes.ts) */
  id: Type.Integer(),
  code: Type.String(),
  displayCode: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  communityCode: Type.String(),
  communityName: Type.String(),
  zoneCode: Type.String(),
  zoneName: Type.String(),
  streetCode: Type.String(),
  streetName: Type.String(),
  population: Type.Integer(),
  households: Type.Integer(),
  staffCount: Type.Integer(),
  /** no responsible person (网格真空) */
  vacancy: Type.Boolean(),
  labelPoint: LonLat,
});
export type GridFeatureProperties = Static<typeof GridFeatureProperties>;

/** RFC 7946 FeatureCollection of grids (documented shape; the body is built by the database; geometry=none: geometry null). */
export const GridFeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      /** the grid code */
      id: Type.String(),
      geometry: Type.Object({
        type: Type.Literal('MultiPolygon'),
        coordinates: Type.Array(Type.Array(Type.Array(LonLat))),
      }),
      properties: GridFeatureProperties,
    }),
  ),
});
export type GridFeatureCollection = Static<typeof GridFeatureCollection>;

export const StaffRole = Type.Enum([
  'grid_worker',
  'community_police',
  'city_management',
  'safety_inspector',
  'building_head',
  'property_manager',
  'volunteer',
]);
export type StaffRole = Static<typeof StaffRole>;

/** A staff member as the public API shows them: the phone only masked (e.g. 138****5678). */
export const GridStaffMember = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: StaffRole,
  phoneMasked: Type.String(),
  responsible: Type.Boolean(),
});
export type GridStaffMember = Static<typeof GridStaffMember>;

export const GridResponsible = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: StaffRole,
  phoneMasked: Type.String(),
});
export type GridResponsible = Static<typeof GridResponsible>;

export const GridDetail = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  displayCode: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  community: AreaRef,
  zone: AreaRef,
  street: AreaRef,
  population: Type.Integer(),
  households: Type.Integer(),
  areaKm2: Type.Number(),
  labelPoint: LonLat,
  bbox: BBox,
  vacancy: Type.Boolean(),
  responsible: Type.Union([GridResponsible, Type.Null()]),
  staff: Type.Array(GridStaffMember),
});
export type GridDetail = Static<typeof GridDetail>;
