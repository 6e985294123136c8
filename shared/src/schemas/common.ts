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

/** The largest value of a PostgreSQL `integer` (int4): ids, versions and counts sent by clients stay within it. */
export const INT4_MAX = 2_147_483_647;

/** A row id a client sends (a case, a team, a patrol…): 1 … INT4_MAX. */
export const Id = Type.Integer({ minimum: 1, maximum: INT4_MAX, errorMessage: `must be an id (an integer from 1 to ${INT4_MAX})` });

/** Required text: 1 … `maxLength` characters with at least one that is not a space. */
export function Text(maxLength: number, options: { description?: string } = {}) {
  return Type.String({
    minLength: 1,
    maxLength,
    pattern: '\\S',
    errorMessage: `must be text of 1 to ${maxLength} characters, not only spaces`,
    ...options,
  });
}

/** Years a date sent to the API may have: 1900 … 2199 (year 0000 and other typing slips are refused). */
const YEAR = '(?:19|20|21)\\d{2}';

/** A calendar date 'YYYY-MM-DD' that exists (2099-02-30 is refused). */
export const CalendarDate = Type.String({
  format: 'date',
  pattern: `^${YEAR}-\\d{2}-\\d{2}$`,
  maxLength: 10,
  errorMessage: 'must be a calendar date YYYY-MM-DD that exists, years 1900–2199',
});

/** An instant: ISO 8601 date-time with a zone ('2025-03-01T08:00:00+08:00', '…Z'), a real calendar day and clock time. */
export const ISO_DATE_TIME_PATTERN = `^${YEAR}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?(Z|[+-]\\d{2}:\\d{2})$`;
export const DateTime = Type.String({
  format: 'date-time',
  pattern: ISO_DATE_TIME_PATTERN,
  maxLength: 40,
  errorMessage: 'must be an ISO 8601 date-time with a zone, e.g. 2025-03-01T08:00:00+08:00, on a day that exists',
});

/** A CST calendar day 'YYYY-MM-DD' or an ISO 8601 date-time with zone, both real. */
export const DateOrDateTime = Type.Union([CalendarDate, DateTime], {
  description: 'YYYY-MM-DD (a CST day) or an ISO 8601 date-time with zone',
  errorMessage: 'must be a date YYYY-MM-DD or an ISO 8601 date-time with a zone, on a day that exists',
});

/** A phone number as people type it: digits with optional spaces or dashes, an optional leading +; 7–20 characters. */
export const Phone = Type.String({
  pattern: '^\\+?[0-9][0-9 -]{5,18}[0-9]$',
  errorMessage: 'must be a phone number (digits, spaces or dashes)',
});
