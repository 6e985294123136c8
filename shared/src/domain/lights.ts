/**
 * Traffic lights (信号灯) of a case.
 *
 * - 'none': the case is not running against a clock: handled, verified, closed, void (lights
 *   clear by themselves once the problem is solved: "如果事件得到解决，这些标识就可以自动消除"),
 *   and parked (挂账) cases, which sit on the long-term register with their own review date.
 * - For open cases (reported, filed, dispatched, in_progress) the resolve clock gives:
 *     now < warnAt            → 'green'     (being handled within its limit)
 *     warnAt ≤ now ≤ by       → 'due_soon'  (amber warning before the limit)
 *     by < now < redAt        → 'yellow'    (overdue: the platform chases it, 督办)
 *     redAt ≤ now             → 'red'       (long overdue: district supervision list, 大督查)
 *   At exactly the deadline a case is still on time.
 * - While nobody has responded yet (reported, filed, dispatched without respondedAt) the respond
 *   clock is read the same way, and the worse of the two lights wins: an unanswered case goes
 *   yellow three hours after it was reported, even though it has days left to be resolved.
 *
 * The instants come precomputed from sla.ts (store them with the case); a case without them is
 * computed on the fly when a calendar is given.
 */
import { OPEN_STATES, type CaseState } from './case-state.ts';
import { computeClocks, type CaseClocks, type CategoryLimits, type Priority } from './sla.ts';
import type { WorkCalendar } from './working-time.ts';

export const LIGHTS = ['none', 'green', 'due_soon', 'yellow', 'red'] as const;
export type Light = (typeof LIGHTS)[number];

export interface LightCase {
  state: CaseState;
  /** When the handler accepted the case (the respond clock stops). */
  respondedAt?: Date | null;
  /** Precomputed clocks (preferred). */
  clocks?: CaseClocks;
  /** Needed only when `clocks` is absent. */
  reportedAt?: Date;
  priority?: Priority;
  category?: CategoryLimits;
}


function lightOfClock(now: number, warnAt: Date, by: Date, redAt: Date): Light {
  if (now >= redAt.getTime()) return 'red';
  if (now > by.getTime()) return 'yellow';
  if (now >= warnAt.getTime()) return 'due_soon';
  return 'green';
}

function clocksOf(c: LightCase, cal: WorkCalendar | undefined): CaseClocks {
  if (c.clocks) return c.clocks;
  if (cal && c.reportedAt && c.priority && c.category) {
    return computeClocks({ reportedAt: c.reportedAt, priority: c.priority, category: c.category }, cal);
  }
  throw new TypeError('lightFor needs precomputed clocks, or reportedAt, priority, category and a calendar');
}

export function lightFor(c: LightCase, now: Date, cal?: WorkCalendar): Light {
  if (!OPEN_STATES.includes(c.state)) return 'none';
  const k = clocksOf(c, cal);
  const t = now.getTime();
  const resolve = lightOfClock(t, k.resolveWarnAt, k.resolveBy, k.resolveRedAt);
  const responded = c.state === 'in_progress' || (c.respondedAt !== undefined && c.respondedAt !== null);
  if (responded) return resolve;
  return worstLight([resolve, lightOfClock(t, k.respondWarnAt, k.respondBy, k.respondRedAt)]);
}

/**
 * The next instant after `now` at which the light of this case can change by the mere passing
 * of time (so a scheduler knows when to look again); null when it cannot change any more
 * (not an open state, or already red). Yellow starts 1 ms after a deadline.
 */
export function nextLightChangeAt(c: LightCase, now: Date, cal?: WorkCalendar): Date | null {
  if (!OPEN_STATES.includes(c.state)) return null;
  const k = clocksOf(c, cal);
  const t = now.getTime();
  const responded = c.state === 'in_progress' || (c.respondedAt !== undefined && c.respondedAt !== null);
  const candidates = [k.resolveWarnAt.getTime(), k.resolveBy.getTime() + 1, k.resolveRedAt.getTime()];
  if (!responded) candidates.push(k.respondWarnAt.getTime(), k.respondBy.getTime() + 1, k.respondRedAt.getTime());
  const next = Math.min(...candidates.filter((x) => x > t));
  return Number.isFinite(next) ? new Date(next) : null;
}

export function lightRank(light: Light): number {
  return LIGHTS.indexOf(light);
}

/** The worst light of a set (a grid is coloured by its worst case); 'none' when empty. */
export function worstLight(lights: Iterable<Light>): Light {
  let worst: Light = 'none';
  for (const l of lights) if (lightRank(l) > lightRank(worst)) worst = l;
  return worst;
}

/** The lights of an overdue case. */
export const OVERDUE_LIGHTS: readonly Light[] = ['yellow', 'red'];

/** Overdue: an open case lit yellow or red. */
export function isOverdue(state: CaseState, light: Light): boolean {
  return OPEN_STATES.includes(state) && OVERDUE_LIGHTS.includes(light);
}

/** Overdue cases are supervised: yellow by the platform (督办), red by the district (大督查). */
export function supervisionRequired(light: Light): boolean {
  return OVERDUE_LIGHTS.includes(light);
}

export type SupervisionLevel = 'none' | 'platform' | 'district';

export function supervisionLevel(light: Light): SupervisionLevel {
  if (light === 'red') return 'district';
  if (light === 'yellow') return 'platform';
  return 'none';
}


export type SupervisionRecordLevel = 'yellow' | 'red';

/** What a light change means for the case's supervision records (督办单). */
export interface SupervisionPlan {
  /** open records of these levels are closed, with this note */
  close: SupervisionRecordLevel[];
  closeNote: string;
  /** a record of this level is opened (unless one is already open), with this reason */
  open: { level: SupervisionRecordLevel; reason: string } | null;
  /** the case is under supervision afterwards */
  supervised: boolean;
}

export const SUPERVISION_TEXT = {
  raisedToRed: '升级为红灯督办 (raised to red)',
  loweredToYellow: '降为黄灯督办 (lowered to yellow)',
  openRed: '严重超期，列入区大督查（red: long overdue, district supervision list）',
  openYellow: '超期未办结，平台督办（yellow: overdue, the platform chases it）',
  answered: '已响应，恢复时限内 (answered, back within its limit)',
  parked: '已挂账 (parked)',
  voided: '已作废 (void)',
  resolved: '已办结，自动销号 (resolved)',
} as const;

/**
 * Supervision follows the light: a case that turns yellow (overdue) gets a platform notice (level yellow: the
 * platform chases it); a case that turns red (long overdue) enters the district's supervision list (level red)
 * and its yellow notice is closed as raised (and back, when it falls to yellow). When the light clears or falls
 * back to green / due soon, every open record is closed — the lights clear by themselves once the problem is
 * solved. Null when the light did not change.
 */
export function supervisionPlan(from: Light, to: Light, state: CaseState): SupervisionPlan | null {
  if (from === to) return null;
  if (to === 'red' || to === 'yellow') {
    const other: SupervisionRecordLevel = to === 'red' ? 'yellow' : 'red';
    return {
      close: [other],
      closeNote: to === 'red' ? SUPERVISION_TEXT.raisedToRed : SUPERVISION_TEXT.loweredToYellow,
      open: { level: to, reason: to === 'red' ? SUPERVISION_TEXT.openRed : SUPERVISION_TEXT.openYellow },
      supervised: true,
    };
  }
  const closeNote =
    to !== 'none' ? SUPERVISION_TEXT.answered
    : state === 'parked' ? SUPERVISION_TEXT.parked
    : state === 'void' ? SUPERVISION_TEXT.voided
    : SUPERVISION_TEXT.resolved;
  return { close: ['yellow', 'red'], closeNote, open: null, supervised: false };
}
