import { describe, expect, it } from 'vitest';
import {
  calendarStatus,
  calendarYearStatus,
  dayType,
  daysInMonth,
  daysInYear,
  expectedHolidays,
  isDateInYear,
  isNextYearDue,
  missingHolidays,
  parseMonthDay,
  type CalendarSpecialDay,
} from '../src/domain/index.ts';

const off = (date: string, name: string): CalendarSpecialDay => ({ date, kind: 'holiday', name });
const work = (date: string, name: string): CalendarSpecialDay => ({ date, kind: 'workday', name });

/** One day off for each statutory holiday of `year` (names as the State Council notices spell them). */
function fullYear(year: number): CalendarSpecialDay[] {
  return [
    off(`${year}-01-01`, '元旦'),
    off(`${year}-02-10`, '春节'),
    work(`${year}-02-07`, '春节'),
    off(`${year}-04-05`, '清明'),
    off(`${year}-05-01`, '劳动节'),
    off(`${year}-06-10`, '端午'),
    off(`${year}-09-20`, '中秋'),
    off(`${year}-10-01`, '国庆节'),
  ];
}

describe('days of a year', () => {
  it.each([
    [2024, 366],
    [2025, 365],
    [2026, 365],
    [2000, 366],
    [2100, 365],
    [1900, 365],
  ])('%i has %i days', (y, n) => expect(daysInYear(y)).toBe(n));

  it.each([
    ['2027-01-01', 2027, true],
    ['2027-12-31', 2027, true],
    ['2026-12-31', 2027, false],
    ['2027-02-29', 2027, false],
    ['2028-02-29', 2028, true],
    ['2027-13-01', 2027, false],
    ['27-01-01', 27, false],
  ])('%s in %i → %s', (d, y, yes) => expect(isDateInYear(d, y)).toBe(yes));
});

describe('days of a month and their type', () => {
  it.each([
    [2027, 2, 28],
    [2028, 2, 29],
    [2027, 1, 31],
    [2027, 4, 30],
    [2027, 12, 31],
  ])('%i-%i has %i days', (y, m, n) => expect(daysInMonth(y, m)).toBe(n));

  it.each<[string, 'holiday' | 'workday' | undefined, string]>([
    ['2027-01-01', 'holiday', 'holiday'],
    ['2027-01-04', undefined, 'workday'],
    ['2027-01-02', undefined, 'weekend'],
    ['2027-01-03', undefined, 'weekend'],
    ['2027-02-20', 'workday', 'makeup'],
    ['2027-02-13', 'holiday', 'holiday'],
  ])('%s (%s) is a %s', (d, special, type) => expect(dayType(d, special)).toBe(type));
});

describe('expected statutory holidays', () => {
  it('from 2008 on: 元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆', () => {
    expect(expectedHolidays(2027)).toEqual(['new_year', 'spring_festival', 'qingming', 'labour_day', 'dragon_boat', 'mid_autumn', 'national_day']);
  });
  it('before 2008 清明, 端午 and 中秋 were no days off', () => {
    expect(expectedHolidays(2007)).toEqual(['new_year', 'spring_festival', 'labour_day', 'national_day']);
  });

  it.each<[string, CalendarSpecialDay[], string[]]>([
    ['a full year', fullYear(2027), []],
    ['no days at all', [], ['new_year', 'spring_festival', 'qingming', 'labour_day', 'dragon_boat', 'mid_autumn', 'national_day']],
    ['without 中秋', fullYear(2027).filter((d) => d.name !== '中秋'), ['mid_autumn']],
    ['English names', [off('2027-01-01', "New Year's Day"), off('2027-02-06', 'Spring Festival'), off('2027-04-05', 'Tomb-sweeping Day'), off('2027-05-01', 'Labour Day'), off('2027-06-09', 'Dragon Boat Festival'), off('2027-09-15', 'Mid-autumn Festival'), off('2027-10-01', 'National Day')], []],
    ['a combined name 中秋节、国庆节', [...fullYear(2027).filter((d) => d.name !== '中秋' && d.name !== '国庆节'), off('2027-10-01', '中秋节、国庆节')], []],
    ['春节 only as a make-up workday', fullYear(2027).filter((d) => !(d.name === '春节' && d.kind === 'holiday')), ['spring_festival']],
    ['days of another year do not count', [...fullYear(2026), off('2027-01-01', '元旦')], ['spring_festival', 'qingming', 'labour_day', 'dragon_boat', 'mid_autumn', 'national_day']],
    ['元旦 dated the year before', [...fullYear(2027).filter((d) => d.name !== '元旦'), off('2026-12-31', '元旦')], ['new_year']],
  ])('%s', (_name, days, missing) => expect(missingHolidays(2027, days)).toEqual(missing));

  it('an 8-day 国庆 break without its own 中秋 name counts as 中秋 too (2020)', () => {
    const base = fullYear(2020).filter((d) => d.name !== '中秋' && d.name !== '国庆节');
    const eight = Array.from({ length: 8 }, (_, i) => off(`2020-10-0${i + 1}`, '国庆节'));
    expect(missingHolidays(2020, [...base, ...eight])).toEqual([]);
    expect(missingHolidays(2020, [...base, ...eight.slice(0, 7)])).toEqual(['mid_autumn']);
  });
});

describe('status of a year', () => {
  it('counts days off and make-up workdays of its own year only', () => {
    const s = calendarYearStatus(2027, [...fullYear(2027), ...fullYear(2026)]);
    expect(s).toEqual({ year: 2027, days: 365, holidays: 7, workdays: 1, complete: true, missing: [] });
  });
  it('an empty year is incomplete and lacks everything', () => {
    const s = calendarYearStatus(2028, []);
    expect(s).toMatchObject({ year: 2028, days: 366, holidays: 0, workdays: 0, complete: false });
    expect(s.missing).toHaveLength(7);
  });
  it('a year of make-up workdays only is incomplete', () => {
    expect(calendarYearStatus(2027, [work('2027-02-06', '春节')]).complete).toBe(false);
  });
});

describe('when next year is due', () => {
  it.each([
    ['2026-10-31', undefined, false],
    ['2026-11-01', undefined, true],
    ['2026-12-31', undefined, true],
    ['2027-01-01', undefined, false],
    ['2026-11-30', { month: 12, day: 1 }, false],
    ['2026-12-01', { month: 12, day: 1 }, true],
    ['2026-09-15', { month: 9, day: 15 }, true],
  ])('%s (from %o) → %s', (today, from, due) => expect(isNextYearDue(today, from)).toBe(due));

  it.each([
    ['11-01', { month: 11, day: 1 }],
    ['02-29', { month: 2, day: 29 }],
    [{ month: 12, day: 1 }, { month: 12, day: 1 }],
    ['02-30', null],
    ['13-01', null],
    ['1-1', null],
    [{ month: 11.5, day: 1 }, null],
    [null, null],
    [42, null],
  ])('parseMonthDay(%o) → %o', (v, want) => expect(parseMonthDay(v)).toEqual(want));
});

describe('the warning', () => {
  const thisYear = fullYear(2026);
  it.each<[string, string, CalendarSpecialDay[], string | null]>([
    ['next year empty after 1 Nov', '2026-11-01', thisYear, 'NEXT_YEAR_MISSING'],
    ['next year empty on New Year’s Eve', '2026-12-31', thisYear, 'NEXT_YEAR_MISSING'],
    ['next year empty before 1 Nov: not yet', '2026-10-31', thisYear, null],
    ['next year complete', '2026-12-01', [...thisYear, ...fullYear(2027)], null],
    ['next year incomplete', '2026-12-01', [...thisYear, off('2027-01-01', '元旦')], 'NEXT_YEAR_INCOMPLETE'],
    ['next year incomplete before 1 Nov: not yet', '2026-06-01', [...thisYear, off('2027-01-01', '元旦')], null],
    ['this year empty', '2027-03-01', thisYear, 'THIS_YEAR_MISSING'],
    ['this year empty wins over next year', '2027-11-02', [], 'THIS_YEAR_MISSING'],
  ])('%s', (_n, today, days, code) => expect(calendarStatus(today, days).warning?.code ?? null).toBe(code));

  it('names the year and what is missing, zh-CN and English', () => {
    const s = calendarStatus('2026-12-01', [...thisYear, off('2027-01-01', '元旦'), off('2027-10-01', '国庆节')]);
    expect(s.warning).toMatchObject({ code: 'NEXT_YEAR_INCOMPLETE', year: 2027 });
    expect(s.warning!.message).toContain('春节、清明、劳动节、端午、中秋');
    expect(s.warning!.messageEn).toContain('Spring Festival');
    expect(s.today).toBe('2026-12-01');
    expect(s.nextYear.year).toBe(2027);
  });

  it('the start of the warning is configurable', () => {
    expect(calendarStatus('2026-11-15', thisYear, { month: 12, day: 1 }).warning).toBeNull();
    expect(calendarStatus('2026-12-01', thisYear, { month: 12, day: 1 }).warning?.code).toBe('NEXT_YEAR_MISSING');
  });
});
