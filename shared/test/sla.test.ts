import { describe, expect, it } from 'vitest';
import { computeClocks, cstDate, type CaseClocks, type CategoryLimits, type Priority } from '../src/domain/index.ts';
import { CN_CALENDAR as cal } from './fixtures/cn-calendar.ts';

function at(s: string): Date {
  const [day, time] = s.split(' ');
  return cstDate(day ?? '', time ?? '00:00');
}

function show(d: Date): string {
  const shifted = new Date(d.getTime() + 8 * 3_600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

function showClocks(k: CaseClocks): Record<keyof CaseClocks, string> {
  return {
    respondWarnAt: show(k.respondWarnAt),
    respondBy: show(k.respondBy),
    respondRedAt: show(k.respondRedAt),
    resolveWarnAt: show(k.resolveWarnAt),
    resolveBy: show(k.resolveBy),
    resolveRedAt: show(k.resolveRedAt),
  };
}

/** "两个三": respond within 3 hours, resolve within 3 days. */
const TWO_THREES: CategoryLimits = {
  respondLimit: 3,
  respondUnit: 'hours',
  resolveLimit: 3,
  resolveUnit: 'working_days',
  redFactor: 1,
  warnRatio: 0.8,
};
const EMERGENCY: CategoryLimits = { ...TWO_THREES, respondLimit: 0.5, resolveLimit: 24, resolveUnit: 'hours' };
const INFO_UPDATE: CategoryLimits = { ...TWO_THREES, respondLimit: 0.5, respondUnit: 'working_days', resolveLimit: 5 };
const HALF_DAY: CategoryLimits = { ...TWO_THREES, respondLimit: 1, resolveLimit: 0.5 };
const SLOW_RED: CategoryLimits = { ...TWO_THREES, redFactor: 2, warnRatio: 0.5 };

type Row = [string, string, Priority, CategoryLimits, Record<keyof CaseClocks, string>];

describe('computeClocks', () => {
  it.each<Row>([
    [
      'normal, 两个三, Monday 11:30 (working time, lunch break in between)',
      '2025-03-10 11:30', 'normal', TWO_THREES,
      {
        respondWarnAt: '2025-03-10 15:24', respondBy: '2025-03-10 16:00', respondRedAt: '2025-03-11 10:30',
        resolveWarnAt: '2025-03-12 15:48', resolveBy: '2025-03-13 11:30', resolveRedAt: '2025-03-18 11:30',
      },
    ],
    [
      'normal, 两个三, Friday 17:00',
      '2025-03-14 17:00', 'normal', TWO_THREES,
      {
        respondWarnAt: '2025-03-17 10:54', respondBy: '2025-03-17 11:30', respondRedAt: '2025-03-17 16:00',
        resolveWarnAt: '2025-03-19 11:18', resolveBy: '2025-03-19 17:00', resolveRedAt: '2025-03-24 17:00',
      },
    ],
    [
      'normal, 两个三, reported on a 国庆 holiday: clocks start 10-09 09:00, make-up Saturday counts',
      '2025-10-03 10:00', 'normal', TWO_THREES,
      {
        respondWarnAt: '2025-10-09 11:24', respondBy: '2025-10-09 12:00', respondRedAt: '2025-10-09 16:30',
        resolveWarnAt: '2025-10-11 11:48', resolveBy: '2025-10-13 09:00', resolveRedAt: '2025-10-16 09:00',
      },
    ],
    [
      'urgent, 两个三: wall clock, 3 working days = 72 h',
      '2025-03-10 11:30', 'urgent', TWO_THREES,
      {
        respondWarnAt: '2025-03-10 13:54', respondBy: '2025-03-10 14:30', respondRedAt: '2025-03-10 17:30',
        resolveWarnAt: '2025-03-12 21:06', resolveBy: '2025-03-13 11:30', resolveRedAt: '2025-03-16 11:30',
      },
    ],
    [
      'urgent on a holiday: nights and holidays count',
      '2025-10-03 22:00', 'urgent', TWO_THREES,
      {
        respondWarnAt: '2025-10-04 00:24', respondBy: '2025-10-04 01:00', respondRedAt: '2025-10-04 04:00',
        resolveWarnAt: '2025-10-06 07:36', resolveBy: '2025-10-06 22:00', resolveRedAt: '2025-10-09 22:00',
      },
    ],
    [
      'emergency with 两个三 limits: capped at 1 h / 24 h',
      '2025-03-10 11:30', 'emergency', TWO_THREES,
      {
        respondWarnAt: '2025-03-10 12:18', respondBy: '2025-03-10 12:30', respondRedAt: '2025-03-10 13:30',
        resolveWarnAt: '2025-03-11 06:42', resolveBy: '2025-03-11 11:30', resolveRedAt: '2025-03-12 11:30',
      },
    ],
    [
      'emergency category (0.5 h / 24 h) at 02:00: shorter limits are kept',
      '2025-03-11 02:00', 'emergency', EMERGENCY,
      {
        respondWarnAt: '2025-03-11 02:24', respondBy: '2025-03-11 02:30', respondRedAt: '2025-03-11 03:00',
        resolveWarnAt: '2025-03-11 21:12', resolveBy: '2025-03-12 02:00', resolveRedAt: '2025-03-13 02:00',
      },
    ],
    [
      'emergency category filed as normal still counts working hours (priority decides the clock)',
      '2025-03-14 17:00', 'normal', EMERGENCY,
      {
        respondWarnAt: '2025-03-14 17:24', respondBy: '2025-03-14 17:30', respondRedAt: '2025-03-17 09:30',
        resolveWarnAt: '2025-03-19 15:12', resolveBy: '2025-03-20 11:30', resolveRedAt: '2025-03-25 16:00',
      },
    ],
    [
      'information update (0.5 / 5 working days), Friday 18:00 before 国庆 2025',
      '2025-09-26 18:00', 'normal', INFO_UPDATE,
      {
        respondWarnAt: '2025-09-28 11:48', respondBy: '2025-09-28 14:00', respondRedAt: '2025-09-28 17:30',
        resolveWarnAt: '2025-10-10 09:00', resolveBy: '2025-10-11 09:00', resolveRedAt: '2025-10-17 09:00',
      },
    ],
    [
      'half a working day to resolve, year end',
      '2025-12-31 16:00', 'normal', HALF_DAY,
      {
        respondWarnAt: '2025-12-31 16:48', respondBy: '2025-12-31 17:00', respondRedAt: '2026-01-04 09:30',
        resolveWarnAt: '2026-01-04 10:18', resolveBy: '2026-01-04 11:00', resolveRedAt: '2026-01-04 16:00',
      },
    ],
    [
      'urgent half a working day = 12 wall-clock hours',
      '2025-12-31 16:00', 'urgent', HALF_DAY,
      {
        respondWarnAt: '2025-12-31 16:48', respondBy: '2025-12-31 17:00', respondRedAt: '2025-12-31 18:00',
        resolveWarnAt: '2026-01-01 01:36', resolveBy: '2026-01-01 04:00', resolveRedAt: '2026-01-01 16:00',
      },
    ],
    [
      'red factor 2 and warn ratio 0.5',
      '2025-03-10 09:00', 'normal', SLOW_RED,
      {
        respondWarnAt: '2025-03-10 10:30', respondBy: '2025-03-10 12:00', respondRedAt: '2025-03-11 11:00',
        resolveWarnAt: '2025-03-11 14:00', resolveBy: '2025-03-13 09:00', resolveRedAt: '2025-03-21 09:00',
      },
    ],
  ])('%s', (_label, reportedAt, priority, category, expected) => {
    expect(showClocks(computeClocks({ reportedAt: at(reportedAt), priority, category }, cal))).toEqual(expected);
  });

  it('the emergency caps are configurable', () => {
    const k = computeClocks({ reportedAt: at('2025-03-10 10:00'), priority: 'emergency', category: TWO_THREES }, cal, {
      respondHours: 0.25,
      resolveHours: 12,
    });
    expect(show(k.respondBy)).toBe('2025-03-10 10:15');
    expect(show(k.resolveBy)).toBe('2025-03-10 22:00');
  });

  it('the instants are always in order', () => {
    for (const priority of ['normal', 'urgent', 'emergency'] as const) {
      for (const category of [TWO_THREES, EMERGENCY, INFO_UPDATE, HALF_DAY, SLOW_RED]) {
        const k = computeClocks({ reportedAt: at('2026-02-13 16:45'), priority, category }, cal);
        expect(k.respondWarnAt.getTime()).toBeLessThan(k.respondBy.getTime());
        expect(k.respondBy.getTime()).toBeLessThan(k.respondRedAt.getTime());
        expect(k.resolveWarnAt.getTime()).toBeLessThan(k.resolveBy.getTime());
        expect(k.resolveBy.getTime()).toBeLessThan(k.resolveRedAt.getTime());
      }
    }
  });

  it.each([
    ['zero respond limit', { ...TWO_THREES, respondLimit: 0 }],
    ['negative resolve limit', { ...TWO_THREES, resolveLimit: -1 }],
    ['warn ratio 1', { ...TWO_THREES, warnRatio: 1 }],
    ['red factor 0', { ...TWO_THREES, redFactor: 0 }],
    ['unknown unit', { ...TWO_THREES, resolveUnit: 'days' as unknown as 'hours' }],
  ])('refuses a category with %s', (_label, category) => {
    expect(() => computeClocks({ reportedAt: at('2025-03-10 10:00'), priority: 'normal', category }, cal)).toThrow(RangeError);
  });
});
