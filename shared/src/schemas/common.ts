/** Wire shapes used by every endpoint: the one error shape, coordinates, boxes, codes. */
import { Type, type Static } from 'typebox';

/** The single error shape of the API: every 4xx and 5xx answers with it. */
export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer({ minimum: 400, maximum: 599 }),
    error: Type.String({ description: 'HTTP reason phrase, e.g. "Bad Request"' }),
    message: Type.String({ description: 'what was wrong, naming the offending field or value' }),
    code: Type.Optional(Type.String({ description: 'stable machine-readable code, e.g. BAD_BBOX' })),
  },
  { $id: 'ErrorResponse' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** The error shape of a refused change: what may be done now (`allowed`) or the current state (`current`). */
export const RefusalResponse = Type.Object(
  {
    ...ErrorResponse.properties,
    allowed: Type.Optional(Type.Array(Type.String(), { description: 'the actions the caller may take now' })),
    current: Type.Optional(Type.Unknown({ description: 'the current state of what was changed meanwhile (a case, a team)' })),
  },
  { $id: 'RefusalResponse' },
);
export type RefusalResponse = Static<typeof RefusalResponse>;

/** [longitude, latitude] in WGS 84. */
export const LonLat = Type.Tuple([Type.Number(), Type.Number()], { description: '[lon, lat] (WGS 84)' });
export type LonLat = Static<typeof LonLat>;

/** [minLon, minLat, maxLon, maxLat] in WGS 84. */
export const BBox = Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()], {
  description: '[minLon, minLat, maxLon, maxLat] (WGS 84)',
});
export type BBox = Static<typeof BBox>;

export const AREA_LEVELS = ['district', 'street', 'zone', 'community', 'grid'] as const;
export const AreaLevel = Type.Enum([...AREA_LEVELS], { description: 'district, street, zone, community or grid' });
export type AreaLevel = Static<typeof AreaLevel>;

/** Area codes: district 6 digits, street 9, zone 11, community 12, grid 15. */
export const AREA_CODE_PATTERN = '^(?:[0-9]{6}|[0-9]{9}|[0-9]{11}|[0-9]{12}|[0-9]{15})$';
export const AreaCode = Type.String({
  pattern: AREA_CODE_PATTERN,
  errorMessage: 'must be an area code of 6, 9, 11, 12 or 15 digits',
});

export const GRID_CODE_PATTERN = '^[0-9]{15}$';
export const GridCode = Type.String({ pattern: GRID_CODE_PATTERN, errorMessage: 'must be a grid code of 15 digits' });

/** A short reference to an area. */
export const AreaRef = Type.Object({
  code: Type.String(),
  name: Type.String(),
});
export type AreaRef = Static<typeof AreaRef>;
