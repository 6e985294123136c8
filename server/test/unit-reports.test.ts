/**
 * The zero-report rule (零报制): report kinds, a unit's submission (本期无情况 included), a second submission, another
 * unit, a period not begun, the overview of who has and hasn't reported (scoped), the missing list, late reports,
 * and the demo seeder. The rules themselves: shared/test/zero-report.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { cstDate } from '@gridcommand/shared/domain';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { seedDemoUnitReports } from '../src/modules/unit-reports/demo.ts';
import { missingReports } from '../src/modules/unit-reports/index.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { PASSWORD, login, sessionCookie } from './cases-helpers.ts';

let db: TestDatabase;
let app: FastifyInstance;
let now = cstDate('2026-12-03', '10:00');
const cookies: Record<string, string> = {};
let desk: { community: string; zone: string; street: string };

function req(as: string, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) {
  return app.inject({ method, url, headers: { cookie: cookies[as]!, 'x-gc-csrf': '1', ...headers }, ...(payload ? { payload } : {}) });
}
const post = (as: string, payload: object, headers?: Record<string, string>) => req(as, 'POST', '/api/unit-reports', payload, headers);
const count = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM unit_report')).rows[0]!.n;

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  const { rows } = await db.pool.query<{ username: string; unit: string }>(`SELECT username, unit_code AS unit FROM app_user WHERE username IN ('community', 'zone', 'street')`);
  const u = Object.fromEntries(rows.map((r) => [r.username, r.unit]));
  desk = { community: u.community!, zone: u.zone!, street: u.street! };
  app = await buildApp({ config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000 }, pool: db.pool, now: () => now });
  for (const name of ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'community', 'zone', 'street']) cookies[name] = sessionCookie(await login(app, name));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('kinds', () => {
  it('lists the seeded kinds', async () => {
    const r = await req('handler', 'GET', '/api/unit-reports/kinds');
    expect(r.statusCode).toBe(200);
    const kinds = r.json().items;
    expect(kinds.map((k: any) => k.code)).toEqual(['family_planning', 'labour_inspection', 'safety_inspection', 'street_quarterly']);
    expect(kinds[0]).toMatchObject({ name: '计划生育信息通报', unitKind: 'community', period: 'month', deadlineDay: 5, active: true });
  });
});

describe('submitting', () => {
  it('a community reports nothing to report (本期无情况): 201, on time', async () => {
    const r = await post('community', { kind: 'family_planning', period: '2026-11', nothingToReport: true });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ kindCode: 'family_planning', unitCode: desk.community, periodStart: '2026-11-01', nothingToReport: true, body: '本期无情况', status: 'submitted' });
  });

  it('a second submission is 409 with the one on file, and writes nothing', async () => {
    const before = await count();
    const r = await post('community', { kind: 'family_planning', period: '2026-11', nothingToReport: false, body: '补报' });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'REPORT_EXISTS', current: { body: '本期无情况' } });
    expect(await count()).toBe(before);
  });

  it.each([
    ['another unit', 'community', { kind: 'labour_inspection', period: '2026-11', nothingToReport: true, unitCode: '999999999999' }, 403, 'REPORT_OTHER_UNIT'],
    ['the district centre', 'dispatcher', { kind: 'family_planning', period: '2026-11', nothingToReport: true }, 403, 'REPORT_NO_UNIT'],
    ['a kind for another unit kind', 'street', { kind: 'family_planning', period: '2026-11', nothingToReport: true }, 422, 'REPORT_NOT_REQUIRED'],
    ['a period not begun', 'community', { kind: 'labour_inspection', period: '2027-01', nothingToReport: true }, 400, 'BAD_PERIOD'],
    ['no body', 'community', { kind: 'labour_inspection', period: '2026-11', nothingToReport: false }, 422, 'BODY_REQUIRED'],
    ['blank body', 'community', { kind: 'labour_inspection', period: '2026-11', nothingToReport: false, body: '   ' }, 422, 'BODY_REQUIRED'],
    ['a body with nothing to report', 'community', { kind: 'labour_inspection', period: '2026-11', nothingToReport: true, body: '有情况' }, 422, 'BODY_WITH_NOTHING'],
    ['an unknown kind', 'community', { kind: 'no_such_kind', period: '2026-11', nothingToReport: true }, 404, 'REPORT_KIND_NOT_FOUND'],
    ['a bad month', 'community', { kind: 'labour_inspection', period: '2026-13', nothingToReport: true }, 400, undefined],
    ['a handler', 'handler', { kind: 'labour_inspection', period: '2026-11', nothingToReport: true }, 403, undefined],
    ['a worker', 'worker', { kind: 'labour_inspection', period: '2026-11', nothingToReport: true }, 403, undefined],
  ])('refused: %s', async (_l, as, body, status, code) => {
    const before = await count();
    const r = await post(as, body);
    expect(r.statusCode, r.body).toBe(status);
    if (code) expect(r.json().code).toBe(code);
    expect(await count()).toBe(before);
  });

  it('a report with a body and counts; Idempotency-Key replays the first answer', async () => {
    const body = { kind: 'labour_inspection', period: '2026-11', nothingToReport: false, body: '走访企业 6 家，发现问题 1 起', counts: { visited: 6, problems: 1 } };
    const a = await post('community', body, { 'idempotency-key': 'ur-1' });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json()).toMatchObject({ body: '走访企业 6 家，发现问题 1 起', counts: { visited: 6, problems: 1 } });
    const b = await post('community', body, { 'idempotency-key': 'ur-1' });
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json().id).toBe(a.json().id);
  });

  it('after the deadline a report is late', async () => {
    now = cstDate('2026-12-07', '09:00');
    const r = await post('street', { kind: 'safety_inspection', period: '2026-11', nothingToReport: false, body: '检查单位 18 家，隐患 5 处' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().status).toBe('late');
  });
});

describe('who has and has not reported', () => {
  it('the district sees every community; before the deadline the rest are pending, after it missing', async () => {
    now = cstDate('2026-12-04', '09:00');
    const { rows } = await db.pool.query<{ code: string }>(`SELECT code FROM area WHERE level = 'community' ORDER BY code`);
    const r = await req('leader', 'GET', '/api/unit-reports?period=2026-11&kind=family_planning');
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.items.map((i: any) => i.unitCode)).toEqual(rows.map((x) => x.code));
    expect(body.items.find((i: any) => i.unitCode === desk.community)).toMatchObject({ status: 'submitted', nothingToReport: true, body: '本期无情况', deadlineDay: '2026-12-05' });
    expect(body.totals).toEqual({ submitted: 1, late: 0, missing: 0, pending: rows.length - 1 });
    now = cstDate('2026-12-06', '00:00');
    const after = (await req('leader', 'GET', '/api/unit-reports?period=2026-11&kind=family_planning')).json();
    expect(after.totals).toEqual({ submitted: 1, late: 0, missing: rows.length - 1, pending: 0 });
  });

  it('scoped: a street its own units, a community itself; all kinds without ?kind', async () => {
    const street = (await req('street', 'GET', '/api/unit-reports?period=2026-11')).json();
    const { rows } = await db.pool.query<{ code: string }>(`SELECT code FROM area WHERE level = 'community' AND street_code = $1`, [desk.street]);
    const mine = new Set([...rows.map((r) => r.code), desk.street]);
    expect(street.items.length).toBeGreaterThan(0);
    expect(street.items.every((i: any) => mine.has(i.unitCode))).toBe(true);
    expect(new Set(street.items.map((i: any) => i.kindCode))).toEqual(new Set(['family_planning', 'labour_inspection', 'safety_inspection', 'street_quarterly']));
    const community = (await req('community', 'GET', '/api/unit-reports?period=2026-11')).json();
    expect(new Set(community.items.map((i: any) => i.unitCode))).toEqual(new Set([desk.community]));
    expect((await req('handler', 'GET', '/api/unit-reports')).statusCode).toBe(403);
    expect((await req('leader', 'GET', '/api/unit-reports?kind=nope_kind')).statusCode).toBe(404);
    expect((await req('leader', 'GET', '/api/unit-reports?period=2026-1')).statusCode).toBe(400);
    expect((await req('leader', 'GET', '/api/unit-reports?extra=1')).statusCode).toBe(400);
  });

  it('/missing: the units that did not report by the deadline (late ones with their time)', async () => {
    now = cstDate('2026-12-08', '09:00');
    const r = (await req('dispatcher', 'GET', '/api/unit-reports/missing?period=2026-11')).json();
    expect(r.items.every((i: any) => i.status === 'missing' || i.status === 'late')).toBe(true);
    expect(r.items.find((i: any) => i.unitCode === desk.community && i.kindCode === 'family_planning')).toBeUndefined();
    expect(r.items.find((i: any) => i.unitCode === desk.street && i.kindCode === 'safety_inspection')).toMatchObject({ status: 'late' });
    const zone = (await req('zone', 'GET', '/api/unit-reports/missing?period=2026-11')).json();
    expect(zone.items.length).toBeGreaterThan(0);
    expect(zone.items.every((i: any) => i.parentCode === desk.zone)).toBe(true);
    // the bulletin's view: as of 6 Dec 00:00 the street's late report had not come in yet
    const asOf = await missingReports(db.pool, cstDate('2026-12-06'));
    expect(asOf.find((i) => i.unitCode === desk.street && i.kindCode === 'safety_inspection')).toMatchObject({ status: 'missing', periodStart: '2026-11-01' });
  });
});

describe('demo seeder', () => {
  it('most units report, a few do not; runs once', async () => {
    await db.pool.query('DELETE FROM unit_report');
    const n = await seedDemoUnitReports(db.pool, cstDate('2026-12-08', '09:00'));
    expect(n).toBeGreaterThan(0);
    expect(await seedDemoUnitReports(db.pool, cstDate('2026-12-08', '09:00'))).toBe(0);
    now = cstDate('2026-12-08', '09:00');
    // October's monthly reports are all due by now (the quarterly one of Oct–Dec is not)
    const oct = (await req('leader', 'GET', '/api/unit-reports?period=2026-10&kind=family_planning')).json();
    expect(oct.totals.pending).toBe(0);
    expect(oct.totals.missing).toBeGreaterThan(0);
    expect(oct.totals.submitted).toBeGreaterThan(oct.totals.missing * 3);
    expect(oct.items.some((i: any) => i.nothingToReport === true)).toBe(true);
  });
});
