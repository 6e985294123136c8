/**
 * Indicators benchmark: /api/indicators for one street over 30 days (a custom window: counted from the cases), for
 * one street over the calendar month and for the district over the year (calendar periods: from the indicator
 * rollups of migration 027, which the job computes first), and the ranking of streets for the month, on the 30 days
 * of demo history of bench-stats.ts (50,000 cases), p50/p99 through app.inject next to the bare raw SQL of the same
 * question on a plain pool in the same run (api/bare < 1: the API read the rollups).
 *
 *   tsx server/scripts/bench-indicators.ts       (BENCH_INDICATORS_ROUNDS=20 requests per row)
 *
 * Database: `gc_bench_stats`, made and loaded by bench-stats.ts's rules on first use.
 */
import { pathToFileURL } from 'node:url';
import { calendarWindow, clipAt, cstDateKey } from '@gridcommand/shared/domain';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { tuneSessions } from '../src/plugins/db.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import * as repo from '../src/modules/indicators/repository.ts';
import { runIndicatorRollups } from '../src/modules/indicators/rollup-job.ts';
import { adminUrlFor, ensureDatabase } from './bench-stats.ts';
import { apiVsBare } from './bench-util.ts';

const ROUNDS = Number(process.env.BENCH_INDICATORS_ROUNDS ?? 20);
const PASSWORD = 'bench-indicators-1';


export async function benchIndicators() {
  const config = loadConfig();
  const url = await ensureDatabase(await adminUrlFor(config));
  const appPool = createPool(url, 10);
  const bare = createPool(url, 10);
  tuneSessions(bare);
  try {
    const now = (await bare.query<{ t: Date }>(`SELECT max(reported_at) + interval '2 minutes' AS t FROM cases`)).rows[0]!.t;
    await seedDemoUsers(bare, PASSWORD);
    // the calendar periods as the job stores them at this "now" (a no-op once done)
    const pass = await runIndicatorRollups(bare, { now, refreshMs: 3650 * 86_400_000 });
    if (pass.computed.length > 0) console.error(`indicator rollups: ${pass.computed.length} periods computed first`);
    const app = await buildApp({ config: { ...config, clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000, indicatorRollupMs: 60_000 }, pool: appPool, now: () => now });
    try {
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password: PASSWORD } });
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;
      const street = (await bare.query<{ code: string }>(`SELECT code FROM area WHERE level = 'street' ORDER BY code LIMIT 1`)).rows[0]!.code;
      const to = cstDateKey(now);
      const d30 = { from: new Date(now.getTime() - 30 * 86_400_000), to: now };
      const year = clipAt(calendarWindow('year', to), now)!;
      const month = clipAt(calendarWindow('month', to), now)!;
      const rows = [
        { what: 'street, 30 days', url: `/api/indicators?unit=${street}&period=custom&from=${encodeURIComponent(d30.from.toISOString())}&to=${encodeURIComponent(d30.to.toISOString())}`, bare: () => repo.unitStrata(bare, d30.from, d30.to, { kind: 'street', code: street }) },
        { what: 'street, calendar month (rollups)', url: `/api/indicators?unit=${street}&period=month`, bare: () => repo.unitStrata(bare, month.from, month.to, { kind: 'street', code: street }) },
        { what: 'district, year (rollups)', url: `/api/indicators?period=year`, bare: () => repo.unitStrata(bare, year.from, year.to, { kind: 'district', code: street.slice(0, 6) }) },
        { what: 'ranking streets, month (rollups)', url: `/api/indicators/ranking?kind=street&month=${to.slice(0, 7)}`, bare: () => repo.rankingStrata(bare, month.from, month.to, 'street') },
      ];
      const out = [];
      for (const r of rows) {
        const first = await app.inject({ url: r.url, headers: { cookie } });
        if (first.statusCode !== 200) throw new Error(`${r.url}: ${first.statusCode} ${first.body}`);
        await r.bare();
        const m = await apiVsBare(ROUNDS, r.bare, () => app.inject({ url: r.url, headers: { cookie } }));
        out.push({ scope: r.what, ...m });
      }
      return out;
    } finally {
      await app.close();
    }
  } finally {
    await appPool.end();
    await bare.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchIndicators()
    .then((rows) => {
      console.log(`\nIndicators on the demo history (gc_bench_stats), ms; ${ROUNDS} requests per row; bare = the raw repository SQL on a plain pool; (rollups): the API reads the stored calendar period`);
      console.table(rows);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
