/**
 * The wall's live state, kept outside React: open cases by id, the worst light of each grid, teams, the
 * ticker and current emergencies. Snapshots (open cases, grid lights, teams) seed it; stream events update
 * it by id. Everything is bounded: cases leave when they close, the ticker keeps the newest TICKER_MAX
 * lines, the emergency list is capped.
 *
 * Two kinds of change are published separately, so that consumers do the least work:
 * - grid light changes go to `onGridLight` listeners one by one (the map sets feature-state by id);
 * - everything else bumps `version` (membership: new array of points) or `colourVersion` (a light changed
 *   in place: deck.gl recolours through updateTriggers), published at most once per animation frame.
 */
import { lightRank, worstLight, type Light } from '@gridcommand/shared/domain';
import type { LiveEvent } from '../api/live.ts';
import type { GridLightItem, OpenCase, Team, TeamStatus } from '../api/stats.ts';

export const TICKER_MAX = 50;
const EMERGENCY_MAX = 20;
/** an emergency stays on the banner this long unless it is handled first */
export const EMERGENCY_BANNER_MS = 30 * 60_000;

export interface WallCase {
  id: number;
  code: string;
  lon: number;
  lat: number;
  light: Light;
  priority: string;
  status: string;
  categoryCode: string;
  gridId: number | null;
  streetCode: string;
  title: string;
  reportedAt: number;
}

export interface TickerLine {
  /** event id */
  id: number;
  at: number;
  type: string;
  streetCode: string | null;
  caseId: number | null;
  categoryCode: string | null;
  /** what happened, as an i18n key under `wall.tick` plus its values */
  what: string;
  values: Record<string, string>;
  tone: 'info' | 'good' | 'warn' | 'bad' | 'alert';
}

export interface WallTeam extends Team {
  lon: number | null;
  lat: number | null;
}

const TERMINAL = new Set(['closed', 'void']);
const OPEN_STATES = new Set(['reported', 'filed', 'dispatched', 'in_progress', 'handled', 'verified', 'parked']);
const LIGHTS_SET = new Set<string>(['none', 'green', 'due_soon', 'yellow', 'red']);

function asLight(v: unknown): Light | null {
  return typeof v === 'string' && LIGHTS_SET.has(v) ? (v as Light) : null;
}
function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

export interface WallStoreOptions {
  /** grid code → area id (tile feature id) */
  gridIdByCode: ReadonlyMap<string, number>;
  /** only this street (9-digit code); null = whole district */
  street: string | null;
  /** asks the server for a case the wall does not know (e.g. a light change of a case older than the snapshot) */
  fetchCase?: (id: number) => Promise<OpenCase | null>;
  now?: () => number;
}

export class WallStore {
  readonly cases = new Map<number, WallCase>();
  readonly teams = new Map<number, WallTeam>();
  /** grid id → case ids in it */
  private readonly gridCases = new Map<number, Set<number>>();
  /** the light currently shown per grid (absent = neutral) */
  private readonly gridLights = new Map<number, Light>();
  /** grid-lights snapshot, used while the open-case snapshot is missing */
  private readonly baseline = new Map<number, Light>();
  private casesComplete = false;
  ticker: TickerLine[] = [];
  emergencies: WallCase[] = [];

  /** bumps when cases come or go (the point array is rebuilt) */
  version = 0;
  /** bumps when a case changed light or status in place */
  colourVersion = 0;
  teamVersion = 0;
  lastEventId: number | null = null;

  private points: WallCase[] = [];
  private pointsVersion = -1;
  private readonly listeners = new Set<() => void>();
  private readonly gridListeners = new Set<(id: number, light: Light) => void>();
  private readonly emergencyListeners = new Set<(c: WallCase) => void>();
  private frame: number | null = null;
  private readonly pendingFetch = new Set<number>();
  private opts: WallStoreOptions;

  constructor(opts: WallStoreOptions) {
    this.opts = opts;
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  gridIdFor(code: string): number | null {
    return this.opts.gridIdByCode.get(code) ?? null;
  }

  setGridIndex(gridIdByCode: ReadonlyMap<string, number>): void {
    this.opts = { ...this.opts, gridIdByCode };
  }

  // ── subscriptions ──────────────────────────────────────────────────
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  onGridLight(fn: (id: number, light: Light) => void): () => void {
    this.gridListeners.add(fn);
    return () => this.gridListeners.delete(fn);
  }
  onEmergency(fn: (c: WallCase) => void): () => void {
    this.emergencyListeners.add(fn);
    return () => this.emergencyListeners.delete(fn);
  }
  /** every grid with a light, for a map that (re)attaches */
  forEachGridLight(fn: (id: number, light: Light) => void): void {
    for (const [id, l] of this.gridLights) fn(id, l);
  }

  private schedule(): void {
    if (this.frame !== null) return;
    const run = () => {
      this.frame = null;
      for (const fn of this.listeners) fn();
    };
    // rAF pauses in a hidden tab; a timer keeps a covered wall up to date
    this.frame = typeof document !== 'undefined' && document.visibilityState === 'visible'
      ? (requestAnimationFrame(run) as unknown as number)
      : (setTimeout(run, 250) as unknown as number);
  }

  dispose(): void {
    if (this.frame !== null) {
      cancelAnimationFrame(this.frame);
      clearTimeout(this.frame);
    }
    this.listeners.clear();
    this.gridListeners.clear();
    this.emergencyListeners.clear();
  }

  // ── queries ────────────────────────────────────────────────────────
  /** The open cases as an array (a new array only when membership changed). */
  casePoints(): WallCase[] {
    if (this.pointsVersion !== this.version) {
      this.points = [...this.cases.values()];
      this.pointsVersion = this.version;
    }
    return this.points;
  }
  gridLight(id: number): Light {
    return this.gridLights.get(id) ?? 'none';
  }
  caseLight(id: number): Light | null {
    return this.cases.get(id)?.light ?? null;
  }
  activeEmergencies(): WallCase[] {
    const t = this.now();
    return this.emergencies.filter((c) => this.cases.has(c.id) && t - c.reportedAt < EMERGENCY_BANNER_MS && !['handled', 'verified'].includes(c.status));
  }
  countByLight(): Record<Light, number> {
    const out: Record<Light, number> = { none: 0, green: 0, due_soon: 0, yellow: 0, red: 0 };
    for (const c of this.cases.values()) out[c.light]++;
    return out;
  }

  // ── snapshots ──────────────────────────────────────────────────────
  private inScope(streetCode: string | null | undefined): boolean {
    return this.opts.street === null || !streetCode || streetCode === this.opts.street;
  }

  loadGridLights(items: readonly GridLightItem[]): void {
    this.baseline.clear();
    for (const g of items) {
      const l = asLight(g.light);
      if (l && l !== 'none') this.baseline.set(g.id, l);
    }
    if (!this.casesComplete) for (const id of this.baseline.keys()) this.recomputeGrid(id);
  }

  loadOpenCases(items: readonly OpenCase[]): void {
    for (const c of items) {
      if (!this.inScope(c.streetCode)) continue;
      this.upsert(c, false);
    }
    this.casesComplete = true;
    // with every open case known, the grid lights follow from them
    const touched = new Set<number>([...this.baseline.keys(), ...this.gridCases.keys(), ...this.gridLights.keys()]);
    for (const id of touched) this.recomputeGrid(id);
    this.version++;
    this.schedule();
  }

  loadTeams(items: readonly Team[]): void {
    this.teams.clear();
    for (const t of items) this.teams.set(t.id, { ...t });
    this.teamVersion++;
    this.schedule();
  }

  private upsert(c: OpenCase, announce: boolean): WallCase {
    const existing = this.cases.get(c.id);
    const wc: WallCase = {
      id: c.id,
      code: c.code,
      lon: c.lon,
      lat: c.lat,
      light: asLight(c.light) ?? 'none',
      priority: c.priority,
      status: c.status,
      categoryCode: c.categoryCode,
      gridId: c.gridId,
      streetCode: c.streetCode,
      title: c.title,
      reportedAt: Date.parse(c.reportedAt) || this.now(),
    };
    if (existing) {
      Object.assign(existing, wc);
      this.colourVersion++;
    } else {
      this.cases.set(wc.id, wc);
      this.version++;
    }
    const stored = existing ?? wc;
    if (stored.gridId !== null) {
      let set = this.gridCases.get(stored.gridId);
      if (!set) this.gridCases.set(stored.gridId, (set = new Set()));
      set.add(stored.id);
    }
    if (stored.priority === 'emergency' && !this.emergencies.some((e) => e.id === stored.id)) {
      if (this.now() - stored.reportedAt < EMERGENCY_BANNER_MS) {
        this.emergencies = [stored, ...this.emergencies].slice(0, EMERGENCY_MAX);
        if (announce) for (const fn of this.emergencyListeners) fn(stored);
      }
    }
    return stored;
  }

  private remove(id: number): void {
    const c = this.cases.get(id);
    if (!c) return;
    this.cases.delete(id);
    this.version++;
    if (c.gridId !== null) {
      const set = this.gridCases.get(c.gridId);
      set?.delete(id);
      if (set && set.size === 0) this.gridCases.delete(c.gridId);
      this.recomputeGrid(c.gridId);
    }
    if (this.emergencies.some((e) => e.id === id)) this.emergencies = this.emergencies.filter((e) => e.id !== id);
  }

  private recomputeGrid(gridId: number): void {
    const ids = this.gridCases.get(gridId);
    const lights: Light[] = [];
    if (ids) for (const id of ids) lights.push(this.cases.get(id)?.light ?? 'none');
    // without the open-case snapshot, a grid keeps at least the light the server gave it
    if (!this.casesComplete) lights.push(this.baseline.get(gridId) ?? 'none');
    const next = worstLight(lights);
    const prev = this.gridLights.get(gridId) ?? 'none';
    if (next === prev) return;
    if (next === 'none') this.gridLights.delete(gridId);
    else this.gridLights.set(gridId, next);
    for (const fn of this.gridListeners) fn(gridId, next);
  }

  // ── events ─────────────────────────────────────────────────────────
  /** Applies one stream event. Returns true when the headline numbers may have changed. */
  apply(e: LiveEvent): boolean {
    if (typeof e.id === 'number') this.lastEventId = e.id;
    const p = (e.payload ?? {}) as Record<string, unknown>;
    const at = Date.parse(e.at) || this.now();
    const inScope = this.inScope(e.streetCode);
    let statsChanged = false;

    switch (e.type) {
      case 'case.created': {
        if (e.caseId === null || e.lon === null || e.lat === null || !inScope) break;
        const gridCode = str(p.gridCode);
        const c = this.upsert(
          {
            id: e.caseId,
            code: str(p.code) ?? String(e.caseId),
            lon: e.lon,
            lat: e.lat,
            light: asLight(p.light) ?? 'green',
            priority: str(p.priority) ?? 'normal',
            status: e.toState ?? 'reported',
            categoryCode: str(p.categoryCode) ?? '',
            majorCode: (str(p.categoryCode) ?? '').slice(0, 2),
            gridId: gridCode ? (this.opts.gridIdByCode.get(gridCode) ?? null) : null,
            streetCode: e.streetCode ?? '',
            reportedAt: e.at,
            title: e.note ?? '',
          },
          true,
        );
        if (c.gridId !== null) this.recomputeGrid(c.gridId);
        this.tick(e, at, c.priority === 'emergency' ? 'emergency' : 'created', {}, c.priority === 'emergency' ? 'alert' : 'info', c);
        statsChanged = true;
        break;
      }
      case 'case.light': {
        if (e.caseId === null) break;
        const to = asLight(p.to);
        const c = this.cases.get(e.caseId);
        if (c && to) {
          c.light = to;
          this.colourVersion++;
          if (c.gridId !== null) this.recomputeGrid(c.gridId);
        } else if (!c && to && to !== 'none' && inScope) {
          this.learn(e.caseId);
        }
        if (to === 'red' || to === 'yellow') this.tick(e, at, to === 'red' ? 'red' : 'yellow', {}, to === 'red' ? 'bad' : 'warn', c);
        statsChanged = true;
        break;
      }
      case 'case.updated':
      case 'case.escalated':
      case 'case.closed': {
        if (e.caseId === null) break;
        const to = e.toState ?? (e.type === 'case.closed' ? 'closed' : null);
        const c = this.cases.get(e.caseId);
        if (to && TERMINAL.has(to)) {
          this.tick(e, at, `state.${to}`, {}, to === 'closed' ? 'good' : 'info', c);
          this.remove(e.caseId);
        } else if (c) {
          if (to && OPEN_STATES.has(to)) c.status = to;
          this.colourVersion++;
          this.tick(e, at, e.type === 'case.escalated' ? 'escalated' : `state.${to ?? 'updated'}`, {}, e.type === 'case.escalated' ? 'warn' : 'info', c);
        } else if (inScope) {
          this.tick(e, at, e.type === 'case.escalated' ? 'escalated' : `state.${to ?? 'updated'}`, {}, 'info', undefined);
        }
        statsChanged = true;
        break;
      }
      case 'supervision.opened':
      case 'supervision.closed': {
        const level = str(p.level) ?? '';
        if (e.type === 'supervision.opened' && inScope) {
          this.tick(e, at, level === 'red' ? 'supervisionRed' : 'supervision', { notice: str(p.noticeNo) ?? '' }, level === 'red' ? 'bad' : 'warn', this.cases.get(e.caseId ?? -1));
        }
        statsChanged = true;
        break;
      }
      case 'team.position':
      case 'team.moved': {
        const t = e.teamId !== null ? this.teams.get(e.teamId) : undefined;
        if (t && e.lon !== null && e.lat !== null) {
          t.lon = e.lon;
          t.lat = e.lat;
          t.positionAt = e.at;
          this.teamVersion++;
        }
        break;
      }
      case 'team.positions': {
        // a device batch: the newest position of each team in payload.items
        const items = Array.isArray(p.items) ? (p.items as unknown[]) : [];
        for (const raw of items) {
          const it = raw as { teamId?: unknown; lon?: unknown; lat?: unknown; at?: unknown };
          const t = typeof it.teamId === 'number' ? this.teams.get(it.teamId) : undefined;
          if (t && typeof it.lon === 'number' && typeof it.lat === 'number') {
            t.lon = it.lon;
            t.lat = it.lat;
            t.positionAt = typeof it.at === 'string' ? it.at : e.at;
            this.teamVersion++;
          }
        }
        break;
      }
      case 'team.status': {
        const t = e.teamId !== null ? this.teams.get(e.teamId) : undefined;
        const status = str(p.status) as TeamStatus | null;
        if (t && status) {
          t.status = status;
          if (e.lon !== null && e.lat !== null) {
            t.lon = e.lon;
            t.lat = e.lat;
          }
          this.teamVersion++;
          if (status === 'en_route' || status === 'on_scene') {
            this.tick(e, at, `team.${status}`, { team: t.name }, 'info', undefined);
          }
        }
        break;
      }
      default:
        break;
    }
    this.schedule();
    return statsChanged;
  }

  /** Fetches a case the wall does not know yet (bounded: a handful in flight). */
  private learn(id: number): void {
    const fetchCase = this.opts.fetchCase;
    if (!fetchCase || this.pendingFetch.has(id) || this.pendingFetch.size >= 8) return;
    this.pendingFetch.add(id);
    fetchCase(id)
      .then((c) => {
        if (!c || TERMINAL.has(c.status) || !this.inScope(c.streetCode)) return;
        const stored = this.upsert(c, false);
        if (stored.gridId !== null) this.recomputeGrid(stored.gridId);
        this.schedule();
      })
      .catch(() => undefined)
      .finally(() => this.pendingFetch.delete(id));
  }

  private tick(e: LiveEvent, at: number, what: string, values: Record<string, string>, tone: TickerLine['tone'], c: WallCase | undefined): void {
    if (!this.inScope(e.streetCode)) return;
    const p = (e.payload ?? {}) as Record<string, unknown>;
    const line: TickerLine = {
      id: e.id,
      at,
      type: e.type,
      streetCode: e.streetCode ?? c?.streetCode ?? null,
      caseId: e.caseId,
      categoryCode: c?.categoryCode ?? str(p.categoryCode),
      what,
      values,
      tone,
    };
    this.ticker = [line, ...this.ticker.slice(0, TICKER_MAX - 1)];
  }
}

/** Sort key of cases for the overdue list: red before yellow, then the oldest first. */
export function byUrgency(a: WallCase, b: WallCase): number {
  return lightRank(b.light) - lightRank(a.light) || a.reportedAt - b.reportedAt;
}
