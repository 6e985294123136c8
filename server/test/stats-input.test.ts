/** Bad input to the statistics and map endpoints answers 4xx in the one error shape; who may read them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statsWorld, type StatsWorld } from './stats-helpers.ts';
import { PASSWORD, login, sessionCookie } from './cases-helpers.ts';

let w: StatsWorld;

beforeAll(async () => {
  w = await statsWorld();
});
afterAll(async () => {
  await w?.close();
});

const ENDPOINTS = [
  '/api/stats/overview?period=today',
  '/api/stats/overview?period=month&street=370211001',
  '/api/stats/streets?period=7d',
  '/api/stats/heatmap?mode=hex',
  '/api/stats/heatmap?mode=grid&category=01',
  '/api/stats/heatmap?mode=points&bbox=120.0,35.9,120.1,36.0',
  '/api/stats/heatmap/scale',
  '/api/stats/choropleth?level=zone&metric=overdue_rate',
  '/api/stats/area/370211001',
  '/api/stats/trend?by=category',
  '/api/map/grid-lights',
  '/api/map/open-cases',
];

describe('bad input → 4xx in the one error shape', () => {
  it.each([
    ['/api/stats/overview?period=year', 400],
    ['/api/stats/overview?period=today&period=month', 400],
    ['/api/stats/overview?street=123', 400],
    ['/api/stats/overview?street=370211999', 404],
    ['/api/stats/overview?street=370211001001', 400],
    ['/api/stats/overview?foo=1', 400],
    ['/api/stats/streets?period=', 400],
    ['/api/stats/streets?street=370211001', 400],
    ['/api/stats/heatmap?mode=cubes', 400],
    ['/api/stats/heatmap?from=2026-11-10&to=2026-11-01', 400],
    ['/api/stats/heatmap?from=2026-11-10T00:00:00Z&to=2026-11-10T00:00:00Z', 400],
    ['/api/stats/heatmap?from=2024-01-01&to=2026-01-01', 400],
    ['/api/stats/heatmap?from=yesterday', 400],
    ['/api/stats/heatmap?from=2026-02-30', 400],
    ['/api/stats/heatmap?to=2026-11-10T08:00', 400],
    ['/api/stats/heatmap?mode=points', 400],
    ['/api/stats/heatmap?mode=points&bbox=119.5,35.5,120.4,36.2', 400],
    ['/api/stats/heatmap?bbox=1,2,3', 400],
    ['/api/stats/heatmap?bbox=120.2,36,120.1,35.9', 400],
    ['/api/stats/heatmap?bbox=a,b,c,d', 400],
    ['/api/stats/heatmap?bbox=0,0,200,10', 400],
    ['/api/stats/heatmap?cellKm=0.1', 400],
    ['/api/stats/heatmap?cellKm=11', 400],
    ['/api/stats/heatmap?cellKm=abc', 400],
    ['/api/stats/heatmap?mode=grid&cellKm=2', 400],
    ['/api/stats/heatmap?category=1', 400],
    ['/api/stats/heatmap?category=99', 400],
    ['/api/stats/heatmap?category=01999', 400],
    ['/api/stats/heatmap/scale?days=0', 400],
    ['/api/stats/heatmap/scale?days=1.5', 400],
    ['/api/stats/heatmap/scale?mode=points', 400],
    ['/api/stats/heatmap/scale?category=xx', 400],
    ['/api/stats/choropleth?level=community', 400],
    ['/api/stats/choropleth?metric=speed', 400],
    ['/api/stats/choropleth?from=2026-11-10&to=2026-11-09', 400],
    ['/api/stats/area/12345', 400],
    ['/api/stats/area/370211999', 404],
    ['/api/stats/area/370211001?from=2026-13-01', 400],
    ['/api/stats/trend?by=week', 400],
    ['/api/stats/trend?street=370211999', 404],
    ['/api/map/open-cases?bbox=1,2', 400],
    ['/api/map/open-cases?bbox=120,36,120,91', 400],
    ['/api/map/open-cases?limit=5', 400],
  ])('%s → %i', async (url, status) => {
    const res = await w.get(url);
    expect(res.statusCode, res.body).toBe(status);
    const body = res.json();
    expect(body.statusCode).toBe(status);
    expect(typeof body.error).toBe('string');
    expect(body.message.length).toBeGreaterThan(5);
  });
});

describe('roles', () => {
  it.each(ENDPOINTS)('%s: 401 without a login', async (url) => {
    const res = await w.get(url, 'none');
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('UNAUTHENTICATED');
  });

  it.each(ENDPOINTS)('%s: 200 for a wall token and for the leader, no personal data', async (url) => {
    for (const as of ['wall', 'leader'] as const) {
      const res = await w.get(url, as);
      expect(res.statusCode, `${as}: ${res.body}`).toBe(200);
      expect(res.body).not.toMatch(/reporter|"1[3-9]\d{9}"/);
    }
  });

  it('every other role may read too; a revoked or unknown token may not', async () => {
    for (const role of ['admin', 'dispatcher', 'handler', 'worker']) {
      const cookie = sessionCookie(await login(w.app, role, PASSWORD));
      for (const url of ['/api/stats/overview', '/api/map/grid-lights']) {
        const res = await w.app.inject({ url, headers: { cookie } });
        expect(res.statusCode, `${role} ${url}`).toBe(200);
      }
    }
    const res = await w.app.inject({ url: '/api/stats/overview', headers: { authorization: `Bearer ${'x'.repeat(43)}` } });
    expect(res.statusCode).toBe(401);
    const viaQuery = await w.app.inject({ url: `/api/map/grid-lights?token=${w.wallToken}` });
    expect(viaQuery.statusCode).toBe(200);
  });
});
