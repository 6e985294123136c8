/**
 * pnpm megacity — GridCommand on the megacity profile (docs/megacity.md): builds `gc_megacity_<cases>` when it is
 * missing (megacity-db.ts; the first build takes a while and prints its load table), then starts the server on it
 * with the demo accounts and the simulator's live load at the history's volume.
 *
 *   pnpm megacity                 (BENCH_MEGACITY_CASES / _DAYS / _OPEN size it; GC_PORT, GC_SIM_* as for pnpm start)
 *   pnpm megacity --build-only    (build or reuse the database, print its sizes, exit)
 */
import { spawn } from 'node:child_process';
import { SERVER_NODE_ENV, SERVER_NODE_FLAGS, buildServerBundle } from './bundle.ts';
import { ACTIVE_STATES, NOT_FINAL_STATES } from '@gridcommand/shared/domain';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { adminUrlFor } from './bench-db.ts';
import { ensureMegacityDatabase, type MegacityDatabase } from './megacity-db.ts';


/** The load table of a build: rows, seconds and rows/s per phase, and the honest total. */
export function loadTable(db: MegacityDatabase): string {
  const b = db.built;
  if (!b) return '';
  const h = b.history;
  const p = h.phases;
  const rows = h.cases + h.events + h.supervision;
  const line = (what: string, n: number | null, ms: number) =>
    `| ${what.padEnd(34)} | ${(n === null ? '' : n.toLocaleString('en')).padStart(11)} | ${(ms / 1000).toFixed(1).padStart(8)} | ${(n === null || ms === 0 ? '' : Math.round(n / (ms / 1000)).toLocaleString('en')).padStart(9)} |`;
  return [
    `| phase                              |        rows |        s |    rows/s |`,
    `|------------------------------------|-------------|----------|-----------|`,
    line('district (grids, teams)', null, b.districtMs),
    line('read district, sample points', null, p.prepare),
    line('plan + COPY events', h.events, p.events),
    line('COPY cases', h.cases, p.cases),
    line('COPY supervision', h.supervision, p.supervision),
    line('build secondary indexes', null, p.indexes),
    line('rebuild rollups', null, p.rollups),
    line('commit', null, p.commit),
    line('ANALYZE', null, p.analyze),
    line('history total (seedHistory)', rows, h.ms),
    line('build total (with district)', rows, b.totalMs),
  ].join('\n');
}

async function describe(db: MegacityDatabase): Promise<string> {
  const pool = createPool(db.url, 1);
  try {
    const { rows } = await pool.query<{ open: number; active: number; cases: number; events: number; teams: number; grids: number; size: string }>(
      `SELECT (SELECT count(*)::int FROM cases WHERE status = ANY($1::text[])) AS open,
              (SELECT count(*)::int FROM cases WHERE status = ANY($2::text[])) AS active,
              (SELECT count(*)::int FROM cases) AS cases, (SELECT count(*)::int FROM event) AS events,
              (SELECT count(*)::int FROM team) AS teams, (SELECT count(*)::int FROM area WHERE level = 'grid') AS grids,
              pg_size_pretty(pg_database_size(current_database())) AS size`,
      [NOT_FINAL_STATES, ACTIVE_STATES],
    );
    const r = rows[0]!;
    return `${db.name}: ${r.grids.toLocaleString('en')} grids, ${r.teams.toLocaleString('en')} teams, ${r.cases.toLocaleString('en')} cases (${r.open.toLocaleString('en')} not closed or void, ${r.active.toLocaleString('en')} of them active, the rest parked), ${r.events.toLocaleString('en')} events; ${r.size} on disk`;
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const adminUrl = await adminUrlFor(config);
  const db = await ensureMegacityDatabase(adminUrl);
  if (db.built) console.log(`\nMegacity load (2 shared cores: times are noisy)\n${loadTable(db)}\n`);
  console.log(await describe(db));
  if (process.argv.includes('--build-only')) return;

  // the server on it: the simulator follows the history's volume (reports a month), the history itself is in place
  const monthly = Math.round((db.size.cases * 30) / db.size.days);
  const env: NodeJS.ProcessEnv = { ...SERVER_NODE_ENV, ...process.env, GC_DEMO: 'true', GC_DEMO_HISTORY: String(monthly) };
  if (config.databaseUrl) env.DATABASE_URL = db.url;
  else env.GC_PG_DATABASE = db.name;
  // the server as `pnpm start` runs it: one bundled module, no compiler in the process (scripts/bundle.ts)
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, await buildServerBundle()], { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
