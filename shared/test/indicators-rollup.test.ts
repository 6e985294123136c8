import { describe, expect, it } from 'vitest';
import {
  DAYS_KEPT,
  bucketWidth,
  firstDayKept,
  cstDate,
  durationBucket,
  exactSummary,
  histogramOf,
  histogramSummary,
  rollupPeriods,
  rollupMaxLagMs,
  rollupPlan,
  snapshotUse,
  type RollupPeriod,
  type StoredPeriod,
} from '../src/domain/index.ts';

const at = (s: string) => {
  const [day, time] = s.split(' ');
  return cstDate(day ?? '', time ?? '00:00');
};
const MIN = 60_000;

describe('rollupPeriods', () => {
  it('lists every calendar period from the first day to now, newest first within a kind', () => {
    const ps = rollupPeriods('2026-02-27', at('2026-03-02 10:00'));
    const of = (k: string) => ps.filter((p) => p.kind === k).map((p) => p.start);
    expect(of('day')).toEqual(['2026-03-02', '2026-03-01', '2026-02-28', '2026-02-27']);
    // 2026-02-23 is a Monday, 2026-03-02 the next
    expect(of('week')).toEqual(['2026-03-02', '2026-02-23']);
    expect(of('month')).toEqual(['2026-03-01', '2026-02-01']);
    expect(of('quarter')).toEqual(['2026-01-01']);
    expect(of('year')).toEqual(['2026-01-01']);
    const march = ps.find((p) => p.kind === 'month' && p.start === '2026-03-01')!;
    expect(march.from).toEqual(at('2026-03-01'));
    expect(march.end).toEqual(at('2026-04-01'));
  });

  it('keeps the days of the last quarter only (the other kinds from the first report)', () => {
    const ps = rollupPeriods('2025-01-01', at('2026-05-05 08:00'));
    const days = ps.filter((p) => p.kind === 'day').map((p) => p.start);
    expect(days).toHaveLength(DAYS_KEPT);
    expect(days[0]).toBe('2026-05-05');
    expect(days.at(-1)).toBe(firstDayKept(at('2026-05-05 08:00')));
    expect(ps.filter((p) => p.kind === 'month')).toHaveLength(17);
    expect(ps.filter((p) => p.kind === 'year').map((p) => p.start)).toEqual(['2026-01-01', '2025-01-01']);
  });

  it.each<[string, string, string, number]>([
    ['one day of history', '2026-05-05', '2026-05-05 08:00', 5],
    ['across a year end (one week: Wednesday to Thursday)', '2025-12-31', '2026-01-01 00:01', 2 + 1 + 2 + 2 + 2],
    ['a first day after now counts from today', '2026-06-01', '2026-05-05 08:00', 5],
  ])('%s', (_label, first, now, count) => {
    expect(rollupPeriods(first, at(now))).toHaveLength(count);
  });
});

const period = (kind: RollupPeriod['kind'], start: string, end: string): RollupPeriod => ({ kind, start, from: at(start), end: at(end) });
const stored = (p: RollupPeriod, o: Partial<StoredPeriod>): StoredPeriod => ({
  kind: p.kind,
  start: p.start,
  toAt: p.end,
  endAt: p.end,
  computedAt: p.end,
  dirty: false,
  ...o,
});

describe('rollupPlan', () => {
  const now = at('2026-03-02 10:00');
  const today = period('day', '2026-03-02', '2026-03-03');
  const yesterday = period('day', '2026-03-01', '2026-03-02');
  const before = period('day', '2026-02-28', '2026-03-01');
  const month = period('month', '2026-03-01', '2026-04-01');
  const feb = period('month', '2026-02-01', '2026-03-01');
  const year = period('year', '2026-01-01', '2027-01-01');
  const wanted = [today, yesterday, before, month, feb, year];
  const key = (ps: RollupPeriod[]) => ps.map((p) => `${p.kind} ${p.start}`);

  it.each<[string, StoredPeriod[], string[]]>([
    ['nothing stored: running periods first (shortest first), then the periods over, newest first', [],
      ['day 2026-03-02', 'month 2026-03-01', 'year 2026-01-01', 'day 2026-03-01', 'day 2026-02-28', 'month 2026-02-01']],
    ['fresh running numbers and clean periods over: nothing to do',
      [stored(today, { toAt: at('2026-03-02 09:59'), computedAt: at('2026-03-02 09:59') }), stored(month, { toAt: at('2026-03-02 09:59'), computedAt: at('2026-03-02 09:59') }),
        stored(year, { toAt: at('2026-03-02 09:59'), computedAt: at('2026-03-02 09:59') }), stored(yesterday, {}), stored(before, {}), stored(feb, {})], []],
    ['running numbers older than the refresh interval are due again',
      [stored(today, { toAt: at('2026-03-02 09:55'), computedAt: at('2026-03-02 09:55') }), stored(month, { toAt: at('2026-03-02 09:59'), computedAt: at('2026-03-02 09:59') }),
        stored(year, { toAt: at('2026-03-02 09:59'), computedAt: at('2026-03-02 09:59') }), stored(yesterday, {}), stored(before, {}), stored(feb, {})], ['day 2026-03-02']],
    ['a period computed while it ran is computed again once over; a dirty one too',
      [stored(today, { computedAt: now, toAt: now }), stored(month, { computedAt: now, toAt: now }), stored(year, { computedAt: now, toAt: now }),
        stored(yesterday, { toAt: at('2026-03-01 23:00'), computedAt: at('2026-03-01 23:00') }), stored(before, {}), stored(feb, { dirty: true })],
      ['day 2026-03-01', 'month 2026-02-01']],
  ])('%s', (_label, s, expected) => {
    expect(key(rollupPlan(wanted, s, now, 5 * MIN))).toEqual(expected);
  });
});

describe('rollupPlan: each kind at its own pace', () => {
  it.each<[string, number, boolean]>([
    ['day', 5, true],
    ['week', 5, false],
    ['week', 10, true],
    ['month', 24, false],
    ['month', 25, true],
    ['year', 49, false],
    ['year', 50, true],
  ])('a running %s computed %d minutes ago (refresh 5 min) is due: %s', (kind, ago, due) => {
    const now = at('2026-03-12 10:00');
    const starts: Record<string, [string, string]> = {
      day: ['2026-03-12', '2026-03-13'],
      week: ['2026-03-09', '2026-03-16'],
      month: ['2026-03-01', '2026-04-01'],
      year: ['2026-01-01', '2027-01-01'],
    };
    const p = period(kind as RollupPeriod['kind'], ...starts[kind]!);
    const t = new Date(now.getTime() - ago * MIN);
    expect(rollupPlan([p], [stored(p, { toAt: t, computedAt: t })], now, 5 * MIN)).toHaveLength(due ? 1 : 0);
    expect(rollupMaxLagMs(p.kind, 5 * MIN)).toBe(3 * 5 * MIN * { day: 1, week: 2, month: 5, year: 10 }[kind]!);
  });
});

describe('snapshotUse', () => {
  const now = at('2026-03-02 10:00');
  const feb = period('month', '2026-02-01', '2026-03-01');
  const month = period('month', '2026-03-01', '2026-04-01');
  it.each<[string, (StoredPeriod & { pending: boolean }) | null, 'exact' | 'as-of' | null]>([
    ['nothing stored', null, null],
    ['over, computed to its end, clean: exact', { ...stored(feb, { computedAt: at('2026-03-01 00:05') }), pending: false }, 'exact'],
    ['over but dirty, computed recently: as of then', { ...stored(feb, { computedAt: at('2026-03-02 09:58'), dirty: true }), pending: false }, 'as-of'],
    ['over, writes pending, computed long ago: from the cases', { ...stored(feb, { computedAt: at('2026-03-01 00:05') }), pending: true }, null],
    ['running, computed a minute ago: as of then', { ...stored(month, { toAt: at('2026-03-02 09:59'), computedAt: at('2026-03-02 09:59') }), pending: false }, 'as-of'],
    ['running, computed 20 minutes ago: from the cases', { ...stored(month, { toAt: at('2026-03-02 09:40'), computedAt: at('2026-03-02 09:40') }), pending: false }, null],
    ['computed after "now" (a clock pinned in the past): from the cases', { ...stored(feb, { computedAt: at('2026-03-05 00:00') }), pending: false }, null],
  ])('%s', (_label, s, expected) => {
    expect(snapshotUse(s, now, 10 * MIN)).toBe(expected);
  });
});

describe('the duration histogram', () => {
  it.each<[number, number]>([
    [-3, 0],
    [0, 0],
    [0.05, 0],
    [0.1, 1],
    [0.3, 3],
    [99.99, 999],
    [100, 1_000],
    [100.5, 1_000],
    [2_099.9, 2_999],
    [2_100, 3_000],
    [2_125, 3_002],
  ])('%d h is in bucket %d', (h, b) => {
    expect(durationBucket(h)).toBe(b);
  });

  it.each<[string, number[]]>([
    ['no values', []],
    ['one value', [7.25]],
    ['equal values', [3, 3, 3, 3]],
    ['spread over buckets', [0, 0.4, 1.2, 2.2, 3.3, 5.5, 8.25, 13.7, 40.1, 120.5]],
    ['long tail', Array.from({ length: 200 }, (_, i) => (i * i) / 37)],
  ])('%s: mean exact, p90 within a bucket', (_label, values) => {
    const h = histogramSummary(histogramOf(values));
    const e = exactSummary(values);
    expect(h.n).toBe(e.n);
    if (e.mean === null) return expect(h).toEqual({ n: 0, mean: null, p90: null });
    expect(h.mean).toBeCloseTo(e.mean, 9);
    expect(Math.abs(h.p90! - e.p90!)).toBeLessThanOrEqual(bucketWidth(durationBucket(e.p90!)) + 1e-9);
  });

  it('adds histograms bucket by bucket', () => {
    const a = histogramOf([1, 2, 3]);
    const b = histogramOf([2.01, 50]);
    const merged = new Map<number, { bucket: number; n: number; hours: number }>();
    for (const x of [...a, ...b]) {
      const m = merged.get(x.bucket) ?? { bucket: x.bucket, n: 0, hours: 0 };
      merged.set(x.bucket, { bucket: x.bucket, n: m.n + x.n, hours: m.hours + x.hours });
    }
    expect(histogramSummary([...merged.values()])).toEqual(histogramSummary(histogramOf([1, 2, 3, 2.01, 50])));
  });
});
