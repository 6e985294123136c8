/**
 * pnpm bench (ogc) — OGC API – Features items pages over real HTTP next to the bare SQL doing the same.
 *
 * On the demo district (1,549 grids) with at least BENCH_OGC_CASES (default 12,000) cases (the missing ones seeded by
 * SQL with codes BO… and deleted again at the end, so that other benchmarks find the database as it was),
 * GET /ogc/collections/{cases,grids}/items?limit=10 / 1,000 / 10,000 is timed end to end (fetch, the whole body
 * read), and beside it the two statements the route runs (the page rendered as GeoJSON text by PostgreSQL and its
 * count, in parallel) straight on a pool: the ratio is what HTTP, validation, the settings read, links and gzip
 * (fetch asks for it) add. Rounds per size: BENCH_OGC_ROUNDS (default 200 for limit 10, 40 for 1,000, 12 for 10,000).
 * Goals are reported, never enforced.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { COLLECTIONS } from '../src/modules/ogc/collections.ts';
import { itemsSql } from '../src/modules/ogc/repository.ts';
import { publicSettings } from '../src/modules/public/settings.ts';
import { adminUrlFor, ensureProfileDatabase } from './bench-db.ts';

const CASES = Number(process.env.BENCH_OGC_CASES ?? 12_000);
const ROUNDS = process.env.BENCH_OGC_ROUNDS ? Number(process.env.BENCH_OGC_ROUNDS) : null;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

async function timeIt(rounds: number, fn: () => Promise<number>): Promise<{ p50: number; p99: number; bytes: number }> {
  await fn(); // warm
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    bytes = await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99), bytes };
}

function table(head: string[], body: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...body.map(line)];
}

const SEED_PREFIX = 'BO';

async function removeSeeded(url: string): Promise<void> {
  const pool = createPool(url, 1);
  try {
    await pool.query(`DELETE FROM cases WHERE code LIKE $1 AND NOT EXISTS (SELECT 1 FROM event e WHERE e.case_id = cases.id)`, [`${SEED_PREFIX}%`]);
  } finally {
    await pool.end();
  }
}

async function seedCases(url: string): Promise<void> {
  const pool = createPool(url, 2);
  try {
    const have = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0]!.n;
    if (have >= CASES) return;
    log(`seeding ${CASES - have} cases (BO…)…`);
    await pool.query(
      `INSERT INTO cases (code, source, category_code, priority, title, location, grid_code, community_code, zone_code, street_code,
                          status, reported_at, respond_by, resolve_by, light)
       SELECT $2 || to_char(now(), 'YYYYMMDDHH24MISS') || '-' || lpad(s.i::text, 6, '0'), 'hotline',
              (ARRAY['01001', '02001', '04001', '05001'])[1 + s.i % 4], 'normal', '基准',
              ST_Translate(g.label_point, (random() - 0.5) * 0.001, (random() - 0.5) * 0.001), g.code, g.community_code, g.zone_code,
              g.street_code, 'filed', now() - make_interval(mins => s.i), now() + interval '1 day', now() + interval '5 days', 'green'
       FROM generate_series(1, $1::int) AS s(i)
       JOIN (SELECT *, row_number() OVER (ORDER BY code) - 1 AS k, count(*) OVER () AS total FROM area WHERE level = 'grid') g ON g.k = s.i % g.total`,
      [CASES - have, SEED_PREFIX],
    );
    await pool.query('ANALYZE cases');
  } finally {
    await pool.end();
  }
}

const config = loadConfig();
const url = await ensureProfileDatabase(await adminUrlFor(config), 'demo');
await removeSeeded(url);
await seedCases(url);
const pool = createPool(url, 8);
const app = await buildApp({ config: { ...config, clientDist: null, lightJobIntervalMs: 0 }, pool });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const rows: string[][] = [];
try {
  const majors = (await publicSettings(pool)).sensitiveMajors;
  for (const id of ['cases', 'grids'] as const) {
    const def = COLLECTIONS.find((c) => c.id === id)!;
    for (const limit of [10, 1_000, 10_000]) {
      const rounds = ROUNDS ?? (limit === 10 ? 200 : limit === 1_000 ? 40 : 12);
      let returned = 0;
      const http = await timeIt(rounds, async () => {
        const res = await fetch(`${address}/ogc/collections/${id}/items?limit=${limit}`);
        if (res.status !== 200) throw new Error(`${id} limit ${limit}: HTTP ${res.status}`);
        const body = await res.text();
        returned = Number(/"numberReturned":(\d+)/.exec(body)?.[1] ?? NaN);
        return body.length;
      });
      const sql = itemsSql(def, { filters: [], limit, offset: 0 }, majors);
      const bare = await timeIt(rounds, async () => {
        const [page] = await Promise.all([pool.query<{ features: string }>(sql.page.text, sql.page.values), pool.query(sql.count.text, sql.count.values)]);
        return page.rows[0]!.features.length;
      });
      rows.push([
        id, limit.toLocaleString('en'), returned.toLocaleString('en'), (http.bytes / 1e6).toFixed(2),
        http.p50.toFixed(1), http.p99.toFixed(1), bare.p50.toFixed(1), bare.p99.toFixed(1),
        (http.p50 / bare.p50).toFixed(2), (http.p99 / bare.p99).toFixed(2),
      ]);
      log(`${id} limit ${limit}: done`);
    }
  }
} finally {
  await app.close();
  await pool.end();
  await removeSeeded(url);
}

console.log(`\nOGC API – Features items on the demo district, HTTP (fetch, whole body) vs the bare SQL of the same page (${os.cpus().length} CPUs)\n`);
console.log(
  table(['collection', 'limit', 'features', 'MB', 'HTTP p50 ms', 'HTTP p99 ms', 'SQL p50 ms', 'SQL p99 ms', 'p50 × SQL', 'p99 × SQL'], rows).join('\n'),
);
