/**
 * The desk's live stream. Teams follow the events through the shared fold: a `BoardState` of the teams seeded
 * from the teams query, changed by `applyEvents` only, written back into the react-query cache (batched, so a
 * storm of positions re-renders the board a few times a second at most). Case, dispatch and supervision events
 * ask for a (debounced) refetch of the queues and panels; patrol zone events refetch the zones and coverage.
 * Every open case in scope is on the map as typed arrays (`caseMap`: the binary snapshot GET
 * /api/map/open-cases.bin folded with the same events, docs/map-data.md); the stream starts where it ends.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { applyEvents, boardFromSnapshot, type BoardState } from '@gridcommand/shared/domain';
import type { LiveEvent, Team, TeamListResponse } from '@gridcommand/shared/schemas';
import { keys } from '../api/keys.ts';
import { useLive, type LiveState, type LiveTypeFilter } from '../api/live.ts';
import { useOpenCasesBin } from '../api/open-cases-bin.ts';
import { CASE_PAINT } from '../map/layers/case-paint.ts';
import { LiveCaseMap } from '../wall/case-columns.ts';

const LIVE_TYPES: readonly LiveTypeFilter[] = ['case.*', 'team.*', 'dispatch.*', 'patrol_zone.*', 'supervision.*', 'patrol.*', 'areas.*'];
const CASE_REFRESH_MS = 300;
/** grid workers' tracks are read again at most this often while they move */
const PATROL_REFRESH_MS = 2_000;
const TEAM_WRITE_MS = 250;
/** the map of open cases is redrawn at most this often while events arrive */
const CASE_MAP_DRAW_MS = 250;
/** team events kept to fold again onto a team list that was read before they happened */
const RECENT_TEAM_EVENTS = 2_000;

/** What a batch of events asks the desk to do. */
export interface DeskImpact {
  teamEvents: LiveEvent[];
  /** a team changed status: the nearest-teams answers are out of date */
  teamStatus: boolean;
  cases: boolean;
  zones: boolean;
  /** a grid worker's patrol started, moved, checked in or stopped */
  patrols: boolean;
  /** the areas were imported again: area and grid queries are out of date */
  areas: boolean;
}

export function impactOf(events: readonly LiveEvent[]): DeskImpact {
  const out: DeskImpact = { teamEvents: [], teamStatus: false, cases: false, zones: false, patrols: false, areas: false };
  for (const e of events) {
    switch (e.type) {
      case 'team.status':
        out.teamStatus = true;
        out.teamEvents.push(e);
        break;
      case 'team.reserved':
      case 'team.reservation_closed':
        // a reservation changes which teams are offered: the team list and the nearest teams are read again
        out.teamStatus = true;
        out.cases = true;
        break;
      case 'team.position':
      case 'team.positions':
        out.teamEvents.push(e);
        break;
      case 'case.created':
      case 'case.updated':
      case 'case.escalated':
      case 'case.closed':
      case 'case.light':
      case 'case.attached':
      case 'dispatch.created':
      case 'supervision.opened':
      case 'supervision.closed':
        out.cases = true;
        break;
      case 'patrol_zone.created':
      case 'patrol_zone.deleted':
        out.zones = true;
        break;
      case 'patrol.started':
      case 'patrol.moved':
      case 'patrol.stopped':
      case 'patrol.checkin':
        out.patrols = true;
        break;
      case 'visit.logged':
        break;
      case 'areas.imported':
        out.areas = true;
        break;
    }
  }
  return out;
}

/** The teams of the list, each replaced by the board's when the board has it (the list's order kept). */
export function teamsFromBoard(list: TeamListResponse, board: BoardState<Team>): TeamListResponse {
  return { ...list, items: list.items.map((t) => board.teams.get(t.id) ?? t) };
}

/** A team the server answered with (an action's result): taken unless the board already has a newer one. */
export function withTeam(board: BoardState<Team>, team: Team): BoardState<Team> {
  const mine = board.teams.get(team.id);
  if (mine && mine.version > team.version) return board;
  const keepPosition = mine?.positionAt && (!team.positionAt || Date.parse(mine.positionAt) > Date.parse(team.positionAt));
  const next = keepPosition ? { ...team, lon: mine.lon, lat: mine.lat, positionAt: mine.positionAt } : team;
  const teams = [...board.teams.values()].filter((t) => t.id !== team.id);
  teams.push(next);
  return boardFromSnapshot({ cases: [], teams, lastEventId: board.lastEventId });
}

/** The desk's teams on a board: seeded from the teams query, folded with applyEvents, written back to the cache. */
export class DeskTeamFold {
  board: BoardState<Team> = boardFromSnapshot<Team>({ cases: [], teams: [], lastEventId: 0 });
  private seededFrom: TeamListResponse | undefined;
  private recent: LiveEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** the list this fold wrote into the cache last (not a new snapshot) */
  private written: TeamListResponse | undefined;

  constructor(private readonly qc: QueryClient) {}

  /** (Re)seeds from the cached team list when the server gave a new one. */
  seed(): void {
    const list = this.qc.getQueryData<TeamListResponse>(keys.teams());
    if (!list || list === this.seededFrom || list === this.written) return;
    this.seededFrom = list;
    const fresh = boardFromSnapshot({ cases: [], teams: list.items, lastEventId: this.board.lastEventId });
    // events that came while the list was on its way: versions and position times drop what it already has
    this.board = applyEvents(fresh, this.recent).state;
    if (this.board !== fresh) this.scheduleWrite();
  }

  fold(events: readonly LiveEvent[]): void {
    this.seed();
    for (const e of events) this.recent.push(e);
    if (this.recent.length > 2 * RECENT_TEAM_EVENTS) this.recent = this.recent.slice(-RECENT_TEAM_EVENTS);
    const { state, changedTeams } = applyEvents(this.board, events);
    this.board = state;
    if (changedTeams.size > 0) this.scheduleWrite();
  }

  put(team: Team): void {
    this.seed();
    this.board = withTeam(this.board, team);
    this.flush();
  }

  private scheduleWrite(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => this.flush(), TEAM_WRITE_MS);
  }

  /** Writes the board's teams into the cache now (otherwise within TEAM_WRITE_MS of a change). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const list = this.qc.getQueryData<TeamListResponse>(keys.teams());
    if (!list) return;
    if (list !== this.seededFrom && list !== this.written) this.seed();
    const next = teamsFromBoard(list, this.board);
    this.written = next;
    this.qc.setQueryData<TeamListResponse>(keys.teams(), next);
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

export interface DeskLive {
  live: LiveState;
  /** the debounced refetch of queues, grid cases, the open case and the nearest teams */
  refreshCases(): void;
  /** puts a team the server answered with on the board (assign, step, status change) */
  putTeam(team: Team): void;
  /** every open case in scope, as the map draws them */
  caseMap: LiveCaseMap;
  /** bumps (at most every CASE_MAP_DRAW_MS) when the case map changed */
  caseMapVersion: number;
}

/** `teamsUpdatedAt`: the teams query's dataUpdatedAt (0 while it has no data). */
export function useDeskLive(teamsUpdatedAt: number): DeskLive {
  const qc = useQueryClient();
  const foldRef = useRef<DeskTeamFold | null>(null);
  foldRef.current ??= new DeskTeamFold(qc);
  const fold = foldRef.current;
  useEffect(() => () => fold.dispose(), [fold]);
  // a new team list from the server: the board starts again from it
  useEffect(() => {
    if (teamsUpdatedAt > 0) fold.seed();
  }, [fold, teamsUpdatedAt]);
  const teamsLoaded = teamsUpdatedAt > 0;

  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshCases = useCallback(() => {
    if (refreshTimer.current !== null) return;
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      void qc.invalidateQueries({ queryKey: keys.dispatch.queues() });
      void qc.invalidateQueries({ queryKey: keys.dispatch.gridCaseLists() });
      void qc.invalidateQueries({ queryKey: keys.dispatch.cases() });
      void qc.invalidateQueries({ queryKey: keys.dispatch.nearestAll() });
      void qc.invalidateQueries({ queryKey: keys.dispatch.caseTeamsAll() });
    }, CASE_REFRESH_MS);
  }, [qc]);
  const patrolTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshPatrols = useCallback(() => {
    if (patrolTimer.current !== null) return;
    patrolTimer.current = setTimeout(() => {
      patrolTimer.current = null;
      void qc.invalidateQueries({ queryKey: keys.dispatch.patrols() });
    }, PATROL_REFRESH_MS);
  }, [qc]);
  useEffect(
    () => () => {
      if (refreshTimer.current !== null) clearTimeout(refreshTimer.current);
      if (patrolTimer.current !== null) clearTimeout(patrolTimer.current);
    },
    [],
  );

  // ── every open case: the binary snapshot, then the stream from where it ends ──
  const [caseMap] = useState(() => new LiveCaseMap(CASE_PAINT));
  const [caseMapVersion, setCaseMapVersion] = useState(0);
  const bin = useOpenCasesBin();
  const drawTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const redraw = useCallback(() => {
    if (drawTimer.current !== null) return;
    drawTimer.current = setTimeout(() => {
      drawTimer.current = null;
      setCaseMapVersion(caseMap.columns.version);
    }, CASE_MAP_DRAW_MS);
  }, [caseMap]);
  useEffect(() => {
    if (!bin.data) return;
    caseMap.load(bin.data);
    setCaseMapVersion(caseMap.columns.version);
  }, [bin.data, caseMap]);
  useEffect(
    () => () => {
      if (drawTimer.current !== null) clearTimeout(drawTimer.current);
    },
    [],
  );

  const onBatch = useCallback(
    (events: readonly LiveEvent[]) => {
      if (caseMap.fold(events)) redraw();
      const impact = impactOf(events);
      if (impact.teamEvents.length > 0) fold.fold(impact.teamEvents);
      if (impact.teamStatus) {
        void qc.invalidateQueries({ queryKey: keys.dispatch.nearestAll() });
        void qc.invalidateQueries({ queryKey: keys.dispatch.caseTeamsAll() });
        void qc.invalidateQueries({ queryKey: keys.dispatch.teamBoard() });
      }
      if (impact.cases) refreshCases();
      if (impact.patrols) refreshPatrols();
      if (impact.areas) {
        void qc.invalidateQueries({ queryKey: keys.allAreas() });
        void qc.invalidateQueries({ queryKey: keys.allGrids() });
      }
      if (impact.zones) {
        void qc.invalidateQueries({ queryKey: keys.dispatch.zones() });
        void qc.invalidateQueries({ queryKey: keys.dispatch.coverage() });
      }
    },
    [fold, qc, refreshCases, refreshPatrols, caseMap, redraw],
  );
  const binSettled = bin.isSuccess || bin.isError;
  const live = useLive(onBatch, { types: LIVE_TYPES, enabled: binSettled, since: bin.data?.lastEventId ?? null });

  // a reconnect missed nothing (the stream replays), but the team list is a snapshot: refresh it
  const wasConnected = useRef(false);
  useEffect(() => {
    if (live.connected && !wasConnected.current && teamsLoaded) void qc.invalidateQueries({ queryKey: keys.teams() });
    wasConnected.current = live.connected;
  }, [live.connected, qc, teamsLoaded]);

  const putTeam = useCallback((team: Team) => fold.put(team), [fold]);
  return { live, refreshCases, putTeam, caseMap, caseMapVersion };
}
