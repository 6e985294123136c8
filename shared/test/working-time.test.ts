import { describe, expect, it } from 'vitest';
import {
  addWallHours,
  addWorkingDays,
  addWorkingHours,
  cstDate,
  cstDateKey,
  isWorkingDay,
  isWorkingTime,
  nextWorkingMoment,
  workingHoursPerDay,
  workingMillisBetween,
  type WorkCalendar,
} from '../src/domain/index.ts';
import { CN_HOLIDAYS_2025_2026 } from './fixtures/cn-calendar.ts';

const cal: WorkCalendar = {
  holidays: CN_HOLIDAYS_2025_2026.holidays,
  workdays: CN_HOLIDAYS_2025_2026.workdays,
};

/** '2025-03-10 11:30' (CST) → Date */
function at(s: string): Date {
  const [day, time] = s.split(' ');
  return cstDate(day ?? '', time ?? '00:00');
}

/** Date → '2025-03-10 11:30' (CST) */
function show(d: Date): string {
  const shifted = new Date(d.getTime() + 8 * 3_600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

const H = 3_600_000;

describe('calendar fixture', () => {
  it('every make-up workday is a Saturday or Sunday', () => {
    for (const d of CN_HOLIDAYS_2025_2026.workdays) {
      const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
      expect([0, 6], d).toContain(dow);
    }
  });
  it('holidays and make-up workdays never overlap', () => {
    const hol = new Set<string>(CN_HOLIDAYS_2025_2026.holidays);
    for (const d of CN_HOLIDAYS_2025_2026.workdays) expect(hol.has(d), d).toBe(false);
  });
});

describe('isWorkingDay', () => {
  it.each([
    // ordinary weeks
    ['2025-03-10', true, 'Monday'],
    ['2025-03-14', true, 'Friday'],
    ['2025-03-15', false, 'Saturday'],
    ['2025-03-16', false, 'Sunday'],
    // 2025
    ['2025-01-01', false, '元旦'],
    ['2025-01-26', true, 'Sunday make-up before 春节'],
    ['2025-01-27', true, 'Monday before 春节'],
    ['2025-01-28', false, '春节 eve'],
    ['2025-02-04', false, 'last day of 春节'],
    ['2025-02-05', true, 'back to work after 春节'],
    ['2025-02-08', true, 'Saturday make-up after 春节'],
    ['2025-04-04', false, '清明 (Friday)'],
    ['2025-04-07', true, 'Monday after 清明'],
    ['2025-04-27', true, 'Sunday make-up for 劳动节'],
    ['2025-05-05', false, '劳动节 (Monday)'],
    ['2025-05-06', true, 'after 劳动节'],
    ['2025-06-02', false, '端午 (Monday)'],
    ['2025-09-28', true, 'Sunday make-up for 国庆'],
    ['2025-10-08', false, 'last day of 国庆+中秋'],
    ['2025-10-09', true, 'after 国庆'],
    ['2025-10-11', true, 'Saturday make-up after 国庆'],
    // 2026
    ['2026-01-02', false, '元旦 (Friday)'],
    ['2026-01-04', true, 'Sunday make-up for 元旦'],
    ['2026-02-14', true, 'Saturday make-up before 春节'],
    ['2026-02-16', false, '春节 (Monday)'],
    ['2026-02-23', false, 'last day of 春节 (Monday)'],
    ['2026-02-24', true, 'after 春节'],
    ['2026-02-28', true, 'Saturday make-up after 春节'],
    ['2026-04-06', false, '清明 (Monday)'],
    ['2026-05-05', false, '劳动节 (Tuesday)'],
    ['2026-05-09', true, 'Saturday make-up for 劳动节'],
    ['2026-06-19', false, '端午 (Friday)'],
    ['2026-09-20', true, 'Sunday make-up for 国庆'],
    ['2026-09-25', false, '中秋 (Friday)'],
    ['2026-10-07', false, 'last day of 国庆'],
    ['2026-10-08', true, 'after 国庆'],
    ['2026-10-10', true, 'Saturday make-up after 国庆'],
  ])('%s → %s (%s)', (day, expected) => {
    expect(isWorkingDay(day, cal)).toBe(expected);
    expect(isWorkingDay(at(`${day} 10:00`), cal)).toBe(expected);
  });

  it('reads the date in China Standard Time, not UTC', () => {
    // 2025-03-10 01:00 CST is still Sunday 2025-03-09 in UTC
    const d = at('2025-03-10 01:00');
    expect(d.toISOString()).toBe('2025-03-09T17:00:00.000Z');
    expect(cstDateKey(d)).toBe('2025-03-10');
    expect(isWorkingDay(d, cal)).toBe(true);
  });

  it('refuses malformed dates', () => {
    expect(() => isWorkingDay('2025-02-30', cal)).toThrow(RangeError);
    expect(() => isWorkingDay('20250210', cal)).toThrow(RangeError);
  });
});

describe('isWorkingTime', () => {
  it.each([
    ['2025-03-10 08:59', false],
    ['2025-03-10 09:00', true],
    ['2025-03-10 11:59', true],
    ['2025-03-10 12:00', false],
    ['2025-03-10 13:29', false],
    ['2025-03-10 13:30', true],
    ['2025-03-10 17:29', true],
    ['2025-03-10 17:30', false],
    ['2025-03-15 10:00', false],
    ['2025-10-11 10:00', true],
  ])('%s → %s', (t, expected) => {
    expect(isWorkingTime(at(t), cal)).toBe(expected);
  });
});

describe('nextWorkingMoment', () => {
  it.each([
    ['2025-03-10 10:15', '2025-03-10 10:15'],
    ['2025-03-10 02:00', '2025-03-10 09:00'],
    ['2025-03-10 12:30', '2025-03-10 13:30'],
    ['2025-03-10 17:30', '2025-03-11 09:00'],
    ['2025-03-14 18:00', '2025-03-17 09:00'],
    ['2025-10-03 10:00', '2025-10-09 09:00'],
    ['2025-12-31 20:00', '2026-01-04 09:00'],
  ])('%s → %s', (t, expected) => {
    expect(show(nextWorkingMoment(at(t), cal))).toBe(expected);
  });
});

describe('addWorkingHours', () => {
  it.each([
    ['within the morning', '2025-03-10 09:00', 2, '2025-03-10 11:00'],
    ['reaching the end of the morning exactly', '2025-03-10 09:00', 3, '2025-03-10 12:00'],
    ['across the lunch break: 11:30 + 3 h', '2025-03-10 11:30', 3, '2025-03-10 16:00'],
    ['reported during the lunch break', '2025-03-10 12:30', 1, '2025-03-10 14:30'],
    ['a whole working day', '2025-03-10 10:00', 7, '2025-03-11 10:00'],
    ['Friday 17:00 + 3 h runs into Monday', '2025-03-14 17:00', 3, '2025-03-17 11:30'],
    ['reported at 02:00', '2025-03-11 02:00', 3, '2025-03-11 12:00'],
    ['reported at 02:00, half an hour more', '2025-03-11 02:00', 3.5, '2025-03-11 14:00'],
    ['reported on a Saturday', '2025-03-15 10:00', 2, '2025-03-17 11:00'],
    ['reported on a holiday (国庆)', '2025-10-03 10:00', 3, '2025-10-09 12:00'],
    ['before 春节, make-up Sunday counts', '2025-01-24 16:00', 3, '2025-01-26 10:30'],
    ['year end, into the 2026 make-up Sunday', '2025-12-31 16:00', 3, '2026-01-04 10:30'],
    ['zero hours leave the start alone', '2025-03-15 10:00', 0, '2025-03-15 10:00'],
    ['0.5 h', '2025-03-10 17:15', 0.5, '2025-03-11 09:15'],
  ])('%s: %s + %s h → %s', (_label, start, hours, expected) => {
    expect(show(addWorkingHours(at(start), hours, cal))).toBe(expected);
  });

  it.each([
    ['2025-03-10 11:30', 3],
    ['2025-03-14 17:00', 10],
    ['2025-10-03 10:00', 21],
    ['2025-12-31 16:00', 30.25],
  ])('workingMillisBetween(%s, +%s h) gives the hours back', (start, hours) => {
    const s = at(start);
    expect(workingMillisBetween(s, addWorkingHours(s, hours, cal), cal)).toBe(hours * H);
  });

  it('refuses negative and non-finite amounts', () => {
    expect(() => addWorkingHours(at('2025-03-10 10:00'), -1, cal)).toThrow(RangeError);
    expect(() => addWorkingHours(at('2025-03-10 10:00'), Number.NaN, cal)).toThrow(RangeError);
    expect(() => addWorkingHours(new Date(Number.NaN), 1, cal)).toThrow(RangeError);
  });
});

describe('addWorkingDays', () => {
  it.each([
    ['Monday 10:00 + 3 → Thursday 10:00', '2025-03-10 10:00', 3, '2025-03-13 10:00'],
    ['Friday 17:00 + 3 → Wednesday 17:00', '2025-03-14 17:00', 3, '2025-03-19 17:00'],
    ['Friday 17:30 (after hours) → from Monday 09:00', '2025-03-14 17:30', 3, '2025-03-20 09:00'],
    ['reported at 02:00 → from 09:00', '2025-03-11 02:00', 3, '2025-03-14 09:00'],
    ['reported in the lunch break → from 13:30', '2025-03-10 12:10', 1, '2025-03-11 13:30'],
    ['reported on a Saturday', '2025-03-15 10:00', 1, '2025-03-18 09:00'],
    ['reported on a holiday: from 10-09, make-up Saturday 10-11 counts', '2025-10-03 10:00', 3, '2025-10-13 09:00'],
    ['before 国庆 2025: make-up Sunday 09-28 counts', '2025-09-26 10:00', 3, '2025-09-30 10:00'],
    ['across 春节 2025', '2025-01-24 16:00', 3, '2025-02-05 16:00'],
    ['across 春节 2026: make-up 02-14 counts', '2026-02-13 10:00', 3, '2026-02-25 10:00'],
    ['year end Dec 31 → Jan 6 (元旦 2026, make-up Jan 4)', '2025-12-31 15:00', 3, '2026-01-06 15:00'],
    ['across 劳动节 2026', '2026-04-30 10:00', 3, '2026-05-08 10:00'],
    ['into the 2026 劳动节 make-up Saturday', '2026-05-08 10:00', 1, '2026-05-09 10:00'],
    ['half a working day = 3.5 working hours', '2025-03-10 10:00', 0.5, '2025-03-10 15:00'],
    ['half a working day from 14:00 ends at 17:30', '2025-03-10 14:00', 0.5, '2025-03-10 17:30'],
    ['half a working day from 14:30 runs into the next morning', '2025-03-10 14:30', 0.5, '2025-03-11 09:30'],
    ['2.5 working days', '2025-03-10 09:00', 2.5, '2025-03-12 14:00'],
    ['5 working days across 劳动节 2025 (information updates)', '2025-04-30 09:30', 5, '2025-05-12 09:30'],
    ['zero days leave the start alone', '2025-03-15 10:00', 0, '2025-03-15 10:00'],
  ])('%s', (_label, start, days, expected) => {
    expect(show(addWorkingDays(at(start), days, cal))).toBe(expected);
  });

  it('a working day is 7 working hours by default, and the hours are configurable', () => {
    expect(workingHoursPerDay(cal)).toBe(7);
    const summer: WorkCalendar = { ...cal, hours: { morning: ['08:30', '12:00'], afternoon: ['14:00', '18:00'] } };
    expect(workingHoursPerDay(summer)).toBe(7.5);
    expect(show(addWorkingHours(at('2025-07-07 11:00'), 2, summer))).toBe('2025-07-07 15:00');
    expect(show(addWorkingDays(at('2025-07-07 07:00'), 0.5, summer))).toBe('2025-07-07 14:15');
  });

  it('refuses a calendar whose periods overlap or run backwards', () => {
    const bad: WorkCalendar = { holidays: [], workdays: [], hours: { morning: ['09:00', '14:00'], afternoon: ['13:00', '17:00'] } };
    expect(() => addWorkingDays(at('2025-03-10 10:00'), 1, bad)).toThrow(RangeError);
    const backwards: WorkCalendar = { holidays: [], workdays: [], hours: { morning: ['12:00', '09:00'], afternoon: ['13:30', '17:30'] } };
    expect(() => isWorkingDay('2025-03-10', backwards)).toThrow(RangeError);
  });

  it('refuses a calendar with no working day at all instead of looping for ever', () => {
    const allOff: WorkCalendar = {
      holidays: new Set(Array.from({ length: 4000 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10))),
      workdays: [],
    };
    expect(() => addWorkingHours(at('2025-03-10 10:00'), 1, allOff)).toThrow(RangeError);
  });
});

describe('workingMillisBetween', () => {
  it.each([
    ['same period', '2025-03-10 09:30', '2025-03-10 11:00', 1.5],
    ['over lunch', '2025-03-10 11:00', '2025-03-10 14:00', 1.5],
    ['a whole day', '2025-03-10 00:00', '2025-03-11 00:00', 7],
    ['Friday 17:00 → Monday 10:00', '2025-03-14 17:00', '2025-03-17 10:00', 1.5],
    ['across 国庆 2025', '2025-09-30 17:00', '2025-10-09 09:30', 1],
    ['a holiday span alone', '2025-10-01 00:00', '2025-10-09 00:00', 0],
    ['a weekend with a make-up day', '2025-10-11 00:00', '2025-10-13 00:00', 7],
    ['backwards is negative', '2025-03-10 11:00', '2025-03-10 09:30', -1.5],
  ])('%s', (_label, a, b, hours) => {
    expect(workingMillisBetween(at(a), at(b), cal)).toBe(hours * H);
  });
});

describe('addWallHours (urgent and emergency cases)', () => {
  it.each([
    ['2025-03-14 17:00', 3, '2025-03-14 20:00'],
    ['2025-10-03 10:00', 24, '2025-10-04 10:00'],
    ['2025-12-31 23:30', 0.5, '2026-01-01 00:00'],
  ])('%s + %s h → %s', (start, hours, expected) => {
    expect(show(addWallHours(at(start), hours))).toBe(expected);
  });
});
