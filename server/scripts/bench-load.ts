/**
 * Load benchmark (docs/megacity.md): the demo history loader on the megacity district, the normal path (indexes kept
 * up row by row: what the demo start uses) against the bulk path (secondary indexes dropped and built again once,
 * what the megacity profile uses), the same history both ways in the same process: rows, seconds and rows/s per
 * phase, and the CPU seconds of Node and of the database backend (the machine's cores are shared: wall times are
 * noisy, CPU seconds less so).
 *
 *   BENCH_LOAD_CASES=200000 BENCH_LOAD_DAYS=365 tsx server/scripts/bench-load.ts   (BENCH_ONLY=load pnpm bench)
 *
 * Databases: `gc_bench_load_<cases>_<path>`, copies of the megacity bench database (bench-db.ts), dropped after use.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { createDatabaseIfMissing, dropDatabase } from '../src/db/local.ts';
import { createPool } from '../src/db/pool.ts';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { seedHistory, type HistoryPhases, type HistoryResult } from '../src/modules/demo/history.ts';
import { adminUrlFor, ensureProfileDatabase } from './bench-db.ts';
import { stallShareFor } from './megacity-db.ts';

const CASES = Number(process.env.BENCH_LOAD_CASES ?? 200_000);
const DAYS = Number(process.env.BENCH_LOAD_DAYS ?? 365);

const log = (l: string) => process.stderr.write(`${l}\n`);

interface Run {
  result: HistoryResult;
  nodeCpuS: number;
  /** CPU seconds of the backend that loaded (null when /proc does not show it: a remote server) */
  dbCpuS: number | null;
}

/** utime + stime of a local process, in seconds. */
function procCpuS(pid: number): number | null {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

async function loadOnce(adminUrl: string, template: string, bulk: boolean): Promise<Run> {
  const name = `gc_bench_load_${CASES}_${bulk ? 'bulk' : 'normal'}`;
  await dropDatabase(adminUrl, name);
  await createDatabaseIfMissing(adminUrl, name, template);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  // one connection: the loader's backend is the one measured
  const pool = createPool(u.toString(), 1);
  try {
    const pid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const db0 = procCpuS(pid);
    const cpu0 = process.cpuUsage();
    log(`${bulk ? 'bulk' : 'normal'} path: ${CASES.toLocaleString('en')} cases over ${DAYS} days…`);
    const result = await seedHistory(pool, {
      calendar: await getWorkCalendar(pool),
      count: CASES,
      days: DAYS,
      seed: 20_261_202,
      now: new Date('2026-12-01T04:00:00Z'),
      bulk,
      stallShare: stallShareFor({ cases: CASES, days: DAYS, open: Math.round(CASES / 20) }),
    });
    const cpu = process.cpuUsage(cpu0);
    const db1 = procCpuS(pid);
    return { result, nodeCpuS: (cpu.user + cpu.system) / 1e6, dbCpuS: db0 === null || db1 === null ? null : db1 - db0 };
  } finally {
    await pool.end();
    await dropDatabase(adminUrl, name);
  }
}

const PHASES: [keyof HistoryPhases, string, (r: HistoryResult) => number | null][] = [
  ['prepare', 'read district, sample points', () => null],
  ['events', 'plan + COPY events', (r) => r.events],
  ['cases', 'COPY cases', (r) => r.cases],
  ['supervision', 'COPY supervision', (r) => r.supervision],
  ['indexes', 'build secondary indexes', () => null],
  ['rollups', 'rebuild rollups', () => null],
  ['commit', 'commit', () => null],
  ['analyze', 'ANALYZE', () => null],
];

function table(a: Run, b: Run): string {
  const rate = (n: number | null, ms: number) => (n === null || ms <= 0 ? '' : Math.round(n / (ms / 1000)).toLocaleString('en'));
  const row = (what: string, n: number | null, ma: number, mb: number) =>
    `| ${what.padEnd(30)} | ${(n === null ? '' : n.toLocaleString('en')).padStart(11)} | ${(ma / 1000).toFixed(1).padStart(8)} | ${rate(n, ma).padStart(9)} | ${(mb / 1000).toFixed(1).padStart(8)} | ${rate(n, mb).padStart(9)} | ${(mb > 0 ? ma / mb : 0).toFixed(2).padStart(6)} |`;
  const total = (r: HistoryResult) => r.cases + r.events + r.supervision;
  const cpu = (r: Run) => `${r.nodeCpuS.toFixed(1)} s Node + ${r.dbCpuS === null ? '?' : r.dbCpuS.toFixed(1)} s database`;
  return [
    `| phase                          |        rows | normal s |  rows/s  |   bulk s |   rows/s  | ×      |`,
    `|--------------------------------|-------------|----------|-----------|----------|-----------|--------|`,
    ...PHASES.map(([k, what, n]) => row(what, n(a.result), a.result.phases[k], b.result.phases[k])),
    row('total (cases+events+superv.)', total(a.result), a.result.ms, b.result.ms),
    '',
    `CPU: normal ${cpu(a)}; bulk ${cpu(b)} (parallel index workers not counted)`,
  ].join('\n');
}

async function main(): Promise<void> {
  const adminUrl = await adminUrlFor(loadConfig());
  const template = new URL(await ensureProfileDatabase(adminUrl, 'megacity')).pathname.slice(1);
  const t0 = performance.now();
  const normal = await loadOnce(adminUrl, template, false);
  const bulk = await loadOnce(adminUrl, template, true);
  console.log(
    `\nHistory load on the megacity district, ${CASES.toLocaleString('en')} cases over ${DAYS} days, both ways in one process ` +
      `(${((performance.now() - t0) / 1000).toFixed(0)} s; cores shared with other work: compare the columns, not runs)\n${table(normal, bulk)}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
