/**
 * Wire shapes of the public side: a citizen's report, following an existing case (+1), the tracking page by code,
 * ratings, points; and the center's callbacks (回访). No personal data ever appears in an answer: the reporter's
 * name and phone go in, and only staff see them (through the case routes). Rules in shared/src/domain/public.ts and
 * docs/public.md.
 */
import { Type, type Static } from 'typebox';
import { Phone, Text } from './common.ts';
import { PHOTO_ID_PATTERN } from './field.ts';
import { RATINGS, PUBLIC_STAGES, TRACKING_ALPHABET, TRACKING_LENGTH } from '../domain/public.ts';

const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Lon = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });

/** Photos per public report. */
export const MAX_PUBLIC_PHOTOS = 3;
/** A phone's own id for this site (random, kept in the browser): rate limits and the points of a reporter without a phone number. */
export const DeviceId = Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$', errorMessage: 'must be the device id the page made (16–64 letters, digits, - or _)' });
/** Mainland mobile or landline digits, optionally with +86, spaces or dashes. */
export const PublicPhone = Phone;
/** As typed: case, spaces and dashes do not matter (normalized by normalizeTrackingCode). */
export const TrackingCodeParams = Type.Object({ code: Type.String({ minLength: TRACKING_LENGTH, maxLength: 20 }) }, { additionalProperties: false });
export const TRACKING_CODE_CHARS = TRACKING_ALPHABET;

export const PublicReportBody = Type.Object(
  {
    categoryCode: Type.String({ pattern: '^[0-9]{5}$', errorMessage: 'must be a category code of 5 digits' }),
    lon: Lon,
    lat: Lat,
    accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
    locationSource: Type.Optional(Type.Enum(['gps', 'map', 'exif'])),
    description: Text(2000),
    /** where, in words ("XX 路 12 号门口") */
    address: Type.Optional(Type.String({ maxLength: 200 })),
    photos: Type.Optional(Type.Array(Type.String({ pattern: PHOTO_ID_PATTERN }), { maxItems: MAX_PUBLIC_PHOTOS, uniqueItems: true })),
    name: Type.Optional(Type.String({ maxLength: 40 })),
    phone: Type.Optional(PublicPhone),
    deviceId: DeviceId,
  },
  { additionalProperties: false },
);
export type PublicReportBody = Static<typeof PublicReportBody>;

export const PublicFollowBody = Type.Object(
  { photos: Type.Optional(Type.Array(Type.String({ pattern: PHOTO_ID_PATTERN }), { maxItems: MAX_PUBLIC_PHOTOS, uniqueItems: true })), phone: Type.Optional(PublicPhone), deviceId: DeviceId },
  { additionalProperties: false },
);
export type PublicFollowBody = Static<typeof PublicFollowBody>;
export const PublicCaseParams = Type.Object({ caseCode: Type.String({ pattern: '^[A-Z]{2}\\d{8}-\\d{6}$', errorMessage: 'must be a case number like HD20261201-000001' }) }, { additionalProperties: false });

/** What a citizen gets back for a report or a follow: their own tracking code. */
export const PublicReceipt = Type.Object({
  trackingCode: Type.String(),
  /** "K7M4Q-2XPRB" */
  trackingCodeDisplay: Type.String(),
  caseCode: Type.String(),
  stage: Type.Enum([...PUBLIC_STAGES]),
  /** the resolve-by instant of the case's clock (ISO) */
  expectedBy: Nullable(Type.String()),
  /** a follow (+1) of an existing case rather than a new one */
  followed: Type.Boolean(),
});
export type PublicReceipt = Static<typeof PublicReceipt>;

export const PublicNearbyQuery = Type.Object(
  { lon: Lon, lat: Lat, category: Type.String({ pattern: '^[0-9]{5}$', errorMessage: 'must be a category code of 5 digits' }) },
  { additionalProperties: false },
);
export const PublicNearbyItem = Type.Object({
  caseCode: Type.String(),
  title: Type.String(),
  categoryName: Type.String(),
  stage: Type.Enum([...PUBLIC_STAGES]),
  distanceM: Type.Number(),
  reportedAt: Type.String(),
  thumbUrl: Nullable(Type.String()),
  /** people who reported or followed it */
  reporters: Type.Integer(),
});
export const PublicNearbyResponse = Type.Object({ radiusM: Type.Integer(), items: Type.Array(PublicNearbyItem) });
export type PublicNearbyResponse = Static<typeof PublicNearbyResponse>;

export const PublicStep = Type.Object({
  stage: Type.Enum([...PUBLIC_STAGES, 'rated', 'reopened']),
  at: Type.String(),
  /** "城管局" for a case sent to a department */
  department: Nullable(Type.String()),
});

export const PublicTrack = Type.Object({
  trackingCode: Type.String(),
  trackingCodeDisplay: Type.String(),
  caseCode: Type.String(),
  title: Type.String(),
  categoryName: Type.String(),
  stage: Type.Enum([...PUBLIC_STAGES]),
  /** the history in plain words, oldest first */
  steps: Type.Array(PublicStep),
  reportedAt: Type.String(),
  expectedBy: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
  department: Nullable(Type.String()),
  /** thumbnails: the photos of the report, and after closing the handler's after photos */
  photos: Type.Array(Type.String()),
  afterPhotos: Type.Array(Type.String()),
  reporters: Type.Integer(),
  /** my rating of this closing (null: not rated yet) */
  rating: Nullable(Type.Object({ rating: Type.Enum([...RATINGS]), comment: Nullable(Type.String()), at: Type.String(), reopened: Type.Boolean() })),
  /** may I rate now (closed, not yet rated for this closing) */
  mayRate: Type.Boolean(),
  /** a 不满意 now would reopen the case (within the window) */
  rateReopensUntil: Nullable(Type.String()),
  /** my points (by phone when I gave one, else by this device) */
  points: Type.Object({ balance: Type.Integer(), entries: Type.Array(Type.Object({ at: Type.String(), points: Type.Integer(), reason: Type.String(), caseCode: Type.String() })) }),
});
export type PublicTrack = Static<typeof PublicTrack>;

export const PublicRatingBody = Type.Object(
  { rating: Type.Enum([...RATINGS]), comment: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export type PublicRatingBody = Static<typeof PublicRatingBody>;
export const PublicRatingResponse = Type.Object({ rating: Type.Enum([...RATINGS]), reopened: Type.Boolean(), track: PublicTrack });

/** The center's callback (回访) of a closed public case. */
export const CallbackBody = Type.Object(
  { reached: Type.Boolean(), rating: Type.Optional(Type.Enum([...RATINGS])), comment: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export const CallbackItem = Type.Object({
  caseId: Type.Integer(),
  caseCode: Type.String(),
  title: Type.String(),
  closedAt: Type.String(),
  reporterName: Nullable(Type.String()),
  reporterPhone: Nullable(Type.String()),
  callbacks: Type.Integer(),
  rating: Nullable(Type.Enum([...RATINGS])),
});
export const CallbackListResponse = Type.Object({ items: Type.Array(CallbackItem) });
export type CallbackListResponse = Static<typeof CallbackListResponse>;

/** GET / PUT /api/admin/public-settings: the points rules and the sensitive major categories (admin). */
export const PublicSettings = Type.Object(
  {
    pointRules: Type.Object(
      {
        validReport: Type.Integer({ minimum: 0, maximum: 1000 }),
        firstReporter: Type.Integer({ minimum: 0, maximum: 1000 }),
        follow: Type.Integer({ minimum: 0, maximum: 1000 }),
      },
      { additionalProperties: false },
    ),
    sensitiveMajors: Type.Array(Type.String({ pattern: '^[0-9]{2}$', errorMessage: 'must be a major category code of 2 digits' }), { maxItems: 50, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type PublicSettings = Static<typeof PublicSettings>;
export const PublicSettingsResponse = Type.Object({ ...PublicSettings.properties, updatedAt: Type.String() });
