/** Case intake (routing by place), the closed loop and its side paths, versions, personal data. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case, CaseListResponse, TimelineResponse } from '@gridcommand/shared/schemas';
import { expectError } from './api-expect.ts';
import { act, as, caseWorld, createCase, newCaseBody, type CaseWorld } from './cases-helpers.ts';

let w: CaseWorld;
let teamId: number;

beforeAll(async () => {
  w = await caseWorld();
  const t = await w.db.pool.query<{ id: number }>("SELECT id FROM team WHERE status = 'available' ORDER BY id LIMIT 1");
  teamId = t.rows[0]!.id;
});

afterAll(async () => {
  await w?.close();
});

async function caseCount(): Promise<number> {
  const { rows } = await w.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
  return rows[0]!.n;
}

describe('intake', () => {
  it('routes a case to its grid, community, zone and street by point in polygon', async () => {
    const c = await createCase(w);
    expect(c).toMatchObject({
      gridCode: w.home.grid,
      communityCode: w.home.community,
      zoneCode: w.home.zone,
      streetCode: w.home.street,
      status: 'reported',
      escalationLevel: 'grid',
      light: 'green',
      supervised: false,
      version: 1,
      categoryCode: '01001',
      majorCode: '01',
      departmentCode: 'CGJ',
      source: 'hotline',
    });
    expect(c.code).toMatch(/^HD\d{8}-\d{6}$/);
    expect(c.gridName.length).toBeGreaterThan(0);
    expect(c.streetName.length).toBeGreaterThan(0);
    expect(Date.parse(c.respondBy)).toBeGreaterThan(Date.parse(c.reportedAt));
    expect(Date.parse(c.resolveBy)).toBeGreaterThan(Date.parse(c.respondBy));
    expect(c.allowedActions).toEqual(expect.arrayContaining(['file', 'void', 'escalate']));
    const { rows } = await w.db.pool.query('SELECT type, to_state, street_code FROM event WHERE case_id = $1', [c.id]);
    expect(rows).toEqual([{ type: 'case.created', to_state: 'reported', street_code: w.home.street }]);
  });

  it('counts urgent cases on the wall clock', async () => {
    const c = await createCase(w, { priority: 'urgent' });
    // 01001: respond 3 hours → 3 wall-clock hours
    expect(Date.parse(c.respondBy) - Date.parse(c.reportedAt)).toBe(3 * 3_600_000);
  });

  it('refuses a location outside the district with 422 and writes nothing', async () => {
    const before = await caseCount();
    const res = await as(w, 'dispatcher', 'POST', '/api/cases', newCaseBody(w, { lon: 116.39, lat: 39.9 }));
    const e = expectError(res, 422);
    expect(e.code).toBe('OUTSIDE_DISTRICT');
    expect(e.message).toMatch(/outside the district/);
    expect(await caseCount()).toBe(before);
  });

  it('refuses an unknown category naming it', async () => {
    const e = expectError(await as(w, 'dispatcher', 'POST', '/api/cases', newCaseBody(w, { categoryCode: '99999' })), 422);
    expect(e.code).toBe('UNKNOWN_CATEGORY');
    expect(e.message).toContain('99999');
  });

  it('refuses bad coordinates and wrong types with 400', async () => {
    for (const bad of [{ lon: 200 }, { lat: -91 }, { lon: '120.1' }, { lat: null }, { priority: 'asap' }, { source: 'x' }, { extra: 1 }]) {
      const res = await as(w, 'dispatcher', 'POST', '/api/cases', newCaseBody(w, bad));
      expect(expectError(res, 400).code, JSON.stringify(bad)).toBe('VALIDATION');
    }
  });

  it('lets a grid worker report only inside their grids, as grid_worker', async () => {
    const own = await createCase(w, { source: 'grid_worker' }, 'worker');
    expect(own.gridCode).toBe(w.home.grid);
    const other = await w.db.pool.query<{ lon: number; lat: number }>(
      `SELECT ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat FROM area a
       WHERE a.level = 'grid' AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.username = 'worker' AND a.code = ANY(u.grid_codes))
       ORDER BY a.code LIMIT 1`,
    );
    const res = await as(w, 'worker', 'POST', '/api/cases', newCaseBody(w, { source: 'grid_worker', ...other.rows[0] }));
    expect(expectError(res, 403).code).toBe('OUTSIDE_OWN_GRIDS');
    expect(expectError(await as(w, 'worker', 'POST', '/api/cases', newCaseBody(w)), 403).code).toBe('SOURCE_NOT_ALLOWED');
  });
});

describe('the closed loop', () => {
  it('file → dispatch → accept → handle → verify_pass → close, with its timeline', async () => {
    let c = await createCase(w);
    c = await act(w, 'dispatcher', c, 'file', { note: '立案' });
    expect(c.status).toBe('filed');
    expect(c.filedAt).not.toBeNull();
    c = await act(w, 'dispatcher', c, 'dispatch', { teamId });
    expect(c).toMatchObject({ status: 'dispatched', teamId });
    c = await act(w, 'handler', c, 'accept');
    expect(c.status).toBe('in_progress');
    expect(c.acceptedAt).not.toBeNull();
    c = await act(w, 'handler', c, 'handle', { note: '已清运' });
    expect(c).toMatchObject({ status: 'handled', light: 'none' });
    c = await act(w, 'worker', c, 'verify_pass');
    expect(c.status).toBe('verified');
    c = await act(w, 'dispatcher', c, 'close');
    expect(c).toMatchObject({ status: 'closed', light: 'none', version: 7 });
    expect(c.closedAt).not.toBeNull();
    // closed: only a 不满意 (the center's callback, or the citizen) may reopen it
    expect(c.allowedActions).toEqual(['reopen']);

    const t = (await as(w, 'leader', 'GET', `/api/cases/${c.id}/timeline`)).json() as TimelineResponse;
    expect(t.items.map((e) => [e.type, e.fromState, e.toState])).toEqual([
      ['case.created', null, 'reported'],
      ['case.updated', 'reported', 'filed'],
      ['case.updated', 'filed', 'dispatched'],
      ['team.status', 'available', 'en_route'],
      ['dispatch.created', null, null],
      ['case.updated', 'dispatched', 'in_progress'],
      ['case.updated', 'in_progress', 'handled'],
      ['case.light', 'handled', 'handled'],
      // the case is handled: the team still on its way is stood down
      ['team.status', 'en_route', 'available'],
      ['case.updated', 'handled', 'verified'],
      ['case.closed', 'verified', 'closed'],
    ]);
    expect(t.items[1]!.actor).toMatchObject({ role: 'dispatcher', name: '指挥中心调度员' });
    expect(t.items[6]!.note).toBe('已清运');
    expect(t.items[0]!.location).toEqual([expect.closeTo(w.home.lon, 6), expect.closeTo(w.home.lat, 6)]);
    const ids = t.items.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('verify_fail sends the case back for rework and counts it', async () => {
    let c = await createCase(w);
    c = await act(w, 'dispatcher', c, 'file');
    c = await act(w, 'dispatcher', c, 'dispatch', { departmentCode: 'CGJ' });
    c = await act(w, 'handler', c, 'accept');
    c = await act(w, 'handler', c, 'handle');
    const missing = await as(w, 'worker', 'POST', `/api/cases/${c.id}/actions`, { action: 'verify_fail', version: c.version, position: { lon: c.lon, lat: c.lat } });
    expect(expectError(missing, 400).code).toBe('MISSING_FIELD');
    const nowhere = await as(w, 'worker', 'POST', `/api/cases/${c.id}/actions`, { action: 'verify_fail', version: c.version, reason: '现场仍有垃圾' });
    expect(expectError(nowhere, 400).code).toBe('POSITION_REQUIRED');
    c = await act(w, 'worker', c, 'verify_fail', { reason: '现场仍有垃圾' });
    expect(c).toMatchObject({ status: 'in_progress', reworkCount: 1 });
    c = await act(w, 'handler', c, 'handle');
    c = await act(w, 'worker', c, 'verify_fail', { reason: '仍未清理干净' });
    expect(c.reworkCount).toBe(2);
  });

  it('void links a duplicate to the original', async () => {
    const original = await createCase(w);
    const dup = await createCase(w);
    const missing = await as(w, 'dispatcher', 'POST', `/api/cases/${dup.id}/actions`, { action: 'void', version: 1 });
    expect(expectError(missing, 400).code).toBe('MISSING_FIELD');
    const unknown = await as(w, 'dispatcher', 'POST', `/api/cases/${dup.id}/actions`, { action: 'void', version: 1, reason: '重复', duplicateOf: 99999999 });
    expect(expectError(unknown, 422).code).toBe('DUPLICATE_NOT_FOUND');
    const v = await act(w, 'dispatcher', dup, 'void', { reason: '重复上报', duplicateOf: original.id });
    expect(v).toMatchObject({ status: 'void', duplicateOf: original.id, voidReason: '重复上报', light: 'none' });
  });

  it('park needs a reason and a review date; unpark returns to where it was', async () => {
    let c = await createCase(w);
    c = await act(w, 'dispatcher', c, 'file');
    c = await act(w, 'dispatcher', c, 'dispatch', { teamId });
    c = await act(w, 'handler', c, 'accept');
    const noDate = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'park', version: c.version, reason: '需协调' });
    expect(expectError(noDate, 400).code).toBe('MISSING_FIELD');
    const past = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, {
      action: 'park', version: c.version, reason: '需协调', reviewDate: '2000-01-01',
    });
    expect(expectError(past, 422).code).toBe('REVIEW_DATE_PAST');
    c = await act(w, 'dispatcher', c, 'park', { reason: '需多部门协调', reviewDate: '2099-06-30' });
    expect(c).toMatchObject({ status: 'parked', parkedFrom: 'in_progress', parkReason: '需多部门协调', parkReviewDate: '2099-06-30', light: 'none' });
    expect(c.allowedActions).toContain('unpark');
    c = await act(w, 'dispatcher', c, 'unpark');
    expect(c).toMatchObject({ status: 'in_progress', parkedFrom: null, teamId });
  });

  it('escalates one level at a time up to the district, and hands back down to the grid only', async () => {
    let c = await createCase(w);
    const noReason = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'escalate', version: 1 });
    expect(expectError(noReason, 400).code).toBe('MISSING_FIELD');
    const down = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'hand_down', version: 1 });
    expect(down.statusCode).toBe(409);
    expect(down.json().code).toBe('ILLEGAL_TRANSITION');
    for (const level of ['zone', 'street', 'district']) {
      c = await act(w, 'dispatcher', c, 'escalate', { reason: '超出处置能力' });
      expect(c).toMatchObject({ escalationLevel: level, status: 'reported' });
    }
    const beyond = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'escalate', version: c.version, reason: '再升' });
    expect(beyond.statusCode).toBe(409);
    expect(beyond.json().allowed).not.toContain('escalate');
    c = await act(w, 'dispatcher', c, 'hand_down', { note: '退回街道' });
    expect(c.escalationLevel).toBe('street');
    const t = (await as(w, 'dispatcher', 'GET', `/api/cases/${c.id}/timeline`)).json() as TimelineResponse;
    expect(t.items.filter((e) => e.type === 'case.escalated')).toHaveLength(3);
  });

  it('answers 409 with the allowed actions to an illegal transition', async () => {
    const c = await createCase(w);
    const res = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'close', version: 1 });
    expect(res.statusCode).toBe(409);
    const body = res.json();
    expect(body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'ILLEGAL_TRANSITION' });
    expect(body.allowed).toEqual(expect.arrayContaining(['file', 'void', 'escalate']));
    expect(body.allowed).not.toContain('close');
    const row = await w.db.pool.query('SELECT status, version FROM cases WHERE id = $1', [c.id]);
    expect(row.rows[0]).toEqual({ status: 'reported', version: 1 });
  });

  it('answers 403 when the role may not take the action, with what it may do', async () => {
    const c = await createCase(w);
    const res = await as(w, 'worker', 'POST', `/api/cases/${c.id}/actions`, { action: 'file', version: 1 });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN_ACTION');
  });

  it('two concurrent actions on one version: exactly one wins, the other gets 409 with the current case', async () => {
    const c = await createCase(w);
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        as(w, i % 2 ? 'admin' : 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'file', version: 1, note: `try ${i}` }),
      ),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 409, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409)) {
      expect(r.json()).toMatchObject({ code: 'VERSION_CONFLICT', current: { id: c.id, version: 2, status: 'filed' } });
    }
    const ev = await w.db.pool.query(`SELECT count(*)::int AS n FROM event WHERE case_id = $1 AND type = 'case.updated'`, [c.id]);
    expect(ev.rows[0].n).toBe(1);
  });

  it('a stale version is refused with the current case', async () => {
    let c = await createCase(w);
    const stale = c;
    c = await act(w, 'dispatcher', c, 'file');
    const res = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'escalate', version: stale.version, reason: 'x' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'VERSION_CONFLICT', current: { version: 2 } });
  });

  it('unknown case ids are 404, bad ids and bodies 400', async () => {
    expectError(await as(w, 'dispatcher', 'GET', '/api/cases/99999999'), 404);
    expectError(await as(w, 'dispatcher', 'POST', '/api/cases/99999999/actions', { action: 'file', version: 1 }), 404);
    expectError(await as(w, 'dispatcher', 'GET', '/api/cases/abc'), 400);
    expectError(await as(w, 'dispatcher', 'GET', '/api/cases/0'), 400);
    expectError(await as(w, 'dispatcher', 'POST', '/api/cases/1/actions', { action: 'explode', version: 1 }), 400);
    expectError(await as(w, 'dispatcher', 'POST', '/api/cases/1/actions', { action: 'file', version: '1' }), 400);
  });
});

describe('personal data', () => {
  let c: Case;
  beforeAll(async () => {
    c = await createCase(w, { source: 'grid_worker' }, 'worker');
  });

  async function accessRows(username: string): Promise<number> {
    const { rows } = await w.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM personal_data_access p JOIN app_user u ON u.id = p.user_id
       WHERE u.username = $1 AND p.subject = $2`,
      [username, `case:${c.id}`],
    );
    return rows[0]!.n;
  }

  it('is shown to the dispatcher, and the read is logged', async () => {
    const before = await accessRows('dispatcher');
    const one = (await as(w, 'dispatcher', 'GET', `/api/cases/${c.id}`)).json() as Case;
    expect(one).toMatchObject({ reporterName: '张三', reporterPhone: '13800000000' });
    expect(await accessRows('dispatcher')).toBe(before + 1);
    const list = (await as(w, 'dispatcher', 'GET', `/api/cases?grid=${w.home.grid}&limit=500`)).json() as CaseListResponse;
    expect(list.items.find((x) => x.id === c.id)?.reporterPhone).toBe('13800000000');
    expect(await accessRows('dispatcher')).toBe(before + 2);
    const log = await w.db.pool.query(`SELECT fields, route FROM personal_data_access WHERE subject = $1 ORDER BY id DESC LIMIT 1`, [`case:${c.id}`]);
    expect(log.rows[0]).toEqual({ fields: ['reporterName', 'reporterPhone'], route: 'GET /api/cases' });
  });

  it('is shown to the handler of the case department', async () => {
    const one = (await as(w, 'handler', 'GET', `/api/cases/${c.id}`)).json() as Case;
    expect(one.reporterName).toBe('张三');
    expect(await accessRows('handler')).toBe(1);
  });

  it('is hidden from leader, worker and wall, and nothing is logged for them', async () => {
    for (const role of ['leader', 'worker', 'wall'] as const) {
      const one = (await as(w, role, 'GET', `/api/cases/${c.id}`)).json() as Record<string, unknown>;
      expect(one.id).toBe(c.id);
      expect(one).not.toHaveProperty('reporterName');
      expect(one).not.toHaveProperty('reporterPhone');
      const list = await as(w, role, 'GET', '/api/cases?limit=500');
      expect(list.body).not.toContain('13800000000');
      expect(list.body).not.toContain('张三');
      expect(await accessRows(role)).toBe(0);
    }
  });
});

describe('lists and scope', () => {
  it('filters and pages', async () => {
    const all = (await as(w, 'leader', 'GET', '/api/cases?limit=2')).json() as CaseListResponse;
    expect(all.items).toHaveLength(2);
    expect(all.total).toBeGreaterThan(5);
    expect(all.limit).toBe(2);
    const next = (await as(w, 'leader', 'GET', '/api/cases?limit=2&offset=2')).json() as CaseListResponse;
    expect(next.items[0]!.id).not.toBe(all.items[0]!.id);
    const closed = (await as(w, 'leader', 'GET', '/api/cases?status=closed')).json() as CaseListResponse;
    expect(closed.total).toBe(1);
    const q = (await as(w, 'leader', 'GET', `/api/cases?q=${encodeURIComponent('暴露')}&street=${w.home.street}&category=01`)).json() as CaseListResponse;
    expect(q.total).toBe(all.total);
    const none = (await as(w, 'leader', 'GET', '/api/cases?q=%25%25nothing_like_this')).json() as CaseListResponse;
    expect(none.total).toBe(0);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const period = (await as(w, 'leader', 'GET', `/api/cases?from=${today}&to=${today}`)).json() as CaseListResponse;
    expect(period.total).toBe(all.total);
  });

  it('refuses bad filters with 400', async () => {
    for (const qs of ['limit=501', 'limit=0', 'offset=-1', 'status=done', 'street=12', 'from=yesterday', 'from=2026-02-30', 'from=2026-03-02&to=2026-03-01', 'light=blue', 'foo=1', 'limit=1&limit=2']) {
      const res = await as(w, 'leader', 'GET', `/api/cases?${qs}`);
      expect(res.statusCode, qs).toBe(400);
      expectError(res, 400);
    }
  });

  it('handlers see their department, workers their grids', async () => {
    const other = await w.db.pool.query<{ lon: number; lat: number }>(
      `SELECT ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat FROM area a
       WHERE a.level = 'grid' AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.username = 'worker' AND a.code = ANY(u.grid_codes))
       ORDER BY a.code LIMIT 1`,
    );
    const elsewhere = await createCase(w, { ...other.rows[0], categoryCode: '01003' }); // 占道经营 → ZFJ
    const handler = (await as(w, 'handler', 'GET', '/api/cases?limit=500')).json() as CaseListResponse;
    expect(handler.items.every((x) => x.departmentCode === 'CGJ')).toBe(true);
    expectError(await as(w, 'handler', 'GET', `/api/cases/${elsewhere.id}`), 404);
    const worker = (await as(w, 'worker', 'GET', '/api/cases?limit=500')).json() as CaseListResponse;
    expect(worker.items.every((x) => x.gridCode === w.home.grid || x.gridCode !== elsewhere.gridCode)).toBe(true);
    expect(worker.items.some((x) => x.id === elsewhere.id)).toBe(false);
    expectError(await as(w, 'worker', 'GET', `/api/cases/${elsewhere.id}/timeline`), 404);
  });
});
