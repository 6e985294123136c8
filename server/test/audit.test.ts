/** The audit trail: recorded actions, the one timeline with events and personal-data reads, filters, roles, no secrets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditPage } from '@gridcommand/shared/schemas';
import { PASSWORD, act, as, caseWorld, createCase, login, sessionCookie, type CaseWorld } from './cases-helpers.ts';
import { expectError } from './api-expect.ts';

let w: CaseWorld;
const started = new Date();

beforeAll(async () => {
  w = await caseWorld();
});
afterAll(async () => {
  await w?.close();
});

async function audit(query: string): Promise<AuditEntry[]> {
  const res = await as(w, 'admin', 'GET', `/api/admin/audit?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as AuditPage).items;
}

describe('recorded actions', () => {
  it('logins (with the username tried when they fail) and logouts', async () => {
    expect((await login(w.app, 'nobody-here', 'wrong-password-xyz')).statusCode).toBe(401);
    expect((await login(w.app, 'handler', 'wrong-password-abc')).statusCode).toBe(401);
    const ok = await login(w.app, 'handler');
    expect(ok.statusCode).toBe(200);
    const out = await w.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: sessionCookie(ok), 'x-gc-csrf': '1' } });
    expect(out.statusCode).toBe(204);
    const failed = await audit('action=auth.login_failed');
    expect(failed.map((r) => r.actor.username)).toEqual(expect.arrayContaining(['nobody-here', 'handler']));
    expect(failed.find((r) => r.actor.username === 'nobody-here')!.actor.id).toBeNull();
    expect(failed[0]!.address).toBeTruthy();
    const logins = await audit('action=auth.login&user=handler');
    expect(logins.map((r) => r.action)).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed']));
    const outs = await audit('action=auth.logout&user=handler');
    expect(outs).toHaveLength(1);
    expect(outs[0]).toMatchObject({ actor: { username: 'handler', role: 'handler' } });
  });

  it('wall tokens, API keys, the calendar, the public settings', async () => {
    const token = await as(w, 'admin', 'POST', '/api/admin/wall-tokens', { name: '指挥大厅 审计屏' });
    expect(token.statusCode, token.body).toBe(201);
    const key = await as(w, 'admin', 'POST', '/api/admin/api-keys', { name: '审计测试应用', ratePerMinute: 10 });
    expect(key.statusCode, key.body).toBe(201);
    const keyId = (key.json() as { id: number }).id;
    expect((await as(w, 'admin', 'DELETE', `/api/admin/api-keys/${keyId}`)).statusCode).toBe(200);
    expect((await as(w, 'admin', 'PUT', '/api/admin/calendar/2099', { days: [{ date: '2099-01-01', kind: 'holiday', name: '元旦' }] })).statusCode).toBe(200);
    const settings = await as(w, 'admin', 'PUT', '/api/admin/public-settings', { pointRules: { validReport: 10, firstReporter: 5, follow: 2 }, sensitiveMajors: ['04'] });
    expect(settings.statusCode, settings.body).toBe(200);
    const rows = await audit('user=admin&limit=50');
    const actions = rows.map((r) => r.action);
    for (const a of ['wall_token.create', 'api_key.create', 'api_key.revoke', 'calendar.update', 'public_settings.update']) expect(actions).toContain(a);
    expect(rows.find((r) => r.action === 'api_key.revoke')).toMatchObject({ objectType: 'api_key', objectId: String(keyId), actor: { username: 'admin', role: 'admin' } });
    expect(rows.find((r) => r.action === 'calendar.update')).toMatchObject({ objectType: 'calendar', objectId: '2099' });
  });
});

describe('the one timeline', () => {
  it('shows a case created and filed with its actor, and a staff-phone read', async () => {
    const c = await createCase(w);
    await act(w, 'dispatcher', c, 'file');
    const rows = await audit(`objectType=case&objectId=${c.id}&action=case.`);
    expect((await audit(`objectType=case&objectId=${c.id}`)).map((r) => r.action)).toContain('personal_data.read');
    expect(rows.map((r) => r.action)).toEqual(['case.updated', 'case.created']);
    expect(rows[1]!.actor).toMatchObject({ username: 'dispatcher', role: 'dispatcher' });
    const byArea = await audit(`area=${w.home.street}&action=case.`);
    expect(byArea.some((r) => r.objectId === String(c.id))).toBe(true);
    expect(await audit(`area=${w.home.grid}&action=case.created`)).not.toHaveLength(0);

    expect((await as(w, 'dispatcher', 'GET', `/api/dispatch/grids/${w.home.grid}/roster`)).statusCode).toBe(200);
    const reads = await audit('action=staff_phone.read&user=dispatcher');
    expect(reads[0]).toMatchObject({ objectType: 'grid', objectId: w.home.grid, actor: { username: 'dispatcher' } });
  });

  it('filters by user, action prefix and time, newest first, and pages with `next`', async () => {
    const all = await audit('limit=500');
    const times = all.map((r) => Date.parse(r.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect((await audit('action=auth.')).every((r) => r.action.startsWith('auth.'))).toBe(true);
    expect((await audit('user=dispatcher')).every((r) => r.actor.username === 'dispatcher')).toBe(true);
    expect(await audit(`to=${encodeURIComponent(new Date(started.getTime() - 3_600_000).toISOString())}&user=admin&action=auth.`)).toHaveLength(0);
    expect((await audit(`from=${encodeURIComponent(started.toISOString())}&action=auth.`)).length).toBeGreaterThan(0);

    const first = (await as(w, 'admin', 'GET', '/api/admin/audit?limit=3')).json() as AuditPage;
    expect(first.items).toHaveLength(3);
    const second = (await as(w, 'admin', 'GET', `/api/admin/audit?limit=3&before=${first.next}`)).json() as AuditPage;
    const keys = all.map((r) => r.key);
    expect([...first.items, ...second.items].map((r) => r.key)).toEqual(keys.slice(0, 6));
  });

  it('downloads the same rows as CSV', async () => {
    const res = await as(w, 'leader', 'GET', '/api/admin/audit.csv?action=auth.');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('时间');
    expect(lines.length - 1).toBe((await audit('action=auth.&limit=500')).length);
  });
});

describe('access and input', () => {
  it('admins and leaders read it; other roles 403, anonymous 401', async () => {
    expect((await as(w, 'leader', 'GET', '/api/admin/audit')).statusCode).toBe(200);
    for (const role of ['dispatcher', 'handler', 'worker', 'wall'] as const) {
      expectError(await as(w, role, 'GET', '/api/admin/audit'), 403);
      expectError(await as(w, role, 'GET', '/api/admin/audit.csv'), 403);
    }
    expectError(await w.app.inject({ method: 'GET', url: '/api/admin/audit' }), 401);
    expectError(await w.app.inject({ method: 'GET', url: '/api/admin/audit.csv' }), 401);
  });

  it('refuses bad filters with 400', async () => {
    for (const q of ['from=2026-02-30', 'from=2026-03-02&to=2026-03-01', 'action=nothing.', 'action=DROP', 'user=a%20b', 'user=99999999999', 'limit=501', 'before=xyz', 'area=12', 'objectId=a%27b', 'extra=1']) {
      expectError(await as(w, 'admin', 'GET', `/api/admin/audit?${q}`), 400);
    }
  });

  it('holds no password or token secret', async () => {
    const token = (await as(w, 'admin', 'POST', '/api/admin/wall-tokens', { name: '秘密检查屏' })).json() as { token: string };
    const key = (await as(w, 'admin', 'POST', '/api/admin/api-keys', { name: '秘密检查', ratePerMinute: 5 })).json() as { key: string };
    await login(w.app, 'leader', 'a-secret-password-typed-wrong');
    const { rows } = await w.db.pool.query<{ t: string }>('SELECT a::text AS t FROM audit_log a');
    const text = rows.map((r) => r.t).join('\n');
    for (const secret of [PASSWORD, 'a-secret-password-typed-wrong', 'wrong-password-xyz', token.token, key.key]) expect(text).not.toContain(secret);
    expect(text).toContain('秘密检查屏');
  });
});
