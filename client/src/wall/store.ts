/**
 * The wall's live state, kept outside React: a `BoardState` (shared/src/domain/board.ts) of the open cases and
 * the teams, changed only by `applyEvents`, plus what the wall derives from it — the light of each grid, the
 * case points, counts by light, the emergency banner and the ticker.
 *
 * - Snapshots (GET /api/map/open-cases.bin — or the JSON route —, GET /api/teams) build the board with
 *   `boardFromSnapshot`; the grid-lights snapshot only stands in for the grid colours until the open cases have arrived.
 * - The map draws the cases from `columns` (typed arrays, a slot per case id: case-columns.ts), filled from the
 *   binary snapshot and rewritten in place with what each fold changed; a reconnect resumes the stream, it never
 *   downloads the snapshot again.
 * - Stream events are buffered and folded once per animation frame (every 100 ms while the tab is hidden), so a
 *   board of 100,000 cases is copied once per frame, not once per event.
 * - What is open is the board's rule (OPEN_STATES): a handled, verified or parked case leaves the wall as it
 *   leaves the snapshot, so a wall that ran for a week shows what a fresh one shows.
 *
 * Changes are published so that consumers do the least work:
 * - grid light changes go to `onGridLight` listeners one by one (the map sets feature-state by tile id);
 * - everything else bumps `version` (cases came or went: a new array of points), `colourVersion` (cases changed
 *   in place: deck.gl recolours through updateTriggers) or `teamVersion`, at most once per frame.
 */
import {
  applyEvents,
  boardFromSnapshot,
  emptyBoard,
  lightCountsOf,
  lightRank,
  type BoardState,
  type Light,
} from '@gridcommand/shared/domain';
import { openCaseFacts, type CaseFacts, type DecodedOpenCases, type GridLightItem, type LiveEvent, type OpenCases, type Team } from '@gridcommand/shared/schemas';
import { CASE_PAINT } from '../map/layers/case-paint.ts';
import { CaseColumns, syncColumns } from './case-columns.ts';
import { GridLightIndex } from './grid-lights.ts';
import { TICKER_MAX, tickerLineOf, type TickerLine } from './ticker.ts';

export { TICKER_MAX, type TickerLine };

const EMERGENCY_MAX = 20;
/** an emergency stays on the banner this long unless it leaves the board first */
export const EMERGENCY_BANNER_MS = 30 * 60_000;
/** how often a hidden wall folds (requestAnimationFrame pauses in a hidden tab) */
const HIDDEN_FOLD_MS = 100;
/** the newest events, kept to fold again onto a snapshot that arrives after them */
const REPLAY_MAX = 10_000;

/** An open case on the wall: the facts the board holds. */
export type WallCase = CaseFacts;
export type WallTeam = Team;

export interface WallStoreOptions {
  /** only this street (9-digit code); null = whole district */
  street: string | null;
  now?: () => number;
}

export class WallStore {
  private board: BoardState<Team>;
  private readonly lights: GridLightIndex;
  /** the newest events folded, to fold again onto a snapshot that is older than they are */
  private replay: LiveEvent[] = [];
  private pending: LiveEvent[] = [];
  private lastTickedId = 0;
  private readonly emergencyIds = new Set<number>();
  ticker: TickerLine[] = [];

  /** bumps when cases come or go (the point array is rebuilt) */
  version = 0;
  /** bumps when cases changed in place */
  colourVersion = 0;
  teamVersion = 0;

  /** the open cases as the map draws them (deck.gl binary attributes) */
  readonly columns = new CaseColumns(CASE_PAINT);
  private points: WallCase[] = [];
  /** the point array is rebuilt when asked for (the map draws from `columns`) */
  private pointsDirty = true;
  private readonly pointIndex = new Map<number, number>();
  private counts: { of: ReadonlyMap<number, CaseFacts>; value: Record<Light, number> } | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly emergencyListeners = new Set<(c: WallCase) => void>();
  private raf: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly street: string | null;
  private readonly clock: () => number;

  constructor(opts: WallStoreOptions) {
    this.street = opts.street;
    this.clock = opts.now ?? Date.now;
    this.board = emptyBoard<Team>(opts.street);
    this.lights = new GridLightIndex();
  }

  // ── subscriptions ──────────────────────────────────────────────────
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  onGridLight(fn: (tileId: number, light: Light) => void): () => void {
    return this.lights.onChange(fn);
  }
  onEmergency(fn: (c: WallCase) => void): () => void {
    this.emergencyListeners.add(fn);
    return () => this.emergencyListeners.delete(fn);
  }
  /** every grid with a light, for a map that (re)attaches */
  forEachGridLight(fn: (tileId: number, light: Light) => void): void {
    this.lights.forEach(fn);
  }

  dispose(): void {
    this.cancelFrame();
    this.pending = [];
    this.listeners.clear();
    this.lights.clearListeners();
    this.emergencyListeners.clear();
  }

  // ── queries ────────────────────────────────────────────────────────
  get state(): BoardState<Team> {
    return this.board;
  }
  get cases(): ReadonlyMap<number, WallCase> {
    return this.board.cases;
  }
  get teams(): ReadonlyMap<number, WallTeam> {
    return this.board.teams;
  }
  /** the newest event folded in (or the snapshot's resume point); null before either */
  get lastEventId(): number | null {
    return this.board.lastEventId > 0 ? this.board.lastEventId : null;
  }
  get emergencyCount(): number {
    return this.emergencyIds.size;
  }
  /** The open cases as an array (a new array only when cases came or went). */
  casePoints(): WallCase[] {
    if (this.pointsDirty) this.rebuildPoints();
    return this.points;
  }
  gridLight(tileId: number): Light {
    return this.lights.tileLight(tileId);
  }
  /** tile id → light of every lit grid */
  gridLightsByTile(): ReadonlyMap<number, Light> {
    return this.lights.tileLights();
  }
  caseLight(id: number): Light | null {
    return this.board.cases.get(id)?.light ?? null;
  }
  /** Emergencies on the board reported in the last half hour, newest first. */
  activeEmergencies(): WallCase[] {
    const t = this.clock();
    const out: WallCase[] = [];
    for (const id of this.emergencyIds) {
      const c = this.board.cases.get(id);
      if (c && t - Date.parse(c.reportedAt) < EMERGENCY_BANNER_MS) out.push(c);
    }
    return out.sort((a, b) => Date.parse(b.reportedAt) - Date.parse(a.reportedAt)).slice(0, EMERGENCY_MAX);
  }
  countByLight(): Record<Light, number> {
    if (this.counts?.of !== this.board.cases) this.counts = { of: this.board.cases, value: lightCountsOf(this.board) };
    return this.counts.value;
  }

  // ── snapshots ──────────────────────────────────────────────────────
  loadGridLights(items: readonly GridLightItem[]): void {
    this.lights.setPlaceholder(items, this.street);
    this.schedule();
  }

  loadOpenCases(snapshot: Pick<OpenCases, 'lastEventId' | 'items'>): void {
    this.loadBoard(snapshot.items, snapshot.lastEventId);
    this.columns.loadFacts(this.board.cases.values(), this.board.cases.size);
    this.reindex();
  }

  /** The binary snapshot (docs/map-data.md): the columns come straight from its typed arrays. */
  loadOpenCasesBin(snapshot: DecodedOpenCases): void {
    const items = openCaseFacts(snapshot);
    const changed = this.loadBoard(items, snapshot.lastEventId);
    const street = this.street;
    const streets = snapshot.dictionary.grids.map((g) => g[3]);
    this.columns.loadDecoded(snapshot, (i) => street === null || streets[snapshot.columns.grid[i]!] === street);
    syncColumns(this.columns, changed, this.board.cases);
    this.reindex();
  }

  /** The board from a snapshot and the newer events that came in before it; says which cases those changed. */
  private loadBoard(items: readonly CaseFacts[], lastEventId: number): ReadonlySet<number> {
    const teams = [...this.board.teams.values()];
    const fresh = boardFromSnapshot({ cases: items, teams, lastEventId, street: this.street });
    // what came in before the snapshot and is newer than it
    const { state, changedCases } = applyEvents(fresh, this.replay.filter((e) => e.id > lastEventId));
    this.board = state;
    this.lights.casesKnown();
    return changedCases;
  }

  loadTeams(items: readonly Team[]): void {
    const b = this.board;
    const fresh = boardFromSnapshot({ cases: [...b.cases.values()], teams: items, lastEventId: b.lastEventId, street: this.street });
    // team versions and position times keep what the snapshot already has
    this.board = applyEvents(fresh, this.replay.filter(isTeamEvent)).state;
    this.teamVersion++;
    this.schedule();
  }

  // ── events ─────────────────────────────────────────────────────────
  /** Takes events (in stream order) to fold in the next frame. */
  push(events: readonly LiveEvent[]): void {
    if (events.length === 0) return;
    for (const e of events) this.pending.push(e);
    this.schedule();
  }

  /** Folds what is pending now (the frame does this by itself) and tells the listeners. */
  flush(): void {
    this.cancelFrame();
    this.fold();
    for (const fn of this.listeners) fn();
  }

  private fold(): void {
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    const before = this.board;
    const { state, changedCases, changedTeams } = applyEvents(before, events);
    this.board = state;
    for (const e of events) this.replay.push(e);
    if (this.replay.length > 2 * REPLAY_MAX) this.replay = this.replay.slice(-REPLAY_MAX);
    if (changedCases.size > 0) {
      this.lights.update(changedCases, before.cases, state.cases);
      syncColumns(this.columns, changedCases, state.cases);
      this.updatePoints(changedCases, before.cases, state.cases);
      for (const id of changedCases) {
        if (state.cases.get(id)?.priority === 'emergency') this.emergencyIds.add(id);
        else this.emergencyIds.delete(id);
      }
    }
    if (changedTeams.size > 0) this.teamVersion++;
    this.present(events, state);
  }

  /** Ticker lines and the emergency announcement (never twice for a replayed event). */
  private present(events: readonly LiveEvent[], after: BoardState<Team>): void {
    const lines: TickerLine[] = [];
    const now = this.clock();
    for (const e of events) {
      if (e.id <= this.lastTickedId) continue;
      this.lastTickedId = e.id;
      const line = tickerLineOf(e, after, this.street);
      if (line) lines.push(line);
      if (e.type === 'case.created') {
        const c = after.cases.get(e.payload.case.id);
        if (c && c.priority === 'emergency' && now - Date.parse(c.reportedAt) < EMERGENCY_BANNER_MS) {
          for (const fn of this.emergencyListeners) fn(c);
        }
      }
    }
    if (lines.length > 0) this.ticker = [...lines.reverse(), ...this.ticker].slice(0, TICKER_MAX);
  }

  private updatePoints(changed: ReadonlySet<number>, before: ReadonlyMap<number, CaseFacts>, after: ReadonlyMap<number, CaseFacts>): void {
    let membership = false;
    for (const id of changed) {
      const old = before.get(id);
      const now = after.get(id);
      // a case that came, went or moved needs a new array (deck.gl re-reads positions only then)
      if (!old || !now || old.lon !== now.lon || old.lat !== now.lat) {
        membership = true;
        break;
      }
    }
    if (membership) {
      this.pointsDirty = true;
      this.version++;
      return;
    }
    if (this.pointsDirty) {
      this.colourVersion++;
      return;
    }
    for (const id of changed) {
      const idx = this.pointIndex.get(id);
      const now = after.get(id);
      if (idx !== undefined && now) this.points[idx] = now;
    }
    this.colourVersion++;
  }

  private rebuildPoints(): void {
    this.points = [...this.board.cases.values()];
    this.pointIndex.clear();
    this.points.forEach((c, i) => this.pointIndex.set(c.id, i));
    this.pointsDirty = false;
  }

  /** Everything derived from the cases, from scratch (after a snapshot). */
  private reindex(): void {
    this.lights.reset(this.board.cases.values());
    this.pointsDirty = true;
    this.emergencyIds.clear();
    for (const c of this.board.cases.values()) if (c.priority === 'emergency') this.emergencyIds.add(c.id);
    this.version++;
    this.schedule();
  }

  // ── frames ─────────────────────────────────────────────────────────
  private schedule(): void {
    if (this.raf !== null || this.timer !== null) return;
    const run = () => {
      this.cancelFrame();
      this.fold();
      for (const fn of this.listeners) fn();
    };
    const visible = typeof document !== 'undefined' && document.visibilityState === 'visible' && typeof requestAnimationFrame === 'function';
    if (visible) this.raf = requestAnimationFrame(run);
    // a tab hidden after the request would wait for ever on the animation frame: the timer catches it
    this.timer = setTimeout(run, visible ? 4 * HIDDEN_FOLD_MS : HIDDEN_FOLD_MS);
  }

  private cancelFrame(): void {
    if (this.raf !== null) cancelAnimationFrame(this.raf);
    if (this.timer !== null) clearTimeout(this.timer);
    this.raf = null;
    this.timer = null;
  }
}

function isTeamEvent(e: LiveEvent): boolean {
  return e.type === 'team.status' || e.type === 'team.position' || e.type === 'team.positions';
}

/** Sort key of cases for the overdue list: red before yellow, then the oldest first. */
export function byUrgency(a: WallCase, b: WallCase): number {
  return lightRank(b.light) - lightRank(a.light) || Date.parse(a.reportedAt) - Date.parse(b.reportedAt);
}
