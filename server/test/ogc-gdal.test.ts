/**
 * GDAL's OAPIF driver (ogrinfo, Debian gdal-bin) as a third-party client of /ogc/ on a real port: it lists the
 * collections, counts the grids as SQL does, filters by -spat (bbox) and reads more than 10,000 cases page after page
 * through the next links, each exactly once.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { freePort } from './server-process.ts';

let db: TestDatabase;
let app: FastifyInstance;
let base: string;

const CASES = 10_500;

beforeAll(async () => {
  if (spawnSync('ogrinfo', ['--version']).status !== 0) {
    throw new Error('ogrinfo (GDAL) is missing: apt-get install -y gdal-bin');
  }
  db = await testDatabase();
  // many cases at once by SQL (the writer's intake is not what is tested here)
  await db.pool.query(
    `INSERT INTO cases (code, source, category_code, priority, title, location, grid_code, community_code, zone_code, street_code,
                        status, reported_at, respond_by, resolve_by, light)
     SELECT 'GD' || lpad(s.i::text, 6, '0'), 'hotline', (ARRAY['01001', '02001', '04001'])[1 + s.i % 3], 'normal', '测试',
            g.label_point, g.code, g.community_code, g.zone_code, g.street_code, 'filed',
            now() - make_interval(mins => s.i), now() + interval '1 day', now() + interval '5 days', 'green'
     FROM generate_series(1, $1::int) AS s(i)
     JOIN (SELECT *, row_number() OVER (ORDER BY code) - 1 AS k, count(*) OVER () AS total FROM area WHERE level = 'grid') g ON g.k = s.i % g.total`,
    [CASES],
  );
  const port = await freePort();
  // the port in the configuration, so that the absolute links name this server
  app = await buildApp({ config: { ...loadConfig({}), port, clientDist: null, lightJobIntervalMs: 0 }, pool: db.pool });
  await app.listen({ host: '127.0.0.1', port });
  base = `http://127.0.0.1:${port}`;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

/** ogrinfo, asynchronously: the server answering it runs in this process. */
async function ogrinfo(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('ogrinfo', ['-ro', ...args], { encoding: 'utf8', timeout: 50_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

const sqlCount = async (sql: string, values: unknown[] = []) => (await db.pool.query<{ n: number }>(sql, values)).rows[0]!.n;

describe('ogrinfo reads /ogc/ with the OAPIF driver', () => {
  it('lists the public collections (the teams are not among them)', async () => {
    const out = await ogrinfo(`OAPIF:${base}/ogc/`);
    for (const layer of ['streets', 'zones', 'communities', 'grids', 'cases']) expect(out).toMatch(new RegExp(`^\\d+: ${layer}\\b`, 'm'));
    expect(out).not.toMatch(/teams/);
  });

  it('counts the grids as SQL does, with their fields', async () => {
    const total = await sqlCount(`SELECT count(*)::int AS n FROM area WHERE level = 'grid'`);
    const out = await ogrinfo('-so', `OAPIF:${base}/ogc/`, 'grids');
    expect(out).toMatch(new RegExp(`Feature Count: ${total}\\b`));
    expect(out).toMatch(/Geometry: Multi Polygon/);
    for (const field of ['code: String', 'name: String', 'population: Integer']) expect(out).toContain(field);
  });

  it('filters by -spat (bbox): the grids that intersect the box', async () => {
    const box = [119.9, 35.9, 120.0, 36.0];
    const want = await sqlCount(`SELECT count(*)::int AS n FROM area WHERE level = 'grid' AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`, box);
    expect(want).toBeGreaterThan(0);
    // GDAL sends the box as bbox and counts what the pages bring
    const out = await ogrinfo('-so', '-spat', ...box.map(String), `OAPIF:${base}/ogc/`, 'grids');
    expect(out).toMatch(new RegExp(`Feature Count: ${want}\\b`));
  });

  it('reads all of more than 10,000 cases through the next links, each once', async () => {
    const total = await sqlCount('SELECT count(*)::int AS n FROM cases');
    expect(total).toBeGreaterThan(10_000);
    const summary = await ogrinfo('-so', `OAPIF:${base}/ogc/`, 'cases');
    expect(summary).toMatch(new RegExp(`Feature Count: ${total}\\b`));
    // COUNT(DISTINCT …) makes OGR read every feature (a bare COUNT(*) would take numberMatched)
    for (const pageSize of ['1000', '10000']) {
      const out = await ogrinfo('-oo', `PAGE_SIZE=${pageSize}`, '-sql', 'SELECT COUNT(code) AS n, COUNT(DISTINCT code) AS d FROM cases', `OAPIF:${base}/ogc/`);
      expect(out, pageSize).toMatch(new RegExp(`n \\(Integer\\) = ${total}\\b`));
      expect(out, pageSize).toMatch(new RegExp(`d \\(Integer\\) = ${total}\\b`));
    }
  }, 60_000);
});
