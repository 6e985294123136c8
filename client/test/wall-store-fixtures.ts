/** The wall store's test district, event walk and comparisons (client/test/wall-store*.test.ts). */
import { afterEach, expect } from 'vitest';
import { areaFeatureId, gridLightsOf, isOpenState, type BoardState, type CaseState, type Light, type Priority } from '@gridcommand/shared/domain';
import { type CaseFacts, type LiveEvent, type Team } from '@gridcommand/shared/schemas';
import { ev, facts } from '../../shared/test/fixtures/events.ts';
import { WallStore } from '../src/wall/store.ts';

// ── a small district: two streets, twelve grids each ─────────────────
export const STREETS = ['370211001', '370211002'];
export const GRIDS = STREETS.flatMap((s) => Array.from({ length: 12 }, (_, i) => `${s}001${String(i + 1).padStart(3, '0')}`));
/** grid code → tile feature id: the code as a number (areaFeatureId) */
export const GRID_IDS = new Map(GRIDS.map((code) => [code, areaFeatureId(code)!]));
export const LIGHTS: Light[] = ['green', 'due_soon', 'yellow', 'red'];

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function team(id: number, over: Partial<Team> = {}): Team {
  return {
    id,
    code: `T${id}`,
    name: `巡逻${id}队`,
    kind: 'police_patrol',
    status: 'available',
    homeZoneCode: null,
    lon: 120.1,
    lat: 35.9,
    positionAt: '2026-12-01T00:00:00.000Z',
    memberCount: 4,
    currentCaseId: null,
    version: 1,
    ...over,
  };
}

/** Where a case can go next, and the event that says so. */
export const NEXT: Record<CaseState, { to: CaseState; action: 'file' | 'dispatch' | 'accept' | 'handle' | 'verify_pass' | 'verify_fail' | 'close' | 'void' | 'park' | 'unpark' }[]> = {
  reported: [{ to: 'filed', action: 'file' }, { to: 'void', action: 'void' }],
  filed: [{ to: 'dispatched', action: 'dispatch' }, { to: 'parked', action: 'park' }, { to: 'void', action: 'void' }],
  dispatched: [{ to: 'in_progress', action: 'accept' }, { to: 'parked', action: 'park' }],
  in_progress: [{ to: 'handled', action: 'handle' }, { to: 'parked', action: 'park' }],
  handled: [{ to: 'verified', action: 'verify_pass' }, { to: 'in_progress', action: 'verify_fail' }],
  verified: [{ to: 'closed', action: 'close' }],
  parked: [{ to: 'filed', action: 'unpark' }],
  closed: [],
  void: [],
};

/**
 * A district over `days` days: the truth (every case with its latest facts, every team) and the events that
 * took it there, in stream order.
 */
export class District {
  readonly cases = new Map<number, CaseFacts>();
  readonly teams = new Map<number, Team>();
  readonly events: LiveEvent[] = [];
  private nextCase = 1;
  private t = Date.parse('2026-12-01T00:00:00.000Z');
  private readonly rand: () => number;

  constructor(seed: number) {
    this.rand = rng(seed);
    for (let id = 1; id <= 8; id++) this.teams.set(id, team(id));
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rand() * xs.length)]!;
  }
  private at(): string {
    this.t += Math.floor(this.rand() * 60_000);
    return new Date(this.t).toISOString();
  }
  private emit(e: LiveEvent): void {
    this.events.push(e);
  }

  private create(): void {
    const id = this.nextCase++;
    const gridCode = this.pick(GRIDS);
    const at = this.at();
    const priority: Priority = this.rand() < 0.05 ? 'emergency' : this.rand() < 0.2 ? 'urgent' : 'normal';
    const f = facts({
      id,
      code: `HD20261201-${String(id).padStart(6, '0')}`,
      gridCode,
      communityCode: gridCode.slice(0, 12),
      zoneCode: gridCode.slice(0, 11),
      streetCode: gridCode.slice(0, 9),
      priority,
      lon: 120 + this.rand(),
      lat: 35.5 + this.rand(),
      reportedAt: at,
      resolveBy: new Date(this.t + 3 * 86_400_000).toISOString(),
      version: 1,
    });
    this.cases.set(id, f);
    this.emit(ev('case.created', { case: f }, { at, caseId: id, streetCode: f.streetCode, lon: f.lon, lat: f.lat, toState: 'reported' }));
  }

  private move(): void {
    const live = [...this.cases.values()].filter((c) => NEXT[c.status].length > 0);
    if (live.length === 0) return this.create();
    const c = this.pick(live);
    const step = this.pick(NEXT[c.status]);
    const light: Light = isOpenState(step.to) ? (isOpenState(c.status) ? c.light : 'green') : 'none';
    const f: CaseFacts = { ...c, status: step.to, light, version: c.version + 1, teamId: step.action === 'dispatch' ? this.pick([...this.teams.keys()]) : c.teamId };
    this.cases.set(f.id, f);
    const type = step.action === 'close' ? 'case.closed' : 'case.updated';
    this.emit(ev(type, { action: step.action, case: f }, { at: this.at(), caseId: f.id, streetCode: f.streetCode, fromState: c.status, toState: f.status }));
  }

  private escalate(): void {
    const open = [...this.cases.values()].filter((c) => isOpenState(c.status) && c.escalationLevel === 'grid');
    if (open.length === 0) return;
    const c = this.pick(open);
    const f: CaseFacts = { ...c, escalationLevel: 'zone', version: c.version + 1 };
    this.cases.set(f.id, f);
    this.emit(ev('case.escalated', { action: 'escalate', case: f, escalation: { from: 'grid', to: 'zone' } }, { at: this.at(), caseId: f.id, streetCode: f.streetCode }));
  }

  private relight(): void {
    const open = [...this.cases.values()].filter((c) => isOpenState(c.status));
    if (open.length === 0) return;
    const c = this.pick(open);
    const to = this.pick(LIGHTS.filter((l) => l !== c.light));
    const f: CaseFacts = { ...c, light: to, supervised: to === 'yellow' || to === 'red', version: c.version + 1 };
    this.cases.set(f.id, f);
    const at = this.at();
    this.emit(ev('case.light', { from: c.light, to, case: f }, { at, caseId: f.id, streetCode: f.streetCode }));
    if (f.supervised) {
      this.emit(ev('supervision.opened', { supervisionId: f.id, noticeNo: `DB-${f.id}`, level: to === 'red' ? 'red' : 'yellow' }, { at, caseId: f.id, streetCode: f.streetCode }));
    }
  }

  private moveTeams(): void {
    const tm = this.pick([...this.teams.values()]);
    const r = this.rand();
    if (r < 0.4) {
      const status = this.pick(['available', 'en_route', 'on_scene', 'off_duty'] as const);
      const caseId = status === 'en_route' || status === 'on_scene' ? this.pick([...this.cases.keys()]) : null;
      const next: Team = { ...tm, status, currentCaseId: caseId, version: tm.version + 1 };
      this.teams.set(tm.id, next);
      this.emit(
        ev(
          'team.status',
          { team: { id: tm.id, status, currentCaseId: caseId, version: next.version }, previousStatus: tm.status, reason: 'manual', dispatchId: null, caseId },
          { at: this.at(), teamId: tm.id, fromState: tm.status, toState: status },
        ),
      );
    } else if (r < 0.7) {
      const at = this.at();
      const lon = 120 + this.rand();
      const lat = 35.5 + this.rand();
      this.teams.set(tm.id, { ...tm, lon, lat, positionAt: at });
      this.emit(ev('team.position', { at, status: tm.status, speed: 20, heading: 90 }, { at, teamId: tm.id, lon, lat }));
    } else if (r < 0.9) {
      const at = this.at();
      const items = [...this.teams.values()].slice(0, 3).map((x) => ({ teamId: x.id, lon: 120 + this.rand(), lat: 35.5 + this.rand(), at, status: x.status }));
      for (const it of items) this.teams.set(it.teamId, { ...this.teams.get(it.teamId)!, lon: it.lon, lat: it.lat, positionAt: at });
      this.emit(ev('team.positions', { items }, { at }));
    } else {
      // a device position that arrives late: older than what the team has, so it changes nothing
      const old = new Date(Date.parse(tm.positionAt ?? '2026-12-01T00:00:00.000Z') - 60_000).toISOString();
      this.emit(ev('team.position', { at: old, status: tm.status, speed: null, heading: null }, { at: this.at(), teamId: tm.id, lon: 0, lat: 0 }));
    }
  }

  private other(): void {
    const c = this.pick([...this.cases.values()]);
    if (this.rand() < 0.5) {
      this.emit(ev('dispatch.created', { dispatchId: this.events.length, caseCode: c.code, distanceM: 900, etaS: 140, reassignedFrom: null }, { at: this.at(), caseId: c.id, teamId: 1, streetCode: c.streetCode }));
    } else {
      this.emit(ev('patrol_zone.created', { zoneId: this.events.length, gridCount: 3, start: this.at(), end: this.at() }, { at: this.at(), teamId: 2 }));
    }
  }

  /** `n` more events of ordinary life. */
  run(n: number): void {
    const until = this.events.length + n;
    while (this.events.length < until) {
      const r = this.rand();
      if (r < 0.25 || this.cases.size === 0) this.create();
      else if (r < 0.6) this.move();
      else if (r < 0.64) this.escalate();
      else if (r < 0.8) this.relight();
      else if (r < 0.95) this.moveTeams();
      else this.other();
    }
  }

  /** What GET /api/map/open-cases answers now. */
  openCases(): CaseFacts[] {
    return [...this.cases.values()].filter((c) => isOpenState(c.status));
  }
  teamList(): Team[] {
    return [...this.teams.values()];
  }
}

export const stores: WallStore[] = [];
export function newStore(street: string | null = null): WallStore {
  const s = new WallStore({ street });
  stores.push(s);
  return s;
}
/** Disposes the stores a test made (call once at the top of a test file). */
export function disposeStoresAfterEach(): void {
  afterEach(() => {
    for (const s of stores.splice(0)) s.dispose();
  });
}

/** What the map shows: the feature-state the store's grid listeners set, by tile id. */
export function watchMap(store: WallStore): Map<number, Light> {
  const shown = new Map<number, Light>();
  store.forEachGridLight((id, l) => shown.set(id, l));
  store.onGridLight((id, l) => {
    if (l === 'none') shown.delete(id);
    else shown.set(id, l);
  });
  return shown;
}

export function byId<T extends { id: number }>(xs: Iterable<T>): T[] {
  return [...xs].sort((a, b) => a.id - b.id);
}

/** Grid lights of a board's cases by tile id, lit grids only: the expectation from the shared rule. */
export function expectedTiles(board: Pick<BoardState, 'cases'>): Map<number, Light> {
  const out = new Map<number, Light>();
  for (const [code, light] of gridLightsOf(board)) if (light !== 'none') out.set(GRID_IDS.get(code)!, light);
  return out;
}

export function expectSameWall(a: WallStore, b: WallStore): void {
  expect(byId(a.cases.values())).toEqual(byId(b.cases.values()));
  expect(byId(a.casePoints())).toEqual(byId(b.casePoints()));
  expect(new Map(a.gridLightsByTile())).toEqual(new Map(b.gridLightsByTile()));
  expect(a.countByLight()).toEqual(b.countByLight());
  expect(byId(a.teams.values())).toEqual(byId(b.teams.values()));
  expect(a.activeEmergencies().map((c) => c.id)).toEqual(b.activeEmergencies().map((c) => c.id));
}
