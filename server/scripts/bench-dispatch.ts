/**
 * Dispatch benchmark (megacity profile: 50,000 grids, 5,000 teams):
 *   - nearest available teams for a point: bare SQL (one KNN statement with its geodesic re-rank) vs the service
 *     (DB side, with the completeness check) vs the HTTP API (GET /api/teams/nearest over a real socket), p50/p99
 *     and the ratio to bare SQL measured in the same run;
 *   - position ingest through the batch API (POST /api/teams/positions, 1,000 positions a request), positions/s,
 *     next to the bare SQL statement that stores the same batches.
 *
 *   tsx server/scripts/bench-dispatch.ts [--queries 2000] [--seconds 8]
 *
 * Database: `gc_bench_dispatch` on DATABASE_URL's server, else on the project-local cluster; created, migrated and
 * loaded with generateMegacity({ grids: 50000 }) the first time, reused afterwards (positions it writes are
 * harmless to later runs: timestamps only move forward).
 */
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { generateMegacity } from '@gridcommand/data';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { localBaseDir } from '../src/db/index.ts';
import { createDatabaseIfMissing, dropDatabase, ensureLocalCluster } from '../src/db/local.ts';
import { migrate, migrationStatus } from '../src/db/migrate.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDistrict } from '../src/db/seed.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { nearestTeams } from '../src/modules/teams/service.ts';
import { storePositions } from '../src/modules/teams/repository.ts';
import { mulberry32 } from '@gridcommand/data';

const DB_NAME = 'gc_bench_dispatch';
const GRIDS = Number(process.env.BENCH_MEGACITY_GRIDS ?? 50_000);
const PASSWORD = 'bench-dispatch-pw';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const QUERIES = arg('queries', 2000);
const SECONDS = arg('seconds', 8);

const log = (l: string) => process.stderr.write(`${l}\n`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}


async function prepare(): Promise<string> {
  const config = loadConfig();
  let adminUrl: string;
  if (config.databaseUrl) adminUrl = config.databaseUrl;
  else {
    const cluster = await ensureLocalCluster({ baseDir: localBaseDir(config), port: config.localDb.port, database: config.localDb.database, log });
    adminUrl = cluster.adminUrl;
  }
  const u = new URL(adminUrl);
  u.pathname = `/${DB_NAME}`;
  const url = u.toString();
  const created = await createDatabaseIfMissing(adminUrl, DB_NAME);
  if (!created) {
    const pool = createPool(url, 2);
    let ok = false;
    try {
      const status = await migrationStatus(pool);
      if (status.applied.length && status.pending.length === 0) {
        const { rows } = await pool.query<{ grids: number; teams: number }>(
          `SELECT (SELECT count(*)::int FROM area WHERE level = 'grid') AS grids, (SELECT count(*)::int FROM team) AS teams`,
        );
        ok = rows[0]!.grids === GRIDS && rows[0]!.teams >= 5000;
      }
    } finally {
      await pool.end();
    }
    if (ok) {
      log(`reusing ${DB_NAME}`);
      return url;
    }
    log(`${DB_NAME} is outdated: rebuilding it`);
    await dropDatabase(adminUrl, DB_NAME);
    await createDatabaseIfMissing(adminUrl, DB_NAME);
  }
  log(`migrating ${DB_NAME} and loading the megacity (${GRIDS.toLocaleString('en')} grids)…`);
  await migrate(url);
  const pool = createPool(url, 2);
  try {
    const t0 = performance.now();
    await seedDistrict(pool, generateMegacity({ grids: GRIDS }));
    log(`loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await pool.end();
  }
  return url;
}

interface Row {
  what: string;
  n: number;
  p50: number;
  p99: number;
  ratio50?: number;
  ratio99?: number;
  goal: string;
}

async function timeAll(points: [number, number][], fn: (p: [number, number]) => Promise<unknown>): Promise<number[]> {
  for (const p of points.slice(0, 100)) await fn(p); // warm-up
  const out: number[] = [];
  for (const p of points) {
    const t0 = performance.now();
    await fn(p);
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const url = await prepare();
  const pool = createPool(url, 10);
  await seedDemoUsers(pool, PASSWORD);
  const { rows: ext } = await pool.query<{ x0: number; y0: number; x1: number; y1: number; teams: number; available: number }>(
    `SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1,
            (SELECT count(*)::int FROM team) AS teams, (SELECT count(*)::int FROM team WHERE status = 'available') AS available
     FROM (SELECT ST_Extent(geom)::geometry AS e FROM area WHERE level = 'district') x`,
  );
  const e = ext[0]!;
  log(`${e.teams} teams (${e.available} available); ${QUERIES} points`);
  const rand = mulberry32(7).next;
  const points: [number, number][] = Array.from({ length: QUERIES }, () => [e.x0 + rand() * (e.x1 - e.x0), e.y0 + rand() * (e.y1 - e.y0)]);

  const config = { ...loadConfig({}), databaseUrl: url, clientDist: null, lightJobIntervalMs: 0, positionRetentionDays: 0, loginRateLimit: 1000 };
  const app = await buildApp({ config, pool });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dispatcher', password: PASSWORD }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const headers = { cookie, 'x-gc-csrf': '1', 'content-type': 'application/json' };

  // ── nearest teams ──
  const SQL = `SELECT id, m FROM (
                 SELECT id, ST_Distance(position::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS m
                 FROM team WHERE status = 'available' AND position IS NOT NULL
                 ORDER BY position <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT 20) c
               ORDER BY m, id LIMIT 5`;
  const sql = await timeAll(points, (p) => pool.query({ name: 'bench-knn', text: SQL, values: p }));
  const db = await timeAll(points, (p) => nearestTeams(pool, { lon: p[0], lat: p[1], status: 'available', limit: 5 }));
  const api = await timeAll(points, async (p) => {
    const r = await fetch(`${base}/api/teams/nearest?lon=${p[0]}&lat=${p[1]}&limit=5`, { headers: { cookie } });
    if (r.status !== 200) throw new Error(`nearest: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
  });
  const s50 = percentile(sql, 50);
  const s99 = percentile(sql, 99);
  const rows: Row[] = [
    { what: 'nearest 5 · bare SQL (KNN + re-rank)', n: sql.length, p50: s50, p99: s99, ratio50: 1, ratio99: 1, goal: 'DB p99 ≤ 10 ms' },
    { what: 'nearest 5 · service (DB side)', n: db.length, p50: percentile(db, 50), p99: percentile(db, 99), ratio50: percentile(db, 50) / s50, ratio99: percentile(db, 99) / s99, goal: 'DB p99 ≤ 10 ms' },
    { what: 'nearest 5 · HTTP API', n: api.length, p50: percentile(api, 50), p99: percentile(api, 99), ratio50: percentile(api, 50) / s50, ratio99: percentile(api, 99) / s99, goal: 'API p99 ≤ 30 ms' },
  ];

  // ── position ingest ──
  const { rows: teamRows } = await pool.query<{ id: number }>('SELECT id FROM team ORDER BY id');
  const ids = teamRows.map((r) => r.id);
  let clock = Date.now() - 3_600_000; // an hour back, moving forward 1 ms per position
  const batch = () =>
    Array.from({ length: 1000 }, () => {
      clock += 1;
      return { teamId: ids[Math.floor(rand() * ids.length)]!, lon: e.x0 + rand() * (e.x1 - e.x0), lat: e.y0 + rand() * (e.y1 - e.y0), at: new Date(clock).toISOString() };
    });
  const ingest = async (send: (items: ReturnType<typeof batch>) => Promise<void>, concurrency: number) => {
    let positions = 0;
    const until = performance.now() + SECONDS * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          const items = batch();
          await send(items);
          positions += items.length;
        }
      }),
    );
    return positions / ((performance.now() - t0) / 1000);
  };
  const bareRate = await ingest(async (items) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await storePositions(
        client,
        items.map((i) => ({ ...i, at: new Date(i.at), speed: null, heading: null })),
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }, 1);
  const apiIngest = async (concurrency: number) =>
    ingest(async (items) => {
      const r = await fetch(`${base}/api/teams/positions`, { method: 'POST', headers, body: JSON.stringify({ items }) });
      if (r.status !== 200) throw new Error(`positions: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
    }, concurrency);
  const api1 = await apiIngest(1);
  const api4 = await apiIngest(4);

  await app.close();
  await pool.end();

  const f = (n: number) => n.toFixed(2).padStart(7);
  const lines = [
    '',
    `Dispatch benchmark — megacity: ${GRIDS.toLocaleString('en')} grids, ${e.teams.toLocaleString('en')} teams (${e.available.toLocaleString('en')} available), ${QUERIES} random points`,
    '',
    '| what                                   |     n |  p50 ms |  p99 ms | ×SQL p50 | ×SQL p99 | goal            |',
    '|----------------------------------------|-------|---------|---------|----------|----------|-----------------|',
    ...rows.map(
      (r) =>
        `| ${r.what.padEnd(38)} | ${String(r.n).padStart(5)} | ${f(r.p50)} | ${f(r.p99)} | ${(r.ratio50 ?? 0).toFixed(2).padStart(8)} | ${(r.ratio99 ?? 0).toFixed(2).padStart(8)} | ${r.goal.padEnd(15)} |`,
    ),
    '',
    '| position ingest (1,000 a batch, one transaction each) | positions/s | ×bare SQL | goal                  |',
    '|-------------------------------------------------------|-------------|-----------|-----------------------|',
    `| bare SQL statement (storePositions), 1 writer         | ${Math.round(bareRate).toLocaleString('en').padStart(11)} |      1.00 | —                     |`,
    `| POST /api/teams/positions, 1 client                   | ${Math.round(api1).toLocaleString('en').padStart(11)} | ${(api1 / bareRate).toFixed(2).padStart(9)} | ≥ 1,000 updates/s     |`,
    `| POST /api/teams/positions, 4 clients                  | ${Math.round(api4).toLocaleString('en').padStart(11)} | ${(api4 / bareRate).toFixed(2).padStart(9)} | ≥ 1,000 updates/s     |`,
    '',
  ];
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
