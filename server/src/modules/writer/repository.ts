/**
 * SQL of the writer: locking and writing cases, intake, supervision records. Every value is a `$n` parameter;
 * column names come from the allow-lists below. Team, dispatch and position SQL is in teams/repository.ts.
 */
import type pg from 'pg';
import type { CaseRecord } from '@gridcommand/shared/domain';
import { gridAtPointSql, pointOf, type GridHit } from '../areas/grid-at-point.ts';
import { CASE_SELECT, type CaseRow } from '../cases/repository.ts';
import { storedReal } from '../../db/real.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Loads a case and locks its row (only the case's row: `FOR UPDATE OF c`, not the joined areas). */
export async function lockCase(db: Queryable, id: number): Promise<CaseRow | null> {
  const { rows } = await db.query<CaseRow>({ name: 'gc_lock_case', text: `${CASE_SELECT} WHERE c.id = $1 FOR UPDATE OF c`, values: [id] });
  return rows[0] ?? null;
}

/** The stamp columns of the milestones (an allow-list). */
export const STAMP_COLUMNS = {
  filedAt: 'filed_at',
  dispatchedAt: 'dispatched_at',
  respondedAt: 'accepted_at',
  handledAt: 'handled_at',
  verifiedAt: 'verified_at',
  closedAt: 'closed_at',
  voidedAt: 'voided_at',
} as const;

/**
 * Writes a case's record (every field the rules change) in one statement, if the row is still at
 * `expectedVersion` (it is: the caller holds the row lock; the condition is a second line of defence).
 */
export async function updateCase(db: Queryable, id: number, expectedVersion: number, r: CaseRecord): Promise<boolean> {
  const s = r.stamps;
  const res = await db.query({
    name: 'gc_update_case',
    text: `UPDATE cases SET status = $3, version = $4, escalation_level = $5, status_before_park = $6, park_reason = $7,
            park_review_date = $8::date, void_reason = $9, duplicate_of = $10, team_id = $11, department_code = $12,
            rework_count = $13, light = $14, next_light_at = $15, supervised = $16, updated_at = $17,
            filed_at = $18, dispatched_at = $19, accepted_at = $20, handled_at = $21, verified_at = $22, closed_at = $23, voided_at = $24,
            fixed_on_spot = $25, sign_by = $26, return_count = $27, returned_by = $28, return_reason = $29,
            helper_departments = $30::text[]
     WHERE id = $1 AND version = $2`,
    values: [
      id, expectedVersion, r.status, r.version, ESCALATION_INDEX[r.escalationLevel], r.parkedFrom, r.parkReason,
      r.parkReviewDate, r.voidReason, r.duplicateOf, r.teamId, r.departmentCode, r.reworkCount, r.light, r.nextLightAt,
      r.supervised, r.updatedAt, s.filedAt ?? null, s.dispatchedAt ?? null, s.respondedAt ?? null, s.handledAt ?? null,
      s.verifiedAt ?? null, s.closedAt ?? null, s.voidedAt ?? null, r.fixedOnSpot, r.signBy, r.returnCount, r.returnedBy,
      r.returnReason, r.helperDepartments,
    ],
  });
  return (res.rowCount ?? 0) === 1;
}

const ESCALATION_INDEX = { grid: 0, zone: 1, street: 2, district: 3 } as const;

export async function departmentName(db: Queryable, code: string): Promise<string | null> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM department WHERE code = $1', [code]);
  return rows[0]?.name ?? null;
}

/** Which of these photo ids have been uploaded. */
export async function existingPhotos(db: Queryable, ids: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM photo WHERE id = ANY($1::text[])', [ids]);
  return rows.map((r) => r.id);
}

export async function appendCasePhotos(db: Queryable, caseId: number, photos: readonly string[]): Promise<void> {
  await db.query(`UPDATE cases SET photos = photos || $2::jsonb WHERE id = $1`, [caseId, JSON.stringify(photos)]);
}

export async function insertVerification(
  db: Queryable,
  v: {
    caseId: number; userId: number | null; at: Date; result: 'pass' | 'fail'; lon: number | null; lat: number | null; accuracyM: number | null;
    distanceM: number | null; flagged: boolean; flagReason: string | null; note: string | null; photos: readonly string[];
  },
): Promise<void> {
  await db.query(
    `INSERT INTO verification (case_id, user_id, at, result, location, accuracy_m, distance_m, flagged, flag_reason, note, photos)
     VALUES ($1, $2, $3, $4, CASE WHEN $5::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($5, $6), 4326) END, $7, $8, $9, $10, $11, $12::jsonb)`,
    [v.caseId, v.userId, v.at, v.result, v.lon, v.lat, storedReal(v.accuracyM), v.distanceM, v.flagged, v.flagReason, v.note, JSON.stringify(v.photos)],
  );
}

export async function caseExists(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM cases WHERE id = $1', [id]);
  return (rowCount ?? 0) > 0;
}

export interface IntakeCategory {
  code: string;
  name: string;
  major_code: string;
  major_name: string;
  department_code: string;
  department_name: string | null;
  respond_limit: number;
  respond_unit: 'hours' | 'working_days';
  resolve_limit: number;
  resolve_unit: 'hours' | 'working_days';
  red_factor: number;
  warn_ratio: number;
}

/** Every category with its limits, names and department (a small, static table: the intake caches it). */
export async function intakeCategories(db: Queryable): Promise<Map<string, IntakeCategory>> {
  const { rows } = await db.query<IntakeCategory>(
    `SELECT c.code, c.name, c.major_code, m.name AS major_name, c.department_code, d.name AS department_name,
            c.respond_limit::float8 AS respond_limit, c.respond_unit, c.resolve_limit::float8 AS resolve_limit, c.resolve_unit,
            c.red_factor::float8 AS red_factor, c.warn_ratio::float8 AS warn_ratio
     FROM category c JOIN category_major m ON m.code = c.major_code LEFT JOIN department d ON d.code = c.department_code`,
  );
  return new Map(rows.map((c) => [c.code, c]));
}

/**
 * What an intake looks up per report, in one query: `points.length` case code numbers and the grid of each point
 * (in input order, null outside every grid; the shared grid-of-point rule).
 */
export async function intakeLookups(db: Queryable, points: [number, number][]): Promise<{ seqs: number[]; hits: (GridHit | null)[] }> {
  const { rows } = await db.query<{ seqs: string[]; hits: (GridHit | null)[] }>({
    name: 'gc_intake_lookups',
    text: `SELECT (SELECT array_agg(nextval('case_code_seq')::text) FROM generate_series(1, cardinality($1::float8[]))) AS seqs,
            (SELECT jsonb_agg(CASE WHEN g.code IS NULL THEN NULL ELSE jsonb_build_object(
                       'grid_code', g.code, 'community_code', g.community_code, 'zone_code', g.zone_code, 'street_code', g.street_code,
                       'grid_name', g.name, 'community_name', cm.name, 'zone_name', z.name, 'street_name', st.name, 'urban', g.urban) END
                     ORDER BY p.i)
             FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i)
             LEFT JOIN LATERAL ${gridAtPointSql(pointOf('p.lon', 'p.lat'))} g ON true
             LEFT JOIN area cm ON cm.code = g.community_code
             LEFT JOIN area z ON z.code = g.zone_code
             LEFT JOIN area st ON st.code = g.street_code) AS hits`,
    values: [points.map((p) => p[0]), points.map((p) => p[1])],
  });
  const r = rows[0]!;
  return { seqs: (r.seqs ?? []).map(Number), hits: r.hits ?? [] };
}

export interface NewCaseRow {
  code: string;
  source: string;
  category_code: string;
  priority: string;
  title: string;
  description: string;
  address: string | null;
  lon: number;
  lat: number;
  grid_code: string;
  community_code: string;
  zone_code: string;
  street_code: string;
  reporter_name: string | null;
  reporter_phone: string | null;
  reporter_user_id: number;
  photos: string[];
  location_accuracy_m: number | null;
  location_source: string | null;
  department_code: string;
  respond_by: Date;
  respond_warn_at: Date;
  respond_red_at: Date;
  resolve_by: Date;
  resolve_warn_at: Date;
  resolve_red_at: Date;
  light: string;
  next_light_at: Date | null;
}

/** Inserts new cases in order; returns their ids in the same order. */
export async function insertCases(db: Queryable, rows: readonly NewCaseRow[], at: Date): Promise<number[]> {
  const { rows: inserted } = await db.query<{ id: string }>({
    name: 'gc_insert_cases',
    text: `INSERT INTO cases (code, source, category_code, priority, title, description, address, location,
        grid_code, community_code, zone_code, street_code, reporter_name, reporter_phone, reporter_user_id, photos,
        location_accuracy_m, location_source, department_code, reported_at, respond_by, respond_warn_at, respond_red_at, resolve_by, resolve_warn_at, resolve_red_at,
        light, next_light_at, updated_at)
     SELECT r.code, r.source, r.category_code, r.priority, r.title, r.description, r.address,
            ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r.grid_code, r.community_code, r.zone_code, r.street_code,
            r.reporter_name, r.reporter_phone, r.reporter_user_id, r.photos, r.location_accuracy_m, r.location_source, r.department_code, $2,
            r.respond_by, r.respond_warn_at, r.respond_red_at, r.resolve_by, r.resolve_warn_at, r.resolve_red_at,
            r.light, r.next_light_at, $2
     FROM jsonb_to_recordset($1::jsonb) AS r(ord int, code text, source text, category_code text, priority text, title text,
          description text, address text, lon float8, lat float8, grid_code text, community_code text, zone_code text,
          street_code text, reporter_name text, reporter_phone text, reporter_user_id int, photos jsonb,
          location_accuracy_m real, location_source text, department_code text,
          respond_by timestamptz, respond_warn_at timestamptz, respond_red_at timestamptz, resolve_by timestamptz,
          resolve_warn_at timestamptz, resolve_red_at timestamptz, light text, next_light_at timestamptz)
     ORDER BY r.ord
     RETURNING id::text AS id`,
    values: [JSON.stringify(rows.map((r, ord) => ({ ord, ...r }))), at],
  });
  return inserted.map((r) => Number(r.id));
}

// ── supervision records ────────────────────────────────────────────────────

export interface SupervisionRef {
  id: number;
  notice_no: string;
  level: 'yellow' | 'red';
}

export async function closeSupervision(db: Queryable, caseId: number, levels: readonly string[], at: Date, note: string): Promise<SupervisionRef[]> {
  const { rows } = await db.query<SupervisionRef & { id: string }>(
    `UPDATE supervision SET closed_at = $2, close_note = $3
     WHERE case_id = $1 AND closed_at IS NULL AND level = ANY($4::text[]) RETURNING id::text AS id, notice_no, level`,
    [caseId, at, note, levels],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** Opens a record of this level unless one is open; the notice number is the prefix and a running number (at least 4 digits). */
export async function openSupervision(
  db: Queryable,
  s: { caseId: number; level: 'yellow' | 'red'; reason: string; at: Date; noticePrefix: string; openedBy: number | null },
): Promise<SupervisionRef | null> {
  const { rows } = await db.query<SupervisionRef & { id: string }>(
    `INSERT INTO supervision (case_id, notice_no, level, reason, opened_at, opened_by)
     SELECT $1, $2 || lpad(n::text, greatest(4, length(n::text)), '0'), $3, $4, $5, $6
     FROM (SELECT nextval('supervision_notice_seq') AS n) s
     ON CONFLICT (case_id, level) WHERE closed_at IS NULL DO NOTHING
     RETURNING id::text AS id, notice_no, level`,
    [s.caseId, s.noticePrefix, s.level, s.reason, s.at, s.openedBy],
  );
  const r = rows[0];
  return r ? { ...r, id: Number(r.id) } : null;
}

/** Cases whose light may have changed by `now`, locked (skipping rows another writer holds). */
export async function lockDueCases(db: Queryable, now: Date, limit: number): Promise<CaseRow[]> {
  const { rows } = await db.query<CaseRow>(
    `${CASE_SELECT} WHERE c.id IN (SELECT id FROM cases WHERE next_light_at <= $1 ORDER BY next_light_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     FOR UPDATE OF c`,
    [now, limit],
  );
  return rows;
}
