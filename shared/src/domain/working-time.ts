/**
 * Chinese working-time arithmetic (China Standard Time, UTC+8, no daylight saving).
 *
 * Calendar
 * - A day is a working day when it is listed in `workdays` (make-up workdays, 调休上班), otherwise
 *   when it is not listed in `holidays` (statutory days off) and falls Monday–Friday.
 *   `workdays` wins over `holidays` and over the weekend.
 * - Every working day has the same working periods, by default 09:00–12:00 and 13:30–17:30
 *   (7 working hours). Periods are half-open: [start, end). A moment at exactly 12:00 or
 *   17:30 is outside working time.
 * - All dates ('YYYY-MM-DD') and clock times are read in China Standard Time, whatever the
 *   time zone of the machine running the code: we shift epoch milliseconds by +8 h and use the
 *   UTC getters, never the local-time ones.
 *
 * addWorkingHours(start, h)
 * - Counts h hours of working time from `start`. A start outside working time (night, lunch
 *   break, weekend, holiday) begins counting at the start of the next working period.
 * - The result may be the end of a period: 09:00 + 3 h = 12:00 the same day, not 13:30.
 * - h = 0 returns `start` unchanged. Negative or non-finite h throws a RangeError.
 *
 * addWorkingDays(start, d)
 * - The anchor is `start` when it is inside working time, otherwise the start of the next
 *   working period ("reported Friday 18:00" is anchored Monday 09:00; "reported at 12:30" is
 *   anchored 13:30).
 * - The whole part n of d moves the anchor to the same clock time on the n-th following working
 *   day ("3 working days" from Monday 10:00 is Thursday 10:00).
 * - The fractional part f of d adds f × (working hours of a day) with addWorkingHours, so
 *   0.5 working day = 3.5 working hours with the default hours.
 * - d = 0 returns `start` unchanged. Negative or non-finite d throws a RangeError.
 *
 * workingMillisBetween(a, b): working milliseconds in [a, b); negative when b < a.
 *
 * addWallHours(start, h): wall-clock time, used by urgent and emergency cases.
 */

import {
  DAY_MS,
  HOUR_MS,
  cstDate,
  cstDayIndex,
  cstDayStartMs as cstDayStart,
  dayKeyOfIndex as keyOfDayIndex,
  parseClock,
  type ClockTime,
  type DateKey,
} from './china-time.ts';


export interface WorkHours {
  morning: readonly [ClockTime, ClockTime];
  afternoon: readonly [ClockTime, ClockTime];
}

export interface WorkCalendar {
  /** Statutory days off, including those falling on weekdays. */
  holidays: ReadonlySet<DateKey> | readonly DateKey[];
  /** Make-up workdays (调休) that fall on a weekend. */
  workdays: ReadonlySet<DateKey> | readonly DateKey[];
  /** Working periods of a working day; default 09:00–12:00 and 13:30–17:30. */
  hours?: WorkHours;
}


export const DEFAULT_WORK_HOURS: WorkHours = {
  morning: ['09:00', '12:00'],
  afternoon: ['13:30', '17:30'],
};

/** A calendar with weekends only, no holidays: handy for tests and as a fallback. */
export const WEEKENDS_ONLY: WorkCalendar = { holidays: [], workdays: [] };


interface Period {
  /** milliseconds after CST midnight */
  start: number;
  end: number;
}

interface NormalisedCalendar {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
  periods: readonly Period[];
  dayMs: number;
  /** day index → working day, filled as days are asked for */
  dayCache: Map<number, boolean>;
}

const normalised = new WeakMap<WorkCalendar, NormalisedCalendar>();

function toSet(v: ReadonlySet<string> | readonly string[]): ReadonlySet<string> {
  return v instanceof Set ? v : new Set(v as readonly string[]);
}

function normalise(cal: WorkCalendar): NormalisedCalendar {
  const cached = normalised.get(cal);
  if (cached) return cached;
  const hours = cal.hours ?? DEFAULT_WORK_HOURS;
  const periods: Period[] = [
    { start: parseClock(hours.morning[0]), end: parseClock(hours.morning[1]) },
    { start: parseClock(hours.afternoon[0]), end: parseClock(hours.afternoon[1]) },
  ];
  for (const p of periods) {
    if (p.end <= p.start) throw new RangeError('a working period must end after it starts');
  }
  const [first, second] = periods as [Period, Period];
  if (second.start < first.end) throw new RangeError('working periods must not overlap');
  const n: NormalisedCalendar = {
    holidays: toSet(cal.holidays),
    workdays: toSet(cal.workdays),
    periods,
    dayMs: periods.reduce((s, p) => s + (p.end - p.start), 0),
    dayCache: new Map(),
  };
  normalised.set(cal, n);
  return n;
}

/** Working hours in one working day of this calendar (7 with the default hours). */
export function workingHoursPerDay(cal: WorkCalendar): number {
  return normalise(cal).dayMs / HOUR_MS;
}

function assertValidDate(d: Date, name: string): number {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`${name} is an invalid Date`);
  return ms;
}

function isWorkingDayIndex(index: number, n: NormalisedCalendar): boolean {
  const known = n.dayCache.get(index);
  if (known !== undefined) return known;
  const key = keyOfDayIndex(index);
  const dow = new Date(index * DAY_MS).getUTCDay(); // day index is CST-based, so UTC getters give CST weekday
  const working = n.workdays.has(key) ? true : n.holidays.has(key) ? false : dow !== 0 && dow !== 6;
  // a calendar is immutable once normalised: remember its days (a few thousand at most in practice)
  if (n.dayCache.size > 20_000) n.dayCache.clear();
  n.dayCache.set(index, working);
  return working;
}

/** Whether a day (an instant's CST date, or a 'YYYY-MM-DD' key) is a working day. */
export function isWorkingDay(date: Date | DateKey, cal: WorkCalendar): boolean {
  const n = normalise(cal);
  if (typeof date === 'string') {
    const ms = cstDate(date).getTime();
    return isWorkingDayIndex(cstDayIndex(ms), n);
  }
  return isWorkingDayIndex(cstDayIndex(assertValidDate(date, 'date')), n);
}

/** Whether an instant lies inside a working period of a working day. */
export function isWorkingTime(date: Date, cal: WorkCalendar): boolean {
  const n = normalise(cal);
  const ms = assertValidDate(date, 'date');
  const day = cstDayIndex(ms);
  if (!isWorkingDayIndex(day, n)) return false;
  const t = ms - cstDayStart(day);
  return n.periods.some((p) => t >= p.start && t < p.end);
}

// A calendar year can hold at most ~250 working days; ten years without a single working day
// means the calendar is broken, and looping further would never end.
const MAX_SCAN_DAYS = 3660;

/** The instant itself when inside working time, otherwise the start of the next working period. */
export function nextWorkingMoment(date: Date, cal: WorkCalendar): Date {
  const n = normalise(cal);
  const ms = assertValidDate(date, 'date');
  const firstDay = cstDayIndex(ms);
  for (let day = firstDay; day < firstDay + MAX_SCAN_DAYS; day++) {
    if (!isWorkingDayIndex(day, n)) continue;
    const base = cstDayStart(day);
    for (const p of n.periods) {
      if (ms < base + p.end) return new Date(Math.max(ms, base + p.start));
    }
  }
  throw new RangeError('calendar has no working day within ten years');
}

function assertAmount(v: number, name: string): void {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a finite number >= 0`);
}

function addWorkingMillis(startMs: number, amount: number, n: NormalisedCalendar): number {
  let remaining = amount;
  const firstDay = cstDayIndex(startMs);
  for (let day = firstDay; day < firstDay + MAX_SCAN_DAYS; day++) {
    if (!isWorkingDayIndex(day, n)) continue;
    const base = cstDayStart(day);
    for (const p of n.periods) {
      const from = Math.max(startMs, base + p.start);
      const to = base + p.end;
      if (from >= to) continue;
      if (remaining <= to - from) return from + remaining;
      remaining -= to - from;
    }
  }
  throw new RangeError('calendar has no working day within ten years');
}

/** `start` plus `hours` of working time. See the file header for the exact rules. */
export function addWorkingHours(start: Date, hours: number, cal: WorkCalendar): Date {
  const ms = assertValidDate(start, 'start');
  assertAmount(hours, 'hours');
  if (hours === 0) return new Date(ms);
  return new Date(addWorkingMillis(ms, Math.round(hours * HOUR_MS), normalise(cal)));
}

/** `start` plus `days` working days. See the file header for the exact rules. */
export function addWorkingDays(start: Date, days: number, cal: WorkCalendar): Date {
  const ms = assertValidDate(start, 'start');
  assertAmount(days, 'days');
  if (days === 0) return new Date(ms);
  const n = normalise(cal);
  const anchor = nextWorkingMoment(start, cal).getTime();
  const whole = Math.floor(days);
  const fraction = days - whole;
  const anchorDay = cstDayIndex(anchor);
  const clock = anchor - cstDayStart(anchorDay);
  let day = anchorDay;
  for (let left = whole, scanned = 0; left > 0; ) {
    day++;
    if (++scanned > MAX_SCAN_DAYS) throw new RangeError('calendar has no working day within ten years');
    if (isWorkingDayIndex(day, n)) left--;
  }
  const wholeResult = cstDayStart(day) + clock;
  if (fraction === 0) return new Date(wholeResult);
  return new Date(addWorkingMillis(wholeResult, Math.round(fraction * n.dayMs), n));
}

/** Working milliseconds in [a, b); negative when b is before a. */
export function workingMillisBetween(a: Date, b: Date, cal: WorkCalendar): number {
  const am = assertValidDate(a, 'a');
  const bm = assertValidDate(b, 'b');
  if (bm < am) return -workingMillisBetween(b, a, cal);
  const n = normalise(cal);
  let total = 0;
  const lastDay = cstDayIndex(bm);
  for (let day = cstDayIndex(am); day <= lastDay; day++) {
    if (!isWorkingDayIndex(day, n)) continue;
    const base = cstDayStart(day);
    for (const p of n.periods) {
      const from = Math.max(am, base + p.start);
      const to = Math.min(bm, base + p.end);
      if (to > from) total += to - from;
    }
  }
  return total;
}

/** Wall-clock addition (urgent and emergency cases). */
export function addWallHours(start: Date, hours: number): Date {
  const ms = assertValidDate(start, 'start');
  assertAmount(hours, 'hours');
  return new Date(ms + Math.round(hours * HOUR_MS));
}
