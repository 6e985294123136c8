/** GET /api/grids (GeoJSON), /api/grids/:code, /api/locate, and the error shape across the API. */
import zlib from 'node:zlib';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { GridDetail, GridFeatureCollection, LocateResponse } from '@gridcommand/shared/schemas';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
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

/** Signed area of a ring (lon/lat): positive when counter-clockwise. */
function ringArea(ring: number[][]): number {
  let a = 0;
  for (let i = 0; i < ring.length - 1; i++) a += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return a / 2;
}

function decimals(n: number): number {
  const s = String(n);
  return s.includes('.') ? s.split('.')[1]!.length : 0;
}

describe('GET /api/grids', () => {
  let all: GridFeatureCollection;

  it('is an RFC 7946 FeatureCollection of the 1,549 grids, gzip-compressed', async () => {
    const res = await app.inject({ url: '/api/grids', headers: { 'accept-encoding': 'gzip' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(res.headers['content-encoding']).toBe('gzip');
    const text = zlib.gunzipSync(res.rawPayload).toString('utf8');
    expect(res.rawPayload.length).toBeLessThan(text.length / 3);
    all = JSON.parse(text) as GridFeatureCollection;
    expect(all.type).toBe('FeatureCollection');
    expect(all.features).toHaveLength(1549);
    const ids = new Set<string>();
    for (const f of all.features) {
      expect(f.type).toBe('Feature');
      expect(typeof f.id).toBe('string');
      expect(f.id).toMatch(/^\d{15}$/);
      expect(f.id).toBe(f.properties.code);
      ids.add(f.id);
      expect(f.geometry.type).toBe('MultiPolygon');
      expect(Number.isInteger(f.properties.id)).toBe(true);
    }
    expect(ids.size).toBe(1549);
  });

  it('uses WGS 84 lon/lat with at most 6 decimals and counter-clockwise exterior rings', async () => {
    for (const f of all.features.slice(0, 200)) {
      for (const polygon of f.geometry.coordinates) {
        const [outer, ...holes] = polygon;
        expect(ringArea(outer as number[][])).toBeGreaterThan(0);
        for (const h of holes) expect(ringArea(h as number[][])).toBeLessThan(0);
        for (const [lon, lat] of outer!) {
          expect(lon).toBeGreaterThan(-180);
          expect(lon).toBeLessThan(180);
          expect(lat).toBeGreaterThan(-90);
          expect(lat).toBeLessThan(90);
          expect(decimals(lon!)).toBeLessThanOrEqual(6);
          expect(decimals(lat!)).toBeLessThanOrEqual(6);
        }
      }
    }
  });

  it('carries the hierarchy, staff counts and vacancy as properties, matching the database', async () => {
    const { rows } = await db.pool.query<{ code: string; n: number; vacant: boolean; community_code: string; street_code: string }>(
      `SELECT g.code, g.community_code, g.street_code,
              (SELECT count(*)::int FROM grid_staff s WHERE s.grid_code = g.code) AS n,
              NOT EXISTS (SELECT 1 FROM grid_staff s WHERE s.grid_code = g.code AND s.responsible) AS vacant
       FROM area g WHERE g.level = 'grid'`,
    );
    const byCode = new Map(all.features.map((f) => [f.id, f.properties]));
    let vacancies = 0;
    for (const r of rows) {
      const p = byCode.get(r.code)!;
      expect(p.staffCount).toBe(r.n);
      expect(p.vacancy).toBe(r.vacant);
      expect(p.communityCode).toBe(r.community_code);
      expect(p.streetCode).toBe(r.street_code);
      expect(p.communityName.length).toBeGreaterThan(0);
      expect(p.zoneName.length).toBeGreaterThan(0);
      expect(p.streetName.length).toBeGreaterThan(0);
      expect(p.labelPoint).toHaveLength(2);
      if (r.vacant) vacancies++;
    }
    expect(vacancies).toBeGreaterThan(0);
  });

  it('filters by bbox', async () => {
    const p = all.features[0]!.properties.labelPoint;
    const bbox = [p[0] - 0.01, p[1] - 0.01, p[0] + 0.01, p[1] + 0.01].map((v) => v.toFixed(6)).join(',');
    const res = await app.inject({ url: `/api/grids?bbox=${bbox}` });
    expect(res.statusCode).toBe(200);
    const some = res.json() as GridFeatureCollection;
    expect(some.features.length).toBeGreaterThan(0);
    expect(some.features.length).toBeLessThan(all.features.length);
    expect(some.features.map((f) => f.id)).toContain(all.features[0]!.id);
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM area WHERE level = 'grid'
       AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
      bbox.split(',').map(Number),
    );
    expect(some.features.length).toBe(rows[0]!.n);
    const empty = (await app.inject({ url: '/api/grids?bbox=0,0,1,1' })).json() as GridFeatureCollection;
    expect(empty).toEqual({ type: 'FeatureCollection', features: [] });
  });

  it.each([
    ['1,2,3', /4 comma-separated numbers/],
    ['1,2,3,4,5', /4 comma-separated numbers/],
    ['', /4 comma-separated numbers/],
    ['a,2,3,4', /minLon must be a number/],
    ['1,2,3,', /maxLat must be a number/],
    ['1,2,0x10,4', /maxLon must be a number/],
    ['-181,2,3,4', /minLon must be between -180 and 180/],
    ['1,2,181,4', /maxLon must be between -180 and 180/],
    ['1,-91,3,4', /minLat must be between -90 and 90/],
    ['1,2,3,90.5', /maxLat must be between -90 and 90/],
    ['3,2,1,4', /minLon .* must not be greater than maxLon/],
    ['1,4,3,2', /minLat .* must not be greater than maxLat/],
    ['NaN,2,3,4', /minLon must be a number/],
    ['Infinity,2,3,4', /minLon must be a number/],
  ])('refuses bbox=%s with 400', async (bbox, message) => {
    const body = expectError(await app.inject({ url: `/api/grids?bbox=${encodeURIComponent(bbox)}` }), 400);
    expect(body.message).toMatch(message);
    expect(body.message).toContain('bbox');
  });

  it('geometry=none: the same features and properties with null geometries, smaller', async () => {
    const full = await app.inject({ url: '/api/grids' });
    const bare = await app.inject({ url: '/api/grids?geometry=none' });
    expect(bare.statusCode).toBe(200);
    expect(bare.headers['content-type']).toMatch(/^application\/geo\+json/);
    const fc = bare.json() as { type: string; features: { id: string; geometry: unknown; properties: unknown }[] };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.map((f) => f.id)).toEqual(all.features.map((f) => f.id));
    expect(fc.features.map((f) => f.properties)).toEqual(all.features.map((f) => f.properties));
    expect(fc.features.every((f) => f.geometry === null)).toBe(true);
    // the demo's grids are simple polygons (the names weigh more): about two thirds of the size here
    expect(bare.body.length).toBeLessThan(full.body.length * 0.75);
    const p = all.features[0]!.properties.labelPoint;
    const bbox = [p[0] - 0.01, p[1] - 0.01, p[0] + 0.01, p[1] + 0.01].map((v) => v.toFixed(6)).join(',');
    const some = (await app.inject({ url: `/api/grids?bbox=${bbox}&geometry=none` })).json() as { features: { id: string }[] };
    expect(some.features.map((f) => f.id)).toEqual(((await app.inject({ url: `/api/grids?bbox=${bbox}` })).json() as GridFeatureCollection).features.map((f) => f.id));
    expectError(await app.inject({ url: '/api/grids?geometry=outline' }), 400);
  });

  it('refuses a repeated bbox', async () => {
    expectError(await app.inject({ url: '/api/grids?bbox=1,2,3,4&bbox=1,2,3,4' }), 400);
  });
});

describe('GET /api/grids/:code', () => {
  it('gives a grid with its staff (phones masked), responsible person and hierarchy', async () => {
    const { rows } = await db.pool.query<{ grid_code: string; n: number }>(
      `SELECT grid_code, count(*)::int AS n FROM grid_staff GROUP BY grid_code
       HAVING bool_or(responsible) ORDER BY count(*) DESC, grid_code LIMIT 1`,
    );
    const code = rows[0]!.grid_code;
    const res = await app.inject({ url: `/api/grids/${code}` });
    expect(res.statusCode).toBe(200);
    const g = res.json() as GridDetail;
    expect(g.code).toBe(code);
    expect(g.staff.length).toBe(rows[0]!.n);
    expect(g.staff.length).toBeGreaterThanOrEqual(5);
    expect(g.vacancy).toBe(false);
    expect(g.responsible).not.toBeNull();
    expect(g.staff.filter((s) => s.responsible)).toHaveLength(1);
    expect(g.staff.find((s) => s.responsible)?.id).toBe(g.responsible?.id);
    expect(g.areaKm2).toBeGreaterThan(0);
    expect(g.community.code).toBe(code.slice(0, 12));
    expect(g.street.code).toBe(code.slice(0, 9));
    expect(g.zone.code).toMatch(/^\d{11}$/);
    expect(g.community.name.length).toBeGreaterThan(0);

    // personal data: only the masked phone, never the raw one
    const phones = await db.pool.query<{ phone: string }>(
      `SELECT s.phone FROM staff s JOIN grid_staff gs ON gs.staff_id = s.id WHERE gs.grid_code = $1`,
      [code],
    );
    for (const s of g.staff) expect(s.phoneMasked).toMatch(/^1\d{2}\*{4}\d{4}$/);
    for (const { phone } of phones.rows) {
      expect(res.body).not.toContain(phone);
      expect(g.staff.map((s) => s.phoneMasked)).toContain(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    }
    expect(res.body).not.toMatch(/"phone"/);
  });

  it('reports a vacant grid (no responsible person)', async () => {
    const { rows } = await db.pool.query<{ code: string }>(
      `SELECT g.code FROM area g WHERE g.level = 'grid'
       AND NOT EXISTS (SELECT 1 FROM grid_staff s WHERE s.grid_code = g.code AND s.responsible) ORDER BY g.code LIMIT 1`,
    );
    expect(rows.length).toBe(1);
    const g = (await app.inject({ url: `/api/grids/${rows[0]!.code}` })).json() as GridDetail;
    expect(g.vacancy).toBe(true);
    expect(g.responsible).toBeNull();
    expect(g.staff.every((s) => !s.responsible)).toBe(true);
  });

  it('becomes vacant when its responsible person is removed', async () => {
    const { rows } = await db.pool.query<{ grid_code: string }>(
      `SELECT grid_code FROM grid_staff WHERE responsible ORDER BY grid_code DESC LIMIT 1`,
    );
    const code = rows[0]!.grid_code;
    expect(((await app.inject({ url: `/api/grids/${code}` })).json() as GridDetail).vacancy).toBe(false);
    await db.pool.query(`UPDATE grid_staff SET responsible = false WHERE grid_code = $1`, [code]);
    const g = (await app.inject({ url: `/api/grids/${code}` })).json() as GridDetail;
    expect(g.vacancy).toBe(true);
    expect(g.responsible).toBeNull();
  });

  it('answers 400 for a malformed code and 404 for an unknown or non-grid code', async () => {
    for (const bad of ['abc', '370211', '37021100100100', '3702110010010011']) {
      const body = expectError(await app.inject({ url: `/api/grids/${bad}` }), 400);
      expect(body.message).toContain('code');
      expect(body.message).toContain(bad);
    }
    expect(expectError(await app.inject({ url: '/api/grids/999999999999999' }), 404).message).toContain('999999999999999');
  });
});

describe('GET /api/locate', () => {
  it("at a grid's label point returns that grid and its hierarchy", async () => {
    const { rows } = await db.pool.query<{
      code: string; name: string; display_code: string; lon: number; lat: number; community_code: string; zone_code: string; street_code: string;
    }>(
      `SELECT code, name, display_code, community_code, zone_code, street_code,
              ST_X(label_point) AS lon, ST_Y(label_point) AS lat
       FROM area WHERE level = 'grid' ORDER BY md5(code) LIMIT 5`,
    );
    for (const g of rows) {
      const res = await app.inject({ url: `/api/locate?lon=${g.lon}&lat=${g.lat}` });
      expect(res.statusCode).toBe(200);
      const l = res.json() as LocateResponse;
      expect(l.grid.code).toBe(g.code);
      expect(l.grid.name).toBe(g.name);
      expect(l.grid.displayCode ?? null).toBe(g.display_code);
      expect(l.community.code).toBe(g.community_code);
      expect(l.zone.code).toBe(g.zone_code);
      expect(l.street.code).toBe(g.street_code);
      expect(l.district.code).toBe(g.code.slice(0, 6));
      for (const a of [l.community, l.zone, l.street, l.district]) expect(a.name.length).toBeGreaterThan(0);
    }
  });

  it('answers 404 saying the point is outside the district', async () => {
    const body = expectError(await app.inject({ url: '/api/locate?lon=116.397&lat=39.909' }), 404);
    expect(body.message).toMatch(/outside the district/);
  });

  it.each([
    ['lon=abc&lat=36', /lon.*number/],
    ['lon=&lat=36', /lon.*number/],
    ['lon=120', /lat.*required/],
    ['lat=36', /lon.*required/],
    ['lon=181&lat=36', /lon.*180/],
    ['lon=-180.5&lat=36', /lon.*-180/],
    ['lon=120&lat=91', /lat.*90/],
    ['lon=120&lat=-90.01', /lat.*-90/],
    ['lon=1,2&lat=36', /lon.*number/],
    ['lon=120&lon=121&lat=36', /lon.*once/],
    ['lon=0x78&lat=36', /lon.*number/],
  ])('refuses %s with 400', async (qs, message) => {
    expect(expectError(await app.inject({ url: `/api/locate?${qs}` }), 400).message).toMatch(message);
  });
});

describe('errors and routing', () => {
  it('answers unknown API and tile routes with 404 JSON', async () => {
    for (const url of ['/api/nothing', '/api/grids/370211001001001/extra', '/tiles/grid/1/2', '/tiles/grid/1/0/0.png']) {
      expect(expectError(await app.inject({ url, headers: { accept: 'text/html' } }), 404).message).toContain('/');
    }
    expectError(await app.inject({ method: 'DELETE', url: '/api/areas' }), 404);
  });

  it('answers a malformed JSON body with 400 or 415, never 500', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/areas', headers: { 'content-type': 'application/json' }, payload: '{bad' });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expectError(res, res.statusCode);
  });

  it('serves the built client with an SPA fallback for page URLs only', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-client-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>GridCommand</title>');
    fs.writeFileSync(path.join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
    fs.mkdirSync(path.join(dir, 'field'));
    fs.writeFileSync(path.join(dir, 'field', 'index.html'), '<!doctype html><title>GridCommand field</title>');
    fs.writeFileSync(path.join(dir, 'field', 'sw.js'), 'self.addEventListener("fetch", () => {})');
    const withClient = await buildApp({ config: { ...loadConfig({}), clientDist: dir }, pool: db.pool });
    try {
      const html = { accept: 'text/html,application/xhtml+xml' };
      const root = await withClient.inject({ url: '/', headers: html });
      expect(root.statusCode).toBe(200);
      expect(root.body).toContain('GridCommand');
      const page = await withClient.inject({ url: '/wall/street/370211001', headers: html });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('GridCommand');
      const asset = await withClient.inject({ url: '/assets/app-1234.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
      expectError(await withClient.inject({ url: '/assets/missing.js' }), 404);
      expectError(await withClient.inject({ url: '/api/missing', headers: html }), 404);
      expectError(await withClient.inject({ url: '/tiles/missing', headers: html }), 404);
      expect((await withClient.inject({ url: '/api/areas?level=street' })).statusCode).toBe(200);
      // the phone app: its own page, its fallback, a service worker that is always revalidated
      const bare = await withClient.inject({ url: '/field?x=1', headers: html });
      expect(bare.statusCode).toBe(301);
      expect(bare.headers.location).toBe('/field/?x=1');
      const field = await withClient.inject({ url: '/field/', headers: html });
      expect(field.body).toContain('GridCommand field');
      expect(field.headers['cache-control']).toBe('no-cache');
      expect((await withClient.inject({ url: '/field/task/12', headers: html })).body).toContain('GridCommand field');
      const sw = await withClient.inject({ url: '/field/sw.js' });
      expect(sw.statusCode).toBe(200);
      expect(sw.headers['content-type']).toMatch(/javascript/);
      expect(sw.headers['cache-control']).toBe('no-cache');
    } finally {
      await withClient.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
