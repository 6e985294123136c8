/**
 * The live stream survives a database restart: the LISTEN connection comes back by itself (with backoff), open
 * SSE streams stay open, and events committed after the restart reach them. Runs on a cluster of its own, since
 * restarting the shared test cluster would disturb every other test file.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { REPO_ROOT } from '../src/config.ts';
import { ensureLocalCluster, removeLocalCluster, stopLocalCluster } from '../src/db/local.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPool } from '../src/db/pool.ts';
import { appendInTx, listenApp, testEvents, wallToken, type RunningApp } from './live-helpers.ts';
import { freePort } from './server-process.ts';
import { SseClient } from './sse-client.ts';

const BASE = path.join(REPO_ROOT, '.data', `pg-test-live-restart-${process.pid}`);
let port: number;
let pool: pg.Pool;
let running: RunningApp;
let token: string;

const startCluster = () => ensureLocalCluster({ baseDir: BASE, port, database: 'gc_live_restart', fast: true, log: () => {} });

async function retry<T>(fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

beforeAll(async () => {
  port = await freePort();
  const cluster = await startCluster();
  await migrate(cluster.url);
  pool = createPool(cluster.url, 5);
  token = await wallToken(pool);
  running = await listenApp(pool, { pollMs: 300 });
});

afterAll(async () => {
  await running?.close();
  await pool?.end().catch(() => {});
  removeLocalCluster(BASE, () => {});
});

describe('live stream across a database restart', () => {
  it('reconnects the listener and keeps delivering to the open streams', async () => {
    const hub = running.app.liveHub;
    const client = await SseClient.connect(`${running.url}/api/live?token=${token}`);
    try {
      const before = await appendInTx(pool, testEvents(3, { tag: 'before-restart' }));
      await client.waitForId(before[2]!);

      stopLocalCluster(BASE, () => {});
      await client.waitUntil(() => !hub.stats().listening, 10_000, 'the listener to notice the database is gone');
      await new Promise((r) => setTimeout(r, 1_000));
      expect(client.ended).toBe(false);

      await startCluster();
      const after = await retry(() => appendInTx(pool, testEvents(3, { tag: 'after-restart' })));
      await client.waitForId(after[2]!, 20_000);
      expect(client.ids()).toEqual([...before, ...after]);
      await client.waitUntil(() => hub.stats().listening, 20_000, 'the listener to be back');
      expect(hub.stats().reconnects).toBeGreaterThan(0);

      // and notifications (not only the poll) drive it again
      const more = await appendInTx(pool, testEvents(2, { tag: 'listening-again' }));
      await client.waitForId(more[1]!);
      expect(client.ids()).toEqual([...before, ...after, ...more]);
    } finally {
      client.close();
    }
  });
});
