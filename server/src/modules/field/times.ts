/**
 * Instants sent by a phone: a position's, a track point's, a check-in's time, a visit's date. The phone's clock
 * may run a little ahead of the server's (CLOCK_SKEW_MS); beyond that an instant in the future is refused. The
 * offline queue delivers late, so the past is accepted back to EARLIEST_FIELD_DATE.
 */
import { cstDateKey, isDateKey, parseCstInstant } from '@gridcommand/shared/domain';
import { badRequest } from '../../plugins/errors.ts';

export const CLOCK_SKEW_MS = 30_000;
export const EARLIEST_FIELD_DATE = '2000-01-01';
const EARLIEST_MS = Date.parse(`${EARLIEST_FIELD_DATE}T00:00:00Z`);

/** A sent instant (ISO 8601 with zone), refused (400) when impossible, before 2000 or in the future. */
export function fieldInstant(name: string, value: string, now: Date): Date {
  const at = parseCstInstant(value);
  if (!at || at.getTime() < EARLIEST_MS) throw badRequest('BAD_TIME', `${name} must be a real ISO 8601 date-time with a zone, not before ${EARLIEST_FIELD_DATE} (got "${value}")`);
  if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw badRequest('TIME_IN_FUTURE', `${name} is ${Math.round((at.getTime() - now.getTime()) / 1000)} s in the future (${value}): check the phone's clock`);
  }
  return at;
}

/** A calendar date of work done (a visit): real, not before 2000, not after today in China Standard Time. */
export function fieldDate(name: string, value: string, now: Date): string {
  if (!isDateKey(value)) throw badRequest('BAD_DATE', `${name} must be a real calendar date YYYY-MM-DD (got "${value}")`);
  if (value < EARLIEST_FIELD_DATE) throw badRequest('BAD_DATE', `${name} must not be before ${EARLIEST_FIELD_DATE} (got "${value}")`);
  const today = cstDateKey(now);
  if (value > today) throw badRequest('DATE_IN_FUTURE', `${name} ${value} is after today (${today}, China Standard Time)`);
  return value;
}

/** A date of a query window (real calendar date), or undefined. */
export function queryDate(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isDateKey(value)) throw badRequest('BAD_DATE', `query parameter "${name}" must be a real calendar date YYYY-MM-DD (got "${value}")`);
  return value;
}
