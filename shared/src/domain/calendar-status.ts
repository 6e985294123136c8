/**
 * Is the working calendar ready? Pure rules over the special days of a year (statutory days off and make-up
 * workdays, 调休) as `work_calendar` holds them: how complete a year is, and whether the wall and the admin must be
 * warned that a year the clocks will soon count in has no calendar yet. Dates are CST day keys ('YYYY-MM-DD').
 */
import { isDateKey, type DateKey } from './china-time.ts';

export type CalendarDayKind = 'holiday' | 'workday';

export interface CalendarSpecialDay {
  date: DateKey;
  kind: CalendarDayKind;
  name: string;
}

/** The statutory holidays (《全国年节及纪念日放假办法》) a year's calendar must name, with the words that match them. */
export const STATUTORY_HOLIDAYS = [
  { key: 'new_year', zh: '元旦', en: "New Year's Day", match: ['元旦', 'new year'], since: 1949 },
  { key: 'spring_festival', zh: '春节', en: 'Spring Festival', match: ['春节', 'spring festival'], since: 1949 },
  { key: 'qingming', zh: '清明', en: 'Tomb-sweeping Day', match: ['清明', 'tomb', 'qingming'], since: 2008 },
  { key: 'labour_day', zh: '劳动节', en: 'Labour Day', match: ['劳动', 'labour', 'labor', '五一'], since: 1949 },
  { key: 'dragon_boat', zh: '端午', en: 'Dragon Boat Festival', match: ['端午', 'dragon boat'], since: 2008 },
  { key: 'mid_autumn', zh: '中秋', en: 'Mid-autumn Festival', match: ['中秋', 'mid-autumn', 'mid autumn'], since: 2008 },
  { key: 'national_day', zh: '国庆', en: 'National Day', match: ['国庆', 'national day'], since: 1949 },
] as const;
export type StatutoryHolidayKey = (typeof STATUTORY_HOLIDAYS)[number]['key'];

/**
 * When 中秋 falls in the first days of October the State Council merges it into the 国庆 break, which then lasts
 * 8 days and may be named after 国庆 only (2020): 8 or more days named 国庆 count as 中秋 too.
 */
export const MERGED_NATIONAL_DAY_DAYS = 8;

/** The default day from which next year's calendar is expected: 1 November (month, day). */
export const DEFAULT_WARN_FROM = { month: 11, day: 1 } as const;
export interface MonthDay {
  month: number;
  day: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** 365 or 366. */
export function daysInYear(year: number): number {
  return isLeapYear(year) ? 366 : 365;
}

/** Days in a month (1–12) of a year. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Weekday of a calendar date: 0 Sunday … 6 Saturday (a date, not an instant: no time zone involved). */
export function weekdayOfDate(day: DateKey): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

export type DayType = 'workday' | 'weekend' | 'holiday' | 'makeup';

/** How the working-time clocks treat a date: a statutory day off, a make-up workday (调休), a weekend or a workday. */
export function dayType(day: DateKey, special: CalendarDayKind | undefined): DayType {
  if (special === 'holiday') return 'holiday';
  if (special === 'workday') return 'makeup';
  const w = weekdayOfDate(day);
  return w === 0 || w === 6 ? 'weekend' : 'workday';
}

/** The year of a day key. */
export function yearOf(day: DateKey): number {
  return Number(day.slice(0, 4));
}

/** True when `date` is a real calendar date of `year`. */
export function isDateInYear(date: string, year: number): boolean {
  return isDateKey(date) && yearOf(date) === year;
}

/** The statutory holidays expected in `year` (清明, 端午 and 中秋 became days off in 2008). */
export function expectedHolidays(year: number): StatutoryHolidayKey[] {
  return STATUTORY_HOLIDAYS.filter((h) => year >= h.since).map((h) => h.key);
}

function matches(name: string, key: StatutoryHolidayKey): boolean {
  const n = name.toLowerCase();
  const h = STATUTORY_HOLIDAYS.find((x) => x.key === key)!;
  return h.match.some((m) => n.includes(m));
}

/** The expected statutory holidays that no day off of the year is named after. */
export function missingHolidays(year: number, days: readonly CalendarSpecialDay[]): StatutoryHolidayKey[] {
  const offNames = days.filter((d) => d.kind === 'holiday' && isDateInYear(d.date, year)).map((d) => d.name);
  const has = (key: StatutoryHolidayKey) => offNames.some((n) => matches(n, key));
  const nationalDays = offNames.filter((n) => matches(n, 'national_day')).length;
  return expectedHolidays(year).filter((key) => {
    if (has(key)) return false;
    if (key === 'mid_autumn' && nationalDays >= MERGED_NATIONAL_DAY_DAYS) return false;
    return true;
  });
}

export interface CalendarYearStatus {
  year: number;
  /** days in the year (365/366) */
  days: number;
  /** statutory days off (on weekdays and weekends) */
  holidays: number;
  /** make-up workdays (调休) */
  workdays: number;
  /** every expected statutory holiday is named by a day off */
  complete: boolean;
  /** the expected statutory holidays it lacks */
  missing: StatutoryHolidayKey[];
}

/** The status of one year from its special days (days of other years are ignored). */
export function calendarYearStatus(year: number, days: readonly CalendarSpecialDay[]): CalendarYearStatus {
  const own = days.filter((d) => isDateInYear(d.date, year));
  const holidays = own.filter((d) => d.kind === 'holiday').length;
  const workdays = own.filter((d) => d.kind === 'workday').length;
  const missing = holidays === 0 ? expectedHolidays(year) : missingHolidays(year, own);
  return { year, days: daysInYear(year), holidays, workdays, complete: holidays > 0 && missing.length === 0, missing };
}

export const CALENDAR_WARNINGS = ['THIS_YEAR_MISSING', 'NEXT_YEAR_MISSING', 'NEXT_YEAR_INCOMPLETE'] as const;
export type CalendarWarningCode = (typeof CALENDAR_WARNINGS)[number];

export interface CalendarWarning {
  code: CalendarWarningCode;
  /** the year the warning is about */
  year: number;
  message: string;
  messageEn: string;
}

/** 'MM-DD' (or {month, day}) as a month-day; null when it is not a real day of a leap year. */
export function parseMonthDay(v: unknown): MonthDay | null {
  let month: number;
  let day: number;
  if (typeof v === 'string') {
    const m = /^(\d{2})-(\d{2})$/.exec(v);
    if (!m) return null;
    month = Number(m[1]);
    day = Number(m[2]);
  } else if (v && typeof v === 'object') {
    const o = v as { month?: unknown; day?: unknown };
    if (typeof o.month !== 'number' || typeof o.day !== 'number') return null;
    month = o.month;
    day = o.day;
  } else return null;
  if (!Number.isInteger(month) || !Number.isInteger(day)) return null;
  return isDateKey(`2000-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`) ? { month, day } : null;
}

/** True when `today` is on or after `from` (month-day) of its own year: next year's calendar is due. */
export function isNextYearDue(today: DateKey, from: MonthDay = DEFAULT_WARN_FROM): boolean {
  const md = today.slice(5);
  const f = `${String(from.month).padStart(2, '0')}-${String(from.day).padStart(2, '0')}`;
  return md >= f;
}

function holidayNames(keys: readonly StatutoryHolidayKey[], en: boolean): string {
  return keys.map((k) => STATUTORY_HOLIDAYS.find((h) => h.key === k)![en ? 'en' : 'zh']).join(en ? ', ' : '、');
}

/** The warning messages (zh-CN and English) of a code. */
export function calendarWarning(code: CalendarWarningCode, year: number, missing: readonly StatutoryHolidayKey[] = []): CalendarWarning {
  switch (code) {
    case 'THIS_YEAR_MISSING':
      return {
        code,
        year,
        message: `${year} 年工作日历为空：节假日将按工作日计时，请管理员导入或维护日历`,
        messageEn: `The ${year} work calendar is empty: holidays count as working days. An admin must import or enter it`,
      };
    case 'NEXT_YEAR_MISSING':
      return {
        code,
        year,
        message: `${year} 年工作日历尚未维护：跨年事件将把节假日按工作日计时，请管理员导入`,
        messageEn: `The ${year} work calendar is missing: time limits running into ${year} count its holidays as working days. An admin must import it`,
      };
    case 'NEXT_YEAR_INCOMPLETE':
      return {
        code,
        year,
        message: `${year} 年工作日历不完整，缺少：${holidayNames(missing, false)}`,
        messageEn: `The ${year} work calendar is incomplete; missing: ${holidayNames(missing, true)}`,
      };
  }
}

export interface CalendarStatus {
  today: DateKey;
  year: CalendarYearStatus;
  nextYear: CalendarYearStatus;
  warning: CalendarWarning | null;
}

/**
 * The calendar's status on `today` (a CST day key): this year with no day off at all → THIS_YEAR_MISSING at once;
 * from `warnFrom` (default 1 Nov) on, next year with no day off → NEXT_YEAR_MISSING, next year lacking an expected
 * statutory holiday → NEXT_YEAR_INCOMPLETE. One warning, the most urgent.
 */
export function calendarStatus(today: DateKey, days: readonly CalendarSpecialDay[], warnFrom: MonthDay = DEFAULT_WARN_FROM): CalendarStatus {
  const y = yearOf(today);
  const year = calendarYearStatus(y, days);
  const nextYear = calendarYearStatus(y + 1, days);
  let warning: CalendarWarning | null = null;
  if (year.holidays === 0) warning = calendarWarning('THIS_YEAR_MISSING', y);
  else if (isNextYearDue(today, warnFrom)) {
    if (nextYear.holidays === 0) warning = calendarWarning('NEXT_YEAR_MISSING', y + 1);
    else if (!nextYear.complete) warning = calendarWarning('NEXT_YEAR_INCOMPLETE', y + 1, nextYear.missing);
  }
  return { today, year, nextYear, warning };
}
