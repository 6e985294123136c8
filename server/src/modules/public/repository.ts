/** SQL of the public side: reporters and their tracking codes, ratings, the points ledger, callbacks. Values as $n. */
import type pg from 'pg';
import type { AuthUser } from '../auth/repository.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

/** The service account a public channel files cases as ('public-web', 'open311'). */
export async function serviceAccount(db: Queryable, username: 'public-web' | 'open311'): Promise<AuthUser> {
  const { rows } = await db.query<{ id: number; username: string; display_name: string; role: AuthUser['role'] }>(
    `SELECT id, username, display_name, role FROM app_user WHERE username = $1 AND role = 'public'`,
    [username],
  );
  const r = rows[0];
  if (!r) throw new Error(`service account ${username} is missing (migration 011_public)`);
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role, departmentCode: null, staffId: null, gridCodes: [], unitCode: null, unitKind: null };
}

export interface NewReporter {
  caseId: number;
  trackingCode: string;
  kind: 'report' | 'follow';
  channel: 'web' | 'open311';
  name: string | null;
  phone: string | null;
  deviceId: string | null;
  holderKey: string;
}

/** Inserts a reporter; null when the tracking code is taken (the caller draws another). */
export async function insertReporter(db: Queryable, r: NewReporter): Promise<number | null> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO case_reporter (case_id, tracking_code, kind, channel, name, phone, device_id, holder_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (tracking_code) DO NOTHING RETURNING id`,
    [r.caseId, r.trackingCode, r.kind, r.channel, r.name, r.phone, r.deviceId, r.holderKey],
  );
  return rows[0] ? Number(rows[0].id) : null;
}

export async function hasFollowed(db: Queryable, caseId: number, holderKey: string): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM case_reporter WHERE case_id = $1 AND holder_key = $2`, [caseId, holderKey]);
  return (rowCount ?? 0) > 0;
}

export interface ReporterRow {
  id: number;
  case_id: number;
  tracking_code: string;
  kind: 'report' | 'follow';
  holder_key: string;
}

export async function reporterByCode(db: Queryable, code: string, lock = false): Promise<ReporterRow | null> {
  const { rows } = await db.query<ReporterRow>(
    `SELECT id::int AS id, case_id::int AS case_id, tracking_code, kind, holder_key FROM case_reporter WHERE tracking_code = $1${lock ? ' FOR UPDATE' : ''}`,
    [code],
  );
  return rows[0] ?? null;
}

export async function reporterCount(db: Queryable, caseId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT 1 + (SELECT count(*) FROM case_reporter WHERE case_id = $1 AND kind = 'follow')::int AS n`,
    [caseId],
  );
  return rows[0]!.n;
}

export interface StepRow {
  at: Date;
  type: string;
  action: string | null;
  to_state: string | null;
  department: string | null;
  photos: string[] | null;
}

/** The case's events that a citizen is told about, oldest first. */
export async function caseSteps(db: Queryable, caseId: number): Promise<StepRow[]> {
  const { rows } = await db.query<StepRow>(
    `SELECT e.at, e.type, e.payload->>'action' AS action, e.to_state,
            d.name AS department, CASE WHEN jsonb_typeof(e.payload->'photos') = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(e.payload->'photos')) END AS photos
     FROM event e
     LEFT JOIN department d ON d.code = e.payload->'case'->>'departmentCode' AND e.payload->>'action' IN ('dispatch', 'reassign')
     WHERE e.case_id = $1 AND e.type IN ('case.created', 'case.updated', 'case.closed', 'case.escalated')
     ORDER BY e.id`,
    [caseId],
  );
  return rows;
}

export interface RatingRow {
  rating: 'satisfied' | 'basic' | 'unsatisfied' | null;
  comment: string | null;
  at: Date;
  reopened: boolean;
  round: number;
  source: 'citizen' | 'callback';
}

export async function ratingOf(db: Queryable, reporterId: number, round: number): Promise<RatingRow | null> {
  const { rows } = await db.query<RatingRow>(
    `SELECT rating, comment, at, reopened, round, source FROM case_rating WHERE reporter_id = $1 AND round = $2 AND source = 'citizen'`,
    [reporterId, round],
  );
  return rows[0] ?? null;
}

/** The reporter's latest rating (of any closing). */
export async function latestRatingOf(db: Queryable, reporterId: number): Promise<RatingRow | null> {
  const { rows } = await db.query<RatingRow>(
    `SELECT rating, comment, at, reopened, round, source FROM case_rating WHERE reporter_id = $1 AND source = 'citizen' ORDER BY at DESC, id DESC LIMIT 1`,
    [reporterId],
  );
  return rows[0] ?? null;
}

export async function ratingsOfCase(db: Queryable, caseId: number): Promise<RatingRow[]> {
  const { rows } = await db.query<RatingRow>(
    `SELECT rating, comment, at, reopened, round, source FROM case_rating WHERE case_id = $1 ORDER BY at, id`,
    [caseId],
  );
  return rows;
}

export interface NewRating {
  caseId: number;
  reporterId: number | null;
  source: 'citizen' | 'callback';
  round: number;
  reached: boolean;
  rating: string | null;
  comment: string | null;
  reopened: boolean;
  byUser: number | null;
  at: Date;
}

/** Inserts a rating; false when this reporter rated this closing already. */
export async function insertRating(db: Queryable, r: NewRating): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO case_rating (case_id, reporter_id, source, round, reached, rating, comment, reopened, by_user, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
    [r.caseId, r.reporterId, r.source, r.round, r.reached, r.rating, r.comment, r.reopened, r.byUser, r.at],
  );
  return (rowCount ?? 0) === 1;
}

export interface LedgerRow {
  at: Date;
  points: number;
  reason: string;
  case_code: string;
}

export async function ledgerOf(db: Queryable, holderKey: string, limit: number): Promise<{ balance: number; entries: LedgerRow[] }> {
  const [sum, list] = await Promise.all([
    db.query<{ balance: number }>(`SELECT coalesce(sum(points), 0)::int AS balance FROM points_ledger WHERE holder_key = $1`, [holderKey]),
    db.query<LedgerRow>(
      `SELECT l.at, l.points, l.reason, c.code AS case_code FROM points_ledger l JOIN cases c ON c.id = l.case_id
       WHERE l.holder_key = $1 ORDER BY l.at DESC, l.id DESC LIMIT $2`,
      [holderKey, limit],
    ),
  ]);
  return { balance: sum.rows[0]!.balance, entries: list.rows };
}

/** Awards each reporter of a case its points once (the unique index makes a second award a no-op). */
export async function awardCase(db: Queryable, caseId: number, points: { report: number; follow: number }, at: Date): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO points_ledger (holder_key, case_id, reporter_id, points, reason, at)
     SELECT r.holder_key, r.case_id, r.id, CASE r.kind WHEN 'report' THEN $2::int ELSE $3::int END,
            CASE r.kind WHEN 'report' THEN 'valid_report' ELSE 'follow' END, $4
     FROM case_reporter r WHERE r.case_id = $1
     ON CONFLICT DO NOTHING`,
    [caseId, points.report, points.follow, at],
  );
  return rowCount ?? 0;
}

/** A void case earns nothing: each award of it is balanced by an adjustment (the ledger is never rewritten). */
export async function revokeCase(db: Queryable, caseId: number, at: Date): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO points_ledger (holder_key, case_id, reporter_id, points, reason, at)
     SELECT holder_key, case_id, reporter_id, -sum(points), 'adjust', $2
     FROM points_ledger WHERE case_id = $1 GROUP BY holder_key, case_id, reporter_id HAVING sum(points) <> 0`,
    [caseId, at],
  );
  return rowCount ?? 0;
}

export interface CallbackRow {
  case_id: number;
  case_code: string;
  title: string;
  closed_at: Date;
  reporter_name: string | null;
  reporter_phone: string | null;
  callbacks: number;
  rating: 'satisfied' | 'basic' | 'unsatisfied' | null;
}

/** Closed public cases of the last `days` with a phone to call, not yet called back for this closing; oldest first. */
export async function callbacksDue(db: Queryable, days: number, limit: number): Promise<CallbackRow[]> {
  const { rows } = await db.query<CallbackRow>(
    `SELECT c.id::int AS case_id, c.code AS case_code, c.title, c.closed_at, c.reporter_name, c.reporter_phone,
            (SELECT count(*) FROM case_rating k WHERE k.case_id = c.id AND k.source = 'callback')::int AS callbacks,
            (SELECT k.rating FROM case_rating k WHERE k.case_id = c.id AND k.round = c.rework_count AND k.rating IS NOT NULL
             ORDER BY k.at DESC LIMIT 1) AS rating
     FROM cases c
     WHERE c.source = 'public' AND c.status = 'closed' AND c.closed_at > now() - make_interval(days => $1)
       AND c.reporter_phone IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM case_rating k WHERE k.case_id = c.id AND k.round = c.rework_count AND k.source = 'callback' AND k.reached)
     ORDER BY c.closed_at LIMIT $2`,
    [days, limit],
  );
  return rows;
}
