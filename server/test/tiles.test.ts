/** Vector tiles (/tiles/:layer/:z/:x/:y.mvt) and TileJSON (/tiles/:layer.json) against the demo district. */
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { TileJson } from '@gridcommand/shared/schemas';
import { areaFeatureId } from '@gridcommand/shared/domain';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { expectError, tileAt } from './api-expect.ts';

let db: TestDatabase;
let app: FastifyInstance;
let center: { lon: number; lat: number };

beforeAll(async () => {
  db = await testDatabase();
  // tile URLs in TileJSON come from GC_PUBLIC_URL (never from the request's Host: hardening.test.ts)
  app = await buildApp({ config: { ...loadConfig({}), clientDist: null, publicUrl: 'http://gis.example.org:8443' }, pool: db.pool });
  // a point inside a grid near the middle of the district
  const { rows } = await db.pool.query<{ lon: number; lat: number }>(
    `SELECT ST_X(g.label_point) AS lon, ST_Y(g.label_point) AS lat
     FROM area g, area d WHERE g.level = 'grid' AND d.level = 'district'
     ORDER BY g.label_point <-> ST_Centroid(d.geom) LIMIT 1`,
  );
  center = rows[0]!;
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

function decode(buf: Buffer): VectorTile {
  return new VectorTile(new PbfReader(buf));
}

describe('GET /tiles/:layer/:z/:x/:y.mvt', () => {
  it('serves a z12 grid tile over the district with feature ids and the layer name "grid"', async () => {
    const { z, x, y } = tileAt(center.lon, center.lat, 12);
    const res = await app.inject({ url: `/tiles/grid/${z}/${x}/${y}.mvt` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    const tile = decode(res.rawPayload);
    expect(Object.keys(tile.layers)).toEqual(['grid']);
    const layer = tile.layers.grid!;
    expect(layer.extent).toBe(4096);
    expect(layer.length).toBeGreaterThan(0);
    const ids: number[] = [];
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      expect(f.type).toBe(3); // polygon
      expect(typeof f.id).toBe('number');
      ids.push(f.id!);
      expect(f.properties.code).toMatch(/^\d{15}$/);
      expect(typeof f.properties.name).toBe('string');
      expect(typeof f.properties.population).toBe('number');
      expect(typeof f.properties.vacancy).toBe('boolean');
      expect('id' in f.properties).toBe(false);
    }
    // the feature id is the grid's code as a number (areaFeatureId), and the properties belong to that grid
    const { rows } = await db.pool.query<{ code: string; vacant: boolean }>(
      `SELECT code, NOT EXISTS (SELECT 1 FROM grid_staff s WHERE s.grid_code = a.code AND s.responsible) AS vacant
       FROM area a WHERE level = 'grid' AND code = ANY($1::text[])`,
      [ids.map(String)],
    );
    expect(rows).toHaveLength(ids.length);
    const byCode = new Map(rows.map((r) => [r.code, r]));
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      expect(f.id).toBe(areaFeatureId(String(f.properties.code)));
      expect(f.properties.vacancy).toBe(byCode.get(String(f.properties.code))?.vacant);
    }
    // the grid at the tile's own point is in it
    const { rows: here } = await db.pool.query<{ code: string }>(
      `SELECT code FROM area WHERE level = 'grid' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))`,
      [center.lon, center.lat],
    );
    expect(ids).toContain(areaFeatureId(here[0]!.code));
  });

  it('serves every layer under its own name', async () => {
    for (const layerName of ['grid', 'community', 'zone', 'street', 'district']) {
      const { z, x, y } = tileAt(center.lon, center.lat, 11);
      const res = await app.inject({ url: `/tiles/${layerName}/${z}/${x}/${y}.mvt` });
      expect(res.statusCode, layerName).toBe(200);
      const tile = decode(res.rawPayload);
      expect(Object.keys(tile.layers)).toEqual([layerName]);
      expect(tile.layers[layerName]!.length).toBeGreaterThan(0);
      // every level's feature id is its code as a number, so a map addresses any area's feature-state by code
      const f = tile.layers[layerName]!.feature(0);
      expect(f.id, layerName).toBe(areaFeatureId(String(f.properties.code)));
    }
  });

  it('gzips tiles for clients that accept it, with the same content', async () => {
    const { z, x, y } = tileAt(center.lon, center.lat, 13);
    const url = `/tiles/grid/${z}/${x}/${y}.mvt`;
    const raw = await app.inject({ url });
    const gz = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(gz.statusCode).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toContain('Accept-Encoding');
    expect(zlib.gunzipSync(gz.rawPayload).equals(raw.rawPayload)).toBe(true);
  });

  it('keeps low zooms small by simplifying, and still covers the district', async () => {
    const low = tileAt(center.lon, center.lat, 8);
    const res = await app.inject({ url: `/tiles/grid/${low.z}/${low.x}/${low.y}.mvt` });
    expect(res.statusCode).toBe(200);
    const layer = decode(res.rawPayload).layers.grid!;
    expect(layer.length).toBeGreaterThan(100);
    // fewer vertices per feature than the same grids drawn unsimplified at z12
    let vertices = 0;
    for (let i = 0; i < layer.length; i++) for (const ring of layer.feature(i).loadGeometry()) vertices += ring.length;
    expect(vertices / layer.length).toBeLessThan(12);
  });

  it('answers an empty tile with 204, consistently', async () => {
    for (const url of ['/tiles/grid/12/0/0.mvt', '/tiles/district/5/0/0.mvt', '/tiles/grid/22/0/0.mvt']) {
      const first = await app.inject({ url });
      const again = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
      for (const res of [first, again]) {
        expect(res.statusCode, url).toBe(204);
        expect(res.rawPayload.length).toBe(0);
      }
    }
  });

  it('serves repeated tiles from the cache and drops them on invalidate()', async () => {
    const { z, x, y } = tileAt(center.lon, center.lat, 14);
    const url = `/tiles/grid/${z}/${x}/${y}.mvt`;
    const first = await app.inject({ url });
    const hits = app.tileCache.hits;
    const second = await app.inject({ url });
    expect(app.tileCache.hits).toBe(hits + 1);
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);

    // a change in the data shows after invalidate()
    const id = decode(first.rawPayload).layers.grid!.feature(0).id!;
    await db.pool.query(`UPDATE area SET name = name || '（改）' WHERE code = $1`, [String(id)]);
    app.tileCache.invalidate();
    const third = decode((await app.inject({ url })).rawPayload).layers.grid!;
    const names: string[] = [];
    for (let i = 0; i < third.length; i++) if (third.feature(i).id === id) names.push(String(third.feature(i).properties.name));
    expect(names[0]).toMatch(/（改）$/);
  });

  it.each([
    ['/tiles/grid/23/0/0.mvt', 400, /z.*22/],
    ['/tiles/grid/-1/0/0.mvt', 400, /z.*0/],
    ['/tiles/grid/3/8/0.mvt', 400, /x.*0 and 7/],
    ['/tiles/grid/3/0/8.mvt', 400, /y.*0 and 7/],
    ['/tiles/grid/0/1/0.mvt', 400, /x.*0 and 0/],
    ['/tiles/grid/3/-1/0.mvt', 400, /x/],
    ['/tiles/grid/3/1.5/0.mvt', 400, /x.*integer/],
    ['/tiles/grid/a/0/0.mvt', 400, /z.*integer/],
    ['/tiles/grid/3/0/abc.mvt', 400, /y.*integer/],
    ['/tiles/grid/3/0/1e1.mvt', 400, /y.*integer/],
    ['/tiles/grid/99999999999999999999/0/0.mvt', 400, /z/],
    ['/tiles/buildings/3/0/0.mvt', 404, /grid, community, zone, street, district/],
    ['/tiles/buildings.json', 404, /grid, community, zone, street, district/],
  ])('%s → %i', async (url, status, message) => {
    expect(expectError(await app.inject({ url }), status).message).toMatch(message);
  });
});

describe('GET /tiles/:layer.json', () => {
  it('is TileJSON 3.0.0 with absolute tile URLs from the public URL, layers, zooms, bounds, center', async () => {
    const res = await app.inject({ url: '/tiles/grid.json', headers: { host: 'evil.example' } });
    expect(res.statusCode).toBe(200);
    const tj = res.json() as TileJson;
    expect(tj.tilejson).toBe('3.0.0');
    expect(tj.tiles).toEqual(['http://gis.example.org:8443/tiles/grid/{z}/{x}/{y}.mvt']);
    expect(tj.minzoom).toBe(0);
    expect(tj.maxzoom).toBe(22);
    // the grid layer and its companion of aggregates at z0–10 (tiles-aggregate.test.ts)
    expect(tj.vector_layers.map((l) => l.id)).toEqual(['grid', 'grid_agg']);
    const vl = tj.vector_layers[0]!;
    expect(vl.id).toBe('grid');
    expect(vl.minzoom).toBe(0);
    expect(vl.maxzoom).toBe(22);
    expect(Object.keys(vl.fields).sort()).toEqual(['code', 'displayCode', 'name', 'population', 'vacancy']);
    const [minLon, minLat, maxLon, maxLat] = tj.bounds;
    expect(minLon).toBeLessThan(center.lon);
    expect(maxLon).toBeGreaterThan(center.lon);
    expect(minLat).toBeLessThan(center.lat);
    expect(maxLat).toBeGreaterThan(center.lat);
    const [cLon, cLat, cZoom] = tj.center;
    expect(cLon).toBeGreaterThan(minLon);
    expect(cLon).toBeLessThan(maxLon);
    expect(cLat).toBeGreaterThan(minLat);
    expect(cLat).toBeLessThan(maxLat);
    expect(cZoom).toBeGreaterThanOrEqual(8);
    expect(cZoom).toBeLessThanOrEqual(12);

    // the advertised URL template serves tiles
    const { z, x, y } = tileAt(cLon, cLat, 12);
    const tileUrl = tj.tiles[0]!.replace('http://gis.example.org:8443', '').replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
    expect([200, 204]).toContain((await app.inject({ url: tileUrl })).statusCode);
  });

  it('describes the other layers without the grid-only vacancy field', async () => {
    const tj = (await app.inject({ url: '/tiles/street.json' })).json() as TileJson;
    expect(tj.vector_layers[0]!.id).toBe('street');
    expect(Object.keys(tj.vector_layers[0]!.fields)).not.toContain('vacancy');
  });
});
