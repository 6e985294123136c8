/**
 * pnpm bench (export) — the register's files while the server keeps serving.
 *
 * A real server process (server/src/main.ts, GC_EXPORT_CONCURRENCY=3 so that three exports really run at once) on
 * `gc_bench_export`: the demo district with BENCH_EXPORT_CASES (default 56,000) cases of demo history, built once
 * and reused. Phases, each BENCH_EXPORT_PROBE_MS apart probes of GET /api/health and GET /api/grids (two sequential
 * loops, latency per request):
 *   1. baseline: nothing else running (BENCH_EXPORT_BASELINE_S, default 5 s);
 *   2. one full GET /api/register.csv, then one full GET /api/register.xlsx, each alone;
 *   3. three full GET /api/register.xlsx at once (the report: 24 s alone, 79 s each for three, 3.7 GB peak).
 * The server's RSS (the process tree: the tsx wrapper and the node server) is sampled every 50 ms from
 * /proc/<pid>/status; growth = peak during the phase − RSS before it. BENCH_EXPORT_BIG=2000000 adds a run on
 * `gc_bench_export_big` (a year of demo history with that many cases) with one full CSV export and one Excel
 * export (a workbook holds at most 1,048,575 rows: beyond that the Excel export takes `from` = the report time of the
 * 1,048,575th newest case, the most one file may hold). A second baseline closes each run (the machine's other load
 * changes; the load average is printed). Goals (reported, never enforced): probe p99 ≤ 100 ms while exports run;
 * RSS growth ≤ 100 MB per export.
 */
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadDemoDistrict } from '@gridcommand/data';
import { loadConfig } from '../src/config.ts';
import { createDatabaseIfMissing, dropDatabase } from '../src/db/local.ts';
import { migrate, migrationStatus } from '../src/db/migrate.ts';
import { seedDistrict } from '../src/db/seed.ts';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { seedHistory } from '../src/modules/demo/history.ts';
import { startServer, type ServerProcess } from '../test/server-process.ts';
import { adminUrlFor } from './bench-db.ts';

const CASES = Number(process.env.BENCH_EXPORT_CASES ?? 56_000);
const BIG = Number(process.env.BENCH_EXPORT_BIG ?? 0);
const PROBE_MS = Number(process.env.BENCH_EXPORT_PROBE_MS ?? 20);
const BASELINE_S = Number(process.env.BENCH_EXPORT_BASELINE_S ?? 5);

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

const round = (v: number, d = 1) => Number(v.toFixed(d));

async function ensureDatabase(adminUrl: string, name: string, cases: number): Promise<string> {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  if (!(await createDatabaseIfMissing(adminUrl, name))) {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const status = await migrationStatus(pool);
      const n = status.applied.length && status.pending.length === 0 ? (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0]!.n : -1;
      if (n === cases) {
        log(`reusing ${name} (${n} cases)`);
        return url;
      }
    } finally {
      await pool.end();
    }
    log(`${name} is outdated; rebuilding it`);
    await dropDatabase(adminUrl, name);
    await createDatabaseIfMissing(adminUrl, name);
  }
  await migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await seedDistrict(pool, loadDemoDistrict());
    // the report's set: 56,000 cases over two months; larger sets: a year of history
    const days = cases > CASES ? 365 : 60;
    log(`${name}: loading ${cases} cases of demo history over ${days} days…`);
    const r = await seedHistory(pool, { calendar: await getWorkCalendar(pool), count: cases, days, seed: 20_261_201 });
    await pool.query('ANALYZE');
    log(`${name}: ${r.cases} cases loaded in ${(r.ms / 1000).toFixed(1)} s`);
    return url;
  } finally {
    await pool.end();
  }
}

/** RSS of a process and its descendants, in MB */
function treeRssMb(pid: number): number {
  let kb = 0;
  const visit = (p: number) => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      kb += m ? Number(m[1]) : 0;
      for (const t of fs.readdirSync(`/proc/${p}/task`)) {
        const kids = fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim();
        for (const c of kids ? kids.split(/\s+/) : []) visit(Number(c));
      }
    } catch {
      /* gone */
    }
  };
  visit(pid);
  return kb / 1024;
}

interface Probe {
  health: number[];
  grids: number[];
  rssPeak: number;
  rssStart: number;
}

/** Probes health and grids and samples RSS until `work` settles. */
async function probed<T>(server: ServerProcess, work: () => Promise<T>): Promise<{ out: T; probe: Probe }> {
  const probe: Probe = { health: [], grids: [], rssPeak: 0, rssStart: treeRssMb(server.child.pid!) };
  let done = false;
  const rss = setInterval(() => (probe.rssPeak = Math.max(probe.rssPeak, treeRssMb(server.child.pid!))), 50);
  const loop = async (url: string, into: number[]) => {
    while (!done) {
      const t = performance.now();
      const res = await fetch(`${server.url}${url}`);
      await res.arrayBuffer();
      into.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, PROBE_MS));
    }
  };
  const loops = [loop('/api/health', probe.health), loop('/api/grids', probe.grids)];
  try {
    const out = await work();
    return { out, probe };
  } finally {
    done = true;
    clearInterval(rss);
    await Promise.all(loops);
    probe.rssPeak = Math.max(probe.rssPeak, treeRssMb(server.child.pid!));
  }
}

async function download(server: ServerProcess, cookie: string, path: string): Promise<{ rows: number; bytes: number; ms: number }> {
  const t = performance.now();
  const res = await fetch(`${server.url}${path}`, { headers: { cookie, 'accept-encoding': 'identity' } });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return { rows: Number(res.headers.get('x-export-rows')), bytes, ms: performance.now() - t };
}

interface Line {
  phase: string;
  exports: string;
  'rows/s': number | string;
  'MB out': number | string;
  's each': number | string;
  'health p50': number;
  'health p99': number;
  'grids p99': number;
  'health p99 ×base': number | string;
  'grids p99 ×base': number | string;
  'RSS +MB': number;
  load: number;
}

async function runProfile(adminUrl: string, dbName: string, cases: number, big: boolean): Promise<Line[]> {
  const url = await ensureDatabase(adminUrl, dbName, cases);
  const server = await startServer({ databaseUrl: url, env: { GC_EXPORT_CONCURRENCY: '3', GC_EXPORT_QUEUE: '8', GC_LIGHT_JOB_MS: '0' } });
  const lines: Line[] = [];
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'leader', password: process.env.GC_DEMO_PASSWORD || 'gridcommand-demo' }),
    });
    if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    // warm-up (plans, caches, JIT)
    await download(server, cookie, '/api/register.csv?status=closed&limit=500');
    await download(server, cookie, '/api/register.xlsx?status=closed&limit=500');

    const base = await probed(server, () => new Promise((r) => setTimeout(r, BASELINE_S * 1000)));
    const bh = [...base.probe.health].sort((a, b) => a - b);
    const bg = [...base.probe.grids].sort((a, b) => a - b);
    const line = (phase: string, exports: string, p: Probe, res: { rows: number; bytes: number; ms: number }[]): Line => {
      const h = [...p.health].sort((a, b) => a - b);
      const g = [...p.grids].sort((a, b) => a - b);
      const rows = res.reduce((s, r) => s + r.rows, 0);
      const ms = Math.max(0, ...res.map((r) => r.ms));
      return {
        phase,
        exports,
        'rows/s': res.length ? Math.round(rows / (ms / 1000)) : '-',
        'MB out': res.length ? round(res.reduce((s, r) => s + r.bytes, 0) / 1e6) : '-',
        's each': res.length ? round(res.reduce((s, r) => s + r.ms, 0) / res.length / 1000, 2) : '-',
        'health p50': round(pct(h, 50)),
        'health p99': round(pct(h, 99)),
        'grids p99': round(pct(g, 99)),
        'health p99 ×base': res.length ? round(pct(h, 99) / pct(bh, 99), 2) : 1,
        'grids p99 ×base': res.length ? round(pct(g, 99) / pct(bg, 99), 2) : 1,
        'RSS +MB': round(p.rssPeak - p.rssStart),
        load: round(os.loadavg()[0]!, 1),
      };
    };
    const label = `${cases} cases`;
    lines.push(line(`${label}: baseline`, 'none', base.probe, []));
    let xlsxPath = '/api/register.xlsx';
    if (cases > 1_048_575) {
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      const { rows } = await db.query<{ at: Date }>('SELECT reported_at AS at FROM cases ORDER BY reported_at DESC, id DESC OFFSET 1048574 LIMIT 1');
      await db.end();
      xlsxPath = `/api/register.xlsx?from=${encodeURIComponent(new Date(rows[0]!.at.getTime() + 1).toISOString())}`;
    }
    const runs: [string, string, string[]][] = [
      ['CSV alone', '1 × register.csv', ['/api/register.csv']],
      ['Excel alone', '1 × register.xlsx', [xlsxPath]],
      ...(big ? [] : [['3 Excel at once', '3 × register.xlsx', [xlsxPath, xlsxPath, xlsxPath]] as [string, string, string[]]]),
    ];
    for (const [phase, what, paths] of runs) {
      log(`${label}: ${phase}…`);
      const r = await probed(server, () => Promise.all(paths.map((p) => download(server, cookie, p))));
      lines.push(line(`${label}: ${phase}`, what, r.probe, r.out));
    }
    const closing = await probed(server, () => new Promise((r) => setTimeout(r, BASELINE_S * 1000)));
    lines.push({ ...line(`${label}: baseline again`, 'none', closing.probe, []), 'health p99 ×base': '-', 'grids p99 ×base': '-' });
  } finally {
    await server.stop();
  }
  return lines;
}

async function main(): Promise<void> {
  const adminUrl = await adminUrlFor(loadConfig());
  console.table(await runProfile(adminUrl, 'gc_bench_export', CASES, false));
  if (BIG > 0) console.table(await runProfile(adminUrl, 'gc_bench_export_big', BIG, true));
  log('goals: health and grids p99 ≤ 100 ms while exports run; RSS growth ≤ 100 MB per export (for three: ≤ 300 MB)');
}

await main();
