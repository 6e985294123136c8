/** Shared set-up of the auth and case tests: an app on a fresh database with the demo users, and logins. */
import { expect } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Case } from '@gridcommand/shared/schemas';
import { buildApp } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';

export const PASSWORD = 'test-password-1';
export const ROLES = ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'wall'] as const;
export type TestRole = (typeof ROLES)[number];

export interface CaseWorld {
  db: TestDatabase;
  app: FastifyInstance;
  cookies: Record<TestRole, string>;
  /** a point inside one of the worker's grids, with its codes */
  home: { lon: number; lat: number; grid: string; community: string; zone: string; street: string };
  close(): Promise<void>;
}

export async function login(app: FastifyInstance, username: string, password = PASSWORD): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
}

export function sessionCookie(res: LightMyRequestResponse): string {
  const raw = res.headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const c = all.find((h) => h.startsWith('gc_session='));
  expect(c, 'a gc_session cookie').toBeTruthy();
  return c!.split(';')[0]!;
}

export async function caseWorld(overrides: Partial<Config> = {}): Promise<CaseWorld> {
  const db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  const app = await buildApp({
    config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000, ...overrides },
    pool: db.pool,
  });
  const cookies = {} as Record<TestRole, string>;
  for (const r of ROLES) {
    const res = await login(app, r);
    expect(res.statusCode, res.body).toBe(200);
    cookies[r] = sessionCookie(res);
  }
  const { rows } = await db.pool.query<{ grid: string; community: string; zone: string; street: string; lon: number; lat: number }>(
    `SELECT a.code AS grid, a.community_code AS community, a.zone_code AS zone, a.street_code AS street,
            ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat
     FROM area a JOIN app_user u ON a.code = ANY(u.grid_codes) WHERE u.username = 'worker' ORDER BY a.code LIMIT 1`,
  );
  expect(rows[0], 'the worker has a grid').toBeTruthy();
  return {
    db,
    app,
    cookies,
    home: rows[0]!,
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

/** A request as a role: cookie + the CSRF header. */
export function as(
  w: CaseWorld,
  role: TestRole,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return w.app.inject({
    method,
    url,
    headers: { cookie: w.cookies[role], 'x-gc-csrf': '1' },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

export function newCaseBody(w: CaseWorld, extra: Record<string, unknown> = {}) {
  return {
    categoryCode: '01001',
    priority: 'normal',
    lon: w.home.lon,
    lat: w.home.lat,
    title: '小区门口暴露垃圾',
    description: '垃圾堆放三天无人清运',
    source: 'hotline',
    address: '测试路 1 号',
    reporterName: '张三',
    reporterPhone: '13800000000',
    ...extra,
  };
}

export async function createCase(w: CaseWorld, extra: Record<string, unknown> = {}, role: TestRole = 'dispatcher'): Promise<Case> {
  const res = await as(w, role, 'POST', '/api/cases', newCaseBody(w, extra));
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Case;
}

/** Runs an action and expects 200; returns the new case. */
export async function act(w: CaseWorld, role: TestRole, c: Case, action: string, extra: Record<string, unknown> = {}): Promise<Case> {
  // a grid worker verifies on site: standing at the case unless the test says where
  const onSite = role === 'worker' && action.startsWith('verify_') && !('position' in extra) ? { position: { lon: c.lon, lat: c.lat, accuracyM: 5 } } : {};
  const res = await as(w, role, 'POST', `/api/cases/${c.id}/actions`, { action, version: c.version, ...onSite, ...extra });
  expect(res.statusCode, `${action} as ${role}: ${res.body}`).toBe(200);
  return res.json() as Case;
}

/** Intake at a chosen instant, through the writer as this user (tests of clocks and lights). */
export async function createCaseAt(pool: import('pg').Pool, user: import('../src/modules/auth/repository.ts').AuthUser, body: import('@gridcommand/shared/schemas').CaseCreateBody, now: Date): Promise<number> {
  const { write, userActor } = await import('../src/modules/writer/tx.ts');
  const { createCases } = await import('../src/modules/writer/intake.ts');
  const [row] = await write(pool, userActor(user), (tx) => createCases(tx, [body], { batch: false }), { now });
  return row!.id;
}
