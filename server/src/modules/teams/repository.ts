/** SQL of teams, dispatch records, positions (AVL) and patrol zones. Every user value is a $n parameter. */
import type pg from 'pg';
import { gridAtPointSql, pointOf } from '../areas/grid-at-point.ts';
import { storedReal } from '../../db/real.ts';

export type Queryable = Pick<pg.PoolClient, 'query'>;

export interface TeamRow {
  id: number;
  code: string;
  name: string;
  kind: string;
  status: string;
  home_zone_code: string | null;
  lon: number | null;
  lat: number | null;
  position_at: Date | null;
  member_count: number;
  members: { name: string; role: string }[] | null;
  current_case_id: number | null;
  /** the role of the team's open dispatch */
  current_role: 'lead' | 'support' | null;
  /** the reservation holding the team, when one is active */
  reservation_id: number | null;
  reservation_case_id: number | null;
  reservation_until: Date | null;
  version: number;
}

const TEAM_SELECT = `
  SELECT t.id, t.code, t.name, t.kind::text AS kind, t.status::text AS status, t.home_zone_code,
         ST_X(t.position) AS lon, ST_Y(t.position) AS lat, t.position_at, t.version,
         (SELECT count(*)::int FROM team_member m WHERE m.team_id = t.id) AS member_count,
         CASE WHEN $1::boolean THEN
           (SELECT coalesce(jsonb_agg(jsonb_build_object('name', m.name, 'role', m.role) ORDER BY m.seq), '[]'::jsonb)
            FROM team_member m WHERE m.team_id = t.id)
         END AS members,
         (SELECT d.case_id::int FROM dispatch d WHERE d.team_id = t.id AND d.finished_at IS NULL AND d.cancelled_at IS NULL) AS current_case_id,
         (SELECT d.role FROM dispatch d WHERE d.team_id = t.id AND d.finished_at IS NULL AND d.cancelled_at IS NULL) AS current_role,
         rv.id::int AS reservation_id, rv.case_id::int AS reservation_case_id, rv.expires_at AS reservation_until
  FROM team t
  LEFT JOIN LATERAL (SELECT r.id, r.case_id, r.expires_at FROM team_reservation r
                     WHERE r.team_id = t.id AND r.closed_at IS NULL AND r.expires_at > now()) rv ON true`;

export async function listTeams(
  db: Queryable,
  f: { kind?: string; status?: string; withMembers: boolean },
): Promise<TeamRow[]> {
  const { rows } = await db.query<TeamRow>(
    `${TEAM_SELECT}
     WHERE ($2::team_kind IS NULL OR t.kind = $2::team_kind) AND ($3::team_status IS NULL OR t.status = $3::team_status)
     ORDER BY t.code`,
    [f.withMembers, f.kind ?? null, f.status ?? null],
  );
  return rows;
}

export async function findTeam(db: Queryable, id: number, withMembers = false): Promise<TeamRow | null> {
  const { rows } = await db.query<TeamRow>(`${TEAM_SELECT} WHERE t.id = $2`, [withMembers, id]);
  return rows[0] ?? null;
}

export async function teamsByIds(db: Queryable, ids: number[], withMembers = false): Promise<TeamRow[]> {
  const { rows } = await db.query<TeamRow>(`${TEAM_SELECT} WHERE t.id = ANY($2::int[])`, [withMembers, ids]);
  return rows;
}

/** Locks the teams' rows in id order (every writer of several teams does this first: no deadlocks). */
export async function lockTeams(db: Queryable, ids: number[]): Promise<{ id: number; status: string; version: number }[]> {
  const { rows } = await db.query<{ id: number; status: string; version: number }>(
    `SELECT id, status::text AS status, version FROM team WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return rows;
}

/** Moves a team to a new status if it is in one of `from` (and at `version` when given); null when not. */
export async function setTeamStatus(
  db: Queryable,
  id: number,
  to: string,
  from: readonly string[],
  version?: number,
): Promise<{ version: number } | null> {
  const { rows } = await db.query<{ version: number }>(
    `UPDATE team SET status = $2::team_status, version = version + 1
     WHERE id = $1 AND status = ANY($3::team_status[]) AND ($4::int IS NULL OR version = $4)
     RETURNING version`,
    [id, to, from, version ?? null],
  );
  return rows[0] ?? null;
}

// ── nearest teams (KNN) ─────────────────────────────────────────────────────

export interface CandidateRow {
  id: number;
  /** planar distance in degrees (what the GiST `<->` ordering uses) */
  deg: number;
  /** geodesic distance in metres (the exact re-rank) */
  m: number;
}

/** Leave out teams held by a reservation at `at` for another case than `caseId` (null: for any case). */
export interface HeldFilter {
  at: Date;
  caseId: number | null;
}

/** The SQL condition of HeldFilter over `t` (placeholders: apply?, at, caseId). */
function notHeld(apply: string, at: string, caseId: string): string {
  return `(NOT ${apply}::boolean OR NOT EXISTS (SELECT 1 FROM team_reservation r WHERE r.team_id = t.id AND r.closed_at IS NULL
            AND r.expires_at > ${at}::timestamptz AND r.case_id IS DISTINCT FROM ${caseId}::bigint))`;
}

/**
 * The k·4 nearest teams by the index (`<->` on the GiST index of team.position, planar degrees), each with its
 * exact geodesic distance. The caller re-ranks by metres and checks the result is provably complete.
 */
export async function nearestCandidates(
  db: Queryable,
  p: { lon: number; lat: number; kind?: string; status?: string; limit: number; hold?: HeldFilter },
): Promise<CandidateRow[]> {
  const { rows } = await db.query<CandidateRow>(
    `SELECT c.id, c.deg, ST_Distance(c.position::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS m
     FROM (
       SELECT t.id, t.position, t.position <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) AS deg
       FROM team t
       WHERE t.position IS NOT NULL
         AND ($3::team_kind IS NULL OR t.kind = $3::team_kind)
         AND ($4::team_status IS NULL OR t.status = $4::team_status)
         AND ${notHeld('$6', '$7', '$8')}
       ORDER BY t.position <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)
       LIMIT $5
     ) c`,
    [p.lon, p.lat, p.kind ?? null, p.status ?? null, p.limit, p.hold !== undefined, p.hold?.at ?? null, p.hold?.caseId ?? null],
  );
  return rows;
}

/** Every team within a box around the point, with its geodesic distance (the rare fallback of the KNN). */
export async function teamsInBox(
  db: Queryable,
  p: { lon: number; lat: number; dLon: number; dLat: number; kind?: string; status?: string; hold?: HeldFilter },
): Promise<CandidateRow[]> {
  const { rows } = await db.query<CandidateRow>(
    `SELECT t.id, t.position <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) AS deg,
            ST_Distance(t.position::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS m
     FROM team t
     WHERE t.position && ST_MakeEnvelope($1 - $3, $2 - $4, $1 + $3, $2 + $4, 4326)
       AND ($5::team_kind IS NULL OR t.kind = $5::team_kind)
       AND ($6::team_status IS NULL OR t.status = $6::team_status)
       AND ${notHeld('$7', '$8', '$9')}`,
    [p.lon, p.lat, p.dLon, p.dLat, p.kind ?? null, p.status ?? null, p.hold !== undefined, p.hold?.at ?? null, p.hold?.caseId ?? null],
  );
  return rows;
}

/** Is the point in an urban grid? (ETA speed; the grid of the point by the one rule of areas/grid-at-point.ts) */
export async function urbanAt(db: Queryable, lon: number, lat: number): Promise<boolean> {
  const { rows } = await db.query<{ urban: boolean }>(
    `SELECT g.urban FROM ${gridAtPointSql(pointOf('$1::float8', '$2::float8'))} g`,
    [lon, lat],
  );
  return rows[0]?.urban ?? false;
}

export interface CasePointRow {
  id: number;
  lon: number;
  lat: number;
  status: string;
  team_id: number | null;
  version: number;
  grid_code: string;
  community_code: string;
  zone_code: string;
  street_code: string;
  department_code: string | null;
  code: string;
}

export async function casePoint(db: Queryable, id: number): Promise<CasePointRow | null> {
  const { rows } = await db.query<CasePointRow>(
    `SELECT id::int AS id, code, ST_X(location) AS lon, ST_Y(location) AS lat, status, team_id, version, grid_code, community_code, zone_code,
            street_code, department_code
     FROM cases WHERE id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

// ── dispatch records ───────────────────────────────────────────────────────

export interface DispatchRow {
  id: number;
  case_id: number;
  team_id: number;
  dispatcher_id: number | null;
  dispatched_at: Date;
  arrived_at: Date | null;
  finished_at: Date | null;
  cancelled_at: Date | null;
  distance_m: number | null;
  eta_s: number | null;
  role: 'lead' | 'support';
}

const DISPATCH_COLUMNS = `id::int AS id, case_id::int AS case_id, team_id, dispatcher_id, dispatched_at, arrived_at, finished_at,
  cancelled_at, distance_m, eta_s, role`;

export async function insertDispatch(
  db: Queryable,
  d: {
    caseId: number; teamId: number; dispatcherId: number | null; at: Date; distanceM: number | null; etaS: number | null; note: string | null;
    role: 'lead' | 'support';
  },
): Promise<DispatchRow> {
  const { rows } = await db.query<DispatchRow>(
    `INSERT INTO dispatch (case_id, team_id, dispatcher_id, dispatched_at, distance_m, eta_s, note, role)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${DISPATCH_COLUMNS}`,
    [d.caseId, d.teamId, d.dispatcherId, d.at, d.distanceM, d.etaS, d.note, d.role],
  );
  return rows[0]!;
}

export async function openDispatchOfTeam(db: Queryable, teamId: number): Promise<DispatchRow | null> {
  const { rows } = await db.query<DispatchRow>(
    `SELECT ${DISPATCH_COLUMNS} FROM dispatch WHERE team_id = $1 AND finished_at IS NULL AND cancelled_at IS NULL`,
    [teamId],
  );
  return rows[0] ?? null;
}

/** The open dispatches of a case (its lead and supporting teams), lead first, then by dispatch. */
export async function openDispatchesOfCase(db: Queryable, caseId: number): Promise<DispatchRow[]> {
  const { rows } = await db.query<DispatchRow>(
    `SELECT ${DISPATCH_COLUMNS} FROM dispatch WHERE case_id = $1 AND finished_at IS NULL AND cancelled_at IS NULL
     ORDER BY (role = 'lead') DESC, id`,
    [caseId],
  );
  return rows;
}

export async function stampDispatch(
  db: Queryable,
  id: number,
  field: 'arrived_at' | 'finished_at' | 'cancelled_at',
  at: Date,
): Promise<DispatchRow> {
  // the column name comes from the allow list of the type above, never from input
  const col = ({ arrived_at: 'arrived_at', finished_at: 'finished_at', cancelled_at: 'cancelled_at' } as const)[field];
  const extra = field === 'finished_at' ? ', arrived_at = coalesce(arrived_at, $2)' : '';
  const { rows } = await db.query<DispatchRow>(
    `UPDATE dispatch SET ${col} = $2${extra} WHERE id = $1 RETURNING ${DISPATCH_COLUMNS}`,
    [id, at],
  );
  return rows[0]!;
}

export async function teamDistanceTo(db: Queryable, teamId: number, lon: number, lat: number): Promise<number | null> {
  const { rows } = await db.query<{ m: number | null }>(
    `SELECT ST_Distance(position::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography) AS m FROM team WHERE id = $1`,
    [teamId, lon, lat],
  );
  return rows[0]?.m ?? null;
}

// ── positions ──────────────────────────────────────────────────────────────

export interface PositionInput {
  teamId: number;
  lon: number;
  lat: number;
  at: Date;
  speed: number | null;
  heading: number | null;
}

export interface MovedTeam {
  id: number;
  lon: number;
  lat: number;
  at: Date;
  status: string;
  speed: number | null;
  heading: number | null;
}

/**
 * Stores positions in one statement: history rows for every position newer than the team's last stored one,
 * and the team's current position moved to the newest. Returns the count stored and the teams moved.
 * The caller has locked the teams' rows (lockTeams) so that the comparison with position_at holds.
 */
export async function storePositions(db: Queryable, items: PositionInput[]): Promise<{ accepted: number; moved: MovedTeam[] }> {
  const payload = JSON.stringify(
    items.map((p, i) => ({ ord: i, team_id: p.teamId, lon: p.lon, lat: p.lat, at: p.at.toISOString(), speed: storedReal(p.speed), heading: storedReal(p.heading) })),
  );
  const { rows } = await db.query<{ accepted: number; moved: MovedTeam[] | null }>(
    `WITH input AS (
       SELECT x.* FROM jsonb_to_recordset($1::jsonb) AS x(ord int, team_id int, lon float8, lat float8, at timestamptz, speed real, heading real)
     ),
     fresh AS (
       SELECT DISTINCT ON (i.team_id, i.at) i.*
       FROM input i JOIN team t ON t.id = i.team_id
       WHERE t.position_at IS NULL OR i.at > t.position_at
       ORDER BY i.team_id, i.at, i.ord DESC
     ),
     hist AS (
       INSERT INTO team_position (team_id, at, position, speed_kmh, heading)
       SELECT team_id, at, ST_SetSRID(ST_MakePoint(lon, lat), 4326), speed, heading FROM fresh
       ON CONFLICT (team_id, at) DO NOTHING
       RETURNING 1
     ),
     latest AS (
       SELECT DISTINCT ON (team_id) * FROM fresh ORDER BY team_id, at DESC
     ),
     moved AS (
       UPDATE team t SET position = ST_SetSRID(ST_MakePoint(l.lon, l.lat), 4326), position_at = l.at
       FROM latest l WHERE t.id = l.team_id
       RETURNING t.id, l.lon, l.lat, l.at, t.status::text AS status, l.speed, l.heading
     )
     SELECT (SELECT count(*)::int FROM hist) AS accepted,
            (SELECT jsonb_agg(jsonb_build_object('id', id, 'lon', lon, 'lat', lat, 'at', at, 'status', status,
                                                 'speed', speed, 'heading', heading) ORDER BY id) FROM moved) AS moved`,
    [payload],
  );
  const r = rows[0]!;
  return { accepted: r.accepted, moved: (r.moved ?? []).map((m) => ({ ...m, at: new Date(m.at) })) };
}

export async function lastPositionAt(db: Queryable, teamId: number): Promise<Date | null> {
  const { rows } = await db.query<{ position_at: Date | null }>('SELECT position_at FROM team WHERE id = $1', [teamId]);
  return rows[0]?.position_at ?? null;
}

/** Deletes history older than the retention; returns rows deleted. */
export async function prunePositions(db: Queryable, keepDays: number): Promise<number> {
  const res = await db.query(`DELETE FROM team_position WHERE at < now() - make_interval(days => $1::int)`, [keepDays]);
  return res.rowCount ?? 0;
}

// ── device tokens ──────────────────────────────────────────────────────────

export async function insertDeviceToken(db: Queryable, hash: string, teamId: number, createdBy: number): Promise<void> {
  await db.query('INSERT INTO team_device_token (token_hash, team_id, created_by) VALUES ($1, $2, $3)', [hash, teamId, createdBy]);
}

export async function teamOfDeviceToken(db: Queryable, hash: string): Promise<number | null> {
  const { rows } = await db.query<{ team_id: number }>(
    'SELECT team_id FROM team_device_token WHERE token_hash = $1 AND revoked_at IS NULL',
    [hash],
  );
  return rows[0]?.team_id ?? null;
}

// ── grids: roster ──────────────────────────────────────────────────────────

export interface RosterRow {
  id: string;
  name: string;
  role: string;
  phone: string;
  responsible: boolean;
}

export async function gridExists(db: Queryable, code: string): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM area WHERE code = $1 AND level = 'grid'`, [code]);
  return (rowCount ?? 0) > 0;
}

export async function roster(db: Queryable, gridCode: string): Promise<RosterRow[]> {
  const { rows } = await db.query<RosterRow>(
    `SELECT s.id, s.name, s.role::text AS role, s.phone, gs.responsible
     FROM grid_staff gs JOIN staff s ON s.id = gs.staff_id
     WHERE gs.grid_code = $1 ORDER BY gs.responsible DESC, s.role, s.id`,
    [gridCode],
  );
  return rows;
}

export async function logStaffPhoneAccess(db: Queryable, userId: number, gridCode: string, route: string): Promise<void> {
  await db.query(
    `INSERT INTO personal_data_access (user_id, subject, fields, route) VALUES ($1, $2, ARRAY['staffPhone'], $3)`,
    [userId, `grid:${gridCode}`, route],
  );
}

export * from './zones-repository.ts';
export * from './board-repository.ts';
