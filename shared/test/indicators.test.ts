import { describe, expect, it } from 'vitest';
import {
  casesPer10k,
  closureCounts,
  closureRate,
  cstDate,
  missedReportRate,
  onTimeClosureRate,
  onTimeVerificationRate,
  publicReportRate,
  ratio,
  reworkRate,
  toPercent,
  type ClosureRecord,
} from '../src/domain/index.ts';

describe('rates', () => {
  it.each([
    ['closure rate', () => closureRate({ closed: 64, dueToClose: 100 }), 0.64],
    ['closure rate, nothing due', () => closureRate({ closed: 0, dueToClose: 0 }), null],
    ['closure rate, all closed', () => closureRate({ closed: 12, dueToClose: 12 }), 1],
    ['on-time closure rate', () => onTimeClosureRate({ closedOnTime: 45, dueToClose: 60 }), 0.75],
    ['on-time closure rate, nothing due', () => onTimeClosureRate({ closedOnTime: 0, dueToClose: 0 }), null],
    ['rework rate', () => reworkRate({ returned: 3, handled: 120 }), 0.025],
    ['rework rate, nothing handled', () => reworkRate({ returned: 0, handled: 0 }), null],
    ['on-time verification rate', () => onTimeVerificationRate({ verifiedOnTime: 9, dueForVerification: 10 }), 0.9],
    ['on-time verification rate, none due', () => onTimeVerificationRate({ verifiedOnTime: 0, dueForVerification: 0 }), null],
    ['public report rate', () => publicReportRate({ publicReports: 36, totalReports: 175 }), 36 / 175],
    ['public report rate, no reports', () => publicReportRate({ publicReports: 0, totalReports: 0 }), null],
    ['missed report rate', () => missedReportRate({ missed: 2, totalReports: 50 }), 0.04],
    ['cases per 10,000 residents', () => casesPer10k({ cases: 342, residents: 1_710_000 }), 2],
    ['cases per 10,000 residents, empty grid', () => casesPer10k({ cases: 0, residents: 0 }), null],
    ['zero numerator is 0, not null', () => closureRate({ closed: 0, dueToClose: 8 }), 0],
  ])('%s', (_label, compute, expected) => {
    const got = compute();
    if (expected === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(expected, 12);
  });

  it.each([
    [-1, 10],
    [1, -10],
    [Number.NaN, 10],
    [1, Number.POSITIVE_INFINITY],
  ])('ratio(%s, %s) refuses bad counts', (n, d) => {
    expect(() => ratio(n, d)).toThrow(RangeError);
  });

  it.each([
    [0.64, 1, 64],
    [36 / 175, 1, 20.6],
    [36 / 175, 2, 20.57],
    [1, 0, 100],
    [null, 1, null],
  ])('toPercent(%s, %s) = %s', (rate, digits, expected) => {
    expect(toPercent(rate, digits)).toBe(expected);
  });
});

describe('closureCounts', () => {
  const d = (s: string) => {
    const [day, time] = s.split(' ');
    return cstDate(day ?? '', time ?? '00:00');
  };
  const from = d('2025-11-01 00:00');
  const to = d('2025-12-01 00:00');

  it.each<[string, ClosureRecord, { dueToClose: number; closed: number; closedOnTime: number }]>([
    ['due in the period, closed on time', { resolveBy: d('2025-11-10 17:30'), closedAt: d('2025-11-10 15:00') }, { dueToClose: 1, closed: 1, closedOnTime: 1 }],
    ['closed exactly at the deadline is on time', { resolveBy: d('2025-11-10 17:30'), closedAt: d('2025-11-10 17:30') }, { dueToClose: 1, closed: 1, closedOnTime: 1 }],
    ['due in the period, closed late within it', { resolveBy: d('2025-11-10 17:30'), closedAt: d('2025-11-12 09:00') }, { dueToClose: 1, closed: 1, closedOnTime: 0 }],
    ['due in the period, still open: lowers both rates', { resolveBy: d('2025-11-20 12:00'), closedAt: null }, { dueToClose: 1, closed: 0, closedOnTime: 0 }],
    ['due in the period, closed only after it ended', { resolveBy: d('2025-11-28 12:00'), closedAt: d('2025-12-02 10:00') }, { dueToClose: 1, closed: 0, closedOnTime: 0 }],
    ['due before the period', { resolveBy: d('2025-10-31 17:30'), closedAt: d('2025-11-03 10:00') }, { dueToClose: 0, closed: 0, closedOnTime: 0 }],
    ['due exactly at the period end belongs to the next', { resolveBy: to, closedAt: null }, { dueToClose: 0, closed: 0, closedOnTime: 0 }],
    ['due exactly at the period start belongs to it', { resolveBy: from, closedAt: d('2025-10-31 23:00') }, { dueToClose: 1, closed: 1, closedOnTime: 1 }],
    ['void cases are not due', { resolveBy: d('2025-11-10 17:30'), voided: true }, { dueToClose: 0, closed: 0, closedOnTime: 0 }],
  ])('%s', (_label, record, expected) => {
    expect(closureCounts([record], from, to)).toEqual(expected);
  });

  it('feeds the rates', () => {
    const counts = closureCounts(
      [
        { resolveBy: d('2025-11-03 12:00'), closedAt: d('2025-11-03 11:00') },
        { resolveBy: d('2025-11-04 12:00'), closedAt: d('2025-11-05 11:00') },
        { resolveBy: d('2025-11-05 12:00'), closedAt: null },
        { resolveBy: d('2025-11-06 12:00'), closedAt: d('2025-11-06 09:00') },
      ],
      from,
      to,
    );
    expect(closureRate(counts)).toBe(0.75);
    expect(onTimeClosureRate(counts)).toBe(0.5);
  });
});
