/**
 * The case state machine (the closed loop, 闭环):
 *
 *   reported ─file→ filed ─dispatch→ dispatched ─accept→ in_progress ─handle→ handled
 *   handled ─verify_pass→ verified ─close→ closed (销号)
 *   handled ─verify_fail→ in_progress (returned for rework, 返工: the rework count goes up)
 *
 * Side paths
 * - void (作废, needs a reason, optional duplicateOf): from reported, filed or dispatched. Once a
 *   team has started work the case is no longer voided; it is handled, verified and closed.
 * - park (挂账, needs a reason and a review date): from filed, dispatched or in_progress.
 * - unpark: back to in_progress when the case was parked while in progress (the same team keeps
 *   it); back to filed when it was parked from filed or dispatched (a dispatched case that was
 *   parked lost its team, so it must be dispatched again). The stored `parkedFrom` decides; when
 *   it is unknown the case goes back to filed, the safe choice.
 * - escalate (needs a reason) and hand_down: move the case's escalation level one step along
 *   grid → zone → street → district ("小事不出村、大事不出镇、难事不出区"). The state does not change.
 *   Possible in reported, filed, dispatched and in_progress. Escalating at district level or
 *   handing down at grid level is refused as illegal_state.
 * - reassign (needs an assignee): dispatched or in_progress; the state does not change.
 * - sign-for and return (签收 / 退单): a department signs for a dispatched case (`accept`, dispatched → in_progress)
 *   by its sign-for deadline, or returns it (`return`, needs a reason, evidence photos optional): dispatched →
 *   returned. The centre adjudicates (审定): `approve_return` (returned → filed, the department loses the case and the
 *   centre dispatches it again) or `reject_return` (needs a reason: returned → dispatched, back to the same department,
 *   which must now sign for it). The clocks run from intake and are never reset, so a return buys no time; a rejected
 *   return keeps the sign-for deadline it had. A returned case can also be voided.
 * - add_helper (协办, needs the department): first-receiver leads (首接负责): a case that needs several departments has
 *   one lead — the department it is dispatched to, which signs for, handles and answers for it — and helping
 *   departments added by the centre while it is dispatched or in progress; they see the case and follow it, the
 *   state does not change.
 * - dispatch needs an assignee (a team or a department).
 * - fix_on_spot (举手之劳): a grid worker reports a problem they have already fixed, with a before and an after
 *   photo: reported → closed in one step, every milestone stamped at once. Only as part of the report itself
 *   (`atIntake`), never as a later action on a case.
 * - verify_fail needs a reason (what the inspector found on site).
 * - reopen (重办, needs a reason): closed → in_progress, back for rework with its team or department, the rework
 *   count going up and the handled, verified and closed stamps cleared ("closed is not fixed"). Taken by the public
 *   (a citizen's 不满意 rating) or the center (a callback's 不满意); when it is still allowed (within
 *   REOPEN_WINDOW_DAYS of closing) is public.ts's rule, checked by the caller.
 *
 * Roles
 * - admin: every action.
 * - dispatcher (command center, or the desk of a street, 管区 or community for the cases it holds): file, dispatch,
 *   reassign, void, park, unpark, escalate, hand_down, close, reopen, approve_return, reject_return, add_helper.
 * - handler (department or team handler): accept (签收), return (退单), handle, escalate (a problem beyond the
 *   handler's power goes up the ladder).
 * - worker (grid worker / inspector): verify_pass, verify_fail (on-site verification, 核查), fix_on_spot.
 * - leader: reads everything, writes nothing. wall: no actions. public (a citizen about their own case): reopen.
 *
 * Refusals are checked in this order: illegal_state (the action makes no sense in this state, or
 * the escalation ladder is at its end), forbidden_role, missing_field. Every refusal carries the
 * actions the role may take now (`allowed`).
 */

export const CASE_STATES = [
  'reported',
  'filed',
  'dispatched',
  'returned',
  'in_progress',
  'handled',
  'verified',
  'closed',
  'void',
  'parked',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_ACTIONS = [
  'file',
  'dispatch',
  'accept',
  'handle',
  'verify_pass',
  'verify_fail',
  'close',
  'void',
  'park',
  'unpark',
  'escalate',
  'hand_down',
  'reassign',
  'fix_on_spot',
  'reopen',
  'return',
  'approve_return',
  'reject_return',
  'add_helper',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export const ROLES = ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'wall', 'public'] as const;
export type Role = (typeof ROLES)[number];

export const ESCALATION_LEVELS = ['grid', 'zone', 'street', 'district'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** Where a case comes from. */
export const CASE_SOURCES = ['grid_worker', 'public', 'hotline', 'sensor', 'department'] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];

/**
 * The state sets every screen, query and export uses (docs/domain.md):
 * - OPEN_STATES ("open", lit): still running against its clocks, carries a light, on the wall's map and in its
 *   counts. Handled and verified cases wait for the reporter and the center, not for the handler: their light
 *   is cleared. Parked cases sit on the long-term register with a review date.
 * - TERMINAL_STATES ("final"): closed and void, no way out.
 * - ACTIVE_STATES ("in progress" in registers and statistics): neither final nor parked.
 */
export const OPEN_STATES: readonly CaseState[] = ['reported', 'filed', 'dispatched', 'returned', 'in_progress'];
/** Final states: void has no way out; closed only `reopen` (a 不满意 rating within the window) leaves. */
export const TERMINAL_STATES: readonly CaseState[] = ['closed', 'void'];
/** Neither final nor parked. */
export const ACTIVE_STATES: readonly CaseState[] = ['reported', 'filed', 'dispatched', 'returned', 'in_progress', 'handled', 'verified'];
/** Never due to close while in them: void (invalid), parked (off the resolve clock, with a review date). */
export const NEVER_DUE_STATES: readonly CaseState[] = ['void', 'parked'];
/** Not final: what a backlog can hold. */
export const NOT_FINAL_STATES: readonly CaseState[] = ['reported', 'filed', 'dispatched', 'returned', 'in_progress', 'handled', 'verified', 'parked'];

export type ParkableState = 'filed' | 'dispatched' | 'in_progress';

export interface TransitionContext {
  /** The case's current escalation level; default 'grid'. */
  escalationLevel?: EscalationLevel;
  /** The state the case was parked from (stored with a parked case). */
  parkedFrom?: ParkableState | null;
  /** Free-text reason (void, park, escalate, verify_fail; optional for the others). */
  reason?: string;
  /** The case this one duplicates (void). */
  duplicateOf?: string;
  /** Review date of a parked case, 'YYYY-MM-DD' (park). */
  reviewDate?: string;
  /** Team or department the case goes to (dispatch, reassign). */
  assignee?: string;
  /** The action comes with the report itself, from its reporter (fix_on_spot: 举手之劳). */
  atIntake?: boolean;
}

export type Milestone =
  | 'filedAt'
  | 'dispatchedAt'
  | 'respondedAt'
  | 'handledAt'
  | 'verifiedAt'
  | 'closedAt'
  | 'voidedAt';

export type TransitionEffect =
  | { type: 'stamp'; field: Milestone }
  | { type: 'set_assignee'; assignee: string }
  | { type: 'clear_assignee' }
  | { type: 'rework' }
  | { type: 'set_escalation_level'; from: EscalationLevel; to: EscalationLevel }
  | { type: 'record_reason'; action: CaseAction; reason: string }
  | { type: 'mark_duplicate'; of: string }
  | { type: 'park'; from: ParkableState; reviewDate: string }
  | { type: 'unpark' }
  | { type: 'fixed_on_spot' }
  | { type: 'reopen' }
  /** a department sent the case back (退单): the return count goes up, the department is kept as `returnedBy` */
  | { type: 'return' }
  /** the centre decided on a return (审定); `approved`: the department loses the case */
  | { type: 'settle_return'; approved: boolean }
  /** a helping department (协办) joins the lead */
  | { type: 'add_helper'; department: string };

export type TransitionRefusal = 'illegal_state' | 'forbidden_role' | 'missing_field';

export type TransitionResult =
  | { ok: true; from: CaseState; to: CaseState; effects: TransitionEffect[] }
  | { ok: false; reason: TransitionRefusal; missing?: string[]; allowed: CaseAction[] };

/** The states each action is legal in (before role, ladder and field checks). */
export const LEGAL_FROM: Readonly<Record<CaseAction, readonly CaseState[]>> = {
  file: ['reported'],
  dispatch: ['filed'],
  accept: ['dispatched'],
  handle: ['in_progress'],
  verify_pass: ['handled'],
  verify_fail: ['handled'],
  close: ['verified'],
  void: ['reported', 'filed', 'dispatched', 'returned'],
  park: ['filed', 'dispatched', 'in_progress'],
  unpark: ['parked'],
  escalate: ['reported', 'filed', 'dispatched', 'in_progress'],
  hand_down: ['reported', 'filed', 'dispatched', 'in_progress'],
  reassign: ['dispatched', 'in_progress'],
  fix_on_spot: ['reported'],
  reopen: ['closed'],
  return: ['dispatched'],
  approve_return: ['returned'],
  reject_return: ['returned'],
  add_helper: ['dispatched', 'in_progress'],
};

export const ROLE_ACTIONS: Readonly<Record<Role, readonly CaseAction[]>> = {
  admin: CASE_ACTIONS,
  leader: [],
  dispatcher: ['file', 'dispatch', 'reassign', 'void', 'park', 'unpark', 'escalate', 'hand_down', 'close', 'reopen', 'approve_return', 'reject_return', 'add_helper'],
  handler: ['accept', 'return', 'handle', 'escalate'],
  worker: ['verify_pass', 'verify_fail', 'fix_on_spot'],
  wall: [],
  public: ['reopen'],
};

const DATE_KEY_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function levelOf(ctx: TransitionContext): EscalationLevel {
  return ctx.escalationLevel ?? 'grid';
}

/** Is the action legal in this state, for this case (ignores role and input fields)? */
function legalIn(state: CaseState, action: CaseAction, ctx: TransitionContext): boolean {
  if (!LEGAL_FROM[action].includes(state)) return false;
  const idx = ESCALATION_LEVELS.indexOf(levelOf(ctx));
  if (action === 'escalate') return idx < ESCALATION_LEVELS.length - 1;
  if (action === 'hand_down') return idx > 0;
  // fixed on the spot is part of a report, never a later action on a case
  if (action === 'fix_on_spot') return ctx.atIntake === true;
  return true;
}

export function roleMay(role: Role, action: CaseAction): boolean {
  return ROLE_ACTIONS[role].includes(action);
}

/** Actions this role may take on a case in this state (input fields are not checked). */
export function allowedActions(state: CaseState, role: Role, ctx: TransitionContext = {}): CaseAction[] {
  return CASE_ACTIONS.filter((a) => legalIn(state, a, ctx) && roleMay(role, a));
}

function blank(s: string | undefined): boolean {
  return s === undefined || s.trim() === '';
}

function missingFields(action: CaseAction, ctx: TransitionContext): string[] {
  const missing: string[] = [];
  switch (action) {
    case 'dispatch':
    case 'reassign':
    case 'add_helper':
      if (blank(ctx.assignee)) missing.push('assignee');
      break;
    case 'void':
    case 'escalate':
    case 'verify_fail':
    case 'reopen':
    case 'return':
    case 'reject_return':
      if (blank(ctx.reason)) missing.push('reason');
      break;
    case 'park':
      if (blank(ctx.reason)) missing.push('reason');
      if (ctx.reviewDate === undefined || !DATE_KEY_RE.test(ctx.reviewDate)) missing.push('reviewDate');
      break;
    default:
      break;
  }
  return missing;
}

function reasonEffect(action: CaseAction, ctx: TransitionContext): TransitionEffect[] {
  return blank(ctx.reason) ? [] : [{ type: 'record_reason', action, reason: (ctx.reason ?? '').trim() }];
}

/** Apply an action; pure: returns the new state and what else the caller must record. */
export function transition(
  state: CaseState,
  action: CaseAction,
  role: Role,
  ctx: TransitionContext = {},
): TransitionResult {
  const allowed = allowedActions(state, role, ctx);
  if (!legalIn(state, action, ctx)) return { ok: false, reason: 'illegal_state', allowed };
  if (!roleMay(role, action)) return { ok: false, reason: 'forbidden_role', allowed };
  const missing = missingFields(action, ctx);
  if (missing.length > 0) return { ok: false, reason: 'missing_field', missing, allowed };

  const effects: TransitionEffect[] = [];
  let to: CaseState = state;
  switch (action) {
    case 'file':
      to = 'filed';
      effects.push({ type: 'stamp', field: 'filedAt' }, ...reasonEffect(action, ctx));
      break;
    case 'dispatch':
      to = 'dispatched';
      effects.push({ type: 'set_assignee', assignee: (ctx.assignee ?? '').trim() }, { type: 'stamp', field: 'dispatchedAt' });
      break;
    case 'accept':
      to = 'in_progress';
      effects.push({ type: 'stamp', field: 'respondedAt' });
      break;
    case 'handle':
      to = 'handled';
      effects.push({ type: 'stamp', field: 'handledAt' }, ...reasonEffect(action, ctx));
      break;
    case 'verify_pass':
      to = 'verified';
      effects.push({ type: 'stamp', field: 'verifiedAt' }, ...reasonEffect(action, ctx));
      break;
    case 'verify_fail':
      to = 'in_progress';
      effects.push({ type: 'rework' }, ...reasonEffect(action, ctx));
      break;
    case 'close':
      to = 'closed';
      effects.push({ type: 'stamp', field: 'closedAt' }, ...reasonEffect(action, ctx));
      break;
    case 'void':
      to = 'void';
      effects.push({ type: 'stamp', field: 'voidedAt' }, ...reasonEffect(action, ctx));
      if (!blank(ctx.duplicateOf)) effects.push({ type: 'mark_duplicate', of: (ctx.duplicateOf ?? '').trim() });
      break;
    case 'park': {
      to = 'parked';
      const from = state as ParkableState;
      effects.push({ type: 'park', from, reviewDate: ctx.reviewDate ?? '' }, ...reasonEffect(action, ctx));
      if (from === 'dispatched') effects.push({ type: 'clear_assignee' });
      break;
    }
    case 'unpark':
      to = ctx.parkedFrom === 'in_progress' ? 'in_progress' : 'filed';
      effects.push({ type: 'unpark' }, ...reasonEffect(action, ctx));
      break;
    case 'escalate':
    case 'hand_down': {
      const from = levelOf(ctx);
      const step = action === 'escalate' ? 1 : -1;
      const next = ESCALATION_LEVELS[ESCALATION_LEVELS.indexOf(from) + step];
      if (next === undefined) return { ok: false, reason: 'illegal_state', allowed }; // unreachable: legalIn checked
      effects.push({ type: 'set_escalation_level', from, to: next }, ...reasonEffect(action, ctx));
      break;
    }
    case 'reassign':
      effects.push({ type: 'set_assignee', assignee: (ctx.assignee ?? '').trim() }, ...reasonEffect(action, ctx));
      break;
    case 'reopen':
      to = 'in_progress';
      effects.push({ type: 'rework' }, { type: 'reopen' }, ...reasonEffect(action, ctx));
      break;
    case 'return':
      to = 'returned';
      effects.push({ type: 'return' }, ...reasonEffect(action, ctx));
      break;
    case 'approve_return':
      to = 'filed';
      effects.push({ type: 'settle_return', approved: true }, { type: 'clear_assignee' }, ...reasonEffect(action, ctx));
      break;
    case 'reject_return':
      to = 'dispatched';
      effects.push({ type: 'settle_return', approved: false }, ...reasonEffect(action, ctx));
      break;
    case 'add_helper':
      effects.push({ type: 'add_helper', department: (ctx.assignee ?? '').trim() }, ...reasonEffect(action, ctx));
      break;
    case 'fix_on_spot':
      to = 'closed';
      effects.push(
        { type: 'fixed_on_spot' },
        { type: 'stamp', field: 'filedAt' },
        { type: 'stamp', field: 'respondedAt' },
        { type: 'stamp', field: 'handledAt' },
        { type: 'stamp', field: 'verifiedAt' },
        { type: 'stamp', field: 'closedAt' },
        ...reasonEffect(action, ctx),
      );
      break;
  }
  return { ok: true, from: state, to, effects };
}

/** Escalation level ⇄ its number (grid 0, zone 1, street 2, district 3), as databases store it. */
export function escalationIndex(level: EscalationLevel): number {
  return ESCALATION_LEVELS.indexOf(level);
}

export function escalationLevelAt(index: number): EscalationLevel | null {
  return ESCALATION_LEVELS[index] ?? null;
}

export function isOpenState(state: CaseState): boolean {
  return OPEN_STATES.includes(state);
}

export function isTerminalState(state: CaseState): boolean {
  return TERMINAL_STATES.includes(state);
}

export function isActiveState(state: CaseState): boolean {
  return ACTIVE_STATES.includes(state);
}

/** The major class (大类, 2 digits) of a minor class code (小类, 5 digits). */
export function majorOf(categoryCode: string): string {
  return categoryCode.slice(0, 2);
}
