/**
 * pnpm bench (intake) — case intake with point-in-polygon routing, on the demo district and the megacity.
 *
 *  - bare SQL: the routing query alone (grid containing a point, GiST), one point at a time: the baseline;
 *  - single:   POST /api/cases over real HTTP (session cookie), one after another: p50/p99 and the ratio to bare;
 *  - batch:    POST /api/cases/batch with 500 cases per request, two requests in flight, for BENCH_INTAKE_SECONDS
 *              (default 8): sustained cases per second (target ≥ 10,000).
 * Cases written by earlier runs of this bench are removed first (bench databases only).
 *
 * Then the concurrency part (bench-concurrency.ts): concurrent single POST /api/cases at BENCH_INTAKE_CLIENTS
 * (default 1,4,20,50) against a real server process, next to bare SQL doing the same inserts at the same
 * concurrency, on a throw-away database; BENCH_INTAKE_CONCURRENCY=0 skips it, BENCH_PROFILES= (empty) skips the
 * part above. Goals are reported (met / not met), never enforced: the exit status is non-zero only on a failure.
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { adminUrlFor, ensureProfileDatabase, type Profile } from './bench-db.ts';
import { concurrencyOptionsFromEnv, formatConcurrency, runConcurrencyBench } from './bench-concurrency.ts';

const PROFILES = (process.env.BENCH_PROFILES ?? 'demo,megacity')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean) as Profile[];
const SINGLE = Number(process.env.BENCH_INTAKE_SINGLE ?? 300);
const SECONDS = Number(process.env.BENCH_INTAKE_SECONDS ?? 8);
const BATCH = 500;
const PASSWORD = 'bench-password';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const r2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The baseline's routing query, kept here as bare SQL (the same statement the app's point-in-polygon lookup ran
 * when this bench was written, so figures stay comparable while the app's code moves): grid containing a point, GiST.
 */
const LOCATE_SQL = `SELECT p.i::int AS i, g.grid_code, g.community_code, g.zone_code, g.street_code
  FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i)
  LEFT JOIN LATERAL (
    SELECT code AS grid_code, community_code, zone_code, street_code FROM area
    WHERE level = 'grid' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
    ORDER BY code LIMIT 1
  ) g ON true
  ORDER BY p.i`;

async function benchProfile(adminUrl: string, profile: Profile) {
  const url = await ensureProfileDatabase(adminUrl, profile);
  const pool = createPool(url, 12);
  try {
    await pool.query('TRUNCATE supervision, event, cases RESTART IDENTITY CASCADE');
    await seedDemoUsers(pool, PASSWORD);
    const { rows: pts } = await pool.query<{ lon: number; lat: number }>(
      `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM area WHERE level = 'grid' ORDER BY md5(code) LIMIT 2000`,
    );
    const { rows: cats } = await pool.query<{ code: string }>(`SELECT code FROM category ORDER BY code`);
    const body = (i: number) => {
      const p = pts[i % pts.length]!;
      return {
        categoryCode: cats[i % cats.length]!.code,
        priority: i % 12 === 0 ? 'urgent' : 'normal',
        lon: p.lon,
        lat: p.lat,
        title: `基准测试 ${i}`,
        description: '',
        source: 'sensor',
      };
    };

    // baseline: the routing query alone
    const bare: number[] = [];
    for (let i = 0; i < SINGLE; i++) {
      const p = pts[i % pts.length]!;
      const t = performance.now();
      await pool.query(LOCATE_SQL, [[p.lon], [p.lat]]);
      bare.push(performance.now() - t);
    }

    // imported here: a module of the app that fails to load fails this part only, not the concurrency part
    const { buildApp } = await import('../src/app.ts');
    const app = await buildApp({ config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000 }, pool });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'dispatcher', password: PASSWORD }),
      });
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const post = (path: string, payload: unknown) =>
        fetch(`${base}${path}`, {
          method: 'POST',
          headers: { cookie, 'x-gc-csrf': '1', 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });

      for (let i = 0; i < 20; i++) await (await post('/api/cases', body(i))).text(); // warm-up
      const single: number[] = [];
      for (let i = 0; i < SINGLE; i++) {
        const t = performance.now();
        const res = await post('/api/cases', body(i));
        const text = await res.text();
        if (res.status !== 201) throw new Error(`POST /api/cases answered ${res.status}: ${text.slice(0, 300)}`);
        single.push(performance.now() - t);
      }

      let created = 0;
      let n = 0;
      const t0 = performance.now();
      const deadline = t0 + SECONDS * 1000;
      const worker = async () => {
        while (performance.now() < deadline) {
          const items = Array.from({ length: BATCH }, () => body(n++));
          const res = await post('/api/cases/batch', { items });
          const out = (await res.json()) as { count?: number };
          if (res.status !== 201) throw new Error(`batch answered ${res.status}: ${JSON.stringify(out)}`);
          created += out.count ?? 0;
        }
      };
      await Promise.all([worker(), worker()]);
      const elapsed = (performance.now() - t0) / 1000;

      bare.sort((a, b) => a - b);
      single.sort((a, b) => a - b);
      return {
        profile,
        grids: (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM area WHERE level = 'grid'`)).rows[0]!.n,
        'bare PiP p50': r2(pct(bare, 50)),
        'bare PiP p99': r2(pct(bare, 99)),
        'POST p50': r2(pct(single, 50)),
        'POST p99': r2(pct(single, 99)),
        'POST/bare p50': r2(pct(single, 50) / pct(bare, 50)),
        'batch cases/s': Math.round(created / elapsed),
        'batch cases': created,
      };
    } finally {
      await app.close();
    }
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  const adminUrl = await adminUrlFor(loadConfig());
  let failed = 0;
  if (PROFILES.length) {
    const rows = [];
    for (const p of PROFILES) {
      try {
        rows.push(await benchProfile(adminUrl, p));
      } catch (err) {
        failed++;
        console.error(`intake (${p}) failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
    if (rows.length) {
      console.log(`\nCase intake with point-in-polygon routing, ms (single: ${SINGLE} sequential POSTs; batch: ${BATCH} per request, 2 in flight, ${SECONDS} s; in-process app)`);
      console.log('Targets: single POST p99 ≤ 30 ms; batch ≥ 10,000 cases/s sustained');
      console.table(rows);
      for (const r of rows) {
        console.log(
          `  ${r.profile}: single POST p99 ≤ 30 ms ${r['POST p99'] <= 30 ? 'MET' : 'NOT MET'} (${r['POST p99']} ms); ` +
            `batch ≥ 10,000 cases/s ${r['batch cases/s'] >= 10_000 ? 'MET' : 'NOT MET'} (${r['batch cases/s']} cases/s)`,
        );
      }
    }
  }
  if (process.env.BENCH_INTAKE_CONCURRENCY !== '0') {
    const opts = concurrencyOptionsFromEnv();
    try {
      const r = await runConcurrencyBench(adminUrl, opts);
      console.log(`\n${formatConcurrency(r, opts)}`);
    } catch (err) {
      failed++;
      console.error(`intake concurrency failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  if (failed) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
