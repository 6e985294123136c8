/** Wire shapes of the leaders' bulletins (/api/bulletins/:kind, docs/bulletins.md). */
import { Type, type Static } from 'typebox';
import { BULLETIN_KINDS } from '../domain/bulletin-periods.ts';
import { CalendarDate } from './common.ts';

const Count = Type.Integer({ minimum: 0 });
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const BulletinParams = Type.Object({ kind: Type.Enum([...BULLETIN_KINDS], { description: 'daily (快报), monthly (月报) or quarterly (季报)' }) });
export type BulletinParams = Static<typeof BulletinParams>;

export const BulletinQuery = Type.Object(
  { date: Type.Optional({ ...CalendarDate, description: 'a CST day in the period (default: the last complete period)' }) },
  { additionalProperties: false },
);
export type BulletinQuery = Static<typeof BulletinQuery>;

export const BULLETIN_HEADLINE_KEYS = ['reported', 'filed', 'closed', 'closure', 'onTimeClosure', 'response', 'resolution', 'satisfaction'] as const;
export type BulletinHeadlineKey = (typeof BULLETIN_HEADLINE_KEYS)[number];
export const BULLETIN_RATE_KEYS = ['closure', 'onTimeClosure', 'response', 'resolution', 'satisfaction'] as const;
export type BulletinRateKey = (typeof BULLETIN_RATE_KEYS)[number];

const Change = Type.Object({ delta: NullableNumber, arrow: Type.Union([Type.Enum(['↑', '↓', '→']), Type.Null()]) });
const RateValue = Type.Object({ n: Count, hits: Count, value: NullableNumber });
const Named = Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()]);
const Extremes = Type.Object({ closure: Named, onTimeClosure: Named, response: Named, resolution: Named, satisfaction: Named });

export const BulletinHeadline = Type.Object({
  key: Type.Enum([...BULLETIN_HEADLINE_KEYS]),
  rate: Type.Boolean(),
  /** a count, or a rate 0…1 (null: no data) */
  value: NullableNumber,
  n: Type.Union([Count, Type.Null()]),
  hits: Type.Union([Count, Type.Null()]),
  previous: NullableNumber,
  change: Change,
});

export const BulletinUnitRow = Type.Object({
  rank: Type.Integer({ minimum: 1 }),
  code: Type.String(),
  name: Type.String(),
  reported: Count,
  filed: Count,
  closed: Count,
  closure: RateValue,
  onTimeClosure: RateValue,
  response: RateValue,
  resolution: RateValue,
  satisfaction: RateValue,
});
export type BulletinUnitRow = Static<typeof BulletinUnitRow>;

export const BulletinUnitTable = Type.Object({ items: Type.Array(BulletinUnitRow), best: Extremes, worst: Extremes });
export type BulletinUnitTable = Static<typeof BulletinUnitTable>;

export const BulletinOverdueCase = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  categoryName: Type.String(),
  streetCode: Type.String(),
  streetName: Type.String(),
  holderCode: Type.Union([Type.String(), Type.Null()]),
  holderName: Type.String(),
  departmentName: Type.Union([Type.String(), Type.Null()]),
  resolveBy: Type.String(),
  /** working hours from resolve-by to the period's end (or to closing, when closed after the period) */
  overdueHours: Type.Number(),
});

export const BulletinBacklogRow = Type.Object({
  code: Type.String(),
  name: Type.String(),
  /** open at the period's start with resolve-by before it */
  atStart: Count,
  closedInPeriod: Count,
  openAtEnd: Count,
});

export const BulletinMissingReport = Type.Object({
  kindCode: Type.String(),
  kindName: Type.String(),
  unitCode: Type.String(),
  unitName: Type.String(),
  unitKind: Type.String(),
  periodStart: Type.String(),
  deadlineDay: Type.String(),
  /** missing: none at all; late: came in after the deadline (submittedAt) */
  status: Type.Enum(['missing', 'late']),
  submittedAt: Type.Union([Type.String(), Type.Null()]),
});
export type BulletinMissingReport = Static<typeof BulletinMissingReport>;

export const Bulletin = Type.Object({
  kind: Type.Enum([...BULLETIN_KINDS]),
  title: Type.String(),
  issue: Type.Integer({ minimum: 1 }),
  year: Type.Integer(),
  district: Type.Object({ code: Type.String(), name: Type.String() }),
  period: Type.Object({ first: Type.String(), last: Type.String(), from: Type.String(), to: Type.String() }),
  previous: Type.Object({ first: Type.String(), last: Type.String() }),
  /** the period is still running: the numbers are cut at generation time */
  partial: Type.Boolean(),
  generatedAt: Type.String(),
  headline: Type.Array(BulletinHeadline),
  streets: BulletinUnitTable,
  departments: BulletinUnitTable,
  overdue: Type.Object({ total: Count, items: Type.Array(BulletinOverdueCase) }),
  backlog: Type.Object({ atStart: Count, closedInPeriod: Count, openAtEnd: Count, byStreet: Type.Array(BulletinBacklogRow) }),
  trend: Type.Array(Type.Object({ first: Type.String(), next: Type.String(), reported: Count, closed: Count })),
  zeroReport: Type.Object({ asOf: Type.String(), items: Type.Array(BulletinMissingReport) }),
});
export type Bulletin = Static<typeof Bulletin>;
