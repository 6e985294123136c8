/**
 * The grid of a point (areas/grid-at-point.ts) is one rule for every caller: intake (locateGrids), /api/locate
 * (locatePoint) and the ETA's urban speed (urbanAt). A point on a border shared by grids belongs to the grid
 * with the smallest code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridAtPoint, locateGrids } from '../src/modules/areas/grid-at-point.ts';
import { locatePoint } from '../src/modules/locate/repository.ts';
import { urbanAt } from '../src/modules/teams/repository.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';

let db: TestDatabase;
/** a vertex shared by two adjacent demo grids */
let border: { lon: number; lat: number; a: string; b: string };

beforeAll(async () => {
  db = await testDatabase();
  const { rows } = await db.pool.query<{ lon: number; lat: number; a: string; b: string }>(
    `WITH pair AS (
       SELECT a.code AS a, b.code AS b, a.geom AS ga, b.geom AS gb
       FROM area a JOIN area b ON b.level = 'grid' AND a.code < b.code AND a.geom && b.geom AND ST_Touches(a.geom, b.geom)
       WHERE a.level = 'grid'
       ORDER BY a.code, b.code
       LIMIT 200
     ), pt AS (
       SELECT a, b, ga, gb,
              ST_StartPoint(ST_GeometryN(ST_LineMerge(ST_CollectionExtract(ST_Intersection(ST_Boundary(ga), ST_Boundary(gb)), 2)), 1)) AS p
       FROM pair
     )
     SELECT ST_X(p) AS lon, ST_Y(p) AS lat, a, b FROM pt
     WHERE p IS NOT NULL AND ST_Intersects(ga, p) AND ST_Intersects(gb, p)
     ORDER BY a, b
     LIMIT 1`,
  );
  expect(rows, 'two adjacent demo grids sharing a vertex').toHaveLength(1);
  border = rows[0]!;
});
afterAll(async () => {
  await db?.drop();
});

/** The smallest code among the grids the point touches, and how many there are (independently of the module). */
async function expectedAt(lon: number, lat: number): Promise<{ code: string; n: number }> {
  const { rows } = await db.pool.query<{ code: string; n: number }>(
    `SELECT min(code) AS code, count(*)::int AS n FROM area
     WHERE level = 'grid' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))`,
    [lon, lat],
  );
  return rows[0]!;
}

async function urbanOf(code: string): Promise<boolean> {
  const { rows } = await db.pool.query<{ urban: boolean }>(`SELECT urban FROM area WHERE code = $1`, [code]);
  return rows[0]!.urban;
}

/** What the three callers say about a point: the grid codes, and urbanAt's answer. */
async function callers(lon: number, lat: number) {
  const [hits, located, urban] = await Promise.all([locateGrids(db.pool, [[lon, lat]]), locatePoint(db.pool, lon, lat), urbanAt(db.pool, lon, lat)]);
  return { intake: hits[0]?.grid_code ?? null, locate: located.found ? located.areas.grid.code : null, urban };
}

describe('the grid of a point on a shared border', () => {
  it('is the smallest code, for intake, /api/locate and the urban speed alike', async () => {
    const { lon, lat } = border;
    const want = await expectedAt(lon, lat);
    expect(want.n).toBeGreaterThanOrEqual(2);
    expect(want.code).toBe(border.a);
    const got = await callers(lon, lat);
    expect(got.intake).toBe(want.code);
    expect(got.locate).toBe(want.code);
    expect(got.urban).toBe(await urbanOf(want.code));
  });

  it('follows the code, not the row order: a grid added later with a smaller code wins the border', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      // a copy of grid a under a smaller code (its community's serial 000), added last: the largest id
      const { rows } = await client.query<{ code: string; id: number; aid: number }>(
        `INSERT INTO area (code, level, name, parent_code, street_code, zone_code, community_code, population, households, urban, geom)
         SELECT community_code || '000', 'grid', name || '（测试）', parent_code, street_code, zone_code, community_code, 0, 0, NOT urban, geom
         FROM area WHERE code = $1
         RETURNING code, id, (SELECT id FROM area WHERE code = $1) AS aid`,
        [border.a],
      );
      const copy = rows[0]!;
      expect(copy.code < border.a).toBe(true);
      expect(copy.id).toBeGreaterThan(copy.aid);

      // one client: one query at a time
      const hits = await locateGrids(client, [[border.lon, border.lat]]);
      const located = await locatePoint(client, border.lon, border.lat);
      const urban = await urbanAt(client, border.lon, border.lat);
      expect(hits[0]?.grid_code).toBe(copy.code);
      expect(located.found && located.areas.grid.code).toBe(copy.code);
      // the copy's urban flag is the opposite of grid a's: urbanAt read the copy
      expect(urban).toBe(!(await urbanOf(border.a)));
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('urbanAt reads the smallest-code grid whichever of the two is urban', async () => {
    const { lon, lat, a, b } = border;
    for (const urbanA of [true, false]) {
      await db.pool.query(`UPDATE area SET urban = (code = $1) = $3 WHERE code = ANY($2::text[])`, [a, [a, b], urbanA]);
      expect(await urbanAt(db.pool, lon, lat)).toBe(urbanA);
    }
  });
});

describe('locateGrids', () => {
  it('answers many points in one call, in input order, with names, null outside every grid', async () => {
    const { rows: grids } = await db.pool.query<{ code: string; lon: number; lat: number; community: string; zone: string; street: string; name: string; urban: boolean }>(
      `SELECT g.code, ST_X(g.label_point) AS lon, ST_Y(g.label_point) AS lat, g.name, g.urban,
              c.name AS community, z.name AS zone, s.name AS street
       FROM area g JOIN area c ON c.code = g.community_code JOIN area z ON z.code = g.zone_code JOIN area s ON s.code = g.street_code
       WHERE g.level = 'grid' ORDER BY md5(g.code) LIMIT 40`,
    );
    const points: [number, number][] = grids.map((g) => [g.lon, g.lat]);
    points.splice(7, 0, [116.397, 39.909]); // Beijing: outside the district
    points.push([border.lon, border.lat]);
    const hits = await locateGrids(db.pool, points);
    expect(hits).toHaveLength(points.length);
    expect(hits[7]).toBeNull();
    const inside = hits.filter((_, i) => i !== 7 && i !== hits.length - 1);
    inside.forEach((h, i) => {
      const g = grids[i]!;
      expect(h).toEqual({
        grid_code: g.code,
        community_code: g.code.slice(0, 12),
        zone_code: expect.stringMatching(/^\d{11}$/),
        street_code: g.code.slice(0, 9),
        grid_name: g.name,
        community_name: g.community,
        zone_name: g.zone,
        street_name: g.street,
        urban: g.urban,
      });
    });
    expect(hits.at(-1)?.grid_code).toBe(border.a);
    expect(await gridAtPoint(db.pool, border.lon, border.lat)).toEqual(hits.at(-1));
    expect(await locateGrids(db.pool, [])).toEqual([]);
  });
});
