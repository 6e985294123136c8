/**
 * Hooks the browser tests read on the dispatch page (in addition to the map's `__GC__` / `__GC_READY__`):
 * - `__GC_DISPATCH__.ready()` — map drawn, teams and queues loaded;
 * - `liveConnected()` — the live stream is open;
 * - `teamStatus(code)` — the status the page shows for a team;
 * - `selectGrid(code)`, `selectCase(id, gridCode)` — what a click on the map does;
 * - `patrolTracks()` — grid workers on patrol whose track the map draws (two points or more).
 */
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { PatrolListResponse, TeamListResponse } from '@gridcommand/shared/schemas';
import { keys } from '../api/keys.ts';

export interface DispatchTestApi {
  ready(): boolean;
  liveConnected(): boolean;
  teamStatus(code: string): string | null;
  selectGrid(code: string): void;
  selectCase(id: number, gridCode: string): void;
  patrolTracks(): number;
}

declare global {
  interface Window {
    __GC_DISPATCH__?: DispatchTestApi;
  }
}

export function exposeDispatchHooks(api: DispatchTestApi): DispatchTestApi {
  window.__GC_DISPATCH__ = api;
  return api;
}

type Selected = { kind: 'grid'; code: string } | { kind: 'case'; id: number; gridCode: string };

/** The desk publishes its hooks again whenever what they read changes; `select` is what a map click does. */
export function useDispatchTestHooks(p: { ready: boolean; liveConnected: boolean; select: (s: Selected) => void }): void {
  const qc = useQueryClient();
  const { ready, liveConnected, select } = p;
  useEffect(() => {
    exposeDispatchHooks({
      ready: () => ready,
      liveConnected: () => liveConnected,
      teamStatus: (code) => qc.getQueryData<TeamListResponse>(keys.teams())?.items.find((x) => x.code === code)?.status ?? null,
      selectGrid: (code) => select({ kind: 'grid', code }),
      selectCase: (id, gridCode) => select({ kind: 'case', id, gridCode }),
      patrolTracks: () => (qc.getQueryData<PatrolListResponse>(keys.dispatch.patrols())?.items ?? []).filter((x) => x.track.length >= 2).length,
    });
    // `select` only calls state setters: the first one serves
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, liveConnected, qc]);
}
