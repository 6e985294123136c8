/** SQL of patrols, their track points and check-ins. Every value is a $n parameter. */
import type pg from 'pg';
import { storedReal } from '../../db/real.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface PatrolRow {
  id: number;
  user_id: number;
  user_name: string;
  started_at: Date;
  ended_at: Date | null;
  distance_m: number;
  points: number;
  last_lon: number | null;
  last_lat: number | null;
  last_at: Date | null;
  checkins: number;
}

const PATROL_SELECT = `
  SELECT p.id::int AS id, p.user_id, u.display_name AS user_name, p.started_at, p.ended_at, p.distance_m, p.points,
         ST_X(lp.position) AS last_lon, ST_Y(lp.position) AS last_lat, lp.at AS last_at,
         (SELECT count(*)::int FROM checkin c WHERE c.patrol_id = p.id) AS checkins
  FROM patrol p
  JOIN app_user u ON u.id = p.user_id
  LEFT JOIN LATERAL (SELECT pp.position, pp.at FROM patrol_point pp WHERE pp.patrol_id = p.id ORDER BY pp.at DESC LIMIT 1) lp ON true`;

export async function findPatrol(db: Queryable, id: number): Promise<PatrolRow | null> {
  const { rows } = await db.query<PatrolRow>(`${PATROL_SELECT} WHERE p.id = $1`, [id]);
  return rows[0] ?? null;
}

export async function activePatrolOf(db: Queryable, userId: number): Promise<PatrolRow | null> {
  const { rows } = await db.query<PatrolRow>(`${PATROL_SELECT} WHERE p.user_id = $1 AND p.ended_at IS NULL`, [userId]);
  return rows[0] ?? null;
}

export interface PatrolFilter {
  active?: boolean;
  userId?: number;
  limit: number;
}

/** Patrols, most recently started first. */
export async function listPatrols(db: Queryable, f: PatrolFilter): Promise<PatrolRow[]> {
  const { rows } = await db.query<PatrolRow>(
    `${PATROL_SELECT}
     WHERE ($1::boolean IS NULL OR (p.ended_at IS NULL) = $1) AND ($2::int IS NULL OR p.user_id = $2)
     ORDER BY p.started_at DESC, p.id DESC
     LIMIT $3`,
    [f.active ?? null, f.userId ?? null, f.limit],
  );
  return rows;
}

/**
 * The tracks of some patrols for drawing, each thinned to about `maxPoints` points: every n-th point in time
 * order (n = ⌈points / maxPoints⌉), and always the newest.
 */
export async function tracksOf(db: Queryable, patrolIds: readonly number[], maxPoints: number): Promise<Map<number, [number, number][]>> {
  const out = new Map<number, [number, number][]>();
  if (patrolIds.length === 0) return out;
  const { rows } = await db.query<{ patrol_id: number; lon: number; lat: number }>(
    `SELECT t.patrol_id, ST_X(t.position) AS lon, ST_Y(t.position) AS lat
     FROM (SELECT pp.patrol_id::int AS patrol_id, pp.position, pp.at,
                  row_number() OVER (PARTITION BY pp.patrol_id ORDER BY pp.at) AS rn,
                  count(*) OVER (PARTITION BY pp.patrol_id) AS n
           FROM patrol_point pp WHERE pp.patrol_id = ANY($1::bigint[])) t
     WHERE (t.rn - 1) % ceil(t.n::float8 / $2)::int = 0 OR t.rn = t.n
     ORDER BY t.patrol_id, t.at`,
    [patrolIds, maxPoints],
  );
  for (const r of rows) {
    let track = out.get(r.patrol_id);
    if (!track) out.set(r.patrol_id, (track = []));
    track.push([r.lon, r.lat]);
  }
  return out;
}

/** Starts a patrol unless the user has one running (one at a time: patrol_active_uniq); null when one runs. */
export async function insertPatrol(db: Queryable, userId: number, startedAt: Date): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO patrol (user_id, started_at) VALUES ($1, $2)
     ON CONFLICT (user_id) WHERE ended_at IS NULL DO NOTHING
     RETURNING id::int AS id`,
    [userId, startedAt],
  );
  return rows[0]?.id ?? null;
}

export interface LockedPatrol {
  id: number;
  user_id: number;
  started_at: Date;
  ended_at: Date | null;
  distance_m: number;
  points: number;
}

/** The patrol row, locked for this transaction (one batch of points at a time per patrol). */
export async function lockPatrol(db: Queryable, id: number): Promise<LockedPatrol | null> {
  const { rows } = await db.query<LockedPatrol>(
    'SELECT id::int AS id, user_id, started_at, ended_at, distance_m, points FROM patrol WHERE id = $1 FOR UPDATE',
    [id],
  );
  return rows[0] ?? null;
}

export interface StoredPoint {
  lon: number;
  lat: number;
  at: Date;
}

export async function lastPoint(db: Queryable, patrolId: number): Promise<StoredPoint | null> {
  const { rows } = await db.query<StoredPoint>(
    `SELECT ST_X(position) AS lon, ST_Y(position) AS lat, at FROM patrol_point WHERE patrol_id = $1 ORDER BY at DESC LIMIT 1`,
    [patrolId],
  );
  return rows[0] ?? null;
}

export interface NewPoint extends StoredPoint {
  accuracyM: number | null;
}

/** Appends points (an instant already stored is skipped); returns how many were stored. */
export async function insertPoints(db: Queryable, patrolId: number, points: readonly NewPoint[]): Promise<number> {
  if (points.length === 0) return 0;
  const res = await db.query(
    `INSERT INTO patrol_point (patrol_id, at, position, accuracy_m)
     SELECT $1, x.at, ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326), x.acc
     FROM unnest($2::timestamptz[], $3::float8[], $4::float8[], $5::real[]) AS x(at, lon, lat, acc)
     ON CONFLICT (patrol_id, at) DO NOTHING`,
    [patrolId, points.map((p) => p.at), points.map((p) => p.lon), points.map((p) => p.lat), points.map((p) => storedReal(p.accuracyM))],
  );
  return res.rowCount ?? 0;
}

export async function updateTrack(db: Queryable, id: number, distanceM: number, points: number): Promise<void> {
  await db.query('UPDATE patrol SET distance_m = $2, points = $3 WHERE id = $1', [id, distanceM, points]);
}

export async function endPatrol(db: Queryable, id: number, endedAt: Date): Promise<void> {
  await db.query('UPDATE patrol SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL', [id, endedAt]);
}

// ── check-ins ───────────────────────────────────────────────────────────────

export interface CheckinRow {
  id: number;
  patrol_id: number | null;
  user_id: number;
  at: Date;
  lon: number;
  lat: number;
  grid_code: string | null;
  place: string;
  note: string | null;
  photos: string[];
}

/** The user's patrol that was running at `at` (the newest such), if any. */
export async function patrolRunningAt(db: Queryable, userId: number, at: Date): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id::int AS id FROM patrol WHERE user_id = $1 AND started_at <= $2 AND (ended_at IS NULL OR ended_at >= $2)
     ORDER BY started_at DESC LIMIT 1`,
    [userId, at],
  );
  return rows[0]?.id ?? null;
}

export interface NewCheckin {
  patrolId: number | null;
  userId: number;
  at: Date;
  lon: number;
  lat: number;
  accuracyM: number | null;
  gridCode: string | null;
  place: string;
  note: string | null;
  photos: string[];
}

export async function insertCheckin(db: Queryable, c: NewCheckin): Promise<CheckinRow> {
  const { rows } = await db.query<CheckinRow>(
    `INSERT INTO checkin (patrol_id, user_id, at, position, accuracy_m, grid_code, place, note, photos)
     VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326), $6, $7, $8, $9, $10::jsonb)
     RETURNING id::int AS id, patrol_id::int AS patrol_id, user_id, at, ST_X(position) AS lon, ST_Y(position) AS lat,
               grid_code, place, note, photos`,
    [c.patrolId, c.userId, c.at, c.lon, c.lat, storedReal(c.accuracyM), c.gridCode, c.place, c.note, JSON.stringify(c.photos)],
  );
  return rows[0]!;
}
