/**
 * The wall's map layers: open cases (lit states only), grid lights, and the event id up to which each snapshot
 * reflects the live stream (the hub's safe frontier), so that the wall can resume the live stream from it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { escalationLevelOf } from '@gridcommand/shared/domain';
import { CaseFacts } from '@gridcommand/shared/schemas';
import { OPEN, loadCases, statsWorld, type StatsWorld } from './stats-helpers.ts';
import { PASSWORD, login, sessionCookie } from './cases-helpers.ts';
import { appendEvents, signalCommitted } from '../src/modules/writer/events.ts';
import { testEvents } from './live-helpers.ts';

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

const KEYS = Object.keys(CaseFacts.properties).sort();

describe('GET /api/map/open-cases', () => {
  it('lists exactly the open (lit) cases, as the facts the case events carry, without personal data', async () => {
    const before = await maxEventId();
    const body = await w.json('/api/map/open-cases');
    expect(body.lastEventId).toBeGreaterThanOrEqual(before);
    expect(body.lastEventId).toBeLessThanOrEqual(await maxEventId());
    const want = w.cases.filter((c) => OPEN.has(c.status));
    expect(body.items.map((i: { id: number }) => i.id).sort((a: number, b: number) => a - b)).toEqual(want.map((c) => c.id));
    const byId = new Map(want.map((c) => [c.id, c]));
    const { rows } = await w.db.pool.query<{ id: number; code: string; title: string; communityCode: string; teamId: number | null; departmentCode: string | null; version: number }>(
      `SELECT id::int, code, title, community_code AS "communityCode", team_id AS "teamId", department_code AS "departmentCode", version FROM cases`,
    );
    const more = new Map(rows.map((r) => [r.id, r]));
    for (const it of body.items) {
      expect(Object.keys(it).sort()).toEqual(KEYS);
      expect(Value.Check(CaseFacts, it), JSON.stringify([...Value.Errors(CaseFacts, it)].slice(0, 3))).toBe(true);
      const c = byId.get(it.id)!;
      const m = more.get(it.id)!;
      expect(OPEN.has(it.status)).toBe(true);
      expect(it.light).not.toBe('none');
      expect(it).toMatchObject({
        light: c.light,
        status: c.status,
        priority: c.priority,
        source: c.source,
        categoryCode: c.categoryCode,
        gridCode: c.gridCode,
        zoneCode: c.zoneCode,
        streetCode: c.streetCode,
        communityCode: m.communityCode,
        code: m.code,
        title: m.title,
        teamId: m.teamId,
        departmentCode: m.departmentCode,
        version: m.version,
        supervised: c.supervised,
        escalationLevel: escalationLevelOf(c.escalationLevel),
        reportedAt: c.reportedAt.toISOString(),
        resolveBy: c.resolveBy.toISOString(),
      });
      expect(it.lon).toBeCloseTo(c.lon, 5);
      expect(it.lat).toBeCloseTo(c.lat, 5);
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads `url` until its lastEventId reaches `id` (the hub's frontier follows a commit within milliseconds). */
async function snapshotReaching(url: string, id: number): Promise<any> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const body = await w.json(url);
    if (body.lastEventId >= id || Date.now() > deadline) return body;
    await sleep(20);
  }
}

async function createCaseAt(c: { categoryCode: string; lon: number; lat: number }): Promise<{ id: number; eventId: number }> {
  const res = await w.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie: dispatcher, 'x-gc-csrf': '1' },
    payload: { categoryCode: c.categoryCode, priority: 'normal', lon: c.lon, lat: c.lat, title: '井盖缺失', description: '路口井盖缺失', source: 'hotline' },
  });
  expect(res.statusCode, res.body).toBe(201);
  const created = res.json() as { id: number };
  const { rows } = await w.db.pool.query<{ id: string }>('SELECT max(id)::text AS id FROM event WHERE case_id = $1', [created.id]);
  return { id: created.id, eventId: Number(rows[0]!.id) };
}

describe('snapshots and the live stream', () => {
  it('a new case shows up, and lastEventId follows its event; an unchanged snapshot keeps its id', async () => {
    const a = await w.json('/api/map/grid-lights');
    const b = await w.json('/api/map/grid-lights');
    expect(b.lastEventId).toBe(a.lastEventId);

    const c = w.cases.find((x) => OPEN.has(x.status))!;
    const created = await createCaseAt(c);
    expect(created.eventId).toBeGreaterThan(a.lastEventId);

    const open = await snapshotReaching('/api/map/open-cases', created.eventId);
    expect(open.lastEventId).toBeGreaterThanOrEqual(created.eventId);
    expect(open.lastEventId).toBeLessThanOrEqual(await maxEventId());
    expect(open.items.some((i: { id: number }) => i.id === created.id)).toBe(true);
    const lights = await snapshotReaching('/api/map/grid-lights', created.eventId);
    expect(lights.lastEventId).toBeGreaterThanOrEqual(created.eventId);
    const grid = lights.items.find((i: { code: string }) => i.code === c.gridCode);
    const now = await loadCases(w);
    expect(grid.open).toBe(now.filter((x) => x.gridCode === c.gridCode && OPEN.has(x.status)).length);
  });

  it('an event id still held by an open write keeps lastEventId below it, though later ones committed', async () => {
    const before = await snapshotReaching('/api/map/open-cases', await maxEventId());
    const writer = await w.db.pool.connect();
    let held: number;
    try {
      await writer.query('BEGIN');
      [held] = (await appendEvents(writer, testEvents(1, { tag: 'map snapshot' }), { id: null, role: 'system' })) as [number];
      // a later write commits a larger id while the first one is still open
      const c = w.cases.find((x) => OPEN.has(x.status))!;
      const created = await createCaseAt(c);
      expect(created.eventId).toBeGreaterThan(held);
      await sleep(100);
      const snap = await w.json('/api/map/open-cases');
      // every event up to lastEventId is reflected: the held one is not, so lastEventId stays below it
      expect(snap.lastEventId).toBeGreaterThanOrEqual(before.lastEventId);
      expect(snap.lastEventId).toBeLessThan(held);
      // the snapshot may already show what came after (the fold ignores those events by version)
      expect(snap.items.some((i: { id: number }) => i.id === created.id)).toBe(true);
      await writer.query('COMMIT');
      signalCommitted(w.db.pool);
      const after = await snapshotReaching('/api/map/open-cases', created.eventId);
      expect(after.lastEventId).toBeGreaterThanOrEqual(created.eventId);
    } finally {
      await writer.query('ROLLBACK').catch(() => {});
      writer.release();
    }
  });

  it('grid-lights and open-cases agree', async () => {
    const lights = await w.json('/api/map/grid-lights');
    const open = await w.json('/api/map/open-cases');
    const per = new Map<string, number>();
    for (const i of open.items) per.set(i.gridCode, (per.get(i.gridCode) ?? 0) + 1);
    expect(lights.items.length).toBe(per.size);
    for (const g of lights.items) expect(g.open).toBe(per.get(g.code));
  });
});
