/** GDAL (ogrinfo, Debian gdal-bin) as a third-party client of the vector tiles over HTTP. */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { tileAt } from './api-expect.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';

let db: TestDatabase;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  if (spawnSync('ogrinfo', ['--version']).status !== 0) {
    throw new Error('ogrinfo (GDAL) is missing: apt-get install -y gdal-bin');
  }
  db = await testDatabase();
  app = await buildApp({ config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0 }, pool: db.pool });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('ogrinfo reads the grid tiles', () => {
  it('opens a z13 tile over HTTP with the MVT driver: the layer, its fields and every feature', async () => {
    const { rows } = await db.pool.query<{ lon: number; lat: number }>(
      `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM area WHERE level = 'grid' ORDER BY population DESC LIMIT 1`,
    );
    const { z, x, y } = tileAt(rows[0]!.lon, rows[0]!.lat, 13);
    const url = `${base}/tiles/grid/${z}/${x}/${y}.mvt`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const ours = new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer()))).layers.grid!;
    // asynchronously: the server answering GDAL runs in this process
    const { stdout: out } = await promisify(execFile)('ogrinfo', ['-ro', '-al', '-so', `MVT:${url}`], { encoding: 'utf8', timeout: 60_000 });
    expect(out).toContain('Layer name: grid');
    expect(out).toMatch(new RegExp(`Feature Count: ${ours.length}\\b`));
    for (const field of ['code: String', 'name: String', 'displayCode: String', 'population: Integer']) expect(out).toContain(field);
  });
});
