/** Wire shapes of the zero-report rule (零报制): report kinds, submissions, who has and hasn't reported (docs/bulletins.md). */
import { Type, type Static } from 'typebox';
import { REPORT_PERIODS, REPORT_STATUSES, REPORT_UNIT_KINDS } from '../domain/zero-report.ts';

const Month = Type.String({ pattern: '^(?:19|20|21)\\d{2}-(0[1-9]|1[0-2])$', maxLength: 7, errorMessage: 'must be a month YYYY-MM', description: 'YYYY-MM' });
const KindCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$', maxLength: 40, errorMessage: 'must be a report kind code' });
const UnitCode = Type.String({ pattern: '^(?:[0-9]{9}|[0-9]{11}|[0-9]{12}|[A-Z]{2,8})$', errorMessage: 'must be a street, zone, community or department code' });

export const ReportKind = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  unitKind: Type.Enum([...REPORT_UNIT_KINDS]),
  period: Type.Enum([...REPORT_PERIODS]),
  /** the last calendar day of the following period to submit on */
  deadlineDay: Type.Integer(),
  active: Type.Boolean(),
});
export type ReportKind = Static<typeof ReportKind>;
export const ReportKindList = Type.Object({ items: Type.Array(ReportKind) });

export const UnitReportsQuery = Type.Object(
  {
    period: Type.Optional({ ...Month, description: 'the month (a quarterly kind: the quarter containing it); default: this month' }),
    kind: Type.Optional(KindCode),
  },
  { additionalProperties: false },
);
export type UnitReportsQuery = Static<typeof UnitReportsQuery>;

export const MissingReportsQuery = Type.Object({ period: Type.Optional(Month) }, { additionalProperties: false });
export type MissingReportsQuery = Static<typeof MissingReportsQuery>;

export const UnitReportStatusRow = Type.Object({
  kindCode: Type.String(),
  kindName: Type.String(),
  unitCode: Type.String(),
  unitName: Type.String(),
  unitKind: Type.String(),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  periodStart: Type.String(),
  /** the last day to submit on time */
  deadlineDay: Type.String(),
  status: Type.Enum([...REPORT_STATUSES]),
  submittedAt: Type.Union([Type.String(), Type.Null()]),
  nothingToReport: Type.Union([Type.Boolean(), Type.Null()]),
  /** the report's text (本期无情况 for a report with nothing to report); null when none */
  body: Type.Union([Type.String(), Type.Null()]),
  /** the caller's own unit: the one it may submit for */
  own: Type.Boolean(),
});
export type UnitReportStatusRow = Static<typeof UnitReportStatusRow>;

export const UnitReportStatusList = Type.Object({
  period: Type.String(),
  items: Type.Array(UnitReportStatusRow),
  totals: Type.Object({ submitted: Type.Integer(), late: Type.Integer(), missing: Type.Integer(), pending: Type.Integer() }),
});
export type UnitReportStatusList = Static<typeof UnitReportStatusList>;

export const UnitReportBody = Type.Object(
  {
    kind: KindCode,
    /** the month 'YYYY-MM' (a quarterly kind: any month of the quarter) */
    period: Month,
    /** default: the caller's own unit; another unit is refused (403) */
    unitCode: Type.Optional(UnitCode),
    nothingToReport: Type.Boolean(),
    body: Type.Optional(Type.String({ maxLength: 4000 })),
    /** counts the kind's form asks for (e.g. { inspected: 12, hazards: 2 }) */
    counts: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0, maximum: 1_000_000 }), { maxProperties: 20 })),
  },
  { additionalProperties: false },
);
export type UnitReportBody = Static<typeof UnitReportBody>;

export const UnitReport = Type.Object({
  id: Type.Integer(),
  kindCode: Type.String(),
  unitCode: Type.String(),
  periodStart: Type.String(),
  nothingToReport: Type.Boolean(),
  body: Type.String(),
  counts: Type.Record(Type.String(), Type.Integer()),
  submittedAt: Type.String(),
  status: Type.Enum([...REPORT_STATUSES]),
});
export type UnitReport = Static<typeof UnitReport>;
