/**
 * OGC API – Features at /ogc/ against the demo district: the documents and their links, paging to the end, bbox,
 * datetime and property filters, the 400s, the public view of cases (nothing personal; sensitive categories at their
 * grid's centre) and the teams only for the roles that dispatch. GDAL as a client: ogc-gdal.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { LightMyRequestResponse } from 'fastify';
import { isSensitiveCategory, publicPoint } from '@gridcommand/shared/domain';
import { parseBbox, parseDatetime, parseInstant } from '../src/modules/ogc/params.ts';
import { CONFORMANCE } from '../src/modules/ogc/present.ts';
import { as, caseWorld, createCase, type CaseWorld } from './cases-helpers.ts';

let w: CaseWorld;

/** Inserts `n` cases by SQL, spread over the grids, reported one hour apart back from `latest`. */
async function seedCases(pool: pg.Pool, n: number, opts: { prefix: string; latest: Date; categories?: string[] }): Promise<void> {
  await pool.query(
    `INSERT INTO cases (code, source, category_code, priority, title, description, location, grid_code, community_code, zone_code,
                        street_code, status, reported_at, respond_by, resolve_by, light, reporter_name, reporter_phone)
     SELECT $1 || lpad(s.i::text, 6, '0'), 'hotline', ($4::text[])[1 + s.i % cardinality($4::text[])],
            (ARRAY['normal', 'urgent'])[1 + s.i % 2], '测试', '秘密描述 13912345678',
            ST_Translate(g.label_point, 0.0001, 0.0001), g.code, g.community_code, g.zone_code, g.street_code,
            (ARRAY['filed', 'dispatched', 'closed'])[1 + s.i % 3], $2::timestamptz - make_interval(hours => s.i),
            $2::timestamptz + interval '1 day', $2::timestamptz + interval '5 days',
            (ARRAY['green', 'red', 'yellow'])[1 + s.i % 3], '李四', '13912345678'
     FROM generate_series(1, $3::int) AS s(i)
     JOIN LATERAL (SELECT * FROM area WHERE level = 'grid' ORDER BY code OFFSET (s.i % 1500) LIMIT 1) g ON true`,
    [opts.prefix, opts.latest, n, opts.categories ?? ['01001', '02001', '04001']],
  );
}

const LATEST = new Date('2026-11-30T12:00:00Z');

beforeAll(async () => {
  w = await caseWorld();
  await seedCases(w.db.pool, 60, { prefix: 'OGCT', latest: LATEST });
}, 120_000);
afterAll(async () => {
  await w?.close();
});

const get = (url: string, headers: Record<string, string> = {}) => w.app.inject({ method: 'GET', url, headers });
const json = (res: LightMyRequestResponse) => res.json() as Record<string, any>;
const count = async (sql: string, values: unknown[] = []) => (await w.db.pool.query<{ n: number }>(sql, values)).rows[0]!.n;

describe('pure parameters', () => {
  it.each([
    ['2026-11-30T12:00:00Z', '2026-11-30T12:00:00.000Z'],
    ['2026-11-30T20:00:00+08:00', '2026-11-30T12:00:00.000Z'],
    ['2026-11-30t12:00:00.5z', '2026-11-30T12:00:00.500Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2026-02-29T00:00:00Z', null],
    ['2026-02-30T00:00:00Z', null],
    ['2026-13-01T00:00:00Z', null],
    ['2026-11-30T24:00:00Z', null],
    ['2026-11-30T12:00:00', null],
    ['2026-11-30', null],
    ['yesterday', null],
  ])('instant %s → %s', (s, want) => {
    expect(parseInstant(s)?.toISOString() ?? null).toBe(want);
  });

  it('intervals, open ends and their refusals', () => {
    expect(parseDatetime('../2026-11-30T12:00:00Z')).toEqual({ from: null, to: new Date('2026-11-30T12:00:00Z') });
    expect(parseDatetime('2026-11-30T12:00:00Z/..')).toEqual({ from: new Date('2026-11-30T12:00:00Z'), to: null });
    expect(parseDatetime('2026-11-30T12:00:00Z/')).toEqual({ from: new Date('2026-11-30T12:00:00Z'), to: null });
    for (const bad of ['..', '', 'a/b', '2026-12-01T00:00:00Z/2026-11-01T00:00:00Z', '1/2/3', '2026-02-30T00:00:00Z/..']) {
      expect(() => parseDatetime(bad), bad).toThrow(/datetime/);
    }
  });

  it('bbox: four numbers in range, west <= east, south <= north', () => {
    expect(parseBbox('119.5,35.5,120.5,36.2')).toEqual([119.5, 35.5, 120.5, 36.2]);
    expect(parseBbox(' -180 , -90 , 180 , 90 ')).toEqual([-180, -90, 180, 90]);
    for (const bad of ['1,2,3', '1,2,3,4,5', '1,2,3,4,5,6', 'a,b,c,d', '1,,3,4', '120,35,119,36', '119,36,120,35', '119,-91,120,36', '0x10,1,2,3', '1e999,1,2,3']) {
      expect(() => parseBbox(bad), bad).toThrow(/bbox/);
    }
  });
});

describe('landing page, conformance, collections', () => {
  it('the landing page links self, service-desc, service-doc, conformance and data', async () => {
    const res = await get('/ogc/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const rels = Object.fromEntries(json(res).links.map((l: { rel: string; href: string }) => [l.rel, l.href]));
    expect(rels.self).toMatch(/\/ogc\/$/);
    expect(rels['service-desc']).toMatch(/\/api\/openapi\.json$/);
    expect(rels['service-doc']).toMatch(/\/api\/docs$/);
    expect(rels.conformance).toMatch(/\/ogc\/conformance$/);
    expect(rels.data).toMatch(/\/ogc\/collections$/);
    // the links lead somewhere
    for (const href of [rels['service-desc'], rels.conformance, rels.data]) expect((await get(new URL(href).pathname)).statusCode, href).toBe(200);
  });

  it('conformance claims core, GeoJSON and the Part 3 queryables, not oas30 (the document is OpenAPI 3.1)', async () => {
    const res = await get('/ogc/conformance');
    expect(json(res).conformsTo).toEqual([...CONFORMANCE]);
    expect(json(res).conformsTo).toContain('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core');
    expect(json(res).conformsTo).toContain('http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters');
    expect(json(res).conformsTo.some((c: string) => c.endsWith('/oas30'))).toBe(false);
    expect(json(await get('/api/openapi.json')).paths['/ogc/collections/{collectionId}/items']).toBeTruthy();
  });

  it('lists the area levels and cases to everyone, the teams only to admins, dispatchers and leaders', async () => {
    const ids = (res: LightMyRequestResponse) => json(res).collections.map((c: { id: string }) => c.id);
    expect(ids(await get('/ogc/collections'))).toEqual(['streets', 'zones', 'communities', 'grids', 'cases']);
    for (const role of ['admin', 'dispatcher', 'leader'] as const) expect(ids(await as(w, role, 'GET', '/ogc/collections'))).toContain('teams');
    for (const role of ['worker', 'handler', 'wall'] as const) expect(ids(await as(w, role, 'GET', '/ogc/collections'))).not.toContain('teams');
    const grids = json(await get('/ogc/collections')).collections.find((c: { id: string }) => c.id === 'grids');
    expect(grids.itemType).toBe('feature');
    expect(grids.crs).toEqual(['http://www.opengis.net/def/crs/OGC/1.3/CRS84']);
    const [[w0, s0, e0, n0]] = grids.extent.spatial.bbox;
    expect(w0).toBeGreaterThan(119);
    expect(e0).toBeLessThan(121);
    expect(s0).toBeLessThan(n0);
    expect(grids.links.map((l: { rel: string }) => l.rel)).toEqual(expect.arrayContaining(['self', 'items', 'http://www.opengis.net/def/rel/ogc/1.0/queryables']));
    const cases = json(await get('/ogc/collections/cases'));
    expect(cases.extent.temporal.interval[0][1]).toBe(new Date(LATEST.getTime() - 3_600_000).toISOString());
  });

  it('queryables are a JSON Schema of application/schema+json', async () => {
    const res = await get('/ogc/collections/cases/queryables');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/schema\+json/);
    const q = json(res);
    expect(q.$schema).toMatch(/json-schema\.org/);
    expect(q.type).toBe('object');
    expect(Object.keys(q.properties)).toEqual(expect.arrayContaining(['status', 'light', 'street_code', 'grid_code', 'category_code']));
    expect(q.properties.light.enum).toContain('red');
  });
});

describe('items', () => {
  it('pages with next links to the end: every grid once, as many as numberMatched and as SQL counts', async () => {
    const total = await count(`SELECT count(*)::int AS n FROM area WHERE level = 'grid'`);
    let url: string | null = '/ogc/collections/grids/items?limit=400';
    const seen = new Set<string>();
    let pages = 0;
    let matched = -1;
    while (url) {
      const res = await get(url);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
      const fc = json(res);
      matched = fc.numberMatched;
      expect(fc.numberReturned).toBe(fc.features.length);
      expect(Date.parse(fc.timeStamp)).toBeGreaterThan(0);
      for (const f of fc.features) seen.add(f.id);
      const rels = fc.links.map((l: { rel: string }) => l.rel);
      expect(rels).toEqual(expect.arrayContaining(['self', 'alternate']));
      if (pages > 0) expect(rels).toContain('prev');
      const next = fc.links.find((l: { rel: string }) => l.rel === 'next');
      url = next ? new URL(next.href).pathname + new URL(next.href).search : null;
      pages++;
    }
    expect(matched).toBe(total);
    expect(seen.size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 400));
  });

  it('renders features with CRS84 coordinates and the area code as id', async () => {
    const fc = json(await get('/ogc/collections/grids/items?limit=1'));
    const f = fc.features[0];
    expect(f.type).toBe('Feature');
    expect(f.id).toMatch(/^\d{15}$/);
    expect(f.geometry.type).toBe('MultiPolygon');
    const [lon, lat] = f.geometry.coordinates[0][0][0];
    expect(lon).toBeGreaterThan(119);
    expect(lat).toBeGreaterThan(35);
    expect(String(lon).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(6);
    expect(f.properties.code).toBe(f.id);
    const one = await get(`/ogc/collections/grids/items/${f.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(json(one).id).toBe(f.id);
    expect(json(one).links.map((l: { rel: string }) => l.rel)).toEqual(expect.arrayContaining(['self', 'collection']));
    expect((await get('/ogc/collections/grids/items/999999999999999')).statusCode).toBe(404);
    expect((await get('/ogc/collections/nope/items')).statusCode).toBe(404);
    expect((await get(`/ogc/collections/grids/items?limit=1&f=json`)).headers['content-type']).toMatch(/^application\/json/);
  });

  it('bbox selects what intersects the box (as PostGIS does), an empty box nothing', async () => {
    const box = [119.9, 35.9, 120.0, 36.0];
    const want = await count(`SELECT count(*)::int AS n FROM area WHERE level = 'grid' AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`, box);
    expect(want).toBeGreaterThan(0);
    const fc = json(await get(`/ogc/collections/grids/items?bbox=${box.join(',')}&limit=10000`));
    expect(fc.numberMatched).toBe(want);
    expect(fc.numberReturned).toBe(want);
    expect(json(await get('/ogc/collections/grids/items?bbox=0,0,1,1')).numberMatched).toBe(0);
  });

  it('property filters from the queryables: street_code, light and status on cases, several values with commas', async () => {
    const street = (await w.db.pool.query<{ street_code: string }>(`SELECT street_code FROM cases WHERE code LIKE 'OGCT%' LIMIT 1`)).rows[0]!.street_code;
    const want = await count(`SELECT count(*)::int AS n FROM cases WHERE street_code = $1 AND light = 'red'`, [street]);
    const fc = json(await get(`/ogc/collections/cases/items?street_code=${street}&light=red&limit=1000`));
    expect(fc.numberMatched).toBe(want);
    expect(fc.features.every((f: any) => f.properties.street_code === street && f.properties.light === 'red')).toBe(true);
    const two = json(await get('/ogc/collections/cases/items?status=filed,closed&limit=1000'));
    expect(two.numberMatched).toBe(await count(`SELECT count(*)::int AS n FROM cases WHERE status IN ('filed', 'closed')`));
    const zones = json(await get(`/ogc/collections/zones/items?street_code=${street}&limit=1000`));
    expect(zones.numberMatched).toBe(await count(`SELECT count(*)::int AS n FROM area WHERE level = 'zone' AND street_code = $1`, [street]));
    expect(json(await get('/ogc/collections/grids/items?urban=true&limit=1')).numberMatched).toBe(await count(`SELECT count(*)::int AS n FROM area WHERE level = 'grid' AND urban`));
  });

  it('datetime on cases applies to the reported time: instants, intervals and open ends', async () => {
    const at = (h: number) => new Date(LATEST.getTime() - h * 3_600_000).toISOString();
    const n = async (dt: string) => json(await get(`/ogc/collections/cases/items?datetime=${encodeURIComponent(dt)}&limit=1`)).numberMatched;
    expect(await n(at(5))).toBe(1);
    expect(await n(`${at(10)}/${at(1)}`)).toBe(10);
    expect(await n(`../${at(51)}`)).toBe(10);
    expect(await n(`${at(10)}/..`)).toBe(await count(`SELECT count(*)::int AS n FROM cases WHERE reported_at >= $1`, [at(10)]));
    // the same instant (07:00Z) written with an offset
    expect(at(5)).toBe('2026-11-30T07:00:00.000Z');
    expect(await n('2026-11-30T15:00:00+08:00')).toBe(1);
  });

  it('answers 400 in the one error shape for unknown parameters, limits out of range, bad bbox and bad datetime', async () => {
    const cases: [string, RegExp][] = [
      ['/ogc/collections/grids/items?foo=1', /unknown query parameter "foo"/],
      ['/ogc/collections/grids/items?limit=0', /limit/],
      ['/ogc/collections/grids/items?limit=10001', /limit/],
      ['/ogc/collections/grids/items?limit=ten', /limit/],
      ['/ogc/collections/grids/items?offset=-1', /offset/],
      ['/ogc/collections/grids/items?bbox=1,2,3', /bbox/],
      ['/ogc/collections/grids/items?bbox=120,35,119,36', /bbox/],
      ['/ogc/collections/grids/items?bbox=119,35,120,95', /bbox/],
      ['/ogc/collections/cases/items?datetime=2026-02-30T00:00:00Z', /datetime/],
      ['/ogc/collections/cases/items?datetime=yesterday', /datetime/],
      ['/ogc/collections/cases/items?datetime=2026-12-01T00:00:00Z/2026-11-01T00:00:00Z', /datetime/],
      ['/ogc/collections/grids/items?datetime=2026-11-01T00:00:00Z', /no time/],
      ['/ogc/collections/grids/items?light=red', /no queryable "light"/],
      ['/ogc/collections/cases/items?light=purple', /light must be one of/],
      ['/ogc/collections/grids/items?urban=maybe', /urban/],
      ['/ogc/collections/grids/items?limit=1&limit=2', /limit/],
      ['/ogc/collections?limit=1', /unknown query parameter "limit"/],
      ['/ogc/?f=html', /f/],
      ['/ogc/collections/grids/items?street_code=%00', /NUL/],
    ];
    for (const [url, message] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      const body = json(res);
      expect(Object.keys(body).sort(), url).toEqual(expect.arrayContaining(['statusCode', 'error', 'message']));
      expect(body.statusCode).toBe(400);
      expect(body.message, url).toMatch(message);
    }
    expect(json(await get('/ogc/nothing-here')).statusCode).toBe(404);
  });
});

describe('the public view of cases', () => {
  it('shows no reporter, phone, description or photos, and a sensitive category only at its grid centre', async () => {
    const c = await createCase(w, { reporterName: '王五', reporterPhone: '13700000000', description: '门牌 8 号 王五家' });
    const one = await get(`/ogc/collections/cases/items/${c.code}`);
    expect(one.statusCode).toBe(200);
    expect(Object.keys(json(one).properties).sort()).toEqual(
      ['category_code', 'category_name', 'closed_at', 'code', 'community_code', 'grid_code', 'light', 'location_generalised', 'major_code', 'priority', 'reported_at', 'status', 'street_code', 'zone_code'].sort(),
    );
    const all = await get('/ogc/collections/cases/items?limit=10000');
    for (const secret of ['王五', '13700000000', '门牌', '李四', '13912345678', '秘密', 'photos', 'reporter', 'description']) expect(all.body, secret).not.toContain(secret);

    const { rows } = await w.db.pool.query<{ code: string; category_code: string; lon: number; lat: number; glon: number; glat: number }>(
      `SELECT c.code, c.category_code, ST_X(c.location) AS lon, ST_Y(c.location) AS lat, ST_X(g.label_point) AS glon, ST_Y(g.label_point) AS glat
       FROM cases c JOIN area g ON g.code = c.grid_code WHERE c.code LIKE 'OGCT%'`,
    );
    const byCode = new Map(json(all).features.map((f: any) => [f.id, f]));
    let sensitive = 0;
    for (const r of rows) {
      const f = byCode.get(r.code) as any;
      const want = publicPoint({ categoryCode: r.category_code, lon: r.lon, lat: r.lat }, { lon: r.glon, lat: r.glat })!;
      expect(f.geometry.coordinates[0]).toBeCloseTo(want.lon, 5);
      expect(f.geometry.coordinates[1]).toBeCloseTo(want.lat, 5);
      expect(f.properties.location_generalised).toBe(want.generalised);
      if (isSensitiveCategory(r.category_code)) sensitive++;
    }
    expect(sensitive).toBeGreaterThan(0);
    // a bbox around a sensitive case's true point (not its grid centre) does not find it
    const s = rows.find((r) => isSensitiveCategory(r.category_code))!;
    const near = json(await get(`/ogc/collections/cases/items?bbox=${s.lon - 0.00002},${s.lat - 0.00002},${s.lon + 0.00002},${s.lat + 0.00002}`));
    expect(near.features.map((f: any) => f.id)).not.toContain(s.code);
  });
});

describe('teams', () => {
  it('are 404 to anonymous callers and other roles, and served to dispatchers', async () => {
    for (const url of ['/ogc/collections/teams', '/ogc/collections/teams/items', '/ogc/collections/teams/queryables', '/ogc/collections/teams/items/1']) {
      expect((await get(url)).statusCode, url).toBe(404);
      expect((await as(w, 'worker', 'GET', url)).statusCode, url).toBe(404);
    }
    const res = await as(w, 'dispatcher', 'GET', '/ogc/collections/teams/items?limit=1000');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toMatch(/private/);
    const fc = json(res);
    expect(fc.numberMatched).toBe(await count('SELECT count(*)::int AS n FROM team'));
    const f = fc.features[0];
    expect(typeof f.id).toBe('number');
    expect(Object.keys(f.properties).sort()).toEqual(['code', 'home_zone_code', 'kind', 'name', 'position_at', 'status']);
    expect((await as(w, 'leader', 'GET', `/ogc/collections/teams/items/${f.id}`)).statusCode).toBe(200);
    expect((await as(w, 'leader', 'GET', '/ogc/collections/teams/items/abc')).statusCode).toBe(404);
    expect(json(await as(w, 'admin', 'GET', '/ogc/collections/teams/items?kind=emergency&limit=1000')).numberMatched).toBe(
      await count(`SELECT count(*)::int AS n FROM team WHERE kind = 'emergency'`),
    );
  });
});
