/** GET /api/health (status for anyone, details for admins), /api/areas, /api/areas/:code against the seeded demo district. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AreaDetail, AreaListResponse, HealthResponse } from '@gridcommand/shared/schemas';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { healthReport } from '../src/modules/health/report.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { expectError } from './api-expect.ts';

let db: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  db = await testDatabase();
  app = await buildApp({ config: { ...loadConfig({}), clientDist: null }, pool: db.pool });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function get<T>(url: string): Promise<T> {
  const res = await app.inject({ url });
  expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
  return res.json() as T;
}

describe('GET /api/health', () => {
  it('tells anyone only the status, and an admin the database, PostGIS and migrations', async () => {
    expect(await get<HealthResponse>('/api/health')).toEqual({ status: 'ok' });
    await seedDemoUsers(db.pool, 'health-test-password');
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'health-test-password' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const res = await app.inject({ url: '/api/health', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    const h = res.json() as HealthResponse;
    expect(h.status).toBe('ok');
    expect(h.database).toBe('ok');
    expect(h.postgis).toMatch(/^3\.\d+/);
    const files = (await import('../src/db/migrate.ts')).migrationFiles();
    expect(h.migrations).toEqual({ applied: files.length, pending: 0, current: true });
    expect(Number.isNaN(Date.parse(h.time ?? ''))).toBe(false);
    // this process's memory, as process.memoryUsage() says it
    const p = h.process!;
    expect(p.pid).toBe(process.pid);
    expect(p.rssMb).toBeGreaterThan(p.heapUsedMb);
    expect(p.heapTotalMb).toBeGreaterThanOrEqual(p.heapUsedMb);
    expect(p.externalMb).toBeGreaterThanOrEqual(p.arrayBuffersMb);
    expect(p.arrayBuffersMb).toBeGreaterThanOrEqual(p.tileCacheMb);
    expect(Math.abs(p.rssMb - process.memoryUsage().rss / 1024 / 1024)).toBeLessThan(200);
  });

  it('answers 503 degraded, and the API 503 "database unavailable", when the database is down', async () => {
    // nothing listens on port 1: every query fails to connect
    const deadPool = createPool('postgres://nobody@127.0.0.1:1/none', 1);
    const down = await buildApp({ config: { ...loadConfig({}), clientDist: null }, pool: deadPool });
    try {
      const res = await down.inject({ url: '/api/health' });
      expect(res.statusCode).toBe(503);
      // anyone: the status only
      expect(res.json()).toEqual({ status: 'degraded' });
      // the details (an admin's view) say why
      const h = (await healthReport(deadPool, { warn() {}, error() {} })).body;
      expect(h.status).toBe('degraded');
      expect(h.database).toBe('unavailable');
      expect(h.postgis).toBeNull();
      expect(h.migrations).toBeNull();

      for (const url of ['/api/areas?level=street', '/api/grids/370211001001001', '/api/locate?lon=120&lat=36', '/tiles/grid/12/3411/1555.mvt']) {
        const body = expectError(await down.inject({ url }), 503);
        expect(body.message).toMatch(/database unavailable/);
        expect(body.code).toBe('DB_UNAVAILABLE');
      }
      // bad input is still answered as bad input
      expectError(await down.inject({ url: '/api/areas?level=planet' }), 400);
    } finally {
      await down.close();
      await deadPool.end();
    }
  });
});

describe('GET /api/areas', () => {
  it('lists the 22 streets of the district with label points, boxes and child counts', async () => {
    const { items } = await get<AreaListResponse>('/api/areas?level=street');
    expect(items).toHaveLength(22);
    const [district] = (await get<AreaListResponse>('/api/areas')).items;
    expect(district?.level).toBe('district');
    for (const s of items) {
      expect(s.level).toBe('street');
      expect(s.code).toMatch(/^\d{9}$/);
      expect(s.parentCode).toBe(district?.code);
      expect(s.childCount).toBeGreaterThan(0);
      const [minLon, minLat, maxLon, maxLat] = s.bbox;
      expect(minLon).toBeLessThan(maxLon);
      expect(minLat).toBeLessThan(maxLat);
      const [lon, lat] = s.labelPoint;
      expect(lon).toBeGreaterThanOrEqual(minLon);
      expect(lon).toBeLessThanOrEqual(maxLon);
      expect(lat).toBeGreaterThanOrEqual(minLat);
      expect(lat).toBeLessThanOrEqual(maxLat);
    }
    expect(district?.childCount).toBe(22);
    expect(items.reduce((n, s) => n + s.population, 0)).toBe(district?.population);
  });

  it('lists every level: 201 zones and 1,549 grids', async () => {
    expect((await get<AreaListResponse>('/api/areas?level=zone')).items).toHaveLength(201);
    const grids = (await get<AreaListResponse>('/api/areas?level=grid')).items;
    expect(grids).toHaveLength(1549);
    expect(new Set(grids.map((g) => g.code)).size).toBe(1549);
    const communities = (await get<AreaListResponse>('/api/areas?level=community')).items;
    expect(communities.length).toBeGreaterThan(300);
    expect(communities.reduce((n, c) => n + c.childCount, 0)).toBe(1549);
  });

  it('filters by any ancestor: the grids of a community sum to the community', async () => {
    const { rows } = await db.pool.query<{ code: string; population: number; households: number; n: number }>(
      `SELECT c.code, c.population, c.households, (SELECT count(*)::int FROM area g WHERE g.parent_code = c.code) AS n
       FROM area c WHERE c.level = 'community' ORDER BY n DESC LIMIT 1`,
    );
    const community = rows[0]!;
    const grids = (await get<AreaListResponse>(`/api/areas?level=grid&parent=${community.code}`)).items;
    expect(grids).toHaveLength(community.n);
    expect(grids.every((g) => g.parentCode === community.code && g.level === 'grid')).toBe(true);
    expect(grids.reduce((n, g) => n + g.population, 0)).toBe(community.population);
    expect(grids.reduce((n, g) => n + g.households, 0)).toBe(community.households);
    // without a level: the direct children, which here are the same grids
    const children = (await get<AreaListResponse>(`/api/areas?parent=${community.code}`)).items;
    expect(children.map((c) => c.code)).toEqual(grids.map((g) => g.code));
  });

  it('the grids below a street are those of its communities', async () => {
    const street = (await get<AreaListResponse>('/api/areas?level=street')).items[0]!;
    const grids = (await get<AreaListResponse>(`/api/areas?level=grid&parent=${street.code}`)).items;
    const communities = (await get<AreaListResponse>(`/api/areas?level=community&parent=${street.code}`)).items;
    expect(grids.length).toBeGreaterThan(0);
    expect(grids.length).toBe(communities.reduce((n, c) => n + c.childCount, 0));
    expect(grids.every((g) => g.code.startsWith(street.code))).toBe(true);
  });

  it('refuses an unknown level with 400 naming it', async () => {
    const body = expectError(await app.inject({ url: '/api/areas?level=planet' }), 400);
    expect(body.message).toContain('level');
    expect(body.message).toContain('street');
  });

  it('refuses a malformed parent with 400 and an unknown one with 404 naming it', async () => {
    expect(expectError(await app.inject({ url: '/api/areas?level=grid&parent=abc' }), 400).message).toContain('parent');
    expect(expectError(await app.inject({ url: '/api/areas?level=grid&parent=999999999' }), 404).message).toContain('999999999');
  });

  it('refuses a level that is not below the parent', async () => {
    const street = (await get<AreaListResponse>('/api/areas?level=street')).items[0]!;
    expect(expectError(await app.inject({ url: `/api/areas?level=district&parent=${street.code}` }), 400).message).toContain(
      street.code,
    );
  });
});

describe('GET /api/areas/:code', () => {
  it('gives the district with its streets and the counts below it', async () => {
    const [district] = (await get<AreaListResponse>('/api/areas')).items;
    const d = await get<AreaDetail>(`/api/areas/${district!.code}`);
    expect(d.ancestors).toEqual([]);
    expect(d.children).toHaveLength(22);
    expect(d.counts.streets).toBe(22);
    expect(d.counts.zones).toBe(201);
    expect(d.counts.grids).toBe(1549);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM area WHERE level = 'community'`);
    expect(d.counts.communities).toBe(rows[0]!.n);
    // vacancy (no responsible person) counted the way the grid tiles mark it
    const { rows: vacant } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM area a WHERE a.level = 'grid'
         AND NOT EXISTS (SELECT 1 FROM grid_staff s WHERE s.grid_code = a.code AND s.responsible)`,
    );
    expect(vacant[0]!.n).toBeGreaterThan(0);
    expect(d.counts.vacantGrids).toBe(vacant[0]!.n);
  });

  it('gives a grid with its ancestors from the district down', async () => {
    const { rows } = await db.pool.query<{ code: string; street_code: string; zone_code: string; community_code: string }>(
      `SELECT code, street_code, zone_code, community_code FROM area WHERE level = 'grid' ORDER BY code LIMIT 1`,
    );
    const g = rows[0]!;
    const d = await get<AreaDetail>(`/api/areas/${g.code}`);
    expect(d.level).toBe('grid');
    expect(d.children).toEqual([]);
    expect(d.counts).toEqual({ streets: 0, zones: 0, communities: 0, grids: 0, vacantGrids: 0 });
    expect(d.ancestors.map((a) => a.level)).toEqual(['district', 'street', 'zone', 'community']);
    expect(d.ancestors.slice(1).map((a) => a.code)).toEqual([g.street_code, g.zone_code, g.community_code]);
  });

  it('gives a street whose counts match its children', async () => {
    const street = (await get<AreaListResponse>('/api/areas?level=street')).items[3]!;
    const d = await get<AreaDetail>(`/api/areas/${street.code}`);
    expect(d.children.length).toBe(street.childCount);
    expect(d.counts.streets).toBe(0);
    expect(d.counts.zones).toBe(d.children.filter((c) => c.level === 'zone').length);
    const grids = (await get<AreaListResponse>(`/api/areas?level=grid&parent=${street.code}`)).items;
    expect(d.counts.grids).toBe(grids.length);
  });

  it('answers 400 for a malformed code and 404 for an unknown one, naming it', async () => {
    for (const bad of ['abc', '12345', '1234567890123456', '37021100100100x']) {
      const body = expectError(await app.inject({ url: `/api/areas/${bad}` }), 400);
      expect(body.message).toContain('code');
      expect(body.message).toContain(bad);
    }
    expect(expectError(await app.inject({ url: '/api/areas/999999999999999' }), 404).message).toContain('999999999999999');
  });
});
