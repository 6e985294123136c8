/**
 * The zero-report rule (零报制, docs/bulletins.md#zero-report): a unit that must file a periodic report files it every
 * period, also when it has nothing to report ("本期无情况" is a valid submission). A report kind names the unit kind
 * that must report, its period (month or quarter) and its deadline: the `deadlineDay`-th **calendar** day of the
 * following period, until 24:00 CST (the 5th: submissions up to 5 Dec 23:59:59 for November). Pure: "now" is given.
 */
import { addCstDays, cstDate, cstDateKey, type DateKey } from './china-time.ts';
import { periodDays } from './indicators-windows.ts';

export const REPORT_UNIT_KINDS = ['street', 'zone', 'community', 'department'] as const;
export type ReportUnitKind = (typeof REPORT_UNIT_KINDS)[number];
export const REPORT_PERIODS = ['month', 'quarter'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

export interface ReportKindRule {
  code: string;
  unitKind: ReportUnitKind;
  period: ReportPeriod;
  /** the last calendar day of the following period to submit on (1 … 28) */
  deadlineDay: number;
}

/** submitted: by the deadline; late: after it; missing: none and the deadline passed; pending: none, not yet due */
export const REPORT_STATUSES = ['submitted', 'late', 'missing', 'pending'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const REPORT_STATUS_LABELS: Record<ReportStatus, { 'zh-CN': string; en: string }> = {
  submitted: { 'zh-CN': '按时报送', en: 'On time' },
  late: { 'zh-CN': '逾期报送', en: 'Late' },
  missing: { 'zh-CN': '未报送', en: 'Missing' },
  pending: { 'zh-CN': '待报送', en: 'Not yet due' },
};

export const NOTHING_TO_REPORT_TEXT = '本期无情况';

/** The first day of the kind's period containing `day` (a month: the 1st; a quarter: Jan/Apr/Jul/Oct 1st). */
export function reportPeriodStart(period: ReportPeriod, day: DateKey): DateKey {
  return periodDays(period, day).first;
}

/** The period starts a kind requires whose first day lies in [from, to): every month or quarter. */
export function requiredPeriods(period: ReportPeriod, from: DateKey, to: DateKey): DateKey[] {
  const out: DateKey[] = [];
  let p = reportPeriodStart(period, from);
  if (p < from) p = periodDays(period, p).next;
  while (p < to) {
    out.push(p);
    p = periodDays(period, p).next;
  }
  return out;
}

/** The deadline of a period as the first instant that is late: 00:00 CST of the day after the deadline day. */
export function reportDeadline(rule: Pick<ReportKindRule, 'period' | 'deadlineDay'>, periodStart: DateKey): Date {
  const next = periodDays(rule.period, periodStart).next;
  return cstDate(addCstDays(next, rule.deadlineDay));
}

/** The last day one may submit on time (for labels: "12-05 前"). */
export function reportDeadlineDay(rule: Pick<ReportKindRule, 'period' | 'deadlineDay'>, periodStart: DateKey): DateKey {
  return addCstDays(cstDateKey(reportDeadline(rule, periodStart)), -1);
}

/** Whether the period has begun at `now` (a report for a period not begun is refused). */
export function periodHasBegun(periodStart: DateKey, now: Date): boolean {
  return now.getTime() >= cstDate(periodStart).getTime();
}

/** The status of one unit's report for one period. */
export function reportStatus(rule: Pick<ReportKindRule, 'period' | 'deadlineDay'>, periodStart: DateKey, submittedAt: Date | null, now: Date): ReportStatus {
  const deadline = reportDeadline(rule, periodStart).getTime();
  if (submittedAt) return submittedAt.getTime() < deadline ? 'submitted' : 'late';
  return now.getTime() >= deadline ? 'missing' : 'pending';
}

export type SubmissionProblem = 'BODY_REQUIRED' | 'BODY_WITH_NOTHING' | null;

/**
 * A submission is valid with a body, or with nothing to report (then without a body, or with exactly 本期无情况).
 * Blank text counts as no body.
 */
export function submissionProblem(nothingToReport: boolean, body: string | null | undefined): SubmissionProblem {
  const text = (body ?? '').trim();
  if (nothingToReport) return text === '' || text === NOTHING_TO_REPORT_TEXT ? null : 'BODY_WITH_NOTHING';
  return text === '' ? 'BODY_REQUIRED' : null;
}
