/**
 * GET /api/map/open-cases.bin: the binary snapshot of the open cases (docs/map-data.md) lists what the JSON route
 * lists, values round-trip, and it is scoped and validated like the JSON route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OPEN_CASES_BIN_MAGIC,
  OPEN_CASES_BIN_TYPE,
  OPEN_CASES_BIN_VERSION,
  decodeOpenCases,
  openCaseFacts,
  type CaseFacts,
  type OpenCases,
} from '@gridcommand/shared/schemas';
import { statsWorld, type StatsWorld } from './stats-helpers.ts';
import { PASSWORD, login, sessionCookie } from './cases-helpers.ts';

let w: StatsWorld;
let worker: string;

beforeAll(async () => {
  w = await statsWorld();
  worker = sessionCookie(await login(w.app, 'worker', PASSWORD));
});
afterAll(async () => {
  await w?.close();
});

async function bin(url: string, headers: Record<string, string> = { cookie: w.leader }) {
  const res = await w.app.inject({ method: 'GET', url, headers });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toContain(OPEN_CASES_BIN_TYPE);
  return res.rawPayload;
}

/** the JSON route's facts less what the binary leaves out (free text, except the emergencies') */
function withoutText(c: CaseFacts): CaseFacts {
  return c.priority === 'emergency' ? c : { ...c, code: '', title: '' };
}

describe('GET /api/map/open-cases.bin', () => {
  it('has the header, the same cases as the JSON route, and the values round-trip', async () => {
    const json = (await w.json('/api/map/open-cases')) as OpenCases;
    const raw = await bin('/api/map/open-cases.bin');
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    expect(view.getUint32(0, true)).toBe(OPEN_CASES_BIN_MAGIC);
    expect(view.getUint16(4, true)).toBe(OPEN_CASES_BIN_VERSION);
    const d = decodeOpenCases(raw);
    expect(json.items.length).toBeGreaterThan(0);
    expect(d.count).toBe(json.items.length);
    expect(d.lastEventId).toBeGreaterThanOrEqual(json.lastEventId);
    expect(openCaseFacts(d)).toEqual(json.items.map(withoutText));
    // far fewer bytes than the JSON
    expect(raw.byteLength).toBeLessThan(JSON.stringify(json).length / 3);
  });

  it('bbox narrows it like the JSON route', async () => {
    const all = (await w.json('/api/map/open-cases')) as OpenCases;
    const c0 = all.items[0]!;
    const bbox = `${c0.lon - 0.002},${c0.lat - 0.002},${c0.lon + 0.002},${c0.lat + 0.002}`;
    const json = (await w.json(`/api/map/open-cases?bbox=${bbox}`)) as OpenCases;
    const d = decodeOpenCases(await bin(`/api/map/open-cases.bin?bbox=${bbox}`));
    expect([...d.columns.id]).toEqual(json.items.map((c) => c.id));
    expect(d.count).toBeLessThan(all.items.length);
  });

  it('a grid worker sees only their grids; the wall token reads it too', async () => {
    const { rows } = await w.db.pool.query<{ g: string[] }>(`SELECT grid_codes AS g FROM app_user WHERE username = 'worker'`);
    const grids = new Set(rows[0]!.g);
    const mine = decodeOpenCases(await bin('/api/map/open-cases.bin', { cookie: worker }));
    const jsonRes = await w.app.inject({ method: 'GET', url: '/api/map/open-cases', headers: { cookie: worker } });
    expect(mine.count).toBe((jsonRes.json() as OpenCases).items.length);
    for (const c of openCaseFacts(mine)) expect(grids.has(c.gridCode)).toBe(true);
    const all = decodeOpenCases(await bin('/api/map/open-cases.bin'));
    expect(mine.count).toBeLessThan(all.count);
    const wall = decodeOpenCases(await bin('/api/map/open-cases.bin', { authorization: `Bearer ${w.wallToken}` }));
    expect(wall.count).toBe(all.count);
  });

  it('refuses a bad query (400) and no login (401)', async () => {
    for (const q of ['bbox=1,2,3', 'bbox=abc', 'format=json']) {
      const res = await w.app.inject({ method: 'GET', url: `/api/map/open-cases.bin?${q}`, headers: { cookie: w.leader } });
      expect(res.statusCode, q).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400 });
    }
    const anon = await w.app.inject({ method: 'GET', url: '/api/map/open-cases.bin' });
    expect(anon.statusCode).toBe(401);
  });
});
