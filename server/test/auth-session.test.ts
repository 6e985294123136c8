/** Accounts and access: login/logout/me, cookies, rate limit, CSRF, wall tokens, and every route × role. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '@gridcommand/shared/schemas';
import { expectError } from './api-expect.ts';
import { PASSWORD, ROLES, as, caseWorld, createCase, login, newCaseBody, sessionCookie, type CaseWorld, type TestRole } from './cases-helpers.ts';

let w: CaseWorld;
let c: Case;

beforeAll(async () => {
  w = await caseWorld();
  c = await createCase(w, { source: 'grid_worker' }, 'worker');
});

afterAll(async () => {
  await w?.close();
});

describe('login, me, logout', () => {
  it('logs in with a session cookie and tells who is logged in', async () => {
    const res = await login(w.app, 'handler');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { user: Record<string, unknown> };
    expect(body.user).toMatchObject({ username: 'handler', role: 'handler', departmentCode: 'CGJ' });
    expect(Object.keys(body.user).sort()).toEqual(['departmentCode', 'displayName', 'gridCodes', 'id', 'role', 'username']);
    const raw = String(res.headers['set-cookie']);
    expect(raw).toMatch(/gc_session=[A-Za-z0-9_-]{43};/);
    expect(raw).toMatch(/HttpOnly/);
    expect(raw).toMatch(/SameSite=Strict/);
    expect(raw).toMatch(/Path=\//);
    expect(raw).not.toMatch(/Secure/);
    const me = await w.app.inject({ url: '/api/auth/me', headers: { cookie: sessionCookie(res) } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.username).toBe('handler');
  });

  it('stores only the SHA-256 of the session token', async () => {
    const res = await login(w.app, 'leader');
    const token = sessionCookie(res).split('=')[1]!;
    const { rows } = await w.db.pool.query('SELECT token_hash FROM user_session WHERE token_hash = $1', [token]);
    expect(rows).toHaveLength(0);
    const hashed = await w.db.pool.query(`SELECT 1 FROM user_session WHERE token_hash = encode(sha256($1::bytea), 'hex')`, [token]);
    expect(hashed.rowCount).toBe(1);
    const pw = await w.db.pool.query<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE username = 'leader'`);
    expect(pw.rows[0]!.password_hash).toMatch(/^scrypt\$/);
    expect(pw.rows[0]!.password_hash).not.toContain(PASSWORD);
  });

  it('gives the worker their grids', async () => {
    const me = await as(w, 'worker', 'GET', '/api/auth/me');
    const user = me.json().user as { gridCodes: string[]; role: string };
    expect(user.role).toBe('worker');
    expect(user.gridCodes).toContain(w.home.grid);
  });

  it('refuses a wrong password and an unknown user with the same 401', async () => {
    const a = expectError(await login(w.app, 'admin', 'wrong-password'), 401);
    const b = expectError(await login(w.app, 'nobody', 'wrong-password'), 401);
    expect(a.code).toBe('BAD_CREDENTIALS');
    expect(b.message).toBe(a.message);
  });

  it('answers 401 to /me without a session or with a forged one', async () => {
    expectError(await w.app.inject({ url: '/api/auth/me' }), 401);
    expectError(await w.app.inject({ url: '/api/auth/me', headers: { cookie: 'gc_session=forged-token-forged-token-forged' } }), 401);
  });

  it('logs out: the session is gone', async () => {
    const cookie = sessionCookie(await login(w.app, 'dispatcher'));
    const out = await w.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, 'x-gc-csrf': '1' } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/gc_session=;/);
    expectError(await w.app.inject({ url: '/api/auth/me', headers: { cookie } }), 401);
  });

  it('refuses bad login bodies with 400', async () => {
    expectError(await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin' } }), 400);
    expectError(await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 1, password: 2 } }), 400);
    expectError(
      await w.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' }),
      400,
    );
  });

  it('sets Secure on the cookie when configured', async () => {
    const w2 = await caseWorld({ cookieSecure: true });
    try {
      const res = await login(w2.app, 'admin');
      expect(String(res.headers['set-cookie'])).toMatch(/Secure/);
    } finally {
      await w2.close();
    }
  });
});

describe('login rate limit', () => {
  it('answers 429 in the error shape after too many attempts for one user', async () => {
    const w2 = await caseWorld({ loginRateLimit: 3 });
    try {
      // the set-up logged in once as admin: two wrong passwords make three attempts, the fourth is refused
      for (let i = 0; i < 2; i++) expectError(await login(w2.app, 'admin', 'wrong'), 401);
      const limited = expectError(await login(w2.app, 'admin', PASSWORD), 429);
      expect(limited.code).toBe('RATE_LIMITED');
      // another username from the same address is counted apart (the set-up logged in once each)
      expect((await login(w2.app, 'nobody', 'x')).statusCode).toBe(401);
    } finally {
      await w2.close();
    }
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated write without the header or a same-origin Origin', async () => {
    const res = await w.app.inject({ method: 'POST', url: '/api/cases', headers: { cookie: w.cookies.dispatcher }, payload: newCaseBody(w) });
    expect(expectError(res, 403).code).toBe('CSRF');
    const cross = await w.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: w.cookies.dispatcher, origin: 'https://evil.example' },
      payload: newCaseBody(w),
    });
    expect(expectError(cross, 403).code).toBe('CSRF');
    const count = await w.db.pool.query(`SELECT count(*)::int AS n FROM cases WHERE title = '小区门口暴露垃圾' AND source = 'hotline'`);
    expect(count.rows[0].n).toBe(0);
  });

  it('accepts the custom header or a same-origin Origin', async () => {
    const same = await w.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: w.cookies.dispatcher, origin: 'http://localhost:80' },
      payload: newCaseBody(w),
    });
    expect(same.statusCode, same.body).toBe(201);
    const hdr = await as(w, 'dispatcher', 'POST', '/api/cases', newCaseBody(w));
    expect(hdr.statusCode).toBe(201);
  });

  it('refuses logout across sites too', async () => {
    const res = await w.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: w.cookies.leader } });
    expect(expectError(res, 403).code).toBe('CSRF');
  });
});

describe('wall tokens', () => {
  let token: string;
  it('are created by the admin only', async () => {
    expect(expectError(await as(w, 'dispatcher', 'POST', '/api/admin/wall-tokens', { name: '大屏 1' }), 403).code).toBe('FORBIDDEN_ROLE');
    const res = await as(w, 'admin', 'POST', '/api/admin/wall-tokens', { name: '指挥大厅 1 号屏' });
    expect(res.statusCode, res.body).toBe(201);
    token = res.json().token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await w.db.pool.query('SELECT 1 FROM wall_token WHERE token_hash = $1', [token]);
    expect(stored.rowCount).toBe(0);
  });

  it('read as role wall with ?token= or a Bearer header', async () => {
    const q = await w.app.inject({ url: `/api/cases?token=${token}&limit=5` });
    expect(q.statusCode, q.body).toBe(200);
    const b = await w.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(b.json().user.role).toBe('wall');
    expect(b.json().via).toBe('token');
  });

  it('cannot write, and a wrong token is 401', async () => {
    const post = await w.app.inject({ method: 'POST', url: '/api/cases', headers: { authorization: `Bearer ${token}` }, payload: newCaseBody(w) });
    expect(expectError(post, 403).code).toBe('FORBIDDEN_ROLE');
    expectError(await w.app.inject({ url: `/api/cases?token=${'x'.repeat(43)}` }), 401);
  });
});

describe('every route refuses the wrong roles', () => {
  const all = ROLES;
  const table: { name: string; method: 'GET' | 'POST' | 'PUT'; url: () => string; body?: () => unknown; allowed: readonly TestRole[] }[] = [
    { name: '/api/auth/me', method: 'GET', url: () => '/api/auth/me', allowed: all },
    { name: '/api/admin/wall-tokens', method: 'POST', url: () => '/api/admin/wall-tokens', body: () => ({ name: 'x' }), allowed: ['admin'] },
    { name: '/api/admin/calendar/2026', method: 'GET', url: () => '/api/admin/calendar/2026', allowed: ['admin'] },
    { name: '/api/admin/calendar/2099', method: 'PUT', url: () => '/api/admin/calendar/2099', body: () => ({ days: [] }), allowed: ['admin'] },
    { name: '/api/cases', method: 'POST', url: () => '/api/cases', body: () => newCaseBody(w, { source: 'grid_worker' }), allowed: ['admin', 'dispatcher', 'worker'] },
    { name: '/api/cases', method: 'GET', url: () => '/api/cases', allowed: all },
    { name: '/api/cases/:id', method: 'GET', url: () => `/api/cases/${c.id}`, allowed: all },
    {
      name: '/api/cases/:id/actions', method: 'POST',
      url: () => `/api/cases/${c.id}/actions`,
      body: () => ({ action: 'file', version: 999 }),
      allowed: ['admin', 'dispatcher', 'handler', 'worker'],
    },
    { name: '/api/cases/:id/timeline', method: 'GET', url: () => `/api/cases/${c.id}/timeline`, allowed: ['admin', 'leader', 'dispatcher', 'handler', 'worker'] },
    { name: '/api/supervision', method: 'GET', url: () => '/api/supervision', allowed: ['admin', 'leader', 'dispatcher', 'handler', 'wall'] },
    { name: '/api/supervision/999999', method: 'GET', url: () => '/api/supervision/999999', allowed: ['admin', 'leader', 'dispatcher', 'handler', 'wall'] },
    { name: '/api/register', method: 'GET', url: () => '/api/register', allowed: ['admin', 'leader', 'dispatcher'] },
    { name: '/api/register.csv', method: 'GET', url: () => '/api/register.csv', allowed: ['admin', 'leader', 'dispatcher'] },
    { name: '/api/register.xlsx', method: 'GET', url: () => '/api/register.xlsx', allowed: ['admin', 'leader', 'dispatcher'] },
  ];

  for (const route of table) {
    it(`${route.method} ${route.name}: only ${route.allowed.join(', ')}`, async () => {
      const url = route.url();
      const body = route.body?.();
      const anon = await w.app.inject({ method: route.method, url, ...(body !== undefined ? { payload: body as object } : {}) });
      expect(expectError(anon, 401).code, `${route.method} ${url} anonymous`).toBe('UNAUTHENTICATED');
      for (const role of ROLES) {
        const res = await as(w, role, route.method, url, body);
        if (route.allowed.includes(role)) {
          expect([401, 403], `${route.method} ${url} as ${role}: ${res.statusCode} ${res.body.slice(0, 200)}`).not.toContain(res.statusCode);
          expect(res.statusCode, `${route.method} ${url} as ${role}`).toBeLessThan(500);
        } else {
          expect(res.statusCode, `${route.method} ${url} as ${role} must be refused`).toBe(403);
          expect(res.json().code).toBe('FORBIDDEN_ROLE');
        }
      }
    });
  }
});
