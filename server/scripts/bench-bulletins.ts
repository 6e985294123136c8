/**
 * Bulletins benchmark (megacity profile: 50,000 grids): the monthly bulletin as JSON, PDF and Excel and the quarterly
 * one as JSON, p50/p99 through app.inject, next to the bare SQL of the same repository functions (the indicators'
 * rankingStrata for the month, the street groups of the month before, the overdue list, the backlog, the daily counts
 * and the zero-report findings, run together as the bulletin runs them) on a plain pool in the same run.
 * Target: a monthly bulletin PDF in at most 10 s.
 *
 *   tsx server/scripts/bench-bulletins.ts    (BENCH_BULLETINS_ROUNDS=5 requests per row; BENCH_BULLETINS_CASES=100000
 *                                             cases of history over 62 days, loaded once; BENCH_BULLETINS_PROFILE=demo)
 *
 * Database: `gc_bench_bulletins_<profile>`, a copy of `gc_bench_<profile>` (bench-db.ts) made on first use, to which the
 * cases of history (demo/history.ts) and the demo units' periodic reports (unit-reports/demo.ts) are added; the
 * profile's own database is left as the other benchmarks expect it.
 */
import pg from 'pg';
import { pathToFileURL } from 'node:url';
import { cstDate, lastCompletePeriod, cstDateKey, previousPeriod } from '@gridcommand/shared/domain';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { tuneSessions } from '../src/plugins/db.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { seedHistory } from '../src/modules/demo/history.ts';
import * as indicators from '../src/modules/indicators/repository.ts';
import * as repo from '../src/modules/bulletins/repository.ts';
import { missingReports } from '../src/modules/unit-reports/index.ts';
import { seedDemoUnitReports } from '../src/modules/unit-reports/demo.ts';
import { adminUrlFor, ensureProfileDatabase, type Profile } from './bench-db.ts';
import { apiVsBare } from './bench-util.ts';

const ROUNDS = Number(process.env.BENCH_BULLETINS_ROUNDS ?? 5);
const CASES = Number(process.env.BENCH_BULLETINS_CASES ?? 100_000);
const PROFILE = (process.env.BENCH_BULLETINS_PROFILE ?? 'megacity') as Profile;
const PASSWORD = 'bench-bulletins-1';


/** The bulletins' copy of the profile's database (made once; delete it to rebuild). */
async function ownDatabase(adminUrl: string, source: string): Promise<string> {
  const name = `gc_bench_bulletins_${PROFILE}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(new URL(source).pathname.slice(1))}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function benchBulletins() {
  const config = loadConfig();
  const adminUrl = await adminUrlFor(config);
  const url = await ownDatabase(adminUrl, await ensureProfileDatabase(adminUrl, PROFILE));
  const appPool = createPool(url, 10);
  const bare = createPool(url, 10);
  tuneSessions(bare);
  try {
    const now = new Date();
    // two months of history, so that the last month and the one before it are full (seedHistory skips a loaded one)
    const loaded = await seedHistory(bare, { calendar: await getWorkCalendar(bare), count: CASES, days: 62, now, seed: 20_261_201 });
    if (loaded.cases > 0) process.stderr.write(`bulletins: loaded ${loaded.cases.toLocaleString('en')} cases in ${(loaded.ms / 1000).toFixed(1)} s\n`);
    await seedDemoUnitReports(bare, now);
    await bare.query('ANALYZE cases');
    await seedDemoUsers(bare, PASSWORD);
    const cases = (await bare.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0]!.n;
    const app = await buildApp({ config: { ...config, clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000 }, pool: appPool, now: () => now });
    try {
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password: PASSWORD } });
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;
      const sqlOf = (kind: 'monthly' | 'quarterly') => async () => {
        const p = lastCompletePeriod(kind, cstDateKey(now));
        const prev = previousPeriod(p);
        const [from, to] = [cstDate(p.first), cstDate(p.next)];
        await Promise.all([
          indicators.rankingStrata(bare, from, to, 'street'),
          indicators.rankingStrata(bare, from, to, 'department'),
          indicators.rankingStrata(bare, cstDate(prev.first), cstDate(prev.next), 'street'),
          repo.overdueAt(bare, to, 10),
          repo.backlogByStreet(bare, from, to),
          repo.dailyCounts(bare, from, to),
          missingReports(bare, to),
        ]);
      };
      const rows = [
        { what: 'monthly, JSON', url: '/api/bulletins/monthly', bare: sqlOf('monthly') },
        { what: 'monthly, PDF', url: '/api/bulletins/monthly.pdf', bare: sqlOf('monthly') },
        { what: 'monthly, Excel', url: '/api/bulletins/monthly.xlsx', bare: sqlOf('monthly') },
        { what: 'quarterly, JSON', url: '/api/bulletins/quarterly', bare: sqlOf('quarterly') },
      ];
      const out = [];
      for (const r of rows) {
        const first = await app.inject({ url: r.url, headers: { cookie } });
        if (first.statusCode !== 200) throw new Error(`${r.url}: ${first.statusCode} ${first.body.slice(0, 300)}`);
        const m = await apiVsBare(ROUNDS, r.bare, () => app.inject({ url: r.url, headers: { cookie } }), 1);
        out.push({ bulletin: r.what, ...m, bytes: first.rawPayload.length });
      }
      return { cases, rows: out };
    } finally {
      await app.close();
    }
  } finally {
    await appPool.end();
    await bare.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchBulletins()
    .then(({ cases, rows }) => {
      console.log(`\nBulletins on the ${PROFILE} profile (${cases.toLocaleString('en')} cases), ms; ${ROUNDS} requests per row; bare = repository SQL on a plain pool; target: monthly PDF ≤ 10,000 ms`);
      console.table(rows);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
