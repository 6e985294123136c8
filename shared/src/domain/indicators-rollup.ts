/**
 * The rollups of the assessment indicators (docs/indicators.md#rollups), as rules: which calendar periods are kept,
 * which of them to (re)compute first, when a stored period may answer a request, and the working-hour histogram
 * of the two durations (its buckets and the mean and 90th percentile read back from it). Pure: the caller passes
 * "now" and what the store holds.
 */
import { addCstDays, cstDate, cstDateKey, type DateKey } from './china-time.ts';
import { quantile, type DurationSummary } from './indicators-cases.ts';
import { periodDays, type CalendarPeriod } from './indicators-windows.ts';

/** The periods kept, shortest first. */
export const ROLLUP_PERIODS: readonly CalendarPeriod[] = ['day', 'week', 'month', 'quarter', 'year'];

export interface RollupPeriod {
  kind: CalendarPeriod;
  /** its first CST day */
  start: DateKey;
  from: Date;
  /** its end (00:00 CST of the next period's first day) */
  end: Date;
}

/**
 * Days are kept for this many days back, today included (a quarter): an older day is counted from the cases when
 * asked (one day's cases); the other kinds are kept from the first report on.
 */
export const DAYS_KEPT = 92;

/** The first day whose day period is kept at `now`. */
export function firstDayKept(now: Date): DateKey {
  return addCstDays(cstDateKey(now), 1 - DAYS_KEPT);
}

/**
 * Every calendar period from the one holding `firstDay` to the one holding now (days: the last DAYS_KEPT only),
 * newest first within each kind.
 */
export function rollupPeriods(firstDay: DateKey, now: Date): RollupPeriod[] {
  const today = cstDateKey(now);
  const out: RollupPeriod[] = [];
  for (const kind of ROLLUP_PERIODS) {
    const of: RollupPeriod[] = [];
    let from = firstDay > today ? today : firstDay;
    if (kind === 'day' && from < firstDayKept(now)) from = firstDayKept(now);
    let day = periodDays(kind, from).first;
    while (day <= today) {
      const { first, next } = periodDays(kind, day);
      of.push({ kind, start: first, from: cstDate(first), end: cstDate(next) });
      day = next;
    }
    out.push(...of.reverse());
  }
  return out;
}

/** What the store holds about one period. */
export interface StoredPeriod {
  kind: CalendarPeriod;
  start: DateKey;
  /** the end its numbers were computed to (its end once over) */
  toAt: Date;
  endAt: Date;
  computedAt: Date;
  /** a write touched one of its cases since */
  dirty: boolean;
}

/**
 * How much longer than the refresh interval each running period may wait: today's numbers are refreshed every
 * interval, the year's every ten (at a year of a megacity's history one computation of the year is seconds of work).
 */
export const REFRESH_FACTOR: Readonly<Record<CalendarPeriod, number>> = { day: 1, week: 2, month: 5, quarter: 10, year: 10 };

/** The oldest numbers of a running period that still answer (three refreshes of its kind), in ms. */
export function rollupMaxLagMs(kind: CalendarPeriod, refreshMs: number): number {
  return 3 * refreshMs * REFRESH_FACTOR[kind];
}

const keyOf = (p: { kind: string; start: string }) => `${p.kind}/${p.start}`;

/**
 * The periods to compute, most wanted first: the periods still running whose numbers are older than `refreshMs`
 * times their REFRESH_FACTOR (shortest first: today's before the year's), then the periods over that were never computed, were computed
 * while still running or are dirty (newest first, shortest first).
 */
export function rollupPlan(wanted: readonly RollupPeriod[], stored: readonly StoredPeriod[], now: Date, refreshMs: number): RollupPeriod[] {
  const byKey = new Map(stored.map((s) => [keyOf(s), s]));
  const t = now.getTime();
  const running: RollupPeriod[] = [];
  const over: RollupPeriod[] = [];
  for (const p of wanted) {
    const s = byKey.get(keyOf(p));
    if (p.end.getTime() > t) {
      if (!s || s.computedAt.getTime() + refreshMs * REFRESH_FACTOR[p.kind] <= t) running.push(p);
    } else if (!s || s.dirty || s.toAt.getTime() < p.end.getTime()) {
      over.push(p);
    }
  }
  const rank = (p: RollupPeriod) => ROLLUP_PERIODS.indexOf(p.kind);
  running.sort((a, b) => rank(a) - rank(b));
  over.sort((a, b) => b.end.getTime() - a.end.getTime() || rank(a) - rank(b));
  return [...running, ...over];
}

/**
 * Whether a stored period answers a request made at `now`: 'exact' for a period over, computed to its end, with no
 * write since (`pending`: writes not yet looked at by the job that may concern it); 'as-of' for numbers computed
 * within `maxLagMs` (a running period, or one a write has touched since), which the answer states; null: compute
 * from the cases.
 */
export function snapshotUse(s: (StoredPeriod & { pending: boolean }) | null, now: Date, maxLagMs: number): 'exact' | 'as-of' | null {
  if (!s) return null;
  const t = now.getTime();
  if (s.computedAt.getTime() > t) return null;
  if (s.toAt.getTime() >= s.endAt.getTime() && s.endAt.getTime() <= t && !s.dirty && !s.pending) return 'exact';
  return s.computedAt.getTime() + maxLagMs > t ? 'as-of' : null;
}

// ---- durations: a histogram of working hours ----

/** Bucket widths: 0.1 h below 100 h, 1 h below 2,100 h, 10 h above. */
const STEPS = [
  { below: 100, width: 0.1, first: 0 },
  { below: 2_100, width: 1, first: 1_000 },
  { below: Infinity, width: 10, first: 3_000 },
] as const;

/** The bucket of a duration of `hours` working hours (negative ones count as 0). */
export function durationBucket(hours: number): number {
  const h = Math.max(0, hours);
  let base = 0;
  for (const s of STEPS) {
    if (h < s.below) return s.first + Math.floor((h - base) / s.width + 1e-9);
    base = s.below;
  }
  return 0; // unreachable: the last step has no upper bound
}

/** The width in hours of a bucket: how far a percentile read from the histogram can be from the exact one. */
export function bucketWidth(bucket: number): number {
  return bucket < 1_000 ? 0.1 : bucket < 3_000 ? 1 : 10;
}

export interface HistogramBucket {
  bucket: number;
  n: number;
  /** the sum of the values in it */
  hours: number;
}

/**
 * Mean and 90th percentile of a histogram: the mean exact (sum ÷ count), the percentile with quantile()'s rule
 * (linear between the closest ranks), each rank's value taken as the mean of its bucket.
 */
export function histogramSummary(buckets: readonly HistogramBucket[]): DurationSummary {
  const sorted = buckets.filter((b) => b.n > 0).sort((a, b) => a.bucket - b.bucket);
  const n = sorted.reduce((a, b) => a + b.n, 0);
  if (n === 0) return { n: 0, mean: null, p90: null };
  const total = sorted.reduce((a, b) => a + b.hours, 0);
  const pos = 0.9 * (n - 1);
  const valueAt = (rank: number) => {
    let seen = 0;
    for (const b of sorted) {
      seen += b.n;
      if (rank < seen) return b.hours / b.n;
    }
    const last = sorted[sorted.length - 1]!;
    return last.hours / last.n;
  };
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const p90 = valueAt(lo) + (valueAt(hi) - valueAt(lo)) * (pos - lo);
  return { n, mean: total / n, p90 };
}

/** The histogram of a list of values (what the job stores), for tests and the job alike. */
export function histogramOf(values: Iterable<number>): HistogramBucket[] {
  const m = new Map<number, HistogramBucket>();
  for (const v of values) histogramAdd(m, v);
  return [...m.values()];
}

/** Adds one value to a histogram kept by bucket (histogramOf, one value at a time: no list of values kept). */
export function histogramAdd(m: Map<number, HistogramBucket>, value: number): void {
  const h = Math.max(0, value);
  const b = durationBucket(h);
  const e = m.get(b);
  if (e) {
    e.n++;
    e.hours += h;
  } else m.set(b, { bucket: b, n: 1, hours: h });
}

/** The exact summary the histogram stands for (quantile of indicators-cases.ts), to compare against. */
export function exactSummary(values: readonly number[]): DurationSummary {
  const v = values.map((x) => Math.max(0, x));
  return { n: v.length, mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : null, p90: quantile(v, 0.9) };
}

