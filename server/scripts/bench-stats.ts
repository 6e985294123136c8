/**
 * Statistics benchmark: the wall's and the leaders' statistics endpoints over 30 days of demo history
 * (50,000 cases on the demo district), p50/p99 through app.inject (no network), next to the bare SQL of the same
 * query on a plain pg pool measured in the same run (the baseline: what the endpoint adds is HTTP, validation,
 * the domain formulas and serialisation).
 *
 *   tsx server/scripts/bench-stats.ts            (BENCH_STATS_ROUNDS=40 requests per row)
 *
 * Database: `gc_bench_stats` on DATABASE_URL's server, else on the project-local cluster; created, migrated and
 * loaded on first use (district + history), reused while its migrations and history are complete. The app's
 * clock is pinned to the end of the loaded history, so "today" and "30d" mean the same on every run.
 * Goals: statistics for one street p99 ≤ 200 ms, for the whole district p99 ≤ 1 s, over 30 days.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { localBaseDir } from '../src/db/index.ts';
import { createDatabaseIfMissing, dropDatabase, ensureLocalCluster } from '../src/db/local.ts';
import { migrate, migrationStatus } from '../src/db/migrate.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDistrict } from '../src/db/seed.ts';
import { tuneSessions } from '../src/plugins/db.ts';
import { newToken } from '../src/modules/auth/passwords.ts';
import { createWallToken, wallUserId } from '../src/modules/auth/repository.ts';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { seedHistory } from '../src/modules/demo/history.ts';
import * as repo from '../src/modules/stats/repository.ts';
import { periodWindow } from '../src/modules/stats/periods.ts';

const DB_NAME = 'gc_bench_stats';
const HISTORY_CASES = 50_000;
const ROUNDS = Number(process.env.BENCH_STATS_ROUNDS ?? 40);

export interface StatsBenchRow {
  endpoint: string;
  scope: string;
  'bare p50': number | string;
  'bare p99': number | string;
  'api p50': number;
  'api p99': number;
  'api/bare': number | string;
  'target p99': string;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function p50p99(samples: number[]): { p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99) };
}

const ms = (v: number) => Number(v.toFixed(2));

export async function adminUrlFor(config: Config): Promise<string> {
  if (config.databaseUrl) return config.databaseUrl;
  const cluster = await ensureLocalCluster({ baseDir: localBaseDir(config), port: config.localDb.port, database: config.localDb.database, log });
  return cluster.adminUrl;
}

/** The bench database with the demo district and 30 days of history; rebuilt when outdated or incomplete. */
export async function ensureDatabase(adminUrl: string): Promise<string> {
  const u = new URL(adminUrl);
  u.pathname = `/${DB_NAME}`;
  const url = u.toString();
  if (!(await createDatabaseIfMissing(adminUrl, DB_NAME))) {
    const pool = createPool(url, 2);
    try {
      const status = await migrationStatus(pool);
      const n = status.applied.length ? (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0]?.n : -1;
      if (status.pending.length === 0 && n === HISTORY_CASES) {
        log(`reusing database ${DB_NAME} (${n} cases)`);
        return url;
      }
    } finally {
      await pool.end();
    }
    log(`database ${DB_NAME} is outdated; rebuilding it`);
    await dropDatabase(adminUrl, DB_NAME);
    await createDatabaseIfMissing(adminUrl, DB_NAME);
  }
  log(`migrating ${DB_NAME} and loading the demo district and ${HISTORY_CASES} cases of history…`);
  await migrate(url);
  const pool = createPool(url, 2);
  try {
    const { loadDemoDistrict } = await import('@gridcommand/data');
    await seedDistrict(pool, loadDemoDistrict());
    const r = await seedHistory(pool, { calendar: await getWorkCalendar(pool), count: HISTORY_CASES, days: 30, seed: 20_261_126 });
    log(`history loaded: ${r.cases} cases, ${r.events} events in ${(r.ms / 1000).toFixed(1)} s`);
  } finally {
    await pool.end();
  }
  return url;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

interface Case {
  endpoint: string;
  scope: string;
  url: string;
  bare?: () => Promise<unknown>;
  target: string;
}

export async function benchStats(): Promise<StatsBenchRow[]> {
  const config = loadConfig();
  const url = await ensureDatabase(await adminUrlFor(config));
  const appPool = createPool(url, 10);
  const barePool: pg.Pool = createPool(url, 10);
  tuneSessions(barePool); // the app's session settings
  try {
    // the clock: just after the newest report of the history
    const { rows } = await barePool.query<{ t: Date }>(`SELECT max(reported_at) + interval '2 minutes' AS t FROM cases`);
    const now = rows[0]!.t;
    const token = newToken();
    await createWallToken(barePool, token.hash, 'bench-stats', await wallUserId(barePool, newToken().hash));
    const app = await buildApp({ config: { ...config, clientDist: null, lightJobIntervalMs: 0 }, pool: appPool, now: () => now });
    const street = (await barePool.query<{ code: string }>(`SELECT code FROM area WHERE level = 'street' ORDER BY code LIMIT 1`)).rows[0]!.code;
    const d30 = periodWindow('30d', now);
    const today = periodWindow('today', now);
    const iso = (d: Date) => encodeURIComponent(d.toISOString());
    const win = `from=${iso(d30.from)}&to=${iso(d30.to)}`;
    const heat: repo.HeatFilter = { from: d30.from, to: d30.to, category: null, bbox: null };
    const cases: Case[] = [
      { endpoint: 'overview', scope: 'district, today', url: '/api/stats/overview?period=today', bare: () => repo.indicatorTotals(barePool, today.from, today.to, null), target: '≤ 1000' },
      { endpoint: 'overview', scope: 'district, 30d', url: '/api/stats/overview?period=30d', bare: () => repo.indicatorTotals(barePool, d30.from, d30.to, null), target: '≤ 1000' },
      { endpoint: 'overview', scope: 'street, 30d', url: `/api/stats/overview?period=30d&street=${street}`, bare: () => repo.indicatorTotals(barePool, d30.from, d30.to, { level: 'street', code: street }), target: '≤ 200' },
      { endpoint: 'streets', scope: 'district, 30d', url: '/api/stats/streets?period=30d', bare: () => repo.indicatorsByArea(barePool, 'street', d30.from, d30.to), target: '≤ 1000' },
      { endpoint: 'heatmap hex 1 km', scope: 'district, 30d', url: `/api/stats/heatmap?mode=hex&cellKm=1&${win}`, bare: () => repo.hexHeatmap(barePool, heat, 1), target: '≤ 1000' },
      { endpoint: 'heatmap grid', scope: 'district, 30d', url: `/api/stats/heatmap?mode=grid&${win}`, bare: () => repo.gridHeatmap(barePool, heat), target: '≤ 1000' },
      { endpoint: 'heatmap/scale hex', scope: 'district, 30d basis', url: '/api/stats/heatmap/scale?mode=hex', target: '≤ 1000' },
      { endpoint: 'choropleth grid on_time', scope: 'district, 30d', url: `/api/stats/choropleth?level=grid&metric=on_time_rate&${win}`, bare: () => repo.indicatorsByArea(barePool, 'grid', d30.from, d30.to), target: '≤ 1000' },
      { endpoint: 'choropleth street per10k', scope: 'district, 30d', url: `/api/stats/choropleth?level=street&metric=per10k&${win}`, bare: () => repo.indicatorsByArea(barePool, 'street', d30.from, d30.to), target: '≤ 1000' },
      { endpoint: 'area detail', scope: 'street, 30d', url: `/api/stats/area/${street}?${win}`, target: '≤ 200' },
      { endpoint: 'trend by day', scope: 'district, 30d', url: `/api/stats/trend?by=day&${win}`, target: '≤ 1000' },
      { endpoint: 'map grid-lights', scope: 'district, now', url: '/api/map/grid-lights', bare: () => repo.gridLights(barePool, { grids: null, department: null }), target: '—' },
      { endpoint: 'map open-cases', scope: 'district, now', url: '/api/map/open-cases', bare: () => repo.openCases(barePool, null, { grids: null, department: null }), target: '—' },
    ];
    const headers = { authorization: `Bearer ${token.token}`, 'accept-encoding': 'gzip' };
    const out: StatsBenchRow[] = [];
    try {
      for (const c of cases) {
        // one unmeasured pass each: statement preparation, buffers
        const first = await app.inject({ url: c.url, headers });
        if (first.statusCode !== 200) throw new Error(`${c.url}: ${first.statusCode} ${first.body}`);
        if (c.bare) await c.bare();
        const api: number[] = [];
        const bare: number[] = [];
        for (let i = 0; i < ROUNDS; i++) {
          if (c.bare) bare.push(await time(c.bare));
          api.push(await time(() => app.inject({ url: c.url, headers })));
        }
        const a = p50p99(api);
        const b = c.bare ? p50p99(bare) : null;
        out.push({
          endpoint: c.endpoint,
          scope: c.scope,
          'bare p50': b ? ms(b.p50) : '—',
          'bare p99': b ? ms(b.p99) : '—',
          'api p50': ms(a.p50),
          'api p99': ms(a.p99),
          'api/bare': b ? Number((a.p50 / b.p50).toFixed(2)) : '—',
          'target p99': c.target,
        });
        log(`${c.endpoint} (${c.scope}): p50 ${ms(a.p50)} ms`);
      }
    } finally {
      await app.close();
    }
    return out;
  } finally {
    await appPool.end();
    await barePool.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchStats()
    .then((rows) => {
      console.log(`\nStatistics over 30 days of history (${HISTORY_CASES} cases, demo district), ms; ${ROUNDS} requests per row`);
      console.log('bare = the endpoint\'s own SQL on a plain pg pool (same run); api = app.inject with a wall token, gzip');
      console.table(rows);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
