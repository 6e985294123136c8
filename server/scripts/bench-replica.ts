/**
 * bench (replica) — replay lag of a streaming replica under a write load (docs/deploy.md).
 *
 * Makes its own throw-away primary and replica (db/local.ts, db/replica.ts) in a temp folder, with the settings of
 * a real deployment (fsync and synchronous_commit on), and for BENCH_REPLICA_SECONDS (20) writes
 * BENCH_REPLICA_RATE (400) rows a second from BENCH_REPLICA_WRITERS (4) connections, each an INSERT plus an UPDATE of
 * a row of ~300 bytes with an index (the shape of a case write). Measured meanwhile:
 *
 *  - visible: a marker committed on the primary every 20 ms, and the time until a reader on the replica (polling
 *    every ms) sees it — the staleness a lag-tolerant read can have;
 *  - probe: what the read pool's own probe (ReadRouter, the health endpoint's lagMs) reports, every 250 ms;
 *  - idle: the probe on the same pair with no writes (it must say 0, not the age of the last commit).
 *
 * Run: pnpm --filter @gridcommand/server exec tsx scripts/bench-replica.ts
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { ensureLocalCluster, removeLocalCluster } from '../src/db/local.ts';
import { createPool } from '../src/db/pool.ts';
import { percentile, ReadRouter } from '../src/db/read-pool.ts';
import { ensureReplica, removeReplica } from '../src/db/replica.ts';

const SECONDS = Number(process.env.BENCH_REPLICA_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_REPLICA_RATE ?? 400);
const WRITERS = Number(process.env.BENCH_REPLICA_WRITERS ?? 4);
const MARKER_MS = 20;
const PROBE_MS = 250;

/** A port nobody listens on, from the system. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(1));

function summary(samples: number[]): { n: number; p50: number | null; p99: number | null; max: number | null } {
  return { n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.length ? Math.max(...samples) : null };
}

async function writeLoad(pool: pg.Pool, until: number): Promise<number> {
  let done = 0;
  const perWriterGap = (1000 * WRITERS) / RATE;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      let next = performance.now();
      for (let i = 0; performance.now() < until; i++) {
        const payload = `writer ${w} row ${i} `.padEnd(300, 'x');
        const { rows } = await pool.query<{ id: number }>('INSERT INTO bench_load (writer, body) VALUES ($1, $2) RETURNING id', [w, payload]);
        await pool.query("UPDATE bench_load SET state = 'accepted', updated_at = now() WHERE id = $1", [rows[0]!.id]);
        done++;
        next += perWriterGap;
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
      }
    }),
  );
  return done;
}

/** Markers committed on the primary and the time each takes to be seen on the replica. */
async function visibility(primary: pg.Pool, replica: pg.Pool, until: number): Promise<number[]> {
  const lags: number[] = [];
  for (let seq = 1; performance.now() < until; seq++) {
    await primary.query('INSERT INTO bench_marker (seq) VALUES ($1)', [seq]);
    const committed = performance.now();
    for (;;) {
      const { rows } = await replica.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM bench_marker');
      if ((rows[0]?.seq ?? 0) >= seq) break;
      await sleep(1);
    }
    lags.push(performance.now() - committed);
    await sleep(MARKER_MS);
  }
  return lags;
}

async function probes(router: ReadRouter, until: number): Promise<number[]> {
  const lags: number[] = [];
  while (performance.now() < until) {
    await router.probe();
    const s = router.status();
    if (s.lagMs !== null) lags.push(s.lagMs);
    await sleep(PROBE_MS);
  }
  return lags;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-replica-'));
fs.chmodSync(dir, 0o755);
const primaryBase = path.join(dir, 'primary');
const replicaBase = path.join(dir, 'replica');
try {
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primary = await ensureLocalCluster({ baseDir: primaryBase, port: primaryPort, database: 'gc_bench_replica', log });
  const pool = createPool(primary.url, WRITERS + 2);
  await pool.query(`CREATE TABLE bench_load (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, writer int NOT NULL, state text NOT NULL DEFAULT 'reported',
    body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz)`);
  await pool.query('CREATE INDEX ON bench_load (state, created_at)');
  await pool.query('CREATE TABLE bench_marker (seq int PRIMARY KEY)');
  const replica = await ensureReplica({ primaryBaseDir: primaryBase, primaryPort, baseDir: replicaBase, port: replicaPort, database: 'gc_bench_replica', log });
  const replicaPool = createPool(replica.url, 2);
  const router = new ReadRouter({ primary: pool, replicaUrl: replica.url, maxLagMs: 10_000, probeMs: 3_600_000, max: 1 });
  try {
    log(`idle probes for 3 s…`);
    await sleep(1_000);
    const idle = await probes(router, performance.now() + 3_000);
    log(`write load: ${RATE} rows/s (insert + update) from ${WRITERS} connections for ${SECONDS} s…`);
    const t0 = performance.now();
    const until = t0 + SECONDS * 1000;
    const [rows, visible, probed] = await Promise.all([writeLoad(pool, until), visibility(pool, replicaPool, until), probes(router, until)]);
    const elapsed = (performance.now() - t0) / 1000;
    const v = summary(visible);
    const p = summary(probed);
    const i = summary(idle);
    console.log(`\nStreaming replica lag on one machine (${os.cpus().length} CPUs), ${(rows / elapsed).toFixed(0)} writes/s (insert + update) for ${elapsed.toFixed(0)} s\n`);
    console.log('| measure | samples | p50 ms | p99 ms | max ms |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(`| commit on primary → visible on replica | ${v.n} | ${fmt(v.p50)} | ${fmt(v.p99)} | ${fmt(v.max)} |`);
    console.log(`| read pool probe under load (health lagMs) | ${p.n} | ${fmt(p.p50)} | ${fmt(p.p99)} | ${fmt(p.max)} |`);
    console.log(`| read pool probe, idle primary | ${i.n} | ${fmt(i.p50)} | ${fmt(i.p99)} | ${fmt(i.max)} |`);
    console.log(`\nJSON ${JSON.stringify({ writesPerSecond: Math.round(rows / elapsed), visible: v, probe: p, idle: i })}`);
  } finally {
    await router.close();
    await replicaPool.end();
    await pool.end();
  }
} finally {
  removeReplica(replicaBase, () => {});
  removeLocalCluster(primaryBase, () => {});
  fs.rmSync(dir, { recursive: true, force: true });
}
