/**
 * The units' queues and the return path (docs/units.md): a case climbs community → zone → street by escalation and
 * comes back by hand-down, each level's queue holding it in turn while the lower ones still see it; a department
 * signs for or returns a dispatched case and the centre decides; role × unit scope of lists and actions; and every
 * tab's SQL agrees with the shared rule (inQueueTab) on the same cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_TABS, inQueueTab, queueTabsFor, escalationLevelAt, type CaseState, type QueueCase, type UnitKind } from '@gridcommand/shared/domain';
import type { Case, QueueList, QueueSummary } from '@gridcommand/shared/schemas';
import { PASSWORD, act, as, caseWorld, createCase, login, sessionCookie, type CaseWorld } from './cases-helpers.ts';
import { hashPassword } from '../src/modules/auth/passwords.ts';
import { upsertUser } from '../src/modules/auth/repository.ts';

let w: CaseWorld;
const unitCookies: Record<string, string> = {};
let dept: string;

type Unit = 'community' | 'zone' | 'street';

function asUnit(who: Unit, method: 'GET' | 'POST', url: string, payload?: unknown) {
  return w.app.inject({ method, url, headers: { cookie: unitCookies[who]!, 'x-gc-csrf': '1' }, ...(payload !== undefined ? { payload: payload as object } : {}) });
}

async function unitAct(who: Unit, c: Case, action: string, extra: Record<string, unknown> = {}): Promise<Case> {
  const res = await asUnit(who, 'POST', `/api/cases/${c.id}/actions`, { action, version: c.version, ...extra });
  expect(res.statusCode, `${action} as ${who}: ${res.body}`).toBe(200);
  return res.json() as Case;
}

async function tabIds(who: Unit | 'handler' | 'dispatcher', tab: string, unit?: string): Promise<number[]> {
  const url = `/api/queues/${tab}${unit ? `?unit=${unit}` : ''}`;
  const res = who === 'handler' || who === 'dispatcher' ? await as(w, who, 'GET', url) : await asUnit(who, 'GET', url);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as QueueList).items.map((c) => c.id);
}

beforeAll(async () => {
  w = await caseWorld();
  for (const u of ['community', 'zone', 'street'] as const) {
    const res = await login(w.app, u, PASSWORD);
    expect(res.statusCode, res.body).toBe(200);
    unitCookies[u] = sessionCookie(res);
  }
  const { rows } = await w.db.pool.query<{ department_code: string }>(`SELECT department_code FROM app_user WHERE username = 'handler'`);
  dept = rows[0]!.department_code;
});
afterAll(() => w?.close());

describe('the escalation ladder moves a case between the queues', () => {
  it('community → zone → street and back down; each level holds it in turn, the lower ones still see it', async () => {
    let c = await createCase(w, { title: '井盖缺失' });
    expect(c.holderCode).toBe(w.home.community);
    expect(await tabIds('community', 'holding')).toContain(c.id);
    expect(await tabIds('zone', 'holding')).not.toContain(c.id);

    // the zone sees the case (its area) but cannot work it while the community holds it
    const early = await asUnit('zone', 'POST', `/api/cases/${c.id}/actions`, { action: 'escalate', reason: '越级', version: c.version });
    expect(early.statusCode, early.body).toBe(403);
    expect(early.json().code).toBe('NOT_HOLDER');

    c = await unitAct('community', c, 'escalate', { reason: '社区无执法权' });
    expect(c.escalationLevel).toBe('zone');
    expect(c.holderCode).toBe(w.home.zone);
    expect(await tabIds('zone', 'holding')).toContain(c.id);
    expect(await tabIds('community', 'holding')).not.toContain(c.id);
    expect(await tabIds('community', 'escalated_up')).toContain(c.id);
    // the community reads it, and may no longer act on it
    const seen = await asUnit('community', 'GET', `/api/cases/${c.id}`);
    expect(seen.statusCode).toBe(200);
    expect((seen.json() as Case).allowedActions).toEqual([]);

    c = await unitAct('zone', c, 'escalate', { reason: '需街道协调多部门' });
    expect(c.holderCode).toBe(w.home.street);
    expect(await tabIds('street', 'holding')).toContain(c.id);
    expect(await tabIds('zone', 'escalated_up')).toContain(c.id);
    expect(await tabIds('community', 'escalated_up')).toContain(c.id);

    c = await unitAct('street', c, 'hand_down', { reason: '管区牵头处理' });
    expect(c.holderCode).toBe(w.home.zone);
    expect(await tabIds('zone', 'holding')).toContain(c.id);
    expect(await tabIds('street', 'holding')).not.toContain(c.id);

    // the summary counts agree with the lists
    const sum = (await asUnit('zone', 'GET', '/api/queues')).json() as QueueSummary;
    expect(sum.unit).toMatchObject({ code: w.home.zone, kind: 'zone' });
    expect(sum.tabs.map((t) => t.tab)).toEqual([...queueTabsFor('zone')]);
    expect(sum.tabs.find((t) => t.tab === 'holding')!.total).toBe((await tabIds('zone', 'holding')).length);
  });
});

describe('sign-for and return (签收 / 退单) with the centre deciding', () => {
  it('return → rejected → signed for; the deadline and the clocks never move', async () => {
    let c = await createCase(w, { title: '占道经营' });
    c = await act(w, 'dispatcher', c, 'file');
    c = await act(w, 'dispatcher', c, 'dispatch', { departmentCode: dept });
    expect(c.signBy, 'a department gets a sign-for deadline').not.toBeNull();
    const { signBy, resolveBy, respondBy } = c;
    expect(await tabIds('handler', 'to_sign')).toContain(c.id);

    // a return needs a reason
    const bare = await as(w, 'handler', 'POST', `/api/cases/${c.id}/actions`, { action: 'return', version: c.version });
    expect(bare.statusCode).toBe(400);
    c = await act(w, 'handler', c, 'return', { reason: '不属于本部门职责：应由市场监管处理' });
    expect(c).toMatchObject({ status: 'returned', returnCount: 1, returnedBy: dept, departmentCode: dept });
    expect(await tabIds('handler', 'returned_by_us')).toContain(c.id);
    expect(await tabIds('handler', 'to_sign')).not.toContain(c.id);
    expect(await tabIds('community', 'returns')).toContain(c.id);
    expect(await tabIds('dispatcher', 'returns', w.home.community)).toContain(c.id);

    // the department cannot decide on its own return; the centre rejects it (a reason is required)
    const self = await as(w, 'handler', 'POST', `/api/cases/${c.id}/actions`, { action: 'approve_return', version: c.version });
    expect(self.statusCode).toBe(403);
    const noReason = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'reject_return', version: c.version });
    expect(noReason.statusCode).toBe(400);
    c = await act(w, 'dispatcher', c, 'reject_return', { reason: '占道经营属城管职责，请签收' });
    expect(c).toMatchObject({ status: 'dispatched', departmentCode: dept, signBy, resolveBy, respondBy });
    expect(await tabIds('handler', 'to_sign')).toContain(c.id);

    c = await act(w, 'handler', c, 'accept');
    expect(c.status).toBe('in_progress');
    expect(await tabIds('handler', 'handling')).toContain(c.id);
  });

  it('return → approved: the department loses the case and the centre dispatches it again', async () => {
    let c = await createCase(w, { title: '违规广告牌' });
    c = await act(w, 'dispatcher', c, 'file');
    c = await act(w, 'dispatcher', c, 'dispatch', { departmentCode: dept });
    c = await act(w, 'handler', c, 'return', { reason: '无执法依据', photos: [] });
    c = await act(w, 'dispatcher', c, 'approve_return', { reason: '同意，改派' });
    expect(c).toMatchObject({ status: 'filed', departmentCode: null, signBy: null, returnCount: 1, returnedBy: dept });
    expect((await as(w, 'handler', 'GET', `/api/cases/${c.id}`)).statusCode, 'out of the department’s scope now').toBe(404);
    const { rows } = await w.db.pool.query<{ code: string }>(`SELECT code FROM department WHERE code <> $1 ORDER BY code LIMIT 1`, [dept]);
    c = await act(w, 'dispatcher', c, 'dispatch', { departmentCode: rows[0]!.code });
    expect(c.status).toBe('dispatched');
    expect(c.returnCount).toBe(1);
  });

  it('a refused action changes nothing', async () => {
    const c = await createCase(w, { title: '路灯不亮' });
    const before = await w.db.pool.query('SELECT version, status, return_count FROM cases WHERE id = $1', [c.id]);
    const res = await as(w, 'handler', 'POST', `/api/cases/${c.id}/actions`, { action: 'return', reason: 'x', version: c.version });
    expect([403, 409]).toContain(res.statusCode);
    const after = await w.db.pool.query('SELECT version, status, return_count FROM cases WHERE id = $1', [c.id]);
    expect(after.rows).toEqual(before.rows);
  });
});

describe('first-receiver leads (首接负责): one lead department, helping departments', () => {
  it('a helper sees and follows the case in its 协办 tab; only the lead acts', async () => {
    const { rows } = await w.db.pool.query<{ code: string }>(`SELECT code FROM department WHERE code <> $1 ORDER BY code LIMIT 1`, [dept]);
    const other = rows[0]!.code;
    await upsertUser(w.db.pool, { username: 'helper', displayName: '协办部门处置员', role: 'handler', passwordHash: await hashPassword(PASSWORD), departmentCode: other });
    const res = await login(w.app, 'helper', PASSWORD);
    const helper = sessionCookie(res);
    const asHelper = (method: 'GET' | 'POST', url: string, payload?: object) =>
      w.app.inject({ method, url, headers: { cookie: helper, 'x-gc-csrf': '1' }, ...(payload ? { payload } : {}) });

    let c = await createCase(w, { title: '多部门联合整治' });
    c = await act(w, 'dispatcher', c, 'file');
    c = await act(w, 'dispatcher', c, 'dispatch', { departmentCode: dept });
    c = await act(w, 'handler', c, 'accept');
    expect((await asHelper('GET', `/api/cases/${c.id}`)).statusCode, 'not a helper yet').toBe(404);

    for (const [departmentCode, code] of [[dept, 'HELPER_IS_LEAD'], ['ZZZ', 'DEPARTMENT_NOT_FOUND']] as const) {
      const bad = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'add_helper', departmentCode, version: c.version });
      expect(bad.statusCode, bad.body).toBe(422);
      expect(bad.json().code).toBe(code);
    }
    c = await act(w, 'dispatcher', c, 'add_helper', { departmentCode: other });
    expect(c).toMatchObject({ departmentCode: dept, helperDepartments: [other], status: 'in_progress' });

    const seen = await asHelper('GET', `/api/cases/${c.id}`);
    expect(seen.statusCode).toBe(200);
    expect((seen.json() as Case).allowedActions).toEqual([]);
    const queue = await asHelper('GET', '/api/queues/assisting');
    expect((queue.json() as QueueList).items.map((x) => x.id)).toContain(c.id);
    const refused = await asHelper('POST', `/api/cases/${c.id}/actions`, { action: 'handle', version: c.version });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('NOT_LEAD');
    c = await act(w, 'handler', c, 'handle');
    expect(c.status).toBe('handled');
    expect((await asHelper('GET', '/api/queues/assisting')).json().items.map((x: Case) => x.id)).not.toContain(c.id);
  });
});

describe('who sees and looks at which queue', () => {
  it('a unit lists only its area; ?unit= looks down, never up or sideways', async () => {
    const list = await asUnit('zone', 'GET', '/api/cases?limit=200');
    expect(list.statusCode).toBe(200);
    for (const c of (list.json() as { items: Case[] }).items) expect(c.zoneCode).toBe(w.home.zone);

    const down = await asUnit('street', 'GET', `/api/queues?unit=${w.home.zone}`);
    expect(down.statusCode, down.body).toBe(200);
    const up = await asUnit('zone', 'GET', `/api/queues?unit=${w.home.street}`);
    expect(up.statusCode).toBe(403);
    expect(up.json().code).toBe('UNIT_OUTSIDE_SCOPE');
    const sideways = await asUnit('community', 'GET', `/api/queues?unit=${dept}`);
    expect(sideways.statusCode).toBe(403);
    expect((await as(w, 'dispatcher', 'GET', '/api/queues?unit=999999999')).statusCode).toBe(404);
    expect((await as(w, 'handler', 'GET', '/api/queues/holding')).statusCode, 'a department has no holding tab').toBe(404);
    for (const role of ['worker', 'wall'] as const) expect((await as(w, role, 'GET', '/api/queues')).statusCode).toBe(403);
    expect((await w.app.inject({ method: 'GET', url: '/api/queues' })).statusCode).toBe(401);
  });
});

describe('role × unit × endpoint: who sees and who changes a case the 管区 holds', () => {
  type Who = 'dispatcher' | 'leader' | 'worker' | 'wall' | Unit;
  // [who, GET /api/cases/:id, may escalate it (allowedActions), GET /api/queues?unit=<the zone>, a case of another street]
  const TABLE: [Who, number, boolean, number, number][] = [
    ['dispatcher', 200, true, 200, 200],
    ['leader', 200, false, 200, 200],
    ['street', 200, false, 200, 404],
    ['zone', 200, true, 200, 404],
    ['community', 200, false, 403, 404],
    ['worker', 200, false, 403, 404],
    ['wall', 200, false, 403, 200],
  ];
  let held: Case;
  let elsewhere: Case;
  beforeAll(async () => {
    held = await createCase(w, { title: '管区持有的案件' });
    held = await act(w, 'dispatcher', held, 'escalate', { reason: '提请管区协调' });
    const { rows } = await w.db.pool.query<{ lon: number; lat: number }>(
      `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM area WHERE level = 'grid' AND street_code <> $1 ORDER BY code LIMIT 1`,
      [w.home.street],
    );
    elsewhere = await createCase(w, { title: '另一街道的案件', lon: rows[0]!.lon, lat: rows[0]!.lat });
  });
  it.each(TABLE)('%s', async (who, see, escalates, queue, other) => {
    const get = (url: string) => (who === 'community' || who === 'zone' || who === 'street' ? asUnit(who, 'GET', url) : as(w, who, 'GET', url));
    const res = await get(`/api/cases/${held.id}`);
    expect(res.statusCode).toBe(see);
    if (see === 200) expect((res.json() as Case).allowedActions.includes('escalate')).toBe(escalates);
    expect((await get(`/api/queues?unit=${w.home.zone}`)).statusCode).toBe(queue);
    expect((await get(`/api/cases/${elsewhere.id}`)).statusCode).toBe(other);
  });
});

describe('every tab’s SQL agrees with inQueueTab', () => {
  it('on cases in every state and level, for each kind of unit', async () => {
    // more cases in other states and levels
    let a = await createCase(w, { title: '待核查' });
    a = await act(w, 'dispatcher', a, 'file');
    a = await act(w, 'dispatcher', a, 'dispatch', { departmentCode: dept });
    a = await act(w, 'handler', a, 'accept');
    a = await act(w, 'handler', a, 'handle');
    let b = await createCase(w, { title: '区级难事' });
    for (let i = 0; i < 3; i++) b = await act(w, 'dispatcher', b, 'escalate', { reason: '升级' });
    expect(b.holderCode).toBe(w.home.street.slice(0, 6));

    const { rows } = await w.db.pool.query<{
      id: number; status: CaseState; escalation_level: number; community_code: string; zone_code: string; street_code: string;
      department_code: string | null; returned_by: string | null; helper_departments: string[];
    }>(`SELECT id::int, status, escalation_level, community_code, zone_code, street_code, department_code, returned_by, helper_departments FROM cases`);
    const facts = rows.map((r) => ({
      id: r.id,
      c: {
        status: r.status, escalationLevel: escalationLevelAt(r.escalation_level)!, communityCode: r.community_code, zoneCode: r.zone_code,
        streetCode: r.street_code, departmentCode: r.department_code, returnedBy: r.returned_by, helperDepartments: r.helper_departments,
      } satisfies QueueCase,
    }));
    const units: { kind: UnitKind; code: string }[] = [
      { kind: 'community', code: w.home.community },
      { kind: 'zone', code: w.home.zone },
      { kind: 'street', code: w.home.street },
      { kind: 'district', code: w.home.street.slice(0, 6) },
      { kind: 'department', code: dept },
    ];
    let compared = 0;
    for (const unit of units) {
      for (const tab of QUEUE_TABS) {
        if (!queueTabsFor(unit.kind).includes(tab)) continue;
        const res = await as(w, 'admin', 'GET', `/api/queues/${tab}?unit=${unit.code}&limit=200`);
        expect(res.statusCode, res.body).toBe(200);
        const got = (res.json() as QueueList).items.map((c) => c.id).sort((x, y) => x - y);
        const want = facts.filter((f) => inQueueTab(tab, unit, f.c)).map((f) => f.id).sort((x, y) => x - y);
        expect(got, `${unit.kind} ${tab}`).toEqual(want);
        compared += want.length;
      }
    }
    expect(compared, 'the comparison saw cases').toBeGreaterThan(5);
  });
});
