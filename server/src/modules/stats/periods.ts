/** Periods and windows of the statistics, in China Standard Time. Pure: the caller passes "now". */
import { CST_OFFSET_MS, DAY_MS, cstDate, cstDateKey } from '@gridcommand/shared/domain';
import type { StatsPeriod } from '@gridcommand/shared/schemas';
import { badRequest } from '../../plugins/errors.ts';

export interface Window {
  from: Date;
  to: Date;
}

/** Longest window any statistics endpoint accepts. */
export const MAX_WINDOW_DAYS = 400;
/** Window used when a request gives neither from nor to. */
export const DEFAULT_WINDOW_DAYS = 30;

/** The CST day that contains `t`, as its start instant. */
export function cstDayStart(t: Date): Date {
  return new Date(Math.floor((t.getTime() + CST_OFFSET_MS) / DAY_MS) * DAY_MS - CST_OFFSET_MS);
}

/**
 * today: since 00:00 CST today; month: since the 1st of this month, 00:00 CST; 7d and 30d: the last 7 or 30
 * times 24 hours. Every period ends now.
 */
export function periodWindow(period: StatsPeriod, now: Date): Window {
  switch (period) {
    case 'today':
      return { from: cstDayStart(now), to: now };
    case 'month':
      return { from: cstDate(`${cstDateKey(now).slice(0, 8)}01`), to: now };
    case '7d':
      return { from: new Date(now.getTime() - 7 * DAY_MS), to: now };
    case '30d':
      return { from: new Date(now.getTime() - 30 * DAY_MS), to: now };
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** 'YYYY-MM-DD' is a CST day (as `to`, the end of that day); otherwise an ISO 8601 date-time with zone. */
export function parseInstant(name: string, v: string, endOfDay: boolean): Date {
  if (DATE_ONLY.test(v)) {
    let start: Date;
    try {
      start = cstDate(v);
    } catch {
      throw badRequest('BAD_DATE', `query parameter "${name}" is not a calendar date (got "${v}")`);
    }
    return endOfDay ? new Date(start.getTime() + DAY_MS) : start;
  }
  const d = new Date(v);
  if (!DATE_TIME.test(v) || !Number.isFinite(d.getTime())) {
    throw badRequest('BAD_DATE', `query parameter "${name}" must be a date YYYY-MM-DD or an ISO 8601 date-time with zone (got "${v}")`);
  }
  return d;
}

/**
 * The window [from, to) of a request: both given, or one of them (the other DEFAULT_WINDOW_DAYS away), or
 * neither (the last DEFAULT_WINDOW_DAYS days up to now). from must be before to; at most MAX_WINDOW_DAYS.
 */
export function requestWindow(q: { from?: string; to?: string }, now: Date): Window {
  const span = DEFAULT_WINDOW_DAYS * DAY_MS;
  let from = q.from !== undefined ? parseInstant('from', q.from, false) : null;
  let to = q.to !== undefined ? parseInstant('to', q.to, true) : null;
  if (!from && !to) to = now;
  if (!from) from = new Date(to!.getTime() - span);
  if (!to) to = new Date(Math.max(now.getTime(), from.getTime() + DAY_MS));
  if (from.getTime() >= to.getTime()) {
    throw badRequest('BAD_PERIOD', `query parameter "from" (${from.toISOString()}) must be before "to" (${to.toISOString()})`);
  }
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    throw badRequest('PERIOD_TOO_LONG', `the window from "from" to "to" may span at most ${MAX_WINDOW_DAYS} days`);
  }
  return { from, to };
}

/** The CST days that overlap [from, to), as 'YYYY-MM-DD'. */
export function cstDays(w: Window): string[] {
  const out: string[] = [];
  for (let t = cstDayStart(w.from).getTime(); t < w.to.getTime(); t += DAY_MS) out.push(cstDateKey(new Date(t)));
  return out;
}

/** '11月26日' */
export function dayLabel(day: string): string {
  return `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;
}

/** Ascending 1-2-5 class breaks from 1 up to the first value ≥ top (at least two). */
export function niceBreaks(top: number): number[] {
  const out: number[] = [];
  const steps = [1, 2, 5];
  for (let mag = 1; out.length < 40; mag *= 10) {
    for (const s of steps) {
      const v = s * mag;
      out.push(v);
      if (v >= top && out.length >= 2) return out;
    }
  }
  return out;
}
