/** Bulk intake: many cases routed by place in one transaction, all or nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, caseWorld, type CaseWorld } from './cases-helpers.ts';

let w: CaseWorld;
let points: { code: string; street: string; lon: number; lat: number }[];

beforeAll(async () => {
  w = await caseWorld();
  const { rows } = await w.db.pool.query<{ code: string; street: string; lon: number; lat: number }>(
    `SELECT code, street_code AS street, ST_X(label_point) AS lon, ST_Y(label_point) AS lat
     FROM area WHERE level = 'grid' ORDER BY md5(code) LIMIT 200`,
  );
  points = rows;
});
afterAll(async () => w?.close());

const item = (p: { lon: number; lat: number }, i: number) => ({
  categoryCode: '01001',
  priority: i % 10 === 0 ? 'urgent' : 'normal',
  lon: p.lon,
  lat: p.lat,
  title: `批量上报 ${i}`,
  description: '视频巡查发现',
  source: 'sensor',
});

async function count(): Promise<number> {
  const { rows } = await w.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
  return rows[0]!.n;
}

describe('POST /api/cases/batch', () => {
  it('creates every case, each routed to the grid that contains its point, with one event each', async () => {
    const before = await count();
    const { rows: ev0 } = await w.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM event WHERE type = 'case.created'`);
    const res = await as(w, 'dispatcher', 'POST', '/api/cases/batch', { items: points.map(item) });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as { count: number; items: { id: number; code: string; gridCode: string; streetCode: string }[] };
    expect(body.count).toBe(points.length);
    body.items.forEach((c, i) => {
      expect(c.gridCode).toBe(points[i]!.code);
      expect(c.streetCode).toBe(points[i]!.street);
    });
    expect(new Set(body.items.map((c) => c.code)).size).toBe(points.length);
    expect(await count()).toBe(before + points.length);
    const { rows: ev1 } = await w.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM event WHERE type = 'case.created'`);
    expect(ev1[0]!.n - ev0[0]!.n).toBe(points.length);
    // the stored row agrees with an independent point-in-polygon check
    const { rows: check } = await w.db.pool.query<{ bad: number }>(
      `SELECT count(*)::int AS bad FROM cases c JOIN area a ON a.code = c.grid_code
       WHERE c.id = ANY($1::bigint[]) AND NOT ST_Contains(a.geom, c.location)`,
      [body.items.map((c) => c.id)],
    );
    expect(check[0]!.bad).toBe(0);
  });

  it('writes nothing when one item lies outside the district, and names the item', async () => {
    const before = await count();
    const items = points.slice(0, 20).map(item);
    items[7] = { ...items[7]!, lon: 121.5, lat: 31.2 };
    const res = await as(w, 'dispatcher', 'POST', '/api/cases/batch', { items });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ statusCode: 422, code: 'OUTSIDE_DISTRICT' });
    expect(res.json().message).toContain('items[7]');
    expect(await count()).toBe(before);
  });

  it('refuses an unknown category, an empty or oversized batch, and roles that may not bulk-report', async () => {
    const before = await count();
    const bad = await as(w, 'dispatcher', 'POST', '/api/cases/batch', { items: [{ ...item(points[0]!, 1), categoryCode: '99999' }] });
    expect(bad.statusCode).toBe(422);
    expect((await as(w, 'dispatcher', 'POST', '/api/cases/batch', { items: [] })).statusCode).toBe(400);
    const tooMany = Array.from({ length: 1001 }, (_, i) => item(points[i % points.length]!, i));
    expect((await as(w, 'dispatcher', 'POST', '/api/cases/batch', { items: tooMany })).statusCode).toBe(400);
    for (const role of ['leader', 'wall', 'worker', 'handler'] as const) {
      expect((await as(w, role, 'POST', '/api/cases/batch', { items: [item(points[0]!, 1)] })).statusCode, role).toBe(403);
    }
    expect(await count()).toBe(before);
  });
});
