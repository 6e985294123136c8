/** The zero-report rule (零报制): required periods, deadlines (calendar days, CST), statuses, valid submissions. */
import { describe, expect, it } from 'vitest';
import { cstDate, reportDeadline, reportDeadlineDay, periodHasBegun, reportPeriodStart, reportStatus, requiredPeriods, submissionProblem } from '../src/domain/index.ts';

const monthly = { period: 'month' as const, deadlineDay: 5 };
const quarterly = { period: 'quarter' as const, deadlineDay: 10 };
const at = (day: string, time = '00:00') => cstDate(day, time);

describe('periods a kind requires', () => {
  it.each([
    ['month', '2026-09-15', '2026-12-01', ['2026-10-01', '2026-11-01']],
    ['month', '2026-10-01', '2026-10-02', ['2026-10-01']],
    ['month', '2026-12-01', '2027-02-01', ['2026-12-01', '2027-01-01']],
    ['quarter', '2026-01-01', '2027-01-01', ['2026-01-01', '2026-04-01', '2026-07-01', '2026-10-01']],
    ['quarter', '2026-05-10', '2026-10-01', ['2026-07-01']],
    ['month', '2026-10-05', '2026-10-05', []],
  ] as const)('%s from %s to %s', (period, from, to, want) => {
    expect(requiredPeriods(period, from, to)).toEqual(want);
  });

  it.each([
    ['month', '2026-11-30', '2026-11-01'],
    ['quarter', '2026-11-30', '2026-10-01'],
    ['quarter', '2026-03-31', '2026-01-01'],
  ] as const)('the %s of %s starts %s', (period, day, want) => {
    expect(reportPeriodStart(period, day)).toBe(want);
  });
});

describe('deadlines: the Nth calendar day of the following period, to 24:00 CST', () => {
  it.each([
    [monthly, '2026-11-01', '2026-12-06', '2026-12-05'],
    [monthly, '2026-12-01', '2027-01-06', '2027-01-05'],
    [monthly, '2027-01-01', '2027-02-06', '2027-02-05'],
    [quarterly, '2026-10-01', '2027-01-11', '2027-01-10'],
    [quarterly, '2026-07-01', '2026-10-11', '2026-10-10'],
  ])('%o of %s: late from 00:00 %s (last day %s)', (rule, start, lateFrom, lastDay) => {
    expect(reportDeadline(rule, start).toISOString()).toBe(at(lateFrom).toISOString());
    expect(reportDeadlineDay(rule, start)).toBe(lastDay);
  });
});

describe('status of a (unit, period)', () => {
  const NOW = at('2026-12-03', '10:00');
  it.each([
    ['submitted on the 5th, 23:59', '2026-11-01', at('2026-12-05', '23:59'), at('2026-12-08'), 'submitted'],
    ['submitted during the month', '2026-11-01', at('2026-11-20', '09:00'), NOW, 'submitted'],
    ['submitted at 00:00 on the 6th', '2026-11-01', at('2026-12-06'), at('2026-12-08'), 'late'],
    ['none, before the deadline', '2026-11-01', null, NOW, 'pending'],
    ['none, the period running', '2026-12-01', null, NOW, 'pending'],
    ['none, the 5th at 23:59', '2026-11-01', null, at('2026-12-05', '23:59'), 'pending'],
    ['none, the 6th at 00:00', '2026-11-01', null, at('2026-12-06'), 'missing'],
    ['none, months later', '2026-09-01', null, NOW, 'missing'],
  ] as const)('%s', (_name, start, submittedAt, now, want) => {
    expect(reportStatus(monthly, start, submittedAt, now)).toBe(want);
  });

  it.each([
    ['2026-12-01', at('2026-12-01'), true],
    ['2026-12-01', at('2026-11-30', '23:59'), false],
    ['2027-01-01', at('2026-12-03'), false],
  ] as const)('period %s has begun at %s: %s', (start, now, want) => {
    expect(periodHasBegun(start, now)).toBe(want);
  });
});

describe('a valid submission: a body, or nothing to report (本期无情况)', () => {
  it.each([
    [true, undefined, null],
    [true, '', null],
    [true, '  ', null],
    [true, '本期无情况', null],
    [true, '发现隐患两处', 'BODY_WITH_NOTHING'],
    [false, '发现隐患两处，已整改', null],
    [false, '', 'BODY_REQUIRED'],
    [false, '   ', 'BODY_REQUIRED'],
    [false, null, 'BODY_REQUIRED'],
  ] as const)('nothing=%s body=%j → %s', (nothing, body, want) => {
    expect(submissionProblem(nothing, body)).toBe(want);
  });
});
