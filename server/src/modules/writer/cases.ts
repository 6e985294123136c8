/**
 * The one writer of cases. Every change of a case — intake, an action, a team assigned, a team's report, time
 * passing — comes here as an acting party inside a WriteTx: the case is locked and loaded once, the shared rules
 * (shared/src/domain/case-decide.ts) decide the new record and what follows, supervision records follow the
 * light, the record is written once, and the events are appended with the commit.
 *
 * Lock order, everywhere: the case first, then teams in id order (teams.ts). Nothing waits for a lock while
 * holding a team's lock and wanting a case's.
 */
import { pointsForFiled } from '@gridcommand/shared/domain';
import { awardCase, revokeCase } from '../public/repository.ts';
import { publicSettings } from '../public/settings.ts';
import {
  actsOnHeldCase,
  cstCompactDate,
  decideCaseAction,
  signForDeadline,
  type Priority,
  settleLight,
  type CaseCommand,
  type CaseRecord,
  type LightChange,
  type Role,
} from '@gridcommand/shared/domain';
import type { CaseActionBody, EventDraft } from '@gridcommand/shared/schemas';
import { HttpError, conflict } from '../../plugins/errors.ts';
import { inScope, unitOf, type CaseRow } from '../cases/repository.ts';
import { getWorkCalendar } from '../calendar/repository.ts';
import { helpsOnly, present } from '../cases/present.ts';
import { factsOf, recordOf, rowWith } from './facts.ts';
import * as repo from './repository.ts';
import type { EventActor } from './events.ts';
import { eventActorOf, roleOf, type WriteTx } from './tx.ts';

/** A case loaded under its lock: the row as it will be written, and the record the rules work on. */
export interface LoadedCase {
  row: CaseRow;
  rec: CaseRecord;
  /** as loaded */
  original: CaseRecord;
}

export const caseNotFound = (id: number) => new HttpError(404, 'CASE_NOT_FOUND', `case ${id} not found`);

/** Locks and loads a case; a user sees only the cases of their scope (404 otherwise). */
export async function loadCase(tx: WriteTx, id: number): Promise<LoadedCase> {
  const row = await repo.lockCase(tx.client, id);
  if (!row || (tx.user && !inScope(tx.user, row))) throw caseNotFound(id);
  const rec = recordOf(row);
  return { row, rec, original: rec };
}

/**
 * 409 with the case as it is now (as the caller may see it): `current` is the case (case actions), or
 * `{ case }` where the answer also concerns a team (dispatch).
 */
export function staleCase(tx: WriteTx, c: LoadedCase, message?: string, wrap = false): HttpError {
  const current = present(c.row, tx.user, { personal: false });
  return conflict('VERSION_CONFLICT', message ?? `case ${c.row.id} was changed meanwhile; it is now at version ${c.original.version}`, {
    current: wrap ? { case: current } : current,
  });
}

function refusal(tx: WriteTx, c: LoadedCase, action: string, r: Exclude<ReturnType<typeof decideCaseAction>, { ok: true }>): HttpError {
  const role = roleOf(tx.actor) ?? 'handler';
  switch (r.reason) {
    case 'illegal_state':
      return conflict('ILLEGAL_TRANSITION', `action ${action} is not possible on a ${c.rec.status} case at ${c.rec.escalationLevel} level`, {
        allowed: r.allowed,
      });
    case 'forbidden_role':
      return new HttpError(403, 'FORBIDDEN_ACTION', `role ${role} may not ${action}`, { allowed: r.allowed });
    case 'missing_field': {
      const missing = (r.missing ?? []).map((m) => (m === 'assignee' ? 'teamId or departmentCode' : m));
      return new HttpError(400, 'MISSING_FIELD', `action ${action} needs ${missing.join(' and ')}`);
    }
    case 'invalid':
      return new HttpError(422, r.code, r.message);
  }
}

export function caseEnvelope(row: CaseRow) {
  const { lon, lat } = factsOf(row);
  return { caseId: row.id, teamId: null, streetCode: row.street_code, lon, lat };
}

/** Records a light change: the case.light event, and the supervision records it closes and opens. */
async function recordLight(tx: WriteTx, c: LoadedCase, change: LightChange, as?: EventActor): Promise<void> {
  const facts = factsOf(c.row);
  const env = caseEnvelope(c.row);
  const emit = (e: EventDraft) => (as ? tx.emitAs(as, e) : tx.emit(e));
  emit({ ...env, type: 'case.light', fromState: facts.status, toState: facts.status, note: null, payload: { from: change.from, to: change.to, case: facts } });
  const plan = change.supervision;
  const closed = await repo.closeSupervision(tx.client, c.row.id, plan.close, tx.now, plan.closeNote);
  for (const s of closed) {
    emit({ ...env, type: 'supervision.closed', fromState: null, toState: null, note: plan.closeNote, payload: { supervisionId: s.id, noticeNo: s.notice_no, level: s.level } });
  }
  if (plan.open) {
    const opened = await repo.openSupervision(tx.client, {
      caseId: c.row.id,
      level: plan.open.level,
      reason: plan.open.reason,
      at: tx.now,
      noticePrefix: `DB${cstCompactDate(tx.now)}-`,
      openedBy: (as ?? eventActorOf(tx.actor)).id,
    });
    if (opened) {
      emit({ ...env, type: 'supervision.opened', fromState: null, toState: null, note: plan.open.reason, payload: { supervisionId: opened.id, noticeNo: opened.notice_no, level: opened.level } });
    }
  }
}

/**
 * Applies one action to the loaded case (in memory, with its events): the rules decide, references are checked,
 * the light follows. `role` is the role the rules check (a team reporting on site acts as the case's handler).
 * Names of a new team come from the caller, which holds that team's lock.
 */
export async function applyAction(
  tx: WriteTx,
  c: LoadedCase,
  cmd: CaseCommand,
  role: Role,
  names: { teamName?: string } = {},
  /** who the events name, when not the transaction's acting party (a report written by the intake queue) */
  as?: EventActor,
  /** what the action's event carries besides the decision (photos, the verification's distance) */
  extra: Partial<Pick<Extract<EventDraft, { type: 'case.updated' }>['payload'], 'photos' | 'verification'>> = {},
): Promise<void> {
  if (tx.user && !actsOnHeldCase(unitOf(tx.user), c.row.holder_code)) {
    throw new HttpError(403, 'NOT_HOLDER', `case ${c.row.code} is held at ${c.rec.escalationLevel} level by unit ${c.row.holder_code}: that unit works it now`, {
      allowed: [],
    });
  }
  if (tx.user && helpsOnly(tx.user, c.row)) {
    throw new HttpError(403, 'NOT_LEAD', `case ${c.row.code} is led by ${c.row.department_code ?? 'no department'}: a helping department follows it, the lead acts on it`, {
      allowed: [],
    });
  }
  if (cmd.action === 'add_helper' && cmd.departmentCode !== undefined && (await repo.departmentName(tx.client, cmd.departmentCode)) === null) {
    throw new HttpError(422, 'DEPARTMENT_NOT_FOUND', `department "${cmd.departmentCode}" not found`);
  }
  // a department gets its sign-for deadline with each dispatch (a team has none); the handling clocks never move
  const toDepartment = (cmd.action === 'dispatch' || cmd.action === 'reassign') && cmd.teamId === undefined && cmd.departmentCode !== undefined;
  if (toDepartment && cmd.signBy === undefined) {
    cmd = { ...cmd, signBy: signForDeadline(c.row.priority as Priority, tx.now, await getWorkCalendar(tx.pool, tx.client)) };
  }
  const d = decideCaseAction(c.rec, cmd, role, tx.now);
  if (!d.ok) throw refusal(tx, c, cmd.action, d);
  let departmentName: string | null | undefined;
  if (cmd.departmentCode !== undefined && d.after.departmentCode === cmd.departmentCode && cmd.departmentCode !== c.rec.departmentCode) {
    departmentName = await repo.departmentName(tx.client, cmd.departmentCode);
    if (departmentName === null) throw new HttpError(422, 'DEPARTMENT_NOT_FOUND', `department "${cmd.departmentCode}" not found`);
  }
  if (d.event.duplicateOf !== undefined && !(await repo.caseExists(tx.client, d.event.duplicateOf))) {
    throw new HttpError(422, 'DUPLICATE_NOT_FOUND', `case ${d.event.duplicateOf} (duplicateOf) not found`);
  }
  const from = c.rec.status;
  c.rec = d.after;
  c.row = rowWith(c.row, d.after, { teamName: names.teamName, departmentName });
  const facts = factsOf(c.row);
  const { type, ...decided } = d.event;
  const event = {
    ...caseEnvelope(c.row),
    teamId: cmd.teamId ?? null,
    type,
    fromState: from,
    toState: d.after.status,
    note: cmd.note ?? cmd.reason ?? null,
    payload: { action: cmd.action, case: facts, ...decided, ...extra },
  } as EventDraft;
  if (as) tx.emitAs(as, event);
  else tx.emit(event);
  if (d.light) await recordLight(tx, c, d.light, as);
  // the public's points: earned when a report is filed (a real problem), balanced again when the case is voided
  if (cmd.action === 'file' && c.row.source === 'public') {
    const { pointRules } = await publicSettings(tx.client);
    await awardCase(tx.client, c.row.id, { report: pointsForFiled('report', pointRules), follow: pointsForFiled('follow', pointRules) }, tx.now);
  } else if (cmd.action === 'void' && c.row.source === 'public') {
    await revokeCase(tx.client, c.row.id, tx.now);
  }
}

/** Writes the loaded case once, after all its actions. */
export async function saveCase(tx: WriteTx, c: LoadedCase): Promise<void> {
  if (c.rec === c.original) return;
  if (!(await repo.updateCase(tx.client, c.row.id, c.original.version, c.rec))) throw staleCase(tx, c);
}

/** The body of POST /api/cases/:id/actions as a rules command. */
export function commandOf(body: CaseActionBody): CaseCommand {
  return {
    action: body.action,
    ...(body.reason !== undefined ? { reason: body.reason } : {}),
    ...(body.note !== undefined ? { note: body.note } : {}),
    ...(body.duplicateOf !== undefined ? { duplicateOf: body.duplicateOf } : {}),
    ...(body.reviewDate !== undefined ? { reviewDate: body.reviewDate } : {}),
    ...(body.teamId !== undefined ? { teamId: body.teamId } : {}),
    ...(body.departmentCode !== undefined ? { departmentCode: body.departmentCode } : {}),
  };
}

// ── time passing ───────────────────────────────────────────────────────────

/** The light job's step: re-evaluates up to `limit` due cases (rows other writers hold are skipped). */
export async function settleDueLights(tx: WriteTx, limit: number): Promise<{ checked: number; changed: number }> {
  const rows = await repo.lockDueCases(tx.client, tx.now, limit);
  let changed = 0;
  for (const row of rows) {
    const original = recordOf(row);
    const c: LoadedCase = { row, rec: original, original };
    const s = settleLight(original, tx.now);
    c.rec = s.after;
    c.row = rowWith(row, s.after);
    if (s.light) {
      changed++;
      await recordLight(tx, c, s.light);
    }
    if (!(await repo.updateCase(tx.client, row.id, original.version, c.rec))) throw staleCase(tx, c);
  }
  return { checked: rows.length, changed };
}
