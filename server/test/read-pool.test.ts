/**
 * The read pool against a real streaming replica: a primary cluster and a replica made by db/replica.ts in a temp
 * folder (migrations and one district polygon). Lag-tolerant reads (tiles, OGC) are served by the replica while it keeps
 * up; a stopped or paused replica sends them to the primary, and health says so.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { ensureLocalCluster } from '../src/db/local.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPool } from '../src/db/pool.ts';
import { ReadRouter } from '../src/db/read-pool.ts';
import { ensureReplica, stopCluster, stopReplica } from '../src/db/replica.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { freePort } from './server-process.ts';

const PASSWORD = 'read-pool-test-password';
const MAX_LAG_MS = 400;

let dir: string;
let primaryPort: number;
let replicaPort: number;
let replicaUrl: string;
let pool: pg.Pool;
let replicaDb: pg.Pool;
let router: ReadRouter;
let app: FastifyInstance;
let cookie: string;
let tileUrl: string;
let itemsUrl: string;

const replicaOpts = () => ({ primaryBaseDir: path.join(dir, 'primary'), primaryPort, baseDir: path.join(dir, 'replica'), port: replicaPort, database: 'gc_read', fast: true, log: () => {} });

async function health() {
  const res = await app.inject({ method: 'GET', url: '/api/health', headers: { cookie } });
  return { status: res.statusCode, replica: res.json<{ replica: ReturnType<ReadRouter['status']> }>().replica };
}

/** Where the tile and OGC reads went: counts of the router around them. */
async function lagTolerantReads(): Promise<{ statuses: number[]; replica: number; primary: number; retried: number }> {
  const before = { ...router.counts };
  const tile = await app.inject({ method: 'GET', url: tileUrl });
  const items = await app.inject({ method: 'GET', url: itemsUrl });
  return {
    statuses: [tile.statusCode, items.statusCode],
    replica: router.counts.replica - before.replica,
    primary: router.counts.primary - before.primary,
    retried: router.counts.retried - before.retried,
  };
}

async function syncInsert(n: number): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL synchronous_commit = on');
    await c.query('INSERT INTO read_pool_probe (n) VALUES ($1)', [n]);
    await c.query('COMMIT');
  } finally {
    c.release();
  }
}

async function waitFor<T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-read-pool-'));
  fs.chmodSync(dir, 0o755);
  [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primary = await ensureLocalCluster({ baseDir: path.join(dir, 'primary'), port: primaryPort, database: 'gc_read', fast: true, log: () => {} });
  await migrate(primary.url);
  pool = createPool(primary.url, 5);
  // one district polygon is all the map reads need (the demo district would take seconds to load)
  await pool.query(`INSERT INTO area (code, level, name, geom) VALUES ('370211', 'district', '测试区', ST_Multi(ST_MakeEnvelope(120.0, 35.8, 120.3, 36.0, 4326)))`);
  await seedDemoUsers(pool, PASSWORD);
  await pool.query('CREATE TABLE read_pool_probe (n integer PRIMARY KEY)');

  replicaUrl = (await ensureReplica(replicaOpts())).url;
  replicaDb = createPool(replicaUrl, 2);
  // probed by hand below (probeMs far away), so each step is deterministic
  router = new ReadRouter({ primary: pool, replicaUrl, maxLagMs: MAX_LAG_MS, probeMs: 3_600_000 });
  await router.start();
  app = await buildApp({ config: loadConfig({ GC_DEMO: 'false', GC_CLIENT_DIST: '', GC_LIGHT_JOB_MS: '0' }), pool, readRouter: router, tileCache: { maxBytes: 0 } });

  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: PASSWORD } });
  expect(login.statusCode).toBe(200);
  cookie = String(login.headers['set-cookie']).split(';')[0]!;

  // a tile over the district, and the first page of the first OGC collection
  const [lon, lat] = [120.15, 35.9];
  const z = 10;
  const x = Math.floor(((lon + 180) / 360) * 2 ** z);
  const rad = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * 2 ** z);
  tileUrl = `/tiles/district/${z}/${x}/${y}.mvt`;
  const collections = (await app.inject({ method: 'GET', url: '/ogc/collections?f=json' })).json<{ collections: { id: string }[] }>();
  itemsUrl = `/ogc/collections/${collections.collections[0]!.id}/items?limit=5`;
}, 240_000);

afterAll(async () => {
  await app?.close();
  await router?.close();
  await replicaDb?.end().catch(() => {});
  await pool?.end().catch(() => {});
  if (dir) {
    // immediate: no checkpoint for clusters about to be deleted
    stopCluster(path.join(dir, 'replica'), { immediate: true, log: () => {} });
    stopCluster(path.join(dir, 'primary'), { immediate: true, log: () => {} });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

describe('read pool on a streaming replica', () => {
  it('is a hot standby fed by the primary: a write on the primary appears on the replica', async () => {
    const { rows } = await replicaDb.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery');
    expect(rows[0]!.recovery).toBe(true);
    await pool.query('INSERT INTO read_pool_probe (n) VALUES (1)');
    await waitFor('the row on the replica', async () => (await replicaDb.query('SELECT 1 FROM read_pool_probe WHERE n = 1')).rowCount);
    await expect(replicaDb.query('INSERT INTO read_pool_probe (n) VALUES (2)')).rejects.toThrow(/read-only/);
  });

  it('health shows the measured lag, and the tile and OGC reads go to the replica', async () => {
    await pool.query('INSERT INTO read_pool_probe (n) VALUES (3)');
    await router.probe();
    const h = await health();
    expect(h.status).toBe(200);
    expect(h.replica).toMatchObject({ configured: true, healthy: true, usingReplica: true, maxLagMs: MAX_LAG_MS });
    expect(h.replica.lagMs).toBeGreaterThanOrEqual(0);
    expect(h.replica.lagMs).toBeLessThan(MAX_LAG_MS);
    expect(h.replica.lagP99Ms).toBeGreaterThanOrEqual(0);

    const reads = await lagTolerantReads();
    expect(reads.statuses).toEqual([200, 200]);
    expect(reads.replica).toBeGreaterThanOrEqual(2);
    expect(reads.primary).toBe(0);
    // and the replica's own view: the read pool's connections there are the application's
    const { rows } = await replicaDb.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'gridcommand-read'");
    expect(rows[0]!.n).toBeGreaterThan(0);
  });

  it('a replica that falls behind the limit (replay paused) sends the reads to the primary until it catches up', async () => {
    await replicaDb.query('SELECT pg_wal_replay_pause()');
    try {
      // committed the way the application's writes are (the throw-away primary runs with synchronous_commit off)
      await syncInsert(4);
      await router.probe();
      const h = await health();
      expect(h.replica).toMatchObject({ healthy: true, usingReplica: false });
      expect(h.replica.lagMs).toBeGreaterThan(MAX_LAG_MS);
      expect(h.replica.reason).toMatch(/limit/);
      const reads = await lagTolerantReads();
      expect(reads.statuses).toEqual([200, 200]);
      expect(reads).toMatchObject({ replica: 0 });
    } finally {
      await replicaDb.query('SELECT pg_wal_replay_resume()');
    }
    await router.probe();
    expect((await health()).replica).toMatchObject({ usingReplica: true });
  });

  it('a stopped replica: the same reads answer 200 from the primary, health says so; started again, back on the replica', async () => {
    await replicaDb.end();
    expect(stopReplica(path.join(dir, 'replica'), () => {})).toBe(true);
    // not probed yet: the first read fails on the replica, is retried on the primary and marks the replica down
    const first = await lagTolerantReads();
    expect(first.statuses).toEqual([200, 200]);
    expect(first.retried).toBe(1);
    let h = await health();
    expect(h.status).toBe(200);
    expect(h.replica).toMatchObject({ configured: true, healthy: false, usingReplica: false, lagMs: null });
    const next = await lagTolerantReads();
    expect(next).toMatchObject({ statuses: [200, 200], replica: 0, retried: 0 });
    await router.probe();
    expect((await health()).replica).toMatchObject({ healthy: false, usingReplica: false });

    await ensureReplica(replicaOpts());
    replicaDb = createPool(replicaUrl, 2);
    await router.probe();
    h = await health();
    expect(h.replica).toMatchObject({ healthy: true, usingReplica: true });
    const back = await lagTolerantReads();
    expect(back.statuses).toEqual([200, 200]);
    expect(back.replica).toBeGreaterThan(0);
    expect(back.primary).toBe(0);
  });
});
