/**
 * Case clocks (时限): when a case must be responded to and resolved, when the "due soon" warning
 * starts, and when it turns red.
 *
 * Every category has two limits, each an amount and a unit ('hours' | 'working_days'):
 * respond (响应, "两个三": 3 hours) and resolve (处置, 3 days).
 *
 * - normal priority: 'hours' are working hours and 'working_days' working days, on the
 *   Chinese work calendar (see working-time.ts).
 * - urgent priority: the wall clock, with the category's own limits; a working day counts as
 *   24 wall-clock hours (3 working days → 72 h, 0.5 working day → 12 h). Urgent cases are
 *   therefore never slowed down by nights, weekends or holidays.
 * - emergency priority: the wall clock like urgent, and in addition the limits are capped:
 *   respond within at most 1 h and resolve within at most 24 h (EMERGENCY_CAPS; a category
 *   whose own limit is shorter keeps it).
 *
 * For each limit L (counted from reportedAt):
 *   by     = reportedAt + L
 *   warnAt = reportedAt + warnRatio × L            ("due soon" starts)
 *   redAt  = by + redFactor × L                    (overdue by redFactor × its own limit again)
 * all measured in the same kind of time as the limit (working time or wall clock).
 */
import {
  addWallHours,
  addWorkingDays,
  addWorkingHours,
  type WorkCalendar,
} from './working-time.ts';

export const PRIORITIES = ['normal', 'urgent', 'emergency'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const LIMIT_UNITS = ['hours', 'working_days'] as const;
export type TimeLimitUnit = (typeof LIMIT_UNITS)[number];

/** The time-limit columns of the `category` table, as numbers. */
export interface CategoryLimits {
  respondLimit: number;
  respondUnit: TimeLimitUnit;
  resolveLimit: number;
  resolveUnit: TimeLimitUnit;
  /** red when overdue by redFactor × the limit again (1 = its whole limit again) */
  redFactor: number;
  /** "due soon" once this share of the limit has passed, 0 < warnRatio < 1 */
  warnRatio: number;
}

export interface ClockInput {
  reportedAt: Date;
  priority: Priority;
  category: CategoryLimits;
}

export interface CaseClocks {
  respondBy: Date;
  respondWarnAt: Date;
  respondRedAt: Date;
  resolveBy: Date;
  resolveWarnAt: Date;
  resolveRedAt: Date;
}

export interface EmergencyCaps {
  respondHours: number;
  resolveHours: number;
}

export const EMERGENCY_CAPS: EmergencyCaps = { respondHours: 1, resolveHours: 24 };

/** Wall-clock hours a working day stands for when a case runs on the wall clock. */
export const WALL_HOURS_PER_WORKING_DAY = 24;

export type ClockKind = 'working' | 'wall';

export function clockKindFor(priority: Priority): ClockKind {
  return priority === 'normal' ? 'working' : 'wall';
}

function checkLimit(value: number, name: string): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a number > 0`);
}

function checkCategory(c: CategoryLimits): void {
  checkLimit(c.respondLimit, 'respondLimit');
  checkLimit(c.resolveLimit, 'resolveLimit');
  checkLimit(c.redFactor, 'redFactor');
  if (!(c.warnRatio > 0 && c.warnRatio < 1)) throw new RangeError('warnRatio must be between 0 and 1');
  for (const u of [c.respondUnit, c.resolveUnit]) {
    if (!LIMIT_UNITS.includes(u)) throw new RangeError(`unknown limit unit "${String(u)}"`);
  }
}

interface Limit {
  amount: number;
  unit: TimeLimitUnit;
}

function add(start: Date, limit: Limit, kind: ClockKind, cal: WorkCalendar): Date {
  if (kind === 'wall') {
    const hours = limit.unit === 'hours' ? limit.amount : limit.amount * WALL_HOURS_PER_WORKING_DAY;
    return addWallHours(start, hours);
  }
  return limit.unit === 'hours'
    ? addWorkingHours(start, limit.amount, cal)
    : addWorkingDays(start, limit.amount, cal);
}

function effectiveLimit(limit: Limit, priority: Priority, capHours: number): Limit {
  if (priority !== 'emergency') return limit;
  const wallHours = limit.unit === 'hours' ? limit.amount : limit.amount * WALL_HOURS_PER_WORKING_DAY;
  return wallHours <= capHours ? limit : { amount: capHours, unit: 'hours' };
}

function clocksFor(
  reportedAt: Date,
  limit: Limit,
  kind: ClockKind,
  redFactor: number,
  warnRatio: number,
  cal: WorkCalendar,
): { by: Date; warnAt: Date; redAt: Date } {
  const by = add(reportedAt, limit, kind, cal);
  const warnAt = add(reportedAt, { amount: limit.amount * warnRatio, unit: limit.unit }, kind, cal);
  const redAt = add(by, { amount: limit.amount * redFactor, unit: limit.unit }, kind, cal);
  return { by, warnAt, redAt };
}

/** All six instants of a case. Pure; store the result with the case so lights stay cheap. */
export function computeClocks(
  input: ClockInput,
  cal: WorkCalendar,
  caps: EmergencyCaps = EMERGENCY_CAPS,
): CaseClocks {
  const { reportedAt, priority, category: c } = input;
  if (!Number.isFinite(reportedAt.getTime())) throw new RangeError('reportedAt is an invalid Date');
  if (!PRIORITIES.includes(priority)) throw new RangeError(`unknown priority "${String(priority)}"`);
  checkCategory(c);
  const kind = clockKindFor(priority);
  const respond = clocksFor(
    reportedAt,
    effectiveLimit({ amount: c.respondLimit, unit: c.respondUnit }, priority, caps.respondHours),
    kind,
    c.redFactor,
    c.warnRatio,
    cal,
  );
  const resolve = clocksFor(
    reportedAt,
    effectiveLimit({ amount: c.resolveLimit, unit: c.resolveUnit }, priority, caps.resolveHours),
    kind,
    c.redFactor,
    c.warnRatio,
    cal,
  );
  return {
    respondBy: respond.by,
    respondWarnAt: respond.warnAt,
    respondRedAt: respond.redAt,
    resolveBy: resolve.by,
    resolveWarnAt: resolve.warnAt,
    resolveRedAt: resolve.redAt,
  };
}
