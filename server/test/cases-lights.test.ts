/** Lights over time, supervision, the work calendar, the close-out register and its exports, bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { Case } from '@gridcommand/shared/schemas';
import { expectError } from './api-expect.ts';
import { act, as, caseWorld, createCase, createCaseAt, newCaseBody, type CaseWorld } from './cases-helpers.ts';
import { runLightJobOnce } from '../src/modules/cases/light-job.ts';
import { findUserForLogin } from '../src/modules/auth/repository.ts';

let w: CaseWorld;

beforeAll(async () => {
  w = await caseWorld();
});

afterAll(async () => {
  await w?.close();
});

async function get(id: number): Promise<Case> {
  return (await as(w, 'dispatcher', 'GET', `/api/cases/${id}`)).json() as Case;
}

async function events(id: number): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  const { rows } = await w.db.pool.query('SELECT type, payload FROM event WHERE case_id = $1 ORDER BY id', [id]);
  return rows;
}

/** Moves every clock of a case into the past so that it is overdue now. */
async function age(id: number, days: number): Promise<void> {
  await w.db.pool.query(
    `UPDATE cases SET reported_at = reported_at - make_interval(days => $2), respond_by = respond_by - make_interval(days => $2),
       respond_warn_at = respond_warn_at - make_interval(days => $2), respond_red_at = respond_red_at - make_interval(days => $2),
       resolve_by = resolve_by - make_interval(days => $2), resolve_warn_at = resolve_warn_at - make_interval(days => $2),
       resolve_red_at = resolve_red_at - make_interval(days => $2), next_light_at = now() - interval '1 second'
     WHERE id = $1`,
    [id, days],
  );
}

describe('the light job', () => {
  let c: Case;

  it('turns an unanswered case yellow after its respond limit, with a platform supervision notice', async () => {
    c = await createCase(w);
    const none = await runLightJobOnce(w.db.pool, new Date(Date.parse(c.reportedAt) + 1000));
    expect(none.changed).toBe(0);
    const at = new Date(Date.parse(c.respondBy) + 60_000);
    const r = await runLightJobOnce(w.db.pool, at);
    expect(r.changed).toBeGreaterThanOrEqual(1);
    const now = await get(c.id);
    expect(now).toMatchObject({ light: 'yellow', supervised: true, version: 2 });
    const ev = await events(c.id);
    expect(ev.map((e) => e.type)).toEqual(['case.created', 'case.light', 'supervision.opened']);
    expect(ev[1]!.payload).toMatchObject({ from: expect.stringMatching(/green|due_soon/), to: 'yellow' });
    const sv = await as(w, 'leader', 'GET', '/api/supervision?status=open&level=yellow');
    const item = sv.json().items.find((s: { case: { id: number } }) => s.case.id === c.id);
    expect(item.noticeNo).toMatch(/^DB\d{8}-\d{4,}$/);
    expect(item.case).toMatchObject({ code: c.code, light: 'yellow', streetCode: w.home.street });
    // running again at the same instant changes nothing
    expect((await runLightJobOnce(w.db.pool, at)).changed).toBe(0);
  });

  it('turns it red when overdue by its whole limit again: the district supervision list', async () => {
    const r = await runLightJobOnce(w.db.pool, new Date(Date.parse(c.respondRedAt!) + 60_000));
    expect(r.changed).toBeGreaterThanOrEqual(1);
    expect(await get(c.id)).toMatchObject({ light: 'red', supervised: true, version: 3 });
    const ev = (await events(c.id)).map((e) => e.type);
    expect(ev).toEqual(['case.created', 'case.light', 'supervision.opened', 'case.light', 'supervision.closed', 'supervision.opened']);
    const red = (await as(w, 'wall', 'GET', '/api/supervision?status=open&level=red')).json();
    const item = red.items.find((s: { case: { id: number } }) => s.case.id === c.id);
    expect(item.level).toBe('red');
    const one = await as(w, 'dispatcher', 'GET', `/api/supervision/${item.id}`);
    expect(one.json()).toMatchObject({ id: item.id, level: 'red', closedAt: null });
    const closedYellow = (await as(w, 'leader', 'GET', '/api/supervision?status=closed&level=yellow')).json();
    expect(closedYellow.items.some((s: { case: { id: number } }) => s.case.id === c.id)).toBe(true);
    const list = (await as(w, 'leader', 'GET', '/api/cases?light=red&supervised=true')).json();
    expect(list.items.map((x: Case) => x.id)).toContain(c.id);
  });

  it('clears the light and closes supervision when the case is handled', async () => {
    let d = await createCase(w);
    await age(d.id, 40);
    await runLightJobOnce(w.db.pool);
    d = await get(d.id);
    expect(d).toMatchObject({ light: 'red', supervised: true });
    d = await act(w, 'dispatcher', d, 'file');
    d = await act(w, 'dispatcher', d, 'dispatch', { departmentCode: 'CGJ' });
    d = await act(w, 'handler', d, 'accept');
    expect(d.light).toBe('red');
    d = await act(w, 'handler', d, 'handle');
    expect(d).toMatchObject({ status: 'handled', light: 'none', supervised: false });
    const open = await w.db.pool.query('SELECT count(*)::int AS n FROM supervision WHERE case_id = $1 AND closed_at IS NULL', [d.id]);
    expect(open.rows[0].n).toBe(0);
    const types = (await events(d.id)).map((e) => e.type);
    expect(types.slice(-3)).toEqual(['case.updated', 'case.light', 'supervision.closed']);
    const next = await w.db.pool.query('SELECT next_light_at FROM cases WHERE id = $1', [d.id]);
    expect(next.rows[0].next_light_at).toBeNull();
    d = await act(w, 'worker', d, 'verify_pass');
    d = await act(w, 'dispatcher', d, 'close');
    expect(d.light).toBe('none');
  });

  it('is safe to run from two processes at once: each change is recorded once', async () => {
    const e = await createCase(w);
    await age(e.id, 40);
    await Promise.all([runLightJobOnce(w.db.pool), runLightJobOnce(w.db.pool), runLightJobOnce(w.db.pool)]);
    const ev = (await events(e.id)).map((x) => x.type);
    expect(ev).toEqual(['case.created', 'case.light', 'supervision.opened']);
  });
});

describe('working calendar', () => {
  it('starts the clocks of a normal case after a holiday (National Day 2026)', async () => {
    const user = (await findUserForLogin(w.db.pool, 'dispatcher'))!;
    // Thursday 2026-10-01 10:00 CST is a public holiday; the next working moment is Thursday 2026-10-08 09:00
    const id = await createCaseAt(w.db.pool, user, newCaseBody(w) as never, new Date('2026-10-01T02:00:00Z'));
    const c = await get(id);
    expect(c.respondBy).toBe('2026-10-08T04:00:00.000Z'); // + 3 working hours = 12:00 CST
    // urgent: the wall clock
    const u = await get(await createCaseAt(w.db.pool, user, newCaseBody(w, { priority: 'urgent' }) as never, new Date('2026-10-01T02:00:00Z')));
    expect(u.respondBy).toBe('2026-10-01T05:00:00.000Z');
  });

  it('shows and replaces a year for the admin', async () => {
    const y = (await as(w, 'admin', 'GET', '/api/admin/calendar/2026')).json();
    expect(y.days).toEqual(expect.arrayContaining([{ date: '2026-10-01', kind: 'holiday', name: '国庆节' }]));
    expect(y.days).toEqual(expect.arrayContaining([expect.objectContaining({ date: '2026-10-10', kind: 'workday' })]));
    expect(y.hours).toEqual({ morning: ['09:00', '12:00'], afternoon: ['13:30', '17:30'] });
    const bad = await as(w, 'admin', 'PUT', '/api/admin/calendar/2031', { days: [{ date: '2030-12-31', kind: 'holiday' }] });
    expect(expectError(bad, 400).code).toBe('DATE_OUTSIDE_YEAR');
    expectError(await as(w, 'admin', 'PUT', '/api/admin/calendar/2031', { days: [{ date: '2031-02-30', kind: 'holiday' }] }), 400);
    expectError(await as(w, 'admin', 'PUT', '/api/admin/calendar/2031', { days: [{ date: '2031-01-01', kind: 'off' }] }), 400);
    const ok = await as(w, 'admin', 'PUT', '/api/admin/calendar/2031', {
      days: [{ date: '2031-01-01', kind: 'holiday', name: '元旦' }, { date: '2031-01-04', kind: 'workday', name: '元旦调休' }],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().days).toHaveLength(2);
  });
});

describe('the close-out register', () => {
  it('counts reported, closed, in progress, escalated, overdue, void and parked', async () => {
    const v = await createCase(w);
    await act(w, 'dispatcher', v, 'void', { reason: '无效' });
    let p = await createCase(w);
    p = await act(w, 'dispatcher', p, 'file');
    await act(w, 'dispatcher', p, 'park', { reason: '长期问题', reviewDate: '2099-01-01' });
    const e = await createCase(w);
    await act(w, 'dispatcher', e, 'escalate', { reason: '需街道协调' });

    const { rows } = await w.db.pool.query(
      `SELECT count(*)::int AS reported, count(*) FILTER (WHERE status = 'closed')::int AS closed,
              count(*) FILTER (WHERE status = 'void')::int AS void, count(*) FILTER (WHERE status = 'parked')::int AS parked,
              count(*) FILTER (WHERE escalation_level > 0)::int AS escalated,
              count(*) FILTER (WHERE fixed_on_spot)::int AS fixed,
              count(*) FILTER (WHERE status NOT IN ('closed', 'void', 'parked') AND light IN ('yellow', 'red'))::int AS overdue
       FROM cases`,
    );
    const expected = rows[0];
    const res = await as(w, 'leader', 'GET', '/api/register?limit=3');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.items).toHaveLength(3);
    expect(body.total).toBe(expected.reported);
    expect(body.summary).toEqual({
      reported: expected.reported,
      closed: expected.closed,
      inProgress: expected.reported - expected.closed - expected.void - expected.parked,
      escalated: expected.escalated,
      overdue: expected.overdue,
      fixedOnSpot: expected.fixed,
      void: expected.void,
      parked: expected.parked,
    });
    expect(body.summary).toMatchObject({ closed: 1, void: 1, parked: 1, escalated: 1 });
    expect(body.summary.overdue).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(body)).not.toContain('13800000000');

    const filtered = (await as(w, 'leader', 'GET', '/api/register?status=void')).json();
    expect(filtered.summary).toMatchObject({ reported: 1, void: 1, closed: 0 });
  });

  it('exports CSV with Chinese headers and no personal data', async () => {
    const res = await as(w, 'leader', 'GET', '/api/register.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="register-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toMatch(/^案件编号,来源,大类,小类,紧急程度,标题,/);
    const total = (await as(w, 'leader', 'GET', '/api/register?limit=1')).json().total;
    expect(lines).toHaveLength(total + 1);
    expect(res.body).not.toContain('13800000000');
    expect(res.body).not.toContain('张三');
  });

  it('exports Excel with the same header row', async () => {
    const res = await as(w, 'dispatcher', 'GET', '/api/register.xlsx?status=closed');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('销号台账')!;
    expect((ws.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['案件编号', '来源', '大类']);
    expect(ws.rowCount).toBe(2);
    expect(ws.getRow(2).getCell(13).value).toBe('已结案');
  });
});

describe('bad input never answers 500', () => {
  it('malformed JSON, wrong content type, oversized and wrong-typed bodies are 4xx in the error shape', async () => {
    const base = { cookie: w.cookies.dispatcher, 'x-gc-csrf': '1' };
    const send = (payload: string, type = 'application/json') =>
      w.app.inject({ method: 'POST', url: '/api/cases', headers: { ...base, 'content-type': type }, payload });
    expectError(await send('{"categoryCode": "01001",'), 400);
    expectError(await send('[]'), 400);
    expectError(await send('null'), 400);
    expectError(await send('"text"'), 400);
    expectError(await send('categoryCode=01001', 'application/x-www-form-urlencoded'), 415);
    expectError(await send(JSON.stringify(newCaseBody(w, { description: 'x'.repeat(2 * 1024 * 1024) }))), 413);
    expectError(await send(JSON.stringify(newCaseBody(w, { photos: Array(21).fill('a') }))), 400);
    expectError(await send(JSON.stringify(newCaseBody(w, { title: '' }))), 400);
    expectError(await send(JSON.stringify(newCaseBody(w, { lon: Number.MAX_VALUE }))), 400);
    const action = (payload: string) =>
      w.app.inject({ method: 'POST', url: '/api/cases/1/actions', headers: { ...base, 'content-type': 'application/json' }, payload });
    expectError(await action('{"action":"file"}'), 400);
    expectError(await action('{"action":"file","version":1.5}'), 400);
    expectError(await action('{"action":"park","version":1,"reason":"x","reviewDate":"2099-13-01"}'), 400);
    expectError(await action('{"action":"void","version":1,"reason":"x","duplicateOf":"abc"}'), 400);
    for (const url of ['/api/supervision?status=maybe', '/api/supervision/-1', '/api/register?to=2026-01-01&from=2026-02-01', '/api/register.csv?limit=9999', '/api/cases?supervised=perhaps']) {
      expectError(await as(w, 'admin', 'GET', url), 400);
    }
  });
});
