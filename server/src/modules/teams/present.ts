/** How teams and dispatch records are shown: member names only to the command center (admin, dispatcher). */
import type { Dispatch, Team } from '@gridcommand/shared/schemas';
import type { AuthUser } from '../auth/repository.ts';
import type { DispatchRow, TeamRow } from './repository.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentTeam(row: TeamRow, withMembers: boolean): Team {
  const t: Team = {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind as Team['kind'],
    status: row.status as Team['status'],
    homeZoneCode: row.home_zone_code,
    lon: row.lon,
    lat: row.lat,
    positionAt: iso(row.position_at),
    memberCount: row.member_count,
    currentCaseId: row.current_case_id,
    currentRole: row.current_role,
    reservation: row.reservation_id !== null && row.reservation_case_id !== null && row.reservation_until
      ? { id: row.reservation_id, caseId: row.reservation_case_id, until: row.reservation_until.toISOString() }
      : null,
    version: row.version,
  };
  if (withMembers && row.members) t.members = row.members;
  return t;
}

export function presentDispatch(d: DispatchRow): Dispatch {
  return {
    id: d.id,
    caseId: d.case_id,
    teamId: d.team_id,
    dispatcherId: d.dispatcher_id,
    dispatchedAt: d.dispatched_at.toISOString(),
    arrivedAt: iso(d.arrived_at),
    finishedAt: iso(d.finished_at),
    cancelledAt: iso(d.cancelled_at),
    distanceM: d.distance_m === null ? null : Math.round(d.distance_m),
    etaS: d.eta_s,
    role: d.role,
  };
}

/** Member names are shown to the command center only (admin, dispatcher). */
export const mayseeMembers = (user: AuthUser | null) => user?.role === 'admin' || user?.role === 'dispatcher';
