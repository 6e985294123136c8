/**
 * Scope by role: the live stream (live and replay) and the map snapshots carry only what the caller's role may see —
 * a grid worker their grids' cases, a department handler their department's cases, a wall everything without free
 * text, the command center everything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case, LiveEvent, OpenCases } from '@gridcommand/shared/schemas';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { listenApp, login, wallToken, type RunningApp } from './live-helpers.ts';
import { SseClient } from './sse-client.ts';

const PASSWORD = 'scope-test-password';
let db: TestDatabase;
let running: RunningApp;
let cookies: Record<'worker' | 'handler' | 'dispatcher', string>;
let token: string;
let mine: { lon: number; lat: number; grid: string };
let elsewhere: { lon: number; lat: number; grid: string };
let handlerDept: string;

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  running = await listenApp(db.pool, { heartbeatMs: 500, pollMs: 500 });
  cookies = {
    worker: await login(running.url, 'worker', PASSWORD),
    handler: await login(running.url, 'handler', PASSWORD),
    dispatcher: await login(running.url, 'dispatcher', PASSWORD),
  };
  token = await wallToken(db.pool);
  const pick = async (inMine: boolean) =>
    (
      await db.pool.query<{ lon: number; lat: number; grid: string }>(
        `SELECT ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat, a.code AS grid FROM area a
         WHERE a.level = 'grid' AND ${inMine ? '' : 'NOT'} EXISTS (SELECT 1 FROM app_user u WHERE u.username = 'worker' AND a.code = ANY(u.grid_codes))
         ORDER BY a.code LIMIT 1`,
      )
    ).rows[0]!;
  mine = await pick(true);
  elsewhere = await pick(false);
  handlerDept = (await db.pool.query<{ d: string }>(`SELECT department_code AS d FROM app_user WHERE username = 'handler'`)).rows[0]!.d;
});
afterAll(async () => {
  await running?.close();
  await db?.drop();
});

/** A category of the handler's department, and one of another department. */
async function categories(): Promise<{ theirs: string; other: string }> {
  const { rows } = await db.pool.query<{ code: string; department_code: string }>('SELECT code, department_code FROM category ORDER BY code');
  return { theirs: rows.find((r) => r.department_code === handlerDept)!.code, other: rows.find((r) => r.department_code !== handlerDept)!.code };
}

async function report(cookie: string, at: { lon: number; lat: number }, categoryCode: string, title: string): Promise<Case> {
  const res = await fetch(`${running.url}/api/cases`, {
    method: 'POST',
    headers: { cookie, 'x-gc-csrf': '1', 'content-type': 'application/json' },
    body: JSON.stringify({ categoryCode, priority: 'normal', lon: at.lon, lat: at.lat, title, description: '保密的现场描述', source: 'hotline' }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Case;
}

async function act(cookie: string, c: Case, action: string, extra: Record<string, unknown> = {}): Promise<Case> {
  const res = await fetch(`${running.url}/api/cases/${c.id}/actions`, {
    method: 'POST',
    headers: { cookie, 'x-gc-csrf': '1', 'content-type': 'application/json' },
    body: JSON.stringify({ action, version: c.version, ...extra }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Case;
}

describe('scope by role', () => {
  it('the live stream and its replay carry only what each role may see, and a wall gets no free text', async () => {
    const { theirs, other } = await categories();
    const since = running.app.liveHub.lastSeen;
    const live = `${running.url}/api/live?since=${since}`;
    const clients = {
      worker: await SseClient.connect(live, { headers: { cookie: cookies.worker } }),
      handler: await SseClient.connect(live, { headers: { cookie: cookies.handler } }),
      dispatcher: await SseClient.connect(live, { headers: { cookie: cookies.dispatcher } }),
      wall: await SseClient.connect(`${live}&token=${token}`),
    };
    try {
      const a = await report(cookies.dispatcher, mine, theirs, '本网格本部门'); // worker ✓ handler ✓
      const b = await report(cookies.dispatcher, elsewhere, other, '别处他部门'); // worker ✗ handler ✗
      const c = await report(cookies.dispatcher, elsewhere, theirs, '别处本部门'); // worker ✗ handler ✓
      await act(cookies.dispatcher, a, 'escalate', { reason: '需要协调的原因' });
      const pos = await fetch(`${running.url}/api/teams/positions`, {
        method: 'POST',
        headers: { cookie: cookies.dispatcher, 'x-gc-csrf': '1', 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ teamId: 1, lon: mine.lon, lat: mine.lat, at: new Date().toISOString() }] }),
      });
      expect(pos.status).toBe(200);
      await clients.dispatcher.waitUntil(() => clients.dispatcher.json<LiveEvent>().some((e) => e.type === 'team.positions'), 10_000, 'all events');
      await new Promise((r) => setTimeout(r, 600));

      const cases = (k: keyof typeof clients) => new Set(clients[k].json<LiveEvent>().map((e) => e.caseId));
      expect(cases('worker')).toEqual(new Set([a.id]));
      expect(cases('handler')).toEqual(new Set([a.id, c.id]));
      expect(cases('dispatcher')).toEqual(new Set([a.id, b.id, c.id, null]));
      expect(cases('wall')).toEqual(new Set([a.id, b.id, c.id, null]));
      // team positions reach neither the worker nor the handler
      for (const k of ['worker', 'handler'] as const) expect(clients[k].json<LiveEvent>().some((e) => e.type.startsWith('team.'))).toBe(false);
      // free text: the escalation's reason and note reach the dispatcher, not the wall
      const esc = (k: keyof typeof clients) => clients[k].json<LiveEvent>().find((e) => e.type === 'case.escalated')!;
      expect(esc('dispatcher')).toMatchObject({ note: '需要协调的原因', payload: { reason: '需要协调的原因' } });
      expect(esc('wall').note).toBeNull();
      expect(esc('wall').payload).not.toHaveProperty('reason');

      // the replay from the beginning of time is scoped the same way
      const replay = await SseClient.connect(`${running.url}/api/live?since=0`, { headers: { cookie: cookies.worker } });
      try {
        await new Promise((r) => setTimeout(r, 800));
        const ids = new Set(replay.json<LiveEvent>().map((e) => e.caseId));
        expect(ids).toEqual(new Set([a.id]));
      } finally {
        replay.close();
      }
    } finally {
      for (const cl of Object.values(clients)) cl.close();
    }
  });

  it('the map snapshots are scoped like the stream', async () => {
    const get = async (cookie: string, path: string) => {
      const res = await fetch(`${running.url}${path}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      return res.json();
    };
    const w = (await get(cookies.worker, '/api/map/open-cases')) as OpenCases;
    const workerGrids = (await db.pool.query<{ g: string[] }>(`SELECT grid_codes AS g FROM app_user WHERE username = 'worker'`)).rows[0]!.g;
    expect(w.items.length).toBeGreaterThan(0);
    for (const i of w.items) expect(workerGrids).toContain(i.gridCode);
    const h = (await get(cookies.handler, '/api/map/open-cases')) as OpenCases;
    for (const i of h.items) expect(i.departmentCode).toBe(handlerDept);
    const d = (await get(cookies.dispatcher, '/api/map/open-cases')) as OpenCases;
    expect(d.items.length).toBeGreaterThan(h.items.length);
    const lights = (await get(cookies.worker, '/api/map/grid-lights')) as { items: { code: string }[] };
    for (const l of lights.items) expect(workerGrids).toContain(l.code);
  });
});
