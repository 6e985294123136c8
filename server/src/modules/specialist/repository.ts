/**
 * SQL of the specialist grid layers and the base data per grid (server/migrations/017_specialist_base.sql).
 * Every user value is a $n parameter. Phones and record fields are personal data: the routes decide who reads them
 * and log each read in personal_data_access (logRead).
 */
import type pg from 'pg';
import type { BaseKind, BaseRow } from '@gridcommand/shared/domain';
import type { BaseRecord, SpecialistLayer } from '@gridcommand/shared/schemas';

export type Queryable = Pick<pg.PoolClient, 'query'>;

export async function listLayers(db: Queryable): Promise<SpecialistLayer[]> {
  const { rows } = await db.query<SpecialistLayer>(
    `SELECT l.code, l.name, l.name_en AS "nameEn",
            json_build_object('code', d.code, 'name', d.name, 'nameEn', d.name_en) AS department,
            l.majors, l.category_codes AS "categoryCodes", l.color, l.levels,
            'specialist_' || l.code AS "tileLayer",
            (SELECT count(*)::int FROM specialist_grid s WHERE s.layer_code = l.code) AS grids
     FROM specialist_layer l JOIN department d ON d.code = l.department_code
     ORDER BY l.seq, l.code`,
  );
  return rows;
}

/** A layer's grids as GeoJSON text (RFC 7946, 6 decimals, feature id = code); officer names only when asked. */
export async function layerGridsGeoJson(db: Queryable, layer: string, withOfficers: boolean): Promise<string> {
  const { rows } = await db.query<{ body: string }>(
    `SELECT '{"type":"FeatureCollection","features":[' || coalesce(string_agg(f.feature, ',' ORDER BY f.code), '') || ']}' AS body
     FROM (
       SELECT s.code, json_build_object(
                'type', 'Feature', 'id', s.code,
                'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(s.geom), 6)::json,
                'properties', json_build_object(
                   'id', s.id, 'code', s.code, 'name', s.name, 'level', s.level, 'parentCode', s.parent_code,
                   'streetCode', s.street_code,
                   'gridCount', (SELECT count(*)::int FROM specialist_grid_area m WHERE m.specialist_grid_id = s.id),
                   'officer', CASE WHEN $2::boolean THEN
                     (SELECT json_build_object('name', o.name, 'title', o.title) FROM specialist_officer o
                       WHERE o.specialist_grid_id = s.id AND o.responsible) END,
                   'officerCount', (SELECT count(*)::int FROM specialist_officer o WHERE o.specialist_grid_id = s.id)
                ))::text AS feature
       FROM specialist_grid s WHERE s.layer_code = $1
     ) f`,
    [layer, withOfficers],
  );
  return rows[0]?.body ?? '{"type":"FeatureCollection","features":[]}';
}

/** What a case's specialist grids and its scope need (the columns of the cases scope rule). */
export interface CaseRef {
  id: number;
  category_code: string;
  department_code: string | null;
  grid_code: string;
  community_code: string;
  zone_code: string;
  street_code: string;
}

export async function caseRef(db: Queryable, id: number): Promise<CaseRef | null> {
  const { rows } = await db.query<CaseRef>('SELECT id::int, category_code, department_code, grid_code, community_code, zone_code, street_code FROM cases WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export interface CaseSpecialistRow {
  layer: string;
  layerName: string;
  layerNameEn: string;
  color: string;
  code: string;
  name: string;
  level: number;
  officerId: number | null;
  officerName: string | null;
  officerTitle: string | null;
  officerPhone: string | null;
}

/** The specialist grids of the given layers that cover a unit grid, with their responsible officer. */
export async function specialistGridsOf(db: Queryable, gridCode: string, layers: readonly string[]): Promise<CaseSpecialistRow[]> {
  if (layers.length === 0) return [];
  const { rows } = await db.query<CaseSpecialistRow>(
    `SELECT l.code AS layer, l.name AS "layerName", l.name_en AS "layerNameEn", l.color,
            s.code, s.name, s.level, o.id AS "officerId", o.name AS "officerName", o.title AS "officerTitle", o.phone AS "officerPhone"
     FROM specialist_grid_area m
     JOIN specialist_grid s ON s.id = m.specialist_grid_id
     JOIN specialist_layer l ON l.code = s.layer_code
     LEFT JOIN specialist_officer o ON o.specialist_grid_id = s.id AND o.responsible
     WHERE m.grid_code = $1 AND s.layer_code = ANY($2::text[])
     ORDER BY l.seq, s.level, s.code`,
    [gridCode, layers],
  );
  return rows;
}

export async function layerRules(db: Queryable): Promise<{ code: string; majors: string[]; categoryCodes: string[] }[]> {
  const { rows } = await db.query<{ code: string; majors: string[]; categoryCodes: string[] }>(
    'SELECT code, majors, category_codes AS "categoryCodes" FROM specialist_layer ORDER BY seq',
  );
  return rows;
}

/** One row of personal_data_access per subject read. */
export async function logRead(db: Queryable, userId: number, subjects: readonly string[], fields: readonly string[], route: string): Promise<void> {
  if (subjects.length === 0) return;
  await db.query(
    `INSERT INTO personal_data_access (user_id, subject, fields, route)
     SELECT $1, s, $3::text[], $4 FROM unnest($2::text[]) AS s`,
    [userId, subjects, fields, route],
  );
}

export async function gridExists(db: Queryable, code: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM area WHERE code = $1 AND level = 'grid'`, [code]);
  return rows.length > 0;
}

export interface CountRow {
  kind: BaseKind;
  count: number;
  recorded: number;
}

/** Counts per kind of one grid: the registered total and the records held. */
export async function baseCounts(db: Queryable, grid: string, kinds: readonly BaseKind[]): Promise<CountRow[]> {
  const { rows } = await db.query<CountRow>(
    `SELECT k.kind, coalesce(c.n, 0) AS count,
            (SELECT count(*)::int FROM base_record r WHERE r.grid_code = $1 AND r.kind = k.kind) AS recorded
     FROM unnest($2::text[]) WITH ORDINALITY AS k(kind, ord)
     LEFT JOIN base_count c ON c.grid_code = $1 AND c.kind = k.kind
     ORDER BY k.ord`,
    [grid, kinds],
  );
  return rows;
}

export async function baseRecords(db: Queryable, grid: string, kind: BaseKind, limit: number): Promise<BaseRecord[]> {
  const { rows } = await db.query<BaseRecord>(
    `SELECT id::int, kind, name, address, detail, contact_name AS "contactName", contact_phone AS "contactPhone"
     FROM base_record WHERE grid_code = $1 AND kind = $2 ORDER BY id LIMIT $3`,
    [grid, kind, limit],
  );
  return rows;
}

/** Which of these codes are not unit grids. */
export async function missingGrids(db: Queryable, codes: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>(
    `SELECT c AS code FROM unnest($1::text[]) AS c WHERE NOT EXISTS (SELECT 1 FROM area a WHERE a.code = c AND a.level = 'grid') ORDER BY c`,
    [codes],
  );
  return rows.map((r) => r.code);
}

/** Replaces the records and counts of the (grid, kind) pairs of the rows (one transaction: the caller's). */
export async function replaceBase(db: Queryable, rows: readonly BaseRow[], counts: readonly { gridCode: string; kind: BaseKind; n: number }[]): Promise<void> {
  const pairs = JSON.stringify(counts);
  await db.query(
    `DELETE FROM base_record r USING jsonb_to_recordset($1::jsonb) AS p("gridCode" text, kind text)
     WHERE r.grid_code = p."gridCode" AND r.kind = p.kind`,
    [pairs],
  );
  for (let i = 0; i < rows.length; i += 5_000) {
    await db.query(
      `INSERT INTO base_record (grid_code, kind, name, address, detail, contact_name, contact_phone, source)
       SELECT r."gridCode", r.kind, r.name, r.address, r.detail, r."contactName", r."contactPhone", 'import'
       FROM jsonb_to_recordset($1::jsonb)
         AS r(line int, "gridCode" text, kind text, name text, address text, detail text, "contactName" text, "contactPhone" text)
       ORDER BY r.line`,
      [JSON.stringify(rows.slice(i, i + 5_000))],
    );
  }
  await db.query(
    `INSERT INTO base_count (grid_code, kind, n)
     SELECT p."gridCode", p.kind, p.n FROM jsonb_to_recordset($1::jsonb) AS p("gridCode" text, kind text, n int)
     ON CONFLICT (grid_code, kind) DO UPDATE SET n = EXCLUDED.n`,
    [pairs],
  );
}
