/**
 * The admin import of areas (docs/import.md) against real PostGIS: the demo district exported as GeoJSON by SQL and
 * imported again; each kind of bad file refused with its problem and the area table unchanged; roles; bad bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Compile } from 'typebox/compile';
import { LiveEvent } from '@gridcommand/shared/schemas';
import { AREA_REFERENCES, foreignKeysToArea } from '../src/modules/import/repository.ts';
import { as, caseWorld, type CaseWorld } from './cases-helpers.ts';

let w: CaseWorld;
beforeAll(async () => {
  w = await caseWorld();
});
afterAll(async () => {
  await w?.close();
});

interface Feature {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown };
}
interface FC {
  type: 'FeatureCollection';
  features: Feature[];
}

/** The stored areas of these levels as a FeatureCollection, as GIS staff would export them. */
async function exportAreas(levels: string[]): Promise<FC> {
  const { rows } = await w.db.pool.query<{ fc: FC }>(
    `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
       'type', 'Feature',
       'properties', json_build_object('code', code, 'level', level, 'name', name, 'parent_code', parent_code,
                                       'population', population, 'households', households, 'urban', urban,
                                       'short_name', short_name, 'display_code', display_code),
       'geometry', ST_AsGeoJSON(geom, 15)::json) ORDER BY code), '[]')) AS fc
     FROM area WHERE level::text = ANY($1::text[])`,
    [levels],
  );
  return rows[0]!.fc;
}

async function geometryOf(sql: string, code: string): Promise<Feature['geometry']> {
  const { rows } = await w.db.pool.query<{ g: Feature['geometry'] }>(`SELECT ST_AsGeoJSON(${sql}, 15)::json AS g FROM area WHERE code = $1`, [code]);
  return rows[0]!.g;
}

async function fingerprint(): Promise<{ n: number; md5: string }> {
  const { rows } = await w.db.pool.query<{ n: number; md5: string }>(`SELECT count(*)::int AS n, md5(string_agg(a::text, '|' ORDER BY code)) AS md5 FROM area a`);
  return rows[0]!;
}

const url = (dryRun: boolean) => `/api/admin/import/areas?dryRun=${dryRun}`;
const clone = (fc: FC): FC => structuredClone(fc);

let grids: FC;
beforeAll(async () => {
  grids = await exportAreas(['grid']);
});

describe('POST /api/admin/import/areas', () => {
  it('a dry run of the stored grids changes nothing and writes nothing', async () => {
    expect(grids.features.length).toBeGreaterThan(1000);
    const before = await fingerprint();
    const t0 = Date.now();
    const res = await as(w, 'admin', 'POST', url(true), grids);
    const ms = Date.now() - t0;
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.levels).toEqual([{ level: 'grid', added: 0, changed: 0, removed: 0, unchanged: grids.features.length }]);
    expect(body.eventId).toBeNull();
    expect(await fingerprint()).toEqual(before);
    console.log(`[import] dry run of ${grids.features.length} grids: ${ms} ms`);
  });

  it('imports the whole district again (every level) and a renamed grid as 1 changed, with a valid event', async () => {
    const all = await exportAreas(['street', 'zone', 'community', 'grid']);
    const before = await fingerprint();
    let t0 = Date.now();
    const dry = await as(w, 'admin', 'POST', url(true), all);
    const dryMs = Date.now() - t0;
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().levels.every((l: { changed: number; added: number; removed: number }) => l.changed + l.added + l.removed === 0)).toBe(true);
    t0 = Date.now();
    const real = await as(w, 'admin', 'POST', url(false), all);
    const realMs = Date.now() - t0;
    expect(real.statusCode, real.body).toBe(200);
    expect(await fingerprint()).toEqual(before);
    console.log(`[import] whole district (${all.features.length} features): dry run ${dryMs} ms, real run ${realMs} ms`);

    const renamed = clone(grids);
    const target = renamed.features[5]!;
    target.properties.name = '改名后的网格';
    // no short name given: a renamed area's short name follows its new name
    delete target.properties.short_name;
    const dry2 = await as(w, 'admin', 'POST', url(true), renamed);
    expect(dry2.statusCode, dry2.body).toBe(200);
    expect(dry2.json().levels[0]).toMatchObject({ level: 'grid', changed: 1, added: 0, removed: 0 });
    expect(dry2.json().samples.changed).toEqual([target.properties.code]);
    expect(await fingerprint()).toEqual(before);

    const res = await w.app.inject({
      method: 'POST',
      url: url(false),
      headers: { cookie: w.cookies.admin, 'x-gc-csrf': '1', 'content-type': 'application/geo+json', 'idempotency-key': 'import-rename-1' },
      payload: JSON.stringify(renamed),
    });
    expect(res.statusCode, res.body).toBe(200);
    const eventId = res.json().eventId as number;
    expect(eventId).toBeGreaterThan(0);
    const { rows } = await w.db.pool.query(
      `SELECT e.id::int AS id, e.at, e.v, e.type, e.case_id AS "caseId", e.team_id AS "teamId", e.street_code AS "streetCode",
              e.from_state AS "fromState", e.to_state AS "toState", e.note, NULL::float8 AS lon, NULL::float8 AS lat, e.payload
       FROM event e WHERE e.id = $1`,
      [eventId],
    );
    const ev = { ...rows[0], at: (rows[0].at as Date).toISOString() };
    expect(ev.type).toBe('areas.imported');
    expect(Compile(LiveEvent).Check(ev)).toBe(true);
    const { rows: a } = await w.db.pool.query('SELECT name, short_name, street_code, community_code FROM area WHERE code = $1', [target.properties.code]);
    expect(a[0]).toMatchObject({ name: '改名后的网格', short_name: '改名后的网格', community_code: target.properties.parent_code });
  });

  const refusals: [string, (fc: FC) => Promise<void>, string][] = [
    [
      'a self-intersecting bow-tie',
      async (fc) => {
        const [x, y] = ((fc.features[10]!.geometry.coordinates as number[][][][])[0]![0]![0] as number[]);
        fc.features[10]!.geometry = { type: 'Polygon', coordinates: [[[x!, y!], [x! + 0.001, y! + 0.001], [x! + 0.001, y!], [x!, y! + 0.001], [x!, y!]]] };
      },
      'self_intersection',
    ],
    ['an overlapping grid', async (fc) => void (fc.features[20]!.geometry = await geometryOf('ST_Buffer(geom, 0.0005)', fc.features[20]!.properties.code as string)), 'overlap'],
    ['a grid that leaves a gap', async (fc) => void (fc.features[30]!.geometry = await geometryOf('ST_Buffer(geom, -0.0005)', fc.features[30]!.properties.code as string)), 'gap'],
    ['a duplicate code', async (fc) => void fc.features.push(structuredClone(fc.features[40]!)), 'duplicate_code'],
    ['a bad code', async (fc) => void (fc.features[50]!.properties.code = `${(fc.features[50]!.properties.parent_code as string)}000`), 'bad_code'],
    [
      'a grid without a community',
      async (fc) => {
        const f = structuredClone(fc.features[60]!);
        f.properties = { ...f.properties, code: '370211999001001', parent_code: '370211999001' };
        fc.features.push(f);
      },
      'grid_without_community',
    ],
    ['a feature outside the district', async (fc) => void (fc.features[70]!.geometry = await geometryOf('ST_Translate(geom, 2, 0)', fc.features[70]!.properties.code as string)), 'outside_district'],
  ];

  it.each(refusals)('refuses %s, listing the problem, and writes nothing', async (_name, spoil, problem) => {
    const fc = clone(grids);
    await spoil(fc);
    const before = await fingerprint();
    for (const dryRun of [true, false]) {
      const res = await as(w, 'admin', 'POST', url(dryRun), fc);
      expect(res.statusCode, res.body).toBe(422);
      const body = res.json();
      expect(body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity', code: 'IMPORT_REFUSED' });
      expect(body.total).toBeGreaterThanOrEqual(1);
      expect(body.problems.map((p: { problem: string }) => p.problem), JSON.stringify(body.problems.slice(0, 5))).toContain(problem);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses to remove areas still referred to', async () => {
    const fc = clone(grids);
    fc.features.splice(0, 1);
    const before = await fingerprint();
    const res = await as(w, 'admin', 'POST', url(true), fc);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().problems.map((p: { problem: string }) => p.problem)).toContain('still_referenced');
    expect(await fingerprint()).toEqual(before);
  });

  it('is for admins only', async () => {
    const small = { type: 'FeatureCollection', features: [] };
    for (const role of ['leader', 'dispatcher', 'handler', 'worker', 'wall'] as const) {
      expect((await as(w, role, 'POST', url(true), small)).statusCode, role).toBe(403);
    }
    const anon = await w.app.inject({ method: 'POST', url: url(true), headers: { 'x-gc-csrf': '1' }, payload: small });
    expect(anon.statusCode).toBe(401);
  });

  it('answers 400 to malformed JSON, a body that is not a FeatureCollection, and a foreign crs', async () => {
    const send = (payload: string, type = 'application/json') =>
      w.app.inject({ method: 'POST', url: url(true), headers: { cookie: w.cookies.admin, 'x-gc-csrf': '1', 'content-type': type }, payload });
    for (const type of ['application/json', 'application/geo+json']) {
      const bad = await send('{"type": "FeatureCollection", "features": [', type);
      expect(bad.statusCode, bad.body).toBe(400);
      expect(bad.json()).toMatchObject({ statusCode: 400 });
    }
    expect((await send(JSON.stringify({ type: 'Feature', geometry: null, properties: {} }))).statusCode).toBe(400);
    expect((await send(JSON.stringify([1, 2]))).statusCode).toBe(400);
    const crs = await send(JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4547' } }, features: [] }));
    expect(crs.statusCode).toBe(400);
    expect(crs.json().code).toBe('BAD_CRS');
  });

  it('knows every foreign key onto area', async () => {
    const listed = new Set(AREA_REFERENCES.map((r) => r.name));
    const derived = new Set(['area.street_code', 'area.zone_code', 'area.community_code']);
    for (const fk of await foreignKeysToArea(w.db.pool)) if (!derived.has(fk)) expect(listed, fk).toContain(fk);
  });
});
