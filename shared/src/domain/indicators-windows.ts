/**
 * The calendar periods of the assessment indicators (考核周期), in China Standard Time: the CST day, the week
 * (Monday to Sunday), the month, the quarter and the year that contain a given CST day. Each window is [from, to)
 * with both ends at 00:00 CST; `clipAt` cuts a period still running at "now" (the part to come has no data).
 * Pure: the caller passes the day and "now".
 */
import { addCstDays, cstDate, cstDateKey, cstWeekday, isDateKey, type DateKey, type TimeWindow } from './china-time.ts';

export const INDICATOR_PERIODS = ['day', 'week', 'month', 'quarter', 'year', 'custom'] as const;
export type IndicatorPeriod = (typeof INDICATOR_PERIODS)[number];
export type CalendarPeriod = Exclude<IndicatorPeriod, 'custom'>;

function ymd(day: DateKey): [number, number, number] {
  if (!isDateKey(day)) throw new RangeError(`not a calendar day: ${day}`);
  return [Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10))];
}

const key = (y: number, m: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;

/** The first CST day of the period containing `day`, and the first day of the next one. */
export function periodDays(period: CalendarPeriod, day: DateKey): { first: DateKey; next: DateKey } {
  const [y, m] = ymd(day);
  switch (period) {
    case 'day':
      return { first: day, next: addCstDays(day, 1) };
    case 'week': {
      // cstWeekday: 0 Sunday … 6 Saturday; the week starts on Monday
      const back = (cstWeekday(cstDate(day)) + 6) % 7;
      const first = addCstDays(day, -back);
      return { first, next: addCstDays(first, 7) };
    }
    case 'month':
      return { first: key(y, m), next: m === 12 ? key(y + 1, 1) : key(y, m + 1) };
    case 'quarter': {
      const q = Math.floor((m - 1) / 3) * 3 + 1;
      return { first: key(y, q), next: q === 10 ? key(y + 1, 1) : key(y, q + 3) };
    }
    case 'year':
      return { first: key(y, 1), next: key(y + 1, 1) };
  }
}

/**
 * The whole calendar months inside the days [first, end): from `from` (the first 1st at or after `first`) to `to`
 * (the last 1st at or before `end`); from = to = end when no whole month fits (rollups read months in between and
 * days outside).
 */
export function wholeMonthsWithin(first: DateKey, end: DateKey): { from: DateKey; to: DateKey } {
  const m = periodDays('month', first);
  const from = m.first === first ? first : m.next;
  const to = periodDays('month', end).first;
  return from < to ? { from, to } : { from: end, to: end };
}

/** The whole period containing the CST day `day`, as instants [from, to). */
export function calendarWindow(period: CalendarPeriod, day: DateKey): TimeWindow {
  const { first, next } = periodDays(period, day);
  return { from: cstDate(first), to: cstDate(next) };
}

/** The month 'YYYY-MM' as a window; null when it is not a month. */
export function monthWindow(month: string): TimeWindow | null {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return null;
  return calendarWindow('month', `${month}-01`);
}

/** A window cut at `now` when it is still running; null when it has not begun. */
export function clipAt(w: TimeWindow, now: Date): TimeWindow | null {
  if (now.getTime() <= w.from.getTime()) return null;
  return now.getTime() < w.to.getTime() ? { from: w.from, to: now } : w;
}

/** The period of `period` containing `now`'s CST day, cut at now. */
export function currentWindow(period: CalendarPeriod, now: Date): TimeWindow {
  return clipAt(calendarWindow(period, cstDateKey(now)), now)!;
}
