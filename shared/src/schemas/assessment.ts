/**
 * Wire shapes of the monthly assessment (/api/assessment, /api/field/duties, /api/field/me/score; docs/assessment.md).
 * The rules are shared/src/domain/assessment.ts and assessment-score.ts.
 */
import { Type, type Static } from 'typebox';
import { DUTIES, DUTY_RECORD_KINDS } from '../domain/assessment-score.ts';
import { AREA_CODE_PATTERN, CalendarDate, GridCode, Id, Text } from './common.ts';

const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', errorMessage: 'must be a month YYYY-MM', description: 'YYYY-MM' });
const Kind = Type.Enum(['head', 'staff']);
const Count = Type.Integer({ minimum: 0 });
/** A nullable value as a type list (`["string", "null"]`), not anyOf: a sheet has tens of thousands of rows and the
 * serializer writes type lists without trying each branch. */
const NullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] });
const NullableNumber = Type.Unsafe<number | null>({ type: ['number', 'null'] });

export const AssessmentQuery = Type.Object(
  {
    month: Type.Optional(Month),
    unit: Type.Optional(Type.String({ pattern: AREA_CODE_PATTERN, description: 'district, street, zone or community code (default: your unit or the district)' })),
    detail: Type.Optional(
      Type.Boolean({
        description: "each row's per-duty `lines` (default: true for a street, zone or community; false for the district, whose rows carry `points` and `fulfilment` per duty instead)",
      }),
    ),
  },
  { additionalProperties: false },
);
export type AssessmentQuery = Static<typeof AssessmentQuery>;

export const DutyWeightsShape = Type.Object(Object.fromEntries(DUTIES.map((d) => [d, Type.Number({ minimum: 0 })])) as Record<(typeof DUTIES)[number], ReturnType<typeof Type.Number>>, {
  additionalProperties: false,
});
export const AssessmentWeights = Type.Object({ head: DutyWeightsShape, staff: DutyWeightsShape }, { additionalProperties: false });
export type AssessmentWeights = Static<typeof AssessmentWeights>;

export const AssessmentLine = Type.Object({
  duty: Type.Enum([...DUTIES]),
  done: Type.Number(),
  of: Type.Number(),
  fulfilment: Type.Number(),
  weight: Type.Number(),
  points: Type.Number(),
});
export type AssessmentLine = Static<typeof AssessmentLine>;

const ROW_FIELDS = {
  subjectId: Type.Integer(),
  subjectName: Type.String(),
  payeeId: Type.Integer(),
  payeeName: Type.String(),
  kind: Kind,
  grids: Type.Array(Type.String(), { description: "a worker's grids; a head's vacant grids" }),
  streetCode: NullableString,
  streetName: NullableString,
  communityCode: NullableString,
  communityName: NullableString,
  lines: Type.Array(AssessmentLine),
  total: Type.Number(),
  maxScore: Type.Number(),
  share: Type.Number(),
  yuan: Type.Number(),
  consequence: Type.Enum(['none', 'suspension', 'probation']),
  /** the recorded scores of the two months before (oldest first; null: none recorded) */
  previous: Type.Array(NullableNumber),
  recorded: Type.Boolean({ description: 'true: the closed sheet as recorded; false: provisional' }),
  closedAt: NullableString,
};
/** A post's row with its per-duty lines (the phone's score, a closed month's record). */
export const AssessmentRow = Type.Object(ROW_FIELDS);
export type AssessmentRow = Static<typeof AssessmentRow>;

/** A row of the sheet: with `lines` (detail), or with each duty's points and fulfilment only (in DUTIES order). */
export const AssessmentSheetRow = Type.Object({
  ...ROW_FIELDS,
  lines: Type.Optional(Type.Array(AssessmentLine)),
  points: Type.Optional(Type.Array(Type.Number(), { description: "each duty's points in DUTIES order (rows without `lines`)" })),
  fulfilment: Type.Optional(Type.Array(Type.Number(), { description: "each duty's fulfilment 0..1 in DUTIES order (rows without `lines`)" })),
});
export type AssessmentSheetRow = Static<typeof AssessmentSheetRow>;

export const AssessmentSheet = Type.Object({
  month: Type.String(),
  unit: Type.Object({ code: Type.String(), kind: Type.String(), name: Type.String() }),
  from: Type.String(),
  to: Type.String(),
  days: Count,
  closed: Type.Boolean({ description: 'every row recorded' }),
  weights: AssessmentWeights,
  rows: Type.Array(AssessmentSheetRow),
  unassignedGrids: Type.Array(Type.String(), { description: 'vacant grids of communities without a head' }),
});
export type AssessmentSheet = Static<typeof AssessmentSheet>;

export const AssessmentCloseBody = Type.Object(
  { month: Month, unit: Type.String({ pattern: AREA_CODE_PATTERN }) },
  { additionalProperties: false },
);
export type AssessmentCloseBody = Static<typeof AssessmentCloseBody>;
export const AssessmentCloseResult = Type.Object({ month: Type.String(), unit: Type.String(), rows: Count, closedAt: Type.String() });

export const LeaveBody = Type.Object(
  { userId: Id, coverUserId: Type.Optional(Id), from: CalendarDate, to: CalendarDate, note: Type.Optional(Text(500)) },
  { additionalProperties: false },
);
export type LeaveBody = Static<typeof LeaveBody>;
export const LeaveRow = Type.Object({
  id: Type.Integer(),
  userId: Type.Integer(),
  userName: Type.String(),
  coverUserId: Type.Union([Type.Integer(), Type.Null()]),
  coverUserName: Type.Union([Type.String(), Type.Null()]),
  from: Type.String(),
  to: Type.String(),
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
export type LeaveRow = Static<typeof LeaveRow>;
export const LeaveQuery = Type.Object({ month: Type.Optional(Month), user: Type.Optional(Id) }, { additionalProperties: false });
export const LeaveList = Type.Object({ items: Type.Array(LeaveRow) });

export const DutyRecordBody = Type.Object(
  {
    kind: Type.Enum([...DUTY_RECORD_KINDS], { description: 'info_update (信息变动), renter_meeting (租房户见面), newcomer (新流入人员)' }),
    gridCode: GridCode,
    occurredOn: CalendarDate,
    subject: Text(200, { description: 'the household or person' }),
    note: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);
export type DutyRecordBody = Static<typeof DutyRecordBody>;
export const DutyRecord = Type.Object({
  id: Type.Integer(),
  userId: Type.Integer(),
  kind: Type.Enum([...DUTY_RECORD_KINDS]),
  gridCode: Type.String(),
  occurredOn: Type.String(),
  recordedAt: Type.String(),
  subject: Type.String(),
  note: Type.Union([Type.String(), Type.Null()]),
  onTime: Type.Boolean(),
});
export type DutyRecord = Static<typeof DutyRecord>;
export const DutyListQuery = Type.Object({ month: Type.Optional(Month), kind: Type.Optional(Type.Enum([...DUTY_RECORD_KINDS])) }, { additionalProperties: false });
export const DutyList = Type.Object({ items: Type.Array(DutyRecord) });

export const MyScoreQuery = Type.Object({ month: Type.Optional(Month) }, { additionalProperties: false });
export const MyScore = Type.Object({
  month: Type.String(),
  days: Count,
  rows: Type.Array(AssessmentRow, { description: 'the posts I am paid for: my own, and those I cover' }),
  missing: Type.Array(Type.Object({ duty: Type.Enum([...DUTIES]), count: Count, period: Type.Enum(['week', 'month']) })),
  weekVisits: Count,
});
export type MyScore = Static<typeof MyScore>;
