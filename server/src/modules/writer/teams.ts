/**
 * The team side of the writer: team rows are changed only here, under their row lock, through the shared team
 * state machine (shared/src/domain/team-state.ts), each change with its `team.status` event. Callers lock the
 * case first (cases.ts), then the teams here, in id order.
 */
import { etaSeconds, manualStatusCommand, reservationFor, teamTransition, type DispatchRole, type TeamCommand, type TeamStatus } from '@gridcommand/shared/domain';
import type { TEAM_CHANGE_REASONS } from '@gridcommand/shared/schemas';
import { HttpError, conflict } from '../../plugins/errors.ts';
import * as teamRepo from '../teams/repository.ts';
import { presentTeam } from '../teams/present.ts';
import { draft } from './events.ts';
import type { WriteTx } from './tx.ts';

export interface LockedTeam {
  id: number;
  status: TeamStatus;
  version: number;
}

type Reason = (typeof TEAM_CHANGE_REASONS)[number];

/** Locks teams in id order; returns them by id. */
export async function lockTeams(tx: WriteTx, ids: readonly number[]): Promise<Map<number, LockedTeam>> {
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  const rows = unique.length ? await teamRepo.lockTeams(tx.client, unique) : [];
  return new Map(rows.map((r) => [r.id, { id: r.id, status: r.status as TeamStatus, version: r.version }]));
}

/** 409 with the team as it is now. */
export async function teamConflict(tx: WriteTx, teamId: number, code: string, message: string): Promise<HttpError> {
  const withMembers = tx.user?.role === 'admin' || tx.user?.role === 'dispatcher';
  const row = await teamRepo.findTeam(tx.client, teamId, withMembers);
  return conflict(code, message, { current: { team: row ? presentTeam(row, withMembers) : null } });
}

/**
 * Moves a locked team by a command of the state machine and records it. `currentCaseId` is the team's case
 * after the change (null when it has none). Throws the machine's refusal as 409.
 */
export async function moveTeam(
  tx: WriteTx,
  team: LockedTeam,
  command: TeamCommand,
  ctx: { reason: Reason; caseId: number | null; dispatchId: number | null; currentCaseId: number | null },
): Promise<LockedTeam> {
  const t = teamTransition(team.status, command);
  if (!t.ok) {
    throw t.reason === 'busy'
      ? await teamConflict(tx, team.id, 'TEAM_BUSY', `team ${team.id} is ${team.status}: no longer available (another dispatcher sent it, or it is busy)`)
      : await teamConflict(tx, team.id, 'ILLEGAL_TRANSITION', `team ${team.id} is ${team.status}: it cannot ${command.replaceAll('_', ' ')}`);
  }
  const moved = await teamRepo.setTeamStatus(tx.client, team.id, t.to, [team.status]);
  if (!moved) throw await teamConflict(tx, team.id, 'CONCURRENT_CHANGE', `team ${team.id} changed meanwhile: try again`);
  const after: LockedTeam = { id: team.id, status: t.to, version: moved.version };
  tx.emit(
    draft(
      'team.status',
      {
        team: { id: team.id, status: t.to, currentCaseId: ctx.currentCaseId, version: after.version },
        previousStatus: team.status,
        reason: ctx.reason,
        dispatchId: ctx.dispatchId,
        caseId: ctx.caseId,
      },
      { caseId: ctx.caseId, teamId: team.id, fromState: team.status, toState: t.to },
    ),
  );
  return after;
}

/**
 * Stands a team down from a case it no longer has (reassigned, parked, voided, closed): its open dispatch is
 * cancelled and an en-route or on-scene team becomes available. The team must be locked.
 */
export async function releaseTeam(tx: WriteTx, team: LockedTeam, caseId: number, reason: Reason): Promise<teamRepo.DispatchRow | null> {
  const found = await teamRepo.openDispatchOfTeam(tx.client, team.id);
  const open = found && found.case_id === caseId ? found : null;
  const closed = open ? await teamRepo.stampDispatch(tx.client, open.id, 'cancelled_at', tx.now) : null;
  // a team dispatched to another case meanwhile is not stood down from it
  if ((open || !found) && (team.status === 'en_route' || team.status === 'on_scene')) {
    await moveTeam(tx, team, 'stand_down', { reason, caseId, dispatchId: open?.id ?? null, currentCaseId: null });
  }
  return closed;
}

/**
 * The reservation of a locked team, seen by a writer that wants to send (or reserve) it for `caseId`: a lapsed one is
 * closed (expired), one held for another case refuses (409 TEAM_RESERVED), one for this case is returned so that
 * the caller can turn it into the dispatch.
 */
export async function checkReservation(
  tx: WriteTx,
  teamId: number,
  c: { id: number; streetCode: string; lon: number; lat: number },
): Promise<teamRepo.ReservationRow | null> {
  const open = await teamRepo.openReservationOfTeam(tx.client, teamId);
  const verdict = reservationFor(open ? { caseId: open.case_id, expiresAt: open.expires_at } : null, c.id, tx.now);
  if (!open || verdict === 'free') return null;
  if (verdict === 'expired') {
    await closeReservation(tx, open, 'expired');
    return null;
  }
  if (verdict === 'held') {
    throw await teamConflict(tx, teamId, 'TEAM_RESERVED', `team ${teamId} is reserved for case ${open.case_code} until ${open.expires_at.toISOString()}: not available for other cases`);
  }
  return open;
}

/** Closes a reservation with its event (the caller holds the team's lock). */
export async function closeReservation(tx: WriteTx, r: teamRepo.ReservationRow, reason: 'released' | 'dispatched' | 'expired'): Promise<void> {
  if (!(await teamRepo.closeReservation(tx.client, r.id, tx.now, reason))) {
    throw await teamConflict(tx, r.team_id, 'CONCURRENT_CHANGE', `the reservation of team ${r.team_id} changed meanwhile: try again`);
  }
  tx.emit(draft('team.reservation_closed', { reservationId: r.id, reason }, { caseId: r.case_id, teamId: r.team_id }));
}

/** Sends a locked, available team to a case: the team goes en route and the dispatch record is written. */
export async function dispatchTeam(
  tx: WriteTx,
  team: LockedTeam,
  c: { id: number; code: string; lon: number; lat: number; streetCode: string },
  ctx: { note: string | null; reassignedFrom: number | null; role?: DispatchRole; reservationId?: number },
): Promise<teamRepo.DispatchRow> {
  const role = ctx.role ?? 'lead';
  const t = teamTransition(team.status, 'dispatch');
  if (!t.ok) throw await teamConflict(tx, team.id, 'TEAM_BUSY', `team ${team.id} is no longer available: another dispatcher sent it, or it is busy`);
  const distance = await teamRepo.teamDistanceTo(tx.client, team.id, c.lon, c.lat);
  const urban = distance === null ? false : await teamRepo.urbanAt(tx.client, c.lon, c.lat);
  const dispatch = await teamRepo.insertDispatch(tx.client, {
    caseId: c.id,
    teamId: team.id,
    dispatcherId: tx.user?.id ?? null,
    at: tx.now,
    distanceM: distance,
    etaS: distance === null ? null : etaSeconds(distance, urban),
    note: ctx.note,
    role,
  });
  await moveTeam(tx, team, 'dispatch', { reason: 'dispatched', caseId: c.id, dispatchId: dispatch.id, currentCaseId: c.id });
  tx.emit(
    draft(
      'dispatch.created',
      {
        dispatchId: dispatch.id,
        caseCode: c.code,
        distanceM: dispatch.distance_m === null ? null : Math.round(dispatch.distance_m),
        etaS: dispatch.eta_s,
        reassignedFrom: ctx.reassignedFrom,
        role,
        ...(ctx.reservationId !== undefined ? { reservationId: ctx.reservationId } : {}),
      },
      { caseId: c.id, teamId: team.id, streetCode: c.streetCode, note: ctx.note, lon: c.lon, lat: c.lat },
    ),
  );
  return dispatch;
}

export const teamNotFound = (id: number, status = 404) => new HttpError(status, 'TEAM_NOT_FOUND', `team ${id} not found`);

/**
 * A manual status change (PUT /api/teams/:id/status): off duty, back on duty, or stood down (available). En route
 * and on scene come only from a dispatch and an arrival report. Leaving a dispatch closes its record; the case
 * keeps its state and is reassigned by the center.
 */
export async function changeTeamStatus(tx: WriteTx, teamId: number, body: { status: TeamStatus; version?: number }): Promise<void> {
  const team = (await lockTeams(tx, [teamId])).get(teamId);
  if (!team) throw teamNotFound(teamId);
  if (body.version !== undefined && body.version !== team.version) {
    throw await teamConflict(tx, teamId, 'VERSION_CONFLICT', `team ${teamId} was changed meanwhile: refresh and try again`);
  }
  if (team.status === body.status) return;
  const command = manualStatusCommand(team.status, body.status);
  if (!command) {
    throw await teamConflict(tx, teamId, 'ILLEGAL_TRANSITION', `a team becomes ${body.status} through POST /api/dispatch or /arrived, not by setting its status`);
  }
  const t = teamTransition(team.status, command);
  const open = t.ok && t.closesDispatch ? await teamRepo.openDispatchOfTeam(tx.client, teamId) : null;
  if (open) await teamRepo.stampDispatch(tx.client, open.id, 'cancelled_at', tx.now);
  await moveTeam(tx, team, command, {
    reason: open ? 'stood_down' : 'manual',
    caseId: open?.case_id ?? null,
    dispatchId: open?.id ?? null,
    currentCaseId: null,
  });
}

/** One position of one team; not newer than its last one: 409 STALE_POSITION (devices send in order). */
export async function recordPosition(tx: WriteTx, p: teamRepo.PositionInput): Promise<{ accepted: number; stale: number; teamsMoved: number }> {
  const team = (await lockTeams(tx, [p.teamId])).get(p.teamId);
  if (!team) throw teamNotFound(p.teamId);
  const last = await teamRepo.lastPositionAt(tx.client, p.teamId);
  if (last && p.at.getTime() <= last.getTime()) {
    throw conflict('STALE_POSITION', `position at ${p.at.toISOString()} is not newer than the last stored one (${last.toISOString()}): send positions in order`, {
      current: { positionAt: last.toISOString() },
    });
  }
  const { accepted, moved } = await teamRepo.storePositions(tx.client, [p]);
  for (const m of moved) {
    tx.emit(
      draft('team.position', { at: m.at.toISOString(), status: m.status as TeamStatus, speed: m.speed, heading: m.heading }, { teamId: m.id, lon: m.lon, lat: m.lat }),
    );
  }
  return { accepted, stale: 0, teamsMoved: moved.length };
}

/**
 * Up to 1,000 positions of any teams. Positions not newer than a team's last one are counted as stale and
 * ignored (a gateway's batch mixes fresh and resent data); one `team.positions` event carries the newest
 * position of each team that moved.
 */
export async function recordPositions(tx: WriteTx, items: teamRepo.PositionInput[]): Promise<{ accepted: number; stale: number; teamsMoved: number }> {
  const ids = [...new Set(items.map((p) => p.teamId))];
  const locked = await lockTeams(tx, ids);
  const missing = ids.filter((id) => !locked.has(id)).sort((a, b) => a - b);
  if (missing.length) throw new HttpError(422, 'UNKNOWN_TEAM', `unknown team id${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')}`);
  const { accepted, moved } = await teamRepo.storePositions(tx.client, items);
  if (moved.length > 0) {
    tx.emit(
      draft('team.positions', {
        items: moved.map((m) => ({ teamId: m.id, lon: m.lon, lat: m.lat, at: m.at.toISOString(), status: m.status as TeamStatus })),
      }),
    );
  }
  return { accepted, stale: items.length - accepted, teamsMoved: moved.length };
}
