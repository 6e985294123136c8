/**
 * The wall's map layers: open cases (lit states only), grid lights, and the event id each snapshot includes,
 * so that the wall can resume the live stream from it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN, loadCases, statsWorld, type StatsWorld } from './stats-helpers.ts';
import { PASSWORD, login, sessionCookie } from './cases-helpers.ts';

let w: StatsWorld;
let dispatcher: string;

beforeAll(async () => {
  w = await statsWorld();
  dispatcher = sessionCookie(await login(w.app, 'dispatcher', PASSWORD));
});
afterAll(async () => {
  await w?.close();
});

async function maxEventId(): Promise<number> {
  const { rows } = await w.db.pool.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM event');
  return Number(rows[0]!.id);
}

const KEYS = ['categoryCode', 'code', 'gridId', 'id', 'lat', 'light', 'lon', 'majorCode', 'priority', 'reportedAt', 'status', 'streetCode', 'title'];

describe('GET /api/map/open-cases', () => {
  it('lists exactly the open (lit) cases, compactly, without personal data', async () => {
    const before = await maxEventId();
    const body = await w.json('/api/map/open-cases');
    expect(body.lastEventId).toBeGreaterThanOrEqual(before);
    expect(body.lastEventId).toBeLessThanOrEqual(await maxEventId());
    const want = w.cases.filter((c) => OPEN.has(c.status));
    expect(body.items.map((i: { id: number }) => i.id).sort((a: number, b: number) => a - b)).toEqual(want.map((c) => c.id));
    const byId = new Map(want.map((c) => [c.id, c]));
    for (const it of body.items) {
      expect(Object.keys(it).sort()).toEqual(KEYS);
      const c = byId.get(it.id)!;
      expect(OPEN.has(it.status)).toBe(true);
      expect(it.light).not.toBe('none');
      expect(it.light).toBe(c.light);
      expect(it.gridId).toBe(w.areas.get(c.gridCode)!.id);
      expect(it.majorCode).toBe(c.categoryCode.slice(0, 2));
      expect(it.lon).toBeCloseTo(c.lon, 5);
    }
    expect(JSON.stringify(body)).not.toMatch(/reporter|"1[3-9]\d{9}"/);
  });

  it('bbox narrows the list', async () => {
    const all = await w.json('/api/map/open-cases');
    const c0 = all.items[0];
    const bbox = [c0.lon - 0.02, c0.lat - 0.02, c0.lon + 0.02, c0.lat + 0.02];
    const body = await w.json(`/api/map/open-cases?bbox=${bbox.join(',')}`);
    const want = all.items.filter(
      (i: { lon: number; lat: number }) => i.lon >= bbox[0]! && i.lon <= bbox[2]! && i.lat >= bbox[1]! && i.lat <= bbox[3]!,
    );
    expect(body.items.length).toBe(want.length);
    expect(body.items.length).toBeLessThan(all.items.length);
  });
});

describe('snapshots and the live stream', () => {
  it('a new case shows up with an event id not above the snapshot lastEventId; an unchanged snapshot keeps its id', async () => {
    const a = await w.json('/api/map/grid-lights');
    const b = await w.json('/api/map/grid-lights');
    expect(b.lastEventId).toBe(a.lastEventId);

    const c = w.cases.find((x) => OPEN.has(x.status))!;
    const res = await w.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: dispatcher, 'x-gc-csrf': '1' },
      payload: {
        categoryCode: c.categoryCode, priority: 'normal', lon: c.lon, lat: c.lat, title: '井盖缺失', description: '路口井盖缺失', source: 'hotline',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json() as { id: number };
    const { rows } = await w.db.pool.query<{ id: string }>('SELECT max(id)::text AS id FROM event WHERE case_id = $1', [created.id]);
    const eventId = Number(rows[0]!.id);
    expect(eventId).toBeGreaterThan(a.lastEventId);

    const open = await w.json('/api/map/open-cases');
    expect(open.lastEventId).toBeGreaterThanOrEqual(eventId);
    expect(open.items.some((i: { id: number }) => i.id === created.id)).toBe(true);
    const lights = await w.json('/api/map/grid-lights');
    expect(lights.lastEventId).toBeGreaterThanOrEqual(eventId);
    const grid = lights.items.find((i: { code: string }) => i.code === c.gridCode);
    const now = await loadCases(w);
    expect(grid.open).toBe(now.filter((x) => x.gridCode === c.gridCode && OPEN.has(x.status)).length);
  });

  it('grid-lights and open-cases agree', async () => {
    const lights = await w.json('/api/map/grid-lights');
    const open = await w.json('/api/map/open-cases');
    const per = new Map<number, number>();
    for (const i of open.items) per.set(i.gridId, (per.get(i.gridId) ?? 0) + 1);
    expect(lights.items.length).toBe(per.size);
    for (const g of lights.items) expect(g.open).toBe(per.get(g.id));
  });
});
