/**
 * The case rules with their consequences: given a case as it stands (`CaseRecord`), an action and the role taking
 * it, `decideCaseAction` returns the case as it will be — state, stamps, assignee, escalation, light, next light
 * instant, supervision — and what must be recorded (the event of the action, the light change and its
 * supervision plan). Pure: the server's writer loads the record under a row lock, calls this, and writes the
 * result and its events in one transaction. `settleLight` is the same for time passing (the light job).
 */
import {
  ESCALATION_LEVELS,
  allowedActions,
  transition,
  type CaseAction,
  type CaseState,
  type EscalationLevel,
  type Milestone,
  type ParkableState,
  type Role,
  type TransitionRefusal,
} from './case-state.ts';
import { cstDateKey } from './china-time.ts';
import { lightFor, nextLightChangeAt, supervisionPlan, type Light, type SupervisionPlan } from './lights.ts';
import type { CaseClocks } from './sla.ts';

/** The state of a case that the rules read and change. */
export interface CaseRecord {
  id: number;
  status: CaseState;
  version: number;
  escalationLevel: EscalationLevel;
  parkedFrom: ParkableState | null;
  parkReason: string | null;
  parkReviewDate: string | null;
  voidReason: string | null;
  duplicateOf: number | null;
  teamId: number | null;
  departmentCode: string | null;
  reworkCount: number;
  /** the department's sign-for deadline (签收时限), set when the case is dispatched to a department (sign-for.ts) */
  signBy: Date | null;
  /** how often a department sent the case back (退单) */
  returnCount: number;
  /** the department that returned it and why: kept while the centre decides, and after, for the record */
  returnedBy: string | null;
  returnReason: string | null;
  /** helping departments (协办) beside the lead department (首接负责: `departmentCode`) */
  helperDepartments: readonly string[];
  /** reported and fixed by the reporter on the spot (举手之劳) */
  fixedOnSpot: boolean;
  light: Light;
  nextLightAt: Date | null;
  supervised: boolean;
  clocks: CaseClocks;
  stamps: Partial<Record<Milestone, Date>>;
  updatedAt: Date;
}

export interface CaseCommand {
  action: CaseAction;
  reason?: string;
  note?: string;
  duplicateOf?: number;
  reviewDate?: string;
  teamId?: number;
  departmentCode?: string;
  /** the action is part of the report itself (fix_on_spot) */
  atIntake?: boolean;
  /**
   * The sign-for deadline of this dispatch, computed by the caller with the working calendar (signForDeadline): given
   * for a dispatch or reassignment to a department without a team; without it the case has no sign-for deadline.
   */
  signBy?: Date;
}

/** The event type an action is recorded as. */
export function eventTypeOfAction(action: CaseAction): 'case.updated' | 'case.escalated' | 'case.closed' {
  return action === 'escalate' ? 'case.escalated' : action === 'close' || action === 'fix_on_spot' ? 'case.closed' : 'case.updated';
}

export interface LightChange {
  from: Light;
  to: Light;
  supervision: SupervisionPlan;
}

export type CaseRefusal =
  | { ok: false; reason: TransitionRefusal; missing?: string[]; allowed: CaseAction[] }
  | { ok: false; reason: 'invalid'; code: InvalidCode; message: string; allowed: CaseAction[] };

type InvalidCode = 'DUPLICATE_OF_SELF' | 'REVIEW_DATE_PAST' | 'HELPER_IS_LEAD' | 'HELPER_EXISTS';

export interface CaseDecision {
  ok: true;
  action: CaseAction;
  before: CaseRecord;
  after: CaseRecord;
  /** what the action event says besides the case's facts */
  event: {
    type: 'case.updated' | 'case.escalated' | 'case.closed';
    reason?: string;
    duplicateOf?: number;
    reviewDate?: string;
    escalation?: { from: EscalationLevel; to: EscalationLevel };
    previousTeamId?: number | null;
  };
  light: LightChange | null;
}

/** The light of a record at `now`, the instant it may change next, and what its supervision becomes. */
function withLight(rec: CaseRecord, previousLight: Light, now: Date): { rec: CaseRecord; light: LightChange | null } {
  const input = { state: rec.status, respondedAt: rec.stamps.respondedAt ?? null, clocks: rec.clocks };
  const light = lightFor(input, now);
  const plan = supervisionPlan(previousLight, light, rec.status);
  return {
    rec: { ...rec, light, nextLightAt: nextLightChangeAt(input, now), supervised: plan ? plan.supervised : rec.supervised },
    light: plan ? { from: previousLight, to: light, supervision: plan } : null,
  };
}

function assigneeOf(cmd: CaseCommand): string | undefined {
  if (cmd.action === 'add_helper') return cmd.departmentCode;
  if (cmd.teamId !== undefined) return `team:${cmd.teamId}`;
  if (cmd.departmentCode !== undefined) return `department:${cmd.departmentCode}`;
  return undefined;
}

/** Applies one action; the record must be the case's current state (loaded under its lock). */
export function decideCaseAction(rec: CaseRecord, cmd: CaseCommand, role: Role, now: Date): CaseDecision | CaseRefusal {
  const result = transition(rec.status, cmd.action, role, {
    escalationLevel: rec.escalationLevel,
    parkedFrom: rec.parkedFrom,
    reason: cmd.reason,
    duplicateOf: cmd.duplicateOf !== undefined ? String(cmd.duplicateOf) : undefined,
    reviewDate: cmd.reviewDate,
    assignee: assigneeOf(cmd),
    atIntake: cmd.atIntake,
  });
  if (!result.ok) return result;
  const refuse = (code: InvalidCode, message: string): CaseRefusal => ({
    ok: false,
    reason: 'invalid',
    code,
    message,
    allowed: allowedActions(rec.status, role, { escalationLevel: rec.escalationLevel, parkedFrom: rec.parkedFrom }),
  });
  let next: CaseRecord = { ...rec, status: result.to, version: rec.version + 1, updatedAt: now, stamps: { ...rec.stamps } };
  const event: CaseDecision['event'] = { type: eventTypeOfAction(cmd.action) };
  if (cmd.reason !== undefined && cmd.reason.trim() !== '') event.reason = cmd.reason.trim();
  for (const e of result.effects) {
    switch (e.type) {
      case 'stamp':
        next.stamps[e.field] = now;
        break;
      case 'set_assignee':
        if (cmd.teamId !== undefined) {
          event.previousTeamId = rec.teamId;
          next.teamId = cmd.teamId;
          if (cmd.departmentCode !== undefined) next.departmentCode = cmd.departmentCode;
        } else {
          next.teamId = null;
          next.departmentCode = cmd.departmentCode ?? null;
        }
        // a team has no sign-for deadline; a department gets its own with each dispatch
        next.signBy = cmd.teamId === undefined && cmd.signBy !== undefined ? cmd.signBy : null;
        break;
      case 'clear_assignee':
        next.teamId = null;
        break;
      case 'rework':
        next.reworkCount = rec.reworkCount + 1;
        break;
      case 'set_escalation_level':
        next.escalationLevel = e.to;
        event.escalation = { from: e.from, to: e.to };
        break;
      case 'record_reason':
        if (e.action === 'void') next.voidReason = e.reason;
        if (e.action === 'park') next.parkReason = e.reason;
        break;
      case 'mark_duplicate': {
        const of = Number(e.of);
        if (of === rec.id) return refuse('DUPLICATE_OF_SELF', 'a case cannot duplicate itself');
        event.duplicateOf = of;
        next.duplicateOf = of;
        break;
      }
      case 'park':
        if (e.reviewDate < cstDateKey(now)) {
          return refuse('REVIEW_DATE_PAST', `reviewDate ${e.reviewDate} is in the past`);
        }
        next.parkedFrom = e.from;
        next.parkReviewDate = e.reviewDate;
        event.reviewDate = e.reviewDate;
        break;
      case 'unpark':
        next.parkedFrom = null;
        next.parkReviewDate = null;
        break;
      case 'fixed_on_spot':
        next.fixedOnSpot = true;
        break;
      case 'return':
        next.returnCount = rec.returnCount + 1;
        next.returnedBy = rec.departmentCode;
        next.returnReason = (cmd.reason ?? '').trim() || null;
        break;
      case 'settle_return':
        // approved: the department loses the case (the centre dispatches it again); rejected: it goes back to the same
        // department with the deadline it had, so the return bought no time
        if (e.approved) {
          next.departmentCode = null;
          next.signBy = null;
        }
        break;
      case 'add_helper':
        if (e.department === rec.departmentCode) return refuse('HELPER_IS_LEAD', `${e.department} leads this case already`);
        if (rec.helperDepartments.includes(e.department)) return refuse('HELPER_EXISTS', `${e.department} helps on this case already`);
        next.helperDepartments = [...rec.helperDepartments, e.department];
        break;
      case 'reopen':
        delete next.stamps.handledAt;
        delete next.stamps.verifiedAt;
        delete next.stamps.closedAt;
        break;
    }
  }
  const lit = withLight(next, rec.light, now);
  next = lit.rec;
  return { ok: true, action: cmd.action, before: rec, after: next, event, light: lit.light };
}

/** Time passing: the light at `now` and what follows from it (the light job). */
export function settleLight(rec: CaseRecord, now: Date): { after: CaseRecord; light: LightChange | null } {
  const lit = withLight(rec, rec.light, now);
  const changed = lit.light !== null;
  return { after: changed ? { ...lit.rec, version: rec.version + 1, updatedAt: now } : lit.rec, light: lit.light };
}

/** The light a new case starts with, and when it may change. */
export function initialLight(clocks: CaseClocks, now: Date): { light: Light; nextLightAt: Date | null } {
  const input = { state: 'reported' as const, respondedAt: null, clocks };
  return { light: lightFor(input, now), nextLightAt: nextLightChangeAt(input, now) };
}

/**
 * Whether a change leaves the case's team without it: the case got another assignee or none, or it was handled,
 * parked, voided or closed while a team was on it. That team is stood down and its dispatch closed (a team that
 * reports "finished" itself has already left).
 */
export function releasesTeam(before: Pick<CaseRecord, 'teamId' | 'status'>, after: Pick<CaseRecord, 'teamId' | 'status'>): boolean {
  if (before.teamId === null) return false;
  if (after.teamId !== before.teamId) return true;
  return after.status !== before.status && ['handled', 'verified', 'closed', 'void', 'parked'].includes(after.status);
}

/** Escalation level ⇄ the number databases store (grid 0 … district 3). */
export function escalationLevelOf(index: number): EscalationLevel {
  return ESCALATION_LEVELS[index] ?? 'grid';
}
