/**
 * SQL of the monthly assessment (docs/assessment.md). The month's measures come from a few set-based queries grouped
 * by (user, grid) or by grid, never one query per worker; compute.ts assigns each group to its post. Every value is a
 * $n parameter.
 */
import type pg from 'pg';
import { CST_TIME_ZONE, type DutyRecordKind, type StaffKind } from '@gridcommand/shared/domain';

export type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * A list of ids or area codes as one comma-separated text value, read in SQL by `string_to_array($n, ',')`: a
 * district's tens of thousands of values cost pg's array quoting several hundred milliseconds a sheet, a join
 * nothing (ids are integers, codes digits: no comma in them).
 */
const list = (values: readonly (number | string)[]): string => values.join(',');
const INTS = (p: string) => `string_to_array(${p}, ',')::int[]`;
const CODES = (p: string) => `string_to_array(${p}, ',')`;

export interface UnitRow {
  code: string;
  kind: string;
  name: string;
}

/** An area unit (district, street, zone, community) with its ancestors' codes; null when no such unit. */
export async function findUnit(db: Queryable, code: string): Promise<(UnitRow & { street: string | null; zone: string | null; district: string }) | null> {
  const { rows } = await db.query<UnitRow & { street: string | null; zone: string | null; district: string }>(
    `SELECT a.code, a.level::text AS kind, a.name, a.street_code AS street, a.zone_code AS zone, left(a.code, 6) AS district
       FROM area a WHERE a.code = $1 AND a.level IN ('district', 'street', 'zone', 'community')`,
    [code],
  );
  return rows[0] ?? null;
}

export async function districtUnit(db: Queryable): Promise<UnitRow | null> {
  const { rows } = await db.query<UnitRow>(`SELECT code, 'district' AS kind, name FROM area WHERE level = 'district' ORDER BY code LIMIT 1`);
  return rows[0] ?? null;
}

export interface PersonRow {
  id: number;
  name: string;
  kind: StaffKind;
  gridCodes: string[];
  communityCode: string | null;
  communityName: string | null;
  streetCode: string | null;
  streetName: string | null;
}

/** The unit's area as a predicate on an area row `a` with one parameter (any level: its code or an ancestor's). */
const IN_UNIT = (a: string, p: string) => `${p} IN (${a}.code, ${a}.community_code, ${a}.zone_code, ${a}.street_code, left(${a}.code, 6))`;

/**
 * Who is assessed in a unit: active worker accounts with grids (placed by their first grid) and heads of community
 * (leader accounts of a community unit).
 */
export async function people(db: Queryable, unit: string): Promise<PersonRow[]> {
  const { rows } = await db.query<PersonRow>(
    `SELECT u.id, u.display_name AS name, p.kind, u.grid_codes AS "gridCodes",
            cm.code AS "communityCode", cm.name AS "communityName", st.code AS "streetCode", st.name AS "streetName"
       FROM app_user u
       CROSS JOIN LATERAL (SELECT CASE WHEN u.role = 'worker' THEN 'staff' ELSE 'head' END AS kind,
                                  CASE WHEN u.role = 'worker' THEN u.grid_codes[1] ELSE u.unit_code END AS place) p
       JOIN area a ON a.code = p.place
       LEFT JOIN area cm ON cm.code = coalesce(a.community_code, CASE WHEN a.level = 'community' THEN a.code END)
       LEFT JOIN area st ON st.code = a.street_code
      WHERE u.active AND ((u.role = 'worker' AND cardinality(u.grid_codes) > 0) OR (u.role = 'leader' AND a.level = 'community'))
        AND ${IN_UNIT('a', '$1')}
      ORDER BY st.code NULLS LAST, cm.code NULLS LAST, p.kind, u.id`,
    [unit],
  );
  return rows;
}

/** The grids of the unit by community (for vacancies). */
export async function communityGrids(db: Queryable, unit: string): Promise<Map<string, string[]>> {
  const { rows } = await db.query<{ community: string; grids: string[] }>(
    `SELECT a.community_code AS community, array_agg(a.code ORDER BY a.code) AS grids
       FROM area a WHERE a.level = 'grid' AND a.community_code IS NOT NULL AND ${IN_UNIT('a', '$1')}
      GROUP BY a.community_code`,
    [unit],
  );
  return new Map(rows.map((r) => [r.community, r.grids]));
}

export interface LeaveRecord {
  id: number;
  userId: number;
  userName: string;
  coverUserId: number | null;
  coverUserName: string | null;
  from: string;
  to: string;
  note: string | null;
  createdAt: Date;
}

const LEAVE_COLUMNS = `l.id::int AS id, l.user_id AS "userId", u.display_name AS "userName", l.cover_user_id AS "coverUserId",
  cu.display_name AS "coverUserName", to_char(l.from_date, 'YYYY-MM-DD') AS "from", to_char(l.to_date, 'YYYY-MM-DD') AS "to",
  l.note, l.created_at AS "createdAt"`;

/** Leaves overlapping [from, to] (dates), of these users when given. */
export async function leaves(db: Queryable, from: string, to: string, userIds: readonly number[] | null): Promise<LeaveRecord[]> {
  const { rows } = await db.query<LeaveRecord>(
    `SELECT ${LEAVE_COLUMNS} FROM staff_leave l JOIN app_user u ON u.id = l.user_id LEFT JOIN app_user cu ON cu.id = l.cover_user_id
      WHERE l.from_date <= $2::date AND l.to_date >= $1::date AND ($3::text IS NULL OR l.user_id = ANY(${INTS('$3::text')}))
      ORDER BY l.from_date, l.id`,
    [from, to, userIds === null ? null : list(userIds)],
  );
  return rows;
}

export async function insertLeave(
  db: Queryable,
  l: { userId: number; coverUserId: number | null; from: string; to: string; note: string | null; createdBy: number },
): Promise<LeaveRecord> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO staff_leave (user_id, cover_user_id, from_date, to_date, note, created_by) VALUES ($1, $2, $3::date, $4::date, $5, $6) RETURNING id::int AS id`,
    [l.userId, l.coverUserId, l.from, l.to, l.note, l.createdBy],
  );
  const { rows: out } = await db.query<LeaveRecord>(
    `SELECT ${LEAVE_COLUMNS} FROM staff_leave l JOIN app_user u ON u.id = l.user_id LEFT JOIN app_user cu ON cu.id = l.cover_user_id WHERE l.id = $1`,
    [rows[0]!.id],
  );
  return out[0]!;
}

/** An active account with its role, unit and grids, or null. */
export async function findAccount(db: Queryable, id: number): Promise<{ id: number; role: string; gridCodes: string[]; place: string | null } | null> {
  const { rows } = await db.query<{ id: number; role: string; gridCodes: string[]; place: string | null }>(
    `SELECT id, role, grid_codes AS "gridCodes", CASE WHEN role = 'worker' THEN grid_codes[1] ELSE unit_code END AS place
       FROM app_user WHERE id = $1 AND active`,
    [id],
  );
  return rows[0] ?? null;
}

/** Whether an area code lies in a unit (the same code or below it). */
export async function areaInUnit(db: Queryable, code: string, unit: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM area a WHERE a.code = $1 AND ${IN_UNIT('a', '$2')}`, [code, unit]);
  return rows.length > 0;
}

// --- the month's measures, grouped ---

export interface UserGridCount {
  userId: number;
  grid: string | null;
  n: number;
}

/** Household visits of these users with visit_date in [from, to] (dates). */
export async function visitCounts(db: Queryable, from: string, to: string, userIds: readonly number[]): Promise<UserGridCount[]> {
  const { rows } = await db.query<UserGridCount>(
    `SELECT user_id AS "userId", grid_code AS grid, count(*)::int AS n FROM household_visit
      WHERE visit_date >= $1::date AND visit_date <= $2::date AND user_id = ANY(${INTS('$3')})
      GROUP BY 1, 2`,
    [from, to, list(userIds)],
  );
  return rows;
}

export interface DutyGroup {
  userId: number;
  grid: string;
  kind: DutyRecordKind;
  occurredOn: string;
  recordedOn: string;
  n: number;
}

/** Information changes and newcomers recorded in [from, to) by these users, grouped by the two days on-time reads. */
export async function dutyGroups(db: Queryable, from: Date, to: Date, userIds: readonly number[]): Promise<DutyGroup[]> {
  const { rows } = await db.query<DutyGroup>(
    `SELECT user_id AS "userId", grid_code AS grid, kind, to_char(occurred_on, 'YYYY-MM-DD') AS "occurredOn",
            to_char(recorded_at AT TIME ZONE $4, 'YYYY-MM-DD') AS "recordedOn", count(*)::int AS n
       FROM duty_record
      WHERE recorded_at >= $1 AND recorded_at < $2 AND user_id = ANY(${INTS('$3')}) AND kind IN ('info_update', 'newcomer')
      GROUP BY 1, 2, 3, 4, 5`,
    [from, to, list(userIds), CST_TIME_ZONE],
  );
  return rows;
}

/** Per grid: renter households known (met since `lookback`) and met in [from, to] (dates); a household is its subject. */
export async function renterCounts(db: Queryable, lookback: string, from: string, to: string, grids: readonly string[]): Promise<{ grid: string; known: number; met: number }[]> {
  const { rows } = await db.query<{ grid: string; known: number; met: number }>(
    `SELECT grid_code AS grid, count(DISTINCT lower(btrim(subject)))::int AS known,
            count(DISTINCT lower(btrim(subject))) FILTER (WHERE occurred_on >= $2::date)::int AS met
       FROM duty_record
      WHERE kind = 'renter_meeting' AND occurred_on >= $1::date AND occurred_on <= $3::date AND grid_code = ANY(${CODES('$4')})
      GROUP BY 1`,
    [lookback, from, to, list(grids)],
  );
  return rows;
}

/** Valid cases reported in [from, to) by these users. */
export async function reportCounts(db: Queryable, from: Date, to: Date, userIds: readonly number[]): Promise<UserGridCount[]> {
  const { rows } = await db.query<UserGridCount>(
    `SELECT reporter_user_id AS "userId", grid_code AS grid, count(*)::int AS n FROM cases
      WHERE reporter_user_id = ANY(${INTS('$3')}) AND reported_at >= $1 AND reported_at < $2 AND status <> 'void'
      GROUP BY 1, 2`,
    [from, to, list(userIds)],
  );
  return rows;
}

/** Per grid: valid grid-worker cases reported in [from, to) without a recorded reporter (entered for the post). */
export async function unattributedReports(db: Queryable, from: Date, to: Date, grids: readonly string[]): Promise<{ grid: string; n: number }[]> {
  const { rows } = await db.query<{ grid: string; n: number }>(
    `SELECT grid_code AS grid, count(*)::int AS n FROM cases
      WHERE grid_code = ANY(${CODES('$3')}) AND reported_at >= $1 AND reported_at < $2 AND status <> 'void'
        AND source = 'grid_worker' AND reporter_user_id IS NULL
      GROUP BY 1`,
    [from, to, list(grids)],
  );
  return rows;
}

/** Verifications made in [from, to) by these users, and those within `hours` of the case's handling. */
export async function verificationCounts(db: Queryable, from: Date, to: Date, userIds: readonly number[], hours: number): Promise<(UserGridCount & { onTime: number })[]> {
  const { rows } = await db.query<UserGridCount & { onTime: number }>(
    `SELECT v.user_id AS "userId", c.grid_code AS grid, count(*)::int AS n,
            count(*) FILTER (WHERE c.handled_at IS NOT NULL AND v.at <= c.handled_at + $4 * interval '1 hour')::int AS "onTime"
       FROM verification v JOIN cases c ON c.id = v.case_id
      WHERE v.user_id = ANY(${INTS('$3')}) AND v.at >= $1 AND v.at < $2
      GROUP BY 1, 2`,
    [from, to, list(userIds), hours],
  );
  return rows;
}

/** Per grid: valid cases reported in [from, to) and those from public sources (漏报). */
export async function caseCounts(db: Queryable, from: Date, to: Date, grids: readonly string[], publicSources: readonly string[]): Promise<{ grid: string; total: number; public: number }[]> {
  const { rows } = await db.query<{ grid: string; total: number; public: number }>(
    `SELECT grid_code AS grid, count(*)::int AS total, count(*) FILTER (WHERE source = ANY($4::text[]))::int AS public
       FROM cases WHERE grid_code = ANY(${CODES('$3')}) AND reported_at >= $1 AND reported_at < $2 AND status <> 'void'
      GROUP BY 1`,
    [from, to, list(grids), publicSources],
  );
  return rows;
}

// --- weights and closed months ---

export async function weightRows(db: Queryable): Promise<{ kind: StaffKind; duty: string; weight: number }[]> {
  const { rows } = await db.query<{ kind: StaffKind; duty: string; weight: number }>(`SELECT kind, duty, weight FROM assessment_weight`);
  return rows;
}

export async function replaceWeights(db: Queryable, rows: { kind: string; duty: string; weight: number }[], userId: number): Promise<void> {
  await db.query(`DELETE FROM assessment_weight`);
  await db.query(
    `INSERT INTO assessment_weight (kind, duty, weight, updated_by)
     SELECT k, d, w, $4 FROM unnest($1::text[], $2::text[], $3::float8[]) AS t(k, d, w)`,
    [rows.map((r) => r.kind), rows.map((r) => r.duty), rows.map((r) => r.weight), userId],
  );
}

export interface ResultRow {
  month: string;
  userId: number;
  score: number;
  payeeId: number;
  details: unknown;
  closedAt: Date;
}

/** Recorded rows of these months for these subjects. */
export async function results(db: Queryable, months: readonly string[], userIds: readonly number[]): Promise<ResultRow[]> {
  const { rows } = await db.query<ResultRow>(
    `SELECT month, user_id AS "userId", score, payee_id AS "payeeId", details, closed_at AS "closedAt"
       FROM assessment_result WHERE month = ANY($1::text[]) AND user_id = ANY(${INTS('$2')})`,
    [months, list(userIds)],
  );
  return rows;
}

export interface NewResult {
  userId: number;
  payeeId: number;
  kind: StaffKind;
  score: number;
  share: number;
  yuan: number;
  consequence: string;
  details: unknown;
}

/** Records the rows of a month; returns how many were new (rows already recorded are left as they are). */
export async function insertResults(db: Queryable, month: string, unit: string, closedBy: number, closedAt: Date, rows: readonly NewResult[]): Promise<number> {
  const r = await db.query(
    `INSERT INTO assessment_result (month, user_id, payee_id, kind, score, share, yuan, consequence, details, unit_code, closed_by, closed_at)
     SELECT $1, u, p, k, s, sh, y, c, d, $2, $3, $4
       FROM unnest($5::int[], $6::int[], $7::text[], $8::float8[], $9::float8[], $10::float8[], $11::text[], $12::jsonb[]) AS t(u, p, k, s, sh, y, c, d)
     ON CONFLICT (month, user_id) DO NOTHING`,
    [
      month,
      unit,
      closedBy,
      closedAt,
      rows.map((x) => x.userId),
      rows.map((x) => x.payeeId),
      rows.map((x) => x.kind),
      rows.map((x) => x.score),
      rows.map((x) => x.share),
      rows.map((x) => x.yuan),
      rows.map((x) => x.consequence),
      rows.map((x) => JSON.stringify(x.details)),
    ],
  );
  return r.rowCount ?? 0;
}

// --- duty records ---

export interface DutyRecordRow {
  id: number;
  userId: number;
  kind: DutyRecordKind;
  gridCode: string;
  occurredOn: string;
  recordedAt: Date;
  recordedOn: string;
  subject: string;
  note: string | null;
}

const DUTY_COLUMNS = `id::int AS id, user_id AS "userId", kind, grid_code AS "gridCode", to_char(occurred_on, 'YYYY-MM-DD') AS "occurredOn",
  recorded_at AS "recordedAt", to_char(recorded_at AT TIME ZONE $1, 'YYYY-MM-DD') AS "recordedOn", subject, note`;

export async function insertDutyRecord(
  db: Queryable,
  r: { userId: number; kind: DutyRecordKind; gridCode: string; occurredOn: string; recordedAt: Date; subject: string; note: string | null },
): Promise<DutyRecordRow> {
  const { rows } = await db.query<DutyRecordRow>(
    `INSERT INTO duty_record (user_id, kind, grid_code, occurred_on, recorded_at, subject, note)
     VALUES ($2, $3, $4, $5::date, $6, $7, $8) RETURNING ${DUTY_COLUMNS}`,
    [CST_TIME_ZONE, r.userId, r.kind, r.gridCode, r.occurredOn, r.recordedAt, r.subject, r.note],
  );
  return rows[0]!;
}

export async function listDutyRecords(db: Queryable, userId: number, from: Date, to: Date, kind: DutyRecordKind | null): Promise<DutyRecordRow[]> {
  const { rows } = await db.query<DutyRecordRow>(
    `SELECT ${DUTY_COLUMNS} FROM duty_record
      WHERE user_id = $2 AND recorded_at >= $3 AND recorded_at < $4 AND ($5::text IS NULL OR kind = $5)
      ORDER BY recorded_at DESC, id DESC LIMIT 500`,
    [CST_TIME_ZONE, userId, from, to, kind],
  );
  return rows;
}

/** Grids a user covers for a colleague on leave on a day. */
export async function coveredGrids(db: Queryable, userId: number, day: string): Promise<string[]> {
  const { rows } = await db.query<{ grids: string[] | null }>(
    `SELECT array_agg(DISTINCT g) AS grids FROM staff_leave l JOIN app_user u ON u.id = l.user_id, unnest(u.grid_codes) g
      WHERE l.cover_user_id = $1 AND l.from_date <= $2::date AND l.to_date >= $2::date`,
    [userId, day],
  );
  return rows[0]?.grids ?? [];
}

/** Display names of accounts by id. */
export async function userNames(db: Queryable, ids: readonly number[]): Promise<Map<number, string>> {
  const { rows } = await db.query<{ id: number; name: string }>(`SELECT id, display_name AS name FROM app_user WHERE id = ANY($1::int[])`, [ids]);
  return new Map(rows.map((r) => [r.id, r.name]));
}
