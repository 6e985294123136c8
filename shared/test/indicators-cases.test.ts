import { describe, expect, it } from 'vitest';
import {
  RATE_KEYS,
  WEEKENDS_ONLY,
  calendarWindow,
  caseOutcomes,
  clipAt,
  cstDate,
  durationPairs,
  fairComparison,
  monthWindow,
  quantile,
  rankByRate,
  stratifiedCounts,
  totalOf,
  verdictOf,
  workingHoursSummary,
  type IndicatorCase,
  type Share,
} from '../src/domain/index.ts';
import { EXAMPLE_CASES, EXPECTED, FROM, TO, X, Y, at, toIndicatorCase } from './fixtures/indicator-examples.ts';

const cases = EXAMPLE_CASES.map((e) => toIndicatorCase(e));

describe('calendar windows (CST)', () => {
  it.each([
    ['day', '2026-11-20', '2026-11-20', '2026-11-21'],
    ['week', '2026-11-20', '2026-11-16', '2026-11-23'], // Friday → Monday 16th
    ['week', '2026-11-16', '2026-11-16', '2026-11-23'], // a Monday is its own week's first day
    ['week', '2026-11-22', '2026-11-16', '2026-11-23'], // a Sunday is its week's last day
    ['week', '2026-12-30', '2026-12-28', '2027-01-04'], // across the year
    ['month', '2026-11-20', '2026-11-01', '2026-12-01'],
    ['month', '2026-12-31', '2026-12-01', '2027-01-01'],
    ['quarter', '2026-11-20', '2026-10-01', '2027-01-01'],
    ['quarter', '2026-02-28', '2026-01-01', '2026-04-01'],
    ['quarter', '2026-06-30', '2026-04-01', '2026-07-01'],
    ['year', '2026-11-20', '2026-01-01', '2027-01-01'],
  ] as const)('%s of %s is [%s, %s)', (period, day, first, next) => {
    expect(calendarWindow(period, day)).toEqual({ from: cstDate(first), to: cstDate(next) });
  });

  it('a window still running is cut at now; one not begun is null', () => {
    const now = cstDate('2026-11-20', '14:30');
    expect(clipAt(calendarWindow('month', '2026-11-20'), now)).toEqual({ from: cstDate('2026-11-01'), to: now });
    expect(clipAt(calendarWindow('month', '2026-10-20'), now)).toEqual({ from: cstDate('2026-10-01'), to: cstDate('2026-11-01') });
    expect(clipAt(calendarWindow('month', '2026-12-20'), now)).toBeNull();
  });

  it.each([
    ['2026-11', { from: cstDate('2026-11-01'), to: cstDate('2026-12-01') }],
    ['2026-13', null],
    ['2026-1', null],
    ['x', null],
  ])('monthWindow(%s)', (m, w) => {
    expect(monthWindow(m)).toEqual(w);
  });
});

describe('the indicators of one case', () => {
  const c = (over: Partial<IndicatorCase>): IndicatorCase => ({
    categoryCode: X, priority: 'normal', source: 'grid_worker', status: 'closed',
    reportedAt: at('11-02 09:00'), respondBy: at('11-02 13:00'), resolveBy: at('11-04 17:30'), ...over,
  });
  it.each<[string, Partial<IndicatorCase>, Record<string, boolean>]>([
    ['reported and answered in time', { acceptedAt: at('11-02 12:59'), status: 'in_progress', resolveBy: at('12-04 17:30') }, { publicShare: false, fixedOnSpot: false, response: true }],
    ['answered exactly at the respond-by is in time', { acceptedAt: at('11-02 13:00'), status: 'in_progress', resolveBy: at('12-04 17:30') }, { publicShare: false, fixedOnSpot: false, response: true }],
    ['not answered, respond-by passed: late', { status: 'reported', resolveBy: at('12-04 17:30') }, { publicShare: false, fixedOnSpot: false, response: false }],
    ['a hotline case in a covered grid is public and missed', { source: 'hotline', gridCovered: true, acceptedAt: at('11-02 10:00'), status: 'in_progress', resolveBy: at('12-04 17:30') }, { publicShare: true, missed: true, fixedOnSpot: false, response: true }],
    ['void: none of the report rates', { status: 'void', resolveBy: at('12-04 17:30') }, {}],
    ['signed for after the deadline', { signBy: at('11-02 11:00'), acceptedAt: at('11-02 11:01'), actions: [{ action: 'dispatch', at: at('11-02 09:30') }], reportedAt: at('10-30 09:00'), respondBy: at('10-30 12:00'), status: 'in_progress', resolveBy: at('12-04 17:30') }, { signFor: false, return: false }],
    ['no sign-for deadline known: not judged', { signBy: null, acceptedAt: at('11-02 11:01'), actions: [{ action: 'dispatch', at: at('11-02 09:30') }], reportedAt: at('10-30 09:00'), respondBy: at('10-30 12:00'), status: 'in_progress', resolveBy: at('12-04 17:30') }, { return: false }],
    ['verified 24 h after handling is on time', { handledAt: at('11-05 10:00'), verifiedAt: at('11-06 10:00'), actions: [{ action: 'handle', at: at('11-05 10:00') }, { action: 'verify_pass', at: at('11-06 10:00') }], reportedAt: at('10-30 09:00'), respondBy: at('10-30 12:00'), status: 'verified', resolveBy: at('12-04 17:30') }, { onTimeVerification: true, rework: false }],
    ['verification failed: rework', { handledAt: at('11-05 10:00'), actions: [{ action: 'handle', at: at('11-05 10:00') }, { action: 'verify_fail', at: at('11-05 11:00') }], reportedAt: at('10-30 09:00'), respondBy: at('10-30 12:00'), status: 'in_progress', resolveBy: at('12-04 17:30') }, { onTimeVerification: false, rework: true }],
    ['handled on the last day, not verified yet: not judged', { handledAt: at('11-30 16:00'), actions: [{ action: 'handle', at: at('11-30 16:00') }], reportedAt: at('10-30 09:00'), respondBy: at('10-30 12:00'), status: 'handled', resolveBy: at('12-04 17:30') }, {}],
    ['closed and reopened: redo', { closedAt: null, actions: [{ action: 'close', at: at('11-03 09:00') }, { action: 'reopen', at: at('11-04 09:00') }], reportedAt: at('10-30 09:00'), respondBy: at('10-30 12:00'), status: 'in_progress', resolveBy: at('12-04 17:30') }, { redo: true }],
    ['fixed on the spot, then reopened: a redo', { fixedOnSpot: true, acceptedAt: at('11-02 09:00'), status: 'in_progress', resolveBy: at('12-04 17:30'), actions: [{ action: 'fix_on_spot', at: at('11-02 09:00') }, { action: 'reopen', at: at('11-03 09:00') }] }, { publicShare: false, fixedOnSpot: true, response: true, redo: true }],
    ['a callback not reached says nothing', { ratings: [{ at: at('11-05 09:00'), source: 'callback', reached: false, rating: null, reopened: false }], reportedAt: at('10-30 09:00'), respondBy: at('10-30 12:00'), closedAt: at('10-31 10:00'), resolveBy: at('10-31 17:30') }, {}],
    ['the latest rating counts', { ratings: [{ at: at('11-06 09:00'), source: 'citizen', reached: true, rating: 'satisfied', reopened: false }, { at: at('11-05 09:00'), source: 'callback', reached: true, rating: 'unsatisfied', reopened: true }], reportedAt: at('10-30 09:00'), respondBy: at('10-30 12:00'), closedAt: at('10-31 10:00'), resolveBy: at('10-31 17:30') }, { resolution: true, satisfaction: true }],
    ['an unsatisfied rating that reopened the case', { ratings: [{ at: at('11-05 09:00'), source: 'callback', reached: true, rating: 'unsatisfied', reopened: true }], reportedAt: at('10-30 09:00'), respondBy: at('10-30 12:00'), closedAt: at('10-31 10:00'), resolveBy: at('10-31 17:30') }, { resolution: false, satisfaction: false }],
  ])('%s', (_label, over, expected) => {
    expect(caseOutcomes(c(over), FROM, TO)).toEqual(expected);
  });
});

describe('the example history (hand-computed)', () => {
  const byUnit = (u: string) => stratifiedCounts(cases, FROM, TO, (x) => (x as { unit?: string }).unit === u);
  it.each(['A', 'B'] as const)('unit %s: counts and shares by category', (u) => {
    const m = byUnit(u);
    const exp = EXPECTED[u];
    expect(totalOf(m.values()).counts).toEqual(exp.counts);
    for (const [cat, code] of [['X', X], ['Y', Y]] as const) {
      const got = m.get(`${code}/normal`)?.shares;
      for (const k of RATE_KEYS) expect(got?.[k] ?? { n: 0, hits: 0 }, `${u} ${cat} ${k}`).toEqual(exp[cat][k]);
    }
  });

  it('unit A: time to respond and to resolve in working hours', () => {
    const p = durationPairs(cases.filter((c) => c.unit === 'A'), FROM, TO);
    const r = workingHoursSummary(p.respond, WEEKENDS_ONLY);
    const s = workingHoursSummary(p.resolve, WEEKENDS_ONLY);
    expect(r.n).toBe(EXPECTED.A.respond.n);
    expect(r.mean).toBeCloseTo(EXPECTED.A.respond.mean, 9);
    expect(r.p90).toBeCloseTo(EXPECTED.A.respond.p90, 9);
    expect(s.n).toBe(EXPECTED.A.resolve.n);
    expect(s.mean).toBeCloseTo(EXPECTED.A.resolve.mean, 9);
    expect(s.p90).toBeCloseTo(EXPECTED.A.resolve.p90, 9);
  });

  it('unit A against its case mix', () => {
    const district = stratifiedCounts(cases, FROM, TO);
    const a = byUnit('A');
    for (const k of ['onTimeClosure', 'publicShare'] as const) {
      const unit = new Map([...a].map(([key, s]) => [key, s.shares[k]]));
      const ref = new Map([...district].map(([key, s]) => [key, s.shares[k]]));
      const f = fairComparison(unit, ref);
      const e = EXPECTED.fairA[k];
      expect(f.n).toBe(e.n);
      expect(f.position).toBe(e.position);
      for (const v of ['observed', 'expected', 'low', 'high'] as const) expect(f[v], `${k} ${v}`).toBeCloseTo(e[v], 9);
    }
  });
});

describe('fair comparison (indirect standardisation)', () => {
  const m = (o: Record<string, Share>) => new Map(Object.entries(o));
  it('a street with many long-limit cases is judged against their own rate', () => {
    // district: long-limit cases close on time 60 %, short ones 90 %, overall 78 %. Street S: 80 long, 20 short.
    const ref = m({ long: { n: 400, hits: 240 }, short: { n: 600, hits: 540 } });
    const s = m({ long: { n: 80, hits: 46 }, short: { n: 20, hits: 16 } });
    const f = fairComparison(s, ref);
    // expected = (80·0.6 + 20·0.9)/100 = 0.66; sd = √(80·0.24 + 20·0.09)/100 = √21/100
    expect(f.observed).toBeCloseTo(0.62, 12);
    expect(f.expected).toBeCloseTo(0.66, 12);
    expect(f.low).toBeCloseTo(0.66 - 1.96 * Math.sqrt(21) / 100, 12);
    expect(f.high).toBeCloseTo(0.66 + 1.96 * Math.sqrt(21) / 100, 12);
    expect(f.position).toBe('within'); // 0.62 is far below the overall 0.78 but within [0.570, 0.750]
    expect(verdictOf(f.position, 'up')).toBe('expected');
  });

  it.each<[string, Record<string, Share>, Record<string, Share>, string | null, string | null, string | null]>([
    // expected 0.8, sd = √(100·0.8·0.2)/100 = 0.04 → [0.7216, 0.8784]
    ['above the interval', { a: { n: 100, hits: 95 } }, { a: { n: 1000, hits: 800 } }, 'above', 'better', 'worse'],
    ['below the interval', { a: { n: 100, hits: 70 } }, { a: { n: 1000, hits: 800 } }, 'below', 'worse', 'better'],
    ['on the edge is within', { a: { n: 100, hits: 80 } }, { a: { n: 1000, hits: 800 } }, 'within', 'expected', 'expected'],
    ['no cases: no data', { a: { n: 0, hits: 0 } }, { a: { n: 10, hits: 8 } }, null, null, null],
    ['a stratum the reference lacks is left out', { b: { n: 5, hits: 5 } }, { a: { n: 10, hits: 8 } }, null, null, null],
  ])('%s', (_l, unit, ref, position, up, down) => {
    const f = fairComparison(m(unit), m(ref));
    expect(f.position).toBe(position);
    expect(verdictOf(f.position, 'up')).toBe(up);
    expect(verdictOf(f.position, 'down')).toBe(down);
  });

  it('a rate with no direction is never better or worse', () => {
    expect(verdictOf('above', 'none')).toBe('expected');
  });
});

describe('quantile and ranking', () => {
  it.each([
    [[], 0.9, null],
    [[5], 0.9, 5],
    [[0, 1, 3.5, 4.5], 0.9, 4.2],
    [[4, 1, 3, 2], 0.5, 2.5],
    [[1, 2, 3], 1, 3],
    [[1, 2, 3], 0, 1],
  ])('quantile(%o, %s) = %s', (v, p, q) => {
    const got = quantile(v, p);
    if (q === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(q, 12);
  });

  it('best first, no data last, ties by code; best and worst named', () => {
    const items = [
      { code: 'c', r: 0.5 },
      { code: 'a', r: null },
      { code: 'b', r: 0.9 },
      { code: 'd', r: 0.5 },
    ];
    const up = rankByRate(items, (i) => i.r, 'up');
    expect(up.order.map((i) => i.code)).toEqual(['b', 'c', 'd', 'a']);
    expect([up.best?.code, up.worst?.code]).toEqual(['b', 'd']);
    const down = rankByRate(items, (i) => i.r, 'down');
    expect(down.order.map((i) => i.code)).toEqual(['c', 'd', 'b', 'a']);
    expect(rankByRate([{ code: 'x', r: 1 }], (i) => i.r, 'up').best).toBeNull();
  });
});
