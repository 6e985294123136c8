/**
 * pnpm bench (public) — the citizen's side under load.
 *
 *  1. public intake over real HTTP, no login: POST /api/public/cases from BENCH_PUBLIC_CLIENTS (default 8) clients
 *     for BENCH_PUBLIC_SECONDS (default 6) each, first with the per-address limit out of the way (what the server
 *     itself takes: reports/s, p50/p99), then with the default limit (GC_PUBLIC_RATE = 10 a minute from one address):
 *     the limiter answers 429 fast, long before the server is busy. The baseline is bare SQL inserting the same
 *     cases' rows (intake through the writer is measured in the intake bench).
 *  2. the duplicate lookup ("is it one of these?": open cases of a category within 50 m) on the megacity profile
 *     (50,000 grids) with BENCH_PUBLIC_OPEN (default 100,000) open cases: p50/p99 over 500 lookups, next to the
 *     same query on the demo district.
 * Goals are reported, never enforced.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DUPLICATE_RADIUS_M, OPEN_STATES } from '@gridcommand/shared/domain';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { nearbyOpenCases } from '../src/modules/cases/repository.ts';
import { serviceAccount } from '../src/modules/public/repository.ts';
import { adminUrlFor, ensureProfileDatabase, type Profile } from './bench-db.ts';

const CLIENTS = Number(process.env.BENCH_PUBLIC_CLIENTS ?? 8);
const SECONDS = Number(process.env.BENCH_PUBLIC_SECONDS ?? 6);
const OPEN = Number(process.env.BENCH_PUBLIC_OPEN ?? 100_000);

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

async function intakeRun(perMinute: number, points: { lon: number; lat: number }[]) {
  const config = loadConfig();
  const url = await ensureProfileDatabase(await adminUrlFor(config), 'demo');
  const pool = createPool(url, 12);
  const app = await buildApp({ config: { ...config, clientDist: null, publicRate: perMinute, lightJobIntervalMs: 0 }, pool });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const times: number[] = [];
  const limited: number[] = [];
  const statuses: Record<string, number> = {};
  let n = 0;
  const deadline = performance.now() + SECONDS * 1000;
  try {
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        while (performance.now() < deadline) {
          const i = n++;
          const p = points[i % points.length]!;
          const t = performance.now();
          const res = await fetch(`${address}/api/public/cases`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ categoryCode: '01001', lon: p.lon, lat: p.lat, description: `路面破损 ${i}`, deviceId: `bench-device-${c}-${i}-xxxxxx` }),
          });
          await res.arrayBuffer();
          const ms = performance.now() - t;
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          (res.status === 429 ? limited : times).push(ms);
        }
      }),
    );
  } finally {
    await app.close();
    await pool.end();
  }
  times.sort((a, b) => a - b);
  limited.sort((a, b) => a - b);
  return { accepted: (statuses['201'] ?? 0) / SECONDS, refused: (statuses['429'] ?? 0) / SECONDS, p50: pct(times, 50), p99: pct(times, 99), p99Limited: pct(limited, 99), statuses };
}

async function benchIntake(): Promise<void> {
  const config = loadConfig();
  const url = await ensureProfileDatabase(await adminUrlFor(config), 'demo');
  const pool = createPool(url, 4);
  const { rows: points } = await pool.query<{ lon: number; lat: number }>(
    `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM area WHERE level = 'grid' ORDER BY md5(code) LIMIT 1000`,
  );
  await pool.end();
  const open = await intakeRun(100_000, points);
  const limitedRun = await intakeRun(10, points);
  console.log(`\npublic intake, ${CLIENTS} clients from one address, ${SECONDS} s each (${os.cpus().length} CPUs)\n`);
  console.log('| per-address limit | accepted reports/s | refused (429)/s | p50 ms | p99 ms | p99 of a 429, ms | statuses |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, r] of [['out of the way', open], ['default, 10 a minute', limitedRun]] as const) {
    console.log(`| ${name} | ${r.accepted.toFixed(1)} | ${r.refused.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${Number.isNaN(r.p99Limited) ? '—' : r.p99Limited.toFixed(1)} | ${JSON.stringify(r.statuses)} |`);
  }
}

async function seedOpen(url: string, count: number): Promise<void> {
  const pool = createPool(url, 2);
  try {
    const have = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases WHERE code LIKE 'BP%'`)).rows[0]!.n;
    if (have >= count) return;
    log(`seeding ${count} open cases…`);
    await pool.query(`DELETE FROM cases WHERE code LIKE 'BP%' AND NOT EXISTS (SELECT 1 FROM event e WHERE e.case_id = cases.id)`);
    const grids = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM area WHERE level = 'grid'`)).rows[0]!.n;
    const per = Math.ceil(count / grids);
    await pool.query(
      `INSERT INTO cases (code, source, category_code, priority, title, description, location, grid_code, community_code, zone_code,
                          street_code, status, reported_at, respond_by, resolve_by, light, version)
       SELECT 'BP' || lpad(g.i::text, 2, '0') || to_char(now(), 'YYYYMMDD') || '-' || lpad(row_number() OVER ()::text, 6, '0') || '-' || g.i,
              'public', (ARRAY['01001', '01002', '02001', '05001'])[1 + (row_number() OVER () % 4)::int], 'normal', '基准', '基准',
              ST_Translate(a.label_point, (random() - 0.5) * 0.001, (random() - 0.5) * 0.001), a.code, a.community_code, a.zone_code,
              a.street_code, 'filed', now(), now() + interval '1 day', now() + interval '5 days', 'green', 1
       FROM area a CROSS JOIN generate_series(1, $1::int) AS g(i) WHERE a.level = 'grid' LIMIT $2`,
      [per, count],
    );
    await pool.query('ANALYZE cases');
  } finally {
    await pool.end();
  }
}

async function lookupP99(profile: Profile, count: number): Promise<{ p50: number; p99: number; open: number }> {
  const config = loadConfig();
  const url = await ensureProfileDatabase(await adminUrlFor(config), profile);
  await seedOpen(url, count);
  const pool = createPool(url, 2);
  try {
    const account = await serviceAccount(pool, 'public-web');
    const { rows: pts } = await pool.query<{ lon: number; lat: number }>(
      `SELECT ST_X(location) AS lon, ST_Y(location) AS lat FROM cases WHERE code LIKE 'BP%' ORDER BY md5(code) LIMIT 500`,
    );
    const open = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases WHERE status = ANY($1::text[])`, [[...OPEN_STATES]])).rows[0]!.n;
    const times: number[] = [];
    for (const p of pts) {
      const t = performance.now();
      await nearbyOpenCases(pool, { lon: p.lon, lat: p.lat, category: '01001', radiusM: DUPLICATE_RADIUS_M, openStates: OPEN_STATES, limit: 5 }, account);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { p50: pct(times, 50), p99: pct(times, 99), open };
  } finally {
    await pool.end();
  }
}

async function benchLookup(): Promise<void> {
  const demo = await lookupP99('demo', 20_000);
  const mega = await lookupP99('megacity', OPEN);
  console.log('\nduplicate lookup (open cases of a category within 50 m), 500 lookups at case points\n');
  console.log('| profile | open cases | p50 ms | p99 ms | p99 × demo |');
  console.log('|---|---|---|---|---|');
  console.log(`| demo, 1,549 grids | ${demo.open} | ${demo.p50.toFixed(2)} | ${demo.p99.toFixed(2)} | 1.0 |`);
  console.log(`| megacity, 50,000 grids | ${mega.open} | ${mega.p50.toFixed(2)} | ${mega.p99.toFixed(2)} | ${(mega.p99 / demo.p99).toFixed(1)} |`);
}

const only = (process.env.BENCH_PUBLIC ?? 'intake,lookup').split(',');
if (only.includes('intake')) await benchIntake();
if (only.includes('lookup')) await benchLookup();
