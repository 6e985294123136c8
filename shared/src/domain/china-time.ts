/**
 * China Standard Time (UTC+8, no daylight saving): the one module for calendar dates, day boundaries,
 * periods and formatting in CST. Every other module — server, client, SQL parameters — asks here.
 *
 * - Instants are epoch milliseconds or Date; a "day key" is 'YYYY-MM-DD' in CST.
 * - Arithmetic shifts epoch milliseconds by +8 h and reads the UTC getters, never the local-time ones, so
 *   the results do not depend on the time zone of the machine running the code.
 * - "The last N days" means N CST calendar days including today: from 00:00 CST N−1 days ago until now.
 *   "7d" is therefore not 168 hours; it is today and the six calendar days before it.
 */

export type DateKey = string; // 'YYYY-MM-DD' in China Standard Time
export type ClockTime = string; // 'HH:MM'

export const CST_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
/** The IANA name, for SQL (`AT TIME ZONE $n`) and Intl. */
export const CST_TIME_ZONE = 'Asia/Shanghai';

const DATE_KEY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})$/;

/** Index of the CST calendar day containing this instant (days since 1970-01-01 CST). */
export function cstDayIndex(ms: number): number {
  return Math.floor((ms + CST_OFFSET_MS) / DAY_MS);
}

/** Epoch milliseconds of CST midnight starting day `index`. */
export function cstDayStartMs(index: number): number {
  return index * DAY_MS - CST_OFFSET_MS;
}

/** The day key of a CST day index. */
export function dayKeyOfIndex(index: number): DateKey {
  return new Date(index * DAY_MS).toISOString().slice(0, 10);
}

/** Milliseconds after midnight of a clock time 'HH:MM'. */
export function parseClock(t: ClockTime): number {
  const m = CLOCK_RE.exec(t);
  if (!m) throw new RangeError(`invalid clock time "${t}" (expected HH:MM)`);
  return (Number(m[1]) * 60 + Number(m[2])) * MINUTE_MS;
}

/** True for a real calendar date 'YYYY-MM-DD' (not 2099-02-30, not year 0000). */
export function isDateKey(s: string): boolean {
  const m = DATE_KEY_RE.exec(s);
  if (!m || Number(m[1]) < 1) return false;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(utc) && new Date(utc).toISOString().slice(0, 10) === s;
}

/** The CST calendar date ('YYYY-MM-DD') of an instant. */
export function cstDateKey(date: Date | number): DateKey {
  return dayKeyOfIndex(cstDayIndex(typeof date === 'number' ? date : date.getTime()));
}

/** An instant from a CST wall-clock time: cstDate('2025-10-09', '09:00'). Throws RangeError on an impossible date. */
export function cstDate(day: DateKey, time: ClockTime = '00:00'): Date {
  if (!isDateKey(day)) throw new RangeError(`invalid date "${day}" (expected a calendar date YYYY-MM-DD)`);
  const m = DATE_KEY_RE.exec(day)!;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(utc - CST_OFFSET_MS + parseClock(time));
}

/** 00:00 CST of the day containing `t`. */
export function startOfCstDay(t: Date | number): Date {
  return new Date(cstDayStartMs(cstDayIndex(typeof t === 'number' ? t : t.getTime())));
}

/** The day key `n` calendar days after `day` (negative: before). */
export function addCstDays(day: DateKey, n: number): DateKey {
  return dayKeyOfIndex(cstDayIndex(cstDate(day).getTime()) + n);
}

/** CST weekday of an instant: 0 Sunday … 6 Saturday. */
export function cstWeekday(t: Date | number): number {
  return new Date(cstDayIndex(typeof t === 'number' ? t : t.getTime()) * DAY_MS).getUTCDay();
}

/** 'YYYY-MM-DD HH:MM' in CST (registers, exports, notices). */
export function formatCstDateTime(t: Date | number): string {
  const ms = typeof t === 'number' ? t : t.getTime();
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** 'HH:MM' in CST. */
export function formatCstTime(t: Date | number, seconds = false): string {
  const ms = typeof t === 'number' ? t : t.getTime();
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(11, seconds ? 19 : 16);
}

/** ISO 8601 with the +08:00 offset: '2026-12-01T18:10:00+08:00' (whole seconds). */
export function formatCstIso(t: Date | number): string {
  const ms = typeof t === 'number' ? t : t.getTime();
  return `${new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** 'YYYYMMDD' in CST (case codes, notice numbers). */
export function cstCompactDate(t: Date | number): string {
  return cstDateKey(t).replaceAll('-', '');
}

/**
 * A user-given instant: 'YYYY-MM-DD' is 00:00 CST of that day (with `endOfDay`, 00:00 of the next day, so that
 * a bare date as the end of a window includes the whole day); otherwise an ISO 8601 date-time with a zone.
 * Returns null for anything else, including impossible dates and times (2099-02-30, 25:00, year 0000).
 */
export function parseCstInstant(v: string, endOfDay = false): Date | null {
  if (DATE_KEY_RE.test(v)) {
    if (!isDateKey(v)) return null;
    const start = cstDate(v).getTime();
    return new Date(endOfDay ? start + DAY_MS : start);
  }
  const m = DATE_TIME_RE.exec(v);
  if (!m) return null;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  if (!isDateKey(day) || Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59)) return null;
  const zone = m[8]!;
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4, 6)) > 59)) return null;
  const d = new Date(v);
  return Number.isFinite(d.getTime()) ? d : null;
}

export interface TimeWindow {
  from: Date;
  to: Date;
}

export const PERIOD_PRESETS = ['today', 'month', '7d', '30d'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

/** How many CST calendar days "the last N days" spans, per preset. */
const PRESET_DAYS: Record<'7d' | '30d', number> = { '7d': 7, '30d': 30 };

/**
 * The window of a preset, ending at `now`:
 * today: since 00:00 CST today; month: since 00:00 CST on the 1st of this month;
 * 7d / 30d: the last 7 / 30 CST calendar days including today (from 00:00 CST six / 29 days ago).
 */
export function periodWindow(preset: PeriodPreset, now: Date): TimeWindow {
  const today = cstDayIndex(now.getTime());
  switch (preset) {
    case 'today':
      return { from: new Date(cstDayStartMs(today)), to: now };
    case 'month':
      return { from: cstDate(`${dayKeyOfIndex(today).slice(0, 8)}01`), to: now };
    default:
      return { from: new Date(cstDayStartMs(today - (PRESET_DAYS[preset] - 1))), to: now };
  }
}

/** The CST days that overlap [from, to), as day keys in order. */
export function cstDaysOf(w: TimeWindow): DateKey[] {
  const out: DateKey[] = [];
  const last = cstDayIndex(w.to.getTime() - 1);
  for (let d = cstDayIndex(w.from.getTime()); d <= last && w.to.getTime() > w.from.getTime(); d++) out.push(dayKeyOfIndex(d));
  return out;
}
