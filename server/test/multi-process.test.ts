/**
 * Two real API processes (server/src/main.ts) behind nginx (deploy/nginx.conf): a live-stream client through nginx
 * loses its process to SIGKILL while cases are being written, reconnects through nginx with Last-Event-ID, lands on
 * the other process and has every event exactly once (compared with the event table).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { startNginx, type Nginx } from '../scripts/nginx.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { login, wallToken } from './live-helpers.ts';
import { freePort, startServer, type ServerProcess } from './server-process.ts';
import { SseClient } from './sse-client.ts';

const PASSWORD = 'multi-process-password';
const CASES = 40;

let db: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
let nginx: Nginx;
let dir: string;
let token: string;
let spot: { category: string; lon: number; lat: number };
let hold: { release(): void } | null = null;

beforeAll(async () => {
  db = await testDatabase();
  // a connection held for the whole file: a concurrent test run's setup drops test databases nobody is connected to
  hold = await db.pool.connect();
  token = await wallToken(db.pool);
  await seedDemoUsers(db.pool, PASSWORD);
  const { rows } = await db.pool.query<{ category: string; lon: number; lat: number }>(
    `SELECT (SELECT code FROM category ORDER BY code LIMIT 1) AS category, ST_X(p) AS lon, ST_Y(p) AS lat
     FROM (SELECT ST_PointOnSurface(geom) AS p FROM area WHERE level = 'grid' ORDER BY code LIMIT 1) g`,
  );
  spot = rows[0]!;
  const env = { GC_DEMO: 'false', GC_CLIENT_DIST: '', GC_LIVE_HEARTBEAT_MS: '1000', GC_TRUST_PROXY: 'loopback' };
  [a, b] = await Promise.all([startServer({ databaseUrl: db.url, env }), startServer({ databaseUrl: db.url, env: { ...env, GC_JOBS: 'false' } })]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-nginx-'));
  fs.mkdirSync(path.join(dir, 'client'));
  nginx = await startNginx({ dir, port: await freePort(), upstreams: [a.port, b.port], clientDist: path.join(dir, 'client'), upstreamHeader: true });
}, 180_000);

afterAll(async () => {
  await nginx?.stop();
  // a process killed by a signal has no exit code: stop only the living
  await Promise.all([a, b].filter((p) => p && p.child.exitCode === null && p.child.signalCode === null).map((p) => p.stop()));
  hold?.release();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** SIGKILL a process and its descendants, deepest first: tsx runs the server in a child node process. */
function killTree(pid: number): void {
  const children = (p: number): number[] =>
    fs.readdirSync(`/proc/${p}/task`).flatMap((t) => {
      const text = fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim();
      return text ? text.split(/\s+/).map(Number) : [];
    });
  const all: number[] = [];
  const walk = (p: number) => {
    for (const c of children(p)) walk(c);
    all.push(p);
  };
  walk(pid);
  for (const p of all) process.kill(p, 'SIGKILL');
}

/** The API process that answered, from nginx's X-GC-Upstream (the last address it tried). */
function servedBy(header: string | string[] | undefined): number {
  const last = String(header ?? '').split(/,\s*/).pop() ?? '';
  return Number(last.split(':').pop());
}

/** Creates a case through nginx; a request lost with its process is sent again with the same Idempotency-Key. */
async function createCase(cookie: string, i: number): Promise<{ id: number; attempts: number }> {
  const key = crypto.randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${nginx.url}/api/cases`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'x-gc-csrf': '1', 'idempotency-key': key },
        body: JSON.stringify({ categoryCode: spot.category, priority: 'normal', lon: spot.lon, lat: spot.lat, title: `多进程 ${i}`, description: 'written through nginx', source: 'hotline' }),
      });
      if (res.status === 201 || res.status === 200) return { id: ((await res.json()) as { id: number }).id, attempts: attempt };
      if (res.status !== 502 && res.status !== 503 && res.status !== 504) throw new Error(`POST /api/cases answered ${res.status}: ${await res.text()}`);
    } catch (err) {
      if (attempt > 30 || !/fetch failed|ECONNRESET|socket/i.test(String((err as Error).message) + String((err as Error).cause))) throw err;
    }
    if (attempt > 30) throw new Error(`case ${i} could not be written`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two API processes behind nginx', () => {
  it('nginx serves the API from both processes', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${nginx.url}/api/health`);
      expect(res.status).toBe(200);
      seen.add(servedBy(res.headers.get('x-gc-upstream') ?? ''));
    }
    expect([...seen].sort()).toEqual([a.port, b.port].sort());
  });

  it('an SSE client whose process is killed reconnects through nginx with Last-Event-ID and gets every event exactly once', async () => {
    const { rows } = await db.pool.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM event');
    const from = Number(rows[0]!.id);
    const cookie = await login(nginx.url, 'dispatcher', PASSWORD);
    const live = `${nginx.url}/api/live?token=${token}&types=case.created`;

    const first = await SseClient.connect(live, { lastEventId: from });
    expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
    const victim = servedBy(first.headers['x-gc-upstream']) === a.port ? a : b;
    const survivor = victim === a ? b : a;

    // two writers; the process serving the stream is killed after a third of the cases
    let written = 0;
    let killed = false;
    const created: number[] = [];
    let retried = 0;
    const writer = async (w: number) => {
      for (let i = w; i < CASES; i += 2) {
        const c = await createCase(cookie, i);
        created.push(c.id);
        retried += c.attempts - 1;
        if (++written === Math.floor(CASES / 3) && !killed) {
          // the stream has delivered something before its process dies (under load the first events can lag)
          await first.waitUntil(() => first.ids().length > 0, 30_000, 'a first event on the stream');
          killed = true;
          killTree(victim.child.pid!);
        }
      }
    };
    const writing = Promise.all([writer(0), writer(1)]);
    // a writer that fails stops the test at once
    await Promise.race([first.waitUntil(() => first.ended, 30_000, 'the stream to end with its process').catch(() => {}), writing]);
    expect(killed).toBe(true);
    expect(first.ended).toBe(true);
    const second = await SseClient.connect(live, { lastEventId: first.lastEventId || from });
    try {
      expect(servedBy(second.headers['x-gc-upstream'])).toBe(survivor.port);
      await writing;
      expect(created).toHaveLength(CASES);
      const events = await db.pool.query<{ id: number; case_id: number }>(
        `SELECT id, case_id FROM event WHERE type = 'case.created' AND id > $1 ORDER BY id`,
        [from],
      );
      const expected = events.rows.map((r) => Number(r.id));
      // one case.created per case, though some POSTs were sent twice
      expect(new Set(events.rows.map((r) => Number(r.case_id)))).toEqual(new Set(created));
      expect(expected).toHaveLength(CASES);
      await second.waitForId(expected[expected.length - 1]!, 30_000);
      const got = [...first.ids(), ...second.ids()];
      expect(got).toEqual(expected);
      expect(first.ids().length).toBeGreaterThan(0);
      expect(second.ids().length).toBeGreaterThan(0);
      console.log(`multi-process: ${first.ids().length} events before the kill, ${second.ids().length} after; ${retried} POSTs sent again`);
    } finally {
      second.close();
      first.close();
    }
  });
});
