/**
 * Security hardening: password spraying (failed logins per address), trusted proxies (GC_TRUST_PROXY), the demo wall
 * token (random per installation), TileJSON URLs that ignore the request's Host, /api/health details for admins
 * only, and client-aborted uploads logged as what they are.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TileJson } from '@gridcommand/shared/schemas';
import { buildApp } from '../src/app.ts';
import { loadConfig, parsePublicUrl, parseTrustProxy, proxyTrust, type Config } from '../src/config.ts';
import { tokenHash } from '../src/modules/auth/passwords.ts';
import { DEMO_WALL_TOKEN_NAME } from '../src/modules/auth/seed.ts';
import { prepareDemo } from '../src/modules/demo/index.ts';
import { expectError } from './api-expect.ts';
import { PASSWORD, caseWorld, login, sessionCookie, type CaseWorld } from './cases-helpers.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { startServer } from './server-process.ts';

function loginFrom(app: FastifyInstance, username: string, password: string, over: { remoteAddress?: string; headers?: Record<string, string> } = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
    ...(over.remoteAddress ? { remoteAddress: over.remoteAddress } : {}),
    headers: over.headers ?? {},
  });
}

describe('configuration', () => {
  it('parses GC_TRUST_PROXY as none, a hop count or addresses/CIDRs, and refuses anything else', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8,loopback')).toEqual(['127.0.0.1', '10.0.0.0/8', 'loopback']);
    for (const bad of ['true', 'evil.example', '10.0.0.0/33', '1.2.3.4/x', '99']) expect(() => parseTrustProxy(bad), bad).toThrow(/GC_TRUST_PROXY/);
    const trust = proxyTrust(['10.0.0.0/8', '::1']);
    expect(trust('10.1.2.3', 0)).toBe(true);
    expect(trust('::ffff:10.1.2.3', 0)).toBe(true);
    expect(trust('::1', 0)).toBe(true);
    expect(trust('11.0.0.1', 0)).toBe(false);
    expect(proxyTrust(false)('127.0.0.1', 0)).toBe(false);
    expect(proxyTrust(1)('203.0.113.1', 0)).toBe(true);
    expect(proxyTrust(1)('203.0.113.1', 1)).toBe(false);
  });

  it('parses GC_PUBLIC_URL as an http(s) origin with an optional prefix', () => {
    expect(parsePublicUrl(undefined)).toBeNull();
    expect(parsePublicUrl('https://gc.example.org/')).toBe('https://gc.example.org');
    expect(parsePublicUrl('https://gc.example.org/city/')).toBe('https://gc.example.org/city');
    for (const bad of ['gc.example.org', 'ftp://x.example', 'https://u:p@x.example', 'https://x.example/?a=1']) {
      expect(() => parsePublicUrl(bad), bad).toThrow(/GC_PUBLIC_URL/);
    }
    expect(loadConfig({}).loginAddressLimit).toBe(20);
    expect(loadConfig({}).loginAddressWindowMs).toBe(15 * 60_000);
  });
});

describe('failed logins per address (password spraying)', () => {
  let w: CaseWorld;
  let proxied: CaseWorld;
  beforeAll(async () => {
    w = await caseWorld();
    proxied = await caseWorld({ trustProxy: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await w?.close();
    await proxied?.close();
  });

  it('answers 429 with Retry-After after 20 failed logins from one address, whatever the usernames', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) codes.push((await loginFrom(w.app, `spray${i}`, 'wrong-password', { remoteAddress: '198.51.100.7' })).statusCode);
    expect(codes.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(codes.slice(20)).toEqual(Array(20).fill(429));
    const res = await loginFrom(w.app, 'admin', 'wrong-password', { remoteAddress: '198.51.100.7' });
    const body = expectError(res, 429);
    expect(body.code).toBe('RATE_LIMITED');
    expect(Object.keys(body).sort()).toEqual(['code', 'error', 'message', 'statusCode']);
    const retry = Number(res.headers['retry-after']);
    expect(retry).toBeGreaterThan(14 * 60);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    // the right password from that address waits too; another address is not affected
    expectError(await loginFrom(w.app, 'admin', PASSWORD, { remoteAddress: '198.51.100.7' }), 429);
    expect((await loginFrom(w.app, 'admin', PASSWORD, { remoteAddress: '198.51.100.8' })).statusCode).toBe(200);
  });

  it('does not count successful logins, and a success does not reset the count', async () => {
    const from = { remoteAddress: '198.51.100.20' };
    for (let i = 0; i < 25; i++) expect((await loginFrom(w.app, 'leader', PASSWORD, from)).statusCode).toBe(200);
    for (let i = 0; i < 19; i++) expect((await loginFrom(w.app, `nobody${i}`, 'x', from)).statusCode).toBe(401);
    expect((await loginFrom(w.app, 'leader', PASSWORD, from)).statusCode).toBe(200);
    expect((await loginFrom(w.app, 'nobody-last', 'x', from)).statusCode).toBe(401);
    expectError(await loginFrom(w.app, 'leader', PASSWORD, from), 429);
  });

  it('keeps the per address + username limit', async () => {
    const w2 = await caseWorld({ loginRateLimit: 3 });
    try {
      for (let i = 0; i < 2; i++) expectError(await login(w2.app, 'admin', 'wrong'), 401);
      expect(expectError(await login(w2.app, 'admin', PASSWORD), 429).code).toBe('RATE_LIMITED');
    } finally {
      await w2.close();
    }
  });

  it('ignores X-Forwarded-For from a client that is not a trusted proxy', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await loginFrom(w.app, `forged${i}`, 'x', { remoteAddress: '198.51.100.30', headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } });
      codes.push(res.statusCode);
    }
    expect(codes.at(-2)).toBe(401);
    expect(codes.at(-1)).toBe(429);
  });

  it('counts the client address behind a trusted proxy', async () => {
    const via = (client: string) => ({ headers: { 'x-forwarded-for': client } });
    for (let i = 0; i < 20; i++) expect((await loginFrom(proxied.app, `p${i}`, 'x', via('203.0.113.50'))).statusCode).toBe(401);
    expectError(await loginFrom(proxied.app, 'p-next', 'x', via('203.0.113.50')), 429);
    // another client through the same proxy is counted apart
    expect((await loginFrom(proxied.app, 'p-other', 'x', via('203.0.113.51'))).statusCode).toBe(401);
    // a client that puts a forged address before its own is still counted as itself (the proxy's appended entry)
    expectError(await loginFrom(proxied.app, 'p-forged', 'x', via('192.0.2.1, 203.0.113.50')), 429);
  });
});

describe('trusted proxy (GC_TRUST_PROXY)', () => {
  let plain: CaseWorld;
  let proxied: CaseWorld;
  beforeAll(async () => {
    plain = await caseWorld();
    proxied = await caseWorld({ trustProxy: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await plain?.close();
    await proxied?.close();
  });

  const secure = (res: { headers: Record<string, unknown> }) => /;\s*Secure/i.test(String(res.headers['set-cookie']));

  it('sets Secure on the session cookie when the trusted proxy says the client came over https', async () => {
    const res = await loginFrom(proxied.app, 'admin', PASSWORD, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' } });
    expect(res.statusCode).toBe(200);
    expect(secure(res)).toBe(true);
    expect(secure(await loginFrom(proxied.app, 'admin', PASSWORD))).toBe(false);
  });

  it('ignores a forged X-Forwarded-Proto from an untrusted peer, and from anyone when no proxy is configured', async () => {
    const forged = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' };
    expect(secure(await loginFrom(proxied.app, 'admin', PASSWORD, { remoteAddress: '198.51.100.40', headers: forged }))).toBe(false);
    expect(secure(await loginFrom(plain.app, 'admin', PASSWORD, { headers: forged }))).toBe(false);
  });

  it('checks same-origin CSRF against the forwarded origin only from the trusted proxy', async () => {
    const cookie = sessionCookie(await loginFrom(proxied.app, 'dispatcher', PASSWORD));
    const viaProxy = await proxied.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, origin: 'https://gc.example.org', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gc.example.org' },
    });
    expect(viaProxy.statusCode).toBe(204);
    const cookie2 = sessionCookie(await loginFrom(plain.app, 'dispatcher', PASSWORD));
    const forged = await plain.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: cookie2, origin: 'https://evil.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' },
    });
    expect(expectError(forged, 403).code).toBe('CSRF');
  });
});

describe('the demo wall token', () => {
  const demoConfig = (password: string): Config => ({ ...loadConfig({}), clientDist: null, demoPassword: password, demoHistoryCases: 0 });
  let db: TestDatabase;
  let other: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase();
    other = await testDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    await other?.drop();
  });

  it('is random per installation, stored hashed, printed once and valid across restarts', async () => {
    const password = 'gridcommand-demo';
    // an installation of an earlier version still holds the password-derived token
    const legacy = crypto.createHash('sha256').update(`gridcommand-demo-wall:${password}`).digest('base64url');
    const first = await prepareDemo(db.pool, demoConfig(password), () => {});
    await db.pool.query(`INSERT INTO wall_token (token_hash, name, user_id) SELECT $1, 'old demo wall', id FROM app_user WHERE username = 'wall'`, [tokenHash(legacy)]);

    const token = first.wallToken!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).not.toBe(legacy);
    const stored = await db.pool.query<{ token_hash: string }>('SELECT token_hash FROM wall_token WHERE name = $1', [DEMO_WALL_TOKEN_NAME]);
    expect(stored.rows.map((r) => r.token_hash)).toEqual([tokenHash(token)]);

    // a restart: nothing new is made (nothing to print), the token still works, the legacy one is revoked
    const again = await prepareDemo(db.pool, demoConfig(password), () => {});
    expect(again.wallToken).toBeNull();
    const app = await buildApp({ config: demoConfig(password), pool: db.pool });
    try {
      const me = await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
      expect(me.statusCode).toBe(200);
      expect(me.json().user.role).toBe('wall');
      expectError(await app.inject({ url: `/api/auth/me?token=${legacy}` }), 401);
    } finally {
      await app.close();
    }

    // another installation with the same password gets another token
    const elsewhere = await prepareDemo(other.pool, demoConfig(password), () => {});
    expect(elsewhere.wallToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(elsewhere.wallToken).not.toBe(token);
  });
});

describe('the demo wall URL printed at start', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function startAndRead(): Promise<{ out: string }> {
    const server = await startServer({ databaseUrl: db.url, env: { GC_DEMO: 'true', GC_DEMO_PASSWORD: PASSWORD } });
    try {
      const deadline = Date.now() + 15_000;
      while (!/Video wall/.test(server.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      return { out: server.output() };
    } finally {
      await server.stop();
    }
  }

  // (later starts print no token: prepareDemo above; one server start here, it is slow)
  it('prints a working wall URL at the first start', async () => {
    const first = await startAndRead();
    const token = /\/wall\?token=([A-Za-z0-9_-]{43})/.exec(first.out)?.[1];
    expect(token, first.out).toBeTruthy();
    // the printed token is the wall's credential (here checked against an app on the same database)
    const app = await buildApp({ config: { ...loadConfig({}), clientDist: null }, pool: db.pool });
    try {
      const res = await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      expect(res.json().user.role).toBe('wall');
    } finally {
      await app.close();
    }
  });
});

describe('TileJSON URLs and the Host header', () => {
  let db: TestDatabase;
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    await db?.drop();
  });
  async function appWith(over: Partial<Config>): Promise<FastifyInstance> {
    const app = await buildApp({ config: { ...loadConfig({}), clientDist: null, ...over }, pool: db.pool });
    apps.push(app);
    return app;
  }
  async function tiles(app: FastifyInstance, headers: Record<string, string>, remoteAddress?: string): Promise<string[]> {
    const res = await app.inject({ url: '/tiles/grid.json', headers, ...(remoteAddress ? { remoteAddress } : {}) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toContain('evil.example');
    return (res.json() as TileJson).tiles;
  }

  it('never puts the Host a client names into the cacheable TileJSON', async () => {
    const app = await appWith({});
    expect(await tiles(app, { host: 'evil.example' })).toEqual(['http://localhost:8080/tiles/grid/{z}/{x}/{y}.mvt']);
    expect(await tiles(app, { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' })).toEqual([
      'http://localhost:8080/tiles/grid/{z}/{x}/{y}.mvt',
    ]);
    // a Host that names this machine leads back here whatever it says (the quick start, a LAN address)
    expect(await tiles(app, { host: '127.0.0.1:8080' })).toEqual(['http://127.0.0.1:8080/tiles/grid/{z}/{x}/{y}.mvt']);
    expect(await tiles(app, { host: '127.0.0.1:6666' })).toEqual(['http://localhost:8080/tiles/grid/{z}/{x}/{y}.mvt']);
  });

  it('uses GC_PUBLIC_URL when configured', async () => {
    const app = await appWith({ publicUrl: 'https://gc.example.org/city' });
    expect(await tiles(app, { host: 'evil.example' })).toEqual(['https://gc.example.org/city/tiles/grid/{z}/{x}/{y}.mvt']);
  });

  it("uses a trusted proxy's forwarded protocol and host, and only a trusted proxy's", async () => {
    const app = await appWith({ trustProxy: ['10.0.0.0/8'] });
    const forwarded = { host: 'backend:8080', 'x-forwarded-host': 'gc.example.org', 'x-forwarded-proto': 'https' };
    expect(await tiles(app, forwarded, '10.1.1.1')).toEqual(['https://gc.example.org/tiles/grid/{z}/{x}/{y}.mvt']);
    const forged = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
    expect(await tiles(app, forged, '198.51.100.1')).toEqual(['http://localhost:8080/tiles/grid/{z}/{x}/{y}.mvt']);
  });
});

describe('GET /api/health', () => {
  let w: CaseWorld;
  beforeAll(async () => {
    w = await caseWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('tells anyone and every other role only the status; an admin the details', async () => {
    const anon = await w.app.inject({ url: '/api/health' });
    expect(anon.statusCode).toBe(200);
    expect(anon.json()).toEqual({ status: 'ok' });
    expect(anon.headers['cache-control']).toBe('no-store');
    for (const role of ['leader', 'dispatcher', 'wall'] as const) {
      expect((await w.app.inject({ url: '/api/health', headers: { cookie: w.cookies[role] } })).json(), role).toEqual({ status: 'ok' });
    }
    const admin = (await w.app.inject({ url: '/api/health', headers: { cookie: w.cookies.admin } })).json();
    expect(admin).toMatchObject({ status: 'ok', database: 'ok', migrations: { pending: 0, current: true } });
    expect(admin.postgis).toMatch(/^3\./);
  });

  it('stays fast', async () => {
    const n = 50;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) expect((await w.app.inject({ url: '/api/health' })).statusCode).toBe(200);
    const ms = (performance.now() - t0) / n;
    console.log(`GET /api/health (anonymous): ${ms.toFixed(2)} ms a request over ${n}`);
    expect(ms).toBeLessThan(50);
  });
});

describe('a client aborting an upload', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let port: number;
  let cookie: string;
  const lines: string[] = [];

  beforeAll(async () => {
    db = await testDatabase();
    const { seedDemoUsers } = await import('../src/modules/auth/seed.ts');
    await seedDemoUsers(db.pool, PASSWORD);
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    app = await buildApp({ config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0 }, pool: db.pool, logger: { level: 'info', stream } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as net.AddressInfo).port;
    cookie = sessionCookie(await login(app, 'worker'));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('is logged as an aborted request, not a database outage, and stores nothing', async () => {
    const before = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM photo');
    lines.length = 0;
    const total = 200_000;
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          `POST /api/photos HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: image/jpeg\r\nContent-Length: ${total}\r\n` +
            `Cookie: ${cookie}\r\nX-GC-CSRF: 1\r\n\r\n`,
        );
        socket.write(Buffer.alloc(total / 2, 0xff), () => setTimeout(() => socket.destroy(), 100));
      });
      socket.on('error', reject);
      socket.on('close', () => resolve());
    });
    // let the server notice and log
    const deadline = Date.now() + 5_000;
    while (!lines.some((l) => /aborted/i.test(l)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const entries = lines.map((l) => JSON.parse(l) as { level: number; msg?: string });
    const aborted = entries.filter((e) => /aborted by the client/.test(e.msg ?? ''));
    expect(aborted, lines.join('\n')).toHaveLength(1);
    expect(aborted[0]!.level).toBeLessThanOrEqual(40);
    expect(lines.join('\n')).not.toMatch(/database unavailable/i);
    expect(entries.filter((e) => e.level >= 50), lines.join('\n')).toEqual([]);

    const after = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM photo');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    // and the server carries on
    expect((await app.inject({ url: '/api/health' })).statusCode).toBe(200);
  });
});
