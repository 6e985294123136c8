/**
 * The audit trail's SQL: rows of audit_log written by record.ts, and the timeline read as one UNION ALL of three
 * sources, each filtered and limited on its own indexes before they are merged (newest first, keyset paging):
 *   a  audit_log             logins, tokens, keys, settings… (with the address)
 *   e  event                 case and team changes with their acting user (position pings left out)
 *   p  personal_data_access  reads of staff phones and reporters' names and phones
 */
import type pg from 'pg';

export type Queryable = Pick<pg.PoolClient, 'query'>;

export interface AuditInsert {
  userId: number | null;
  username: string | null;
  role: string | null;
  address: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  detail: Record<string, unknown>;
}

export async function insertAudit(db: Queryable, r: AuditInsert): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (user_id, username, role, address, action, object_type, object_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
    [r.userId, r.username, r.role, r.address, r.action, r.objectType, r.objectId, JSON.stringify(r.detail)],
  );
}

export interface UserRef {
  id: number;
  username: string;
}

export async function findUser(db: Queryable, by: { id: number } | { username: string }): Promise<UserRef | null> {
  const { rows } =
    'id' in by
      ? await db.query<UserRef>('SELECT id, username FROM app_user WHERE id = $1', [by.id])
      : await db.query<UserRef>('SELECT id, username FROM app_user WHERE lower(username) = $1', [by.username.toLowerCase()]);
  return rows[0] ?? null;
}

export type Source = 'a' | 'e' | 'p';

/** Where a page starts: strictly older than this row in the order (at, source, id) descending. */
export interface Cursor {
  atUs: string;
  src: Source;
  id: string;
}

export interface TimelineFilters {
  /** rows of this user (null: a user filter that matches no account: only failed logins under `username`) */
  userId?: number | null;
  /** audit rows under this login name (lower case) */
  username?: string;
  /** the actions of each source to keep; absent: all */
  actions?: { a: readonly string[]; e: readonly string[]; p: readonly string[] };
  /** event types that are never shown */
  eventTypes: readonly string[];
  objectType?: string;
  objectId?: string;
  from?: Date;
  to?: Date;
  area?: string;
}

export interface TimelineRow {
  src: Source;
  id: string;
  at: Date;
  at_us: string;
  user_id: number | null;
  username: string | null;
  role: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  address: string | null;
  detail: Record<string, unknown> | null;
  from_state: string | null;
  to_state: string | null;
  note: string | null;
  fields: string[] | null;
  route: string | null;
}

/** The code after `code` among codes of its length ('110105009' → '110105010'); null after all nines. */
export function nextCode(code: string): string | null {
  if (/^9+$/.test(code)) return null;
  return (BigInt(code) + 1n).toString().padStart(code.length, '0');
}

class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

const AT_OF = (p: string) => `('epoch'::timestamptz + ${p}::bigint * interval '1 microsecond')`;

/** The keyset condition of one source, whose rows all carry `src`. */
function keyset(params: Params, src: Source, c: Cursor, at: string, id: string): string {
  const cAt = AT_OF(params.add(c.atUs));
  if (src < c.src) return `${at} <= ${cAt}`;
  if (src > c.src) return `${at} < ${cAt}`;
  return `${at} <= ${cAt} AND (${at}, ${id}) < (${cAt}, ${params.add(c.id)}::bigint)`;
}

const NO_ROWS = 'false';

function auditBranch(params: Params, f: TimelineFilters, c: Cursor | null, limit: string): string | null {
  const w: string[] = [];
  if (f.area !== undefined) return null;
  if (f.actions) {
    if (f.actions.a.length === 0) return null;
    w.push(`a.action = ANY(${params.add(f.actions.a)}::text[])`);
  }
  if (f.userId !== undefined || f.username !== undefined) {
    const or: string[] = [];
    if (f.userId !== undefined && f.userId !== null) or.push(`a.user_id = ${params.add(f.userId)}`);
    if (f.username !== undefined) or.push(`lower(a.username) = ${params.add(f.username)}`);
    w.push(or.length > 0 ? `(${or.join(' OR ')})` : NO_ROWS);
  }
  if (f.objectType !== undefined) w.push(`a.object_type = ${params.add(f.objectType)}`);
  if (f.objectId !== undefined) w.push(`a.object_id = ${params.add(f.objectId)}`);
  if (f.from) w.push(`a.at >= ${params.add(f.from)}`);
  if (f.to) w.push(`a.at < ${params.add(f.to)}`);
  if (c) w.push(keyset(params, 'a', c, 'a.at', 'a.id'));
  return `(SELECT 'a'::text AS src, a.id, a.at, a.user_id, a.username, a.role, a.action, a.object_type, a.object_id, a.address,
            a.detail, NULL::text AS from_state, NULL::text AS to_state, NULL::text AS note, NULL::text[] AS fields, NULL::text AS route
     FROM audit_log a ${w.length > 0 ? `WHERE ${w.join(' AND ')}` : ''}
     ORDER BY a.at DESC, a.id DESC LIMIT ${limit})`;
}

function eventBranch(params: Params, f: TimelineFilters, c: Cursor | null, limit: string): string | null {
  const types = f.actions ? f.actions.e : f.eventTypes;
  if (types.length === 0) return null;
  const w = [`e.type = ANY(${params.add(types)}::text[])`];
  if (f.userId !== undefined) {
    if (f.userId === null) return null;
    w.push(`e.actor_id = ${params.add(f.userId)}`);
  }
  if (f.objectType !== undefined) {
    if (f.objectType !== 'case' && f.objectType !== 'team') return null;
    if (f.objectId !== undefined) {
      if (!/^[1-9][0-9]{0,17}$/.test(f.objectId)) return null;
      w.push(f.objectType === 'case' ? `e.case_id = ${params.add(f.objectId)}::bigint` : `e.team_id = ${params.add(f.objectId)}::bigint`);
    } else w.push(f.objectType === 'case' ? 'e.case_id IS NOT NULL' : 'e.case_id IS NULL AND e.team_id IS NOT NULL');
  } else if (f.objectId !== undefined) return null;
  if (f.area !== undefined) {
    if (f.area.length === 9) w.push(`e.street_code = ${params.add(f.area)}`);
    else {
      const hi = nextCode(f.area);
      w.push(`e.grid_code >= ${params.add(f.area)}`);
      if (hi) w.push(`e.grid_code < ${params.add(hi)}`);
      w.push(`left(e.grid_code, ${f.area.length}) = ${params.add(f.area)}`);
    }
  }
  if (f.from) w.push(`e.at >= ${params.add(f.from)}`);
  if (f.to) w.push(`e.at < ${params.add(f.to)}`);
  if (c) w.push(keyset(params, 'e', c, 'e.at', 'e.id'));
  return `(SELECT 'e'::text AS src, e.id, e.at, e.actor_id AS user_id, NULL::text AS username, e.actor_role AS role, e.type AS action,
            CASE WHEN e.case_id IS NOT NULL THEN 'case' WHEN e.team_id IS NOT NULL THEN 'team' END AS object_type,
            COALESCE(e.case_id::text, e.team_id::text) AS object_id, NULL::text AS address, NULL::jsonb AS detail,
            e.from_state, e.to_state, e.note, NULL::text[] AS fields, NULL::text AS route
     FROM event e WHERE ${w.join(' AND ')}
     ORDER BY e.at DESC, e.id DESC LIMIT ${limit})`;
}

function personalBranch(params: Params, f: TimelineFilters, c: Cursor | null, limit: string): string | null {
  const w: string[] = [];
  // the action of a read: its own column would be the same rule written twice; it is small and derived here
  const action = `CASE WHEN 'staffPhone' = ANY(p.fields) THEN 'staff_phone.read' ELSE 'personal_data.read' END`;
  if (f.actions) {
    if (f.actions.p.length === 0) return null;
    w.push(`${action} = ANY(${params.add(f.actions.p)}::text[])`);
  }
  if (f.userId !== undefined) {
    if (f.userId === null) return null;
    w.push(`p.user_id = ${params.add(f.userId)}`);
  }
  if (f.objectType !== undefined) w.push(`split_part(p.subject, ':', 1) = ${params.add(f.objectType)}`);
  if (f.objectId !== undefined) w.push(`split_part(p.subject, ':', 2) = ${params.add(f.objectId)}`);
  if (f.area !== undefined) w.push(`starts_with(p.subject, ${params.add(`grid:${f.area}`)})`);
  if (f.from) w.push(`p.at >= ${params.add(f.from)}`);
  if (f.to) w.push(`p.at < ${params.add(f.to)}`);
  if (c) w.push(keyset(params, 'p', c, 'p.at', 'p.id'));
  return `(SELECT 'p'::text AS src, p.id, p.at, p.user_id, NULL::text AS username, NULL::text AS role, ${action} AS action,
            split_part(p.subject, ':', 1) AS object_type, split_part(p.subject, ':', 2) AS object_id, NULL::text AS address,
            NULL::jsonb AS detail, NULL::text AS from_state, NULL::text AS to_state, NULL::text AS note, p.fields, p.route
     FROM personal_data_access p ${w.length > 0 ? `WHERE ${w.join(' AND ')}` : ''}
     ORDER BY p.at DESC, p.id DESC LIMIT ${limit})`;
}

/** One page of the timeline, newest first: at most `limit` rows older than `cursor`. */
export async function timeline(db: Queryable, f: TimelineFilters, cursor: Cursor | null, limit: number): Promise<TimelineRow[]> {
  const params = new Params();
  const lim = params.add(limit);
  const branches = [auditBranch(params, f, cursor, lim), eventBranch(params, f, cursor, lim), personalBranch(params, f, cursor, lim)].filter(
    (b): b is string => b !== null,
  );
  if (branches.length === 0) return [];
  const { rows } = await db.query<TimelineRow>(
    `SELECT t.src, t.id::text AS id, t.at, (extract(epoch FROM t.at) * 1000000)::bigint::text AS at_us, t.user_id,
            COALESCE(u.username, t.username) AS username, COALESCE(t.role, u.role) AS role, t.action, t.object_type,
            t.object_id, t.address, t.detail, t.from_state, t.to_state, t.note, t.fields, t.route
     FROM (${branches.join('\n     UNION ALL\n     ')}) t
     LEFT JOIN app_user u ON u.id = t.user_id
     ORDER BY t.at DESC, t.src DESC, t.id DESC
     LIMIT ${lim}`,
    params.values,
  );
  return rows;
}
