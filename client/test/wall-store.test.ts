/**
 * The wall's store on the shared fold, without a browser: a wall fed a snapshot and days of events shows
 * exactly what a wall loaded fresh from the final truth shows (cases, grid lights by tile id, counts by light,
 * teams); handled, verified and parked cases leave the wall; events are folded per frame, not per event; and the
 * SSE reader of the live connection cuts a stream into typed events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gridLightsOf, isOpenState, type BoardState, type CaseState, type Light, type Priority } from '@gridcommand/shared/domain';
import { decodeOpenCases, encodeOpenCases, openCaseFacts, type CaseFacts, type LiveEvent, type Team } from '@gridcommand/shared/schemas';
import { LIGHT_RGBA } from '../src/map/layers/case-paint.ts';
import { ev, facts, resetIds } from '../../shared/test/fixtures/events.ts';
import { WallStore } from '../src/wall/store.ts';
import { SseChunkReader } from '../src/api/live.ts';

// ── a small district: two streets, twelve grids each ─────────────────
const STREETS = ['370211001', '370211002'];
const GRIDS = STREETS.flatMap((s) => Array.from({ length: 12 }, (_, i) => `${s}001${String(i + 1).padStart(3, '0')}`));
const GRID_IDS = new Map(GRIDS.map((code, i) => [code, 1000 + i]));
const LIGHTS: Light[] = ['green', 'due_soon', 'yellow', 'red'];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function team(id: number, over: Partial<Team> = {}): Team {
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
const NEXT: Record<CaseState, { to: CaseState; action: 'file' | 'dispatch' | 'accept' | 'handle' | 'verify_pass' | 'verify_fail' | 'close' | 'void' | 'park' | 'unpark' }[]> = {
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
class District {
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

const stores: WallStore[] = [];
function newStore(street: string | null = null): WallStore {
  const s = new WallStore({ gridIdByCode: GRID_IDS, street });
  stores.push(s);
  return s;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.dispose();
});

/** What the map shows: the feature-state the store's grid listeners set, by tile id. */
function watchMap(store: WallStore): Map<number, Light> {
  const shown = new Map<number, Light>();
  store.forEachGridLight((id, l) => shown.set(id, l));
  store.onGridLight((id, l) => {
    if (l === 'none') shown.delete(id);
    else shown.set(id, l);
  });
  return shown;
}

function byId<T extends { id: number }>(xs: Iterable<T>): T[] {
  return [...xs].sort((a, b) => a.id - b.id);
}

/** Grid lights of a board's cases by tile id, lit grids only: the expectation from the shared rule. */
function expectedTiles(board: Pick<BoardState, 'cases'>): Map<number, Light> {
  const out = new Map<number, Light>();
  for (const [code, light] of gridLightsOf(board)) if (light !== 'none') out.set(GRID_IDS.get(code)!, light);
  return out;
}

function expectSameWall(a: WallStore, b: WallStore): void {
  expect(byId(a.cases.values())).toEqual(byId(b.cases.values()));
  expect(byId(a.casePoints())).toEqual(byId(b.casePoints()));
  expect(new Map(a.gridLightsByTile())).toEqual(new Map(b.gridLightsByTile()));
  expect(a.countByLight()).toEqual(b.countByLight());
  expect(byId(a.teams.values())).toEqual(byId(b.teams.values()));
  expect(a.activeEmergencies().map((c) => c.id)).toEqual(b.activeEmergencies().map((c) => c.id));
}

describe('a wall that ran for days equals a fresh one', () => {
  for (const street of [null, STREETS[0]!]) {
    it(`${street === null ? 'the district' : 'a street'} wall after five days of events`, () => {
      resetIds(1);
      const d = new District(street === null ? 7 : 11);
      d.run(400);
      // the snapshot may already reflect a few events after its resume point (the server says so)
      const resumeAfter = d.events.at(-1)!.id;
      d.run(3);
      const snapshot = { lastEventId: resumeAfter, items: d.openCases() };
      const teams = d.teamList();

      const wall = newStore(street);
      const map = watchMap(wall);
      wall.loadGridLights(
        GRIDS.map((code) => ({ id: GRID_IDS.get(code)!, code, light: 'green' as const, open: 1 })).slice(0, 5),
      );
      wall.loadOpenCases(snapshot);
      wall.loadTeams(teams);
      wall.flush();

      // five days, in the batches the stream gives (one per read), folded a frame at a time
      d.run(20_000);
      const stream = d.events.filter((e) => e.id > resumeAfter);
      const rand = rng(3);
      let i = 0;
      let reconnects = 0;
      while (i < stream.length) {
        const frame = 1 + Math.floor(rand() * 4);
        for (let k = 0; k < frame && i < stream.length; k++) {
          const n = 1 + Math.floor(rand() * 30);
          wall.push(stream.slice(i, i + n));
          i += n;
        }
        // now and then the connection drops and the server replays from an older resume point
        if (rand() < 0.02 && i > 50) {
          const back = 1 + Math.floor(rand() * 40);
          wall.push(stream.slice(i - back, i));
          reconnects++;
        }
        wall.flush();
      }
      expect(reconnects).toBeGreaterThan(5);

      const fresh = newStore(street);
      const freshMap = watchMap(fresh);
      fresh.loadOpenCases({ lastEventId: d.events.at(-1)!.id, items: d.openCases() });
      fresh.loadTeams(d.teamList());
      fresh.flush();

      expectSameWall(wall, fresh);
      expect(wall.lastEventId).toBe(d.events.at(-1)!.id);
      // and both show what the shared rule says of the truth
      const truth = { cases: new Map(d.openCases().filter((c) => street === null || c.streetCode === street).map((c) => [c.id, c])) };
      expect(byId(wall.cases.values())).toEqual(byId(truth.cases.values()));
      expect(new Map(wall.gridLightsByTile())).toEqual(expectedTiles(truth));
      // the map's feature-state, set only through the listeners, is the same as well
      expect(map).toEqual(expectedTiles(truth));
      expect(freshMap).toEqual(expectedTiles(truth));
      // the wall's own counts add up
      const counts = wall.countByLight();
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(truth.cases.size);
      expect(truth.cases.size).toBeGreaterThan(20);
      // a replayed event never shows twice on the ticker
      const ids = wall.ticker.map((l) => l.id);
      expect(new Set(ids).size).toBe(ids.length);
    });
  }
});

describe('what is open is the board rule', () => {
  const GRID = GRIDS[0]!;
  const TILE = GRID_IDS.get(GRID)!;
  const open = (over: Partial<CaseFacts> = {}) => facts({ id: 1, gridCode: GRID, streetCode: GRID.slice(0, 9), status: 'in_progress', light: 'red', version: 3, ...over });

  it.each<[string, CaseState, 'handle' | 'park' | 'verify_pass']>([
    ['a handled case', 'handled', 'handle'],
    ['a parked case', 'parked', 'park'],
    ['a verified case', 'verified', 'verify_pass'],
  ])('%s leaves the wall, its grid goes dark and the counts drop', (_label, status, action) => {
    resetIds(10);
    const wall = newStore();
    const map = watchMap(wall);
    wall.loadOpenCases({ lastEventId: 9, items: [open(), open({ id: 2, light: 'green', gridCode: GRIDS[1]! })] });
    wall.flush();
    expect(wall.caseLight(1)).toBe('red');
    expect(map.get(TILE)).toBe('red');
    expect(wall.countByLight().red).toBe(1);

    const after = open({ status, light: 'none', version: 4 });
    wall.push([ev('case.updated', { action, case: after }, { caseId: 1, streetCode: after.streetCode, fromState: 'in_progress', toState: status })]);
    wall.flush();
    expect(wall.caseLight(1)).toBeNull();
    expect(wall.cases.size).toBe(1);
    expect(wall.gridLight(TILE)).toBe('none');
    expect(map.has(TILE)).toBe(false);
    expect(wall.countByLight()).toEqual({ none: 0, green: 1, due_soon: 0, yellow: 0, red: 0 });
    expect(wall.casePoints().map((c) => c.id)).toEqual([2]);
    // the ticker says what happened, in the shared words
    expect(wall.ticker[0]?.key).toBe(`labels.state.${status}`);
  });

  it('a rework brings a handled case back', () => {
    resetIds(20);
    const wall = newStore();
    wall.loadOpenCases({ lastEventId: 19, items: [] });
    const back = open({ status: 'in_progress', light: 'yellow', version: 6 });
    wall.push([ev('case.updated', { action: 'verify_fail', case: back }, { caseId: 1, streetCode: back.streetCode })]);
    wall.flush();
    expect(wall.caseLight(1)).toBe('yellow');
    expect(wall.gridLight(TILE)).toBe('yellow');
  });

  it('the grid-lights snapshot is only a placeholder until the open cases arrive', () => {
    const wall = newStore();
    const map = watchMap(wall);
    wall.loadGridLights([{ id: TILE, code: GRID, light: 'yellow', open: 2 }]);
    expect(wall.gridLight(TILE)).toBe('yellow');
    expect(map.get(TILE)).toBe('yellow');
    // the cases say the grid is quiet now
    wall.loadOpenCases({ lastEventId: 5, items: [] });
    expect(wall.gridLight(TILE)).toBe('none');
    expect(map.has(TILE)).toBe(false);
  });

  it('grid codes are mapped to tile ids when the grid index arrives late', () => {
    const wall = new WallStore({ gridIdByCode: new Map(), street: null });
    stores.push(wall);
    const map = watchMap(wall);
    wall.loadOpenCases({ lastEventId: 1, items: [open()] });
    expect(map.size).toBe(0);
    wall.setGridIndex(GRID_IDS);
    expect(map.get(TILE)).toBe('red');
  });
});

describe('events are folded per frame', () => {
  it('nothing changes until the frame, then once for the whole batch', () => {
    resetIds(100);
    const wall = newStore();
    wall.loadOpenCases({ lastEventId: 99, items: [] });
    wall.flush();
    let published = 0;
    wall.subscribe(() => published++);
    const v0 = wall.version;
    const batch = Array.from({ length: 200 }, (_, i) => {
      const f = facts({ id: 1000 + i, gridCode: GRIDS[i % GRIDS.length]!, streetCode: GRIDS[i % GRIDS.length]!.slice(0, 9) });
      return ev('case.created', { case: f }, { caseId: f.id, streetCode: f.streetCode, lon: f.lon, lat: f.lat });
    });
    wall.push(batch.slice(0, 120));
    wall.push(batch.slice(120));
    expect(wall.cases.size).toBe(0);
    wall.flush();
    expect(wall.cases.size).toBe(200);
    expect(wall.version).toBe(v0 + 1);
    expect(published).toBe(1);
    expect(wall.lastEventId).toBe(batch.at(-1)!.id);
  });

  it('a light change recolours in place: same point array, colourVersion bumps, version does not', () => {
    resetIds(300);
    const wall = newStore();
    const f = facts({ id: 9, light: 'green', version: 2 });
    wall.loadOpenCases({ lastEventId: 299, items: [f, facts({ id: 10, version: 1 })] });
    wall.flush();
    const points = wall.casePoints();
    const { version, colourVersion } = wall;
    const red = { ...f, light: 'red' as const, version: 3 };
    wall.push([ev('case.light', { from: 'green', to: 'red', case: red }, { caseId: 9, streetCode: f.streetCode })]);
    wall.flush();
    expect(wall.casePoints()).toBe(points);
    expect(wall.casePoints().find((c) => c.id === 9)?.light).toBe('red');
    expect(wall.version).toBe(version);
    expect(wall.colourVersion).toBe(colourVersion + 1);
    expect(wall.ticker[0]?.key).toBe('wall.tick.red');
  });

  it('an emergency is announced once and stays on the banner while it is open and recent', () => {
    resetIds(200);
    const now = Date.parse('2026-12-01T02:10:00.000Z');
    const wall = new WallStore({ gridIdByCode: GRID_IDS, street: null, now: () => now });
    stores.push(wall);
    wall.loadOpenCases({ lastEventId: 199, items: [] });
    const heard: number[] = [];
    wall.onEmergency((c) => heard.push(c.id));
    const f = facts({ id: 5, priority: 'emergency', reportedAt: '2026-12-01T02:00:00.000Z' });
    const created = ev('case.created', { case: f }, { caseId: 5, streetCode: f.streetCode });
    wall.push([created]);
    wall.flush();
    wall.push([created]); // replayed after a reconnect
    wall.flush();
    expect(heard).toEqual([5]);
    expect(wall.activeEmergencies().map((c) => c.id)).toEqual([5]);
    expect(wall.ticker.filter((l) => l.key === 'wall.tick.emergency')).toHaveLength(1);
    const closed = { ...f, status: 'handled' as const, light: 'none' as const, version: 2 };
    wall.push([ev('case.updated', { action: 'handle', case: closed }, { caseId: 5, streetCode: f.streetCode })]);
    wall.flush();
    expect(wall.activeEmergencies()).toEqual([]);
  });
});

describe('the SSE reader', () => {
  it('cuts a stream read in arbitrary pieces into typed events, skipping what it cannot read', () => {
    resetIds(1);
    const f = facts();
    const a = ev('case.created', { case: f }, { caseId: 1 });
    const b = ev('team.positions', { items: [{ teamId: 7, lon: 120.2, lat: 35.8, at: '2026-12-01T02:02:00.000Z', status: 'en_route' }] });
    const unknown = { ...a, id: 3, type: 'case.teleported' };
    const future = { ...a, id: 4, v: 2 };
    const frame = (id: number, type: string, data: unknown) => `id: ${id}\r\nevent: ${type}\r\ndata: ${JSON.stringify(data)}\r\n\r\n`;
    const text =
      'retry: 2000\n: connected\n\n' + frame(a.id, a.type, a) + ': heartbeat\n\n' + frame(3, 'case.teleported', unknown) + frame(4, 'case.created', future) + 'data: not json\n\n' + frame(b.id, b.type, b);
    const reader = new SseChunkReader();
    const seen: LiveEvent[] = [];
    let lastId: number | null = null;
    let retry: number | null = null;
    let messages = 0;
    // every split point, in three pieces
    for (let cut = 1; cut < text.length; cut += 17) {
      const pieces = [text.slice(0, cut), text.slice(cut, cut + 5), text.slice(cut + 5)];
      const r = new SseChunkReader();
      const got: LiveEvent[] = [];
      for (const p of pieces) got.push(...r.feed(p).events);
      expect(got.map((e) => e.id)).toEqual([a.id, b.id]);
    }
    const r = reader.feed(text);
    seen.push(...r.events);
    lastId = r.lastId;
    retry = r.retry;
    messages = r.messages ? 1 : 0;
    expect(seen).toEqual([a, b]);
    expect(seen[1]?.type === 'team.positions' && seen[1].payload.items[0]?.teamId).toBe(7);
    expect(lastId).toBe(b.id);
    expect(retry).toBe(2000);
    expect(messages).toBe(1);
    // a heartbeat alone is a sign of life without events
    const beat = reader.feed(': heartbeat\n\n');
    expect(beat.messages).toBe(true);
    expect(beat.events).toEqual([]);
  });
});

// ── the map's typed arrays ───────────────────────────────────────────

/** What the map draws, by case id: position, light code, fill colour and radius of each slot in use. */
function drawn(store: WallStore): Map<number, { lon: number; lat: number; light: number; fill: number[]; radius: number }> {
  const c = store.columns;
  const out = new Map<number, { lon: number; lat: number; light: number; fill: number[]; radius: number }>();
  for (let s = 0; s < c.length; s++) {
    const id = c.ids[s]!;
    if (id === 0) {
      expect(c.radius[s]).toBe(0);
      continue;
    }
    expect(c.slotOf(id)).toBe(s);
    out.set(id, { lon: c.positions[s * 2]!, lat: c.positions[s * 2 + 1]!, light: c.lights[s]!, fill: [...c.fill.subarray(s * 4, s * 4 + 4)], radius: c.radius[s]! });
  }
  expect(out.size).toBe(c.size);
  expect(c.size + c.freeSlots).toBe(c.length);
  return out;
}

function expectSameDrawing(a: WallStore, b: WallStore): void {
  const da = drawn(a);
  const db = drawn(b);
  expect([...da.keys()].sort((x, y) => x - y)).toEqual([...db.keys()].sort((x, y) => x - y));
  for (const [id, p] of da) {
    const q = db.get(id)!;
    expect({ ...p, lon: 0, lat: 0 }).toEqual({ ...q, lon: 0, lat: 0 });
    // micro-degrees on the wire, float32 on the GPU
    expect(Math.abs(p.lon - q.lon)).toBeLessThan(2e-5);
    expect(Math.abs(p.lat - q.lat)).toBeLessThan(2e-5);
  }
}

const binary = (items: CaseFacts[], lastEventId: number) => decodeOpenCases(encodeOpenCases(items, lastEventId));

describe('the map draws from typed arrays', () => {
  it('the binary snapshot round-trips every fact but the free text (emergencies keep theirs)', () => {
    resetIds(1);
    const d = new District(5);
    d.run(600);
    const items = d.openCases().map((c) => ({ ...c, lon: Math.round(c.lon * 1e6) / 1e6, lat: Math.round(c.lat * 1e6) / 1e6, supervised: c.id % 3 === 0, departmentCode: c.id % 4 === 0 ? '001' : null }));
    const snap = binary(items, 1234);
    expect(snap.lastEventId).toBe(1234);
    expect(snap.count).toBe(items.length);
    expect(openCaseFacts(snap)).toEqual(items.map((c) => (c.priority === 'emergency' ? c : { ...c, code: '', title: '' })));
    expect(() => decodeOpenCases(new Uint8Array(40))).toThrow(/GCOC/);
  });

  for (const street of [null, STREETS[1]!]) {
    it(`${street === null ? 'district' : 'street'}: a wall loaded from the binary snapshot draws what the JSON one does, through days of events`, () => {
      resetIds(1);
      const d = new District(street === null ? 9 : 13);
      d.run(400);
      const resumeAfter = d.events.at(-1)!.id;
      const bin = newStore(street);
      bin.loadOpenCasesBin(binary(d.openCases(), resumeAfter));
      bin.loadTeams(d.teamList());
      const json = newStore(street);
      json.loadOpenCases({ lastEventId: resumeAfter, items: d.openCases() });
      json.loadTeams(d.teamList());
      bin.flush();
      json.flush();
      expectSameDrawing(bin, json);
      expect(bin.columns.size).toBe(bin.cases.size);

      d.run(6_000);
      const stream = d.events.filter((e) => e.id > resumeAfter);
      const rand = rng(11);
      let maxOpen = 0;
      for (let i = 0; i < stream.length; ) {
        const n = 1 + Math.floor(rand() * 40);
        const batch = stream.slice(i, i + n);
        i += n;
        bin.push(batch);
        json.push(batch);
        bin.flush();
        json.flush();
        maxOpen = Math.max(maxOpen, bin.cases.size);
      }
      expectSameDrawing(bin, json);
      const fresh = newStore(street);
      fresh.loadOpenCases({ lastEventId: d.events.at(-1)!.id, items: d.openCases() });
      fresh.flush();
      expectSameDrawing(bin, fresh);
      // slots are reused: the arrays never hold more slots than cases were open at once
      expect(bin.columns.length).toBeLessThanOrEqual(maxOpen);
      // the board agrees with the truth, text included for every case an event has touched since
      expect(byId(bin.cases.values()).map((c) => [c.id, c.status, c.light, c.version])).toEqual(
        byId(fresh.cases.values()).map((c) => [c.id, c.status, c.light, c.version]),
      );
    });
  }

  it('a light change rewrites its slot in place: same buffers, new layer data, new colour', () => {
    resetIds(500);
    const wall = newStore();
    const f = facts({ id: 9, light: 'green', version: 2, lon: 120.5, lat: 35.7 });
    wall.loadOpenCasesBin(binary([f, facts({ id: 10, version: 1 })], 499));
    wall.flush();
    const slot = wall.columns.slotOf(9)!;
    const data = wall.columns.layerData();
    const fill = wall.columns.fill;
    expect([...fill.subarray(slot * 4, slot * 4 + 4)]).toEqual([...LIGHT_RGBA.green]);
    wall.push([ev('case.light', { from: 'green', to: 'red', case: { ...f, light: 'red', version: 3 } }, { caseId: 9, streetCode: f.streetCode })]);
    wall.flush();
    expect(wall.columns.slotOf(9)).toBe(slot);
    expect(wall.columns.fill).toBe(fill);
    expect([...fill.subarray(slot * 4, slot * 4 + 4)]).toEqual([...LIGHT_RGBA.red]);
    const next = wall.columns.layerData();
    expect(next).not.toBe(data);
    expect(next.attributes.getFillColor.value).toBe(fill);
    expect(next.length).toBe(2);
  });

  it('a case that leaves frees its slot, the next new case takes it; overdue mode hides the rest in place', () => {
    resetIds(600);
    const wall = newStore();
    const a = facts({ id: 1, light: 'green', status: 'in_progress', version: 2 });
    const b = facts({ id: 2, light: 'yellow', status: 'in_progress', version: 2 });
    wall.loadOpenCasesBin(binary([a, b], 599));
    wall.flush();
    const slotA = wall.columns.slotOf(1)!;
    wall.push([ev('case.updated', { case: { ...a, status: 'handled', light: 'none', version: 3 } }, { caseId: 1, streetCode: a.streetCode })]);
    wall.flush();
    expect(wall.columns.slotOf(1)).toBeUndefined();
    expect(wall.columns.radius[slotA]).toBe(0);
    expect(wall.columns.freeSlots).toBe(1);
    const c = facts({ id: 3, light: 'green', version: 1 });
    wall.push([ev('case.created', { case: c }, { caseId: 3, streetCode: c.streetCode })]);
    wall.flush();
    expect(wall.columns.slotOf(3)).toBe(slotA);
    expect(wall.columns.length).toBe(2);
    wall.columns.setShow('overdue');
    expect(wall.columns.radius[slotA]).toBe(0);
    expect(wall.columns.radius[wall.columns.slotOf(2)!]).toBeGreaterThan(0);
    wall.columns.setShow('all');
    expect(wall.columns.radius[slotA]).toBeGreaterThan(0);
  });
});
