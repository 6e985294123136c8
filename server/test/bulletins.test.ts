/**
 * /api/bulletins/:kind (快报 / 月报 / 季报) on the hand-computed November 2026 of shared/test/fixtures/indicator-examples.ts
 * plus two carried-over cases: the bulletin's numbers equal the indicators endpoints' on the same data; the overdue
 * list, the backlog and the trend equal what the cases say; the zero-report findings; the PDF and the workbook; roles
 * and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { NEVER_DUE_STATES, cstDate } from '@gridcommand/shared/domain';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { PASSWORD, login, sessionCookie } from './cases-helpers.ts';
import { EXAMPLE_CASES, FROM, TO, at, toIndicatorCase } from '../../shared/test/fixtures/indicator-examples.ts';

const NOW = at('12-05 10:00');

interface Row {
  code: string;
  street: string;
  status: string;
  reportedAt: Date;
  closedAt: Date | null;
  resolveBy: Date;
}
let db: TestDatabase;
let app: FastifyInstance;
const cookies: Record<string, string> = {};
const rows: Row[] = [];
let streetA = '';
let communities: string[] = [];

async function get(url: string, as = 'leader') {
  return app.inject({ method: 'GET', url, headers: as === 'none' ? {} : { cookie: cookies[as]! } });
}
async function json(url: string, as = 'leader') {
  const r = await get(url, as);
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
  return r.json();
}

beforeAll(async () => {
  db = await testDatabase();
  const pool = db.pool;
  await seedDemoUsers(pool, PASSWORD);
  const { rows: [worker] } = await pool.query<{ grids: string[] }>(`SELECT grid_codes AS grids FROM app_user WHERE username = 'worker'`);
  const { rows: [handler] } = await pool.query<{ dept: string }>(`SELECT department_code AS dept FROM app_user WHERE username = 'handler'`);
  const { rows: [gA] } = await pool.query<{ code: string; street: string }>(`SELECT code, street_code AS street FROM area WHERE code = $1`, [worker!.grids[0]]);
  const { rows: [gB] } = await pool.query<{ code: string; street: string }>(`SELECT code, street_code AS street FROM area WHERE level = 'grid' AND street_code <> $1 ORDER BY code LIMIT 1`, [gA!.street]);
  streetA = gA!.street;
  const { rows: cats } = await pool.query<{ code: string }>(`SELECT code FROM category ORDER BY code LIMIT 2`);
  const [X, Y] = [cats[0]!.code, cats[1]!.code];
  const insert = async (code: string, grid: string, dept: string | null, c: ReturnType<typeof toIndicatorCase>) => {
    const { rows: [row] } = await pool.query<{ id: number; street: string }>(
      `INSERT INTO cases (code, source, category_code, priority, title, location, grid_code, community_code, zone_code, street_code,
                          department_code, status, reported_at, filed_at, accepted_at, sign_by, handled_at, verified_at, closed_at,
                          respond_by, resolve_by, fixed_on_spot)
       SELECT $1, $2, $3, 'normal', $1, a.label_point, a.code, a.community_code, a.zone_code, a.street_code,
              $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15
         FROM area a WHERE a.code = $16
       RETURNING id::int, street_code AS street`,
      [code, c.source, c.categoryCode, dept, c.status, c.reportedAt, c.filedAt, c.acceptedAt, c.signBy, c.handledAt, c.verifiedAt, c.closedAt, c.respondBy, c.resolveBy, c.fixedOnSpot, grid],
    );
    rows.push({ code, street: row!.street, status: c.status, reportedAt: c.reportedAt, closedAt: c.closedAt ?? null, resolveBy: c.resolveBy });
    return row!.id;
  };
  for (const e of EXAMPLE_CASES) {
    const c = toIndicatorCase(e, X, Y);
    const id = await insert(`IND-${e.no}`, e.unit === 'B' ? gB!.code : gA!.code, e.no % 2 ? handler!.dept : null, c);
    for (const a of c.actions ?? []) {
      const type = a.action === 'close' ? 'case.closed' : a.action === 'escalate' ? 'case.escalated' : 'case.updated';
      await pool.query(`INSERT INTO event (at, type, case_id, payload) VALUES ($1, $2, $3, $4)`, [a.at, type, id, { action: a.action }]);
    }
    for (const r of c.ratings ?? []) {
      await pool.query(`INSERT INTO case_rating (case_id, source, round, reached, rating, reopened, at) VALUES ($1, $2, 0, $3, $4, $5, $6)`, [id, r.source, r.reached, r.rating, r.reopened, r.at]);
    }
  }
  // carried over: overdue since September, closed in November (street B); overdue since October, still open (street A)
  const base = toIndicatorCase(EXAMPLE_CASES[0]!, X, Y);
  const old = { ...base, actions: [], ratings: [], supervisionsOpened: [], filedAt: at('09-20 09:10'), acceptedAt: null, signBy: null, handledAt: null, verifiedAt: null };
  await insert('OLD-1', gB!.code, null, { ...old, status: 'closed', reportedAt: at('09-20 09:00'), respondBy: at('09-20 12:00'), resolveBy: at('09-25 17:30'), closedAt: at('11-10 10:00') });
  await insert('OLD-2', gA!.code, null, { ...old, status: 'dispatched', reportedAt: at('10-02 09:00'), respondBy: at('10-02 12:00'), resolveBy: at('10-09 17:30'), closedAt: null });

  // zero-report: October's family-planning reports (due 5 Nov): one on time, one late, the rest missing
  const { rows: cs } = await pool.query<{ code: string }>(`SELECT code FROM area WHERE level = 'community' ORDER BY code`);
  communities = cs.map((c) => c.code);
  await pool.query(`INSERT INTO unit_report (kind_code, unit_code, period_start, nothing_to_report, body, submitted_at) VALUES
    ('family_planning', $1, '2026-10-01', true, '本期无情况', $3), ('family_planning', $2, '2026-10-01', false, '新增出生登记 2 例', $4)`,
  [communities[0], communities[1], at('11-03 10:00'), at('11-08 10:00')]);

  app = await buildApp({ config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000 }, pool, now: () => NOW });
  for (const u of ['leader', 'dispatcher', 'handler', 'worker', 'street', 'admin']) cookies[u] = sessionCookie(await login(app, u));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const rate = (b: any, k: string) => b.headline.find((h: any) => h.key === k);

describe('the monthly bulletin equals the indicators on the same data', () => {
  it('headline: counts and rates of the district, and the change against October', async () => {
    const b = await json('/api/bulletins/monthly?date=2026-11-15');
    expect(await json('/api/bulletins/monthly')).toEqual(b); // default: last month
    expect(b).toMatchObject({ kind: 'monthly', issue: 11, year: 2026, partial: false, period: { first: '2026-11-01', last: '2026-11-30' }, previous: { first: '2026-10-01' } });
    expect(b.title).toMatch(/^.+网格化服务管理工作月报$/);
    const ind = await json('/api/indicators?period=month&from=2026-11-01');
    const oct = await json('/api/indicators?period=month&from=2026-10-01');
    for (const k of ['reported', 'filed', 'closed'] as const) {
      expect(rate(b, k).value, k).toBe(ind.counts[k]);
      expect(rate(b, k).previous, k).toBe(oct.counts[k]);
      expect(rate(b, k).change.delta).toBe(ind.counts[k] - oct.counts[k]);
    }
    for (const k of ['closure', 'onTimeClosure', 'response', 'resolution', 'satisfaction']) {
      const r = ind.rates.find((x: any) => x.key === k);
      expect({ n: rate(b, k).n, hits: rate(b, k).hits, value: rate(b, k).value }, k).toEqual({ n: r.n, hits: r.hits, value: r.value });
      expect(rate(b, k).previous, k).toBe(oct.rates.find((x: any) => x.key === k).value);
    }
    expect(rate(b, 'reported').value).toBeGreaterThan(0);
  });

  it('streets and departments: the ranking, with counts per unit', async () => {
    const b = await json('/api/bulletins/monthly?date=2026-11-15');
    for (const kind of ['street', 'department'] as const) {
      const r = await json(`/api/indicators/ranking?kind=${kind}&month=2026-11`);
      const t = kind === 'street' ? b.streets : b.departments;
      expect(t.items.map((i: any) => [i.rank, i.code])).toEqual(r.items.map((i: any) => [i.rank, i.code]));
      for (const [i, x] of t.items.entries()) {
        for (const k of ['response', 'resolution', 'satisfaction', 'onTimeClosure']) expect(x[k], `${x.code} ${k}`).toEqual(r.items[i][k]);
      }
      for (const k of ['response', 'resolution', 'satisfaction', 'onTimeClosure']) {
        expect(t.best[k]).toEqual(r.best[k]);
        expect(t.worst[k]).toEqual(r.worst[k]);
      }
    }
    const a = b.streets.items.find((i: any) => i.code === streetA);
    const ia = await json(`/api/indicators?unit=${streetA}&period=month&from=2026-11-01`);
    expect({ reported: a.reported, filed: a.filed, closed: a.closed }).toEqual({ reported: ia.counts.reported, filed: ia.counts.filed, closed: ia.counts.closed });
    const c = ia.rates.find((x: any) => x.key === 'closure');
    expect(a.closure).toEqual({ n: c.n, hits: c.hits, value: c.value });
  });

  it('overdue at the end, the carried-over backlog and the trend, from the cases', async () => {
    const b = await json('/api/bulletins/monthly?date=2026-11-15');
    const due = rows.filter((r) => !NEVER_DUE_STATES.includes(r.status as never));
    const overdue = due.filter((r) => r.resolveBy < TO && r.reportedAt < TO && (r.closedAt === null || r.closedAt >= TO)).sort((x, y) => +x.resolveBy - +y.resolveBy);
    expect(b.overdue.total).toBe(overdue.length);
    expect(b.overdue.items.map((c: any) => c.code)).toEqual(overdue.slice(0, 10).map((r) => r.code));
    expect(b.overdue.items[0].overdueHours).toBeGreaterThan(100);
    expect(b.overdue.items[0].holderName).toBeTruthy();
    const carried = due.filter((r) => r.resolveBy < FROM && (r.closedAt === null || r.closedAt >= FROM));
    expect(b.backlog.atStart).toBe(carried.length);
    expect(b.backlog.closedInPeriod).toBe(carried.filter((r) => r.closedAt !== null && r.closedAt < TO).length);
    expect(b.backlog.openAtEnd).toBe(carried.filter((r) => r.closedAt === null || r.closedAt >= TO).length);
    expect(b.backlog.atStart).toBe(3);
    const byA = b.backlog.byStreet.find((s: any) => s.code === streetA);
    expect(byA).toMatchObject({ atStart: 2, closedInPeriod: 0, openAtEnd: 2 });
    expect(b.trend).toHaveLength(30);
    expect(b.trend.reduce((s: number, t: any) => s + t.reported, 0)).toBe(rate(b, 'reported').value);
    expect(b.trend.reduce((s: number, t: any) => s + t.closed, 0)).toBe(rate(b, 'closed').value);
    expect(b.trend.find((t: any) => t.first === '2026-11-02').reported).toBe(rows.filter((r) => r.reportedAt >= at('11-02 00:00') && r.reportedAt < at('11-03 00:00')).length);
  });

  it('zero-report findings: the units that had not reported by the deadline, named', async () => {
    const b = await json('/api/bulletins/monthly?date=2026-11-15');
    expect(b.zeroReport.asOf).toBe('2026-12-01T00:00:00+08:00');
    const fp = b.zeroReport.items.filter((i: any) => i.kindCode === 'family_planning');
    expect(fp.every((i: any) => i.periodStart === '2026-10-01' && i.deadlineDay === '2026-11-05')).toBe(true);
    expect(fp.map((i: any) => i.unitCode)).not.toContain(communities[0]);
    expect(fp.find((i: any) => i.unitCode === communities[1])).toMatchObject({ status: 'late', submittedAt: '2026-11-08T10:00:00+08:00' });
    expect(fp.filter((i: any) => i.status === 'missing')).toHaveLength(communities.length - 2);
    expect(fp[0].unitName).toBeTruthy();
  });

  it('daily and quarterly bulletins', async () => {
    const d = await json('/api/bulletins/daily?date=2026-11-25');
    expect(d).toMatchObject({ kind: 'daily', issue: 329, period: { first: '2026-11-25', last: '2026-11-25' }, previous: { first: '2026-11-24' }, trend: [] });
    expect(d.title).toMatch(/快报$/);
    const day = await json('/api/indicators?period=day&from=2026-11-25');
    expect(rate(d, 'reported').value).toBe(day.counts.reported);
    const q = await json('/api/bulletins/quarterly?date=2026-11-15');
    expect(q).toMatchObject({ kind: 'quarterly', issue: 4, partial: true, period: { first: '2026-10-01', last: '2026-12-31' } });
    expect(q.trend).toHaveLength(14);
    expect(rate(q, 'reported').value).toBe((await json('/api/indicators?period=quarter&from=2026-11-15')).counts.reported);
    expect((await json('/api/bulletins/daily')).period.first).toBe('2026-12-04');
  });
});

describe('files', () => {
  it('PDF: A4, a font embedded, named for the bulletin', async () => {
    const r = await get('/api/bulletins/monthly.pdf?date=2026-11-15');
    expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toContain('bulletin-monthly-2026-11-01.pdf');
    const pdf = r.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdf.toString('latin1');
    expect(text).toContain('/FontFile2');
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC/);
    expect(text).toContain('/MediaBox [0 0 595.28 841.89]');
  });

  it('Excel: the same tables', async () => {
    const r = await get('/api/bulletins/monthly.xlsx?date=2026-11-15');
    expect(r.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const cells: string[][] = [];
    ws.eachRow((row) => cells.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    expect(cells[0]![0]).toMatch(/月报$/);
    const titles = cells.map((c) => c[0]);
    expect(titles).toEqual(expect.arrayContaining(['一、总体情况', '二、街道（镇）排名', '三、职能部门排名', '四、超期案件', '五、遗留超期案件', '六、发展趋势', '七、零报告制度落实情况']));
    const b = await json('/api/bulletins/monthly?date=2026-11-15');
    const reported = cells.find((c) => c[0] === '上报数')!;
    expect(Number(reported[1])).toBe(rate(b, 'reported').value);
    expect(cells.some((c) => c[0] === 'IND-6' || c[0] === 'OLD-1' || c[0] === 'OLD-2')).toBe(true);
  });
});

describe('roles and bad input', () => {
  it.each([
    ['leader', 200],
    ['dispatcher', 200],
    ['admin', 200],
    ['street', 200],
    ['handler', 403],
    ['worker', 403],
    ['none', 401],
  ])('%s → %i', async (as, status) => {
    expect((await get('/api/bulletins/daily?date=2026-11-25', as)).statusCode).toBe(status);
    expect((await get('/api/bulletins/daily.xlsx?date=2026-11-25', as)).statusCode).toBe(status);
  });

  it('a street desk gets the district bulletin', async () => {
    const b = await json('/api/bulletins/monthly?date=2026-11-15', 'street');
    expect(b.streets.items.length).toBeGreaterThan(1);
    expect(b).toEqual(await json('/api/bulletins/monthly?date=2026-11-15'));
  });

  it.each([
    ['/api/bulletins/weekly', 400],
    ['/api/bulletins/weekly.pdf', 400],
    ['/api/bulletins/monthly?date=2026-02-30', 400],
    ['/api/bulletins/monthly?date=2026-11', 400],
    ['/api/bulletins/monthly?month=2026-11', 400],
    ['/api/bulletins/monthly?date=2027-01-01', 400],
    ['/api/bulletins/daily.pdf?date=2026-12-06', 400],
    ['/api/bulletins/daily?date=2026-12-05', 200],
  ])('%s → %i', async (url, status) => {
    const r = await get(url);
    expect(r.statusCode, r.body.slice(0, 300)).toBe(status);
    if (status === 400) expect(r.json()).toMatchObject({ statusCode: 400 });
  });

  it('no personal data: reporters and accounts are never named', async () => {
    const text = JSON.stringify(await json('/api/bulletins/monthly?date=2026-11-15'));
    for (const k of ['reporter', 'phone', 'username', 'displayName']) expect(text).not.toContain(k);
    expect(cstDate('2026-12-01').toISOString()).toBe(TO.toISOString());
  });
});
