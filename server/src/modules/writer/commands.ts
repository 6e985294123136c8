/**
 * The writer's commands that involve a case and its teams: a case action (which, when it gives the case a team,
 * is an assignment), the assignment itself (POST /api/dispatch), and a team's report from the scene. Each locks the
 * case first, then the teams in id order, applies the shared rules once, and writes each row once.
 */
import {
  STEP_COMMAND,
  assessVerification,
  assignmentActions,
  distanceM,
  caseActionsForStep,
  releasesSupport,
  releasesTeam,
  supportAllowed,
  teamTransition,
  type DispatchRole,
  type CaseAction,
  type CaseCommand,
  type Role,
  type TeamStep,
} from '@gridcommand/shared/domain';
import type { CaseActionBody } from '@gridcommand/shared/schemas';
import { HttpError, conflict } from '../../plugins/errors.ts';
import * as teamRepo from '../teams/repository.ts';
import { present } from '../cases/present.ts';
import { applyAction, caseEnvelope, commandOf, loadCase, saveCase, staleCase, type LoadedCase } from './cases.ts';
import { factsOf } from './facts.ts';
import * as repo from './repository.ts';
import { checkReservation, closeReservation, dispatchTeam, lockTeams, moveTeam, releaseTeam, teamConflict, teamNotFound, type LockedTeam } from './teams.ts';
import { roleOf, type WriteTx } from './tx.ts';

function requireRole(tx: WriteTx): Role {
  const role = roleOf(tx.actor);
  if (!role) throw new HttpError(403, 'FORBIDDEN_ROLE', 'this action needs an account');
  return role;
}

/**
 * After the case's actions: the lead it had is stood down when the case no longer needs it (reassigned, handled,
 * parked, voided, closed), and every supporting team when the case left the states teams work in (shared
 * releasesSupport). Teams not yet locked are locked together, in id order. A reassignment keeps the supports.
 */
async function releaseIfLeft(tx: WriteTx, c: LoadedCase, locked: Map<number, LockedTeam>): Promise<void> {
  const before = c.original;
  const lead = releasesTeam(before, c.rec) && before.teamId !== null ? before.teamId : null;
  const supports = releasesSupport(before.status, c.rec.status)
    ? (await teamRepo.openDispatchesOfCase(tx.client, c.row.id)).filter((d) => d.role === 'support').map((d) => d.team_id)
    : [];
  const ids = [...(lead !== null ? [lead] : []), ...supports];
  if (ids.length === 0) return;
  const missing = ids.filter((id) => !locked.has(id));
  const more = missing.length ? await lockTeams(tx, missing) : new Map<number, LockedTeam>();
  for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
    const team = locked.get(id) ?? more.get(id);
    if (team) await releaseTeam(tx, team, c.row.id, id === lead && c.rec.teamId !== null ? 'reassigned' : 'stood_down');
  }
}

/** A team's open reservation for this case becomes its dispatch; one for another case refuses. */
async function takeReservation(tx: WriteTx, c: LoadedCase, teamId: number): Promise<number | undefined> {
  const own = await checkReservation(tx, teamId, { id: c.row.id, streetCode: c.row.street_code, lon: c.row.lon, lat: c.row.lat });
  if (!own) return undefined;
  await closeReservation(tx, own, 'dispatched');
  return own.id;
}

/**
 * Gives the loaded case a team through `actions` (the assignment table's, or the one the caller asked for):
 * the new team (and the previous one) are locked, the new one must be available (and at `teamVersion`), the case
 * actions run, the previous team is stood down, the new one goes en route with its dispatch record.
 */
async function assignLoaded(
  tx: WriteTx,
  c: LoadedCase,
  actions: CaseAction[],
  body: { teamId: number; teamVersion?: number; note?: string; departmentCode?: string },
  role: Role,
  /** an unknown team: 404 when the team is the resource addressed (POST /api/dispatch), 422 when it is a field */
  unknownTeam: 404 | 422,
): Promise<{ team: LockedTeam; dispatch: teamRepo.DispatchRow }> {
  const previous = c.rec.teamId;
  const locked = await lockTeams(tx, previous !== null ? [body.teamId, previous] : [body.teamId]);
  const team = locked.get(body.teamId);
  if (!team) throw teamNotFound(body.teamId, unknownTeam);
  if (body.teamVersion !== undefined && team.version !== body.teamVersion) {
    throw await teamConflict(tx, team.id, 'VERSION_CONFLICT', `team ${team.id} was changed meanwhile: refresh and try again`);
  }
  if (team.status !== 'available') {
    throw await teamConflict(tx, team.id, 'TEAM_BUSY', `team ${team.id} is no longer available: another dispatcher sent it, or it is busy`);
  }
  const reservationId = await takeReservation(tx, c, team.id);
  const teamName = (await teamRepo.findTeam(tx.client, team.id))?.name ?? null;
  for (const action of actions) {
    const assigns = action === 'dispatch' || action === 'reassign';
    const cmd: CaseCommand = {
      action,
      ...(body.note !== undefined ? { note: body.note } : {}),
      ...(assigns ? { teamId: body.teamId } : {}),
      ...(assigns && body.departmentCode !== undefined ? { departmentCode: body.departmentCode } : {}),
    };
    await applyAction(tx, c, cmd, role, { teamName: teamName ?? undefined });
  }
  await releaseIfLeft(tx, c, locked);
  const dispatch = await dispatchTeam(
    tx,
    team,
    { id: c.row.id, code: c.row.code, lon: c.row.lon, lat: c.row.lat, streetCode: c.row.street_code },
    { note: body.note ?? null, reassignedFrom: previous !== null && previous !== body.teamId ? previous : null, role: 'lead', reservationId },
  );
  await saveCase(tx, c);
  return { team, dispatch };
}

/**
 * Sends a supporting team (增援) to a case that has its lead (dispatched or in progress): the team goes en route
 * with a dispatch of role support; nobody is stood down and the case row is not changed.
 */
async function addSupport(
  tx: WriteTx,
  c: LoadedCase,
  body: { teamId: number; teamVersion?: number; note?: string },
): Promise<{ team: LockedTeam; dispatch: teamRepo.DispatchRow }> {
  if (!supportAllowed(c.rec.status)) {
    throw conflict('ILLEGAL_TRANSITION', `a ${c.rec.status} case takes no supporting team: send its lead team first (role lead)`, {
      current: { case: present(c.row, tx.user, { personal: false }) },
    });
  }
  const team = (await lockTeams(tx, [body.teamId])).get(body.teamId);
  if (!team) throw teamNotFound(body.teamId, 404);
  if (body.teamVersion !== undefined && team.version !== body.teamVersion) {
    throw await teamConflict(tx, team.id, 'VERSION_CONFLICT', `team ${team.id} was changed meanwhile: refresh and try again`);
  }
  if (team.status !== 'available') {
    throw await teamConflict(tx, team.id, 'TEAM_BUSY', `team ${team.id} is no longer available: another dispatcher sent it, or it is busy`);
  }
  const reservationId = await takeReservation(tx, c, team.id);
  const dispatch = await dispatchTeam(
    tx,
    team,
    { id: c.row.id, code: c.row.code, lon: c.row.lon, lat: c.row.lat, streetCode: c.row.street_code },
    { note: body.note ?? null, reassignedFrom: null, role: 'support', reservationId },
  );
  return { team, dispatch };
}

/**
 * POST /api/cases/:id/actions. An action that gives the case a team (dispatch or reassign with teamId) is an
 * assignment, exactly as POST /api/dispatch: the team's lock, its state and its dispatch record go with it.
 */
export async function actOnCase(tx: WriteTx, caseId: number, body: CaseActionBody): Promise<LoadedCase> {
  const role = requireRole(tx);
  const c = await loadCase(tx, caseId);
  if (c.rec.version !== body.version) throw staleCase(tx, c);
  if ((body.action === 'dispatch' || body.action === 'reassign') && body.teamId !== undefined) {
    await assignLoaded(tx, c, [body.action], { teamId: body.teamId, note: body.note, departmentCode: body.departmentCode }, role, 422);
    return c;
  }
  if (body.photos?.length) await requirePhotos(tx, body.photos);
  if (body.action === 'verify_pass' || body.action === 'verify_fail') {
    await verifyOnSite(tx, c, body, role);
  } else {
    await applyAction(tx, c, commandOf(body), role, {}, undefined, body.photos?.length ? { photos: body.photos } : {});
  }
  await releaseIfLeft(tx, c, new Map());
  await saveCase(tx, c);
  return c;
}

async function requirePhotos(tx: WriteTx, ids: readonly string[]): Promise<void> {
  const known = new Set(await repo.existingPhotos(tx.client, ids));
  const unknown = ids.find((id) => !known.has(id));
  if (unknown) throw new HttpError(422, 'UNKNOWN_PHOTO', `unknown photo ${unknown}: upload it first (POST /api/photos)`);
}

/**
 * Verification on site (核查): the verifier's position is recorded with its distance from the case; a verification
 * without a position or too far away is flagged for the center (shared assessVerification), not refused. A grid
 * worker — the one who stands there — must send a position.
 */
async function verifyOnSite(tx: WriteTx, c: LoadedCase, body: CaseActionBody, role: Role): Promise<void> {
  if (role === 'worker' && !body.position) {
    throw new HttpError(400, 'POSITION_REQUIRED', `${body.action} on site needs the verifier's position (body field "position")`);
  }
  const p = body.position;
  const distance = p ? distanceM(p, { lon: c.row.lon, lat: c.row.lat }) : null;
  const { flagged, flagReason } = assessVerification(distance, p?.accuracyM);
  const verification = { distanceM: distance === null ? null : Math.round(distance * 10) / 10, flagged, flagReason };
  await applyAction(tx, c, commandOf(body), role, {}, undefined, { verification, ...(body.photos?.length ? { photos: body.photos } : {}) });
  await repo.insertVerification(tx.client, {
    caseId: c.row.id,
    userId: tx.user?.id ?? null,
    at: tx.now,
    result: body.action === 'verify_pass' ? 'pass' : 'fail',
    lon: p?.lon ?? null,
    lat: p?.lat ?? null,
    accuracyM: p?.accuracyM ?? null,
    distanceM: distance,
    flagged,
    flagReason,
    note: body.reason ?? body.note ?? null,
    photos: body.photos ?? [],
  });
  const byName = tx.user?.displayName ?? null;
  c.row = {
    ...c.row,
    verification: {
      at: tx.now.toISOString(), result: body.action === 'verify_pass' ? 'pass' : 'fail', byUserId: tx.user?.id ?? null, byName,
      lon: p?.lon ?? null, lat: p?.lat ?? null, accuracyM: p?.accuracyM ?? null, distanceM: verification.distanceM, flagged, flagReason,
    },
  };
}

/**
 * POST /api/cases/:id/photos: a reporter who finds the problem already reported adds evidence to that case instead
 * of a duplicate. Any case not final; the version moves on; the event carries the case's facts and the photos.
 */
export async function attachPhotos(tx: WriteTx, caseId: number, photos: readonly string[]): Promise<LoadedCase> {
  requireRole(tx);
  const c = await loadCase(tx, caseId);
  if (c.rec.status === 'closed' || c.rec.status === 'void') {
    throw conflict('ILLEGAL_TRANSITION', `a ${c.rec.status} case takes no more photos`, { current: present(c.row, tx.user, { personal: false }) });
  }
  await requirePhotos(tx, photos);
  const existing = Array.isArray(c.row.photos) ? (c.row.photos as string[]) : [];
  const added = photos.filter((p) => !existing.includes(p));
  if (added.length === 0) return c;
  const next = { ...c.rec, version: c.rec.version + 1, updatedAt: tx.now };
  c.rec = next;
  c.row = { ...c.row, version: next.version, updated_at: tx.now, photos: [...existing, ...added] };
  await repo.appendCasePhotos(tx.client, caseId, added);
  tx.emit({ ...caseEnvelope(c.row), type: 'case.attached', fromState: c.rec.status, toState: c.rec.status, note: null, payload: { case: factsOf(c.row), photos: added } });
  await saveCase(tx, c);
  return c;
}

/** POST /api/dispatch: sends a team to a case, filing a reported case first or reassigning a dispatched one. */
export async function assignTeam(
  tx: WriteTx,
  body: { caseId: number; teamId: number; caseVersion: number; teamVersion?: number; note?: string; role?: DispatchRole },
): Promise<{ case: LoadedCase; dispatch: teamRepo.DispatchRow }> {
  const role = requireRole(tx);
  const c = await loadCase(tx, body.caseId);
  if (c.rec.version !== body.caseVersion) throw staleCase(tx, c, `case ${body.caseId} was changed meanwhile: refresh and try again`, true);
  if (body.role === 'support') {
    const { dispatch } = await addSupport(tx, c, body);
    return { case: c, dispatch };
  }
  const actions = assignmentActions(c.rec.status);
  if (!actions) {
    throw conflict('ILLEGAL_TRANSITION', `a ${c.rec.status} case cannot be assigned to a team`, { current: { case: present(c.row, tx.user, { personal: false }) } });
  }
  const { dispatch } = await assignLoaded(tx, c, actions, body, role, 404);
  return { case: c, dispatch };
}

/**
 * A team reports from the scene (arrived, finished): the team moves by the state machine, its dispatch is stamped,
 * and the case takes the actions the report implies, as its handler on site (shared caseActionsForStep). A case
 * that moved on meanwhile (parked, voided, reassigned) is left as it is.
 */
export async function teamStep(
  tx: WriteTx,
  teamId: number,
  step: TeamStep,
  body: { caseId?: number; note?: string },
): Promise<{ dispatch: teamRepo.DispatchRow; caseId: number }> {
  const seen = await teamRepo.openDispatchOfTeam(tx.client, teamId);
  if (!seen || (body.caseId !== undefined && body.caseId !== seen.case_id)) {
    if (!(await teamRepo.findTeam(tx.client, teamId))) throw teamNotFound(teamId);
    throw await teamConflict(tx, teamId, 'NO_OPEN_DISPATCH', seen ? `team ${teamId} is dispatched to case ${seen.case_id}, not ${body.caseId}` : `team ${teamId} has no open dispatch`);
  }
  // the case first, then the teams in id order: the lock order of every writer. A lead's finish may stand the
  // supporting teams down (the case is handled): they are locked with it.
  const c = await loadCase(tx, seen.case_id);
  const leadFinish = step === 'finished' && seen.role === 'lead' && c.rec.teamId === teamId;
  const others = leadFinish ? (await teamRepo.openDispatchesOfCase(tx.client, c.row.id)).map((d) => d.team_id).filter((id) => id !== teamId) : [];
  const locked = await lockTeams(tx, [teamId, ...others]);
  const team = locked.get(teamId);
  if (!team) throw teamNotFound(teamId);
  const open = await teamRepo.openDispatchOfTeam(tx.client, teamId);
  if (!open || open.id !== seen.id) throw await teamConflict(tx, teamId, 'CONCURRENT_CHANGE', `team ${teamId} changed meanwhile: try again`);
  const command = STEP_COMMAND[step];
  if (!teamTransition(team.status, command).ok) {
    throw await teamConflict(tx, teamId, 'ILLEGAL_TRANSITION', `team ${teamId} is ${team.status}: it cannot report ${step}`);
  }
  await moveTeam(tx, team, command, {
    reason: step,
    caseId: open.case_id,
    dispatchId: open.id,
    currentCaseId: step === 'arrived' ? open.case_id : null,
  });
  const dispatch = await teamRepo.stampDispatch(tx.client, open.id, step === 'arrived' ? 'arrived_at' : 'finished_at', tx.now);
  // a supporting team's report moves only that team; the lead's also moves the case
  if (open.role === 'lead' && c.rec.teamId === teamId) {
    for (const action of caseActionsForStep(step, c.rec.status)) {
      await applyAction(tx, c, { action, ...(body.note ? { note: body.note } : {}) }, 'handler');
    }
    await releaseSupports(tx, c, locked);
    await saveCase(tx, c);
  }
  return { dispatch, caseId: open.case_id };
}

/** The supporting teams of a case that left the states teams work in are stood down (the teams are locked). */
async function releaseSupports(tx: WriteTx, c: LoadedCase, locked: Map<number, LockedTeam>): Promise<void> {
  if (!releasesSupport(c.original.status, c.rec.status)) return;
  const supports = (await teamRepo.openDispatchesOfCase(tx.client, c.row.id)).filter((d) => d.role === 'support');
  for (const d of supports.sort((a, b) => a.team_id - b.team_id)) {
    const team = locked.get(d.team_id);
    if (team) await releaseTeam(tx, team, c.row.id, 'stood_down');
  }
}

/**
 * DELETE /api/cases/:id/teams/:teamId: stands one supporting team down from the case (its dispatch is cancelled,
 * the team is available again). The lead is replaced by reassigning, not stood down here (409 LEAD_TEAM).
 */
export async function standDownSupport(tx: WriteTx, caseId: number, teamId: number): Promise<teamRepo.DispatchRow> {
  requireRole(tx);
  const c = await loadCase(tx, caseId);
  const team = (await lockTeams(tx, [teamId])).get(teamId);
  if (!team) throw teamNotFound(teamId);
  const open = await teamRepo.openDispatchOfTeam(tx.client, teamId);
  if (!open || open.case_id !== c.row.id) {
    throw await teamConflict(tx, teamId, 'NO_OPEN_DISPATCH', `team ${teamId} is not on case ${c.row.code}`);
  }
  if (open.role === 'lead') {
    throw await teamConflict(tx, teamId, 'LEAD_TEAM', `team ${teamId} leads case ${c.row.code}: reassign the case to another lead instead`);
  }
  const closed = await releaseTeam(tx, team, c.row.id, 'stood_down');
  return closed!;
}
