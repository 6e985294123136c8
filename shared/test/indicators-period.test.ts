import { describe, expect, it } from 'vitest';
import { closureRate, cstDate, wholeMonthsWithin, onTimeClosureRate, overdueRate, periodClosureCounts, type PeriodClosureRecord } from '../src/domain/index.ts';

const d = (s: string) => {
  const [day, time] = s.split(' ');
  return cstDate(day ?? '', time ?? '00:00');
};
const from = d('2025-11-01 00:00');
const to = d('2025-12-01 00:00');

describe('periodClosureCounts (with the backlog)', () => {
  it.each<[string, PeriodClosureRecord, { dueToClose: number; closed: number; closedOnTime: number }]>([
    ['due in the period, closed on time', { resolveBy: d('2025-11-10 17:30'), closedAt: d('2025-11-10 15:00') }, { dueToClose: 1, closed: 1, closedOnTime: 1 }],
    ['closed exactly at the deadline is on time', { resolveBy: d('2025-11-10 17:30'), closedAt: d('2025-11-10 17:30') }, { dueToClose: 1, closed: 1, closedOnTime: 1 }],
    ['due in the period, closed late within it', { resolveBy: d('2025-11-10 17:30'), closedAt: d('2025-11-12 09:00') }, { dueToClose: 1, closed: 1, closedOnTime: 0 }],
    ['due in the period, still open', { resolveBy: d('2025-11-20 12:00'), closedAt: null }, { dueToClose: 1, closed: 0, closedOnTime: 0 }],
    ['due in the period, closed after it ended', { resolveBy: d('2025-11-28 12:00'), closedAt: d('2025-12-02 10:00') }, { dueToClose: 1, closed: 0, closedOnTime: 0 }],
    ['backlog: overdue before the period, still open, lowers the rates', { resolveBy: d('2025-10-20 17:30'), closedAt: null }, { dueToClose: 1, closed: 0, closedOnTime: 0 }],
    ['backlog: overdue before the period, closed in it (late)', { resolveBy: d('2025-10-31 17:30'), closedAt: d('2025-11-03 10:00') }, { dueToClose: 1, closed: 1, closedOnTime: 0 }],
    ['backlog: closed after the period', { resolveBy: d('2025-10-31 17:30'), closedAt: d('2025-12-03 10:00') }, { dueToClose: 1, closed: 0, closedOnTime: 0 }],
    ['due before the period and closed before it: not due', { resolveBy: d('2025-10-31 17:30'), closedAt: d('2025-10-31 20:00') }, { dueToClose: 0, closed: 0, closedOnTime: 0 }],
    ['closed exactly at the period start belongs to it', { resolveBy: d('2025-10-30 12:00'), closedAt: from }, { dueToClose: 1, closed: 1, closedOnTime: 0 }],
    ['due after the period', { resolveBy: d('2025-12-03 12:00'), closedAt: null }, { dueToClose: 0, closed: 0, closedOnTime: 0 }],
    ['due exactly at the period end belongs to the next', { resolveBy: to, closedAt: null }, { dueToClose: 0, closed: 0, closedOnTime: 0 }],
    ['due exactly at the period start belongs to it', { resolveBy: from, closedAt: d('2025-10-31 23:00') }, { dueToClose: 1, closed: 1, closedOnTime: 1 }],
    ['void cases are never due', { resolveBy: d('2025-10-10 17:30'), voided: true }, { dueToClose: 0, closed: 0, closedOnTime: 0 }],
    ['parked cases are off the clock', { resolveBy: d('2025-10-10 17:30'), parked: true }, { dueToClose: 0, closed: 0, closedOnTime: 0 }],
    ['parked cases due in the period are not due either', { resolveBy: d('2025-11-10 17:30'), parked: true }, { dueToClose: 0, closed: 0, closedOnTime: 0 }],
  ])('%s', (_label, record, expected) => {
    expect(periodClosureCounts([record], from, to)).toEqual(expected);
  });

  it('feeds the rates', () => {
    const counts = periodClosureCounts(
      [
        { resolveBy: d('2025-11-03 12:00'), closedAt: d('2025-11-03 11:00') },
        { resolveBy: d('2025-11-04 12:00'), closedAt: d('2025-11-05 11:00') },
        { resolveBy: d('2025-11-06 12:00'), closedAt: d('2025-11-06 09:00') },
        { resolveBy: d('2025-10-06 12:00'), closedAt: null },
      ],
      from,
      to,
    );
    expect(counts).toEqual({ dueToClose: 4, closed: 3, closedOnTime: 2 });
    expect(closureRate(counts)).toBe(0.75);
    expect(onTimeClosureRate(counts)).toBe(0.5);
  });
});

describe('overdueRate', () => {
  it.each([
    [{ overdue: 3, open: 12 }, 0.25],
    [{ overdue: 0, open: 5 }, 0],
    [{ overdue: 0, open: 0 }, null],
  ])('%o → %s', (c, expected) => {
    expect(overdueRate(c)).toBe(expected);
  });
});

describe('wholeMonthsWithin', () => {
  it.each<[string, string, string, { from: string; to: string }]>([
    ['a year from its first day', '2026-01-01', '2027-01-01', { from: '2026-01-01', to: '2027-01-01' }],
    ['365 days from mid-month', '2025-12-02', '2026-12-02', { from: '2026-01-01', to: '2026-12-01' }],
    ['within one month: none', '2026-03-05', '2026-03-28', { from: '2026-03-28', to: '2026-03-28' }],
    ['across one month end only: none', '2026-03-05', '2026-04-10', { from: '2026-04-10', to: '2026-04-10' }],
    ['exactly one month', '2026-02-01', '2026-03-01', { from: '2026-02-01', to: '2026-03-01' }],
    ['December to February', '2025-11-20', '2026-02-15', { from: '2025-12-01', to: '2026-02-01' }],
  ])('%s', (_label, first, end, expected) => {
    expect(wholeMonthsWithin(first, end)).toEqual(expected);
  });
});
