/**
 * Wire shapes of the admin import of areas (POST /api/admin/import/areas, docs/import.md). The body is a GeoJSON
 * FeatureCollection; each feature is read by `readFeature` (shared/src/domain/area-import.ts), so a bad feature is a
 * listed problem of the 422 answer, not a schema error.
 */
import { Type, type Static } from 'typebox';
import { IMPORT_PROBLEMS } from '../domain/area-import.ts';
import { ErrorResponse } from './common.ts';
import { AreaLevelCounts } from './events.ts';

/** The most features one file may carry (a district has a few thousand areas). */
export const MAX_IMPORT_FEATURES = 100_000;
/** The largest body accepted, in bytes. */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

export const ImportQuery = Type.Object(
  { dryRun: Type.Optional(Type.Boolean({ description: 'true: validate and report what would change, write nothing (default false)' })) },
  { additionalProperties: false },
);
export type ImportQuery = Static<typeof ImportQuery>;

export const ImportBody = Type.Object(
  {
    type: Type.Literal('FeatureCollection', { errorMessage: 'must be "FeatureCollection"' }),
    features: Type.Array(Type.Unknown(), { maxItems: MAX_IMPORT_FEATURES, description: 'GeoJSON features: properties code, level, name, parent_code, population, households, urban, short_name, display_code' }),
    crs: Type.Optional(Type.Unknown({ description: 'only WGS 84 (CRS84 / EPSG:4326) is accepted' })),
  },
  { description: 'a GeoJSON FeatureCollection in WGS 84' },
);
export type ImportBody = Static<typeof ImportBody>;

const Samples = Type.Array(Type.String(), { description: 'up to 20 codes' });

export const ImportResult = Type.Object(
  {
    dryRun: Type.Boolean(),
    features: Type.Integer({ minimum: 0 }),
    levels: Type.Array(AreaLevelCounts),
    samples: Type.Object({ added: Samples, changed: Samples, removed: Samples }),
    /** the areas.imported event (null for a dry run or an import that changed nothing) */
    eventId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    tookMs: Type.Integer({ minimum: 0 }),
  },
  { $id: 'ImportResult' },
);
export type ImportResult = Static<typeof ImportResult>;

export const ImportProblemWire = Type.Object({
  feature: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'index in features; null for an area already stored' }),
  code: Type.Union([Type.String(), Type.Null()]),
  problem: Type.Enum([...IMPORT_PROBLEMS]),
  detail: Type.String(),
  areaM2: Type.Optional(Type.Number()),
  lon: Type.Optional(Type.Number()),
  lat: Type.Optional(Type.Number()),
});

/** The refusal of a file: the one error shape with the problems (at most 200 listed) and their total. */
export const ImportRefusal = Type.Object(
  { ...ErrorResponse.properties, problems: Type.Array(ImportProblemWire), total: Type.Integer({ minimum: 0 }) },
  { $id: 'ImportRefusal' },
);
export type ImportRefusal = Static<typeof ImportRefusal>;
