/**
 * Grid tiles at z0–10 (src/modules/tiles/plan.ts): on a small megacity whose grids are too small to draw at low
 * zooms, every tile over the city holds grids or their aggregates (layer grid_agg), a grid's aggregate is found
 * where the grid is not drawn, the feature cap holds, and GDAL reads a low-zoom tile. Plus the level rule as a table.
 */
import crypto from 'node:crypto';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { generateMegacity } from '@gridcommand/data';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createDatabaseIfMissing, dropDatabase } from '../src/db/local.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDistrict } from '../src/db/seed.ts';
import { AGGREGATE_CODE_DIGITS, AGGREGATE_LAYER, MAX_TILE_FEATURES, gridTileLevel, type LevelStats } from '../src/modules/tiles/plan.ts';
import { minFeatureSize } from '../src/modules/tiles/repository.ts';
import { tileAt } from './api-expect.ts';

const CAP = MAX_TILE_FEATURES;
let adminUrl: string;
let name: string;
let pool: pg.Pool;
let app: FastifyInstance;
let bbox: { xmin: number; ymin: number; xmax: number; ymax: number };

beforeAll(async () => {
  if (spawnSync('ogrinfo', ['--version']).status !== 0) throw new Error('ogrinfo (GDAL) is missing: apt-get install -y gdal-bin');
  adminUrl = inject('gcAdminUrl');
  name = `gc_test_${crypto.randomBytes(5).toString('hex')}`;
  await createDatabaseIfMissing(adminUrl, name);
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  await migrate(url);
  pool = createPool(url, 5);
  // 3,600 grids of ~670 m over 40 km: drawn from z9, aggregated below
  await seedDistrict(pool, generateMegacity({ grids: 3600, teams: 5 }));
  app = await buildApp({ config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0 }, pool });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { rows } = await pool.query<typeof bbox>(
    `SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax FROM (SELECT ST_Extent(geom) AS e FROM area WHERE level = 'grid') s`,
  );
  bbox = rows[0]!;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await pool?.end();
  if (name) await dropDatabase(adminUrl, name);
});

function decode(buf: Buffer): VectorTile {
  return new VectorTile(new PbfReader(buf));
}

function tilesOver(z: number): { z: number; x: number; y: number }[] {
  const a = tileAt(bbox.xmin, bbox.ymax, z);
  const b = tileAt(bbox.xmax, bbox.ymin, z);
  const out = [];
  for (let x = a.x; x <= b.x; x++) for (let y = a.y; y <= b.y; y++) out.push({ z, x, y });
  return out;
}

describe('grid tiles at low zooms', () => {
  it('are never empty over the city at z7–10, stay under the cap, and carry the aggregates where grids are too small', async () => {
    const levels = new Map<number, Set<string>>();
    for (const z of [3, 7, 8, 9, 10]) {
      for (const t of tilesOver(z)) {
        const res = await app.inject({ url: `/tiles/grid/${t.z}/${t.x}/${t.y}.mvt` });
        expect(res.statusCode, `${z}/${t.x}/${t.y}`).toBe(200);
        const tile = decode(res.rawPayload);
        const grid = tile.layers.grid?.length ?? 0;
        const agg = tile.layers[AGGREGATE_LAYER];
        expect(grid + (agg?.length ?? 0), `${z}/${t.x}/${t.y}`).toBeGreaterThan(0);
        expect(grid + (agg?.length ?? 0)).toBeLessThanOrEqual(CAP);
        const seen = levels.get(z) ?? new Set<string>();
        if (grid > 0) seen.add('grid');
        for (let i = 0; agg && i < agg.length; i++) {
          const f = agg.feature(i);
          expect(f.id).toBe(Number(f.properties.code)); // the code as a number: derived from a grid code, no lookup
          expect(f.type).toBe(3);
          seen.add(String(f.properties.level));
        }
        levels.set(z, seen);
      }
    }
    // one level per zoom: coarser zoomed out
    expect([...levels.get(10)!]).toEqual(['grid']);
    expect([...levels.get(9)!]).toEqual(['grid']);
    expect([...levels.get(8)!]).toEqual(['community']);
    expect([...levels.get(3)!]).toEqual(['district']);
  });

  it("finds a grid's aggregate at low zoom: the feature whose code is the prefix of the grid's code", async () => {
    const { rows } = await pool.query<{ code: string; lon: number; lat: number }>(
      `SELECT code, ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM area WHERE level = 'grid' ORDER BY code OFFSET 1234 LIMIT 1`,
    );
    const g = rows[0]!;
    for (const z of [6, 8]) {
      const t = tileAt(g.lon, g.lat, z);
      const res = await app.inject({ url: `/tiles/grid/${t.z}/${t.x}/${t.y}.mvt` });
      const agg = decode(res.rawPayload).layers[AGGREGATE_LAYER]!;
      const codes: string[] = [];
      for (let i = 0; i < agg.length; i++) {
        const f = agg.feature(i);
        const digits = AGGREGATE_CODE_DIGITS[f.properties.level as keyof typeof AGGREGATE_CODE_DIGITS];
        expect(String(f.properties.code)).toHaveLength(digits);
        codes.push(String(f.properties.code));
      }
      expect(codes.some((c) => g.code.startsWith(c)), `z${z}`).toBe(true);
    }
  });

  it('describes grid_agg in the TileJSON of the grid layer', async () => {
    const res = await app.inject({ url: '/tiles/grid.json' });
    const layers = (res.json() as { vector_layers: { id: string; maxzoom: number }[] }).vector_layers;
    expect(layers.map((l) => l.id)).toEqual(['grid', AGGREGATE_LAYER]);
    expect(layers[1]!.maxzoom).toBe(12);
  });

  it('is read by ogrinfo at z8 (the aggregates layer)', async () => {
    const addr = app.server.address() as { port: number };
    const t = tilesOver(8)[0]!;
    const { stdout } = await promisify(execFile)('ogrinfo', ['-ro', '-al', '-so', `MVT:http://127.0.0.1:${addr.port}/tiles/grid/8/${t.x}/${t.y}.mvt`], { encoding: 'utf8', timeout: 60_000 });
    expect(stdout).toContain(`Layer name: ${AGGREGATE_LAYER}`);
    expect(stdout).toContain('code: String');
  });
});

describe('gridTileLevel', () => {
  const stats = (grid: Partial<LevelStats>, community: Partial<LevelStats> = {}): LevelStats[] => [
    { level: 'grid', count: 1000, medianSize: 100, densest: Array(11).fill(1000), ...grid },
    { level: 'community', count: 100, medianSize: 1000, densest: Array(11).fill(100), ...community },
    { level: 'street', count: 10, medianSize: 10_000, densest: Array(11).fill(10) },
    { level: 'district', count: 1, medianSize: 50_000, densest: Array(11).fill(1) },
  ];
  it.each([
    ['grids big enough and few enough', stats({}), 50, 'grid'],
    ['grids too small', stats({}), 200, 'community'],
    ['grids too many for the cap', stats({ densest: Array(11).fill(9000) }), 50, 'community'],
    ['communities too small as well', stats({}), 2000, 'street'],
    ['everything too small: the coarsest', stats({}), 1e6, 'district'],
    ['communities over the cap', stats({ densest: Array(11).fill(9000) }, { densest: Array(11).fill(CAP + 1) }), 50, 'street'],
  ] as const)('%s', (_name, s, minSize, want) => {
    expect(gridTileLevel(s, 5, minSize, CAP)).toBe(want);
  });
  it('no grids: empty tiles', () => {
    expect(gridTileLevel([{ level: 'district', count: 1, medianSize: 1, densest: [1] }], 0, minFeatureSize(0))).toBeNull();
  });
});
