/**
 * pnpm bench (tiles) — speed of the map endpoints on the demo district and on the 50,000-grid megacity.
 *
 * For each profile a database of its own (gc_bench_demo, gc_bench_megacity) is created, migrated and loaded
 * once, and reused by later runs while its content matches. Then, through app.inject (no network):
 *
 *  - grid vector tiles z0–16 over a fixed tile list: the tiles under the label points of an evenly spaced sample
 *    of grids, so every tile holds data; `level` is what the zoom draws (grids, or their community / street /
 *    district aggregates in the layer grid_agg, src/modules/tiles/plan.ts);
 *    · old SQL:  the bare per-level grid query as before the aggregates (grids, specks left out) — the baseline;
 *    · bare SQL: the very query the endpoint runs now, straight on a pg pool;
 *    · cold:     the endpoint with the tile cache off: every request renders in PostGIS (database buffers warm);
 *    · warm:     the endpoint with the tile cache on, after a first request filled it;
 *    · ratio:    cold p50 ÷ bare-SQL p50 (the cost of HTTP, validation, gzip and the app itself), and
 *                that cost in ms (+ms): on tiles that take under a millisecond the fixed cost dominates the ratio.
 *  - the district GeoJSON (/api/grids, and ?geometry=none as the maps load it): server time and gzip size.
 *
 * Options (environment): BENCH_PROFILES=demo,megacity  BENCH_TILES=40 (grids sampled per zoom)
 * BENCH_ROUNDS=3 (measured requests per tile) BENCH_MEGACITY_GRIDS=50000; DATABASE_URL to use an existing PostgreSQL server instead of the
 * project-local cluster (the bench creates its own databases on it).
 */
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { buildApp } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { adminUrlFor, ensureProfileDatabase, type Profile } from './bench-db.ts';
import { gridLevelStats, gridTileQuery, minFeatureSize, tileQuery } from '../src/modules/tiles/repository.ts';
import { AGGREGATE_LAYER, AGGREGATE_MAX_ZOOM, gridTileLevel, type GridTileLevel } from '../src/modules/tiles/plan.ts';
import { tuneSessions } from '../src/plugins/db.ts';


const PROFILES = (process.env.BENCH_PROFILES ?? 'demo,megacity').split(',').map((s) => s.trim()) as Profile[];
const SAMPLE = Number(process.env.BENCH_TILES ?? 40);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ZOOMS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const BANDS: [string, number, number][] = [['z0–6', 0, 6], ['z7–10', 7, 10], ['z11–16', 11, 16]];

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function stats(samples: number[]): { p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99) };
}

const ms = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(2)) : NaN);

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await fn();
  return [performance.now() - t0, out];
}

interface Tile {
  z: number;
  x: number;
  y: number;
}

function tileAt(lon: number, lat: number, z: number): Tile {
  const n = 2 ** z;
  const x = Math.min(n - 1, Math.floor(((lon + 180) / 360) * n));
  const r = (lat * Math.PI) / 180;
  const y = Math.min(n - 1, Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n));
  return { z, x, y };
}

/** The fixed tile list: tiles under the label points of evenly spaced grids (by code), deduplicated per zoom. */
async function tileList(pool: pg.Pool): Promise<Map<number, Tile[]>> {
  const { rows } = await pool.query<{ lon: number; lat: number }>(
    `WITH g AS (SELECT label_point, row_number() OVER (ORDER BY code) AS i, count(*) OVER () AS n FROM area WHERE level = 'grid')
     SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM g
     WHERE (i - 1) % greatest(1, n / $1) = 0 ORDER BY i LIMIT $1`,
    [SAMPLE],
  );
  const out = new Map<number, Tile[]>();
  for (const z of ZOOMS) {
    const seen = new Map<string, Tile>();
    for (const p of rows) {
      const t = tileAt(p.lon, p.lat, z);
      seen.set(`${t.x}/${t.y}`, t);
    }
    out.set(z, [...seen.values()]);
  }
  return out;
}

interface Row {
  profile: Profile;
  zoom: number;
  level: string;
  tiles: number;
  'avg KB (gz)': number;
  'max KB (gz)': number;
  'features avg': number;
  'features max': number;
  'old features avg': number;
  'old p50': number;
  'old p99': number;
  'bare p50': number;
  'bare p99': number;
  'cold p50': number;
  'cold p99': number;
  'cold/bare': number;
  '+ms': number;
  'warm p50': number;
  'warm p99': number;
}

function featuresOf(buf: Buffer | undefined): number {
  if (!buf || buf.length === 0) return 0;
  const t = new VectorTile(new PbfReader(buf));
  return (t.layers.grid?.length ?? 0) + (t.layers[AGGREGATE_LAYER]?.length ?? 0);
}

async function benchProfile(config: Config, adminUrl: string, profile: Profile): Promise<{ tiles: Row[]; bands: Record<string, unknown>[]; geojson: Record<string, unknown>[] }> {
  const url = await ensureProfileDatabase(adminUrl, profile);
  const appPool = createPool(url, 10);
  const barePool = createPool(url, 10);
  tuneSessions(barePool); // the same session settings as the app's pool
  const cold = await buildApp({ config: { ...config, clientDist: null }, pool: appPool, tileCache: { maxBytes: 0 } });
  const warm = await buildApp({ config: { ...config, clientDist: null }, pool: appPool, tileCache: { maxBytes: 512 * 1024 * 1024, ttlMs: 3_600_000 } });
  const headers = { 'accept-encoding': 'gzip' };
  const rows: Row[] = [];
  try {
    const tiles = await tileList(barePool);
    const [statsMs, levelStats] = await timed(() => gridLevelStats(barePool));
    log(`${profile}: level statistics (once per data version) ${statsMs.toFixed(0)} ms`);
    const band = new Map<string, { cold: number[]; warm: number[]; old: number[]; kb: number[]; features: number[] }>();
    for (const z of ZOOMS) {
      const list = tiles.get(z) ?? [];
      const level: GridTileLevel | null = z <= AGGREGATE_MAX_ZOOM ? gridTileLevel(levelStats, z, minFeatureSize(z)) : 'grid';
      const nowQuery = (t: Tile) => (z <= AGGREGATE_MAX_ZOOM ? gridTileQuery(level ?? 'district', t.z, t.x, t.y) : tileQuery('grid', t.z, t.x, t.y));
      const old: number[] = [];
      const bare: number[] = [];
      const coldT: number[] = [];
      const warmT: number[] = [];
      let gzBytes = 0;
      let gzMax = 0;
      let features = 0;
      let featuresMax = 0;
      let oldFeatures = 0;
      // one unmeasured pass: prepares the statements on both pools and warms the database buffers
      for (const t of list) {
        await barePool.query(tileQuery('grid', t.z, t.x, t.y));
        await barePool.query(nowQuery(t));
        await cold.inject({ url: `/tiles/grid/${t.z}/${t.x}/${t.y}.mvt`, headers });
      }
      for (let round = 0; round < ROUNDS; round++) {
        for (const t of list) {
          const path = `/tiles/grid/${t.z}/${t.x}/${t.y}.mvt`;
          const [to, resOld] = await timed(() => barePool.query<{ tile: Buffer }>(tileQuery('grid', t.z, t.x, t.y)));
          old.push(to);
          const [tb, res] = await timed(() => barePool.query<{ tile: Buffer }>(nowQuery(t)));
          bare.push(tb);
          const [tc, r] = await timed(() => cold.inject({ url: path, headers }));
          coldT.push(tc);
          if (r.statusCode !== 200 && r.statusCode !== 204) throw new Error(`${path}: ${r.statusCode} ${r.body}`);
          if (round === 0) {
            gzBytes += r.rawPayload.length;
            gzMax = Math.max(gzMax, r.rawPayload.length);
            const n = featuresOf(res.rows[0]?.tile);
            features += n;
            featuresMax = Math.max(featuresMax, n);
            oldFeatures += featuresOf(resOld.rows[0]?.tile);
            await warm.inject({ url: path, headers }); // fill the cache
          }
          const [tw] = await timed(() => warm.inject({ url: path, headers }));
          warmT.push(tw);
        }
      }
      const o = stats(old);
      const b = stats(bare);
      const c = stats(coldT);
      const w = stats(warmT);
      const bandName = BANDS.find(([, lo, hi]) => z >= lo && z <= hi)![0];
      const acc = band.get(bandName) ?? { cold: [], warm: [], old: [], kb: [], features: [] };
      acc.cold.push(...coldT);
      acc.warm.push(...warmT);
      acc.old.push(...old);
      acc.kb.push(gzMax / 1024);
      acc.features.push(featuresMax);
      band.set(bandName, acc);
      rows.push({
        profile,
        zoom: z,
        level: level ?? '(none)',
        tiles: list.length,
        'avg KB (gz)': Number((gzBytes / Math.max(1, list.length) / 1024).toFixed(1)),
        'max KB (gz)': Number((gzMax / 1024).toFixed(1)),
        'features avg': Math.round(features / Math.max(1, list.length)),
        'features max': featuresMax,
        'old features avg': Math.round(oldFeatures / Math.max(1, list.length)),
        'old p50': ms(o.p50),
        'old p99': ms(o.p99),
        'bare p50': ms(b.p50),
        'bare p99': ms(b.p99),
        'cold p50': ms(c.p50),
        'cold p99': ms(c.p99),
        'cold/bare': Number((c.p50 / b.p50).toFixed(2)),
        '+ms': ms(c.p50 - b.p50),
        'warm p50': ms(w.p50),
        'warm p99': ms(w.p99),
      });
      log(`${profile} z${z}: ${list.length} tiles measured`);
    }

    // GeoJSON of all grids, with and without their polygons (what the maps load), server time through inject, gzip'd
    // as a browser asks for it
    const geojson: Record<string, unknown>[] = [];
    for (const url of ['/api/grids', '/api/grids?geometry=none']) {
      const times: number[] = [];
      let gz = 0;
      let raw = 0;
      let count = 0;
      for (let i = 0; i < 6; i++) {
        const [t, res] = await timed(() => warm.inject({ url, headers }));
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
        if (i === 0) {
          gz = res.rawPayload.length;
          const text = res.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(res.rawPayload) : res.rawPayload;
          raw = text.length;
          count = (JSON.parse(text.toString('utf8')) as { features: unknown[] }).features.length;
          continue; // first request prepares the statement
        }
        times.push(t);
      }
      const g = stats(times);
      geojson.push({
        profile,
        url,
        features: count,
        'server p50 ms': ms(g.p50),
        'server max ms': ms(Math.max(...times)),
        'raw MB': Number((raw / 1e6).toFixed(2)),
        'gzip MB': Number((gz / 1e6).toFixed(2)),
      });
    }
    const bands = BANDS.map(([name]) => {
      const a = band.get(name) ?? { cold: [], warm: [], old: [], kb: [], features: [] };
      const c = stats(a.cold);
      const w = stats(a.warm);
      const o = stats(a.old);
      return {
        profile,
        band: name,
        'old p50': ms(o.p50),
        'old p99': ms(o.p99),
        'cold p50': ms(c.p50),
        'cold p99': ms(c.p99),
        'warm p50': ms(w.p50),
        'warm p99': ms(w.p99),
        'max features': Math.max(0, ...a.features),
        'max KB (gz)': Number(Math.max(0, ...a.kb).toFixed(1)),
      };
    });
    return { tiles: rows, bands, geojson };
  } finally {
    await cold.close();
    await warm.close();
    await appPool.end();
    await barePool.end();
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const adminUrl = await adminUrlFor(config);
  const tileRows: Row[] = [];
  const geo: Record<string, unknown>[] = [];
  const bandRows: Record<string, unknown>[] = [];
  for (const profile of PROFILES) {
    if (profile !== 'demo' && profile !== 'megacity') throw new Error(`unknown profile ${profile} (demo, megacity)`);
    const r = await benchProfile(config, adminUrl, profile);
    tileRows.push(...r.tiles);
    bandRows.push(...r.bands);
    geo.push(...r.geojson);
  }
  console.log(`\nGrid vector tiles, ms (${ROUNDS} requests per tile; cold = rendered by PostGIS, warm = tile cache; gzip)`);
  console.log('Targets (megacity, z0–16): warm p99 ≤ 25; cold p99 ≤ 200; cold/bare ≤ 1.3. Shared 2-core machine: compare within one run.');
  console.log('old = the bare grid query before the aggregates (z0–10 on the megacity: empty); cold/bare far below 1: the endpoint knew the tile is empty and ran no query.');
  console.table(tileRows);
  console.log('\nPer zoom band (all tiles and rounds of the band; max over the tiles)');
  console.table(bandRows);
  console.log('\nGrid GeoJSON (/api/grids, all grids; geometry=none: what the maps load). Target (demo): ≤ 150 ms server, gzip');
  console.table(geo);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
