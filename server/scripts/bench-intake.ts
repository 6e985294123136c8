/**
 * pnpm bench (intake) — case intake with point-in-polygon routing, on the demo district and the megacity.
 *
 *  - bare SQL: the routing query alone (grid containing a point, GiST), one point at a time: the baseline;
 *  - single:   POST /api/cases over real HTTP (session cookie), one after another: p50/p99 and the ratio to bare;
 *  - batch:    POST /api/cases/batch with 500 cases per request, two requests in flight, for BENCH_INTAKE_SECONDS
 *              (default 8): sustained cases per second (target ≥ 2,000).
 * Cases written by earlier runs of this bench are removed first (bench databases only).
 */
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { locateGrid } from '../src/modules/cases/repository.ts';
import { adminUrlFor, ensureProfileDatabase, type Profile } from './bench-db.ts';

const PROFILES = (process.env.BENCH_PROFILES ?? 'demo,megacity').split(',').map((s) => s.trim()) as Profile[];
const SINGLE = Number(process.env.BENCH_INTAKE_SINGLE ?? 300);
const SECONDS = Number(process.env.BENCH_INTAKE_SECONDS ?? 8);
const BATCH = 500;
const PASSWORD = 'bench-password';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const r2 = (n: number) => Math.round(n * 100) / 100;

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
      await locateGrid(pool, p.lon, p.lat);
      bare.push(performance.now() - t);
    }

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
        await res.text();
        if (res.status !== 201) throw new Error(`POST /api/cases answered ${res.status}`);
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
  const rows = [];
  for (const p of PROFILES) rows.push(await benchProfile(adminUrl, p));
  console.log(`\nCase intake with point-in-polygon routing, ms (single: ${SINGLE} sequential POSTs; batch: ${BATCH} per request, 2 in flight, ${SECONDS} s)`);
  console.log('Targets: single POST p99 ≤ 30 ms; batch ≥ 2,000 cases/s sustained');
  console.table(rows);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
