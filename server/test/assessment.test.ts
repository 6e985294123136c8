/**
 * The monthly assessment (/api/assessment, docs/assessment.md) on a hand-computed February 2026 (28 days: 8 visits
 * and 4 reports expected) for the demo worker W, a colleague W2 on a long sick leave covered by W, and the head H
 * of their community answering for its vacant grids. The sheet must equal the hand-computed numbers and the domain's
 * scorePost on the same measures; plus closing, roles, scoping, bad input, the workbook and the worker's own routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_WEIGHTS, emptyMeasures, scorePost } from '@gridcommand/shared/domain';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { PASSWORD, login, sessionCookie } from './cases-helpers.ts';

const NOW = new Date('2026-03-05T10:00:00+08:00');
const cst = (d: string, t = '10:00') => new Date(`${d}T${t}:00+08:00`);

interface World {
  db: TestDatabase;
  app: FastifyInstance;
  cookies: Record<string, string>;
  w: number;
  w2: number;
  head: number;
  gA: string;
  g2: string;
  g3: string;
  street: string;
  community: string;
  otherStreet: string;
  district: string;
}
let x: World;

async function req(method: 'GET' | 'POST' | 'PUT', url: string, as: string, payload?: unknown) {
  return x.app.inject({ method, url, headers: { cookie: x.cookies[as]!, 'x-gc-csrf': '1' }, ...(payload === undefined ? {} : { payload: payload as object }) });
}
async function json(url: string, as = 'leader') {
  const r = await req('GET', url, as);
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
  return r.json();
}

beforeAll(async () => {
  const db = await testDatabase();
  const pool = db.pool;
  await seedDemoUsers(pool, PASSWORD);
  const { rows: [wk] } = await pool.query<{ id: number; grids: string[] }>(`SELECT id, grid_codes AS grids FROM app_user WHERE username = 'worker'`);
  const gA = wk!.grids[0]!;
  const { rows: [home] } = await pool.query<{ community: string; street: string }>(`SELECT community_code AS community, street_code AS street FROM area WHERE code = $1`, [gA]);
  const { rows: others } = await pool.query<{ code: string }>(
    `SELECT code FROM area WHERE level = 'grid' AND community_code = $1 AND code <> ALL($2::text[]) ORDER BY code`,
    [home!.community, wk!.grids],
  );
  expect(others.length, 'the demo community has at least two grids besides the worker’s').toBeGreaterThanOrEqual(2);
  const g2 = others[0]!.code;
  const g3 = others[1]!.code;
  // W2 holds g2 and every other grid of the community but g3, so g3 is the one vacancy
  const rest = others.slice(2).map((o) => o.code);
  const ins = async (username: string, name: string, role: string, grids: string[], unit: string) =>
    (await pool.query<{ id: number }>(
      `INSERT INTO app_user (username, display_name, role, password_hash, grid_codes, unit_code) VALUES ($1, $2, $3, 'x', $4, $5) RETURNING id`,
      [username, name, role, grids, unit],
    )).rows[0]!.id;
  const w2 = await ins('w2', '网格员乙', 'worker', [g2, ...rest], home!.community);
  const head = await ins('head', '社区书记', 'leader', [], home!.community);
  const { rows: [other] } = await pool.query<{ code: string }>(`SELECT code FROM area WHERE level = 'street' AND code <> $1 ORDER BY code LIMIT 1`, [home!.street]);
  const { rows: [cat] } = await pool.query<{ code: string }>(`SELECT code FROM category ORDER BY code LIMIT 1`);

  const W = wk!.id;
  // visits: W 6 in gA, 8 in g2 (covering W2); one in January that does not count
  for (const d of ['02-02', '02-04', '02-09', '02-11', '02-24', '02-26']) await pool.query(`INSERT INTO household_visit (user_id, visit_date, household, grid_code) VALUES ($1, $2, 'h', $3)`, [W, `2026-${d}`, gA]);
  for (let i = 0; i < 8; i++) await pool.query(`INSERT INTO household_visit (user_id, visit_date, household, grid_code) VALUES ($1, $2, 'h', $3)`, [W, `2026-02-${String(2 + i * 3).padStart(2, '0')}`, g2]);
  await pool.query(`INSERT INTO household_visit (user_id, visit_date, household, grid_code) VALUES ($1, '2026-01-30', 'h', $2)`, [W, gA]);
  const duty = (kind: string, grid: string, occurred: string, recorded: Date, subject: string) =>
    pool.query(`INSERT INTO duty_record (user_id, kind, grid_code, occurred_on, recorded_at, subject) VALUES ($1, $2, $3, $4, $5, $6)`, [W, kind, grid, occurred, recorded, subject]);
  // information changes: 3 within 5 working days, 1 after 7
  await duty('info_update', gA, '2026-02-02', cst('2026-02-03'), 'a');
  await duty('info_update', gA, '2026-02-02', cst('2026-02-06'), 'b');
  await duty('info_update', gA, '2026-02-03', cst('2026-02-10'), 'c');
  await duty('info_update', gA, '2026-02-02', cst('2026-02-11'), 'd');
  // renters: R1–R5 met in December and January, R1 and R2 again in February: 2 of 5
  for (const [d, s] of [['2025-12-10', 'R1'], ['2025-12-11', 'R2'], ['2026-01-05', 'R3'], ['2026-01-06', 'R4'], ['2026-01-07', 'R5'], ['2026-02-03', 'R1'], ['2026-02-05', ' r2 ']] as const) {
    await duty('renter_meeting', gA, d, cst(d), s);
  }
  // newcomers: arrived 01-10 registered 02-05 (on time), arrived 01-02 registered 02-12 (late)
  await duty('newcomer', gA, '2026-01-10', cst('2026-02-05'), 'n1');
  await duty('newcomer', gA, '2026-01-02', cst('2026-02-12'), 'n2');
  // cases in gA in February: W's own report, two others, one from the public (1 missed of 4); in g3: 2, one public
  // (inserted with the rollups of a later migration deferred, where it has them: these tests read no rollup)
  const kase = async (code: string, grid: string, source: string, reported: Date, reporter: number | null, handled: Date | null = null) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('gc.rollup_defer', 'on', true)`);
      const id = (await client.query<{ id: number }>(
      `INSERT INTO cases (code, source, category_code, priority, title, location, grid_code, community_code, zone_code, street_code,
                          status, reported_at, respond_by, resolve_by, handled_at, reporter_user_id)
       SELECT $1, $2, $3, 'normal', 't', a.label_point, a.code, a.community_code, a.zone_code, a.street_code,
              'reported', $4, $4::timestamptz + interval '1 day', $4::timestamptz + interval '5 days', $5, $6
         FROM area a WHERE a.code = $7 RETURNING id::int`,
      [code, source, cat!.code, reported, handled, reporter, grid],
      )).rows[0]!.id;
      await client.query('COMMIT');
      return id;
    } finally {
      client.release();
    }
  };
  await kase('AS-1', gA, 'grid_worker', cst('2026-02-03'), W);
  await kase('AS-2', gA, 'department', cst('2026-02-04'), null);
  await kase('AS-3', gA, 'sensor', cst('2026-02-05'), null);
  await kase('AS-4', gA, 'public', cst('2026-02-06'), null);
  await kase('AS-5', g3, 'public', cst('2026-02-07'), null);
  await kase('AS-6', g3, 'sensor', cst('2026-02-08'), null);
  // a case of January handled 02-10, verified by W 02-12: late
  const old = await kase('AS-7', gA, 'sensor', cst('2026-01-20'), null, cst('2026-02-10'));
  await pool.query(`INSERT INTO verification (case_id, user_id, at, result, flagged) VALUES ($1, $2, $3, 'pass', false)`, [old, W, cst('2026-02-12')]);
  // W's recorded scores of December and January: below 80 both
  const { rows: [admin] } = await pool.query<{ id: number }>(`SELECT id FROM app_user WHERE username = 'admin'`);
  for (const [m, s] of [['2025-12', 70], ['2026-01', 75]] as const) {
    await pool.query(
      `INSERT INTO assessment_result (month, user_id, payee_id, kind, score, share, yuan, consequence, details, unit_code, closed_by)
       VALUES ($1, $2, $2, 'staff', $3, 0.7, 280, 'none', '{}', $4, $5)`,
      [m, W, s, home!.street, admin!.id],
    );
  }

  const app = await buildApp({ config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000 }, pool, now: () => NOW });
  const cookies: Record<string, string> = {};
  for (const u of ['admin', 'leader', 'dispatcher', 'worker', 'street']) cookies[u] = sessionCookie(await login(app, u));
  x = { db, app, cookies, w: W, w2, head, gA, g2, g3, street: home!.street, community: home!.community, otherStreet: other!.code, district: gA.slice(0, 6) };
});

afterAll(async () => {
  await x?.app.close();
  await x?.db.drop();
});

const rowOf = (sheet: any, id: number) => sheet.rows.find((r: any) => r.subjectId === id);

describe('the February sheet', () => {
  it('records a leave set by a leader (W2, 37 days, covered by W)', async () => {
    const r = await req('POST', '/api/assessment/leaves', 'leader', { userId: x.w2, coverUserId: x.w, from: '2026-01-20', to: '2026-02-25', note: '病假' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ userId: x.w2, coverUserId: x.w, from: '2026-01-20', to: '2026-02-25' });
    expect((await req('POST', '/api/assessment/leaves', 'worker', { userId: x.w2, from: '2026-01-20', to: '2026-02-25' })).statusCode).toBe(403);
    expect((await req('POST', '/api/assessment/leaves', 'leader', { userId: x.w2, from: '2026-02-20', to: '2026-02-10' })).statusCode).toBe(400);
    const list = await json('/api/assessment/leaves?month=2026-02');
    expect(list.items.map((l: any) => l.userId)).toContain(x.w2);
  });

  it('W: hand-computed points, 54.75, 280 yuan, probation after three months below 80', async () => {
    const sheet = await json(`/api/assessment?month=2026-02&unit=${x.community}`);
    expect(sheet.days).toBe(28);
    expect(sheet.closed).toBe(false);
    const r = rowOf(sheet, x.w);
    expect(r.lines.map((l: any) => [l.duty, l.done, l.of, l.points])).toEqual([
      ['visits', 6, 8, 22.5],
      ['infoUpdates', 3, 4, 11.25],
      ['renterMeetings', 2, 5, 6],
      ['newcomers', 1, 2, 5],
      ['reports', 1, 4, 2.5],
      ['onTimeVerification', 0, 1, 0],
      ['missedReports', 1, 4, 7.5],
    ]);
    expect([r.total, r.share, r.yuan, r.consequence, r.previous, r.payeeId]).toEqual([54.75, 0.7, 280, 'probation', [70, 75], x.w]);
    // the same as the domain on the same measures
    const m = { ...emptyMeasures(28), visits: 6, infoUpdates: { total: 4, onTime: 3 }, renters: { known: 5, met: 2 }, newcomers: { total: 2, onTime: 1 }, reports: 1, verifications: { total: 1, onTime: 0 }, cases: { total: 4, public: 1 } };
    const d = scorePost('staff', m, DEFAULT_WEIGHTS.staff, [70, 75]);
    expect({ lines: r.lines, total: r.total, yuan: r.yuan, consequence: r.consequence }).toEqual({ lines: d.lines, total: d.total, yuan: d.yuan, consequence: d.consequence });
  });

  it('W2 on a long leave: the post is scored on W’s work in its grids and W gets the bonus', async () => {
    const sheet = await json(`/api/assessment?month=2026-02&unit=${x.community}`);
    const r = rowOf(sheet, x.w2);
    expect([r.payeeId, r.payeeName]).toEqual([x.w, expect.stringContaining('网格员')]);
    // visits 8/8 → 30, nothing else recorded (full marks where nothing was due), reports 0/4 → 0: 90 → 100 %
    expect(r.lines.find((l: any) => l.duty === 'visits').points).toBe(30);
    expect([r.total, r.share, r.yuan]).toEqual([90, 1, 400]);
  });

  it('the vacant grid g3 is the head’s: 2 cases there, 1 missed', async () => {
    const sheet = await json(`/api/assessment?month=2026-02&unit=${x.community}`);
    const r = rowOf(sheet, x.head);
    expect(r.kind).toBe('head');
    expect(r.grids).toEqual([x.g3]);
    expect(r.maxScore).toBe(120);
    const missed = r.lines.find((l: any) => l.duty === 'missedReports');
    expect([missed.done, missed.of, missed.points]).toEqual([1, 2, 6]);
    // visits 0, reports 0; info 18, renters 18, newcomers 12, verification 12, missed 6
    expect([r.total, r.share, r.yuan]).toEqual([66, 0.7, 350]);
    expect(sheet.unassignedGrids).toEqual([]);
  });

  it('the district answer: points and fulfilment per duty instead of the lines (detail=true: the lines)', async () => {
    const brief = await json(`/api/assessment?month=2026-02&unit=${x.district}`);
    const w = rowOf(brief, x.w);
    expect(w.lines).toBeUndefined();
    expect([w.points, w.total, w.yuan]).toEqual([[22.5, 11.25, 6, 5, 2.5, 0, 7.5], 54.75, 280]);
    expect(w.fulfilment).toEqual([0.75, 0.75, 0.4, 0.5, 0.25, 0, 0.75]);
    const full = await json(`/api/assessment?month=2026-02&unit=${x.district}&detail=true`);
    expect(rowOf(full, x.w).lines.map((l: any) => l.points)).toEqual(w.points);
    expect(rowOf(await json(`/api/assessment?month=2026-02&unit=${x.community}&detail=false`), x.w).points).toEqual(w.points);
  });

  it('the workbook holds the same numbers, one worksheet per street', async () => {
    const r = await req('GET', `/api/assessment.xlsx?month=2026-02&unit=${x.street}`, 'leader');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.length).toBe(1);
    const ws = wb.worksheets[0]!;
    const head = (ws.getRow(2).values as unknown[]).slice(1);
    expect(head).toContain('总分');
    const rows = ws.getSheetValues().slice(3).map((v) => (v as unknown[]).slice(1));
    const w = rows.find((v) => v[3] === '网格员' && v[4] === '' && v[head.indexOf('总分')] === 54.75);
    expect(w, JSON.stringify(rows.slice(0, 5))).toBeDefined();
    expect(w![head.indexOf('奖金 (元)')]).toBe(280);
    expect(w![head.indexOf('处理')]).toBe('留岗查看');
  });
});

describe('roles and scope', () => {
  it('a worker may not read the sheet', async () => {
    expect((await req('GET', '/api/assessment?month=2026-02', 'worker')).statusCode).toBe(403);
  });
  it('a street desk sees its own street only', async () => {
    const mine = await json('/api/assessment?month=2026-02', 'street');
    expect(mine.unit.code).toBe(x.street);
    expect(mine.rows.length).toBeGreaterThan(0);
    expect(mine.rows.every((r: any) => r.streetCode === x.street)).toBe(true);
    expect((await req('GET', `/api/assessment?month=2026-02&unit=${x.otherStreet}`, 'street')).statusCode).toBe(403);
    expect((await req('GET', `/api/assessment?month=2026-02&unit=${x.district}`, 'street')).statusCode).toBe(403);
  });
  it('bad month 400, future month 400, unknown unit 404, a grid is no unit', async () => {
    expect((await req('GET', '/api/assessment?month=2026-13', 'leader')).statusCode).toBe(400);
    expect((await req('GET', '/api/assessment?month=2026-04', 'leader')).statusCode).toBe(400);
    expect((await req('GET', '/api/assessment?month=2026-02&unit=999999999', 'leader')).statusCode).toBe(404);
    expect((await req('GET', `/api/assessment?month=2026-02&unit=${x.gA}`, 'leader')).statusCode).toBe(404);
    expect((await req('GET', '/api/assessment?month=2026-02&extra=1', 'leader')).statusCode).toBe(400);
  });
});

describe('closing the month and the weights', () => {
  it('a leader closes February once (201, then 409); a dispatcher may not', async () => {
    expect((await req('POST', '/api/assessment/close', 'dispatcher', { month: '2026-02', unit: x.community })).statusCode).toBe(403);
    const r = await req('POST', '/api/assessment/close', 'leader', { month: '2026-02', unit: x.community });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().rows).toBeGreaterThanOrEqual(3);
    expect((await req('POST', '/api/assessment/close', 'leader', { month: '2026-02', unit: x.community })).statusCode).toBe(409);
    const sheet = await json(`/api/assessment?month=2026-02&unit=${x.community}`);
    expect(sheet.closed).toBe(true);
    expect(rowOf(sheet, x.w)).toMatchObject({ total: 54.75, recorded: true, consequence: 'probation' });
    const { rows } = await x.db.pool.query(`SELECT action FROM audit_log WHERE action = 'assessment.closed'`);
    expect(rows.length).toBe(1);
  });

  it('weights: admin only, totals must be the maximum, a closed month keeps its numbers', async () => {
    const ok = { head: DEFAULT_WEIGHTS.head, staff: { ...DEFAULT_WEIGHTS.staff, visits: 20, reports: 20 } };
    expect((await req('PUT', '/api/assessment/weights', 'leader', ok)).statusCode).toBe(403);
    expect((await req('PUT', '/api/assessment/weights', 'admin', { ...ok, staff: { ...ok.staff, visits: 19 } })).statusCode).toBe(400);
    expect((await req('PUT', '/api/assessment/weights', 'admin', { ...ok, staff: { ...ok.staff, visits: -1, reports: 41 } })).statusCode).toBe(400);
    const r = await req('PUT', '/api/assessment/weights', 'admin', ok);
    expect(r.statusCode, r.body).toBe(200);
    expect((await json('/api/assessment/weights')).staff.visits).toBe(20);
    expect(rowOf(await json(`/api/assessment?month=2026-02&unit=${x.community}`), x.w).total).toBe(54.75);
    // March is open: visits weigh 20 now
    const march = rowOf(await json(`/api/assessment?month=2026-03&unit=${x.community}`), x.w);
    expect(march.lines.find((l: any) => l.duty === 'visits').weight).toBe(20);
    expect(march.recorded).toBe(false);
  });
});

describe("the worker's side", () => {
  it('records a duty in an own grid (201), not in another (403)', async () => {
    const r = await req('POST', '/api/field/duties', 'worker', { kind: 'info_update', gridCode: x.gA, occurredOn: '2026-03-02', subject: '张三户 电话变更' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ kind: 'info_update', onTime: true });
    expect((await req('POST', '/api/field/duties', 'worker', { kind: 'newcomer', gridCode: x.g3, occurredOn: '2026-03-02', subject: 'x' })).statusCode).toBe(403);
    expect((await req('POST', '/api/field/duties', 'worker', { kind: 'newcomer', gridCode: x.gA, occurredOn: '2026-03-09', subject: 'x' })).statusCode).toBe(400);
    expect((await req('POST', '/api/field/duties', 'leader', { kind: 'newcomer', gridCode: x.gA, occurredOn: '2026-03-02', subject: 'x' })).statusCode).toBe(403);
    const list = await json('/api/field/duties?month=2026-03', 'worker');
    expect(list.items.map((i: any) => i.subject)).toEqual(['张三户 电话变更']);
  });

  it('my score: my post and the one I cover; in the open month what is missing', async () => {
    const feb = await json('/api/field/me/score?month=2026-02', 'worker');
    expect(feb.rows.map((r: any) => r.subjectId).sort()).toEqual([x.w, x.w2].sort());
    expect(feb.missing).toEqual([]);
    const mar = await json('/api/field/me/score', 'worker');
    expect(mar.month).toBe('2026-03');
    expect(mar.weekVisits).toBe(0);
    expect(mar.missing[0]).toEqual({ duty: 'visits', count: 2, period: 'week' });
    expect((await req('GET', '/api/field/me/score', 'leader')).statusCode).toBe(403);
  });
});
