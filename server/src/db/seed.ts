/** Loads a district (the real demo district, or the synthetic megacity) into an empty, migrated database. */
import type pg from 'pg';
import { MEGACITY_DISTRICT_CODE, type AreaCollection, type DemoDistrict } from '@gridcommand/data';
import { inTransaction } from './transaction.ts';
import { seedSpecialistDemo } from '../modules/specialist/demo/repository.ts';

const CHUNK = 2_000;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function insertAreas(client: pg.PoolClient, fc: AreaCollection): Promise<void> {
  for (const part of chunks(fc.features)) {
    const rows = part.map((f) => ({ ...f.properties, geometry: f.geometry }));
    await client.query(
      `INSERT INTO area (code, level, name, display_code, parent_code, street_code, zone_code, community_code,
                         population, households, urban, short_name, geom)
       SELECT r.code, r.level::area_level, r.name, r."displayCode", r."parentCode", r."streetCode", r."zoneCode",
              r."communityCode", r.population, r.households, r.urban, coalesce(r."shortName", r.name),
              ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326))
       FROM jsonb_to_recordset($1::jsonb) AS r(code text, level text, name text, "displayCode" text, "parentCode" text,
            "streetCode" text, "zoneCode" text, "communityCode" text, population int, households int, urban boolean,
            "shortName" text, geometry jsonb)`,
      [JSON.stringify(rows)],
    );
  }
}

export async function isSeeded(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM area');
  return (rows[0]?.n ?? 0) > 0;
}

/** Inserts the whole district in one transaction. */
export async function seedDistrict(pool: pg.Pool, d: DemoDistrict): Promise<void> {
  await inTransaction(pool, async (client) => {
    for (const level of [d.district, d.streets, d.zones, d.communities, d.grids]) await insertAreas(client, level);

    for (const part of chunks(d.staff)) {
      await client.query(
        `INSERT INTO staff (id, name, role, phone)
         SELECT r.id, r.name, r.role::staff_role, r.phone
         FROM jsonb_to_recordset($1::jsonb) AS r(id text, name text, role text, phone text)`,
        [JSON.stringify(part.map(({ id, name, role, phone }) => ({ id, name, role, phone })))],
      );
      const links = part.flatMap((s) =>
        s.gridCodes.map((g) => ({ grid: g, staff: s.id, responsible: s.responsibleFor.includes(g) })),
      );
      await client.query(
        `INSERT INTO grid_staff (grid_code, staff_id, responsible)
         SELECT r.grid, r.staff, r.responsible FROM jsonb_to_recordset($1::jsonb) AS r(grid text, staff text, responsible boolean)`,
        [JSON.stringify(links)],
      );
    }

    for (const part of chunks(d.teams)) {
      await client.query(
        `WITH r AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, kind text, status text,
                  "homeZoneCode" text, lon float8, lat float8, members jsonb)
         ), t AS (
           INSERT INTO team (code, name, kind, status, home_zone_code, position, position_at)
           SELECT code, name, kind::team_kind, status::team_status, "homeZoneCode",
                  ST_SetSRID(ST_MakePoint(lon, lat), 4326), now()
           FROM r
           RETURNING id, code
         )
         INSERT INTO team_member (team_id, seq, name, role)
         SELECT t.id, m.ord, m.value->>'name', m.value->>'role'
         FROM t JOIN r USING (code), jsonb_array_elements(r.members) WITH ORDINALITY AS m(value, ord)`,
        [JSON.stringify(part)],
      );
    }

    // the specialist grid layers and base data of the demo district (not of the synthetic megacity)
    if (d.district.features[0]?.properties.code !== MEGACITY_DISTRICT_CODE) await seedSpecialistDemo(client);
  });
  await pool.query('ANALYZE');
}
