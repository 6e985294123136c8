/**
 * Sign-for (签收) deadlines. A department that receives a dispatched case signs for it (`accept`) within a limit
 * counted from the dispatch: 2 working hours for a normal case (a department is not expected to sign at night), 1 hour
 * of wall time for an urgent case, 15 minutes for an emergency. Each dispatch to a department sets the deadline
 * again (the new department has its own limit); a rejected return keeps the deadline the case had, so returning a case
 * never buys time. A team sent to a case has no sign-for deadline: its clock is the ETA and its arrival.
 *
 * The handling clocks (respond-by, resolve-by) run from intake and are never moved by dispatch, sign-for or return.
 */
import { clockKindFor, type Priority } from './sla.ts';
import { addWallHours, addWorkingHours, type WorkCalendar } from './working-time.ts';

export const SIGN_FOR_LIMIT_HOURS: Readonly<Record<Priority, number>> = { normal: 2, urgent: 1, emergency: 0.25 };

/** The instant a department must sign for a case dispatched at `dispatchedAt`. */
export function signForDeadline(priority: Priority, dispatchedAt: Date, cal: WorkCalendar): Date {
  if (!Number.isFinite(dispatchedAt.getTime())) throw new RangeError('dispatchedAt is an invalid Date');
  const hours = SIGN_FOR_LIMIT_HOURS[priority];
  if (hours === undefined) throw new RangeError(`unknown priority "${String(priority)}"`);
  return clockKindFor(priority) === 'working' ? addWorkingHours(dispatchedAt, hours, cal) : addWallHours(dispatchedAt, hours);
}

/** Signed for on time (及时签收)? null when the case had no deadline (sent to a team) or is not signed for yet. */
export function signedOnTime(signBy: Date | null, signedAt: Date | null): boolean | null {
  if (signBy === null || signedAt === null) return null;
  return signedAt.getTime() <= signBy.getTime();
}

/** The sign-for light of a case waiting for its department: late once the deadline has passed. */
export function signForOverdue(signBy: Date | null, now: Date): boolean {
  return signBy !== null && now.getTime() > signBy.getTime();
}
