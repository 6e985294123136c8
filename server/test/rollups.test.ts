/**
 * The statistics rollups (migration 023, docs/rollups.md): on a seeded history and then after live writes through
 * the writer and the light job, every period number answered from the rollups equals the raw reference
 * (server/src/modules/stats/repository.ts) for whole-day, partial, today's, 30-day and 400-day windows, for the
 * district and each level of area; a rebuild equals what the triggers kept; the literals of the migration match the
 * domain constants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '@gridcommand/shared/schemas';
import {
  ACTIVE_STATES,
  CST_TIME_ZONE,
  DAY_MS,
  HOUR_MS,
  NEVER_DUE_STATES,
  addCstDays,
  cstDate,
  cstDateKey,
  periodWindow,
} from '@gridcommand/shared/domain';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { runLightJobOnce } from '../src/modules/cases/light-job.ts';
import { seedHistory } from '../src/modules/demo/history.ts';
import * as raw from '../src/modules/stats/repository.ts';
import * as rollup from '../src/modules/stats/rollup-repository.ts';
import { act, as, caseWorld, createCase, type CaseWorld } from './cases-helpers.ts';

let w: CaseWorld;
let teamId: number;

beforeAll(async () => {
  w = await caseWorld();
  const seeded = await seedHistory(w.db.pool, { calendar: await getWorkCalendar(w.db.pool), count: 3_000, days: 40, seed: 2_323, now: new Date() });
  expect(seeded.cases).toBe(3_000);
  teamId = (await w.db.pool.query<{ id: number }>("SELECT id FROM team WHERE status = 'available' ORDER BY id LIMIT 1")).rows[0]!.id;
}, 120_000);

afterAll(async () => {
  await w?.close();
});

/** The windows every number is compared over, relative to now. */
function windows(): [string, Date, Date][] {
  const now = new Date();
  const today = cstDateKey(now);
  const day = (n: number) => cstDate(addCstDays(today, n));
  return [
    ['whole days', day(-12), day(-2)],
    ['partial both ends', new Date(now.getTime() - 7.3 * DAY_MS), new Date(now.getTime() - 1.1 * DAY_MS)],
    ['within one day', new Date(day(-3).getTime() + 2.5 * HOUR_MS), new Date(day(-3).getTime() + 9.25 * HOUR_MS)],
    ['today', ...Object.values(periodWindow('today', now))] as [string, Date, Date],
    ['30d', ...Object.values(periodWindow('30d', now))] as [string, Date, Date],
    ['month', ...Object.values(periodWindow('month', now))] as [string, Date, Date],
    ['400 days', new Date(now.getTime() - 400 * DAY_MS), now],
    ['into the future', day(-5), day(3)],
  ];
}

function scopes(): (raw.AreaScope | null)[] {
  return [
    null,
    { level: 'district', code: w.home.street.slice(0, 6) },
    { level: 'street', code: w.home.street },
    { level: 'zone', code: w.home.zone },
    { level: 'community', code: w.home.community },
    { level: 'grid', code: w.home.grid },
  ];
}

const sortByKey = <T extends { key: string }>(rows: T[]) => [...rows].sort((a, b) => a.key.localeCompare(b.key));

/** Every rollup answer against the raw one. Returns how many comparisons were made. */
async function compareEverything(): Promise<number> {
  const pool = w.db.pool;
  const now = new Date();
  let n = 0;
  for (const [name, from, to] of windows()) {
    for (const scope of scopes()) {
      const label = `${name} ${scope ? `${scope.level} ${scope.code}` : 'all'}`;
      expect(await rollup.rollupIndicatorTotals(pool, from, to, scope), label).toEqual(await raw.indicatorTotals(pool, from, to, scope));
      const daily = await rollup.rollupDailyCounts(pool, from, to, scope);
      expect(Object.fromEntries([...daily].sort()), `daily ${label}`).toEqual(Object.fromEntries([...(await raw.dailyCounts(pool, from, to, scope))].sort()));
      n += 2;
    }
    for (const level of ['street', 'zone', 'community', 'grid'] as const) {
      expect(await rollup.rollupIndicatorsByArea(pool, level, from, to), `${name} by ${level}`).toEqual(await raw.indicatorsByArea(pool, level, from, to));
      n++;
    }
    for (const by of ['day', 'category', 'source', 'street'] as const) {
      for (const street of [null, w.home.street]) {
        expect(sortByKey(await rollup.rollupTrendCounts(pool, by, from, to, now, street)), `${name} trend by ${by} ${street}`).toEqual(
          sortByKey(await raw.trendCounts(pool, by, from, to, now, street)),
        );
        n++;
      }
    }
  }
  return n;
}

/** The rollup tables as sorted rows, zero rows left out (the triggers leave them; a rebuild does not write them). */
async function rollupRows(): Promise<Record<'flow' | 'due' | 'trend' | 'streetFlow' | 'streetDue', unknown[]>> {
  const q = async (sql: string) => (await w.db.pool.query(sql)).rows;
  return {
    flow: await q(`SELECT * FROM rollup_flow WHERE (reported, filed, closed, in_progress, escalated) <> (0, 0, 0, 0, 0)
                   ORDER BY grid_code, day, community_code, zone_code, street_code`),
    due: await q(`SELECT * FROM rollup_due WHERE n <> 0 ORDER BY grid_code, resolve_day, closed_day, on_time, community_code, zone_code, street_code`),
    trend: await q(`SELECT * FROM rollup_trend WHERE (reported, closed, late) <> (0, 0, 0) ORDER BY street_code, day, major_code, source`),
    streetFlow: await q(`SELECT * FROM rollup_street_flow WHERE (reported, filed, closed, in_progress, escalated) <> (0, 0, 0, 0, 0)
                         ORDER BY street_code, day, district_code`),
    streetDue: await q(`SELECT * FROM rollup_street_due WHERE n <> 0 ORDER BY street_code, resolve_day, closed_day, on_time, district_code`),
  };
}

async function expectRebuildEqualsIncremental(): Promise<void> {
  const before = await rollupRows();
  expect(before.flow.length).toBeGreaterThan(0);
  await rollup.rebuildRollups(w.db.pool);
  expect(await rollupRows()).toEqual(before);
}

async function getCase(id: number): Promise<Case> {
  const r = await as(w, 'dispatcher', 'GET', `/api/cases/${id}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as Case;
}

describe('rollups', () => {
  it('answer every period number exactly as the raw queries on the seeded history', async () => {
    expect(await compareEverything()).toBeGreaterThan(100);
  }, 120_000);

  it('stay exact after live writes (create, dispatch, close, reopen, void, escalate, park) and the light job', async () => {
    // new cases through the whole loop
    let a = await createCase(w);
    a = await act(w, 'dispatcher', a, 'file');
    a = await act(w, 'dispatcher', a, 'dispatch', { teamId });
    a = await act(w, 'handler', a, 'accept');
    a = await act(w, 'handler', a, 'handle');
    a = await act(w, 'worker', a, 'verify_pass');
    a = await act(w, 'dispatcher', a, 'close');
    a = await act(w, 'dispatcher', a, 'reopen', { reason: '群众不满意' });
    const b = await createCase(w, { categoryCode: '01002', source: 'public' });
    await act(w, 'dispatcher', b, 'void', { reason: '误报' });
    let c = await createCase(w, { priority: 'emergency' });
    c = await act(w, 'dispatcher', c, 'escalate', { reason: '超出处置能力' });
    c = await act(w, 'dispatcher', c, 'file');
    await act(w, 'dispatcher', c, 'park', { reason: '需多部门协调', reviewDate: '2099-06-30' });
    // old cases of the history: their days long past change too (backlog, in progress, escalated)
    const { rows } = await w.db.pool.query<{ id: number; status: string }>(
      `SELECT DISTINCT ON (status) id::int, status FROM cases
       WHERE status IN ('closed', 'reported', 'filed', 'dispatched', 'in_progress', 'verified') AND reported_at < now() - interval '2 days'
       ORDER BY status, id`,
    );
    for (const r of rows) {
      const old = await getCase(r.id);
      if (r.status === 'closed') await act(w, 'dispatcher', old, 'reopen', { reason: '回访不满意' });
      else if (r.status === 'reported') await act(w, 'dispatcher', old, 'void', { reason: '重复上报' });
      else if (r.status === 'verified') await act(w, 'dispatcher', old, 'close');
      else await act(w, 'dispatcher', old, 'escalate', { reason: '需街道协调' });
    }
    expect(rows.length).toBeGreaterThan(1);
    // the light job, as time passes: lights and supervision change, the rollups must not need to
    const lit = await runLightJobOnce(w.db.pool, new Date(Date.now() + 3 * DAY_MS));
    expect(lit.changed).toBeGreaterThan(0);
    expect(await compareEverything()).toBeGreaterThan(100);
  }, 180_000);

  it('a rebuild from cases equals what the triggers kept', async () => {
    await expectRebuildEqualsIncremental();
  }, 60_000);

  it('the endpoints answer from the rollups with the raw numbers', async () => {
    const now = new Date();
    const w30 = periodWindow('30d', now);
    const res = await as(w, 'leader', 'GET', `/api/stats/overview?period=30d&street=${w.home.street}`);
    expect(res.statusCode, res.body).toBe(200);
    const c = await raw.indicatorTotals(w.db.pool, w30.from, w30.to, { level: 'street', code: w.home.street });
    expect(res.json()).toMatchObject({ reported: c.reported, closed: c.closed, dueToClose: c.dueToClose, closedOnTime: c.closedOnTime, openTotal: c.open });
    for (const url of ['/api/stats/streets?period=month', '/api/stats/choropleth?level=grid', `/api/stats/area/${w.home.grid}`, '/api/stats/trend?by=category']) {
      const r = await as(w, 'leader', 'GET', url);
      expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
    }
  });

  it('the light job path never runs the trigger: its WHEN clause reads none of light, next_light_at, supervised', async () => {
    const { rows } = await w.db.pool.query<{ def: string }>(
      `SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = 'cases'::regclass AND tgname = 'cases_rollup_update'`,
    );
    const def = rows[0]!.def;
    expect(def).toMatch(/WHEN/);
    expect(def).not.toMatch(/\blight\b|next_light_at|supervised|version|updated_at/);
  });
});

describe('the literals of migration 023 are the domain constants', () => {
  async function source(fn: string): Promise<string> {
    const { rows } = await w.db.pool.query<{ def: string }>(`SELECT pg_get_functiondef($1::regprocedure) AS def`, [fn]);
    return rows[0]!.def;
  }
  /** The literals of every `status IN (…)` / `status NOT IN (…)` in a function's source. */
  function lists(def: string, op: 'IN' | 'NOT IN'): string[][] {
    const re = new RegExp(`c\\.status ${op} \\(([^)]*)\\)`, 'g');
    return [...def.matchAll(re)].map((m) => [...m[1]!.matchAll(/'([a-z_]+)'/g)].map((v) => v[1]!).sort());
  }

  it('in progress = ACTIVE_STATES; never due = NEVER_DUE_STATES', async () => {
    const flow = await source('rollup_flow_of(cases)');
    expect(lists(flow, 'IN')).toEqual([[...ACTIVE_STATES].sort()]);
    for (const fn of ['rollup_due_of(cases)', 'rollup_trend_of(cases)']) {
      const found = lists(await source(fn), 'NOT IN');
      expect(found.length, fn).toBeGreaterThan(0);
      for (const l of found) expect(l, fn).toEqual([...NEVER_DUE_STATES].sort());
    }
  });

  it('the CST day is CST_TIME_ZONE\'s, and agrees with cstDateKey', async () => {
    expect(/TIME ZONE '([^']+)'/.exec(await source('rollup_day(timestamptz)'))?.[1]).toBe(CST_TIME_ZONE);
    const instants = ['2026-11-19T15:59:59.999Z', '2026-11-19T16:00:00Z', '2026-12-31T23:30:00Z', '2027-02-28T16:00:00Z'].map((s) => new Date(s));
    const { rows } = await w.db.pool.query<{ d: string }>(`SELECT to_char(rollup_day(t), 'YYYY-MM-DD') AS d FROM unnest($1::timestamptz[]) t`, [instants]);
    expect(rows.map((r) => r.d)).toEqual(instants.map((t) => cstDateKey(t)));
  });
});
