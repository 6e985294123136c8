/** SQL of household visits (走访) and of the areas a field record is filed under. Every value is a $n parameter. */
import type pg from 'pg';

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface VisitRow {
  id: number;
  user_id: number;
  visit_date: string;
  household: string;
  note: string | null;
  grid_code: string | null;
  created_at: Date;
}

const VISIT_COLUMNS = `id::int AS id, user_id, to_char(visit_date, 'YYYY-MM-DD') AS visit_date, household, note, grid_code, created_at`;

export interface NewVisit {
  userId: number;
  date: string;
  household: string;
  note: string | null;
  lon: number | null;
  lat: number | null;
  gridCode: string | null;
}

export async function insertVisit(db: Queryable, v: NewVisit): Promise<VisitRow> {
  const { rows } = await db.query<VisitRow>(
    `INSERT INTO household_visit (user_id, visit_date, household, note, position, grid_code)
     VALUES ($1, $2::date, $3, $4,
             CASE WHEN $5::float8 IS NULL OR $6::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($5, $6), 4326) END, $7)
     RETURNING ${VISIT_COLUMNS}`,
    [v.userId, v.date, v.household, v.note, v.lon, v.lat, v.gridCode],
  );
  return rows[0]!;
}

export interface VisitFilter {
  from?: string;
  to?: string;
  userId?: number;
  limit: number;
}

/** Visits, latest date first. */
export async function listVisits(db: Queryable, f: VisitFilter): Promise<VisitRow[]> {
  const { rows } = await db.query<VisitRow>(
    `SELECT ${VISIT_COLUMNS} FROM household_visit
     WHERE ($1::date IS NULL OR visit_date >= $1::date) AND ($2::date IS NULL OR visit_date <= $2::date)
       AND ($3::int IS NULL OR user_id = $3)
     ORDER BY visit_date DESC, id DESC
     LIMIT $4`,
    [f.from ?? null, f.to ?? null, f.userId ?? null, f.limit],
  );
  return rows;
}

/** A grid by its code with its street (null for a code that names no grid). */
export async function findGrid(db: Queryable, gridCode: string): Promise<{ code: string; street_code: string | null } | null> {
  const { rows } = await db.query<{ code: string; street_code: string | null }>(
    `SELECT code, street_code FROM area WHERE code = $1 AND level = 'grid'`,
    [gridCode],
  );
  return rows[0] ?? null;
}
