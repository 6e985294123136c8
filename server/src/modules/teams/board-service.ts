/**
 * Reading side of several teams per case: a case's teams (lead and supporting, each with its own state, distance
 * and remaining ETA, and the teams reserved for it) and the "who is where" board (every team, its case and role,
 * the street and grid at its position, the age of that position, its ETA). No member names: the wall reads the
 * board too.
 */
import type pg from 'pg';
import { TEAM_STATUSES, remainingEtaSeconds, supportAllowed, type CaseState, type Priority, type TeamStatus } from '@gridcommand/shared/domain';
import type { BoardResponse, BoardTeam, CaseTeamsResponse, Reservation } from '@gridcommand/shared/schemas';
import { notFound } from '../../plugins/errors.ts';
import type { AuthUser } from '../auth/repository.ts';
import * as caseRepo from '../cases/repository.ts';
import { mayseeMembers, presentDispatch, presentTeam } from './present.ts';
import * as repo from './repository.ts';

export function presentReservation(r: repo.ReservationRow): Reservation {
  return {
    id: r.id,
    teamId: r.team_id,
    teamCode: r.team_code,
    teamName: r.team_name,
    caseId: r.case_id,
    caseCode: r.case_code,
    reservedAt: r.reserved_at.toISOString(),
    until: r.expires_at.toISOString(),
    reservedBy: r.reserved_by,
    note: r.note,
  };
}

/** GET /api/cases/:id/teams */
export async function caseTeams(db: repo.Queryable, user: AuthUser | null, caseId: number): Promise<CaseTeamsResponse> {
  const c = await repo.casePoint(db, caseId);
  if (!c || (user && !caseRepo.inScope(user, c))) throw notFound('CASE_NOT_FOUND', `case ${caseId} not found`);
  const now = new Date();
  const [dispatches, distances, reservations] = await Promise.all([
    repo.openDispatchesOfCase(db, caseId),
    repo.caseTeamDistances(db, caseId),
    repo.reservationsOfCase(db, caseId, now),
  ]);
  const withMembers = mayseeMembers(user);
  const teams = dispatches.length ? await repo.teamsByIds(db, dispatches.map((d) => d.team_id), withMembers) : [];
  const teamById = new Map(teams.map((t) => [t.id, t]));
  const distById = new Map(distances.map((d) => [d.team_id, d]));
  const status = c.status as CaseState;
  return {
    caseId: c.id,
    caseCode: c.code,
    caseStatus: status,
    leadTeamId: c.team_id,
    supportAllowed: supportAllowed(status),
    items: dispatches
      .filter((d) => teamById.has(d.team_id))
      .map((d) => {
        const team = teamById.get(d.team_id)!;
        const dist = distById.get(d.team_id);
        const m = dist?.m ?? null;
        return {
          team: presentTeam(team, withMembers),
          role: d.role,
          dispatch: presentDispatch(d),
          state: team.status as TeamStatus,
          since: d.dispatched_at.toISOString(),
          distanceM: m === null ? null : Math.round(m),
          etaS: remainingEtaSeconds(team.status as TeamStatus, m, dist?.urban ?? false),
        };
      }),
    reservations: reservations.map(presentReservation),
  };
}

/** GET /api/teams/board */
export async function teamBoard(pool: pg.Pool, q: { kind?: string; status?: string }, lastEventId: number): Promise<BoardResponse> {
  const now = new Date();
  const rows = await repo.boardRows(pool, { ...q, at: now });
  const counts = { available: 0, en_route: 0, on_scene: 0, off_duty: 0, reserved: 0 };
  const items: BoardTeam[] = rows.map((r) => {
    const status = r.status as TeamStatus;
    if ((TEAM_STATUSES as readonly string[]).includes(status)) counts[status]++;
    if (r.reservation_id !== null && status === 'available') counts.reserved++;
    const m = r.distance_m;
    return {
      id: r.id,
      code: r.code,
      name: r.name,
      kind: r.kind as BoardTeam['kind'],
      status,
      lon: r.lon,
      lat: r.lat,
      positionAt: r.position_at ? r.position_at.toISOString() : null,
      positionAgeS: r.position_at ? Math.max(0, Math.round((now.getTime() - r.position_at.getTime()) / 1000)) : null,
      gridCode: r.grid_code,
      gridName: r.grid_name,
      streetCode: r.street_code,
      streetName: r.street_name,
      case:
        r.case_id !== null && r.case_code !== null && r.case_role !== null
          ? { id: r.case_id, code: r.case_code, role: r.case_role, priority: r.case_priority as Priority, status: r.case_status as CaseState }
          : null,
      distanceM: m === null ? null : Math.round(m),
      etaS: r.case_id === null ? null : remainingEtaSeconds(status, m, r.case_urban ?? false),
      reservation:
        r.reservation_id !== null && r.reservation_case_id !== null && r.reservation_until
          ? { id: r.reservation_id, caseId: r.reservation_case_id, caseCode: r.reservation_case_code ?? '', until: r.reservation_until.toISOString() }
          : null,
      version: r.version,
    };
  });
  return { at: now.toISOString(), lastEventId, counts, items };
}
