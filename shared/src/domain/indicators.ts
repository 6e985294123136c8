/**
 * Assessment indicators (考核指标), as fractions (0.95 = 95 %). Every rate whose denominator is
 * zero is `null` ("no data"), never 0 or NaN. Counts must be finite and ≥ 0 (RangeError
 * otherwise). Numerators are not clamped: a rate above 1 means the counts were taken
 * inconsistently and is shown as such rather than hidden.
 *
 * - closure rate (结案率)            = closed ÷ due to close in the period
 * - on-time closure rate (按期结案率) = closed on time ÷ due to close in the period
 *   (the denominator counts cases due in the period, so open overdue cases lower the rate)
 * - rework rate (返工率)             = returned after verification ÷ handled
 * - on-time verification rate (按时核查率) = verified on time ÷ due for verification
 * - public-report rate (监督举报率)   = cases reported by the public ÷ all cases reported
 * - missed-report rate (漏报率)       = cases first reported by the public in a grid a worker
 *                                      covers ÷ all cases reported in those grids
 * - cases per 10,000 residents       = cases × 10,000 ÷ residents
 */

export type Rate = number | null;

function count(v: number, name: string): number {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a finite number >= 0`);
  return v;
}

/** numerator ÷ denominator, or null when the denominator is 0. */
export function ratio(numerator: number, denominator: number): Rate {
  count(numerator, 'numerator');
  count(denominator, 'denominator');
  return denominator === 0 ? null : numerator / denominator;
}

export function closureRate(c: { closed: number; dueToClose: number }): Rate {
  return ratio(c.closed, c.dueToClose);
}

export function onTimeClosureRate(c: { closedOnTime: number; dueToClose: number }): Rate {
  return ratio(c.closedOnTime, c.dueToClose);
}

export function reworkRate(c: { returned: number; handled: number }): Rate {
  return ratio(c.returned, c.handled);
}

export function onTimeVerificationRate(c: { verifiedOnTime: number; dueForVerification: number }): Rate {
  return ratio(c.verifiedOnTime, c.dueForVerification);
}

export function publicReportRate(c: { publicReports: number; totalReports: number }): Rate {
  return ratio(c.publicReports, c.totalReports);
}

export function missedReportRate(c: { missed: number; totalReports: number }): Rate {
  return ratio(c.missed, c.totalReports);
}

export function casesPer10k(c: { cases: number; residents: number }): Rate {
  const r = ratio(c.cases, c.residents);
  return r === null ? null : r * 10_000;
}

/** A rate as a percentage rounded to `digits` decimals; null stays null. */
export function toPercent(rate: Rate, digits = 1): number | null {
  if (rate === null) return null;
  const f = 10 ** digits;
  return Math.round(rate * 100 * f) / f;
}

/** What the closure indicators need to know about one case. */
export interface ClosureRecord {
  /** The resolve-by instant (from sla.ts). */
  resolveBy: Date;
  closedAt?: Date | null;
  voided?: boolean;
}

export interface ClosureCounts {
  dueToClose: number;
  closed: number;
  closedOnTime: number;
}

/**
 * Counts for the closure indicators over the period [from, to):
 * - due to close: cases whose resolve-by falls in the period, void cases excluded;
 * - closed: of those, closed before the end of the period;
 * - closed on time: of those, closed at or before their resolve-by.
 */
export function closureCounts(cases: Iterable<ClosureRecord>, from: Date, to: Date): ClosureCounts {
  const f = from.getTime();
  const t = to.getTime();
  const out: ClosureCounts = { dueToClose: 0, closed: 0, closedOnTime: 0 };
  for (const c of cases) {
    if (c.voided) continue;
    const due = c.resolveBy.getTime();
    if (due < f || due >= t) continue;
    out.dueToClose++;
    const closed = c.closedAt ? c.closedAt.getTime() : null;
    if (closed === null || closed >= t) continue;
    out.closed++;
    if (closed <= due) out.closedOnTime++;
  }
  return out;
}

/** What the period indicators need to know about one case (closure, backlog, parking). */
export interface PeriodClosureRecord extends ClosureRecord {
  /** Parked (挂账) now: on the long-term register with its own review date, off the resolve clock. */
  parked?: boolean;
}

/**
 * Counts for the closure indicators over the period [from, to), with the backlog — what the statistics and
 * the wall show:
 * - due to close: cases whose resolve-by falls in the period, plus the backlog: cases whose resolve-by fell
 *   before the period and that were still not closed when it began (closed at or after `from`, or not at
 *   all). Void and parked cases are not due. So open overdue cases lower the rates of every period they stay
 *   open in, and closing one raises the closure rate of the period it is closed in;
 * - closed: of those, closed before the end of the period;
 * - closed on time: of those, closed at or before their resolve-by (a backlog case never is).
 */
export function periodClosureCounts(cases: Iterable<PeriodClosureRecord>, from: Date, to: Date): ClosureCounts {
  const f = from.getTime();
  const t = to.getTime();
  const out: ClosureCounts = { dueToClose: 0, closed: 0, closedOnTime: 0 };
  for (const c of cases) {
    if (c.voided || c.parked) continue;
    const due = c.resolveBy.getTime();
    const closed = c.closedAt ? c.closedAt.getTime() : null;
    const inPeriod = due >= f && due < t;
    const backlog = due < f && (closed === null || closed >= f);
    if (!inPeriod && !backlog) continue;
    out.dueToClose++;
    if (closed === null || closed >= t) continue;
    out.closed++;
    if (closed <= due) out.closedOnTime++;
  }
  return out;
}

/** Overdue rate (超期率) = open cases that are overdue (yellow or red) ÷ open cases. */
export function overdueRate(c: { overdue: number; open: number }): Rate {
  return ratio(c.overdue, c.open);
}
