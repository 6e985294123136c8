/**
 * Set-up of the statistics tests: a fresh database with a seeded history (fixed "now" and seed, so the numbers
 * are the same on every run), an app whose clock is pinned to that "now", logins, a wall token, and the cases
 * as plain rows for computing the expected numbers independently of the endpoints' SQL.
 */
import { expect } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { newToken } from '../src/modules/auth/passwords.ts';
import { createWallToken, wallUserId } from '../src/modules/auth/repository.ts';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { seedHistory } from '../src/modules/demo/history.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { PASSWORD, login, sessionCookie } from './cases-helpers.ts';

/** Friday 20 November 2026, 14:30 CST. */
export const NOW = new Date('2026-11-20T06:30:00Z');
export const HISTORY = { count: 5_000, days: 30, seed: 4_242 };

export interface CaseRowT {
  id: number;
  status: string;
  light: string;
  priority: string;
  source: string;
  supervised: boolean;
  escalationLevel: number;
  gridCode: string;
  zoneCode: string;
  streetCode: string;
  categoryCode: string;
  reportedAt: Date;
  filedAt: Date | null;
  closedAt: Date | null;
  resolveBy: Date;
  lon: number;
  lat: number;
}

export interface StatsWorld {
  db: TestDatabase;
  app: FastifyInstance;
  leader: string;
  wallToken: string;
  cases: CaseRowT[];
  /** area code → { id, population, level, name } */
  areas: Map<string, { id: number; population: number; level: string; name: string }>;
  get(url: string, as?: 'leader' | 'wall' | 'none'): Promise<LightMyRequestResponse>;
  /** GET as the leader, expect 200 and return the JSON */
  json<T = any>(url: string): Promise<T>;
  close(): Promise<void>;
}

export async function loadCases(world: Pick<StatsWorld, 'db'>): Promise<CaseRowT[]> {
  const { rows } = await world.db.pool.query<CaseRowT>(
    `SELECT id::int, status, light, priority, source, supervised, escalation_level AS "escalationLevel",
            grid_code AS "gridCode", zone_code AS "zoneCode", street_code AS "streetCode", category_code AS "categoryCode",
            reported_at AS "reportedAt", filed_at AS "filedAt", closed_at AS "closedAt", resolve_by AS "resolveBy",
            ST_X(location) AS lon, ST_Y(location) AS lat
     FROM cases ORDER BY id`,
  );
  return rows;
}

export async function statsWorld(now: () => Date = () => NOW): Promise<StatsWorld> {
  const db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  const calendar = await getWorkCalendar(db.pool);
  const seeded = await seedHistory(db.pool, { calendar, ...HISTORY, now: NOW });
  expect(seeded.cases).toBe(HISTORY.count);
  const app = await buildApp({
    config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0, loginRateLimit: 1000 },
    pool: db.pool,
    now,
  });
  const res = await login(app, 'leader');
  expect(res.statusCode, res.body).toBe(200);
  const leader = sessionCookie(res);
  const t = newToken();
  await createWallToken(db.pool, t.hash, 'stats test wall', await wallUserId(db.pool, 'x'));
  const { rows: areaRows } = await db.pool.query<{ code: string; id: number; population: number; level: string; name: string }>(
    `SELECT code, id, population, level::text AS level, name FROM area`,
  );
  const world: StatsWorld = {
    db,
    app,
    leader,
    wallToken: t.token,
    cases: [],
    areas: new Map(areaRows.map((a) => [a.code, a])),
    get(url, as = 'leader') {
      const headers: Record<string, string> =
        as === 'leader' ? { cookie: leader } : as === 'wall' ? { authorization: `Bearer ${t.token}` } : {};
      return app.inject({ method: 'GET', url, headers });
    },
    async json(url) {
      const r = await world.get(url);
      expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
      return r.json();
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
  world.cases = await loadCases(world);
  return world;
}

export const inWindow = (d: Date | null, from: Date, to: Date) => d !== null && d.getTime() >= from.getTime() && d.getTime() < to.getTime();
export const OPEN = new Set(['reported', 'filed', 'dispatched', 'returned', 'in_progress']);
