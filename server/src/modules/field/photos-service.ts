/**
 * Photo upload as one step: the bytes are inspected (photos-image.ts: type from the content, dimensions, a full
 * decode that makes the thumbnail, EXIF date and position), the files are written under the upload folder
 * (photos-storage.ts, atomically), then the row is inserted. A photo is named by the SHA-256 of its bytes, so the
 * same bytes sent twice (an offline queue retrying after a lost answer) store nothing new and answer the same id.
 * A crash between the files and the row leaves files without a row: the next upload of those bytes reuses them;
 * no row ever names a file that is not there.
 */
import type pg from 'pg';
import type { PhotoUploadResponse } from '@gridcommand/shared/schemas';
import type { AuthUser } from '../auth/repository.ts';
import { inspectPhoto } from './photos-image.ts';
import { findPhoto, insertPhoto, type PhotoRow } from './photos-repository.ts';
import type { PhotoStore } from './photos-storage.ts';

export const photoUrl = (id: string) => `/api/photos/${id}`;
export const thumbUrl = (id: string) => `/api/photos/${id}/thumb`;

export function presentPhoto(r: PhotoRow, existing: boolean): PhotoUploadResponse {
  return {
    id: r.id,
    url: photoUrl(r.id),
    thumbUrl: thumbUrl(r.id),
    mime: r.mime,
    bytes: r.bytes,
    width: r.width,
    height: r.height,
    takenAt: r.taken_at ? r.taken_at.toISOString() : null,
    gps: r.lon !== null && r.lat !== null ? { lon: r.lon, lat: r.lat } : null,
    existing,
  };
}

export async function uploadPhoto(pool: pg.Pool, store: PhotoStore, user: AuthUser, bytes: Buffer): Promise<{ status: 200 | 201; body: PhotoUploadResponse }> {
  const photo = await inspectPhoto(bytes);
  const known = await findPhoto(pool, photo.id);
  if (known && (await store.has(photo.id, 'original')) && (await store.has(photo.id, 'thumb'))) {
    return { status: 200, body: presentPhoto(known, true) };
  }
  await store.put(photo.id, bytes, photo.thumb);
  const inserted = await insertPhoto(pool, {
    id: photo.id,
    mime: photo.mime,
    bytes: photo.bytes,
    width: photo.width,
    height: photo.height,
    takenAt: photo.takenAt,
    gps: photo.gps,
    uploadedBy: user.id,
  });
  if (inserted) return { status: 201, body: presentPhoto(inserted, false) };
  // uploaded at the same moment by another request: the same bytes, the same row
  const row = await findPhoto(pool, photo.id);
  return { status: 200, body: presentPhoto(row!, true) };
}
