/** Specialist grid layers and base data per grid (docs/specialist.md): layers, coverage, cases, roles, import, tiles. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { CaseSpecialist, GridBase, SpecialistLayerList } from '@gridcommand/shared/schemas';
import { as, caseWorld, createCase, ROLES, type CaseWorld, type TestRole } from './cases-helpers.ts';
import { tileAt } from './api-expect.ts';

let w: CaseWorld;
let other: string;

beforeAll(async () => {
  w = await caseWorld();
  const { rows } = await w.db.pool.query<{ code: string }>(
    `SELECT code FROM area WHERE level = 'grid' AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.username = 'worker' AND area.code = ANY(u.grid_codes)) ORDER BY code LIMIT 1`,
  );
  other = rows[0]!.code;
});
afterAll(async () => {
  await w?.close();
});

async function accessRows(route: string): Promise<{ subject: string; fields: string[]; user_id: number }[]> {
  const { rows } = await w.db.pool.query<{ subject: string; fields: string[]; user_id: number }>(
    'SELECT subject, fields, user_id FROM personal_data_access WHERE route = $1 ORDER BY id',
    [route],
  );
  return rows;
}

describe('layers and their grids', () => {
  it('lists the three layers with legend colours, departments and tile layers', async () => {
    const res = await w.app.inject({ method: 'GET', url: '/api/specialist/layers' });
    expect(res.statusCode).toBe(200);
    const { items } = res.json() as SpecialistLayerList;
    expect(items.map((l) => [l.code, l.department.code, l.tileLayer, l.levels])).toEqual([
      ['labour', 'RSJ', 'specialist_labour', 2],
      ['food', 'SJJ', 'specialist_food', 1],
      ['patrol', 'GAJ', 'specialist_patrol', 1],
    ]);
    for (const l of items) expect(l.color).toMatch(/^#[0-9a-f]{6}$/);
    const n = Object.fromEntries(items.map((l) => [l.code, l.grids]));
    const { rows } = await w.db.pool.query<{ streets: number; communities: number }>(
      `SELECT count(*) FILTER (WHERE level = 'street')::int AS streets, count(*) FILTER (WHERE level = 'community')::int AS communities FROM area`,
    );
    expect(n.food).toBe(rows[0]!.communities);
    expect(n.patrol).toBe(15);
    expect(n.labour).toBeGreaterThan(rows[0]!.communities);
    expect(n.labour).toBeLessThanOrEqual(rows[0]!.communities + rows[0]!.streets * 11);
  });

  it('each layer (and level) covers every unit grid exactly once, with valid polygons that cover the district', async () => {
    const { rows } = await w.db.pool.query<{ layer: string; level: number; covered: number; twice: number; invalid: number; gap: number; perStreet: number; responsible: number; grids: number }>(
      `WITH m AS (
         SELECT s.layer_code AS layer, s.level, m.grid_code FROM specialist_grid s JOIN specialist_grid_area m ON m.specialist_grid_id = s.id
       )
       SELECT l.layer, l.level,
              (SELECT count(DISTINCT grid_code)::int FROM m WHERE m.layer = l.layer AND m.level = l.level) AS covered,
              (SELECT count(*)::int FROM (SELECT grid_code FROM m WHERE m.layer = l.layer AND m.level = l.level GROUP BY grid_code HAVING count(*) > 1) t) AS twice,
              (SELECT count(*)::int FROM specialist_grid s WHERE s.layer_code = l.layer AND s.level = l.level AND NOT ST_IsValid(s.geom)) AS invalid,
              (SELECT abs(1 - sum(ST_Area(s.geom::geography)) / (SELECT sum(ST_Area(a.geom::geography)) FROM area a WHERE a.level = 'grid'))
                 FROM specialist_grid s WHERE s.layer_code = l.layer AND s.level = l.level) AS gap,
              (SELECT coalesce(max(n), 0)::int FROM (SELECT count(*) AS n FROM specialist_grid s WHERE s.layer_code = l.layer AND s.level = l.level GROUP BY s.street_code) t) AS "perStreet",
              (SELECT count(*)::int FROM specialist_grid s WHERE s.layer_code = l.layer AND s.level = l.level
                 AND (SELECT count(*) FROM specialist_officer o WHERE o.specialist_grid_id = s.id AND o.responsible) = 1) AS responsible,
              (SELECT count(*)::int FROM specialist_grid s WHERE s.layer_code = l.layer AND s.level = l.level) AS grids
       FROM (SELECT DISTINCT layer_code AS layer, level FROM specialist_grid) l ORDER BY 1, 2`,
    );
    const { rows: g } = await w.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM area WHERE level = 'grid'`);
    expect(rows.map((r) => `${r.layer}/${r.level}`)).toEqual(['food/1', 'labour/1', 'labour/2', 'patrol/1']);
    for (const r of rows) {
      expect(r.covered, `${r.layer}/${r.level}`).toBe(g[0]!.n);
      expect(r.twice).toBe(0);
      expect(r.invalid).toBe(0);
      expect(r.gap, `${r.layer}/${r.level} area vs the grids'`).toBeLessThan(0.001);
      expect(r.responsible, 'one responsible officer each').toBe(r.grids);
    }
    expect(rows.find((r) => r.layer === 'labour' && r.level === 1)!.perStreet).toBeLessThanOrEqual(11);
    // a level-2 labour grid lies in its parent
    const { rows: bad } = await w.db.pool.query(
      `SELECT c.code FROM specialist_grid c JOIN specialist_grid p ON p.code = c.parent_code
       WHERE c.layer_code = 'labour' AND EXISTS (
         SELECT 1 FROM specialist_grid_area m WHERE m.specialist_grid_id = c.id
           AND NOT EXISTS (SELECT 1 FROM specialist_grid_area q WHERE q.specialist_grid_id = p.id AND q.grid_code = m.grid_code))`,
    );
    expect(bad).toEqual([]);
  });

  it('serves GeoJSON: officer names for staff roles, none for the public; an unknown layer is 400', async () => {
    const anon = await w.app.inject({ method: 'GET', url: '/api/specialist/layers/patrol/grids' });
    expect(anon.statusCode).toBe(200);
    const fc = anon.json() as { features: { properties: { officer: unknown; gridCount: number } }[] };
    expect(fc.features).toHaveLength(15);
    expect(fc.features.every((f) => f.properties.officer === null)).toBe(true);
    const staff = await as(w, 'dispatcher', 'GET', '/api/specialist/layers/patrol/grids');
    const fs = staff.json() as typeof fc;
    expect(fs.features.every((f) => typeof (f.properties.officer as { name: string }).name === 'string')).toBe(true);
    expect(JSON.stringify(fs)).not.toMatch(/1[0-9]{10}/);
    expect((await w.app.inject({ method: 'GET', url: '/api/specialist/layers/nope/grids' })).statusCode).toBe(400);
  });

  it('draws each layer as vector tiles, readable by ogrinfo', async () => {
    const { rows } = await w.db.pool.query<{ lon: number; lat: number }>(
      `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM specialist_grid WHERE code = 'PT-01'`,
    );
    const { z, x, y } = tileAt(rows[0]!.lon, rows[0]!.lat, 11);
    const res = await w.app.inject({ method: 'GET', url: `/tiles/specialist_patrol/${z}/${x}/${y}.mvt` });
    expect(res.statusCode).toBe(200);
    const layer = new VectorTile(new PbfReader(new Uint8Array(res.rawPayload))).layers.specialist_patrol!;
    expect(layer.length).toBeGreaterThan(0);
    expect(Object.keys(layer.feature(0).properties).sort()).toEqual(['code', 'level', 'name']);
    const tj = await w.app.inject({ method: 'GET', url: '/tiles/specialist_food.json' });
    expect(tj.statusCode).toBe(200);
    await w.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(w.app.server.address() as { port: number }).port}/tiles/specialist_patrol/${z}/${x}/${y}.mvt`;
    const { stdout } = await promisify(execFile)('ogrinfo', ['-ro', '-al', '-so', `MVT:${url}`], { encoding: 'utf8', timeout: 60_000 });
    expect(stdout).toContain('Layer name: specialist_patrol');
    expect(stdout).toMatch(new RegExp(`Feature Count: ${layer.length}\\b`));
  });
});

describe('a case names its specialist grids and officers', () => {
  it('labour: both levels with their officers; phone and a log row for the dispatcher, no phone for the leader', async () => {
    const c = await createCase(w, { categoryCode: '09001', title: '拖欠农民工工资', description: '工地拖欠工资三个月' });
    const res = await as(w, 'dispatcher', 'GET', `/api/cases/${c.id}/specialist`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as CaseSpecialist;
    expect(body.items.map((i) => [i.layer, i.level])).toEqual([['labour', 1], ['labour', 2]]);
    expect(body.items[1]!.code).toBe(`LB-${w.home.community}`);
    expect(body.items[0]!.code).toMatch(new RegExp(`^LB-${w.home.street}-\\d{2}$`));
    const { rows } = await w.db.pool.query<{ name: string; phone: string }>(
      `SELECT o.name, o.phone FROM specialist_officer o JOIN specialist_grid s ON s.id = o.specialist_grid_id WHERE s.code = $1 AND o.responsible`,
      [`LB-${w.home.community}`],
    );
    expect(body.items[1]!.officer).toEqual({ name: rows[0]!.name, title: '劳动保障协理员', phone: rows[0]!.phone });
    expect((await accessRows('GET /api/cases/:id/specialist')).map((r) => r.fields)).toEqual([['officerPhone'], ['officerPhone']]);

    const leader = (await as(w, 'leader', 'GET', `/api/cases/${c.id}/specialist`)).json() as CaseSpecialist;
    expect(leader.items[1]!.officer).toEqual({ name: rows[0]!.name, title: '劳动保障协理员' });
    expect(await accessRows('GET /api/cases/:id/specialist')).toHaveLength(2);
  });

  it('food and patrol categories name their layer; other categories none; no login 401, public and handler outside scope refused', async () => {
    const food = await createCase(w, { categoryCode: '08001' });
    const f = (await as(w, 'admin', 'GET', `/api/cases/${food.id}/specialist`)).json() as CaseSpecialist;
    expect(f.items.map((i) => i.code)).toEqual([`FS-${w.home.community}`]);
    expect(f.items[0]!.officer?.title).toBe('食品安全信息员');
    const police = await createCase(w, { categoryCode: '10002' });
    const p = (await as(w, 'dispatcher', 'GET', `/api/cases/${police.id}/specialist`)).json() as CaseSpecialist;
    expect(p.items).toHaveLength(1);
    expect(p.items[0]!.code).toMatch(/^PT-\d{2}$/);
    const { rows } = await w.db.pool.query(
      `SELECT 1 FROM specialist_grid_area m JOIN specialist_grid s ON s.id = m.specialist_grid_id WHERE s.code = $1 AND m.grid_code = $2`,
      [p.items[0]!.code, w.home.grid],
    );
    expect(rows).toHaveLength(1);
    const plain = await createCase(w);
    expect(((await as(w, 'dispatcher', 'GET', `/api/cases/${plain.id}/specialist`)).json() as CaseSpecialist).items).toEqual([]);
    expect((await w.app.inject({ method: 'GET', url: `/api/cases/${plain.id}/specialist` })).statusCode).toBe(401);
    expect((await as(w, 'wall', 'GET', `/api/cases/${plain.id}/specialist`)).statusCode).toBe(403);
    // the handler (城管) does not see a food-safety case
    expect((await as(w, 'handler', 'GET', `/api/cases/${food.id}/specialist`)).statusCode).toBe(404);
    expect((await as(w, 'dispatcher', 'GET', '/api/cases/999999/specialist')).statusCode).toBe(404);
  });
});

describe('base data per grid: roles × routes', () => {
  const table: [TestRole, 'own' | 'other', number, number][] = [
    // role, grid, counts status, records status
    ['admin', 'other', 200, 200],
    ['dispatcher', 'other', 200, 200],
    ['worker', 'own', 200, 200],
    ['worker', 'other', 200, 403],
    ['leader', 'other', 200, 403],
    ['wall', 'other', 200, 403],
    ['handler', 'other', 200, 403],
  ];
  it.each(table)('%s on the %s grid: counts %i, records %i (each records read logged)', async (role, which, countStatus, recordStatus) => {
    const grid = which === 'own' ? w.home.grid : other;
    const before = (await accessRows('GET /api/grids/:code/base')).length;
    const counts = await as(w, role, 'GET', `/api/grids/${grid}/base`);
    expect(counts.statusCode, counts.body).toBe(countStatus);
    const body = counts.json() as GridBase;
    expect(body.counts.map((c) => c.kind)).toEqual(['enterprise', 'shop', 'rented_home', 'care_person', 'key_person']);
    expect(body.mayReadRecords).toBe(recordStatus === 200);
    expect(body.records).toBeUndefined();
    const rec = await as(w, role, 'GET', `/api/grids/${grid}/base?records=care_person`);
    expect(rec.statusCode, rec.body).toBe(recordStatus);
    const after = await accessRows('GET /api/grids/:code/base');
    if (recordStatus === 200) {
      const r = rec.json() as GridBase;
      expect(r.records!.length).toBe(body.counts.find((c) => c.kind === 'care_person')!.recorded);
      expect(after.slice(before)).toEqual([{ subject: `base:${grid}:care_person`, fields: ['name', 'contactName', 'contactPhone'], user_id: expect.any(Number) }]);
    } else expect(after).toHaveLength(before);
  });

  it('the public sees nothing; a bad grid or kind is 400, an unknown grid 404', async () => {
    expect((await w.app.inject({ method: 'GET', url: `/api/grids/${other}/base` })).statusCode).toBe(401);
    expect((await as(w, 'admin', 'GET', '/api/grids/12/base')).statusCode).toBe(400);
    expect((await as(w, 'admin', 'GET', `/api/grids/${other}/base?records=cats`)).statusCode).toBe(400);
    expect((await as(w, 'admin', 'GET', '/api/grids/999999999999999/base')).statusCode).toBe(404);
  });

  it('demo counts are plausible from population and households', async () => {
    const { rows } = await w.db.pool.query<{ rented: number; households: number; records: number }>(
      `SELECT (SELECT sum(n)::int FROM base_count WHERE kind = 'rented_home') AS rented,
              (SELECT sum(households)::int FROM area WHERE level = 'grid') AS households,
              (SELECT count(*)::int FROM base_record) AS records`,
    );
    const r = rows[0]!;
    expect(r.rented / r.households).toBeGreaterThan(0.1);
    expect(r.rented / r.households).toBeLessThan(0.3);
    expect(r.records).toBeLessThanOrEqual(50_000);
  });
});

describe('POST /api/admin/base-data/import (CSV)', () => {
  const csv = (lines: string[]) => ['grid_code,kind,name,address,detail,contact_name,contact_phone', ...lines].join('\r\n');
  const post = (role: TestRole, body: string, q = '') =>
    w.app.inject({ method: 'POST', url: `/api/admin/base-data/import${q}`, headers: { cookie: w.cookies[role], 'x-gc-csrf': '1', 'content-type': 'text/csv' }, payload: body });
  const snapshot = async () =>
    (await w.db.pool.query(`SELECT grid_code, kind, name FROM base_record WHERE grid_code = ANY($1) ORDER BY id`, [[w.home.grid, other]])).rows;

  it('bad rows: 422 with every bad line, nothing changed; a dry run changes nothing; non-admins 403', async () => {
    const before = await snapshot();
    const bad = await post('admin', csv([
      `${w.home.grid},shop,新华书店,人民路1号,,李四,13900000000`,
      `${w.home.grid},castle,城堡,,,,`,
      `12345,shop,无名,,,,`,
      `${w.home.grid},shop,"引号,逗号",,,王五,123`,
      `370211999999999,shop,不存在的网格,,,,`,
    ]));
    expect(bad.statusCode, bad.body).toBe(422);
    const b = bad.json() as { code: string; problems: { line: number; column: string }[] };
    expect(b.code).toBe('BAD_ROWS');
    expect(b.problems.map((p) => [p.line, p.column])).toEqual([[3, 'kind'], [4, 'grid_code'], [5, 'contact_phone']]);
    const missing = await post('admin', csv([`370211999999999,shop,不存在的网格,,,,`]));
    expect(missing.statusCode).toBe(422);
    expect((missing.json() as typeof b).problems).toEqual([{ line: 2, column: 'grid_code', problem: 'grid 370211999999999 does not exist' }]);
    const dry = await post('admin', csv([`${w.home.grid},shop,新华书店,人民路1号,,李四,13900000000`]), '?dryRun=true');
    expect(dry.json()).toEqual({ dryRun: true, rows: 1, pairs: 1, grids: 1 });
    for (const role of ROLES.filter((r) => r !== 'admin')) expect((await post(role, csv([`${w.home.grid},shop,x,,,,`]))).statusCode).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('happy path: replaces the records and counts of the pairs in the file, audited', async () => {
    const res = await post('admin', csv([
      `${w.home.grid},shop,新华书店,人民路1号,图书,李四,139-0000-0000`,
      `${w.home.grid},shop,"老王""烧烤""",人民路2号,"夜间经营,需关注",王五,`,
      `${other},key_person,赵六,幸福路3号,社区矫正对象,,`,
    ]));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ dryRun: false, rows: 3, pairs: 2, grids: 2 });
    const own = (await as(w, 'worker', 'GET', `/api/grids/${w.home.grid}/base?records=shop`)).json() as GridBase;
    expect(own.counts.find((c) => c.kind === 'shop')).toEqual({ kind: 'shop', count: 2, recorded: 2 });
    expect(own.records!.map((r) => [r.name, r.detail, r.contactPhone])).toEqual([
      ['新华书店', '图书', '13900000000'],
      ['老王"烧烤"', '夜间经营,需关注', null],
    ]);
    // the other kinds of the grid are as they were
    expect(own.counts.find((c) => c.kind === 'care_person')!.count).toBeGreaterThan(0);
    const { rows } = await w.db.pool.query(`SELECT detail FROM audit_log WHERE action = 'base_data.import'`);
    expect(rows).toEqual([{ detail: { rows: 3, pairs: 2, grids: 2 } }]);
  });
});
