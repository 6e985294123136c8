/** SQL of photos (the table `photo`; the files are in photos-storage.ts). Every value is a $n parameter. */
import type pg from 'pg';
import type { PhotoMime } from './photos-image.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface PhotoRow {
  id: string;
  mime: PhotoMime;
  bytes: number;
  width: number;
  height: number;
  taken_at: Date | null;
  lon: number | null;
  lat: number | null;
  uploaded_by: number | null;
  created_at: Date;
}

const PHOTO_COLUMNS = `id, mime, bytes, width, height, taken_at, ST_X(gps) AS lon, ST_Y(gps) AS lat, uploaded_by, created_at`;

export interface NewPhoto {
  id: string;
  mime: PhotoMime;
  bytes: number;
  width: number;
  height: number;
  takenAt: Date | null;
  gps: { lon: number; lat: number } | null;
  uploadedBy: number;
}

/** Inserts the photo unless one with the same id exists; returns the new row, or null when it existed. */
export async function insertPhoto(db: Queryable, p: NewPhoto): Promise<PhotoRow | null> {
  const { rows } = await db.query<PhotoRow>(
    `INSERT INTO photo (id, mime, bytes, width, height, taken_at, gps, uploaded_by)
     VALUES ($1, $2, $3, $4, $5, $6,
             CASE WHEN $7::float8 IS NULL OR $8::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($7, $8), 4326) END, $9)
     ON CONFLICT (id) DO NOTHING
     RETURNING ${PHOTO_COLUMNS}`,
    [p.id, p.mime, p.bytes, p.width, p.height, p.takenAt, p.gps?.lon ?? null, p.gps?.lat ?? null, p.uploadedBy],
  );
  return rows[0] ?? null;
}

export async function findPhoto(db: Queryable, id: string): Promise<PhotoRow | null> {
  const { rows } = await db.query<PhotoRow>({ name: 'gc_photo_by_id', text: `SELECT ${PHOTO_COLUMNS} FROM photo WHERE id = $1`, values: [id] });
  return rows[0] ?? null;
}

/** The ids among `ids` that name no stored photo. */
export async function missingPhotos(db: Queryable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT x.id FROM unnest($1::text[]) WITH ORDINALITY AS x(id, i)
     WHERE NOT EXISTS (SELECT 1 FROM photo p WHERE p.id = x.id) ORDER BY x.i`,
    [ids],
  );
  return rows.map((r) => r.id);
}
