/**
 * Demo life: the 30-day history is plausible, consistent and told in events a live writer would have written
 * (every one valid against the event vocabulary, each case's row the fold of its events), and the simulator
 * works a real server.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Compile } from 'typebox/compile';
import { CASE_FACT_EVENT_TYPES, LiveEvent, type CaseFacts } from '@gridcommand/shared/schemas';
import { CST_TIME_ZONE, cstCompactDate, escalationLevelOf, lightFor, type CaseClocks, type CaseState, type Light } from '@gridcommand/shared/domain';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { seedHistory, type HistoryResult } from '../src/modules/demo/history.ts';
import { Simulator } from '../src/modules/demo/simulator.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';

const NOW = new Date('2026-11-20T06:30:00Z'); // a Friday, 14:30 in China
const COUNT = 3000;
let db: TestDatabase;
let seeded: HistoryResult;
let events: LiveEvent[];
let cases: Map<number, CaseRowT>;

interface CaseRowT {
  id: number;
  code: string;
  status: CaseState;
  light: Light;
  priority: string;
  source: string;
  category_code: string;
  grid_code: string;
  community_code: string;
  zone_code: string;
  street_code: string;
  lon: number;
  lat: number;
  title: string;
  reported_at: Date;
  team_id: number | null;
  department_code: string | null;
  escalation_level: number;
  supervised: boolean;
  version: number;
  accepted_at: Date | null;
  handled_at: Date | null;
  rework_count: number;
  duplicate_of: number | null;
  void_reason: string | null;
  park_reason: string | null;
  park_review_date: string | null;
  status_before_park: string | null;
  next_light_at: Date | null;
  respond_by: Date;
  respond_warn_at: Date;
  respond_red_at: Date;
  resolve_by: Date;
  resolve_warn_at: Date;
  resolve_red_at: Date;
}

const clocksOf = (r: CaseRowT): CaseClocks => ({
  respondBy: r.respond_by, respondWarnAt: r.respond_warn_at, respondRedAt: r.respond_red_at,
  resolveBy: r.resolve_by, resolveWarnAt: r.resolve_warn_at, resolveRedAt: r.resolve_red_at,
});

/** The facts a screen gets for the row (GET /api/map/open-cases shape). */
function factsOfRow(r: CaseRowT): CaseFacts {
  return {
    id: r.id, code: r.code, status: r.status, light: r.light, priority: r.priority as CaseFacts['priority'],
    source: r.source as CaseFacts['source'], categoryCode: r.category_code, gridCode: r.grid_code,
    communityCode: r.community_code, zoneCode: r.zone_code, streetCode: r.street_code, lon: r.lon, lat: r.lat,
    title: r.title, reportedAt: r.reported_at.toISOString(), resolveBy: r.resolve_by.toISOString(), teamId: r.team_id,
    departmentCode: r.department_code, escalationLevel: escalationLevelOf(r.escalation_level), supervised: r.supervised,
    version: r.version,
  };
}

async function loadCases(pool: pg.Pool): Promise<Map<number, CaseRowT>> {
  const { rows } = await pool.query<CaseRowT>(
    `SELECT id::int, code, status, light, priority, source, category_code, grid_code, community_code, zone_code, street_code,
            ST_X(location) AS lon, ST_Y(location) AS lat, title, reported_at, team_id, department_code, escalation_level,
            supervised, version, accepted_at, handled_at, rework_count, duplicate_of::int, void_reason, park_reason,
            to_char(park_review_date, 'YYYY-MM-DD') AS park_review_date, status_before_park, next_light_at,
            respond_by, respond_warn_at, respond_red_at, resolve_by, resolve_warn_at, resolve_red_at
     FROM cases ORDER BY id`,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** The event rows as the live stream sends them. */
async function loadEvents(pool: pg.Pool): Promise<LiveEvent[]> {
  const { rows } = await pool.query(
    `SELECT id::int, at, v, type, case_id::int AS "caseId", team_id AS "teamId", street_code AS "streetCode",
            from_state AS "fromState", to_state AS "toState", note, ST_X(location) AS lon, ST_Y(location) AS lat, payload
     FROM event ORDER BY id`,
  );
  return rows.map((r) => ({ ...r, at: (r.at as Date).toISOString() }) as LiveEvent);
}

type CaseFactEventT = Extract<LiveEvent, { type: (typeof CASE_FACT_EVENT_TYPES)[number] }>;
const isFactEvent = (e: LiveEvent): e is CaseFactEventT => (CASE_FACT_EVENT_TYPES as readonly string[]).includes(e.type);

beforeAll(async () => {
  db = await testDatabase();
  seeded = await seedHistory(db.pool, { calendar: await getWorkCalendar(db.pool), count: COUNT, now: NOW, seed: 7 });
  expect(seeded.cases).toBe(COUNT);
  [events, cases] = await Promise.all([loadEvents(db.pool), loadCases(db.pool)]);
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

  it('has a plausible mix: most closed and in time, some open and overdue, some escalated, reworked, void and parked', async () => {
    const { rows } = await db.pool.query<{
      total: number; closed: number; in_time: number; overdue: number; open: number; escalated: number; void: number;
      duplicates: number; parked: number; reworked: number; outside: number; sources: number; categories: number;
    }>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE status = 'closed')::int AS closed,
              count(*) FILTER (WHERE status = 'closed' AND handled_at <= resolve_by)::int AS in_time,
              count(*) FILTER (WHERE light IN ('yellow', 'red'))::int AS overdue,
              count(*) FILTER (WHERE status IN ('reported', 'filed', 'dispatched', 'in_progress'))::int AS open,
              count(*) FILTER (WHERE escalation_level > 0)::int AS escalated,
              count(*) FILTER (WHERE status = 'void')::int AS void,
              count(*) FILTER (WHERE duplicate_of IS NOT NULL)::int AS duplicates,
              count(*) FILTER (WHERE status = 'parked')::int AS parked,
              count(*) FILTER (WHERE rework_count > 0)::int AS reworked,
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
    // a district, not a disaster: a few per cent of the month's cases are open, a fraction of those overdue
    expect(r.open / r.total).toBeLessThan(0.12);
    expect(r.overdue / r.total).toBeLessThan(0.03);
    expect(r.overdue).toBeLessThan(r.open);
    expect(r.escalated).toBeGreaterThan(0);
    expect(r.void).toBeGreaterThan(0);
    expect(r.duplicates).toBeGreaterThan(0);
    expect(r.duplicates).toBeLessThanOrEqual(r.void);
    expect(r.parked).toBeGreaterThan(0);
    expect(r.reworked).toBeGreaterThan(0);
    expect(r.sources).toBe(5);
    expect(r.categories).toBeGreaterThan(30);
  });

  it('follows the daily rhythm: far more reports at 10:00 than at 03:00 (China time)', async () => {
    const { rows } = await db.pool.query<{ h: number; n: number }>(
      `SELECT extract(hour FROM reported_at AT TIME ZONE $1)::int AS h, count(*)::int AS n FROM cases GROUP BY 1`,
      [CST_TIME_ZONE],
    );
    const at = (h: number) => rows.find((r) => r.h === h)?.n ?? 0;
    expect(at(10)).toBeGreaterThan(5 * Math.max(1, at(3)));
  });

  it('stores lights that the shared rules give at that instant, and supervises every overdue case', async () => {
    const { rows } = await db.pool.query<{ id: number; open_records: number }>(
      `SELECT c.id::int, (SELECT count(*)::int FROM supervision s WHERE s.case_id = c.id AND s.closed_at IS NULL) AS open_records
       FROM cases c`,
    );
    for (const { id, open_records } of rows) {
      const r = cases.get(id)!;
      expect(r.light).toBe(lightFor({ state: r.status, respondedAt: r.accepted_at, clocks: clocksOf(r) }, NOW));
      const overdue = r.light === 'yellow' || r.light === 'red';
      expect(r.supervised).toBe(overdue);
      expect(open_records).toBe(overdue ? 1 : 0);
      // the light job looks again when the light can next change, never in the past
      if (r.next_light_at) expect(r.next_light_at.getTime()).toBeGreaterThan(NOW.getTime());
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

  it('writes its events in time order, none after now, a few hundred thousand for the full district', () => {
    expect(events.length).toBe(seeded.events);
    // 50,000 cases give a few hundred thousand events; this sample keeps the same ratio
    expect(events.length / COUNT).toBeGreaterThan(5);
    expect(events.length / COUNT).toBeLessThan(15);
    let backwards = 0;
    for (let i = 1; i < events.length; i++) if (events[i]!.at < events[i - 1]!.at) backwards++;
    expect(backwards).toBe(0);
    expect(events.every((e) => e.at <= NOW.toISOString())).toBe(true);
  });

  it('tells it only in events that validate against the event vocabulary', () => {
    const check = Compile(LiveEvent);
    const valid = (e: LiveEvent): boolean => check.Check(e);
    const bad = events.filter((e) => !valid(e)).map((e) => ({ id: e.id, type: e.type, payload: e.payload }));
    expect(bad.slice(0, 3)).toEqual([]);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['case.created', 'case.updated', 'case.escalated', 'case.closed', 'case.light', 'supervision.opened', 'supervision.closed']),
    );
  });

  it('folds to the case rows: the last facts of each case are its row, one version per change', () => {
    const history = new Map<number, CaseFacts[]>();
    const bad: string[] = [];
    for (const e of events) {
      if (!isFactEvent(e)) continue;
      const f = e.payload.case;
      const seen = history.get(f.id) ?? history.set(f.id, []).get(f.id)!;
      const prev = seen.at(-1);
      if (e.caseId !== f.id || e.streetCode !== f.streetCode || e.lon !== f.lon || e.lat !== f.lat) bad.push(`${e.id}: envelope`);
      if (e.toState !== f.status) bad.push(`${e.id}: to ${e.toState} but the facts say ${f.status}`);
      if (!prev) {
        if (e.type !== 'case.created' || f.version !== 1) bad.push(`${e.id}: starts with ${e.type} v${f.version}`);
      } else if (e.type === 'case.light' && f.version === prev.version) {
        // the light change an action brought: the same step, the same facts; the light it left is the one before
        if (JSON.stringify(f) !== JSON.stringify(prev)) bad.push(`${e.id}: light facts differ from its action's`);
        if (e.payload.from !== seen.at(-2)?.light || e.payload.to !== f.light) bad.push(`${e.id}: light ${e.payload.from} → ${e.payload.to}`);
      } else {
        if (f.version !== prev.version + 1) bad.push(`${e.id}: v${prev.version} → v${f.version}`);
        if (e.fromState !== prev.status) bad.push(`${e.id}: from ${e.fromState} but was ${prev.status}`);
        if (e.type === 'case.light' && (e.payload.from !== prev.light || e.payload.to !== f.light)) bad.push(`${e.id}: light ${e.payload.from} → ${e.payload.to}`);
      }
      seen.push(f);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(history.size).toBe(cases.size);
    for (const [id, row] of cases) expect(history.get(id)!.at(-1), `case ${id}`).toEqual(factsOfRow(row));
  });

  it('records each stage as the rules do: rework, escalation, void and park fields match the events', () => {
    const byCase = new Map<number, CaseFactEventT[]>();
    for (const e of events) if (isFactEvent(e)) (byCase.get(e.caseId!) ?? byCase.set(e.caseId!, []).get(e.caseId!)!).push(e);
    const actions = (id: number) => byCase.get(id)!.flatMap((e) => ('action' in e.payload ? [e.payload] : []));
    for (const [id, r] of cases) {
      const a = actions(id);
      expect(a.filter((p) => p.action === 'verify_fail').length, `case ${id}`).toBe(r.rework_count);
      expect(a.filter((p) => p.action === 'escalate').length, `case ${id}`).toBe(r.escalation_level);
      for (const p of a.filter((x) => x.action === 'escalate')) expect(p.escalation).toBeDefined();
      if (r.status === 'void') {
        const v = a.find((p) => p.action === 'void')!;
        expect(v.reason).toBe(r.void_reason);
        expect(v.duplicateOf ?? null).toBe(r.duplicate_of);
        if (r.duplicate_of !== null) {
          const of = cases.get(r.duplicate_of)!;
          expect(of.id).toBeLessThan(id);
          expect([of.category_code, of.community_code]).toEqual([r.category_code, r.community_code]);
        }
      }
      if (r.status === 'parked') {
        const p = a.findLast((x) => x.action === 'park')!;
        expect([p.reason, p.reviewDate]).toEqual([r.park_reason, r.park_review_date]);
        expect(r.status_before_park).toBe('in_progress');
        expect(r.park_review_date! > NOW.toISOString().slice(0, 10)).toBe(true);
      }
      if (r.status !== 'reported' && r.status !== 'void') {
        const d = a.find((p) => p.action === 'dispatch');
        if (d) expect(d.case.departmentCode).toBe(r.department_code);
      }
    }
    expect([...cases.values()].some((r) => r.status !== 'parked' && actions(r.id).some((p) => p.action === 'unpark'))).toBe(true);
  });

  it('changes lights as time passes exactly when the shared rules say', async () => {
    const { rows } = await db.pool.query<{ id: number }>(`SELECT id::int FROM event WHERE type = 'case.light' AND actor_role = 'system'`);
    const byTime = new Set(rows.map((r) => r.id));
    let checked = 0;
    for (const e of events) {
      if (e.type !== 'case.light' || !byTime.has(e.id)) continue;
      const r = cases.get(e.caseId!)!;
      const at = new Date(e.at);
      const respondedAt = r.accepted_at && r.accepted_at <= at ? r.accepted_at : null;
      const input = { state: e.payload.case.status, respondedAt, clocks: clocksOf(r) };
      expect(lightFor(input, at), `event ${e.id}`).toBe(e.payload.to);
      expect(lightFor(input, new Date(at.getTime() - 1)), `event ${e.id}`).toBe(e.payload.from);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    // and by actions: answering clears the unanswered case's respond clock, handling clears the light
    const byAction = events.filter((e) => e.type === 'case.light' && !byTime.has(e.id));
    expect(byAction.some((e) => e.type === 'case.light' && e.payload.to === 'none')).toBe(true);
  });

  it('opens and closes supervision records as the lights say, named by the events', async () => {
    const { rows } = await db.pool.query<{ id: number; case_id: number; notice_no: string; level: string; opened_at: Date; closed_at: Date | null; close_note: string | null }>(
      `SELECT id::int, case_id::int, notice_no, level, opened_at, closed_at, close_note FROM supervision ORDER BY id`,
    );
    expect(rows.length).toBe(seeded.supervision);
    expect(rows.length).toBeLessThan(COUNT * 0.25);
    const opened = new Map<number, LiveEvent>();
    const closed = new Map<number, LiveEvent>();
    for (const e of events) {
      if (e.type === 'supervision.opened') opened.set(e.payload.supervisionId, e);
      if (e.type === 'supervision.closed') closed.set(e.payload.supervisionId, e);
    }
    let previous = 0;
    for (const s of rows) {
      const o = opened.get(s.id)!;
      expect(o, `record ${s.id}`).toBeDefined();
      expect(o.payload).toEqual({ supervisionId: s.id, noticeNo: s.notice_no, level: s.level });
      expect([o.caseId, o.at]).toEqual([s.case_id, s.opened_at.toISOString()]);
      expect(s.notice_no).toMatch(new RegExp(`^DB${cstCompactDate(s.opened_at)}-\\d{4,}$`));
      expect(s.opened_at.getTime()).toBeGreaterThanOrEqual(previous); // numbered in the order they were opened
      previous = s.opened_at.getTime();
      const c = closed.get(s.id);
      if (s.closed_at) {
        expect([c?.at, c?.note]).toEqual([s.closed_at.toISOString(), s.close_note]);
      } else {
        expect(c).toBeUndefined();
        expect(cases.get(s.case_id)!.supervised).toBe(true);
      }
    }
    expect(opened.size).toBe(rows.length);
    const supervisedCases = [...cases.values()].filter((r) => r.supervised).map((r) => r.id).sort((a, b) => a - b);
    const withOpenRecord = [...new Set(rows.filter((s) => !s.closed_at).map((s) => s.case_id))].sort((a, b) => a - b);
    expect(withOpenRecord).toEqual(supervisedCases);
    expect(rows.some((s) => s.level === 'red')).toBe(true);
    expect(rows.some((s) => s.closed_at !== null)).toBe(true);
  });

  it('is deterministic for a seed and leaves an existing history alone', async () => {
    const again = await seedHistory(db.pool, { calendar: await getWorkCalendar(db.pool), count: 10, now: NOW, seed: 7 });
    expect(again.cases).toBe(0);
    const other = await testDatabase();
    try {
      await seedHistory(other.pool, { calendar: await getWorkCalendar(other.pool), count: COUNT, now: NOW, seed: 7 });
      const [a, b] = await Promise.all([historyHash(db.pool), historyHash(other.pool)]);
      expect(a).toEqual(b);
    } finally {
      await other.drop();
    }
  });

  it('loads the same history for an account that is not a superuser (foreign keys checked)', async () => {
    const role = `hb_seed_${crypto.randomBytes(4).toString('hex')}`;
    const plain = await testDatabase();
    const su = await testDatabase();
    const admin = new pg.Client({ connectionString: plain.adminUrl });
    await admin.connect();
    let pool: pg.Pool | null = null;
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN`);
      await plain.pool.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
      const url = new URL(plain.url);
      url.username = role;
      url.password = '';
      pool = createPool(url.toString(), 2);
      const calendar = await getWorkCalendar(su.pool);
      const [r1, r2] = [
        await seedHistory(pool, { calendar, count: 400, now: NOW, seed: 11 }),
        await seedHistory(su.pool, { calendar, count: 400, now: NOW, seed: 11 }),
      ];
      expect(r1).toMatchObject({ cases: r2.cases, events: r2.events, supervision: r2.supervision });
      expect(await historyHash(plain.pool)).toEqual(await historyHash(su.pool));
    } finally {
      await pool?.end();
      await plain.drop();
      await su.drop();
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
      await admin.end();
    }
  });
});

async function historyHash(pool: pg.Pool): Promise<Record<string, string>> {
  const { rows } = await pool.query(
    `SELECT (SELECT md5(string_agg(concat_ws('|', id, code, grid_code, status, light, category_code, version, supervised, next_light_at), ',' ORDER BY id)) FROM cases) AS cases,
            (SELECT md5(string_agg(concat_ws('|', id, at, type, case_id, actor_role, from_state, to_state, note, payload::text), ',' ORDER BY id)) FROM event) AS events,
            (SELECT md5(string_agg(concat_ws('|', id, case_id, notice_no, level, opened_at, closed_at, close_note), ',' ORDER BY id)) FROM supervision) AS supervision`,
  );
  return rows[0];
}

describe('simulator', () => {
  it('reports and works cases through the API of a real server', async () => {
    const sdb = await testDatabase();
    await seedDemoUsers(sdb.pool, 'sim-password');
    const app = await buildApp({ config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000 }, pool: sdb.pool });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const sim = new Simulator({
      baseUrl: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
      rate: 8,
      speed: 3000, // fifty simulated minutes a second: the first steps come within seconds
      password: 'sim-password',
      seed: 3,
    });
    try {
      await sim.start();
      const deadline = Date.now() + 30_000;
      while ((sim.stats.created < 10 || sim.stats.actions < 10) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    } finally {
      await sim.stop();
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
