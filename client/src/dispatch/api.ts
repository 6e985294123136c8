/** Server data of the dispatcher's desk: react-query hooks and the write calls. */
import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type {
  PatrolListResponse,
  Case,
  CaseListResponse,
  CoverageResponse,
  DispatchResponse,
  NearestResponse,
  PatrolZone,
  PatrolZoneListResponse,
  RosterResponse,
  Team,
  TeamListResponse,
} from '@gridcommand/shared/schemas';
import { apiFetch } from '../api/http.ts';
import { keys } from '../api/keys.ts';

export { useCategories } from '../api/queries.ts';

export type { Case, Team, NearestResponse, PatrolZone, CoverageResponse };

export interface Me {
  user: { id: number; username: string; displayName: string; role: string };
}

/**
 * Who is logged in. Not a react-query query on purpose: a 401 here is the normal way to learn that the user must
 * log in (the page redirects), not an error for the toast stack.
 */
export function useMe(): { data: Me | undefined; error: unknown; isLoading: boolean } {
  const [state, setState] = useState<{ data: Me | undefined; error: unknown; isLoading: boolean }>({ data: undefined, error: null, isLoading: true });
  useEffect(() => {
    const ctl = new AbortController();
    apiFetch<Me>('/api/auth/me', { signal: ctl.signal }).then(
      (data) => setState({ data, error: null, isLoading: false }),
      (error: unknown) => {
        if (!ctl.signal.aborted) setState({ data: undefined, error, isLoading: false });
      },
    );
    return () => ctl.abort();
  }, []);
  return state;
}

export function useTeams(enabled: boolean) {
  return useQuery({
    queryKey: keys.teams(),
    queryFn: ({ signal }) => apiFetch<TeamListResponse>('/api/teams', { signal }),
    enabled,
    staleTime: 60_000,
  });
}

/** The queues: open cases in the states a dispatcher acts on (newest first, up to 200 each). */
export const QUEUES = {
  emergency: '/api/cases?priority=emergency&limit=100',
  reported: '/api/cases?status=reported&limit=200',
  filed: '/api/cases?status=filed&limit=200',
  red: '/api/cases?light=red&limit=200',
  yellow: '/api/cases?light=yellow&limit=200',
  supervised: '/api/cases?supervised=true&limit=200',
  /** cases whose latest verification on site was far from the case (or without a position) */
  flagged: '/api/cases?flagged=true&limit=100',
} as const;
export type QueueName = keyof typeof QUEUES;

export function useQueue(name: QueueName, enabled: boolean) {
  return useQuery({
    queryKey: keys.dispatch.queue(name),
    queryFn: ({ signal }) => apiFetch<CaseListResponse>(QUEUES[name], { signal }),
    enabled,
    staleTime: 30_000,
  });
}

export function useGridCases(code: string | null) {
  return useQuery({
    queryKey: keys.dispatch.gridCases(code ?? ''),
    queryFn: ({ signal }) => apiFetch<CaseListResponse>(`/api/cases?grid=${encodeURIComponent(code ?? '')}&limit=100`, { signal }),
    enabled: code !== null,
    staleTime: 15_000,
  });
}

export function useCase(id: number | null) {
  return useQuery({
    queryKey: keys.dispatch.case(id ?? 0),
    queryFn: ({ signal }) => apiFetch<Case>(`/api/cases/${id}`, { signal }),
    enabled: id !== null,
    staleTime: 10_000,
  });
}

export function useNearest(target: { caseId: number } | { lon: number; lat: number } | null) {
  const key = target === null ? '' : 'caseId' in target ? `case:${target.caseId}` : `pt:${target.lon.toFixed(6)},${target.lat.toFixed(6)}`;
  const qs = target === null ? '' : 'caseId' in target ? `caseId=${target.caseId}` : `lon=${target.lon}&lat=${target.lat}`;
  return useQuery({
    queryKey: keys.dispatch.nearest(key),
    queryFn: ({ signal }) => apiFetch<NearestResponse>(`/api/teams/nearest?${qs}&limit=5`, { signal }),
    enabled: target !== null,
    staleTime: 5_000,
  });
}

export function useRoster(code: string | null) {
  return useQuery({
    queryKey: keys.dispatch.roster(code ?? ''),
    queryFn: ({ signal }) => apiFetch<RosterResponse>(`/api/dispatch/grids/${encodeURIComponent(code ?? '')}/roster`, { signal }),
    enabled: code !== null,
    staleTime: 5 * 60_000,
  });
}

export function useZones(enabled: boolean) {
  return useQuery({
    queryKey: keys.dispatch.zones(),
    queryFn: ({ signal }) => apiFetch<PatrolZoneListResponse>('/api/patrol-zones', { signal }),
    enabled,
    staleTime: 60_000,
  });
}

/** Grid workers on patrol now, with their thinned tracks (refetched on patrol events, see useDeskLive). */
export function useActivePatrols() {
  return useQuery({
    queryKey: keys.dispatch.patrols(),
    queryFn: ({ signal }) => apiFetch<PatrolListResponse>('/api/patrols?active=true', { signal }),
    staleTime: 60_000,
  });
}

export function useCoverage(enabled: boolean) {
  return useQuery({
    queryKey: keys.dispatch.coverage(),
    queryFn: ({ signal }) => apiFetch<CoverageResponse>('/api/patrol-zones/coverage', { signal }),
    enabled,
    staleTime: 60_000,
  });
}

// ── writes ──

export const assignTeam = (c: Pick<Case, 'id' | 'version'>, team: Pick<Team, 'id' | 'version'>) =>
  apiFetch<DispatchResponse>('/api/dispatch', {
    method: 'POST',
    body: { caseId: c.id, teamId: team.id, caseVersion: c.version, teamVersion: team.version },
  });

export const caseAction = (c: Pick<Case, 'id' | 'version'>, action: string, extra: Record<string, unknown> = {}) =>
  apiFetch<Case>(`/api/cases/${c.id}/actions`, { method: 'POST', body: { action, version: c.version, ...extra } });

export const createCase = (body: Record<string, unknown>) => apiFetch<Case>('/api/cases', { method: 'POST', body });

export const setTeamStatus = (team: Pick<Team, 'id' | 'version'>, status: string) =>
  apiFetch<Team>(`/api/teams/${team.id}/status`, { method: 'PUT', body: { status, version: team.version } });

export const teamStep = (teamId: number, step: 'arrived' | 'finished') =>
  apiFetch<{ team: Team }>(`/api/teams/${teamId}/${step}`, { method: 'POST', body: {} });

export const createZone = (body: Record<string, unknown>) => apiFetch<PatrolZone>('/api/patrol-zones', { method: 'POST', body });
export const deleteZone = (id: number) => apiFetch<void>(`/api/patrol-zones/${id}`, { method: 'DELETE' });

export const locate = (lon: number, lat: number) =>
  apiFetch<{ grid: { code: string; name: string; displayCode?: string }; community: { name: string }; street: { name: string } }>(
    `/api/locate?lon=${lon}&lat=${lat}`,
  );
