/** The working calendar's status and warning (GET /api/calendar/status), the library import, the year editor's PUT. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CalendarLibraryResponse, CalendarStatusResponse } from '@gridcommand/shared/schemas';
import { expectError } from './api-expect.ts';
import { as, caseWorld, type CaseWorld } from './cases-helpers.ts';

let w: CaseWorld;

/** A complete year: one named day off for each statutory holiday, and one make-up workday. */
function fullYear(year: number) {
  return [
    { date: `${year}-01-01`, kind: 'holiday', name: '元旦' },
    { date: `${year}-02-06`, kind: 'holiday', name: '春节' },
    { date: `${year}-02-07`, kind: 'holiday', name: '春节' },
    { date: `${year}-02-20`, kind: 'workday', name: '春节' },
    { date: `${year}-04-05`, kind: 'holiday', name: '清明' },
    { date: `${year}-05-01`, kind: 'holiday', name: '劳动节' },
    { date: `${year}-06-09`, kind: 'holiday', name: '端午' },
    { date: `${year}-09-15`, kind: 'holiday', name: '中秋' },
    { date: `${year}-10-01`, kind: 'holiday', name: '国庆节' },
  ];
}

/** Pins the clock of the app (Date only: timers and the database keep running). */
function pinDate(iso: string): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(iso));
}

async function status(role: Parameters<typeof as>[1] = 'admin'): Promise<CalendarStatusResponse> {
  const res = await as(w, role, 'GET', '/api/calendar/status');
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as CalendarStatusResponse;
}

beforeAll(async () => {
  w = await caseWorld();
  // this year as the State Council published it; next year empty
  const lib = (await as(w, 'admin', 'GET', '/api/admin/calendar/2026/library')).json() as CalendarLibraryResponse;
  expect(lib.published).toBe(true);
  expect((await as(w, 'admin', 'PUT', '/api/admin/calendar/2026', { days: lib.days })).statusCode).toBe(200);
  expect((await as(w, 'admin', 'PUT', '/api/admin/calendar/2027', { days: [] })).statusCode).toBe(200);
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await w?.close();
});

describe('the calendar status', () => {
  it('next year empty after 1 Nov → NEXT_YEAR_MISSING', async () => {
    pinDate('2026-11-01T00:30:00+08:00');
    const s = await status();
    expect(s.today).toBe('2026-11-01');
    expect(s.year).toMatchObject({ year: 2026, days: 365, complete: true, missing: [] });
    expect(s.year.holidays).toBeGreaterThan(20);
    expect(s.year.workdays).toBeGreaterThan(3);
    expect(s.nextYear).toMatchObject({ year: 2027, holidays: 0, workdays: 0, complete: false });
    expect(s.warning).toMatchObject({ code: 'NEXT_YEAR_MISSING', year: 2027 });
    expect(s.warning!.message).toContain('2027');
    expect(s.warning!.messageEn).toContain('2027');
  });

  it('today is the CST date: 31 Oct 16:30 UTC is already 1 Nov in China', async () => {
    pinDate('2026-10-31T16:30:00Z');
    expect((await status()).warning?.code).toBe('NEXT_YEAR_MISSING');
    pinDate('2026-10-31T15:30:00Z');
    const s = await status();
    expect(s.today).toBe('2026-10-31');
    expect(s.warning).toBeNull();
  });

  it('the day the warning starts is a setting (calendar_warn_from)', async () => {
    pinDate('2026-11-15T10:00:00+08:00');
    await w.db.pool.query(`INSERT INTO setting (key, value) VALUES ('calendar_warn_from', '"12-01"')`);
    try {
      expect((await status()).warning).toBeNull();
      pinDate('2026-12-01T10:00:00+08:00');
      expect((await status()).warning?.code).toBe('NEXT_YEAR_MISSING');
    } finally {
      await w.db.pool.query(`DELETE FROM setting WHERE key = 'calendar_warn_from'`);
    }
  });

  it('an incomplete next year → NEXT_YEAR_INCOMPLETE; a complete one → no warning', async () => {
    pinDate('2026-12-01T09:00:00+08:00');
    const partial = fullYear(2027).filter((d) => d.name !== '端午' && d.name !== '中秋');
    expect((await as(w, 'admin', 'PUT', '/api/admin/calendar/2027', { days: partial })).statusCode).toBe(200);
    let s = await status('wall');
    expect(s.warning).toMatchObject({ code: 'NEXT_YEAR_INCOMPLETE', year: 2027 });
    expect(s.nextYear.missing).toEqual(['dragon_boat', 'mid_autumn']);
    expect(s.warning!.message).toContain('端午、中秋');

    const put = await as(w, 'admin', 'PUT', '/api/admin/calendar/2027', { days: fullYear(2027) });
    expect(put.statusCode, put.body).toBe(200);
    s = await status('wall');
    expect(s.warning).toBeNull();
    expect(s.nextYear).toMatchObject({ year: 2027, holidays: 8, workdays: 1, complete: true, missing: [] });

    // the same PUT again changes nothing (a replace is idempotent)
    expect((await as(w, 'admin', 'PUT', '/api/admin/calendar/2027', { days: fullYear(2027) })).json()).toEqual(put.json());
    await as(w, 'admin', 'PUT', '/api/admin/calendar/2027', { days: [] });
  });

  it('this year empty → THIS_YEAR_MISSING at any time of the year', async () => {
    pinDate('2031-03-01T09:00:00+08:00');
    const s = await status('dispatcher');
    expect(s.year).toMatchObject({ year: 2031, holidays: 0, complete: false });
    expect(s.warning).toMatchObject({ code: 'THIS_YEAR_MISSING', year: 2031 });
  });
});

describe('roles', () => {
  it('anonymous callers get 401; every signed-in role, the wall included, reads the status', async () => {
    expectError(await w.app.inject({ method: 'GET', url: '/api/calendar/status' }), 401);
    for (const role of ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'wall'] as const) {
      expect((await as(w, role, 'GET', '/api/calendar/status')).statusCode, role).toBe(200);
    }
  });

  it('a wall token reads the status', async () => {
    const res = await as(w, 'admin', 'POST', '/api/admin/wall-tokens', { name: '日历测试屏' });
    expect(res.statusCode, res.body).toBeLessThan(300);
    const token = (res.json() as { token: string }).token;
    const s = await w.app.inject({ method: 'GET', url: '/api/calendar/status', headers: { authorization: `Bearer ${token}` } });
    expect(s.statusCode, s.body).toBe(200);
  });

  it('only the admin reads the library and PUTs a year', async () => {
    for (const role of ['leader', 'dispatcher', 'wall'] as const) {
      expect(expectError(await as(w, role, 'PUT', '/api/admin/calendar/2027', { days: fullYear(2027) }), 403).code).toBe('FORBIDDEN_ROLE');
      expectError(await as(w, role, 'GET', '/api/admin/calendar/2027/library'), 403);
    }
    expectError(await w.app.inject({ method: 'PUT', url: '/api/admin/calendar/2027', payload: { days: [] } }), 401);
    const { rows } = await w.db.pool.query(`SELECT count(*)::int AS n FROM work_calendar WHERE day >= '2027-01-01' AND day < '2028-01-01'`);
    expect(rows[0].n).toBe(0);
  });
});

describe('the library (State Council notices in chinese-days)', () => {
  it('knows 2026, not a year it has no notice for', async () => {
    const y2026 = (await as(w, 'admin', 'GET', '/api/admin/calendar/2026/library')).json() as CalendarLibraryResponse;
    expect(y2026.published).toBe(true);
    expect(y2026.days).toEqual(expect.arrayContaining([{ date: '2026-10-01', kind: 'holiday', name: '国庆节' }, { date: '2026-02-14', kind: 'workday', name: '春节' }]));
    const y2099 = (await as(w, 'admin', 'GET', '/api/admin/calendar/2099/library')).json() as CalendarLibraryResponse;
    expect(y2099).toEqual({ year: 2099, published: false, days: [] });
  });
});

describe('bad input', () => {
  it.each([
    ['year 0', '/api/admin/calendar/0'],
    ['year 99999', '/api/admin/calendar/99999'],
    ['a year that is not a number', '/api/admin/calendar/abc'],
  ])('%s → 400', async (_n, url) => {
    expectError(await as(w, 'admin', 'PUT', url, { days: [] }), 400);
    expectError(await as(w, 'admin', 'GET', url), 400);
    expectError(await as(w, 'admin', 'GET', `${url}/library`), 400);
  });

  it.each([
    ['a day of another year', { days: [{ date: '2026-12-31', kind: 'holiday', name: '元旦' }] }],
    ['an impossible date', { days: [{ date: '2027-02-29', kind: 'holiday' }] }],
    ['month 13', { days: [{ date: '2027-13-01', kind: 'holiday' }] }],
    ['a date-time', { days: [{ date: '2027-01-01T00:00:00Z', kind: 'holiday' }] }],
    ['a day twice', { days: [{ date: '2027-01-01', kind: 'holiday' }, { date: '2027-01-01', kind: 'workday' }] }],
    ['an unknown kind', { days: [{ date: '2027-01-01', kind: 'off' }] }],
    ['an unknown field', { days: [{ date: '2027-01-01', kind: 'holiday', colour: 'red' }] }],
    ['a name too long', { days: [{ date: '2027-01-01', kind: 'holiday', name: '节'.repeat(101) }] }],
    ['no days', {}],
  ])('PUT with %s → 400, nothing written', async (_n, body) => {
    await as(w, 'admin', 'PUT', '/api/admin/calendar/2027', { days: fullYear(2027) });
    expectError(await as(w, 'admin', 'PUT', '/api/admin/calendar/2027', body), 400);
    const { rows } = await w.db.pool.query(`SELECT count(*)::int AS n FROM work_calendar WHERE day >= '2027-01-01' AND day < '2028-01-01'`);
    expect(rows[0].n).toBe(fullYear(2027).length);
  });

  it('the status takes no query parameters', async () => {
    expectError(await as(w, 'admin', 'GET', '/api/calendar/status?year=2027'), 400);
  });
});
