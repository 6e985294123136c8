/** Two real server processes (server/src/main.ts) on one database behave as one live stream. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { appendInTx, login, strictlyIncreasing, testEvents, wallToken } from './live-helpers.ts';
import { startServer, type ServerProcess } from './server-process.ts';
import { SseClient } from './sse-client.ts';

let db: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
let token: string;

const live = (p: ServerProcess, qs = '') => `${p.url}/api/live?token=${token}${qs ? `&${qs}` : ''}`;

beforeAll(async () => {
  db = await testDatabase();
  token = await wallToken(db.pool);
  const env = { GC_DEMO: 'false', GC_CLIENT_DIST: '', GC_LIVE_HEARTBEAT_MS: '1000' };
  a = await startServer({ databaseUrl: db.url, env });
  b = await startServer({ databaseUrl: db.url, env });
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
});

describe('live stream across server processes', () => {
  it('an event committed once reaches the clients of both processes, with the same ids in the same order', async () => {
    const onA = await SseClient.connect(live(a));
    const onB = await SseClient.connect(live(b));
    try {
      const ids: number[] = [];
      for (let t = 0; t < 5; t++) ids.push(...(await appendInTx(db.pool, testEvents(20, { tag: `two-proc${t}` }))));
      await Promise.all([onA.waitForId(ids[ids.length - 1]!), onB.waitForId(ids[ids.length - 1]!)]);
      expect(onA.ids()).toEqual(ids);
      expect(onB.ids()).toEqual(ids);
      expect(onB.messages.map((m) => m.data)).toEqual(onA.messages.map((m) => m.data));
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('a case created through the API of process A reaches a client of process B', async () => {
    const password = 'live-test-password';
    await seedDemoUsers(db.pool, password);
    const { rows } = await db.pool.query<{ category: string; lon: number; lat: number; street: string }>(
      `SELECT (SELECT code FROM category ORDER BY code LIMIT 1) AS category,
              ST_X(p) AS lon, ST_Y(p) AS lat, g.street_code AS street
       FROM (SELECT street_code, ST_PointOnSurface(geom) AS p FROM area WHERE level = 'grid' ORDER BY code LIMIT 1) g`,
    );
    const spot = rows[0]!;
    const onB = await SseClient.connect(live(b, `types=case.created&street=${spot.street}`));
    try {
      const cookie = await login(a.url, 'dispatcher', password);
      const res = await fetch(`${a.url}/api/cases`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'x-gc-csrf': '1' },
        body: JSON.stringify({
          categoryCode: spot.category,
          priority: 'normal',
          lon: spot.lon,
          lat: spot.lat,
          title: '跨进程测试',
          description: 'written through process A',
          source: 'hotline',
        }),
      });
      expect(res.status).toBe(201);
      const created = (await res.json()) as { id: number };
      await onB.waitForCount(1);
      const [event] = onB.json<{ type: string; caseId: number; streetCode: string; toState: string }>();
      expect(event).toMatchObject({ type: 'case.created', caseId: created.id, streetCode: spot.street, toState: 'reported' });
    } finally {
      onB.close();
    }
  });

  it('a client that leaves process A and comes back on process B with Last-Event-ID misses nothing', async () => {
    const onA = await SseClient.connect(live(a));
    const seen = await appendInTx(db.pool, testEvents(10, { tag: 'seen-on-a' }));
    await onA.waitForId(seen[9]!);
    const lastEventId = onA.lastEventId;
    onA.close();

    const missed: number[] = [];
    const batches = await Promise.all(Array.from({ length: 10 }, (_, i) => appendInTx(db.pool, testEvents(30, { tag: `missed${i}` }))));
    for (const ids of batches) missed.push(...ids);
    missed.sort((x, y) => x - y);

    const onB = await SseClient.connect(live(b), { lastEventId });
    try {
      await onB.waitForCount(missed.length);
      const next = await appendInTx(db.pool, testEvents(1, { tag: 'next' }));
      await onB.waitForId(next[0]!);
      expect(onB.ids()).toEqual([...missed, next[0]]);
    } finally {
      onB.close();
    }
  });

  it('concurrent writers: the clients of both processes each get every id once, strictly increasing', async () => {
    // Start every client from the same committed id, so an event of an earlier test that a process is still
    // delivering cannot land in one client and not another.
    const { rows } = await db.pool.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM event');
    const from = rows[0]!.id;
    const clients = await Promise.all([a, b, a, b].map((p) => SseClient.connect(live(p), { lastEventId: from })));
    try {
      const batches = await Promise.all(
        Array.from({ length: 10 }, async (_, w) => {
          const ids: number[] = [];
          for (let t = 0; t < 5; t++) ids.push(...(await appendInTx(db.pool, testEvents(10, { tag: `cw${w}-${t}` }))));
          return ids;
        }),
      );
      const all = batches.flat().sort((x, y) => x - y);
      await Promise.all(clients.map((c) => c.waitForId(all[all.length - 1]!)));
      for (const c of clients) {
        expect(strictlyIncreasing(c.ids())).toBe(true);
        expect(c.ids()).toEqual(all);
      }
    } finally {
      for (const c of clients) c.close();
    }
  });
});
