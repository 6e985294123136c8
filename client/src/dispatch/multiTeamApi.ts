/** Server data of several teams per case: a case's teams, the who-is-where board, and the writes on them. */
import { useQuery } from '@tanstack/react-query';
import type { BoardResponse, CaseTeamsResponse, DispatchResponse, Reservation, StandDownResponse } from '@gridcommand/shared/schemas';
import { apiFetch } from '../api/http.ts';
import { keys } from '../api/keys.ts';

export function useCaseTeams(caseId: number | null) {
  return useQuery({
    queryKey: keys.dispatch.caseTeams(caseId ?? 0),
    queryFn: ({ signal }) => apiFetch<CaseTeamsResponse>(`/api/cases/${caseId}/teams`, { signal }),
    enabled: caseId !== null,
    staleTime: 10_000,
  });
}

/** Who is where: refetched on team events (useDeskLive) and every 15 s for positions and ETAs. */
export function useTeamBoard(enabled: boolean) {
  return useQuery({
    queryKey: keys.dispatch.teamBoard(),
    queryFn: ({ signal }) => apiFetch<BoardResponse>('/api/teams/board', { signal }),
    enabled,
    staleTime: 10_000,
    refetchInterval: enabled ? 15_000 : false,
  });
}

/** 增援: a supporting team joins the case; nobody is stood down. */
export const addSupport = (c: { id: number; version: number }, team: { id: number; version: number }) =>
  apiFetch<DispatchResponse>('/api/dispatch', {
    method: 'POST',
    body: { caseId: c.id, teamId: team.id, caseVersion: c.version, teamVersion: team.version, role: 'support' },
  });

export const standDownSupport = (caseId: number, teamId: number) =>
  apiFetch<StandDownResponse>(`/api/cases/${caseId}/teams/${teamId}`, { method: 'DELETE' });

/** 预留: hold the team for the case (15 min) before sending it. */
export const reserveTeam = (caseId: number, teamId: number) =>
  apiFetch<Reservation>(`/api/teams/${teamId}/reservation`, { method: 'POST', body: { caseId } });

export const releaseReservation = (teamId: number) => apiFetch<void>(`/api/teams/${teamId}/reservation`, { method: 'DELETE' });
