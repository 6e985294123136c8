/**
 * Patrol teams: their state machine, how a team is assigned to a case, what a team's report implies for the
 * case, and the ETA rule. Pure; the server's writer applies it under the team's row lock.
 *
 *   available ─dispatch→ en_route ─arrive→ on_scene ─finish→ available
 *   en_route ─finish→ available                    (done without a separate arrival report)
 *   en_route | on_scene ─stand_down→ available     (reassigned elsewhere, or stood down by the center)
 *   available | en_route | on_scene ─go_off_duty→ off_duty
 *   off_duty ─come_on_duty→ available
 *
 * A team is en route or on scene only through a dispatch (and its arrival report): these states always have
 * an open dispatch record. Leaving them (finish, stand down, off duty) closes that record.
 */
import type { CaseAction, CaseState } from './case-state.ts';

export const TEAM_STATUSES = ['available', 'en_route', 'on_scene', 'off_duty'] as const;
export type TeamStatus = (typeof TEAM_STATUSES)[number];

export const TEAM_KINDS = ['police_patrol', 'city_management', 'grid_team', 'emergency', 'market_supervision'] as const;
export type TeamKind = (typeof TEAM_KINDS)[number];

export const TEAM_COMMANDS = ['dispatch', 'arrive', 'finish', 'stand_down', 'go_off_duty', 'come_on_duty'] as const;
export type TeamCommand = (typeof TEAM_COMMANDS)[number];

/** The states each command is legal in, and where it leads. */
export const TEAM_TRANSITIONS: Readonly<Record<TeamCommand, { from: readonly TeamStatus[]; to: TeamStatus }>> = {
  dispatch: { from: ['available'], to: 'en_route' },
  arrive: { from: ['en_route'], to: 'on_scene' },
  finish: { from: ['en_route', 'on_scene'], to: 'available' },
  stand_down: { from: ['en_route', 'on_scene'], to: 'available' },
  go_off_duty: { from: ['available', 'en_route', 'on_scene'], to: 'off_duty' },
  come_on_duty: { from: ['off_duty'], to: 'available' },
};

/** States in which a team has an open dispatch. */
export const DISPATCHED_TEAM_STATUSES: readonly TeamStatus[] = ['en_route', 'on_scene'];

export type TeamTransition =
  | { ok: true; from: TeamStatus; to: TeamStatus; /** the open dispatch record is closed */ closesDispatch: boolean }
  | { ok: false; reason: 'busy' | 'illegal_state'; from: TeamStatus };

export function teamTransition(status: TeamStatus, command: TeamCommand): TeamTransition {
  const t = TEAM_TRANSITIONS[command];
  if (!t.from.includes(status)) return { ok: false, reason: command === 'dispatch' ? 'busy' : 'illegal_state', from: status };
  const closesDispatch = DISPATCHED_TEAM_STATUSES.includes(status) && !DISPATCHED_TEAM_STATUSES.includes(t.to);
  return { ok: true, from: status, to: t.to, closesDispatch };
}

/** The manual status change a dispatcher or a device may ask for (PUT /api/teams/:id/status). */
export function manualStatusCommand(from: TeamStatus, to: TeamStatus): TeamCommand | null {
  if (from === to) return null;
  if (to === 'off_duty') return 'go_off_duty';
  if (to === 'available') return from === 'off_duty' ? 'come_on_duty' : 'stand_down';
  return null; // en_route and on_scene come only from dispatch and arrival
}

/**
 * Assigning a team to a case (the assignment table): the case actions it takes, in order.
 * reported → file, then dispatch; filed → dispatch; dispatched or in progress → reassign (the previous team,
 * if any, is stood down); any other state: the case cannot take a team (null).
 */
export function assignmentActions(caseStatus: CaseState): CaseAction[] | null {
  switch (caseStatus) {
    case 'reported':
      return ['file', 'dispatch'];
    case 'filed':
      return ['dispatch'];
    case 'dispatched':
    case 'in_progress':
      return ['reassign'];
    default:
      return null;
  }
}

export type TeamStep = 'arrived' | 'finished';

/** The team command of a step a team reports. */
export const STEP_COMMAND: Readonly<Record<TeamStep, TeamCommand>> = { arrived: 'arrive', finished: 'finish' };

/**
 * What a team's report means for the case it is dispatched to. The team is the case's handler on site, so these
 * actions are taken in the handler's role: arriving accepts a dispatched case (→ in progress); finishing accepts
 * it if it was not yet, then marks it handled (→ the reporter verifies it on site next). A case that moved on
 * meanwhile (parked, voided, handled) is left as it is.
 */
export function caseActionsForStep(step: TeamStep, caseStatus: CaseState): CaseAction[] {
  if (step === 'arrived') return caseStatus === 'dispatched' ? ['accept'] : [];
  if (caseStatus === 'dispatched') return ['accept', 'handle'];
  if (caseStatus === 'in_progress') return ['handle'];
  return [];
}

/** ETA model: straight-line distance × detour factor at the urban or rural speed. */
export const ETA_MODEL = { detourFactor: 1.3, urbanKmh: 30, ruralKmh: 45 } as const;

/** Estimated travel time in whole seconds. */
export function etaSeconds(distanceM: number, urban: boolean): number {
  const kmh = urban ? ETA_MODEL.urbanKmh : ETA_MODEL.ruralKmh;
  return Math.round((distanceM * ETA_MODEL.detourFactor) / (kmh / 3.6));
}

/** A position older than this is flagged stale on the board. */
export const POSITION_STALE_MS = 5 * 60_000;

// ── several teams on one case, reservations ──────────────────────────────────

/**
 * A case's teams: one lead (the case's team: its arrival accepts the case, its finish handles it) and any number
 * of supporting teams (增援), each with its own dispatch and its own state. A supporting team's reports move only
 * that team and stamp only its dispatch.
 */
export const DISPATCH_ROLES = ['lead', 'support'] as const;
export type DispatchRole = (typeof DISPATCH_ROLES)[number];

/** Case states in which teams work on a case; supporting teams join and stay only while the case is in one. */
export const TEAM_WORK_CASE_STATES: readonly CaseState[] = ['dispatched', 'in_progress'];

/** Whether a supporting team may be sent: the case has its lead and is being worked on. */
export function supportAllowed(caseStatus: CaseState): boolean {
  return TEAM_WORK_CASE_STATES.includes(caseStatus);
}

/**
 * Whether a change of the case stands its supporting teams down: the case left the states teams work in
 * (handled, parked, voided, closed, returned…). A reassignment keeps them (the case stays dispatched or in progress).
 */
export function releasesSupport(before: CaseState, after: CaseState): boolean {
  return before !== after && TEAM_WORK_CASE_STATES.includes(before) && !TEAM_WORK_CASE_STATES.includes(after);
}

/** A reservation holds a team for a case this long; then it lapses by itself. */
export const TEAM_RESERVATION_MS = 15 * 60_000;

export interface ReservationHold {
  caseId: number;
  /** ISO instant or Date */
  expiresAt: string | Date;
}

/**
 * What a team's reservation means for sending (or reserving) it for `caseId` at `now`:
 * - `free`: no reservation;
 * - `expired`: there was one but it has lapsed (the writer closes it, reason expired);
 * - `own`: it is held for this very case (sending it turns the reservation into the dispatch);
 * - `held`: it is held for another case: not available to anyone else (409 TEAM_RESERVED).
 */
export function reservationFor(hold: ReservationHold | null, caseId: number, now: Date): 'free' | 'expired' | 'own' | 'held' {
  if (!hold) return 'free';
  if (new Date(hold.expiresAt).getTime() <= now.getTime()) return 'expired';
  return hold.caseId === caseId ? 'own' : 'held';
}

/** When a reservation made at `at` lapses. */
export function reservationExpiry(at: Date): Date {
  return new Date(at.getTime() + TEAM_RESERVATION_MS);
}

/** Remaining travel time of an en-route team from where it is now (the ETA model); null without a position. */
export function remainingEtaSeconds(status: TeamStatus, distanceM: number | null, urban: boolean): number | null {
  if (status === 'on_scene') return 0;
  if (status !== 'en_route' || distanceM === null) return null;
  return etaSeconds(distanceM, urban);
}
