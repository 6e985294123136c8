/** SQL of patrol zones and their coverage of the grids. Every user value is a $n parameter. */
import type pg from 'pg';

type Queryable = Pick<pg.PoolClient, 'query'>;

// ── patrol zones ───────────────────────────────────────────────────────────

export interface PatrolZoneRow {
  id: number;
  team_id: number;
  team_code: string;
  team_name: string;
  name: string | null;
  shift_start: Date;
  shift_end: Date;
  grid_codes: string[];
  polygon: string | null;
  created_by: number | null;
  created_at: Date;
}

const ZONE_SELECT = `
  SELECT z.id::int AS id, z.team_id, t.code AS team_code, t.name AS team_name, z.name, z.shift_start, z.shift_end,
         coalesce((SELECT array_agg(g.grid_code ORDER BY g.grid_code) FROM patrol_zone_grid g WHERE g.zone_id = z.id), '{}') AS grid_codes,
         ST_AsGeoJSON(z.polygon, 7) AS polygon, z.created_by, z.created_at
  FROM patrol_zone z JOIN team t ON t.id = z.team_id`;

export async function zonesAt(db: Queryable, at: Date): Promise<PatrolZoneRow[]> {
  const { rows } = await db.query<PatrolZoneRow>(
    `${ZONE_SELECT} WHERE tstzrange(z.shift_start, z.shift_end) @> $1::timestamptz ORDER BY z.shift_start, z.id`,
    [at],
  );
  return rows;
}

export async function findZone(db: Queryable, id: number): Promise<PatrolZoneRow | null> {
  const { rows } = await db.query<PatrolZoneRow>(`${ZONE_SELECT} WHERE z.id = $1`, [id]);
  return rows[0] ?? null;
}

/** Validity of a GeoJSON polygon: null when valid, else PostGIS's reason. */
export async function polygonProblem(db: Queryable, geojson: string): Promise<string | null> {
  const { rows } = await db.query<{ valid: boolean; reason: string }>(
    `SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) x`,
    [geojson],
  );
  const r = rows[0]!;
  return r.valid ? null : r.reason;
}

/** Grids whose area lies inside the polygon by at least `minShare` of the grid's own area. */
export async function gridsInPolygon(db: Queryable, geojson: string, minShare: number): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>(
    `WITH p AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g)
     SELECT a.code FROM area a, p
     WHERE a.level = 'grid' AND ST_Intersects(a.geom, p.g)
       AND ST_Area(ST_Intersection(a.geom, p.g)) >= $2 * ST_Area(a.geom)
     ORDER BY a.code`,
    [geojson, minShare],
  );
  return rows.map((r) => r.code);
}

export async function existingGridCodes(db: Queryable, codes: string[]): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>(`SELECT code FROM area WHERE level = 'grid' AND code = ANY($1::text[])`, [codes]);
  return rows.map((r) => r.code);
}

export async function insertZone(
  db: Queryable,
  z: { teamId: number; name: string | null; start: Date; end: Date; polygon: string | null; createdBy: number; gridCodes: string[] },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO patrol_zone (team_id, name, shift_start, shift_end, polygon, created_by)
     VALUES ($1, $2, $3, $4, CASE WHEN $5::text IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON($5), 4326) END, $6)
     RETURNING id::int AS id`,
    [z.teamId, z.name, z.start, z.end, z.polygon, z.createdBy],
  );
  const id = rows[0]!.id;
  await db.query(`INSERT INTO patrol_zone_grid (zone_id, grid_code) SELECT $1, unnest($2::text[])`, [id, z.gridCodes]);
  return id;
}

export async function deleteZone(db: Queryable, id: number): Promise<boolean> {
  const res = await db.query('DELETE FROM patrol_zone WHERE id = $1', [id]);
  return (res.rowCount ?? 0) > 0;
}

/**
 * At most this many uncovered grids are listed (by code); the count is exact. A city of 50,000 grids with few zones
 * would otherwise send them all; the desk needs none of them (it draws "no zone" on the tiles).
 */
export const UNCOVERED_LIST_MAX = 1_000;

export async function coverage(
  db: Queryable,
  at: Date,
): Promise<{ total: number; covered: number; zones: number; uncovered: { id: number; code: string; name: string }[] }> {
  const { rows } = await db.query<{ total: number; covered: number; zones: number; uncovered: { id: number; code: string; name: string }[] | null }>(
    `WITH active AS (SELECT id FROM patrol_zone WHERE tstzrange(shift_start, shift_end) @> $1::timestamptz),
     covered AS (SELECT DISTINCT g.grid_code FROM patrol_zone_grid g JOIN active a ON a.id = g.zone_id)
     SELECT (SELECT count(*)::int FROM area WHERE level = 'grid') AS total,
            (SELECT count(*)::int FROM covered) AS covered,
            (SELECT count(*)::int FROM active) AS zones,
            (SELECT jsonb_agg(jsonb_build_object('id', u.code::bigint, 'code', u.code, 'name', u.name) ORDER BY u.code)
             FROM (SELECT a.code, a.name FROM area a
                   WHERE a.level = 'grid' AND NOT EXISTS (SELECT 1 FROM covered c WHERE c.grid_code = a.code)
                   ORDER BY a.code LIMIT $2) u) AS uncovered`,
    [at, UNCOVERED_LIST_MAX],
  );
  const r = rows[0]!;
  return { total: r.total, covered: r.covered, zones: r.zones, uncovered: r.uncovered ?? [] };
}
