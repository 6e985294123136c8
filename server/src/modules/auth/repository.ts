/** SQL of accounts: users, sessions and wall tokens. Only hashes of tokens are ever stored. */
import type pg from 'pg';
import type { UnitKind } from '@gridcommand/shared/domain';
import type { UserRole } from '@gridcommand/shared/schemas';

type Queryable = Pick<pg.Pool, 'query'>;

export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  departmentCode: string | null;
  staffId: string | null;
  gridCodes: string[];
  /** the unit the account belongs to (docs/units.md); null: the district centre (and wall and public accounts) */
  unitCode: string | null;
  unitKind: UnitKind | null;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: UserRole;
  department_code: string | null;
  staff_id: string | null;
  grid_codes: string[];
  unit_code: string | null;
  unit_kind: UnitKind | null;
}

const USER_COLUMNS = `u.id, u.username, u.display_name, u.role, u.department_code, u.staff_id, u.grid_codes, u.unit_code,
  (SELECT ou.kind FROM org_unit ou WHERE ou.code = u.unit_code) AS unit_kind`;

function toUser(r: UserRow): AuthUser {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    departmentCode: r.department_code,
    staffId: r.staff_id,
    gridCodes: r.grid_codes ?? [],
    unitCode: r.unit_code ?? null,
    unitKind: r.unit_code ? r.unit_kind : null,
  };
}

export async function findUserForLogin(db: Queryable, username: string): Promise<(AuthUser & { passwordHash: string }) | null> {
  const { rows } = await db.query<UserRow & { password_hash: string }>(
    `SELECT ${USER_COLUMNS}, u.password_hash FROM app_user u WHERE u.username = $1 AND u.active`,
    [username],
  );
  const r = rows[0];
  return r ? { ...toUser(r), passwordHash: r.password_hash } : null;
}

export type SessionKind = 'browser' | 'device';

export interface NewSession {
  tokenHash: string;
  userId: number;
  kind: SessionKind;
  /** the phone's name (device sessions) */
  deviceName: string | null;
  hours: number;
}

export async function createSession(db: Queryable, s: NewSession): Promise<Date> {
  const { rows } = await db.query<{ expires_at: Date }>(
    `INSERT INTO user_session (token_hash, user_id, kind, device_name, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5))
     RETURNING expires_at`,
    [s.tokenHash, s.userId, s.kind, s.deviceName, s.hours],
  );
  return rows[0]!.expires_at;
}

/** last_seen_at of a session is written when it is older than this (at most one write a minute per session). */
export const LAST_SEEN_RESOLUTION_S = 60;

/**
 * The user of a live session. The same statement stamps the session's last_seen_at when the stamp is older than
 * LAST_SEEN_RESOLUTION_S: a busy session costs one write a minute, not one a request.
 */
export async function userBySession(db: Queryable, tokenHash: string): Promise<AuthUser | null> {
  const { rows } = await db.query<UserRow>({
    name: 'gc_session_user_seen',
    text: `WITH s AS (
       SELECT token_hash, user_id, last_seen_at FROM user_session WHERE token_hash = $1 AND expires_at > now()
     ), seen AS (
       UPDATE user_session t SET last_seen_at = now() FROM s
       WHERE t.token_hash = s.token_hash AND s.last_seen_at < now() - make_interval(secs => $2)
     )
     SELECT ${USER_COLUMNS} FROM s JOIN app_user u ON u.id = s.user_id WHERE u.active`,
    values: [tokenHash, LAST_SEEN_RESOLUTION_S],
  });
  return rows[0] ? toUser(rows[0]) : null;
}

export interface SessionRow {
  id: number;
  user_id: number;
  username: string;
  kind: SessionKind;
  device_name: string | null;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

/** Sessions not yet expired, newest first (of one user, or of everyone); at most `limit`. */
export async function listSessions(db: Queryable, userId: number | null, limit: number): Promise<SessionRow[]> {
  const { rows } = await db.query<SessionRow>(
    `SELECT s.id::int AS id, s.user_id, u.username, s.kind, s.device_name, s.created_at, s.last_seen_at, s.expires_at
     FROM user_session s JOIN app_user u ON u.id = s.user_id
     WHERE s.expires_at > now() AND ($1::int IS NULL OR s.user_id = $1)
     ORDER BY s.created_at DESC, s.id DESC
     LIMIT $2`,
    [userId, limit],
  );
  return rows;
}

/** Deletes a session by its id; returns its token hash (to forget it in the session cache), null when unknown. */
export async function deleteSessionById(db: Queryable, id: number): Promise<string | null> {
  const { rows } = await db.query<{ token_hash: string }>('DELETE FROM user_session WHERE id = $1 RETURNING token_hash', [id]);
  return rows[0]?.token_hash ?? null;
}

export async function deleteSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM user_session WHERE token_hash = $1', [tokenHash]);
}

export async function deleteExpiredSessions(db: Queryable): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM user_session WHERE expires_at <= now()');
  return rowCount ?? 0;
}

/** Wall tokens authenticate only users whose role is wall. */
export async function userByWallToken(db: Queryable, tokenHash: string): Promise<AuthUser | null> {
  const { rows } = await db.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM wall_token t JOIN app_user u ON u.id = t.user_id
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active AND u.role = 'wall'`,
    [tokenHash],
  );
  return rows[0] ? toUser(rows[0]) : null;
}

/** The wall account that display tokens belong to: the first active wall user, created when there is none. */
export async function wallUserId(db: Queryable, unusableHash: string): Promise<number> {
  const found = await db.query<{ id: number }>(`SELECT id FROM app_user WHERE role = 'wall' AND active ORDER BY id LIMIT 1`);
  if (found.rows[0]) return found.rows[0].id;
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO app_user (username, display_name, role, password_hash) VALUES ('wall-display', '大屏', 'wall', $1)
     ON CONFLICT (username) DO UPDATE SET active = true RETURNING id`,
    [unusableHash],
  );
  return rows[0]!.id;
}

export async function createWallToken(db: Queryable, tokenHash: string, name: string, userId: number): Promise<Date> {
  const { rows } = await db.query<{ created_at: Date }>(
    'INSERT INTO wall_token (token_hash, name, user_id) VALUES ($1, $2, $3) RETURNING created_at',
    [tokenHash, name, userId],
  );
  return rows[0]!.created_at;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: UserRole;
  passwordHash: string;
  departmentCode?: string | null;
  staffId?: string | null;
  gridCodes?: string[];
  /** the account's unit; a handler without one belongs to its department's unit */
  unitCode?: string | null;
}

/** Creates or refreshes a user by username. */
export async function upsertUser(db: Queryable, u: NewUser): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO app_user (username, display_name, role, password_hash, department_code, staff_id, grid_codes, unit_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, role = EXCLUDED.role,
       password_hash = EXCLUDED.password_hash, department_code = EXCLUDED.department_code,
       staff_id = EXCLUDED.staff_id, grid_codes = EXCLUDED.grid_codes, unit_code = EXCLUDED.unit_code, active = true
     RETURNING id`,
    [
      u.username, u.displayName, u.role, u.passwordHash, u.departmentCode ?? null, u.staffId ?? null, u.gridCodes ?? [],
      u.unitCode ?? (u.role === 'handler' ? (u.departmentCode ?? null) : null),
    ],
  );
  return rows[0]!.id;
}

/** Revokes a wall token by its hash (no-op when unknown or already revoked). */
export async function revokeWallTokenByHash(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('UPDATE wall_token SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash]);
}

/** Whether a live (not revoked) wall token of this name belongs to the user of this username. */
export async function hasLiveWallToken(db: Queryable, name: string, username: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM wall_token t JOIN app_user u ON u.id = t.user_id
     WHERE t.name = $1 AND u.username = $2 AND t.revoked_at IS NULL LIMIT 1`,
    [name, username],
  );
  return (rowCount ?? 0) > 0;
}

/** Stores a wall token (its hash) for the user of this username; false when there is no such user. */
export async function createWallTokenFor(db: Queryable, tokenHash: string, name: string, username: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO wall_token (token_hash, name, user_id) SELECT $1, $2, id FROM app_user WHERE username = $3`,
    [tokenHash, name, username],
  );
  return (rowCount ?? 0) > 0;
}
