/**
 * Periods and windows of the statistics, in China Standard Time. Pure: the caller passes "now". The calendar
 * rules (what "today", "month", "7d" and "30d" mean, what a CST day is) live in shared/src/domain/china-time.ts;
 * this module adds the request rules (defaults, limits, the 400 answers).
 */
import { DAY_MS, parseCstInstant, periodWindow, type TimeWindow } from '@gridcommand/shared/domain';
import { badRequest } from '../../plugins/errors.ts';

// the presets (today, month, 7d, 30d) are the domain's, for whoever reaches them through this module
export { periodWindow } from '@gridcommand/shared/domain';

export type Window = TimeWindow;

/** Longest window any statistics endpoint accepts. */
export const MAX_WINDOW_DAYS = 400;
/** How far the other end of a window lies when a request gives only one of from and to. */
export const DEFAULT_WINDOW_DAYS = 30;
/** The window of a request that gives neither from nor to: the last 30 CST calendar days, today included. */
export const DEFAULT_PERIOD = '30d' as const;

/** A query parameter as an instant: 'YYYY-MM-DD' is a CST day (as `to`, the end of that day); else ISO 8601 with zone. */
export function parseInstant(name: string, v: string, endOfDay: boolean): Date {
  const d = parseCstInstant(v, endOfDay);
  if (d) return d;
  throw badRequest(
    'BAD_DATE',
    /^\d{4}-\d{2}-\d{2}$/.test(v)
      ? `query parameter "${name}" is not a calendar date (got "${v}")`
      : `query parameter "${name}" must be a date YYYY-MM-DD or an ISO 8601 date-time with zone (got "${v}")`,
  );
}

/**
 * The window [from, to) of a request: both given, or one of them (the other DEFAULT_WINDOW_DAYS away), or
 * neither (the period DEFAULT_PERIOD up to now). from must be before to; at most MAX_WINDOW_DAYS.
 */
export function requestWindow(q: { from?: string; to?: string }, now: Date): Window {
  const span = DEFAULT_WINDOW_DAYS * DAY_MS;
  let from = q.from !== undefined ? parseInstant('from', q.from, false) : null;
  let to = q.to !== undefined ? parseInstant('to', q.to, true) : null;
  if (!from && !to) return periodWindow(DEFAULT_PERIOD, now);
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
