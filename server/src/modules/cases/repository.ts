/** SQL of cases, supervision records, the register and the timeline. Every user value is a $n parameter. */
import pg from 'pg';
import { ACTIVE_STATES, OPEN_STATES, OVERDUE_LIGHTS } from '@gridcommand/shared/domain';
import type { AuthUser } from '../auth/repository.ts';

export type Queryable = Pick<pg.PoolClient, 'query'>;

/** Two queries at once on a pool (two connections); one after the other on a single client. */
async function both<A, B>(db: Queryable, a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  if (db instanceof pg.Pool) return Promise.all([a(), b()]);
  return [await a(), await b()];
}

export interface CaseRow {
  id: number;
  code: string;
  source: string;
  category_code: string;
  category_name: string;
  major_code: string;
  major_name: string;
  priority: string;
  title: string;
  description: string;
  address: string | null;
  lon: number;
  lat: number;
  grid_code: string;
  grid_name: string;
  community_code: string;
  community_name: string;
  zone_code: string;
  zone_name: string;
  street_code: string;
  street_name: string;
  department_code: string | null;
  department_name: string | null;
  team_id: number | null;
  team_name: string | null;
  status: string;
  status_before_park: string | null;
  escalation_level: number;
  duplicate_of: number | null;
  void_reason: string | null;
  park_reason: string | null;
  park_review_date: string | null;
  rework_count: number;
  /** the unit holding the case at its escalation level (generated column, migration 015) */
  holder_code: string;
  sign_by: Date | null;
  return_count: number;
  return_reason: string | null;
  returned_by: string | null;
  helper_departments: string[];
  fixed_on_spot: boolean;
  location_accuracy_m: number | null;
  location_source: string | null;
  /** the latest verification on site (Verification's fields, JSON), or null */
  verification: VerificationJson | null;
  photos: unknown;
  reporter_name: string | null;
  reporter_phone: string | null;
  reported_at: Date;
  filed_at: Date | null;
  dispatched_at: Date | null;
  accepted_at: Date | null;
  handled_at: Date | null;
  verified_at: Date | null;
  closed_at: Date | null;
  voided_at: Date | null;
  respond_by: Date;
  respond_warn_at: Date | null;
  respond_red_at: Date | null;
  resolve_by: Date;
  resolve_warn_at: Date | null;
  resolve_red_at: Date | null;
  light: string;
  next_light_at: Date | null;
  supervised: boolean;
  version: number;
  updated_at: Date;
}

export interface VerificationJson {
  at: string;
  result: 'pass' | 'fail';
  byUserId: number | null;
  byName: string | null;
  lon: number | null;
  lat: number | null;
  accuracyM: number | null;
  distanceM: number | null;
  flagged: boolean;
  flagReason: 'far' | 'no_position' | null;
}

export const CASE_SELECT = `
  SELECT c.id, c.code, c.source, c.category_code, cat.name AS category_name, cat.major_code, maj.name AS major_name,
         c.priority, c.title, c.description, c.address, ST_X(c.location) AS lon, ST_Y(c.location) AS lat,
         c.grid_code, g.name AS grid_name, c.community_code, cm.name AS community_name,
         c.zone_code, z.name AS zone_name, c.street_code, s.name AS street_name,
         c.department_code, d.name AS department_name, c.team_id, t.name AS team_name,
         c.status, c.status_before_park, c.escalation_level, c.duplicate_of, c.void_reason, c.park_reason,
         to_char(c.park_review_date, 'YYYY-MM-DD') AS park_review_date, c.rework_count, c.photos,
         c.holder_code, c.sign_by, c.return_count, c.return_reason, c.returned_by, c.helper_departments,
         c.fixed_on_spot, c.location_accuracy_m, c.location_source, vf.j AS verification,
         c.reporter_name, c.reporter_phone,
         c.reported_at, c.filed_at, c.dispatched_at, c.accepted_at, c.handled_at, c.verified_at, c.closed_at, c.voided_at,
         c.respond_by, c.respond_warn_at, c.respond_red_at, c.resolve_by, c.resolve_warn_at, c.resolve_red_at,
         c.light, c.next_light_at, c.supervised, c.version, c.updated_at
  FROM cases c
  JOIN category cat ON cat.code = c.category_code
  JOIN category_major maj ON maj.code = cat.major_code
  JOIN area g ON g.code = c.grid_code
  JOIN area cm ON cm.code = c.community_code
  JOIN area z ON z.code = c.zone_code
  JOIN area s ON s.code = c.street_code
  LEFT JOIN department d ON d.code = c.department_code
  LEFT JOIN team t ON t.id = c.team_id
  LEFT JOIN LATERAL (
    SELECT jsonb_build_object('at', v.at, 'result', v.result, 'byUserId', v.user_id, 'byName', vu.display_name,
             'lon', ST_X(v.location), 'lat', ST_Y(v.location), 'accuracyM', v.accuracy_m, 'distanceM', round(v.distance_m::numeric, 1),
             'flagged', v.flagged, 'flagReason', v.flag_reason) AS j
    FROM verification v LEFT JOIN app_user vu ON vu.id = v.user_id
    WHERE v.case_id = c.id ORDER BY v.at DESC, v.id DESC LIMIT 1
  ) vf ON true`;

/** A growing WHERE clause with its parameters. */
export class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  add(sqlWithPlaceholder: string, ...values: unknown[]): this {
    // each `?` becomes the next $n
    let sql = sqlWithPlaceholder;
    for (const v of values) {
      this.params.push(v);
      sql = sql.replace('?', `$${this.params.length}`);
    }
    this.parts.push(sql);
    return this;
  }
  param(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }
  sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

// who sees which cases: scope.ts (re-exported: the routes and the writer read it from here)
import { addScope } from './scope.ts';
export { addScope, inScope, unitOf, unitScope, type ScopedRow } from './scope.ts';

export interface CaseFilters {
  status?: string;
  light?: string;
  street?: string;
  zone?: string;
  grid?: string;
  category?: string;
  source?: string;
  priority?: string;
  supervised?: boolean;
  escalated?: boolean;
  fixedOnSpot?: boolean;
  flagged?: boolean;
  from?: Date;
  to?: Date;
  q?: string;
}

export function addFilters(w: Where, f: CaseFilters): void {
  if (f.status) w.add('c.status = ?', f.status);
  if (f.light) w.add('c.light = ?', f.light);
  if (f.street) w.add('c.street_code = ?', f.street);
  if (f.zone) w.add('c.zone_code = ?', f.zone);
  if (f.grid) w.add('c.grid_code = ?', f.grid);
  if (f.category) {
    if (f.category.length === 2) w.add('c.category_code LIKE ?', `${f.category}%`);
    else w.add('c.category_code = ?', f.category);
  }
  if (f.source) w.add('c.source = ?', f.source);
  if (f.priority) w.add('c.priority = ?', f.priority);
  if (f.supervised !== undefined) w.add('c.supervised = ?', f.supervised);
  if (f.escalated !== undefined) w.add(f.escalated ? 'c.escalation_level > 0' : 'c.escalation_level = 0');
  if (f.fixedOnSpot !== undefined) w.add('c.fixed_on_spot = ?', f.fixedOnSpot);
  if (f.flagged !== undefined) {
    w.add('coalesce((SELECT v.flagged FROM verification v WHERE v.case_id = c.id ORDER BY v.at DESC, v.id DESC LIMIT 1), false) = ?', f.flagged);
  }
  if (f.from) w.add('c.reported_at >= ?', f.from);
  if (f.to) w.add('c.reported_at < ?', f.to);
  if (f.q) {
    const p = w.param(`%${f.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    w.parts.push(`(c.code ILIKE ${p} OR c.title ILIKE ${p} OR c.description ILIKE ${p} OR coalesce(c.address, '') ILIKE ${p})`);
  }
}

export async function listCases(
  db: Queryable,
  w: Where,
  limit: number,
  offset: number,
): Promise<{ rows: CaseRow[]; total: number }> {
  const where = w.sql();
  const lim = w.params.length + 1;
  const [list, count] = await both(
    db,
    () => db.query<CaseRow>(`${CASE_SELECT} ${where} ORDER BY c.reported_at DESC, c.id DESC LIMIT $${lim} OFFSET $${lim + 1}`, [...w.params, limit, offset]),
    () => db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases c ${where}`, w.params),
  );
  return { rows: list.rows, total: count.rows[0]?.n ?? 0 };
}

export async function findCase(db: Queryable, id: number): Promise<CaseRow | null> {
  const { rows } = await db.query<CaseRow>(`${CASE_SELECT} WHERE c.id = $1`, [id]);
  return rows[0] ?? null;
}

export async function logPersonalAccess(db: Queryable, userId: number, caseIds: number[], route: string): Promise<void> {
  if (caseIds.length === 0) return;
  await db.query(
    `INSERT INTO personal_data_access (user_id, subject, fields, route)
     SELECT $1, 'case:' || id, ARRAY['reporterName', 'reporterPhone'], $3 FROM unnest($2::bigint[]) AS id`,
    [userId, caseIds, route],
  );
}

export interface TimelineRow {
  id: number;
  at: Date;
  type: string;
  actor_id: number | null;
  actor_name: string | null;
  actor_role: string | null;
  from_state: string | null;
  to_state: string | null;
  note: string | null;
  lon: number | null;
  lat: number | null;
  payload: Record<string, unknown>;
}

export async function timeline(db: Queryable, caseId: number): Promise<TimelineRow[]> {
  const { rows } = await db.query<TimelineRow>(
    `SELECT e.id, e.at, e.type, e.actor_id, u.display_name AS actor_name, e.actor_role, e.from_state, e.to_state, e.note,
            ST_X(e.location) AS lon, ST_Y(e.location) AS lat, e.payload
     FROM event e LEFT JOIN app_user u ON u.id = e.actor_id
     WHERE e.case_id = $1 ORDER BY e.id`,
    [caseId],
  );
  return rows;
}

export interface SupervisionRow {
  id: number;
  notice_no: string;
  level: 'yellow' | 'red';
  reason: string;
  opened_at: Date;
  closed_at: Date | null;
  close_note: string | null;
  case_id: number;
  code: string;
  title: string;
  category_code: string;
  category_name: string;
  priority: string;
  status: string;
  light: string;
  street_code: string;
  street_name: string;
  grid_code: string;
  department_code: string | null;
  reported_at: Date;
  resolve_by: Date;
  community_code: string;
  zone_code: string;
}

const SUPERVISION_SELECT = `
  SELECT sv.id, sv.notice_no, sv.level, sv.reason, sv.opened_at, sv.closed_at, sv.close_note,
         c.id AS case_id, c.code, c.title, c.category_code, cat.name AS category_name, c.priority, c.status, c.light,
         c.street_code, s.name AS street_name, c.grid_code, c.community_code, c.zone_code, c.department_code, c.reported_at, c.resolve_by
  FROM supervision sv
  JOIN cases c ON c.id = sv.case_id
  JOIN category cat ON cat.code = c.category_code
  JOIN area s ON s.code = c.street_code`;

export async function listSupervision(
  db: Queryable,
  w: Where,
  limit: number,
  offset: number,
): Promise<{ rows: SupervisionRow[]; total: number }> {
  const where = w.sql();
  const lim = w.params.length + 1;
  const [list, count] = await both(
    db,
    () => db.query<SupervisionRow>(`${SUPERVISION_SELECT} ${where} ORDER BY sv.opened_at DESC, sv.id DESC LIMIT $${lim} OFFSET $${lim + 1}`, [
      ...w.params,
      limit,
      offset,
    ]),
    () => db.query<{ n: number }>(`SELECT count(*)::int AS n FROM supervision sv JOIN cases c ON c.id = sv.case_id ${where}`, w.params),
  );
  return { rows: list.rows, total: count.rows[0]?.n ?? 0 };
}

export async function findSupervision(db: Queryable, id: number): Promise<SupervisionRow | null> {
  const { rows } = await db.query<SupervisionRow>(`${SUPERVISION_SELECT} WHERE sv.id = $1`, [id]);
  return rows[0] ?? null;
}

export interface RegisterSummaryRow {
  reported: number;
  closed: number;
  fixed_on_spot: number;
  in_progress: number;
  escalated: number;
  overdue: number;
  void: number;
  parked: number;
}

/**
 * Summary counts of the register, over the same filter as the list:
 * reported = all cases; closed; inProgress = ACTIVE_STATES (neither final nor parked); escalated = escalated at
 * least one level; overdue = open and lit yellow or red (docs/domain.md); void; parked.
 */
export async function registerSummary(db: Queryable, w: Where): Promise<RegisterSummaryRow> {
  const params = [...w.params, [...ACTIVE_STATES], [...OPEN_STATES], [...OVERDUE_LIGHTS]];
  const n = w.params.length;
  const { rows } = await db.query<RegisterSummaryRow>(
    `SELECT count(*)::int AS reported,
            count(*) FILTER (WHERE c.status = 'closed')::int AS closed,
            count(*) FILTER (WHERE c.fixed_on_spot)::int AS fixed_on_spot,
            count(*) FILTER (WHERE c.status = ANY($${n + 1}::text[]))::int AS in_progress,
            count(*) FILTER (WHERE c.escalation_level > 0)::int AS escalated,
            count(*) FILTER (WHERE c.status = ANY($${n + 2}::text[]) AND c.light = ANY($${n + 3}::text[]))::int AS overdue,
            count(*) FILTER (WHERE c.status = 'void')::int AS void,
            count(*) FILTER (WHERE c.status = 'parked')::int AS parked
     FROM cases c ${w.sql()}`,
    params,
  );
  return rows[0]!;
}

export interface NearbyRow extends CaseRow {
  distance_m: number;
  reporters: number;
}

/**
 * Open cases of a category within `radiusM` of a point, nearest first, within what the user may see: the "is it one
 * of these?" of a new report. Reporters: the first one, every other account that added photos to it, and every
 * citizen who followed it (+1).
 */
export async function nearbyOpenCases(
  db: Queryable,
  q: { lon: number; lat: number; category: string; radiusM: number; openStates: readonly string[]; limit: number },
  user: AuthUser,
): Promise<NearbyRow[]> {
  const w = new Where();
  addScope(w, user);
  const point = `ST_SetSRID(ST_MakePoint(${w.param(q.lon)}, ${w.param(q.lat)}), 4326)`;
  w.add('c.category_code = ?', q.category);
  w.add('c.status = ANY(?::text[])', [...q.openStates]);
  // the box around the circle uses the geometry index; the exact distance is then measured on the sphere
  const dLat = (q.radiusM / 110_540) * 1.01;
  const dLon = (q.radiusM / (111_320 * Math.max(0.01, Math.cos((q.lat * Math.PI) / 180)))) * 1.01;
  w.parts.push(`c.location && ST_Expand(${point}, ${w.param(dLon)}::float8, ${w.param(dLat)}::float8)`);
  w.parts.push(`ST_DWithin(c.location::geography, ${point}::geography, ${w.param(q.radiusM)})`);
  const { rows } = await db.query<NearbyRow>(
    `SELECT x.*, ST_Distance(ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326)::geography, ${point}::geography) AS distance_m,
            1 + (SELECT count(DISTINCT e.actor_id) FROM event e WHERE e.case_id = x.id AND e.type = 'case.attached'
                 AND e.actor_id IS DISTINCT FROM x.reporter_user_id)::int
              + (SELECT count(*) FROM case_reporter r WHERE r.case_id = x.id AND r.kind = 'follow')::int AS reporters
     FROM (${CASE_SELECT.replace('SELECT c.id,', 'SELECT c.reporter_user_id, c.id,')} ${w.sql()}) x
     ORDER BY distance_m, x.id LIMIT ${w.param(q.limit)}`,
    w.params,
  );
  return rows;
}
