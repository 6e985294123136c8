/**
 * Wire shapes of the grid worker's phone (/field) and of what it feeds: photos, positions, nearby cases, patrols,
 * check-ins, household visits, device sessions. Rules in docs/field.md.
 */
import { Type, type Static } from 'typebox';
import { CalendarDate, DateTime, Text } from './common.ts';
import { CaseFacts } from './events.ts';

const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Lon = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const IsoDateTime = DateTime;

// ---------------------------------------------------------------- photos

/** A photo is named by the SHA-256 of its bytes (64 hex digits): no user-given name or path ever reaches the disk. */
export const PHOTO_ID_PATTERN = '^[0-9a-f]{64}$';
export const PhotoId = Type.String({ pattern: PHOTO_ID_PATTERN, errorMessage: 'must be a photo id (64 hex digits) from POST /api/photos' });
export const PhotoIdParams = Type.Object({ id: PhotoId }, { additionalProperties: false });
export const PHOTO_MIME_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** Photos per report or per action. */
export const MAX_PHOTOS = 6;
export const PhotoIds = Type.Array(PhotoId, { maxItems: MAX_PHOTOS, uniqueItems: true });

export const PhotoUploadResponse = Type.Object({
  id: Type.String(),
  /** the photo as uploaded (staff roles) */
  url: Type.String(),
  /** a small re-encoded copy without any metadata (EXIF, GPS) */
  thumbUrl: Type.String(),
  mime: Type.Enum([...PHOTO_MIME_TYPES]),
  bytes: Type.Integer(),
  width: Type.Integer(),
  height: Type.Integer(),
  /** from the photo's EXIF, when it has them */
  takenAt: Nullable(Type.String()),
  gps: Nullable(Type.Object({ lon: Type.Number(), lat: Type.Number() })),
  /** true when the same bytes had been uploaded before (the stored copy is reused) */
  existing: Type.Boolean(),
});
export type PhotoUploadResponse = Static<typeof PhotoUploadResponse>;

// ---------------------------------------------------------------- positions

export const POSITION_SOURCES = ['gps', 'map', 'exif'] as const;

/** Where the phone was (or where the worker put the pin), with the accuracy the phone gave. */
export const FieldPosition = Type.Object(
  {
    lon: Lon,
    lat: Lat,
    accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
    at: Type.Optional(IsoDateTime),
    source: Type.Optional(Type.Enum([...POSITION_SOURCES])),
  },
  { additionalProperties: false },
);
export type FieldPosition = Static<typeof FieldPosition>;

// ---------------------------------------------------------------- nearby open cases ("is it one of these?")

export const NearbyQuery = Type.Object(
  {
    lon: Lon,
    lat: Lat,
    /** minor category (5 digits) */
    category: Type.String({ pattern: '^[0-9]{5}$', errorMessage: 'must be a category code of 5 digits' }),
    radiusM: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export type NearbyQuery = Static<typeof NearbyQuery>;

export const NearbyCase = Type.Object({
  case: CaseFacts,
  distanceM: Type.Number(),
  /** thumbnails of its photos */
  thumbUrls: Type.Array(Type.String()),
  /** people who reported it (the first reporter and those who followed it) */
  reporters: Type.Integer(),
});
export const NearbyResponse = Type.Object({ radiusM: Type.Integer(), items: Type.Array(NearbyCase) });
export type NearbyResponse = Static<typeof NearbyResponse>;

// ---------------------------------------------------------------- verification on site

/** The position recorded with a verification (核查), its distance from the case, and whether it is flagged. */
export const Verification = Type.Object({
  at: Type.String(),
  result: Type.Enum(['pass', 'fail']),
  byUserId: Nullable(Type.Integer()),
  byName: Nullable(Type.String()),
  lon: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
  accuracyM: Nullable(Type.Number()),
  distanceM: Nullable(Type.Number()),
  flagged: Type.Boolean(),
  /** why it is flagged: 'far' (too far from the case) or 'no_position' */
  flagReason: Nullable(Type.Enum(['far', 'no_position'])),
});
export type Verification = Static<typeof Verification>;

// ---------------------------------------------------------------- patrols, check-ins, visits

export const TrackPoint = Type.Object(
  { lon: Lon, lat: Lat, at: IsoDateTime, accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })) },
  { additionalProperties: false },
);
export type TrackPoint = Static<typeof TrackPoint>;

export const PatrolStartBody = Type.Object({ position: Type.Optional(FieldPosition) }, { additionalProperties: false });
export const PatrolPointsBody = Type.Object({ points: Type.Array(TrackPoint, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false });
export const PatrolStopBody = Type.Object({ position: Type.Optional(FieldPosition) }, { additionalProperties: false });
export const PatrolIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 }) }, { additionalProperties: false });

export const Patrol = Type.Object({
  id: Type.Integer(),
  userId: Type.Integer(),
  userName: Type.String(),
  startedAt: Type.String(),
  endedAt: Nullable(Type.String()),
  /** length of the recorded track, metres */
  distanceM: Type.Number(),
  points: Type.Integer(),
  last: Nullable(Type.Object({ lon: Type.Number(), lat: Type.Number(), at: Type.String() })),
  /** the track, simplified for drawing: [[lon, lat], …] */
  track: Type.Array(Type.Tuple([Type.Number(), Type.Number()])),
  checkins: Type.Integer(),
});
export type Patrol = Static<typeof Patrol>;
export const PatrolListQuery = Type.Object(
  { active: Type.Optional(Type.Boolean()), user: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })) },
  { additionalProperties: false },
);
export const PatrolListResponse = Type.Object({ items: Type.Array(Patrol) });
export type PatrolListResponse = Static<typeof PatrolListResponse>;

export const CheckinBody = Type.Object(
  {
    lon: Lon,
    lat: Lat,
    accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
    at: Type.Optional(IsoDateTime),
    place: Text(100),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    photos: Type.Optional(PhotoIds),
  },
  { additionalProperties: false },
);
export type CheckinBody = Static<typeof CheckinBody>;
export const Checkin = Type.Object({
  id: Type.Integer(),
  patrolId: Nullable(Type.Integer()),
  userId: Type.Integer(),
  at: Type.String(),
  lon: Type.Number(),
  lat: Type.Number(),
  gridCode: Nullable(Type.String()),
  place: Type.String(),
  note: Nullable(Type.String()),
  photos: Type.Array(Type.String()),
});

export const VisitBody = Type.Object(
  {
    date: CalendarDate,
    household: Text(100),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    lon: Type.Optional(Lon),
    lat: Type.Optional(Lat),
  },
  { additionalProperties: false },
);
export type VisitBody = Static<typeof VisitBody>;
export const Visit = Type.Object({
  id: Type.Integer(),
  userId: Type.Integer(),
  date: Type.String(),
  household: Type.String(),
  note: Nullable(Type.String()),
  gridCode: Nullable(Type.String()),
  createdAt: Type.String(),
});
export const VisitListQuery = Type.Object(
  {
    from: Type.Optional(CalendarDate),
    to: Type.Optional(CalendarDate),
    user: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  },
  { additionalProperties: false },
);
export const VisitListResponse = Type.Object({ items: Type.Array(Visit) });

// ---------------------------------------------------------------- the worker's own page

/** GET /api/field/me: who I am and my grids (with their geometry, for a map that needs no internet). */
export const FieldMe = Type.Object({
  user: Type.Object({ id: Type.Integer(), username: Type.String(), displayName: Type.String(), role: Type.String() }),
  /** GeoJSON FeatureCollection of my grids: properties code, name, displayCode */
  grids: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown()) }),
  /** [minLon, minLat, maxLon, maxLat] of my grids */
  bbox: Nullable(Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()])),
  activePatrol: Nullable(Patrol),
});
export type FieldMe = Static<typeof FieldMe>;

// ---------------------------------------------------------------- device sessions

export const SessionInfo = Type.Object({
  id: Type.Integer(),
  userId: Type.Integer(),
  username: Type.String(),
  kind: Type.Enum(['browser', 'device']),
  deviceName: Nullable(Type.String()),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  expiresAt: Type.String(),
});
export type SessionInfo = Static<typeof SessionInfo>;
export const SessionListQuery = Type.Object({ user: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })) }, { additionalProperties: false });
export const SessionListResponse = Type.Object({ items: Type.Array(SessionInfo) });
export const SessionIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 }) }, { additionalProperties: false });
