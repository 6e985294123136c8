/** SQL for grids: the GeoJSON collection (built by PostGIS) and one grid's detail with its staff. */
import type pg from 'pg';
import type { AreaRef, GridDetail, GridStaffMember, StaffRole } from '@gridcommand/shared/schemas';

export type LonLatBox = [number, number, number, number];

/**
 * The whole FeatureCollection as one JSON text, assembled in SQL: RFC 7946 (WGS 84, exterior rings
 * counter-clockwise, 6 decimals), feature id = grid code. row_to_json and string_agg keep the text compact.
 */
function featureCollectionSql(withBbox: boolean, withGeometry: boolean): string {
  return `
  SELECT '{"type":"FeatureCollection","features":[' || coalesce(string_agg(f.feature, ',' ORDER BY f.code), '') || ']}' AS body
  FROM (
    SELECT g.code, row_to_json(feat)::text AS feature
    FROM area g
    LEFT JOIN area c ON c.code = g.community_code
    LEFT JOIN area z ON z.code = g.zone_code
    LEFT JOIN area s ON s.code = g.street_code
    LEFT JOIN (
      SELECT grid_code, count(*)::int AS n, bool_or(responsible) AS has_responsible FROM grid_staff GROUP BY grid_code
    ) st ON st.grid_code = g.code
    CROSS JOIN LATERAL (
      SELECT 'Feature' AS type, g.code AS id, ${withGeometry ? 'ST_AsGeoJSON(ST_ForcePolygonCCW(g.geom), 6)::json' : 'NULL::json'} AS geometry,
             (SELECT row_to_json(p) FROM (
                SELECT g.code::bigint AS id, g.code, g.display_code AS "displayCode", g.name,
                       c.code AS "communityCode", c.name AS "communityName",
                       z.code AS "zoneCode", z.name AS "zoneName",
                       s.code AS "streetCode", s.name AS "streetName",
                       g.population, g.households,
                       coalesce(st.n, 0) AS "staffCount",
                       NOT coalesce(st.has_responsible, false) AS vacancy,
                       ARRAY[round(ST_X(g.label_point)::numeric, 6)::float8, round(ST_Y(g.label_point)::numeric, 6)::float8] AS "labelPoint"
              ) p) AS properties
    ) feat
    WHERE g.level = 'grid'
      ${withBbox ? 'AND ST_Intersects(g.geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))' : ''}
  ) f`;
}

const FC = {
  all: featureCollectionSql(false, true),
  bbox: featureCollectionSql(true, true),
  allBare: featureCollectionSql(false, false),
  bboxBare: featureCollectionSql(true, false),
};

/** The grids (all, or those intersecting bbox) as GeoJSON text; without geometry: null geometries (properties only). */
export async function gridsGeoJson(pool: pg.Pool, bbox: LonLatBox | null, withGeometry = true): Promise<string> {
  const key = `${bbox ? 'bbox' : 'all'}${withGeometry ? '' : 'Bare'}` as keyof typeof FC;
  const { rows } = bbox
    ? await pool.query<{ body: string }>({ name: `grids-geojson-${key}`, text: FC[key], values: bbox })
    : await pool.query<{ body: string }>({ name: `grids-geojson-${key}`, text: FC[key] });
  return rows[0]?.body ?? '{"type":"FeatureCollection","features":[]}';
}

interface GridRow {
  id: number;
  code: string;
  displayCode: string | null;
  name: string;
  communityCode: string | null;
  communityName: string | null;
  zoneCode: string | null;
  zoneName: string | null;
  streetCode: string | null;
  streetName: string | null;
  population: number;
  households: number;
  areaKm2: number;
  lon: number;
  lat: number;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

interface StaffRow {
  id: string;
  name: string;
  role: StaffRole;
  phoneMasked: string;
  responsible: boolean;
}

function ref(code: string | null, name: string | null): AreaRef {
  return { code: code ?? '', name: name ?? '' };
}

export async function findGrid(pool: pg.Pool, code: string): Promise<GridDetail | null> {
  const { rows } = await pool.query<GridRow>(
    `SELECT g.code::bigint AS id, g.code, g.display_code AS "displayCode", g.name,
            c.code AS "communityCode", c.name AS "communityName",
            z.code AS "zoneCode", z.name AS "zoneName",
            s.code AS "streetCode", s.name AS "streetName",
            g.population, g.households,
            round((ST_Area(g.geom::geography) / 1e6)::numeric, 4)::float8 AS "areaKm2",
            round(ST_X(g.label_point)::numeric, 6)::float8 AS lon, round(ST_Y(g.label_point)::numeric, 6)::float8 AS lat,
            round(ST_XMin(g.geom)::numeric, 6)::float8 AS xmin, round(ST_YMin(g.geom)::numeric, 6)::float8 AS ymin,
            round(ST_XMax(g.geom)::numeric, 6)::float8 AS xmax, round(ST_YMax(g.geom)::numeric, 6)::float8 AS ymax
     FROM area g
     LEFT JOIN area c ON c.code = g.community_code
     LEFT JOIN area z ON z.code = g.zone_code
     LEFT JOIN area s ON s.code = g.street_code
     WHERE g.code = $1 AND g.level = 'grid'`,
    [code],
  );
  const g = rows[0];
  if (!g) return null;
  // Phones are personal data: only the masked form ever leaves the database.
  const staff = await pool.query<StaffRow>(
    `SELECT s.id, s.name, s.role::text AS role,
            left(s.phone, 3) || '****' || right(s.phone, 4) AS "phoneMasked",
            gs.responsible
     FROM grid_staff gs JOIN staff s ON s.id = gs.staff_id
     WHERE gs.grid_code = $1
     ORDER BY gs.responsible DESC, s.role, s.id`,
    [code],
  );
  const members: GridStaffMember[] = staff.rows.map((s) => ({ ...s }));
  const lead = members.find((s) => s.responsible);
  return {
    id: g.id,
    code: g.code,
    displayCode: g.displayCode,
    name: g.name,
    community: ref(g.communityCode, g.communityName),
    zone: ref(g.zoneCode, g.zoneName),
    street: ref(g.streetCode, g.streetName),
    population: g.population,
    households: g.households,
    areaKm2: g.areaKm2,
    labelPoint: [g.lon, g.lat],
    bbox: [g.xmin, g.ymin, g.xmax, g.ymax],
    vacancy: !lead,
    responsible: lead ? { id: lead.id, name: lead.name, role: lead.role, phoneMasked: lead.phoneMasked } : null,
    staff: members,
  };
}
