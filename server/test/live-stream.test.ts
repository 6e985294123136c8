/** GET /api/live against the real app and a real PostGIS: order, filters, heartbeats, replay, concurrency, slow clients. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { LiveEvent } from '@gridcommand/shared/schemas';
import { createPool } from '../src/db/pool.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { appendInTx, caseEventDraft, listenApp, login, streetCodes, strictlyIncreasing, testEvents, wallToken, type RunningApp } from './live-helpers.ts';
import { SseClient, stalledClient } from './sse-client.ts';

let db: TestDatabase;
let running: RunningApp;
let url: string;
let token: string;
let streets: string[];

beforeAll(async () => {
  db = await testDatabase();
  running = await listenApp(db.pool, { heartbeatMs: 200, pollMs: 500 });
  token = await wallToken(db.pool);
  url = `${running.url}/api/live?token=${token}`;
  streets = await streetCodes(db.pool, 2);
});

afterAll(async () => {
  await running?.close();
  await db?.drop();
});

describe('GET /api/live', () => {
  it('streams events in id order with the SSE headers, the retry line and the LiveEvent shape', async () => {
    const client = await SseClient.connect(url);
    try {
      expect(client.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(client.headers['cache-control']).toMatch(/no-cache/);
      expect(client.headers['x-accel-buffering']).toBe('no');
      await client.waitUntil(() => client.retry !== null, 5_000, 'retry line');
      expect(client.retry).toBe(2000);

      const a = await appendInTx(db.pool, testEvents(3, { tag: 'order-a', streetCode: streets[0], lon: 120.1, lat: 35.9 }));
      const b = await appendInTx(db.pool, [caseEventDraft('case.light', streets[1]!), { ...caseEventDraft('case.light', streets[1]!), streetCode: null }]);
      await client.waitForCount(5);
      expect(client.ids()).toEqual([...a, ...b]);
      expect(strictlyIncreasing(client.ids())).toBe(true);

      const events = client.json<LiveEvent>();
      for (const e of events) expect(Value.Check(LiveEvent, e)).toBe(true);
      expect(client.messages.map((m) => m.event)).toEqual(['patrol_zone.deleted', 'patrol_zone.deleted', 'patrol_zone.deleted', 'case.light', 'case.light']);
      // a wall screen's stream carries no free text: the note is left out
      expect(events[0]).toMatchObject({ id: a[0], v: 1, type: 'patrol_zone.deleted', streetCode: streets[0], lon: 120.1, lat: 35.9, note: null });
      expect(events[0]!.payload).toEqual({ zoneId: 1 });
      expect(events[4]).toMatchObject({ type: 'case.light', streetCode: null, lon: null, lat: null, caseId: null });
      expect(Number.isNaN(Date.parse(events[0]!.at))).toBe(false);
    } finally {
      client.close();
    }
  });

  it('sends heartbeat comments while idle', async () => {
    const client = await SseClient.connect(url);
    try {
      await client.waitUntil(() => client.comments.filter((c) => c === 'heartbeat').length >= 2, 5_000, 'two heartbeats');
    } finally {
      client.close();
    }
  });

  it('filters by street (events without a street always pass) and by type', async () => {
    const [s1, s2] = streets as [string, string];
    const byStreet = await SseClient.connect(`${url}&street=${s1}`);
    const byType = await SseClient.connect(`${url}&types=case.light,team.*`);
    try {
      const mine = await appendInTx(db.pool, testEvents(2, { tag: 'street-1', streetCode: s1 }));
      await appendInTx(db.pool, testEvents(3, { tag: 'street-2', streetCode: s2 }));
      const none = await appendInTx(db.pool, testEvents(1, { tag: 'no-street' }));
      const light = await appendInTx(db.pool, [caseEventDraft('case.light', s2)]);
      const team = await appendInTx(db.pool, [
        {
          type: 'team.position', caseId: null, teamId: null, streetCode: null, fromState: null, toState: null, note: null, lon: 120.2, lat: 35.95,
          payload: { at: new Date().toISOString(), status: 'available', speed: null, heading: null },
        },
      ]);
      const mine2 = await appendInTx(db.pool, [caseEventDraft('case.created', s1)]);

      await byStreet.waitForId(mine2[0]!);
      expect(byStreet.ids()).toEqual([...mine, ...none, ...team, ...mine2]);
      expect(new Set(byStreet.json<LiveEvent>().map((e) => e.streetCode))).toEqual(new Set([s1, null]));

      await byType.waitForId(team[0]!);
      await new Promise((r) => setTimeout(r, 200));
      expect(byType.ids()).toEqual([...light, ...team]);
    } finally {
      byStreet.close();
      byType.close();
    }
  });

  it('admits every signed-in role and wall tokens, and refuses the public', async () => {
    const anonymous = await fetch(`${running.url}/api/live`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { statusCode: number }).statusCode).toBe(401);
    const badToken = await fetch(`${running.url}/api/live?token=${'x'.repeat(43)}`);
    expect(badToken.status).toBe(401);
    await badToken.body?.cancel();

    const password = 'live-test-password';
    await seedDemoUsers(db.pool, password);
    for (const username of ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'wall']) {
      const cookie = await login(running.url, username, password);
      const client = await SseClient.connect(`${running.url}/api/live`, { headers: { cookie } });
      await client.waitUntil(() => client.retry !== null, 5_000, `${username}: retry line`);
      client.close();
    }
    const bearer = await SseClient.connect(`${running.url}/api/live`, { headers: { authorization: `Bearer ${token}` } });
    await bearer.waitUntil(() => bearer.retry !== null, 5_000, 'bearer: retry line');
    bearer.close();
  });

  it('refuses malformed filters with the one error shape', async () => {
    const res = await fetch(`${url}&street=12ab`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { statusCode: number; message: string };
    expect(body.statusCode).toBe(400);
    expect(body.message).toMatch(/street/);
  });

  it('replays with Last-Event-ID: exactly the 1,000 events written while disconnected, in order, none twice', async () => {
    const first = await SseClient.connect(url);
    const before = await appendInTx(db.pool, testEvents(20, { tag: 'before' }));
    await first.waitForId(before[before.length - 1]!);
    const lastEventId = first.lastEventId;
    expect(Number(lastEventId)).toBe(before[before.length - 1]);
    first.close();

    // 1,000 events: 10 sequential transactions of 40, then 30 concurrent transactions of 20
    const written: number[] = [];
    for (let i = 0; i < 10; i++) written.push(...(await appendInTx(db.pool, testEvents(40, { tag: `seq${i}` }))));
    const concurrent = await Promise.all(Array.from({ length: 30 }, (_, i) => appendInTx(db.pool, testEvents(20, { tag: `par${i}` }))));
    for (const ids of concurrent) written.push(...ids);
    expect(written).toHaveLength(1000);
    written.sort((x, y) => x - y);

    const again = await SseClient.connect(url, { lastEventId });
    try {
      await again.waitForCount(1000);
      // nothing more than those (a live event after the switch-over would show up here)
      const after = await appendInTx(db.pool, testEvents(1, { tag: 'after' }));
      await again.waitForId(after[0]!);
      expect(again.ids()).toEqual([...written, after[0]]);
    } finally {
      again.close();
    }
  });

  it('switches from replay to live without a gap or a duplicate while writers keep writing', async () => {
    const start = await appendInTx(db.pool, testEvents(1, { tag: 'switch-start' }));
    const backlog: number[] = [];
    for (let i = 0; i < 5; i++) backlog.push(...(await appendInTx(db.pool, testEvents(600, { tag: `backlog${i}` }))));
    // writers run while the client replays 3,000 events in pages of 1,000
    let stop = false;
    const live: number[] = [];
    const writer = (async () => {
      while (!stop) {
        live.push(...(await appendInTx(db.pool, testEvents(5, { tag: 'during' }))));
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const client = await SseClient.connect(`${url}&lastEventId=${start[0]}`);
    try {
      await client.waitForCount(backlog.length + 50, 30_000);
      stop = true;
      await writer;
      const all = [...backlog, ...live].sort((x, y) => x - y);
      await client.waitForId(all[all.length - 1]!);
      expect(client.ids()).toEqual(all);
    } finally {
      stop = true;
      client.close();
    }
  });

  it('starts after ?since= when there is no Last-Event-ID, and the header wins over the query', async () => {
    const ids = await appendInTx(db.pool, testEvents(10, { tag: 'since' }));
    const since = await SseClient.connect(`${url}&since=${ids[4]}`);
    const header = await SseClient.connect(`${url}&lastEventId=${ids[0]}`, { lastEventId: ids[7]! });
    try {
      await since.waitForCount(5);
      expect(since.ids()).toEqual(ids.slice(5));
      await header.waitForCount(2);
      await new Promise((r) => setTimeout(r, 100));
      expect(header.ids()).toEqual(ids.slice(8));
    } finally {
      since.close();
      header.close();
    }
  });

  it('delivers every id exactly once and in order with 20 concurrent writers × 50 events', async () => {
    const writers = createPool(db.url, 25);
    const client = await SseClient.connect(url);
    try {
      const batches = await Promise.all(
        Array.from({ length: 20 }, async (_, w) => {
          const ids: number[] = [];
          // each writer commits 50 events in 5 transactions, interleaved with the others
          for (let t = 0; t < 5; t++) ids.push(...(await appendInTx(writers, testEvents(10, { tag: `w${w}t${t}` }))));
          return ids;
        }),
      );
      const all = batches.flat().sort((x, y) => x - y);
      expect(all).toHaveLength(1000);
      await client.waitForId(all[all.length - 1]!);
      const got = client.ids();
      expect(strictlyIncreasing(got)).toBe(true);
      expect(got).toEqual(all);
    } finally {
      client.close();
      await writers.end();
    }
  });

  it('keeps the stream going when the LISTEN connection is killed (reconnect, catch-up)', async () => {
    const client = await SseClient.connect(url);
    try {
      const reconnectsBefore = running.app.liveHub.stats().reconnects;
      await db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'gridcommand-live' AND datname = current_database()`);
      const ids = await appendInTx(db.pool, testEvents(5, { tag: 'after-kill' }));
      await client.waitForId(ids[4]!);
      expect(client.ids()).toEqual(ids);
      await client.waitUntil(() => running.app.liveHub.stats().listening, 10_000, 'listener back');
      expect(running.app.liveHub.stats().reconnects).toBeGreaterThan(reconnectsBefore);
      const more = await appendInTx(db.pool, testEvents(3, { tag: 'after-reconnect' }));
      await client.waitForId(more[2]!);
      expect(client.ids()).toEqual([...ids, ...more]);
    } finally {
      client.close();
    }
  });
});

describe('GET /api/live with a slow client', () => {
  let slowApp: RunningApp;

  beforeAll(async () => {
    slowApp = await listenApp(db.pool, { heartbeatMs: 60_000, maxQueue: 300 });
  });
  afterAll(async () => {
    await slowApp?.close();
  });

  it('a client that never reads neither blocks nor delays the others, and is dropped once its queue is full', async () => {
    const liveUrl = `${slowApp.url}/api/live?token=${token}`;
    const stalled = await stalledClient(liveUrl);
    const fast = await SseClient.connect(liveUrl);
    try {
      await fast.waitUntil(() => slowApp.app.liveHub.subscriberCount === 2, 5_000, 'two subscribers');
      // ~12 MB of events: far more than the stalled socket's buffers can hold
      const blob = 'x'.repeat(4_000);
      const written: number[] = [];
      // big frames (a long title; notes would be left out of a wall's stream) fill the stalled socket quickly
      for (let t = 0; t < 30; t++) written.push(...(await appendInTx(db.pool, Array.from({ length: 100 }, () => caseEventDraft('case.light', streets[0]!, { title: blob })))));
      await fast.waitForId(written[written.length - 1]!, 30_000);
      expect(fast.ids()).toEqual(written);
      // the stalled client was disconnected by the server (it would replay after reconnecting)
      await fast.waitUntil(() => slowApp.app.liveHub.subscriberCount === 1, 10_000, 'the stalled client to be dropped');
    } finally {
      fast.close();
      stalled.destroy();
    }
  });
});
