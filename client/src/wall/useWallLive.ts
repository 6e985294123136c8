/**
 * The wall's live data: the store seeded from the snapshots (grid lights, shown until the open cases are folded in; the open cases as the
 * binary snapshot GET /api/map/open-cases.bin, teams), the live stream resumed where the snapshots end and fed to
 * the store in batches, and the headline numbers refetched (debounced) when an event may have moved them. The
 * snapshot is read once: a reconnect resumes the stream with Last-Event-ID (the server replays the gap).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { keys } from '../api/keys.ts';
import { useOpenCasesBin } from '../api/open-cases-bin.ts';
import { useLive, type LiveEvent, type LiveState } from '../api/live.ts';
import { useGridLights, useTeams } from '../api/stats.ts';
import { WallStore } from './store.ts';
import { affectsStats } from './ticker.ts';

const STATS_DEBOUNCE_MS = 10_000;

export interface WallLive {
  store: WallStore;
  live: LiveState;
  /** every snapshot the stream depends on answered (or failed) */
  snapshotsSettled: boolean;
}

const settled = (q: { isSuccess: boolean; isError: boolean }) => q.isSuccess || q.isError;

export function useWallLive(opts: { street: string | null; reconnectMaxMs?: number }): WallLive {
  const queryClient = useQueryClient();
  const [store] = useState(() => new WallStore({ street: opts.street }));
  useEffect(() => () => store.dispose(), [store]);

  // ── snapshots, each loaded once ──
  const gridLights = useGridLights();
  const openCases = useOpenCasesBin();
  const teams = useTeams();
  const loaded = useRef({ lights: false, cases: false, teams: false });
  useEffect(() => {
    if (gridLights.data && !loaded.current.lights) {
      loaded.current.lights = true;
      store.loadGridLights(gridLights.data.items);
    }
  }, [gridLights.data, store]);
  useEffect(() => {
    if (openCases.data && !loaded.current.cases) {
      loaded.current.cases = true;
      store.loadOpenCasesBin(openCases.data);
    }
  }, [openCases.data, store]);
  useEffect(() => {
    if (teams.data && !loaded.current.teams) {
      loaded.current.teams = true;
      store.loadTeams(teams.data.items);
    }
  }, [teams.data, store]);

  // ── headline numbers: refetched on events, at most every 10 s ──
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastRefresh = useRef(0);
  const refreshStats = useCallback(() => {
    if (refreshTimer.current) return;
    const wait = Math.max(0, lastRefresh.current + STATS_DEBOUNCE_MS - Date.now());
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      lastRefresh.current = Date.now();
      void queryClient.invalidateQueries({ queryKey: keys.stats.overviews() });
      void queryClient.invalidateQueries({ queryKey: keys.stats.streetLists() });
      void queryClient.invalidateQueries({ queryKey: keys.supervisionOpen() });
    }, wait);
  }, [queryClient]);
  useEffect(
    () => () => {
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
    },
    [],
  );

  // ── the stream starts where the snapshots end (or at "now" when there is none) ──
  const snapshotsSettled = settled(gridLights) && settled(openCases);
  const since = openCases.data?.lastEventId ?? gridLights.data?.lastEventId ?? null;
  const onBatch = useCallback(
    (events: readonly LiveEvent[]) => {
      store.push(events);
      if (events.some(affectsStats)) refreshStats();
      // new areas from an import: read the areas and grids again (the map's tiles follow their max-age)
      if (events.some((e) => e.type === 'areas.imported')) {
        void queryClient.invalidateQueries({ queryKey: keys.allAreas() });
        void queryClient.invalidateQueries({ queryKey: keys.allGrids() });
      }
    },
    [store, refreshStats, queryClient],
  );
  const live = useLive(onBatch, { enabled: snapshotsSettled, since, street: opts.street, maxDelayMs: opts.reconnectMaxMs });

  return { store, live, snapshotsSettled };
}
