/**
 * The wall's store on the shared fold, without a browser: a wall fed a snapshot and days of events shows
 * exactly what a wall loaded fresh from the final truth shows (cases, grid lights by tile id, counts by light,
 * teams); handled, verified and parked cases leave the wall; events are folded per frame, not per event; and the
 * SSE reader of the live connection cuts a stream into typed events.
 */
import { describe, expect, it } from 'vitest';
import { type CaseState } from '@gridcommand/shared/domain';
import { type CaseFacts, type LiveEvent } from '@gridcommand/shared/schemas';
import { ev, facts, resetIds } from '../../shared/test/fixtures/events.ts';
import { WallStore } from '../src/wall/store.ts';
import { SseChunkReader } from '../src/api/live.ts';
import { District, GRIDS, GRID_IDS, STREETS, byId, disposeStoresAfterEach, expectSameWall, expectedTiles, newStore, rng, stores, watchMap } from './wall-store-fixtures.ts';

disposeStoresAfterEach();

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

  it('a grid lights its tile from its code alone: no grid index is read', () => {
    const wall = new WallStore({ street: null });
    stores.push(wall);
    const map = watchMap(wall);
    wall.loadOpenCases({ lastEventId: 1, items: [open()] });
    expect(map.get(TILE)).toBe('red');
    expect(TILE).toBe(Number(GRID));
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
    const wall = new WallStore({ street: null, now: () => now });
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
