/** SQL of the assessment's demo data (demo.ts). Every value is a $n parameter. */
import type pg from 'pg';

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface StreetWorker {
  staffId: string;
  name: string;
  grids: string[];
  community: string;
}

/** The street of the demo worker account, or null. */
export async function demoStreet(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ street: string }>(
    `SELECT a.street_code AS street FROM app_user u JOIN area a ON a.code = u.grid_codes[1] WHERE u.username = 'worker' AND u.role = 'worker'`,
  );
  return rows[0]?.street ?? null;
}

/** The street's grid workers (一格五员 roster) with their grids, those without an account first by id. */
export async function streetWorkers(db: Queryable, street: string): Promise<StreetWorker[]> {
  const { rows } = await db.query<StreetWorker>(
    `SELECT s.id AS "staffId", s.name, array_agg(gs.grid_code ORDER BY gs.grid_code) AS grids, min(a.community_code) AS community
       FROM staff s JOIN grid_staff gs ON gs.staff_id = s.id JOIN area a ON a.code = gs.grid_code
      WHERE s.role = 'grid_worker' AND a.street_code = $1
        AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.staff_id = s.id)
      GROUP BY s.id, s.name ORDER BY s.id`,
    [street],
  );
  return rows;
}

export async function streetCommunities(db: Queryable, street: string): Promise<{ code: string; name: string }[]> {
  const { rows } = await db.query<{ code: string; name: string }>(`SELECT code, name FROM area WHERE level = 'community' AND street_code = $1 ORDER BY code`, [street]);
  return rows;
}

/** Inserts an account unless its username exists; returns its id either way. */
export async function ensureAccount(
  db: Queryable,
  u: { username: string; displayName: string; role: 'worker' | 'leader'; passwordHash: string; staffId: string | null; grids: string[]; unit: string },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO app_user (username, display_name, role, password_hash, staff_id, grid_codes, unit_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING RETURNING id`,
    [u.username, u.displayName, u.role, u.passwordHash, u.staffId, u.grids, u.unit],
  );
  if (rows[0]) return rows[0].id;
  return (await db.query<{ id: number }>(`SELECT id FROM app_user WHERE username = $1`, [u.username])).rows[0]!.id;
}

export interface StreetAccount {
  id: number;
  name: string;
  grids: string[];
  community: string;
  communityName: string;
  street: string;
  streetName: string;
}

/** The street's active worker accounts. */
export async function streetAccounts(db: Queryable, street: string): Promise<StreetAccount[]> {
  const { rows } = await db.query<StreetAccount>(
    `SELECT u.id, u.display_name AS name, u.grid_codes AS grids, a.community_code AS community, cm.name AS "communityName",
            a.street_code AS street, st.name AS "streetName"
       FROM app_user u JOIN area a ON a.code = u.grid_codes[1] JOIN area cm ON cm.code = a.community_code JOIN area st ON st.code = a.street_code
      WHERE u.role = 'worker' AND u.active AND a.street_code = $1 ORDER BY u.id`,
    [street],
  );
  return rows;
}

export async function hasDutyRecords(db: Queryable, userIds: readonly number[]): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM duty_record WHERE user_id = ANY($1::int[]) LIMIT 1`, [userIds]);
  return rows.length > 0;
}

export async function insertVisits(db: Queryable, rows: { userId: number; date: string; household: string; grid: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO household_visit (user_id, visit_date, household, grid_code)
     SELECT u, d::date, h, g FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS t(u, d, h, g)`,
    [rows.map((r) => r.userId), rows.map((r) => r.date), rows.map((r) => r.household), rows.map((r) => r.grid)],
  );
}

export async function insertDuties(db: Queryable, rows: { userId: number; kind: string; grid: string; occurredOn: string; recordedAt: Date; subject: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO duty_record (user_id, kind, grid_code, occurred_on, recorded_at, subject)
     SELECT u, k, g, o::date, r, s FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[]) AS t(u, k, g, o, r, s)`,
    [rows.map((r) => r.userId), rows.map((r) => r.kind), rows.map((r) => r.grid), rows.map((r) => r.occurredOn), rows.map((r) => r.recordedAt), rows.map((r) => r.subject)],
  );
}

/** Handled cases of these grids in [from, to) without a verification by anyone, with their handling instant. */
export async function handledCases(db: Queryable, grids: readonly string[], from: Date, to: Date): Promise<{ id: number; grid: string; handledAt: Date }[]> {
  const { rows } = await db.query<{ id: number; grid: string; handledAt: Date }>(
    `SELECT c.id::int AS id, c.grid_code AS grid, c.handled_at AS "handledAt" FROM cases c
      WHERE c.grid_code = ANY($1::text[]) AND c.handled_at >= $2 AND c.handled_at < $3
        AND NOT EXISTS (SELECT 1 FROM verification v WHERE v.case_id = c.id)
      ORDER BY c.handled_at LIMIT 2000`,
    [grids, from, to],
  );
  return rows;
}

export async function insertVerifications(db: Queryable, rows: { caseId: number; userId: number; at: Date }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO verification (case_id, user_id, at, result, flagged)
     SELECT c, u, a, 'pass', false FROM unnest($1::bigint[], $2::int[], $3::timestamptz[]) AS t(c, u, a)`,
    [rows.map((r) => r.caseId), rows.map((r) => r.userId), rows.map((r) => r.at)],
  );
}

export async function insertDemoLeave(db: Queryable, l: { userId: number; coverUserId: number; from: string; to: string }): Promise<void> {
  await db.query(
    `INSERT INTO staff_leave (user_id, cover_user_id, from_date, to_date, note) VALUES ($1, $2, $3::date, $4::date, '病假 (演示)')`,
    [l.userId, l.coverUserId, l.from, l.to],
  );
}

/** Recorded rows of earlier months (the demo's "three in a row"); rows already there stay. */
export async function insertDemoResults(db: Queryable, rows: { month: string; userId: number; score: number; share: number; yuan: number; details: unknown; unit: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO assessment_result (month, user_id, payee_id, kind, score, share, yuan, consequence, details, unit_code, closed_by, closed_at)
     SELECT m, u, u, 'staff', s, sh, y, 'none', d, un, (SELECT id FROM app_user WHERE username = 'leader'), now()
       FROM unnest($1::text[], $2::int[], $3::float8[], $4::float8[], $5::float8[], $6::jsonb[], $7::text[]) AS t(m, u, s, sh, y, d, un)
      WHERE EXISTS (SELECT 1 FROM app_user WHERE username = 'leader')
     ON CONFLICT (month, user_id) DO NOTHING`,
    [rows.map((r) => r.month), rows.map((r) => r.userId), rows.map((r) => r.score), rows.map((r) => r.share), rows.map((r) => r.yuan), rows.map((r) => JSON.stringify(r.details)), rows.map((r) => r.unit)],
  );
}
