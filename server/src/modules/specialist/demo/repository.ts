/**
 * SQL of the demo specialist grids and base data: reads the district's communities and grids, writes the plan of
 * plan.ts (replacing what was there). Runs inside the seed's transaction (server/src/db/seed.ts).
 */
import type pg from 'pg';
import { planDemo, type CommunityIn, type GridIn, type Plan } from './plan.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;
const CHUNK = 4_000;

export async function loadInputs(db: Queryable): Promise<{ communities: CommunityIn[]; grids: GridIn[] }> {
  const c = await db.query<CommunityIn>(
    `SELECT c.code, coalesce(c.short_name, c.name) AS name, c.street_code AS "streetCode", s.name AS "streetName",
            coalesce(c.zone_code, '') AS "zoneCode"
     FROM area c JOIN area s ON s.code = c.street_code WHERE c.level = 'community' ORDER BY c.code`,
  );
  const g = await db.query<GridIn>(
    `SELECT g.code, g.community_code AS "communityCode", coalesce(c.short_name, c.name) AS "communityName",
            g.population, g.households, g.urban, ST_X(g.label_point) AS lon, ST_Y(g.label_point) AS lat
     FROM area g JOIN area c ON c.code = g.community_code WHERE g.level = 'grid' ORDER BY g.code`,
  );
  return { communities: c.rows, grids: g.rows };
}

export async function writePlan(db: Queryable, plan: Plan): Promise<void> {
  await db.query('DELETE FROM specialist_grid');
  await db.query(`DELETE FROM base_record WHERE source = 'demo'`);
  await db.query('DELETE FROM base_count');
  // parents before children
  for (const level of [1, 2]) {
    const part = plan.grids.filter((p) => p.level === level);
    if (part.length === 0) continue;
    await db.query(
      `WITH r AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS r(layer text, code text, name text, level int, parent text, street text, communities text[], grids text[])
       ), s AS (
         INSERT INTO specialist_grid (layer_code, code, name, level, parent_code, street_code, geom)
         SELECT r.layer, r.code, r.name, r.level, r.parent, r.street,
                (SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(a.geom)), 3)) FROM area a
                  WHERE a.code = ANY(r.communities) OR a.code = ANY(r.grids))
         FROM r
         RETURNING id, code
       )
       INSERT INTO specialist_grid_area (specialist_grid_id, grid_code)
       SELECT s.id, g.code FROM s JOIN r USING (code)
       JOIN area g ON g.level = 'grid' AND (g.community_code = ANY(r.communities) OR g.code = ANY(r.grids))`,
      [JSON.stringify(part)],
    );
  }
  const officers = plan.grids.flatMap((p) => p.officers.map((o) => ({ ...o, code: p.code })));
  await db.query(
    `INSERT INTO specialist_officer (specialist_grid_id, name, title, phone, responsible)
     SELECT s.id, r.name, r.title, r.phone, r.responsible
     FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, title text, phone text, responsible boolean)
     JOIN specialist_grid s ON s.code = r.code`,
    [JSON.stringify(officers)],
  );
  await db.query(
    `INSERT INTO base_count (grid_code, kind, n)
     SELECT r.grid, r.kind, r.n FROM jsonb_to_recordset($1::jsonb) AS r(grid text, kind text, n int)`,
    [JSON.stringify(plan.counts)],
  );
  for (let i = 0; i < plan.records.length; i += CHUNK) {
    await db.query(
      `INSERT INTO base_record (grid_code, kind, name, address, detail, contact_name, contact_phone, source)
       SELECT r.grid, r.kind, r.name, r.address, r.detail, r."contactName", r."contactPhone", 'demo'
       FROM jsonb_to_recordset($1::jsonb)
         AS r(grid text, kind text, name text, address text, detail text, "contactName" text, "contactPhone" text)`,
      [JSON.stringify(plan.records.slice(i, i + CHUNK))],
    );
  }
}

/** Plans and writes the demo's specialist grids and base data; returns what it wrote. */
export async function seedSpecialistDemo(db: Queryable): Promise<{ grids: number; records: number }> {
  const { communities, grids } = await loadInputs(db);
  const plan = planDemo(communities, grids);
  await writePlan(db, plan);
  return { grids: plan.grids.length, records: plan.records.length };
}
