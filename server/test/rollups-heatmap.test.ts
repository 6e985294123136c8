/**
 * The heatmap rollups and the coarse trend rollups (migration 024, docs/rollups.md): on a seeded history and after
 * live writes, the hex and grid heatmaps and their scale answered from the rollups equal the raw reference
 * (server/src/modules/stats/heatmap-repository.ts) for whole-day, partial, within-a-day and long windows, every
 * pre-aggregated edge length, all / a major class / a category; a rebuild equals what the triggers kept.
 * (The trends from rollup_trend_dim are compared in server/test/rollups.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, addCstDays, cstDate, cstDateKey, periodWindow } from '@gridcommand/shared/domain';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { seedHistory } from '../src/modules/demo/history.ts';
import * as raw from '../src/modules/stats/heatmap-repository.ts';
import * as rollup from '../src/modules/stats/heatmap-rollup-repository.ts';
import { rebuildRollups } from '../src/modules/stats/rollup-repository.ts';
import { act, as, caseWorld, createCase, type CaseWorld } from './cases-helpers.ts';

let w: CaseWorld;
let categories: (string | null)[];

beforeAll(async () => {
  w = await caseWorld();
  await seedHistory(w.db.pool, { calendar: await getWorkCalendar(w.db.pool), count: 2_000, days: 40, seed: 2_424, now: new Date() });
  const top = (await w.db.pool.query<{ code: string }>(`SELECT category_code AS code FROM cases GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`)).rows[0]!.code;
  categories = [null, top.slice(0, 2), top];
}, 120_000);

afterAll(async () => {
  await w?.close();
});

function windows(): [string, Date, Date][] {
  const now = new Date();
  const day = (n: number) => cstDate(addCstDays(cstDateKey(now), n));
  return [
    ['whole days', day(-12), day(-2)],
    ['partial both ends', new Date(now.getTime() - 7.3 * DAY_MS), new Date(now.getTime() - 1.1 * DAY_MS)],
    ['within one day', new Date(day(-3).getTime() + 2.5 * HOUR_MS), new Date(day(-3).getTime() + 9.25 * HOUR_MS)],
    ['30d', ...Object.values(periodWindow('30d', now))] as [string, Date, Date],
    ['400 days', new Date(now.getTime() - 400 * DAY_MS), now],
    // a whole calendar month and the days around it (the month rows of migration 028 and the day rows)
    ['last month and around it', cstDate(`${addCstDays(cstDateKey(now), -32).slice(0, 8)}01`), day(-1)],
  ];
}

async function compareEverything(): Promise<number> {
  const pool = w.db.pool;
  let n = 0;
  for (const [name, from, to] of windows()) {
    for (const category of categories) {
      const f = { from, to, category, bbox: null };
      for (const km of [0.5, 1, 2, 1.5]) {
        const got = await rollup.rollupHexHeatmap(pool, f, km);
        expect(got, `${name} hex ${km} ${category}`).toEqual(await raw.hexHeatmap(pool, f, km));
        n++;
      }
      expect(await rollup.rollupGridHeatmap(pool, f), `${name} grid ${category}`).toEqual(await raw.gridHeatmap(pool, f));
      n++;
    }
  }
  // the scale's basis: whole CST days (30 before today), and one not on day boundaries (raw)
  const today = startOfToday();
  for (const [from, to] of [[cstDate(addCstDays(cstDateKey(today), -30)), today], [new Date(today.getTime() - 5.5 * DAY_MS), today]] as const) {
    for (const category of categories) {
      for (const km of [0.5, 1, 2]) {
        expect(await rollup.rollupCellDayP99(pool, 'hex', from, to, category, km), `p99 hex ${km} ${category}`).toBe(
          await raw.cellDayP99(pool, 'hex', from, to, category, km),
        );
        n++;
      }
      expect(await rollup.rollupCellDayP99(pool, 'grid', from, to, category, 1), `p99 grid ${category}`).toBe(
        await raw.cellDayP99(pool, 'grid', from, to, category, 1),
      );
      n++;
    }
  }
  return n;
}

function startOfToday(): Date {
  return cstDate(cstDateKey(new Date()));
}

async function rollupRows(): Promise<Record<'hex' | 'month' | 'grid' | 'dim', unknown[]>> {
  const q = async (sql: string) => (await w.db.pool.query(sql)).rows;
  return {
    hex: await q(`SELECT * FROM rollup_heat_hex WHERE n <> 0 ORDER BY cell_m, day, hq, hr, category_code`),
    month: await q(`SELECT * FROM rollup_heat_hex_month WHERE n <> 0 ORDER BY cell_m, month, hq, hr, category_code`),
    grid: await q(`SELECT * FROM rollup_heat_grid WHERE n <> 0 ORDER BY day, grid_code, category_code`),
    dim: await q(`SELECT * FROM rollup_trend_dim WHERE (reported, closed, late) <> (0, 0, 0) ORDER BY dim, day, key`),
  };
}

describe('heatmap rollups', () => {
  it('answer the hex and grid heatmaps and the scale exactly as the raw queries on the seeded history', async () => {
    const rows = await rollupRows();
    expect(rows.hex.length).toBeGreaterThan(0);
    expect(rows.month.length).toBeGreaterThan(0);
    expect(rows.dim.length).toBeGreaterThan(0);
    expect(await compareEverything()).toBeGreaterThan(50);
  }, 120_000);

  it('stay exact after live writes (new cases, a void, a moved and recategorised case) and equal a rebuild', async () => {
    const teamId = (await w.db.pool.query<{ id: number }>("SELECT id FROM team WHERE status = 'available' ORDER BY id LIMIT 1")).rows[0]!.id;
    let a = await createCase(w);
    a = await act(w, 'dispatcher', a, 'file');
    await act(w, 'dispatcher', a, 'dispatch', { teamId });
    const b = await createCase(w, { categoryCode: '01002', source: 'public' });
    await act(w, 'dispatcher', b, 'void', { reason: '误报' });
    // an old case moved by a few hundred metres, recategorised and a day earlier: the update path
    await w.db.pool.query(
      `UPDATE cases SET location = ST_Translate(location, 0.004, 0.003), category_code = '01002', reported_at = reported_at - interval '1 day'
       WHERE id = (SELECT id FROM cases WHERE reported_at < now() - interval '3 days' ORDER BY id LIMIT 1)`,
    );
    const res = await as(w, 'leader', 'GET', '/api/stats/heatmap?mode=hex');
    expect(res.statusCode, res.body).toBe(200);
    expect(await compareEverything()).toBeGreaterThan(50);
    const before = await rollupRows();
    await rebuildRollups(w.db.pool);
    expect(await rollupRows()).toEqual(before);
  }, 180_000);

  it('the endpoints answer from the rollups with the raw numbers', async () => {
    const w30 = periodWindow('30d', new Date());
    const r = await as(w, 'leader', 'GET', `/api/stats/heatmap?mode=grid&from=${w30.from.toISOString()}&to=${w30.to.toISOString()}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().cells).toEqual(await raw.gridHeatmap(w.db.pool, { from: w30.from, to: w30.to, category: null, bbox: null }));
    const s = await as(w, 'leader', 'GET', '/api/stats/heatmap/scale?mode=hex&cellKm=1');
    expect(s.statusCode, s.body).toBe(200);
  });
});
