/**
 * The SQL of the area import (docs/import.md). Everything runs on the caller's transaction: the file goes into a
 * temp table (`import_area`, dropped at commit), the areas as they will be into a second one (`import_next`: the
 * file's levels from the file, the other levels as stored), both GiST-indexed, and the geometric checks are joins
 * on them. Writing is upserts top-down, the derived codes refreshed, removals bottom-up.
 */
import type pg from 'pg';
import { TOLERANCE_M2, type ImportArea, type ImportLevel, type ImportProblem, type StoredArea } from '@gridcommand/shared/domain';

type Db = Pick<pg.PoolClient, 'query'>;

const CHUNK = 2_000;

/** Serialises imports, and keeps other writers of areas out until the import commits. */
export async function lockAreas(db: Db): Promise<void> {
  await db.query('LOCK TABLE area IN SHARE ROW EXCLUSIVE MODE');
}

export async function storedAreas(db: Db): Promise<StoredArea[]> {
  const { rows } = await db.query<StoredArea>('SELECT code, level::text AS level FROM area');
  return rows;
}

/** Loads the features into `import_area`; returns those PostGIS finds invalid, with its reason. */
export async function loadFeatures(db: Db, areas: readonly ImportArea[]): Promise<{ index: number; code: string; reason: string }[]> {
  await db.query(
    `CREATE TEMP TABLE import_area (
       idx int NOT NULL, code text PRIMARY KEY, level area_level NOT NULL, name text NOT NULL, short_name text,
       display_code text, parent_code text NOT NULL, population int, households int, urban boolean,
       geom geometry(MultiPolygon, 4326) NOT NULL, reason text
     ) ON COMMIT DROP`,
  );
  for (let i = 0; i < areas.length; i += CHUNK) {
    const rows = areas.slice(i, i + CHUNK).map((a) => ({
      idx: a.index,
      code: a.code,
      level: a.level,
      name: a.name,
      short_name: a.shortName,
      display_code: a.displayCode,
      parent_code: a.parentCode,
      population: a.population,
      households: a.households,
      urban: a.urban,
      geometry: a.geometry,
    }));
    await db.query(
      `INSERT INTO import_area (idx, code, level, name, short_name, display_code, parent_code, population, households, urban, geom)
       SELECT r.idx, r.code, r.level::area_level, r.name, r.short_name, r.display_code, r.parent_code, r.population, r.households, r.urban,
              ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326)))
       FROM jsonb_to_recordset($1::jsonb) AS r(idx int, code text, level text, name text, short_name text, display_code text,
            parent_code text, population int, households int, urban boolean, geometry jsonb)`,
      [JSON.stringify(rows)],
    );
  }
  const { rows } = await db.query<{ index: number; code: string; reason: string }>(
    `UPDATE import_area SET reason = CASE WHEN ST_IsEmpty(geom) THEN 'empty geometry' ELSE ST_IsValidReason(geom) END
     WHERE ST_IsEmpty(geom) OR NOT ST_IsValid(geom)
     RETURNING idx AS index, code, reason`,
  );
  await db.query('CREATE INDEX ON import_area USING gist (geom)');
  await db.query('ANALYZE import_area');
  return rows;
}

/** `import_next`: the areas as they will be after the import (valid features only). */
export async function buildNext(db: Db, present: readonly ImportLevel[]): Promise<void> {
  await db.query(
    `CREATE TEMP TABLE import_next ON COMMIT DROP AS
     SELECT idx, code, level, parent_code, geom FROM import_area WHERE reason IS NULL
     UNION ALL
     SELECT NULL::int, code, level, parent_code, geom FROM area WHERE level <> ALL($1::area_level[])`,
    [present],
  );
  await db.query('CREATE INDEX ON import_next USING gist (geom)');
  await db.query('CREATE INDEX ON import_next (parent_code, level)');
  await db.query('ANALYZE import_next');
}

interface GeoRow {
  idx: number | null;
  code: string;
  m2: number;
  lon: number | null;
  lat: number | null;
}

const round = (m2: number) => Math.round(m2 * 10) / 10;

/** Features (of the file) reaching beyond the district by more than the tolerance. */
export async function outsideDistrict(db: Db): Promise<ImportProblem[]> {
  const { rows } = await db.query<GeoRow>(
    `SELECT idx, code, m2, ST_X(pt) AS lon, ST_Y(pt) AS lat FROM (
       SELECT n.idx, n.code, ST_Area(x.g::geography) AS m2, ST_PointOnSurface(x.g) AS pt
       FROM import_next n CROSS JOIN LATERAL (SELECT geom FROM import_next WHERE level = 'district' LIMIT 1) d
       CROSS JOIN LATERAL (SELECT ST_Difference(n.geom, d.geom) AS g) x
       WHERE n.idx IS NOT NULL AND NOT ST_CoveredBy(n.geom, d.geom)
     ) o WHERE m2 > $1 ORDER BY idx`,
    [TOLERANCE_M2.outside],
  );
  return rows.map((r) => ({ feature: r.idx, code: r.code, problem: 'outside_district', detail: `${round(r.m2)} m² outside the district`, areaM2: round(r.m2), ...at(r) }));
}

function at(r: { lon: number | null; lat: number | null }): { lon?: number; lat?: number } {
  return r.lon === null || r.lat === null ? {} : { lon: r.lon, lat: r.lat };
}

/** Areas of the checked levels (below street) reaching beyond their parent. */
export async function outsideParent(db: Db, checked: readonly ImportLevel[]): Promise<ImportProblem[]> {
  const { rows } = await db.query<GeoRow & { parent: string }>(
    `SELECT idx, code, parent, m2, ST_X(pt) AS lon, ST_Y(pt) AS lat FROM (
       SELECT c.idx, c.code, p.code AS parent, ST_Area(x.g::geography) AS m2, ST_PointOnSurface(x.g) AS pt
       FROM import_next c JOIN import_next p ON p.code = c.parent_code
       CROSS JOIN LATERAL (SELECT ST_Difference(c.geom, p.geom) AS g) x
       WHERE c.level = ANY($1::area_level[]) AND c.level <> 'street' AND (c.idx IS NOT NULL OR p.idx IS NOT NULL)
         AND NOT ST_CoveredBy(c.geom, p.geom)
     ) o WHERE m2 > $2 ORDER BY idx, code`,
    [checked, TOLERANCE_M2.outside],
  );
  return rows.map((r) => ({
    feature: r.idx,
    code: r.code,
    problem: 'outside_parent',
    detail: `${round(r.m2)} m² outside its parent ${r.parent}`,
    areaM2: round(r.m2),
    ...at(r),
  }));
}

/** Pairs of one present level sharing more than the tolerance (GiST join, interiors meeting). */
export async function overlaps(db: Db, present: readonly ImportLevel[]): Promise<ImportProblem[]> {
  const { rows } = await db.query<GeoRow & { other: string; other_idx: number | null }>(
    `SELECT idx, code, other, other_idx, m2, ST_X(pt) AS lon, ST_Y(pt) AS lat FROM (
       SELECT a.idx, a.code, b.code AS other, b.idx AS other_idx, ST_Area(x.g::geography) AS m2, ST_PointOnSurface(x.g) AS pt
       FROM import_next a JOIN import_next b ON a.level = b.level AND a.code < b.code AND a.geom && b.geom
       CROSS JOIN LATERAL (SELECT ST_Intersection(a.geom, b.geom) AS g) x
       WHERE a.level = ANY($1::area_level[]) AND ST_Relate(a.geom, b.geom, '2********')
     ) o WHERE m2 > $2 ORDER BY idx, code`,
    [present, TOLERANCE_M2.overlap],
  );
  return rows.map((r) => ({
    feature: r.idx ?? r.other_idx,
    code: r.idx !== null ? r.code : r.other,
    problem: 'overlap',
    detail: `${r.code} and ${r.other}${r.other_idx !== null && r.idx !== null ? ` (feature ${r.other_idx})` : ''} share ${round(r.m2)} m²`,
    areaM2: round(r.m2),
    ...at(r),
  }));
}

const PARENT_OF: Record<ImportLevel, string> = { street: 'district', zone: 'street', community: 'zone', grid: 'community' };

/** Parents whose children (of a checked level) leave more than the tolerance uncovered. */
export async function gaps(db: Db, checked: readonly ImportLevel[]): Promise<ImportProblem[]> {
  const { rows } = await db.query<GeoRow & { child: string }>(
    `SELECT idx, code, child, m2, ST_X(pt) AS lon, ST_Y(pt) AS lat FROM (
       SELECT idx, code, child, ST_Area(g::geography) AS m2, ST_PointOnSurface(g) AS pt FROM (
         SELECT p.idx, p.code, m.child,
                CASE WHEN count(c.code) = 0 THEN p.geom ELSE ST_Difference(p.geom, ST_Union(c.geom)) END AS g
         FROM unnest($1::area_level[], $2::area_level[]) AS m(child, parent)
         JOIN import_next p ON p.level = m.parent
         LEFT JOIN import_next c ON c.parent_code = p.code AND c.level = m.child
         GROUP BY p.idx, p.code, p.geom, m.child
       ) d WHERE NOT ST_IsEmpty(g)
     ) o WHERE m2 > $3 ORDER BY idx, code`,
    [checked, checked.map((l) => PARENT_OF[l]), TOLERANCE_M2.gap],
  );
  return rows.map((r) => ({
    feature: r.idx,
    code: r.code,
    problem: 'gap',
    detail: `${round(r.m2)} m² of ${r.code} covered by none of its ${r.child} areas`,
    areaM2: round(r.m2),
    ...at(r),
  }));
}

/** Stored areas of the present levels that the file leaves out: they are removed. */
export async function removedAreas(db: Db, present: readonly ImportLevel[]): Promise<StoredArea[]> {
  if (present.length === 0) return [];
  const { rows } = await db.query<StoredArea>(
    `SELECT a.code, a.level::text AS level FROM area a
     WHERE a.level = ANY($1::area_level[]) AND NOT EXISTS (SELECT 1 FROM import_area f WHERE f.code = a.code)
     ORDER BY a.code`,
    [present],
  );
  return rows;
}

/**
 * What may refer to an area, by code (the foreign keys onto area.code, and the worker accounts' grid lists).
 * Areas themselves count for the levels the file leaves as they are (their parent); the derived codes are refreshed.
 * server/test/import.test.ts compares this list with the database's foreign keys.
 */
export const AREA_REFERENCES = [
  { name: 'area.parent_code', sql: `SELECT x.parent_code AS code FROM area x WHERE x.level <> ALL($2::area_level[]) AND x.parent_code = ANY($1::text[])` },
  { name: 'grid_staff.grid_code', sql: `SELECT x.grid_code AS code FROM grid_staff x WHERE x.grid_code = ANY($1::text[])` },
  { name: 'team.home_zone_code', sql: `SELECT x.home_zone_code AS code FROM team x WHERE x.home_zone_code = ANY($1::text[])` },
  { name: 'patrol_zone_grid.grid_code', sql: `SELECT x.grid_code AS code FROM patrol_zone_grid x WHERE x.grid_code = ANY($1::text[])` },
  { name: 'cases.grid_code', sql: `SELECT x.grid_code AS code FROM cases x WHERE x.grid_code = ANY($1::text[])` },
  { name: 'cases.community_code', sql: `SELECT x.community_code AS code FROM cases x WHERE x.community_code = ANY($1::text[])` },
  { name: 'cases.zone_code', sql: `SELECT x.zone_code AS code FROM cases x WHERE x.zone_code = ANY($1::text[])` },
  { name: 'cases.street_code', sql: `SELECT x.street_code AS code FROM cases x WHERE x.street_code = ANY($1::text[])` },
  { name: 'checkin.grid_code', sql: `SELECT x.grid_code AS code FROM checkin x WHERE x.grid_code = ANY($1::text[])` },
  { name: 'duty_record.grid_code', sql: `SELECT x.grid_code AS code FROM duty_record x WHERE x.grid_code = ANY($1::text[])` },
  { name: 'household_visit.grid_code', sql: `SELECT x.grid_code AS code FROM household_visit x WHERE x.grid_code = ANY($1::text[])` },
  { name: 'app_user.grid_codes', sql: `SELECT g AS code FROM app_user x CROSS JOIN LATERAL unnest(x.grid_codes) AS g WHERE g = ANY($1::text[])` },
] as const;

/** How many rows of each kind still refer to each removed code. */
export async function referencesTo(db: Db, codes: readonly string[], present: readonly ImportLevel[]): Promise<{ code: string; ref: string; n: number }[]> {
  if (codes.length === 0) return [];
  const union = AREA_REFERENCES.map((r) => `SELECT '${r.name}' AS ref, code FROM (${r.sql}) s`).join('\nUNION ALL\n');
  const { rows } = await db.query<{ code: string; ref: string; n: number }>(
    `SELECT code, ref, count(*)::int AS n FROM (${union}) u GROUP BY code, ref ORDER BY code, ref`,
    [codes, present],
  );
  return rows;
}

/** The database's foreign keys onto area (table.column), for the test of AREA_REFERENCES. */
export async function foreignKeysToArea(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ ref: string }>(
    `SELECT c.conrelid::regclass::text || '.' || a.attname AS ref
     FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
     WHERE c.contype = 'f' AND c.confrelid = 'area'::regclass ORDER BY 1`,
  );
  return rows.map((r) => r.ref);
}

/** Each feature against the stored area of its code. */
export interface FeatureDiff {
  code: string;
  level: ImportLevel;
  added: boolean;
  name: boolean;
  geometry: boolean;
  attributes: boolean;
}

/** Geometries closer than this (degrees, Hausdorff; ~1 mm) are the same geometry. */
const SAME_GEOMETRY_DEG = 1e-8;

export async function diffFeatures(db: Db): Promise<FeatureDiff[]> {
  const { rows } = await db.query<FeatureDiff>(
    `SELECT f.code, f.level::text AS level, a.code IS NULL AS added,
            coalesce(a.name IS DISTINCT FROM f.name, false) AS name,
            coalesce(NOT ST_OrderingEquals(a.geom, f.geom) AND ST_HausdorffDistance(a.geom, f.geom) > $1, false) AS geometry,
            coalesce(a.parent_code IS DISTINCT FROM f.parent_code
              OR (f.population IS NOT NULL AND f.population <> a.population)
              OR (f.households IS NOT NULL AND f.households <> a.households)
              OR (f.urban IS NOT NULL AND f.urban <> a.urban)
              OR (f.display_code IS NOT NULL AND f.display_code IS DISTINCT FROM a.display_code)
              OR (f.short_name IS NOT NULL AND f.short_name IS DISTINCT FROM a.short_name), false) AS attributes
     FROM import_area f LEFT JOIN area a ON a.code = f.code
     ORDER BY f.code`,
    [SAME_GEOMETRY_DEG],
  );
  return rows;
}

/** Inserts the new areas of a level and updates its changed ones (geometry only where it changed). */
export async function writeLevel(db: Db, level: ImportLevel, added: readonly string[], changed: readonly string[], geometryChanged: readonly string[]): Promise<void> {
  if (added.length > 0) {
    await db.query(
      `INSERT INTO area (code, level, name, short_name, display_code, parent_code, population, households, urban, geom)
       SELECT f.code, f.level, f.name, coalesce(f.short_name, f.name), f.display_code, f.parent_code,
              coalesce(f.population, 0), coalesce(f.households, 0), coalesce(f.urban, false), f.geom
       FROM import_area f WHERE f.level = $1::area_level AND f.code = ANY($2::text[])`,
      [level, added],
    );
  }
  if (changed.length > 0) {
    await db.query(
      `UPDATE area a SET
         name = f.name,
         short_name = coalesce(f.short_name, CASE WHEN a.name = f.name THEN a.short_name ELSE f.name END),
         display_code = coalesce(f.display_code, a.display_code),
         parent_code = f.parent_code,
         population = coalesce(f.population, a.population),
         households = coalesce(f.households, a.households),
         urban = coalesce(f.urban, a.urban),
         geom = CASE WHEN f.code = ANY($3::text[]) THEN f.geom ELSE a.geom END
       FROM import_area f
       WHERE a.code = f.code AND f.level = $1::area_level AND f.code = ANY($2::text[])`,
      [level, changed, geometryChanged],
    );
  }
}

/** The street, zone and community codes of every area, from its parents (top-down). */
export async function refreshDerivedCodes(db: Db): Promise<void> {
  await db.query(`UPDATE area z SET street_code = z.parent_code WHERE z.level = 'zone' AND z.street_code IS DISTINCT FROM z.parent_code`);
  await db.query(
    `UPDATE area c SET zone_code = c.parent_code, street_code = z.parent_code
     FROM area z WHERE c.level = 'community' AND z.code = c.parent_code
       AND (c.zone_code IS DISTINCT FROM c.parent_code OR c.street_code IS DISTINCT FROM z.parent_code)`,
  );
  await db.query(
    `UPDATE area g SET community_code = g.parent_code, zone_code = c.zone_code, street_code = c.street_code
     FROM area c WHERE g.level = 'grid' AND c.code = g.parent_code
       AND (g.community_code IS DISTINCT FROM g.parent_code OR g.zone_code IS DISTINCT FROM c.zone_code OR g.street_code IS DISTINCT FROM c.street_code)`,
  );
}

export async function deleteAreas(db: Db, codes: readonly string[]): Promise<void> {
  if (codes.length === 0) return;
  await db.query('DELETE FROM area WHERE code = ANY($1::text[])', [codes]);
}

/** The newest areas.imported event (read after the import's commit; imports are serialised by lockAreas). */
export async function lastImportEventId(db: Db): Promise<number | null> {
  const { rows } = await db.query<{ id: number | null }>(`SELECT max(id)::int8 AS id FROM event WHERE type = 'areas.imported'`);
  return rows[0]?.id ?? null;
}
