/**
 * Rollup benchmark (docs/rollups.md): the statistics' period queries raw (repository.ts, the reference) and from
 * the rollups (rollup-repository.ts, what the endpoints use), over demo histories of growing length at the same
 * daily rate (50,000 cases = 30 days, 500,000 = 300 days, …), p50/p99 on a plain pool, and the growth ratio of the
 * largest history to the smallest. Also the load rate of the history (rows/s, through seedHistory's COPY path with
 * the rollups rebuilt once at the end).
 *
 *   tsx server/scripts/bench-rollups.ts                       (BENCH_ROLLUP_SIZES=50000,500000 BENCH_ROLLUP_ROUNDS=30)
 *   BENCH_ROLLUP_SIZES=50000,500000,2000000 tsx server/scripts/bench-rollups.ts
 *   BENCH_ROLLUP_DAYS=30 …                                     (every history over the same 30 days: denser, not longer)
 *
 * Databases: `bench_rollups_<count>_<days>` on DATABASE_URL's server, else on the project-local cluster; created,
 * migrated and loaded on first use, reused while complete; a complete history with migrations pending gets them
 * applied (a rollup migration fills its own tables from `cases`, as 024 does), not loaded again.
 * Also the heatmaps (hex, grid, scale) raw (heatmap-repository.ts) vs rollups (heatmap-rollup-repository.ts). The clock is pinned to the end of each history.
 * Goals: one street over 30 days p99 ≤ 200 ms, the district over a year p99 ≤ 1 s, growth ≤ 1.5×.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import { DAY_MS, addCstDays, calendarWindow, clipAt, cstDate, cstDateKey, periodWindow, startOfCstDay } from '@gridcommand/shared/domain';
import { loadConfig } from '../src/config.ts';
import { createDatabaseIfMissing, dropDatabase } from '../src/db/local.ts';
import { migrate, migrationStatus } from '../src/db/migrate.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDistrict } from '../src/db/seed.ts';
import { tuneSessions } from '../src/plugins/db.ts';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { seedHistory } from '../src/modules/demo/history.ts';
import * as indRaw from '../src/modules/indicators/repository.ts';
import * as indStored from '../src/modules/indicators/rollup-repository.ts';
import { runIndicatorRollups } from '../src/modules/indicators/rollup-job.ts';
import * as heatRaw from '../src/modules/stats/heatmap-repository.ts';
import * as heatRollup from '../src/modules/stats/heatmap-rollup-repository.ts';
import * as raw from '../src/modules/stats/repository.ts';
import * as rollup from '../src/modules/stats/rollup-repository.ts';
import { adminUrlFor } from './bench-stats.ts';

const SIZES = (process.env.BENCH_ROLLUP_SIZES ?? '50000,500000').split(',').map(Number);
const FIXED_DAYS = process.env.BENCH_ROLLUP_DAYS ? Number(process.env.BENCH_ROLLUP_DAYS) : null;
const ROUNDS = Number(process.env.BENCH_ROLLUP_ROUNDS ?? 30);
/** The demo's daily rate: 50,000 cases in 30 days. */
const DAYS_PER_CASE = 30 / 50_000;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

const daysFor = (count: number) => FIXED_DAYS ?? Math.max(1, Math.round(count * DAYS_PER_CASE));

interface Loaded {
  url: string;
  count: number;
  days: number;
  /** rows per second of the load (cases; events and supervision records besides), null when reused */
  casesPerS: number | null;
  rowsPerS: number | null;
  /** the indicator rollup job's pass on this history: periods computed, ms, the slowest */
  indicatorPass?: { periods: number; ms: number; slowest: string };
}

async function ensureHistory(adminUrl: string, count: number): Promise<Loaded> {
  const days = daysFor(count);
  const name = `bench_rollups_${count}_${days}`;
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  if (!(await createDatabaseIfMissing(adminUrl, name))) {
    const pool = createPool(url, 2);
    try {
      const status = await migrationStatus(pool);
      const n = status.applied.length ? (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0]?.n : -1;
      if (n === count) {
        // a complete history with newer migrations pending: apply them (each rollup migration fills its own tables
        // from `cases`, as 024 does) instead of loading the history again
        if (status.pending.length > 0) {
          const t0 = performance.now();
          await migrate(url, log);
          log(`  ${name}: migrations applied in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        }
        log(`reusing ${name} (${n} cases)`);
        return { url, count, days, casesPerS: null, rowsPerS: null };
      }
    } finally {
      await pool.end();
    }
    log(`${name} is outdated; rebuilding it`);
    await dropDatabase(adminUrl, name);
    await createDatabaseIfMissing(adminUrl, name);
  }
  await migrate(url);
  const pool = createPool(url, 2);
  try {
    const { loadDemoDistrict } = await import('@gridcommand/data');
    await seedDistrict(pool, loadDemoDistrict());
    log(`loading ${count} cases over ${days} days into ${name}…`);
    // histories past the demo's size load by the bulk path (indexes built once at the end: docs/megacity.md)
    const r = await seedHistory(pool, { calendar: await getWorkCalendar(pool), count, days, seed: 20_261_126, bulk: count > 50_000 });
    const s = r.ms / 1000;
    log(`  ${r.cases} cases, ${r.events} events, ${r.supervision} supervision records in ${s.toFixed(1)} s`);
    return { url, count, days, casesPerS: Math.round(r.cases / s), rowsPerS: Math.round((r.cases + r.events + r.supervision) / s) };
  } finally {
    await pool.end();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function measure(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { p50: Number(percentile(t, 50).toFixed(1)), p99: Number(percentile(t, 99).toFixed(1)) };
}

interface Query {
  name: string;
  target: number;
  raw: () => Promise<unknown>;
  rollup: (() => Promise<unknown>) | null;
}

function queries(pool: pg.Pool, now: Date, street: string): Query[] {
  const d30 = periodWindow('30d', now);
  const today = periodWindow('today', now);
  const year = { from: new Date(now.getTime() - 365 * DAY_MS), to: now };
  const s = { level: 'street' as const, code: street };
  const heat = { from: d30.from, to: d30.to, category: null, bbox: null };
  const heatYear = { ...heat, from: year.from };
  // the scale's basis: the 30 CST days before today
  const basis = { from: cstDate(addCstDays(cstDateKey(now), -30)), to: startOfCstDay(now) };
  return [
    { name: 'overview district today', target: 1000, raw: () => raw.indicatorTotals(pool, today.from, today.to, null), rollup: () => rollup.rollupIndicatorTotals(pool, today.from, today.to, null) },
    { name: 'overview district 30d', target: 1000, raw: () => raw.indicatorTotals(pool, d30.from, d30.to, null), rollup: () => rollup.rollupIndicatorTotals(pool, d30.from, d30.to, null) },
    { name: 'overview street 30d', target: 200, raw: () => raw.indicatorTotals(pool, d30.from, d30.to, s), rollup: () => rollup.rollupIndicatorTotals(pool, d30.from, d30.to, s) },
    { name: 'overview district year', target: 1000, raw: () => raw.indicatorTotals(pool, year.from, year.to, null), rollup: () => rollup.rollupIndicatorTotals(pool, year.from, year.to, null) },
    { name: 'streets ranking 30d', target: 1000, raw: () => raw.indicatorsByArea(pool, 'street', d30.from, d30.to), rollup: () => rollup.rollupIndicatorsByArea(pool, 'street', d30.from, d30.to) },
    { name: 'streets ranking year', target: 1000, raw: () => raw.indicatorsByArea(pool, 'street', year.from, year.to), rollup: () => rollup.rollupIndicatorsByArea(pool, 'street', year.from, year.to) },
    { name: 'choropleth grid 30d', target: 1000, raw: () => raw.indicatorsByArea(pool, 'grid', d30.from, d30.to), rollup: () => rollup.rollupIndicatorsByArea(pool, 'grid', d30.from, d30.to) },
    {
      name: 'area street 30d',
      target: 200,
      raw: () => Promise.all([raw.indicatorTotals(pool, d30.from, d30.to, s), raw.dailyCounts(pool, d30.from, d30.to, s)]),
      rollup: () => Promise.all([rollup.rollupIndicatorTotals(pool, d30.from, d30.to, s), rollup.rollupDailyCounts(pool, d30.from, d30.to, s)]),
    },
    { name: 'trend by day 30d', target: 1000, raw: () => raw.trendCounts(pool, 'day', d30.from, d30.to, now, null), rollup: () => rollup.rollupTrendCounts(pool, 'day', d30.from, d30.to, now, null) },
    { name: 'trend by day year', target: 1000, raw: () => raw.trendCounts(pool, 'day', year.from, year.to, now, null), rollup: () => rollup.rollupTrendCounts(pool, 'day', year.from, year.to, now, null) },
    { name: 'trend by category year', target: 1000, raw: () => raw.trendCounts(pool, 'category', year.from, year.to, now, null), rollup: () => rollup.rollupTrendCounts(pool, 'category', year.from, year.to, now, null) },
    { name: 'heatmap hex 1km 30d', target: 1000, raw: () => heatRaw.hexHeatmap(pool, heat, 1), rollup: () => heatRollup.rollupHexHeatmap(pool, heat, 1) },
    { name: 'heatmap hex 1km year', target: 1000, raw: () => heatRaw.hexHeatmap(pool, heatYear, 1), rollup: () => heatRollup.rollupHexHeatmap(pool, heatYear, 1) },
    { name: 'heatmap grid 30d', target: 1000, raw: () => heatRaw.gridHeatmap(pool, heat), rollup: () => heatRollup.rollupGridHeatmap(pool, heat) },
    ...indicatorQueries(pool, now, street),
    {
      name: 'heatmap scale hex 1km',
      target: 1000,
      raw: () => heatRaw.cellDayP99(pool, 'hex', basis.from, basis.to, null, 1),
      rollup: () => heatRollup.rollupCellDayP99(pool, 'hex', basis.from, basis.to, null, 1),
    },
  ];
}

/** The assessment indicators of a calendar month and year (the API's periods), raw vs the stored periods of 027. */
function indicatorQueries(pool: pg.Pool, now: Date, street: string): Query[] {
  const day = cstDateKey(now);
  const month = clipAt(calendarWindow('month', day), now)!;
  const year = clipAt(calendarWindow('year', day), now)!;
  const s = { kind: 'street' as const, code: street };
  const d = { kind: 'district' as const, code: street.slice(0, 6) };
  const m = cstDateKey(month.from);
  const y = cstDateKey(year.from);
  return [
    {
      name: 'indicators street month',
      target: 200,
      raw: () => Promise.all([indRaw.unitStrata(pool, month.from, month.to, s), indRaw.durationRows(pool, month.from, month.to, s)]),
      rollup: () => Promise.all([indStored.unitStrataStored(pool, 'month', m, s), indStored.durationsStored(pool, 'month', m, s)]),
    },
    {
      name: 'indicators district year',
      target: 1000,
      raw: () => Promise.all([indRaw.unitStrata(pool, year.from, year.to, d), indRaw.durationRows(pool, year.from, year.to, d)]),
      rollup: () => Promise.all([indStored.unitStrataStored(pool, 'year', y, d), indStored.durationsStored(pool, 'year', y, d)]),
    },
    {
      name: 'indicators streets ranking month',
      target: 1000,
      raw: () => indRaw.rankingStrata(pool, month.from, month.to, 'street'),
      rollup: () => indStored.rankingStrataStored(pool, 'month', m, 'street'),
    },
  ];
}

type Row = Record<string, string | number>;

export async function benchRollups(): Promise<{ rows: Row[]; loads: Loaded[] }> {
  const adminUrl = await adminUrlFor(loadConfig());
  const results = new Map<string, Map<number, { raw: { p50: number; p99: number }; rollup: { p50: number; p99: number } | null }>>();
  const loads: Loaded[] = [];
  for (const count of SIZES) {
    const loaded = await ensureHistory(adminUrl, count);
    loads.push(loaded);
    const pool = createPool(loaded.url, 4);
    tuneSessions(pool);
    try {
      const now = (await pool.query<{ t: Date }>(`SELECT max(reported_at) + interval '2 minutes' AS t FROM cases`)).rows[0]!.t;
      const street = (await pool.query<{ code: string }>(`SELECT code FROM area WHERE level = 'street' ORDER BY code LIMIT 1`)).rows[0]!.code;
      // the indicator rollups of every calendar period of the history, as the job computes them (once per database)
      const t0 = performance.now();
      const pass = await runIndicatorRollups(pool, { now, refreshMs: 3650 * DAY_MS });
      const slow = [...pass.computed].sort((a, b) => b.ms - a.ms)[0];
      loaded.indicatorPass = { periods: pass.computed.length, ms: Math.round(performance.now() - t0), slowest: slow ? `${slow.kind} ${slow.start} ${slow.ms} ms` : '—' };
      log(`${count}: indicator rollups: ${pass.computed.length} periods in ${loaded.indicatorPass.ms} ms`);
      for (const q of queries(pool, now, street)) {
        const r = { raw: await measure(q.raw), rollup: q.rollup ? await measure(q.rollup) : null };
        if (!results.has(q.name)) results.set(q.name, new Map());
        results.get(q.name)!.set(count, r);
        log(`${count}: ${q.name}: raw p50 ${r.raw.p50} ms${r.rollup ? `, rollup p50 ${r.rollup.p50} ms` : ''}`);
      }
    } finally {
      await pool.end();
    }
  }
  const first = SIZES[0]!;
  const last = SIZES[SIZES.length - 1]!;
  const rows: Row[] = [];
  for (const q of queries(null as unknown as pg.Pool, new Date(), '')) {
    const byCount = results.get(q.name)!;
    const row: Row = { query: q.name };
    for (const count of SIZES) {
      const r = byCount.get(count)!;
      const k = `${count / 1000}k`;
      row[`${k} raw p50/p99`] = `${r.raw.p50} / ${r.raw.p99}`;
      row[`${k} rollup p50/p99`] = r.rollup ? `${r.rollup.p50} / ${r.rollup.p99}` : '—';
    }
    const a = byCount.get(first)!;
    const b = byCount.get(last)!;
    row['raw growth p50'] = Number((b.raw.p50 / a.raw.p50).toFixed(2));
    row['rollup growth p50'] = a.rollup && b.rollup ? Number((b.rollup.p50 / a.rollup.p50).toFixed(2)) : '—';
    row['target p99'] = `≤ ${q.target}`;
    rows.push(row);
  }
  return { rows, loads };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchRollups()
    .then(({ rows, loads }) => {
      console.log(`\nStatistics raw vs rollups, ms; ${ROUNDS} rounds per cell; growth = ${SIZES[SIZES.length - 1]} / ${SIZES[0]} cases`);
      for (const l of loads) {
        console.log(
          `history ${l.count} cases over ${l.days} days: ${l.casesPerS === null ? 'reused (load rate not measured this run)' : `loaded at ${l.casesPerS} cases/s (${l.rowsPerS} rows/s with events and supervision)`}; ` +
            `indicator rollup pass: ${l.indicatorPass?.periods ?? 0} periods computed in ${l.indicatorPass?.ms ?? 0} ms (slowest ${l.indicatorPass?.slowest ?? '—'})`,
        );
      }
      console.table(rows);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
