/** Units and accounts managed by the admin: roles per route, create/edit/deactivate, scope refusals, sessions, audit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { Account, AccountList, Unit, UnitList } from '@gridcommand/shared/schemas';
import { expectError } from './api-expect.ts';
import { caseWorld, login, sessionCookie, type CaseWorld, type TestRole } from './cases-helpers.ts';

let w: CaseWorld;
let zone: Unit;
let street: Unit;
let community: Unit;
let communityGrids: string[];
let otherGrid: string;

function call(who: TestRole | string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  const cookie = who === null ? undefined : who in w.cookies ? w.cookies[who as TestRole] : who;
  return w.app.inject({
    method,
    url,
    headers: { ...(cookie ? { cookie } : {}), 'x-gc-csrf': '1' },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

async function fingerprint(): Promise<string> {
  const { rows } = await w.db.pool.query<{ f: string }>(
    `SELECT (SELECT count(*) FROM app_user) || '/' || (SELECT sum(version) FROM app_user) || '/' || (SELECT count(*) FROM audit_log)
            || '/' || (SELECT count(*) FROM department) || '/' || (SELECT count(*) FROM user_session) AS f`,
  );
  return rows[0]!.f;
}

async function create(body: Record<string, unknown>): Promise<Account> {
  const res = await call('admin', 'POST', '/api/admin/accounts', { password: 'a-long-password', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Account;
}

beforeAll(async () => {
  w = await caseWorld();
  const units = (await call('admin', 'GET', '/api/admin/units')).json() as UnitList;
  community = units.items.find((u) => u.kind === 'community' && u.grids >= 2)!;
  zone = units.items.find((u) => u.code === community.parentCode)!;
  street = units.items.find((u) => u.code === zone.parentCode)!;
  communityGrids = ((await call('admin', 'GET', `/api/admin/units/${community.code}/grids`)).json() as { items: { code: string }[] }).items.map((g) => g.code);
  const { rows } = await w.db.pool.query<{ code: string }>(`SELECT code FROM area WHERE level = 'grid' AND community_code <> $1 ORDER BY code LIMIT 1`, [community.code]);
  otherGrid = rows[0]!.code;
});

afterAll(async () => {
  await w?.close();
});

describe('who may call', () => {
  const ROUTES: [string, 'GET' | 'POST' | 'PATCH', unknown?][] = [
    ['/api/admin/units', 'GET'],
    ['/api/admin/units/CGJ/grids', 'GET'],
    ['/api/admin/departments', 'POST', { code: 'ZZZ', name: '测试局', nameEn: 'Test Bureau' }],
    ['/api/admin/accounts', 'GET'],
    ['/api/admin/accounts', 'POST', { username: 'nobody', displayName: 'x', role: 'leader', unitCode: 'CGJ', password: 'a-long-password' }],
    ['/api/admin/accounts/1', 'PATCH', { version: 1, displayName: 'x' }],
  ];
  it.each(ROUTES)('%s %s: admin only', async (url, method, body) => {
    const before = await fingerprint();
    expectError(await call(null, method, url, body), 401);
    for (const role of ['leader', 'dispatcher', 'handler', 'worker', 'wall'] as const) {
      expect(expectError(await call(role, method, url, body), 403).code).toBe('FORBIDDEN_ROLE');
    }
    expect(await fingerprint()).toBe(before);
  });
});

describe('units', () => {
  it('lists every kind with parent codes, grids and account counts', async () => {
    const { items } = (await call('admin', 'GET', '/api/admin/units')).json() as UnitList;
    const kinds = new Set(items.map((u) => u.kind));
    expect([...kinds].sort()).toEqual(['community', 'department', 'district', 'street', 'zone']);
    const district = items.find((u) => u.kind === 'district')!;
    expect(district.parentCode).toBeNull();
    expect(district.accounts).toBeGreaterThanOrEqual(3); // admin, leader, dispatcher (made before units)
    expect(street.parentCode).toBe(district.code);
    expect(community.grids).toBe(communityGrids.length);
    const cgj = items.find((u) => u.code === 'CGJ')!;
    expect(cgj).toMatchObject({ kind: 'department', parentCode: district.code, nameEn: 'Urban Management Bureau', grids: 0 });
  });

  it('filters by kind and text', async () => {
    const deps = (await call('admin', 'GET', '/api/admin/units?kind=department')).json() as UnitList;
    expect(deps.items.every((u) => u.kind === 'department')).toBe(true);
    const found = (await call('admin', 'GET', `/api/admin/units?q=${encodeURIComponent(zone.name)}`)).json() as UnitList;
    expect(found.items.map((u) => u.code)).toContain(zone.code);
  });

  it('adds a department, audited; a taken code is 409', async () => {
    const res = await call('admin', 'POST', '/api/admin/departments', { code: 'WGJ', name: '网格管理局', nameEn: 'Grid Bureau' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ code: 'WGJ', kind: 'department', name: '网格管理局', nameEn: 'Grid Bureau', accounts: 0 });
    const before = await fingerprint();
    expect(expectError(await call('admin', 'POST', '/api/admin/departments', { code: 'WGJ', name: '重复', nameEn: 'Again' }), 409).code).toBe('DEPARTMENT_EXISTS');
    expectError(await call('admin', 'POST', '/api/admin/departments', { code: 'wg1', name: '错', nameEn: 'Bad' }), 400);
    expect(await fingerprint()).toBe(before);
    const { rows } = await w.db.pool.query(`SELECT object_id FROM audit_log WHERE action = 'department.created'`);
    expect(rows).toEqual([{ object_id: 'WGJ' }]);
  });
});

describe('accounts', () => {
  let dispatcher: Account;

  it('creates a 管区 dispatcher who can sign in; never a hash on the wire; audited', async () => {
    dispatcher = await create({ username: 'zone.disp', displayName: '管区调度员', role: 'dispatcher', unitCode: zone.code });
    expect(dispatcher).toMatchObject({ username: 'zone.disp', role: 'dispatcher', unitCode: zone.code, unitKind: 'zone', gridCodes: [], active: true, version: 1 });
    expect(JSON.stringify(dispatcher)).not.toMatch(/scrypt|password/i);
    const res = await login(w.app, 'zone.disp', 'a-long-password');
    expect(res.statusCode, res.body).toBe(200);
    const { rows } = await w.db.pool.query<{ detail: Record<string, unknown> }>(`SELECT detail FROM audit_log WHERE action = 'account.created' AND object_id = $1`, [String(dispatcher.id)]);
    expect(rows[0]!.detail).toMatchObject({ username: 'zone.disp', role: 'dispatcher', unit: zone.code });
    expect(JSON.stringify(rows[0]!.detail)).not.toMatch(/a-long-password|scrypt/);
  });

  it('creates a worker with grids of the community and a handler with the department code', async () => {
    const worker = await create({ username: 'c.worker', displayName: '网格员甲', role: 'worker', unitCode: community.code, gridCodes: [communityGrids[1], communityGrids[0]] });
    expect(worker.gridCodes).toEqual([communityGrids[0], communityGrids[1]].sort());
    const handler = await create({ username: 'wgj.handler', displayName: '处置员', role: 'handler', unitCode: 'WGJ' });
    expect(handler).toMatchObject({ unitKind: 'department', departmentCode: 'WGJ' });
  });

  it.each([
    ['a worker in a zone', () => ({ username: 'x1', role: 'worker', unitCode: zone.code, gridCodes: [communityGrids[0]] }), 'ROLE_NOT_ALLOWED'],
    ['an admin in a street', () => ({ username: 'x2', role: 'admin', unitCode: street.code }), 'ROLE_NOT_ALLOWED'],
    ['a dispatcher in a department', () => ({ username: 'x3', role: 'dispatcher', unitCode: 'CGJ' }), 'ROLE_NOT_ALLOWED'],
    ['a worker with a grid elsewhere', () => ({ username: 'x4', role: 'worker', unitCode: community.code, gridCodes: [otherGrid] }), 'GRID_OUTSIDE_UNIT'],
    ['a worker without grids', () => ({ username: 'x5', role: 'worker', unitCode: community.code }), 'GRIDS_REQUIRED'],
    ['a leader with grids', () => ({ username: 'x6', role: 'leader', unitCode: community.code, gridCodes: [communityGrids[0]] }), 'GRIDS_NOT_ALLOWED'],
    ['a short password', () => ({ username: 'x7', role: 'leader', unitCode: zone.code, password: '123456789' }), 'PASSWORD_TOO_SHORT'],
    ['a bad username', () => ({ username: 'Li Ming', role: 'leader', unitCode: zone.code }), 'BAD_USERNAME'],
    ['an unknown unit', () => ({ username: 'x8', role: 'leader', unitCode: '999999999' }), 'UNKNOWN_UNIT'],
  ] as [string, () => Record<string, unknown>, string][])('refuses %s with 422 and changes nothing', async (_name, body, code) => {
    const before = await fingerprint();
    const res = await call('admin', 'POST', '/api/admin/accounts', { displayName: '某人', password: 'a-long-password', ...body() });
    expect(expectError(res, 422).code).toBe(code);
    expect(await fingerprint()).toBe(before);
  });

  it('a taken username is 409', async () => {
    const before = await fingerprint();
    const res = await call('admin', 'POST', '/api/admin/accounts', { username: 'zone.disp', displayName: '又一个', role: 'leader', unitCode: zone.code, password: 'a-long-password' });
    expect(expectError(res, 409).code).toBe('USERNAME_TAKEN');
    expect(await fingerprint()).toBe(before);
  });

  it('lists the accounts of a unit and below, by role, text and state, paged', async () => {
    const list = async (q: string) => (await call('admin', 'GET', `/api/admin/accounts?${q}`)).json() as AccountList;
    expect((await list(`unit=${street.code}`)).items.map((a) => a.username)).toEqual(expect.arrayContaining(['zone.disp', 'c.worker']));
    expect((await list(`unit=${street.code}&below=false`)).items.map((a) => a.username)).not.toContain('zone.disp');
    const workers = (await list(`unit=${zone.code}&role=worker`)).items;
    expect(workers.map((a) => a.username)).toContain('c.worker');
    expect(workers.every((a) => a.role === 'worker')).toBe(true);
    expect((await list('q=ZONE.D')).items.map((a) => a.username)).toEqual(['zone.disp']);
    const page = await list('limit=2&offset=1');
    expect(page.items).toHaveLength(2);
    expect(page.total).toBeGreaterThan(5);
    const all = await list('limit=200');
    expect(all.items.map((a) => a.role)).not.toContain('wall');
    expect(all.items.map((a) => a.role)).not.toContain('public');
    expect(JSON.stringify(all)).not.toMatch(/scrypt/);
    // the admin's own login shows
    expect(all.items.find((a) => a.username === 'admin')!.lastLoginAt).not.toBeNull();
  });

  it('edits with the version; a stale edit is 409 with the current account', async () => {
    const res = await call('admin', 'PATCH', `/api/admin/accounts/${dispatcher.id}`, { version: 1, displayName: '管区调度员（夜班）' });
    expect(res.statusCode, res.body).toBe(200);
    dispatcher = res.json() as Account;
    expect(dispatcher).toMatchObject({ displayName: '管区调度员（夜班）', version: 2 });
    const before = await fingerprint();
    const stale = await call('admin', 'PATCH', `/api/admin/accounts/${dispatcher.id}`, { version: 1, displayName: 'old' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'STALE_EDIT', current: { version: 2 } });
    expect(await fingerprint()).toBe(before);
  });

  it('refuses an edit out of scope with 422 and changes nothing', async () => {
    const before = await fingerprint();
    const res = await call('admin', 'PATCH', `/api/admin/accounts/${dispatcher.id}`, { version: 2, role: 'worker', gridCodes: [communityGrids[0]] });
    expect(expectError(res, 422).code).toBe('ROLE_NOT_ALLOWED');
    const me = (await call('admin', 'GET', '/api/admin/accounts?q=admin')).json() as AccountList;
    const admin = me.items.find((a) => a.username === 'admin')!;
    const self = await call('admin', 'PATCH', `/api/admin/accounts/${admin.id}`, { version: admin.version, active: false });
    expect(expectError(self, 422).code).toBe('SELF_LOCKOUT');
    expectError(await call('admin', 'PATCH', '/api/admin/accounts/999999', { version: 1, active: false }), 404);
    expect(await fingerprint()).toBe(before);
  });

  it('a display-name edit keeps the session; deactivating ends it (401 next request), audited', async () => {
    const cookie = sessionCookie(await login(w.app, 'zone.disp', 'a-long-password'));
    expect((await call(cookie, 'GET', '/api/auth/me')).statusCode).toBe(200);
    const off = await call('admin', 'PATCH', `/api/admin/accounts/${dispatcher.id}`, { version: dispatcher.version, active: false });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ active: false, version: 3 });
    expectError(await call(cookie, 'GET', '/api/auth/me'), 401);
    expect((await login(w.app, 'zone.disp', 'a-long-password')).statusCode).toBe(401);
    const { rows } = await w.db.pool.query<{ detail: { changed: string[] } }>(`SELECT detail FROM audit_log WHERE action = 'account.deactivated' AND object_id = $1`, [String(dispatcher.id)]);
    expect(rows[0]!.detail.changed).toEqual(['active']);
  });

  it('moving a worker to another unit or role ends its sessions; a new password too, never audited as text', async () => {
    const list = (await call('admin', 'GET', '/api/admin/accounts?q=c.worker')).json() as AccountList;
    const worker = list.items[0]!;
    const cookie = sessionCookie(await login(w.app, 'c.worker', 'a-long-password'));
    const res = await call('admin', 'PATCH', `/api/admin/accounts/${worker.id}`, { version: worker.version, role: 'leader', unitCode: zone.code });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ role: 'leader', unitCode: zone.code, gridCodes: [] });
    expectError(await call(cookie, 'GET', '/api/auth/me'), 401);
    const cookie2 = sessionCookie(await login(w.app, 'c.worker', 'a-long-password'));
    const pw = await call('admin', 'PATCH', `/api/admin/accounts/${worker.id}`, { version: worker.version + 1, newPassword: 'another-long-one' });
    expect(pw.statusCode, pw.body).toBe(200);
    expectError(await call(cookie2, 'GET', '/api/auth/me'), 401);
    expect((await login(w.app, 'c.worker', 'another-long-one')).statusCode).toBe(200);
    const { rows } = await w.db.pool.query<{ detail: unknown }>(`SELECT detail FROM audit_log WHERE action = 'account.updated' AND object_id = $1 ORDER BY id`, [String(worker.id)]);
    expect(rows.map((r) => r.detail)).toMatchObject([{ changed: ['role', 'unitCode', 'gridCodes'] }, { changed: ['password'] }]);
    expect(JSON.stringify(rows)).not.toMatch(/another-long-one|scrypt/);
  });
});
