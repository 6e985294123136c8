/** Wire shapes of cases: intake, lists, actions, timeline, supervision, the close-out register, the work calendar. */
import { Type, type Static } from 'typebox';
import { CASE_ACTIONS, CASE_SOURCES, CASE_STATES } from '../domain/case-state.ts';
import { LIGHTS } from '../domain/lights.ts';
import { PRIORITIES } from '../domain/sla.ts';
import { CalendarDate, DateOrDateTime, Id, INT4_MAX, Phone, Text } from './common.ts';
import { FieldPosition, PhotoIds, Verification } from './field.ts';

export const CaseSource = Type.Enum([...CASE_SOURCES]);
export type CaseSource = Static<typeof CaseSource>;
export const CasePriority = Type.Enum([...PRIORITIES]);
export const CaseStatus = Type.Enum([...CASE_STATES]);
export const CaseLight = Type.Enum([...LIGHTS]);
export const CaseActionName = Type.Enum([...CASE_ACTIONS]);

const CaseId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, errorMessage: 'must be a case id (a positive integer)' });
const CATEGORY_PATTERN = '^[0-9]{5}$';
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);

export const CaseCreateBody = Type.Object(
  {
    categoryCode: Type.String({ pattern: CATEGORY_PATTERN, errorMessage: 'must be a category code of 5 digits' }),
    priority: CasePriority,
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    title: Text(200),
    description: Type.String({ maxLength: 4000 }),
    source: CaseSource,
    address: Type.Optional(Type.String({ maxLength: 300 })),
    reporterName: Type.Optional(Type.String({ maxLength: 100 })),
    reporterPhone: Type.Optional(Phone),
    /** photos uploaded first (POST /api/photos), by id */
    photos: Type.Optional(PhotoIds),
    /** how the location was found: accuracy in metres, GPS / a pick on the map / a photo's EXIF */
    position: Type.Optional(Type.Omit(FieldPosition, ['lon', 'lat'])),
    /** 举手之劳: the reporter fixed it on the spot; the case is closed at once (grid workers, with an after photo) */
    fixedOnSpot: Type.Optional(
      Type.Object({ afterPhotos: Type.Array(PhotoIds.items, { minItems: 1, maxItems: 6, uniqueItems: true }), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type CaseCreateBody = Static<typeof CaseCreateBody>;

/** Bulk intake (integrations, sensors, hotline systems): up to 1,000 cases in one transaction, all or nothing. */
export const CaseBatchBody = Type.Object(
  { items: Type.Array(CaseCreateBody, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export type CaseBatchBody = Static<typeof CaseBatchBody>;

export const CaseBatchResponse = Type.Object({
  count: Type.Integer(),
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      code: Type.String(),
      gridCode: Type.String(),
      streetCode: Type.String(),
      light: Type.String(),
    }),
  ),
});
export type CaseBatchResponse = Static<typeof CaseBatchResponse>;

export const CaseIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 }) });
export type CaseIdParams = Static<typeof CaseIdParams>;

const AreaCodeFilter = (digits: number) => Type.String({ pattern: `^[0-9]{${digits}}$`, errorMessage: `must be a code of ${digits} digits` });

/** Filters shared by the case list and the register. */
export const CaseFilterQuery = Type.Object(
  {
    status: Type.Optional(CaseStatus),
    light: Type.Optional(CaseLight),
    street: Type.Optional(AreaCodeFilter(9)),
    zone: Type.Optional(AreaCodeFilter(11)),
    grid: Type.Optional(AreaCodeFilter(15)),
    category: Type.Optional(Type.String({ pattern: '^[0-9]{2}([0-9]{3})?$', errorMessage: 'must be a major (2 digits) or minor (5 digits) category code' })),
    source: Type.Optional(CaseSource),
    priority: Type.Optional(CasePriority),
    supervised: Type.Optional(Type.Boolean()),
    escalated: Type.Optional(Type.Boolean()),
    /** reported and fixed on the spot (举手之劳) */
    fixedOnSpot: Type.Optional(Type.Boolean()),
    /** the latest verification on site (核查) is flagged (far from the case, or without a position) */
    flagged: Type.Optional(Type.Boolean()),
    /** reportedAt ≥ from (ISO 8601 date or date-time) */
    from: Type.Optional(DateOrDateTime),
    /** reportedAt < to (a bare date means the end of that day, CST) */
    to: Type.Optional(DateOrDateTime),
    q: Type.Optional(Text(100)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  },
  { additionalProperties: false },
);
export type CaseFilterQuery = Static<typeof CaseFilterQuery>;

export const CaseActionBody = Type.Object(
  {
    action: CaseActionName,
    version: Type.Integer({ minimum: 1, maximum: INT4_MAX }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    duplicateOf: Type.Optional(CaseId),
    reviewDate: Type.Optional(CalendarDate),
    teamId: Type.Optional(Id),
    departmentCode: Type.Optional(Text(40)),
    /** photos of the action (verify_fail: what the verifier found) */
    photos: Type.Optional(PhotoIds),
    /** where the verifier was (verify_pass / verify_fail; required of grid workers) */
    position: Type.Optional(FieldPosition),
  },
  { additionalProperties: false },
);
export type CaseActionBody = Static<typeof CaseActionBody>;

/** POST /api/cases/:id/photos: add evidence to a case instead of reporting it again. */
export const CaseAttachBody = Type.Object({ photos: Type.Array(PhotoIds.items, { minItems: 1, maxItems: 6, uniqueItems: true }) }, { additionalProperties: false });
export type CaseAttachBody = Static<typeof CaseAttachBody>;

export const CaseAreaRef = Type.Object({ code: Type.String(), name: Type.String() });

export const Case = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  source: CaseSource,
  categoryCode: Type.String(),
  categoryName: Type.String(),
  majorCode: Type.String(),
  majorName: Type.String(),
  priority: CasePriority,
  title: Type.String(),
  description: Type.String(),
  address: NullableString,
  lon: Type.Number(),
  lat: Type.Number(),
  gridCode: Type.String(),
  gridName: Type.String(),
  communityCode: Type.String(),
  communityName: Type.String(),
  zoneCode: Type.String(),
  zoneName: Type.String(),
  streetCode: Type.String(),
  streetName: Type.String(),
  departmentCode: NullableString,
  departmentName: NullableString,
  teamId: NullableInt,
  teamName: NullableString,
  status: CaseStatus,
  parkedFrom: NullableString,
  escalationLevel: Type.Enum(['grid', 'zone', 'street', 'district']),
  duplicateOf: NullableInt,
  voidReason: NullableString,
  parkReason: NullableString,
  parkReviewDate: NullableString,
  reworkCount: Type.Integer(),
  /** the unit that holds the case at its escalation level: its community, zone, street or the district (docs/units.md) */
  holderCode: Type.String(),
  /** the department's sign-for deadline (签收时限), when the case was dispatched to a department */
  signBy: NullableString,
  /** how often a department returned the case (退单), which department did last, and why */
  returnCount: Type.Integer(),
  returnedBy: NullableString,
  returnReason: NullableString,
  /** helping departments (协办) beside the lead department (首接负责, `departmentCode`) */
  helperDepartments: Type.Array(Type.String()),
  /** reported and fixed by the reporter on the spot (举手之劳) */
  fixedOnSpot: Type.Boolean(),
  photos: Type.Array(Type.String()),
  /** the latest verification on site, with the verifier's distance from the case */
  verification: Type.Union([Verification, Type.Null()]),
  reportedAt: Type.String(),
  filedAt: NullableString,
  dispatchedAt: NullableString,
  acceptedAt: NullableString,
  handledAt: NullableString,
  verifiedAt: NullableString,
  closedAt: NullableString,
  voidedAt: NullableString,
  respondBy: Type.String(),
  resolveBy: Type.String(),
  respondWarnAt: NullableString,
  resolveWarnAt: NullableString,
  respondRedAt: NullableString,
  resolveRedAt: NullableString,
  light: CaseLight,
  supervised: Type.Boolean(),
  version: Type.Integer(),
  updatedAt: Type.String(),
  /** personal data: present only for roles that may see it (each read is logged) */
  reporterName: Type.Optional(NullableString),
  reporterPhone: Type.Optional(NullableString),
  /** the actions the caller may take now */
  allowedActions: Type.Array(CaseActionName),
});
export type Case = Static<typeof Case>;

export const CaseListResponse = Type.Object({
  items: Type.Array(Case),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type CaseListResponse = Static<typeof CaseListResponse>;

export const TimelineItem = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  type: Type.String(),
  actor: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String(), role: NullableString }), Type.Null()]),
  fromState: NullableString,
  toState: NullableString,
  note: NullableString,
  location: Type.Union([Type.Tuple([Type.Number(), Type.Number()]), Type.Null()]),
  payload: Type.Record(Type.String(), Type.Unknown()),
});
export type TimelineItem = Static<typeof TimelineItem>;
export const TimelineResponse = Type.Object({ items: Type.Array(TimelineItem) });
export type TimelineResponse = Static<typeof TimelineResponse>;

export const SupervisionQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(['open', 'closed'])),
    street: Type.Optional(AreaCodeFilter(9)),
    level: Type.Optional(Type.Enum(['yellow', 'red'])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  },
  { additionalProperties: false },
);
export type SupervisionQuery = Static<typeof SupervisionQuery>;

export const SupervisionIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 }) });

export const CaseSummary = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  title: Type.String(),
  categoryCode: Type.String(),
  categoryName: Type.String(),
  priority: CasePriority,
  status: CaseStatus,
  light: CaseLight,
  streetCode: Type.String(),
  streetName: Type.String(),
  gridCode: Type.String(),
  departmentCode: NullableString,
  reportedAt: Type.String(),
  resolveBy: Type.String(),
});

export const Supervision = Type.Object({
  id: Type.Integer(),
  noticeNo: Type.String(),
  level: Type.Enum(['yellow', 'red']),
  reason: Type.String(),
  openedAt: Type.String(),
  closedAt: NullableString,
  closeNote: NullableString,
  case: CaseSummary,
});
export type Supervision = Static<typeof Supervision>;
export const SupervisionListResponse = Type.Object({
  items: Type.Array(Supervision),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const RegisterSummary = Type.Object({
  reported: Type.Integer(),
  closed: Type.Integer(),
  /** of the closed: fixed on the spot by their reporter (举手之劳) */
  fixedOnSpot: Type.Integer(),
  inProgress: Type.Integer(),
  escalated: Type.Integer(),
  overdue: Type.Integer(),
  void: Type.Integer(),
  parked: Type.Integer(),
});
export type RegisterSummary = Static<typeof RegisterSummary>;
export const RegisterResponse = Type.Object({
  items: Type.Array(Case),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  summary: RegisterSummary,
});

export const CalendarYearParams = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });
export const CalendarDay = Type.Object(
  {
    date: CalendarDate,
    kind: Type.Enum(['holiday', 'workday']),
    name: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type CalendarDay = Static<typeof CalendarDay>;
export const CalendarPutBody = Type.Object(
  { days: Type.Array(CalendarDay, { maxItems: 366 }) },
  { additionalProperties: false },
);
export type CalendarPutBody = Static<typeof CalendarPutBody>;
export const CalendarYearResponse = Type.Object({
  year: Type.Integer(),
  days: Type.Array(Type.Object({ date: Type.String(), kind: Type.String(), name: Type.String() })),
  hours: Type.Object({ morning: Type.Array(Type.String()), afternoon: Type.Array(Type.String()) }),
});
