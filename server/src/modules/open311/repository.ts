/** SQL of Open311: the catalogue as services, API keys, the requests filed through it, and reads of cases. */
import type pg from 'pg';
import type { AuthUser } from '../auth/repository.ts';

type Queryable = Pick<pg.Pool, 'query'>;

/** The service account Open311 files cases as (migration 011); null when it is missing. */
export async function open311Account(db: Queryable): Promise<AuthUser | null> {
  const { rows } = await db.query<{ id: number; username: string; display_name: string; role: AuthUser['role']; department_code: string | null; staff_id: string | null; grid_codes: string[] | null }>(
    `SELECT id, username, display_name, role, department_code, staff_id, grid_codes FROM app_user WHERE username = $1`,
    ['open311'],
  );
  const r = rows[0];
  if (!r) return null;
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role, departmentCode: r.department_code, staffId: r.staff_id, gridCodes: r.grid_codes ?? [], unitCode: null, unitKind: null };
}

// ---------------------------------------------------------------- services

export interface ServiceRow {
  code: string;
  name: string;
  name_en: string;
  major_code: string;
  major_name: string;
  major_name_en: string;
  closing_condition: string;
}

const SERVICE_SELECT = `
  SELECT c.code, c.name, c.name_en, c.major_code, m.name AS major_name, m.name_en AS major_name_en, c.closing_condition
  FROM category c JOIN category_major m ON m.code = c.major_code`;

export async function services(db: Queryable): Promise<ServiceRow[]> {
  return (await db.query<ServiceRow>(`${SERVICE_SELECT} ORDER BY c.code`)).rows;
}

export async function service(db: Queryable, code: string): Promise<ServiceRow | null> {
  return (await db.query<ServiceRow>(`${SERVICE_SELECT} WHERE c.code = $1`, [code])).rows[0] ?? null;
}

// ---------------------------------------------------------------- API keys

export interface ApiKeyRow {
  id: number;
  name: string;
  rate_per_minute: number;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const KEY_COLUMNS = 'id::int AS id, name, rate_per_minute, created_at, revoked_at, last_used_at';

export async function insertKey(db: Queryable, k: { name: string; hash: string; ratePerMinute: number; createdBy: number }): Promise<ApiKeyRow> {
  const { rows } = await db.query<ApiKeyRow>(
    `INSERT INTO api_key (name, key_hash, rate_per_minute, created_by) VALUES ($1, $2, $3, $4) RETURNING ${KEY_COLUMNS}`,
    [k.name, k.hash, k.ratePerMinute, k.createdBy],
  );
  return rows[0]!;
}

export async function listKeys(db: Queryable): Promise<ApiKeyRow[]> {
  return (await db.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_key ORDER BY id`)).rows;
}

/** Revokes a key (a revoked one keeps its first revocation time); null when there is no such key. */
export async function revokeKey(db: Queryable, id: number): Promise<ApiKeyRow | null> {
  const { rows } = await db.query<ApiKeyRow>(
    `UPDATE api_key SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
    [id],
  );
  return rows[0] ?? null;
}

/** The key with this SHA-256, revoked or not; stamps its last use (at most once a minute). */
export async function keyByHash(db: Queryable, hash: string): Promise<ApiKeyRow | null> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_key WHERE key_hash = $1`, [hash]);
  const k = rows[0] ?? null;
  if (k && !k.revoked_at && (!k.last_used_at || Date.now() - k.last_used_at.getTime() > 60_000)) {
    await db.query('UPDATE api_key SET last_used_at = now() WHERE id = $1', [k.id]);
  }
  return k;
}

// ---------------------------------------------------------------- requests

export async function insertRequest(db: Queryable, r: { caseId: number; apiKeyId: number; mediaUrl: string | null }): Promise<void> {
  await db.query('INSERT INTO open311_request (case_id, api_key_id, media_url) VALUES ($1, $2, $3)', [r.caseId, r.apiKeyId, r.mediaUrl]);
}

/** What Open311 shows of a case: no reporter, no team, no internal notes. */
export interface RequestRow {
  code: string;
  status: string;
  category_code: string;
  category_name: string;
  category_name_en: string;
  closing_condition: string;
  description: string;
  department_name: string | null;
  department_name_en: string | null;
  reported_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  voided_at: Date | null;
  resolve_by: Date;
  address: string | null;
  lon: number;
  lat: number;
  grid_lon: number | null;
  grid_lat: number | null;
  grid_name: string;
  community_name: string;
  street_name: string;
  photos: unknown;
  media_url: string | null;
}

const REQUEST_SELECT = `
  SELECT c.code, c.status, c.category_code, cat.name AS category_name, cat.name_en AS category_name_en, cat.closing_condition,
         c.description, d.name AS department_name, d.name_en AS department_name_en,
         c.reported_at, c.updated_at, c.closed_at, c.voided_at, c.resolve_by, c.address,
         ST_X(c.location) AS lon, ST_Y(c.location) AS lat, ST_X(g.label_point) AS grid_lon, ST_Y(g.label_point) AS grid_lat,
         g.name AS grid_name, cm.name AS community_name, s.name AS street_name, c.photos, o.media_url
  FROM cases c
  JOIN category cat ON cat.code = c.category_code
  JOIN area g ON g.code = c.grid_code
  JOIN area cm ON cm.code = c.community_code
  JOIN area s ON s.code = c.street_code
  LEFT JOIN department d ON d.code = c.department_code
  LEFT JOIN open311_request o ON o.case_id = c.id`;

export interface RequestQuery {
  /** case codes; when given, the other filters are ignored */
  codes?: string[];
  serviceCodes?: string[];
  /** case states to include */
  states?: string[];
  from?: Date;
  to?: Date;
  limit: number;
}

export async function requests(db: Queryable, q: RequestQuery): Promise<RequestRow[]> {
  // only what the public filed (the web page, Open311): staff-written cases may name people in their text
  const where: string[] = ["c.source = 'public'"];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.codes) add('c.code = ANY(?::text[])', q.codes);
  else {
    if (q.serviceCodes) add('c.category_code = ANY(?::text[])', q.serviceCodes);
    if (q.states) add('c.status = ANY(?::text[])', q.states);
    if (q.from) add('c.reported_at >= ?', q.from);
    if (q.to) add('c.reported_at <= ?', q.to);
  }
  params.push(q.limit);
  const sql = `${REQUEST_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.reported_at DESC, c.id DESC LIMIT $${params.length}`;
  return (await db.query<RequestRow>(sql, params)).rows;
}
