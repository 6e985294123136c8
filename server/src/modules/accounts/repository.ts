/**
 * The SQL of units and accounts (docs/units.md). Units are the `org_unit` view (areas of the district, street, zone
 * and community levels, and the departments). An account's unit is `app_user.unit_code`; accounts made before units
 * existed have none and are read as belonging to their department (a handler), the community of their first grid
 * (a worker) or the district centre (everyone else): `EFFECTIVE_UNIT`. Password hashes are written here, never read.
 */
import type pg from 'pg';
import type { ManagedRole, UnitKind } from '@gridcommand/shared/domain';

export type Queryable = Pick<pg.PoolClient, 'query'>;

const DISTRICT = `(SELECT code FROM area WHERE level = 'district' ORDER BY code LIMIT 1)`;

/** The unit an account belongs to, with the reading of accounts made before units (see above). */
const EFFECTIVE_UNIT = `COALESCE(u.unit_code,
  CASE WHEN u.role = 'handler' THEN u.department_code END,
  CASE WHEN u.role = 'worker' THEN (SELECT g.community_code FROM area g WHERE g.code = u.grid_codes[1]) END,
  ${DISTRICT})`;

export interface UnitRow {
  code: string;
  kind: UnitKind;
  name: string;
  name_en: string | null;
  parent_code: string | null;
  department_code: string | null;
  accounts: number;
  grids: number;
}

/** Units, with their active accounts (of the managed roles) and their grids; filtered by kind and by text. */
export async function listUnits(db: Queryable, roles: readonly string[], kind: UnitKind | null, q: string | null): Promise<UnitRow[]> {
  const { rows } = await db.query<UnitRow>(
    `WITH acc AS (
       SELECT ${EFFECTIVE_UNIT} AS unit_code, count(*)::int AS n FROM app_user u
        WHERE u.active AND u.role = ANY($1::text[]) GROUP BY 1
     ), grids AS (
       SELECT x.code, count(*)::int AS n
         FROM area g CROSS JOIN LATERAL (VALUES (g.street_code), (g.zone_code), (g.community_code)) AS x (code)
        WHERE g.level = 'grid' AND x.code IS NOT NULL GROUP BY x.code
     )
     SELECT o.code, o.kind, o.name, d.name_en, o.parent_code, o.department_code,
            COALESCE(acc.n, 0) AS accounts,
            CASE o.kind WHEN 'district' THEN (SELECT count(*)::int FROM area WHERE level = 'grid')
                        WHEN 'department' THEN 0 ELSE COALESCE(grids.n, 0) END AS grids
       FROM org_unit o
       LEFT JOIN department d ON d.code = o.department_code
       LEFT JOIN acc ON acc.unit_code = o.code
       LEFT JOIN grids ON grids.code = o.code
      WHERE ($2::text IS NULL OR o.kind = $2)
        AND ($3::text IS NULL OR strpos(lower(o.name), lower($3)) > 0 OR strpos(lower(o.code), lower($3)) > 0
             OR strpos(lower(COALESCE(d.name_en, '')), lower($3)) > 0)
      ORDER BY array_position(ARRAY['district', 'street', 'zone', 'community', 'department'], o.kind), o.code`,
    [roles, kind, q],
  );
  return rows;
}

export interface UnitRef {
  code: string;
  kind: UnitKind;
  name: string;
  department_code: string | null;
}

export async function findUnit(db: Queryable, code: string): Promise<UnitRef | null> {
  const { rows } = await db.query<UnitRef>('SELECT code, kind, name, department_code FROM org_unit WHERE code = $1', [code]);
  return rows[0] ?? null;
}

/** The grids in a unit's area (none for a department), by code. */
export async function unitGrids(db: Queryable, unit: UnitRef): Promise<{ code: string; name: string }[]> {
  if (unit.kind === 'department') return [];
  const { rows } = await db.query<{ code: string; name: string }>(
    `SELECT code, name FROM area
      WHERE level = 'grid' AND ($2 = 'district' OR street_code = $1 OR zone_code = $1 OR community_code = $1)
      ORDER BY code`,
    [unit.code, unit.kind],
  );
  return rows;
}

/** A new department unit; false when the code is taken. */
export async function insertDepartment(db: Queryable, d: { code: string; name: string; nameEn: string }): Promise<boolean> {
  const { rowCount } = await db.query('INSERT INTO department (code, name, name_en) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING', [
    d.code,
    d.name,
    d.nameEn,
  ]);
  return (rowCount ?? 0) > 0;
}

export interface AccountRow {
  id: number;
  username: string;
  display_name: string;
  role: ManagedRole;
  unit_code: string;
  unit_name: string | null;
  unit_kind: UnitKind | null;
  department_code: string | null;
  grid_codes: string[];
  active: boolean;
  created_at: Date;
  updated_at: Date;
  last_login_at: Date | null;
  version: number;
}

export interface AccountFilters {
  roles: readonly string[];
  /** the unit, and with `below` every unit under it */
  unit: string | null;
  below: boolean;
  role: string | null;
  q: string | null;
  active: boolean | null;
}

const ACCOUNTS_CTE = `WITH RECURSIVE sub (code) AS (
       SELECT $2::text WHERE $2::text IS NOT NULL
       UNION
       SELECT o.code FROM org_unit o JOIN sub ON o.parent_code = sub.code WHERE $3::boolean
     ), acc AS (
       SELECT u.id, u.username, u.display_name, u.role, u.department_code, u.grid_codes, u.active, u.created_at,
              u.updated_at, u.version, ${EFFECTIVE_UNIT} AS unit_code
         FROM app_user u WHERE u.role = ANY($1::text[])
     ), hit AS (
       SELECT acc.* FROM acc
        WHERE ($2::text IS NULL OR acc.unit_code IN (SELECT code FROM sub))
          AND ($4::text IS NULL OR acc.role = $4)
          AND ($5::text IS NULL OR strpos(acc.username, lower($5)) > 0 OR strpos(lower(acc.display_name), lower($5)) > 0)
          AND ($6::boolean IS NULL OR acc.active = $6)
     )`;

function filterValues(f: AccountFilters): unknown[] {
  return [f.roles, f.unit, f.below, f.role, f.q, f.active];
}

const ACCOUNT_SELECT = `SELECT hit.id, hit.username, hit.display_name, hit.role, hit.unit_code, o.name AS unit_name, o.kind AS unit_kind,
            hit.department_code, hit.grid_codes, hit.active, hit.created_at, hit.updated_at, hit.version,
            (SELECT max(a.at) FROM audit_log a WHERE a.user_id = hit.id AND a.action = 'auth.login') AS last_login_at
       FROM hit LEFT JOIN org_unit o ON o.code = hit.unit_code`;

/** One page of accounts (active first, then by username) and how many match. */
export async function listAccounts(db: Queryable, f: AccountFilters, limit: number, offset: number): Promise<{ rows: AccountRow[]; total: number }> {
  const values = filterValues(f);
  const page = await db.query<AccountRow>(`${ACCOUNTS_CTE} ${ACCOUNT_SELECT} ORDER BY hit.active DESC, hit.username LIMIT $7 OFFSET $8`, [
    ...values,
    limit,
    offset,
  ]);
  const count = await db.query<{ n: number }>(`${ACCOUNTS_CTE} SELECT count(*)::int AS n FROM hit`, values);
  return { rows: page.rows, total: count.rows[0]?.n ?? 0 };
}

/** One account of the managed roles, by id (null: none, or a wall or public account). */
export async function findAccount(db: Queryable, roles: readonly string[], id: number): Promise<AccountRow | null> {
  const { rows } = await db.query<AccountRow>(`${ACCOUNTS_CTE} ${ACCOUNT_SELECT} WHERE hit.id = $7`, [roles, null, false, null, null, null, id]);
  return rows[0] ?? null;
}

export interface NewAccount {
  username: string;
  displayName: string;
  role: ManagedRole;
  unitCode: string;
  departmentCode: string | null;
  gridCodes: string[];
  passwordHash: string;
}

/** Inserts an account; null when the username is taken. */
export async function insertAccount(db: Queryable, a: NewAccount): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO app_user (username, display_name, role, password_hash, unit_code, department_code, grid_codes)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING RETURNING id`,
    [a.username, a.displayName, a.role, a.passwordHash, a.unitCode, a.departmentCode, a.gridCodes],
  );
  return rows[0]?.id ?? null;
}

export interface AccountUpdate {
  displayName: string;
  role: ManagedRole;
  unitCode: string;
  departmentCode: string | null;
  gridCodes: string[];
  active: boolean;
  /** null: the password stays */
  passwordHash: string | null;
}

/** Writes an edit made on `version`; false when the account has moved on meanwhile (or is gone). */
export async function updateAccount(db: Queryable, id: number, version: number, u: AccountUpdate): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE app_user SET display_name = $3, role = $4, unit_code = $5, department_code = $6, grid_codes = $7, active = $8,
            password_hash = COALESCE($9, password_hash), version = version + 1, updated_at = now()
      WHERE id = $1 AND version = $2`,
    [id, version, u.displayName, u.role, u.unitCode, u.departmentCode, u.gridCodes, u.active, u.passwordHash],
  );
  return (rowCount ?? 0) > 0;
}

/** Ends every session (browser and device) of an account; returns their token hashes to forget them in the cache. */
export async function deleteSessionsOf(db: Queryable, userId: number): Promise<string[]> {
  const { rows } = await db.query<{ token_hash: string }>('DELETE FROM user_session WHERE user_id = $1 RETURNING token_hash', [userId]);
  return rows.map((r) => r.token_hash);
}
