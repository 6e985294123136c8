/**
 * What a live screen shows — the open cases and the teams — and the one way events change it: `applyEvent`.
 * A screen starts from snapshots (GET /api/map/open-cases and GET /api/teams, whose `lastEventId` says where to
 * resume the live stream) and folds every event through this function, so that a wall that has run for a week
 * shows exactly what one loaded now shows.
 *
 * Rules
 * - The board holds the open cases (OPEN_STATES: reported, filed, dispatched, in progress) of its scope (a street,
 *   or the whole district). A case event carries the case's facts after the change: an open case is put on the
 *   board as it is now, any other state takes it off. Facts of an older version than the board's are ignored,
 *   so replaying events that a snapshot already contains changes nothing.
 * - Teams come from the snapshot; `team.status` sets status, current case and version (older versions ignored);
 *   positions move a team when they are newer than the one it has. Unknown teams are ignored.
 * - Every other event changes nothing but `lastEventId`.
 *
 * Pure: `applyEvent` returns a new board and never changes its input. `applyEvents` folds a batch and copies each
 * collection at most once (a wall folds what arrived in one frame), and says which cases and teams changed.
 */
import type { CaseFacts, LiveEvent } from '../schemas/events.ts';
import { isOpenState } from './case-state.ts';
import { worstLight, type Light } from './lights.ts';
import type { TeamStatus } from './team-state.ts';

/** The fields of a team that events change; a screen's team type may carry more (name, kind, members…). */
export interface BoardTeamFields {
  id: number;
  status: TeamStatus;
  currentCaseId: number | null;
  version: number;
  lon: number | null;
  lat: number | null;
  positionAt: string | null;
}

export interface BoardState<T extends BoardTeamFields = BoardTeamFields> {
  /** open cases of the scope, by id */
  readonly cases: ReadonlyMap<number, CaseFacts>;
  readonly teams: ReadonlyMap<number, T>;
  /** the newest event folded in (or the snapshot's resume point) */
  readonly lastEventId: number;
  /** 9-digit street code; null: the whole district */
  readonly street: string | null;
}

export interface BoardSnapshot<T extends BoardTeamFields> {
  cases: readonly CaseFacts[];
  teams: readonly T[];
  lastEventId: number;
  street?: string | null;
}

/** Whether a case belongs on a board of this scope. */
export function onBoard(c: Pick<CaseFacts, 'status' | 'streetCode'>, street: string | null): boolean {
  return isOpenState(c.status) && (street === null || c.streetCode === street);
}

export function boardFromSnapshot<T extends BoardTeamFields>(s: BoardSnapshot<T>): BoardState<T> {
  const street = s.street ?? null;
  const cases = new Map<number, CaseFacts>();
  for (const c of s.cases) if (onBoard(c, street)) cases.set(c.id, c);
  return { cases, teams: new Map(s.teams.map((t) => [t.id, t])), lastEventId: s.lastEventId, street };
}

export function emptyBoard<T extends BoardTeamFields = BoardTeamFields>(street: string | null = null): BoardState<T> {
  return { cases: new Map(), teams: new Map(), lastEventId: 0, street };
}

export interface FoldResult<T extends BoardTeamFields> {
  state: BoardState<T>;
  /** ids of cases put on, changed on, or taken off the board */
  changedCases: ReadonlySet<number>;
  changedTeams: ReadonlySet<number>;
}

/** A fold in progress: collections are copied on their first change only. */
class Draft<T extends BoardTeamFields> {
  cases: Map<number, CaseFacts> | null = null;
  teams: Map<number, T> | null = null;
  readonly changedCases = new Set<number>();
  readonly changedTeams = new Set<number>();
  lastEventId: number;

  constructor(readonly base: BoardState<T>) {
    this.lastEventId = base.lastEventId;
  }

  caseById(id: number): CaseFacts | undefined {
    return (this.cases ?? this.base.cases).get(id);
  }
  teamById(id: number): T | undefined {
    return (this.teams ?? this.base.teams).get(id);
  }
  putCase(c: CaseFacts): void {
    (this.cases ??= new Map(this.base.cases)).set(c.id, c);
    this.changedCases.add(c.id);
  }
  dropCase(id: number): void {
    if (!this.caseById(id)) return;
    (this.cases ??= new Map(this.base.cases)).delete(id);
    this.changedCases.add(id);
  }
  putTeam(t: T): void {
    (this.teams ??= new Map(this.base.teams)).set(t.id, t);
    this.changedTeams.add(t.id);
  }

  result(): FoldResult<T> {
    const state: BoardState<T> =
      this.cases || this.teams || this.lastEventId !== this.base.lastEventId
        ? { cases: this.cases ?? this.base.cases, teams: this.teams ?? this.base.teams, lastEventId: this.lastEventId, street: this.base.street }
        : this.base;
    return { state, changedCases: this.changedCases, changedTeams: this.changedTeams };
  }
}

function newer(at: string, than: string | null): boolean {
  if (than === null) return true;
  return Date.parse(at) > Date.parse(than);
}

function moveTeam<T extends BoardTeamFields>(d: Draft<T>, p: { teamId: number; lon: number; lat: number; at: string; status?: TeamStatus }): void {
  const t = d.teamById(p.teamId);
  if (!t || !newer(p.at, t.positionAt)) return;
  d.putTeam({ ...t, lon: p.lon, lat: p.lat, positionAt: p.at });
}

function foldCase<T extends BoardTeamFields>(d: Draft<T>, facts: CaseFacts): void {
  const current = d.caseById(facts.id);
  if (current && current.version > facts.version) return;
  if (onBoard(facts, d.base.street)) {
    if (current && current.version === facts.version && sameFacts(current, facts)) return;
    d.putCase(facts);
  } else if (d.base.street === null || facts.streetCode === d.base.street) {
    d.dropCase(facts.id);
  }
}

function sameFacts(a: CaseFacts, b: CaseFacts): boolean {
  for (const k of Object.keys(b) as (keyof CaseFacts)[]) if (a[k] !== b[k]) return false;
  return true;
}

function foldOne<T extends BoardTeamFields>(d: Draft<T>, e: LiveEvent): void {
  if (e.id > d.lastEventId) d.lastEventId = e.id;
  switch (e.type) {
    case 'case.created':
    case 'case.updated':
    case 'case.escalated':
    case 'case.closed':
    case 'case.light':
    case 'case.attached':
      foldCase(d, e.payload.case);
      return;
    case 'team.status': {
      const f = e.payload.team;
      const t = d.teamById(f.id);
      if (!t || t.version > f.version) return;
      if (t.status === f.status && t.currentCaseId === f.currentCaseId && t.version === f.version) return;
      d.putTeam({ ...t, status: f.status, currentCaseId: f.currentCaseId, version: f.version });
      return;
    }
    case 'team.position':
      if (e.teamId !== null && e.lon !== null && e.lat !== null) moveTeam(d, { teamId: e.teamId, lon: e.lon, lat: e.lat, at: e.payload.at });
      return;
    case 'team.positions':
      for (const item of e.payload.items) moveTeam(d, item);
      return;
    case 'supervision.opened':
    case 'supervision.closed':
    case 'dispatch.created':
    case 'team.reserved':
    case 'team.reservation_closed':
    case 'patrol_zone.created':
    case 'patrol_zone.deleted':
    case 'patrol.started':
    case 'patrol.moved':
    case 'patrol.stopped':
    case 'patrol.checkin':
    case 'visit.logged':
    case 'areas.imported':
      return;
  }
}

/** Folds a batch of events (in stream order) into the board. */
export function applyEvents<T extends BoardTeamFields>(state: BoardState<T>, events: readonly LiveEvent[]): FoldResult<T> {
  const d = new Draft(state);
  for (const e of events) foldOne(d, e);
  return d.result();
}

/** Folds one event into the board: the only way a screen changes what it shows between snapshots. */
export function applyEvent<T extends BoardTeamFields>(state: BoardState<T>, event: LiveEvent): BoardState<T> {
  return applyEvents(state, [event]).state;
}

/** The worst light of each grid with open cases on the board (grids not listed are neutral). */
export function gridLightsOf(state: Pick<BoardState, 'cases'>): Map<string, Light> {
  const out = new Map<string, Light>();
  for (const c of state.cases.values()) out.set(c.gridCode, worstLight([out.get(c.gridCode) ?? 'none', c.light]));
  return out;
}

/** Open cases on the board by light. */
export function lightCountsOf(state: Pick<BoardState, 'cases'>): Record<Light, number> {
  const out: Record<Light, number> = { none: 0, green: 0, due_soon: 0, yellow: 0, red: 0 };
  for (const c of state.cases.values()) out[c.light]++;
  return out;
}

/** A line from a team on its way to (or at) an open case on the board to that case. */
export interface ConvergingTeam {
  teamId: number;
  caseId: number;
  from: [number, number];
  to: [number, number];
  /** the case's own team (its lead); the others are supporting teams */
  lead: boolean;
  status: TeamStatus;
}

/**
 * The teams converging on the open cases of the board: every team with a position whose current case is on the
 * board, en route (or, with `onScene`, also on scene), the lead first for each case. Several teams per case —
 * a lead and supporting teams — each get their line; teams of cases off the board are left out.
 */
export function convergingTeams(state: Pick<BoardState, 'cases' | 'teams'>, opts: { onScene?: boolean } = {}): ConvergingTeam[] {
  const out: ConvergingTeam[] = [];
  for (const t of state.teams.values()) {
    if (t.currentCaseId === null || t.lon === null || t.lat === null) continue;
    if (t.status !== 'en_route' && !(opts.onScene && t.status === 'on_scene')) continue;
    const c = state.cases.get(t.currentCaseId);
    if (!c) continue;
    out.push({ teamId: t.id, caseId: c.id, from: [t.lon, t.lat], to: [c.lon, c.lat], lead: c.teamId === t.id, status: t.status });
  }
  return out.sort((a, b) => a.caseId - b.caseId || Number(b.lead) - Number(a.lead) || a.teamId - b.teamId);
}
