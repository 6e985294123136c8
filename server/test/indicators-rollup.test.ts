/**
 * The indicator rollups (migration 027, docs/indicators.md#rollups) against the raw computation on a seeded
 * history across a year's end (with stalled cases, ratings and callbacks): every stored period and every scope
 * gives the strata the cases give, the durations' histograms give the exact mean and a 90th percentile within a
 * bucket; the API answers a calendar period from the rollups (exact once over, "as of" while running), notices a
 * write that touches a stored period (serving the numbers as of their computing within the lag, the cases after
 * it) and is exact again after the job's next pass; an update the indicators do not read touches nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { bucketWidth, durationBucket, durationPairs, firstDayKept, histogramSummary, workingHoursSummary, type CalendarPeriod } from '@gridcommand/shared/domain';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { seedHistory } from '../src/modules/demo/history.ts';
import { strataOf } from '../src/modules/indicators/compute.ts';
import * as repo from '../src/modules/indicators/repository.ts';
import * as stored from '../src/modules/indicators/rollup-repository.ts';
import { runIndicatorRollups } from '../src/modules/indicators/rollup-job.ts';
import { composeBulletin } from '../src/modules/bulletins/compose.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { PASSWORD, login, sessionCookie } from './cases-helpers.ts';

/** 10:00 CST on 10 January 2026: 40 days of history reach back into December 2025 */
const NOW = new Date('2026-01-10T02:00:00Z');
const MIN = 60_000;

let db: TestDatabase;
let app: FastifyInstance;
let cookie: string;
let clock = NOW;
const scopes: repo.Scope[] = [];

beforeAll(async () => {
  db = await testDatabase();
  const pool = db.pool;
  await seedDemoUsers(pool, PASSWORD);
  await seedHistory(pool, { calendar: await getWorkCalendar(pool), count: 1_500, days: 40, now: NOW, seed: 27, stallShare: 0.15 });
  // ratings: the citizen's on some closings, callbacks (some not reaching the reporter) on others, a few reopened
  await pool.query(
    `INSERT INTO case_rating (case_id, source, round, reached, rating, reopened, at)
     SELECT id, CASE WHEN id % 3 = 0 THEN 'callback' ELSE 'citizen' END, 0, id % 7 <> 0,
            CASE WHEN id % 7 = 0 THEN NULL ELSE (ARRAY['satisfied', 'basic', 'unsatisfied'])[1 + id % 3] END, id % 11 = 0,
            closed_at + (id % 50) * interval '1 hour'
       FROM cases WHERE status = 'closed' AND id % 4 = 0 AND closed_at + (id % 50) * interval '1 hour' < $1`,
    [NOW],
  );
  const one = async (sql: string) => (await pool.query<{ code: string }>(sql)).rows[0]!.code;
  const street = await one(`SELECT street_code AS code FROM cases GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`);
  scopes.push(
    { kind: 'district', code: street.slice(0, 6) },
    { kind: 'street', code: street },
    { kind: 'zone', code: await one(`SELECT zone_code AS code FROM cases GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`) },
    { kind: 'community', code: await one(`SELECT community_code AS code FROM cases GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`) },
    { kind: 'grid', code: await one(`SELECT grid_code AS code FROM cases GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`) },
    { kind: 'department', code: await one(`SELECT department_code AS code FROM cases WHERE department_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`) },
    { kind: 'grids', codes: (await pool.query<{ c: string }>(`SELECT grid_code AS c FROM cases GROUP BY 1 ORDER BY count(*) DESC LIMIT 3`)).rows.map((r) => r.c) },
  );
  // the duration cursor in pages of 97 cases: every month and the year read many pages (the durations test below)
  const r = await runIndicatorRollups(pool, { now: NOW, refreshMs: MIN, durationPage: 97 });
  expect(r.left).toBe(0);
  app = await buildApp({ config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000, indicatorRollupMs: MIN }, pool, now: () => clock });
  cookie = sessionCookie(await login(app, 'leader'));
}, 240_000);

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

/** Strata as comparable text, leaving out those that count nothing (the raw answer has them, the rollup not). */
function strataText(rows: repo.GroupRow[], pick?: (r: repo.GroupRow) => boolean) {
  return [...strataOf(rows, pick)]
    .filter(([, s]) => Object.values(s.counts).some((v) => v !== 0) || Object.values(s.shares).some((v) => v.n !== 0 || v.hits !== 0))
    .map(([k, s]) => `${k} ${JSON.stringify(s)}`)
    .sort();
}

async function periods(): Promise<{ kind: CalendarPeriod; start: string; from: Date; to: Date; end: Date }[]> {
  const { rows } = await db.pool.query(`SELECT kind, to_char(start, 'YYYY-MM-DD') AS start, from_at AS "from", to_at AS "to", end_at AS "end" FROM rollup_indicator_period ORDER BY kind, start`);
  return rows;
}

describe('indicator rollups = the cases', () => {
  it('stores every calendar period from the first report to now, across the year end', async () => {
    const ps = await periods();
    const of = (k: string) => ps.filter((p) => p.kind === k).map((p) => p.start);
    expect(of('year')).toEqual(['2025-01-01', '2026-01-01']);
    expect(of('quarter')).toEqual(['2025-10-01', '2026-01-01']);
    expect(of('month')).toEqual(['2025-12-01', '2026-01-01']);
    expect(of('day').length).toBeGreaterThanOrEqual(40);
    // the running ones are computed to now, the others to their end
    const running = (x: { kind: string; start: string }) =>
      x.start === { day: '2026-01-10', week: '2026-01-05', month: '2026-01-01', quarter: '2026-01-01', year: '2026-01-01' }[x.kind];
    expect(ps.filter(running)).toHaveLength(5);
    for (const p of ps) expect(p.to, `${p.kind} ${p.start}`).toEqual(running(p) ? NOW : p.end);
  });

  it('every period (days sampled) and every scope: the same strata, in the unit and district-wide', async () => {
    const ps = (await periods()).filter((p, i) => p.kind !== 'day' || i % 4 === 0);
    let compared = 0;
    for (const p of ps) {
      for (const scope of scopes) {
        const a = await stored.unitStrataStored(db.pool, p.kind, p.start, scope);
        const b = await repo.unitStrata(db.pool, p.from, p.to, scope);
        const label = `${p.kind} ${p.start} ${scope.kind}`;
        expect(strataText(a, (r) => r.group === 'in'), label).toEqual(strataText(b, (r) => r.group === 'in'));
        expect(strataText(a), label).toEqual(strataText(b));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(60);
    // the history exercises every cohort somewhere
    const year = await stored.unitStrataStored(db.pool, 'year', '2025-01-01', scopes[0]!);
    const total = [...strataOf(year).values()].reduce((a, s) => a + s.shares.satisfaction.n + s.shares.rework.n + s.shares.closure.n, 0);
    expect(total).toBeGreaterThan(100);
  });

  it('the rankings of a month: the same strata per street and per department', async () => {
    for (const p of (await periods()).filter((x) => x.kind === 'month')) {
      for (const by of ['street', 'department'] as const) {
        const a = await stored.rankingStrataStored(db.pool, 'month', p.start, by);
        const b = await repo.rankingStrata(db.pool, p.from, p.to, by);
        for (const g of new Set(b.map((r) => r.group))) {
          expect(strataText(a, (r) => r.group === g), `${p.start} ${by} ${g}`).toEqual(strataText(b, (r) => r.group === g));
        }
      }
    }
  });

  it('the durations: the exact count and mean, the 90th percentile within a bucket', async () => {
    const cal = await getWorkCalendar(db.pool);
    for (const p of (await periods()).filter((x) => x.kind !== 'day')) {
      for (const scope of scopes.filter((s) => ['district', 'street', 'department'].includes(s.kind))) {
        const h = (await stored.durationsStored(db.pool, p.kind, p.start, scope))!;
        const pairs = durationPairs((await repo.durationRows(db.pool, p.from, p.to, scope)) as never, p.from, p.to);
        for (const m of ['respond', 'resolve'] as const) {
          const got = histogramSummary(h[m]);
          const want = workingHoursSummary(pairs[m], cal);
          const label = `${p.kind} ${p.start} ${scope.kind} ${m}`;
          expect(got.n, label).toBe(want.n);
          if (want.n === 0) continue;
          expect(got.mean!, label).toBeCloseTo(want.mean!, 6);
          expect(Math.abs(got.p90! - want.p90!), label).toBeLessThanOrEqual(bucketWidth(durationBucket(want.p90!)) + 1e-6);
        }
      }
    }
  });
});

async function indicators(query: string) {
  const r = await app.inject({ url: `/api/indicators?${query}`, headers: { cookie } });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

const DEC = 'period=month&from=2025-12-01';
const DEC_RAW = `period=custom&from=${encodeURIComponent('2025-12-01T00:00:00+08:00')}&to=${encodeURIComponent('2026-01-01T00:00:00+08:00')}`;
/** The same numbers (the fair comparison's sums may differ in the last bits: the strata come in another order). */
const same = (a: any, b: any) => {
  expect(a.counts).toEqual(b.counts);
  expect(a.rates.map((r: any) => [r.key, r.n, r.hits, r.value, r.verdict])).toEqual(b.rates.map((r: any) => [r.key, r.n, r.hits, r.value, r.verdict]));
  for (const [i, r] of a.rates.entries()) {
    expect(r.position).toBe(b.rates[i].position);
    for (const k of ['expected', 'low', 'high']) {
      if (r[k] === null) expect(b.rates[i][k]).toBeNull();
      else expect(r[k]).toBeCloseTo(b.rates[i][k], 9);
    }
  }
  expect(a.durations.respond.n).toBe(b.durations.respond.n);
  expect(a.durations.resolve.n).toBe(b.durations.resolve.n);
  if (b.durations.resolve.n > 0) expect(a.durations.resolve.mean).toBeCloseTo(b.durations.resolve.mean, 6);
};
const share = (body: any, key: string) => body.rates.find((r: any) => r.key === key).n;

describe('the API on the rollups', () => {
  it('a month over: exact from the rollups (no "as of"), the numbers of the same window counted from the cases', async () => {
    clock = NOW;
    const a = await indicators(DEC);
    expect(a.asOf).toBeNull();
    expect([a.from, a.to]).toEqual(['2025-11-30T16:00:00.000Z', '2025-12-31T16:00:00.000Z']);
    same(a, await indicators(DEC_RAW));
    const street = scopes[1] as { code: string };
    same(await indicators(`${DEC}&unit=${street.code}`), await indicators(`${DEC_RAW}&unit=${street.code}`));
  });

  it('reads the rollups, not the cases', async () => {
    const before = await indicators(DEC);
    await db.pool.query(`UPDATE rollup_indicator_street SET reported = reported + 1000 WHERE kind = 'month' AND start = '2025-12-01' AND ctid = (SELECT min(ctid) FROM rollup_indicator_street WHERE kind = 'month' AND start = '2025-12-01')`);
    expect((await indicators(DEC)).counts.reported).toBe(before.counts.reported + 1000);
    await db.pool.query(`UPDATE rollup_indicator_street SET reported = reported - 1000 WHERE kind = 'month' AND start = '2025-12-01' AND reported >= 1000`);
  });

  it('the running day and year: as of their computing, up to that instant', async () => {
    clock = new Date(NOW.getTime() + 2 * MIN);
    const day = await indicators('period=day');
    expect(day.asOf).toBe(NOW.toISOString());
    expect(day.to).toBe(NOW.toISOString());
    const year = await indicators('period=year');
    expect(year.asOf).toBe(NOW.toISOString());
    // past the day's lag (3 refreshes): counted from the cases up to now
    clock = new Date(NOW.getTime() + 4 * MIN);
    const late = await indicators('period=day');
    expect(late.asOf).toBeNull();
    expect(late.to).toBe(clock.toISOString());
    clock = NOW;
  });

  it('a write that touches a stored month: as of its computing, then the cases, then exact again after the job', async () => {
    const { rows: [c] } = await db.pool.query<{ id: number }>(
      `SELECT id::int FROM cases WHERE status = 'closed' AND reported_at >= '2025-12-05' AND reported_at < '2025-12-20' ORDER BY id LIMIT 1`,
    );
    await db.pool.query(`UPDATE cases SET status = 'void' WHERE id = $1`, [c!.id]);
    const raw = await indicators(DEC_RAW);
    // within the month's lag: the stored numbers, saying when they were computed
    clock = new Date(NOW.getTime() + MIN);
    const lagging = await indicators(DEC);
    expect(lagging.asOf).toBe(NOW.toISOString());
    // the voided case still counts in the stored numbers' report cohort
    expect(share(lagging, 'publicShare')).toBe(share(raw, 'publicShare') + 1);
    // past it: the cases
    clock = new Date(NOW.getTime() + 60 * MIN);
    const fromCases = await indicators(DEC);
    expect(fromCases.asOf).toBeNull();
    same(fromCases, raw);
    // the job's next pass marks the month (and the days since the case's report, its week, quarter, year) dirty and computes them
    const r = await runIndicatorRollups(db.pool, { now: clock, refreshMs: MIN });
    expect(r.dirtied).toBeGreaterThan(3);
    expect(r.computed.map((p) => `${p.kind} ${p.start}`)).toEqual(expect.arrayContaining(['month 2025-12-01', 'quarter 2025-10-01', 'year 2025-01-01']));
    const again = await indicators(DEC);
    expect(again.asOf).toBeNull();
    same(again, raw);
    clock = NOW;
  });

  it('an update of what the indicators do not read (a light) touches no period', async () => {
    await runIndicatorRollups(db.pool, { now: NOW, refreshMs: 10 * 24 * 60 * MIN });
    await db.pool.query(`UPDATE cases SET light = light, version = version + 1 WHERE id IN (SELECT id FROM cases ORDER BY id LIMIT 50)`);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM rollup_indicator_touch`);
    expect(rows[0]!.n).toBe(0);
    await db.pool.query(`UPDATE cases SET accepted_at = accepted_at + interval '1 minute' WHERE id = (SELECT min(id) FROM cases WHERE accepted_at IS NOT NULL)`);
    expect((await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM rollup_indicator_touch`)).rows[0]!.n).toBe(1);
  });

  it('the ranking of a month over comes from the rollups, the same as from the cases', async () => {
    await runIndicatorRollups(db.pool, { now: NOW, refreshMs: MIN });
    const r = await app.inject({ url: '/api/indicators/ranking?kind=street&month=2025-12', headers: { cookie } });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.asOf).toBeNull();
    const rows = await repo.rankingStrata(db.pool, new Date(body.from), new Date(body.to), 'street');
    const byStreet = strataOf(rows.filter((x) => x.group === body.items[0].code));
    const n = [...byStreet.values()].reduce((a, s) => a + s.shares.onTimeClosure.n, 0);
    expect(body.items[0].onTimeClosure.n).toBe(n);
  });

  it('a monthly bulletin reads the stored month only while it is exact', async () => {
    await runIndicatorRollups(db.pool, { now: NOW, refreshMs: MIN });
    const reported = async () => (await composeBulletin(db.pool, 'monthly', '2025-12-01', NOW)).headline.find((h) => h.key === 'reported')!.value;
    const fromCases = await reported();
    await db.pool.query(
      `UPDATE rollup_indicator_street SET reported = reported + 1000 WHERE ctid = (SELECT min(ctid) FROM rollup_indicator_street WHERE kind = 'month' AND start = '2025-12-01' AND reported > 0)`,
    );
    expect(await reported()).toBe(fromCases! + 1000);
    // a write pending for December: the bulletin counts from the cases (no "as of" in a document of record)
    await db.pool.query(`UPDATE cases SET accepted_at = accepted_at + interval '1 second' WHERE id = (SELECT min(id) FROM cases WHERE accepted_at IS NOT NULL AND reported_at < '2025-12-31')`);
    expect(await reported()).toBe(fromCases);
    await db.pool.query(`UPDATE rollup_indicator_street SET reported = reported - 1000 WHERE kind = 'month' AND start = '2025-12-01' AND reported >= 1000`);
  });

  it('drops the days older than a quarter; such a day is counted from the cases', async () => {
    const later = new Date(NOW.getTime() + 100 * 24 * 60 * MIN);
    const r = await runIndicatorRollups(db.pool, { now: later, refreshMs: MIN });
    expect(r.dropped).toBeGreaterThan(0);
    const kept = firstDayKept(later);
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM rollup_indicator_period WHERE kind = 'day' AND start < $1::date)
            + (SELECT count(*) FROM rollup_indicator WHERE kind = 'day' AND start < $1::date)
            + (SELECT count(*) FROM rollup_indicator_street WHERE kind = 'day' AND start < $1::date)
            + (SELECT count(*) FROM rollup_indicator_duration WHERE kind = 'day' AND start < $1::date) AS n`,
      [kept],
    );
    expect(Number(rows[0]!.n)).toBe(0);
    expect(await db.pool.query(`SELECT 1 FROM rollup_indicator_period WHERE kind = 'month' AND start = '2025-12-01'`).then((x) => x.rowCount)).toBe(1);
    clock = later;
    const day = await indicators('period=day&from=2025-12-10');
    expect(day.asOf).toBeNull();
    same(day, await indicators(`period=custom&from=${encodeURIComponent('2025-12-10T00:00:00+08:00')}&to=${encodeURIComponent('2025-12-11T00:00:00+08:00')}`));
    clock = NOW;
  });
});
