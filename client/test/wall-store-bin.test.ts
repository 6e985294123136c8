/**
 * The wall's typed arrays (client/src/wall/case-columns.ts): the binary snapshot round-trips, a binary-loaded wall
 * draws what a JSON-loaded and a fresh wall draw after days of events, changes rewrite slots in place, freed slots
 * are reused.
 */
import { describe, expect, it } from 'vitest';
import { decodeOpenCases, encodeOpenCases, openCaseFacts, type CaseFacts } from '@gridcommand/shared/schemas';
import { LIGHT_RGBA } from '../src/map/layers/case-paint.ts';
import { ev, facts, resetIds } from '../../shared/test/fixtures/events.ts';
import { WallStore } from '../src/wall/store.ts';
import { District, STREETS, byId, disposeStoresAfterEach, newStore, rng } from './wall-store-fixtures.ts';

disposeStoresAfterEach();

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
