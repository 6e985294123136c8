/** Demo life: the 30-day history is plausible and consistent, and the simulator works a real server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lightFor, type CaseState } from '@gridcommand/shared/domain';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { seedHistory } from '../src/modules/demo/history.ts';
import { Simulator } from '../src/modules/demo/simulator.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';

const NOW = new Date('2026-11-20T06:30:00Z'); // a Friday, 14:30 in China
let db: TestDatabase;

beforeAll(async () => {
  db = await testDatabase();
  const r = await seedHistory(db.pool, { calendar: await getWorkCalendar(db.pool), count: 3000, now: NOW, seed: 7 });
  expect(r.cases).toBe(3000);
});
afterAll(async () => db?.drop());

describe('demo history', () => {
  it('puts every case inside the grid, community, zone and street it is filed under', async () => {
    const { rows } = await db.pool.query<{ bad: number }>(
      `SELECT count(*)::int AS bad FROM cases c JOIN area g ON g.code = c.grid_code
       WHERE NOT ST_Intersects(g.geom, c.location) OR g.community_code <> c.community_code
          OR g.zone_code <> c.zone_code OR g.street_code <> c.street_code`,
    );
    expect(rows[0]!.bad).toBe(0);
  });

  it('has a plausible mix: most closed and in time, some open and overdue, some escalated, void and parked', async () => {
    const { rows } = await db.pool.query<{ total: number; closed: number; in_time: number; overdue: number; escalated: number; void: number; outside: number; sources: number; categories: number }>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE status = 'closed')::int AS closed,
              count(*) FILTER (WHERE status = 'closed' AND handled_at <= resolve_by)::int AS in_time,
              count(*) FILTER (WHERE light IN ('yellow', 'red'))::int AS overdue,
              count(*) FILTER (WHERE escalation_level > 0)::int AS escalated,
              count(*) FILTER (WHERE status = 'void')::int AS void,
              count(*) FILTER (WHERE reported_at > $1::timestamptz OR reported_at < $1::timestamptz - interval '31 days')::int AS outside,
              count(DISTINCT source)::int AS sources, count(DISTINCT category_code)::int AS categories
       FROM cases`,
      [NOW],
    );
    const r = rows[0]!;
    expect(r.outside).toBe(0);
    expect(r.closed / r.total).toBeGreaterThan(0.75);
    expect(r.in_time / r.closed).toBeGreaterThan(0.85);
    expect(r.overdue).toBeGreaterThan(0);
    expect(r.escalated).toBeGreaterThan(0);
    expect(r.void).toBeGreaterThan(0);
    expect(r.sources).toBe(5);
    expect(r.categories).toBeGreaterThan(30);
  });

  it('follows the daily rhythm: far more reports at 10:00 than at 03:00 (China time)', async () => {
    const { rows } = await db.pool.query<{ h: number; n: number }>(
      `SELECT extract(hour FROM reported_at AT TIME ZONE 'Asia/Shanghai')::int AS h, count(*)::int AS n FROM cases GROUP BY 1`,
    );
    const at = (h: number) => rows.find((r) => r.h === h)?.n ?? 0;
    expect(at(10)).toBeGreaterThan(5 * Math.max(1, at(3)));
  });

  it('stores lights that the shared rules give at that instant, and supervises every overdue case', async () => {
    const { rows } = await db.pool.query<{
      status: CaseState; light: string; accepted_at: Date | null; supervised: boolean; open_records: number;
      respond_by: Date; respond_warn_at: Date; respond_red_at: Date; resolve_by: Date; resolve_warn_at: Date; resolve_red_at: Date;
    }>(
      `SELECT status, light, accepted_at, supervised, respond_by, respond_warn_at, respond_red_at, resolve_by, resolve_warn_at, resolve_red_at,
              (SELECT count(*)::int FROM supervision s WHERE s.case_id = c.id AND s.closed_at IS NULL) AS open_records
       FROM cases c`,
    );
    for (const r of rows) {
      const expected = lightFor(
        {
          state: r.status,
          respondedAt: r.accepted_at,
          clocks: {
            respondBy: r.respond_by, respondWarnAt: r.respond_warn_at, respondRedAt: r.respond_red_at,
            resolveBy: r.resolve_by, resolveWarnAt: r.resolve_warn_at, resolveRedAt: r.resolve_red_at,
          },
        },
        NOW,
      );
      expect(r.light).toBe(expected);
      const overdue = r.light === 'yellow' || r.light === 'red';
      expect(r.supervised).toBe(overdue);
      expect(r.open_records).toBe(overdue ? 1 : 0);
    }
  });

  it('has a timeline for every case that starts with its report and moves forward in time', async () => {
    const { rows } = await db.pool.query<{ missing: number; backwards: number }>(
      `SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.case_id = c.id AND e.type = 'case.created' AND e.at = c.reported_at))::int AS missing,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM event e WHERE e.case_id = c.id AND e.at < c.reported_at))::int AS backwards
       FROM cases c`,
    );
    expect(rows[0]).toEqual({ missing: 0, backwards: 0 });
    const closedWithoutEvent = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM cases c WHERE status = 'closed'
       AND NOT EXISTS (SELECT 1 FROM event e WHERE e.case_id = c.id AND e.type = 'case.closed')`,
    );
    expect(closedWithoutEvent.rows[0]!.n).toBe(0);
  });

  it('is deterministic for a seed and leaves an existing history alone', async () => {
    const again = await seedHistory(db.pool, { calendar: await getWorkCalendar(db.pool), count: 10, now: NOW, seed: 7 });
    expect(again.cases).toBe(0);
    const other = await testDatabase();
    try {
      await seedHistory(other.pool, { calendar: await getWorkCalendar(other.pool), count: 3000, now: NOW, seed: 7 });
      const q = `SELECT md5(string_agg(code || grid_code || status || light || category_code, ',' ORDER BY code)) AS h FROM cases`;
      const [a, b] = await Promise.all([db.pool.query(q), other.pool.query(q)]);
      expect(a.rows[0].h).toBe(b.rows[0].h);
    } finally {
      await other.drop();
    }
  });
});

describe('simulator', () => {
  it('reports and works cases through the API of a real server', async () => {
    const sdb = await testDatabase();
    await seedDemoUsers(sdb.pool, 'sim-password');
    const app = await buildApp({ config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000 }, pool: sdb.pool });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const sim = new Simulator({
      baseUrl: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
      rate: 8,
      password: 'sim-password',
      seed: 3,
    });
    try {
      await sim.start();
      const deadline = Date.now() + 30_000;
      while ((sim.stats.created < 10 || sim.stats.actions < 10) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    } finally {
      sim.stop();
    }
    try {
      expect(sim.stats.errors).toBe(0);
      expect(sim.stats.created).toBeGreaterThanOrEqual(10);
      expect(sim.stats.actions).toBeGreaterThanOrEqual(10);
      const { rows } = await sdb.pool.query<{ n: number; moved: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE status <> 'reported')::int AS moved FROM cases`,
      );
      expect(rows[0]!.n).toBeGreaterThanOrEqual(10);
      expect(rows[0]!.moved).toBeGreaterThan(0);
    } finally {
      await new Promise((r) => setTimeout(r, 500)); // requests in flight settle before the database goes
      await app.close();
      await sdb.drop();
    }
  });
});
