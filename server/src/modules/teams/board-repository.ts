/**
 * SQL of several teams per case, reservations (预留) and the "who is where" board. Every value is a $n parameter.
 * The writing statements (insertReservation, closeReservation) are called from the writer only.
 */
import type pg from 'pg';
import { gridAtPointSql } from '../areas/grid-at-point.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

// ── reservations ───────────────────────────────────────────────────────────

export interface ReservationRow {
  id: number;
  team_id: number;
  team_code: string;
  team_name: string;
  case_id: number;
  case_code: string;
  reserved_by: number | null;
  reserved_at: Date;
  expires_at: Date;
  note: string | null;
}

const RESERVATION_SELECT = `
  SELECT r.id::int AS id, r.team_id, t.code AS team_code, t.name AS team_name, r.case_id::int AS case_id, c.code AS case_code,
         r.reserved_by, r.reserved_at, r.expires_at, r.note
  FROM team_reservation r JOIN team t ON t.id = r.team_id JOIN cases c ON c.id = r.case_id`;

/** The team's reservation not yet closed (it may have lapsed: compare expires_at with the clock). */
export async function openReservationOfTeam(db: Queryable, teamId: number): Promise<ReservationRow | null> {
  const { rows } = await db.query<ReservationRow>(`${RESERVATION_SELECT} WHERE r.team_id = $1 AND r.closed_at IS NULL`, [teamId]);
  return rows[0] ?? null;
}

/** Active reservations for a case at `at`. */
export async function reservationsOfCase(db: Queryable, caseId: number, at: Date): Promise<ReservationRow[]> {
  const { rows } = await db.query<ReservationRow>(
    `${RESERVATION_SELECT} WHERE r.case_id = $1 AND r.closed_at IS NULL AND r.expires_at > $2 ORDER BY r.id`,
    [caseId, at],
  );
  return rows;
}

export async function insertReservation(
  db: Queryable,
  r: { teamId: number; caseId: number; by: number | null; at: Date; until: Date; note: string | null },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO team_reservation (team_id, case_id, reserved_by, reserved_at, expires_at, note)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::int AS id`,
    [r.teamId, r.caseId, r.by, r.at, r.until, r.note],
  );
  return rows[0]!.id;
}

/** Closes a reservation still open; false when it was closed meanwhile. */
export async function closeReservation(db: Queryable, id: number, at: Date, reason: 'released' | 'dispatched' | 'expired'): Promise<boolean> {
  const res = await db.query(`UPDATE team_reservation SET closed_at = $2, closed_reason = $3 WHERE id = $1 AND closed_at IS NULL`, [id, at, reason]);
  return (res.rowCount ?? 0) === 1;
}

// ── a case's teams ─────────────────────────────────────────────────────────

export interface CaseTeamDistanceRow {
  team_id: number;
  /** geodesic distance from the team's position now to the case (m) */
  m: number | null;
  urban: boolean;
}

/** For each open dispatch of the case: how far its team is from the case now, and the case's urban flag. */
export async function caseTeamDistances(db: Queryable, caseId: number): Promise<CaseTeamDistanceRow[]> {
  const { rows } = await db.query<CaseTeamDistanceRow>(
    `SELECT d.team_id, ST_Distance(t.position::geography, c.location::geography) AS m, coalesce(g.urban, false) AS urban
     FROM dispatch d JOIN team t ON t.id = d.team_id JOIN cases c ON c.id = d.case_id LEFT JOIN area g ON g.code = c.grid_code
     WHERE d.case_id = $1 AND d.finished_at IS NULL AND d.cancelled_at IS NULL`,
    [caseId],
  );
  return rows;
}

// ── the "who is where" board ───────────────────────────────────────────────

export interface BoardRow {
  id: number;
  code: string;
  name: string;
  kind: string;
  status: string;
  lon: number | null;
  lat: number | null;
  position_at: Date | null;
  grid_code: string | null;
  grid_name: string | null;
  street_code: string | null;
  street_name: string | null;
  case_id: number | null;
  case_code: string | null;
  case_role: 'lead' | 'support' | null;
  case_priority: string | null;
  case_status: string | null;
  distance_m: number | null;
  case_urban: boolean | null;
  reservation_id: number | null;
  reservation_case_id: number | null;
  reservation_case_code: string | null;
  reservation_until: Date | null;
  version: number;
}

/**
 * Every team with its place (the grid and street at its position by the one grid-of-point rule), the case of its
 * open dispatch with the role, its distance to that case, and an active reservation at `at`.
 */
export async function boardRows(db: Queryable, f: { kind?: string; status?: string; at: Date }): Promise<BoardRow[]> {
  const { rows } = await db.query<BoardRow>(
    `SELECT t.id, t.code, t.name, t.kind::text AS kind, t.status::text AS status, ST_X(t.position) AS lon, ST_Y(t.position) AS lat,
            t.position_at, t.version, g.code AS grid_code, g.name AS grid_name, g.street_code, st.name AS street_name,
            d.case_id::int AS case_id, c.code AS case_code, d.role AS case_role, c.priority AS case_priority, c.status AS case_status,
            CASE WHEN d.id IS NOT NULL THEN ST_Distance(t.position::geography, c.location::geography) END AS distance_m,
            cg.urban AS case_urban,
            rv.id::int AS reservation_id, rv.case_id::int AS reservation_case_id, rc.code AS reservation_case_code, rv.expires_at AS reservation_until
     FROM team t
     LEFT JOIN LATERAL ${gridAtPointSql('t.position')} g ON true
     LEFT JOIN area st ON st.code = g.street_code
     LEFT JOIN dispatch d ON d.team_id = t.id AND d.finished_at IS NULL AND d.cancelled_at IS NULL
     LEFT JOIN cases c ON c.id = d.case_id
     LEFT JOIN area cg ON cg.code = c.grid_code
     LEFT JOIN team_reservation rv ON rv.team_id = t.id AND rv.closed_at IS NULL AND rv.expires_at > $3
     LEFT JOIN cases rc ON rc.id = rv.case_id
     WHERE ($1::team_kind IS NULL OR t.kind = $1::team_kind) AND ($2::team_status IS NULL OR t.status = $2::team_status)
     ORDER BY t.code`,
    [f.kind ?? null, f.status ?? null, f.at],
  );
  return rows;
}
