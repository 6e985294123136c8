/**
 * What an uploaded photo is, read from its bytes alone (the Content-Type and any file name are ignored): JPEG, PNG
 * or WebP by their signature and by libvips (sharp) reading the header; pixel dimensions within bounds (a small
 * file may declare a gigantic image: a decompression bomb); then one full decode that makes the thumbnail — a
 * truncated or corrupt file fails there. The EXIF date and position of the original are read with exifr.
 * Everything here happens before anything is written.
 */
import crypto from 'node:crypto';
import type sharpType from 'sharp';
import { PHOTO_MIME_TYPES } from '@gridcommand/shared/schemas';
import { cstDate, isDateKey, parseCstInstant } from '@gridcommand/shared/domain';
import { HttpError, badRequest } from '../../plugins/errors.ts';

export type PhotoMime = (typeof PHOTO_MIME_TYPES)[number];

/** Longest side and pixel count a photo may have (a 12,000 px side is far beyond any phone camera). */
export const MAX_PHOTO_SIDE_PX = 12_000;
export const MAX_PHOTO_PIXELS = 50_000_000;
/** The thumbnail: long edge, JPEG quality. */
export const THUMB_EDGE_PX = 480;
export const THUMB_QUALITY = 75;
/** EXIF dates outside [2000-01-01, now + 1 day] are camera clocks never set: not kept. */
const EARLIEST_TAKEN_AT = Date.UTC(2000, 0, 1);
const TAKEN_AT_SLACK_MS = 86_400_000;

export interface InspectedPhoto {
  /** SHA-256 of the bytes, hex */
  id: string;
  mime: PhotoMime;
  bytes: number;
  /** as displayed (EXIF orientation applied) */
  width: number;
  height: number;
  takenAt: Date | null;
  gps: { lon: number; lat: number } | null;
  /** the thumbnail, JPEG without metadata */
  thumb: Buffer;
}

const unsupported = (message: string) => new HttpError(415, 'UNSUPPORTED_PHOTO', message);

const FORMATS: Record<string, PhotoMime> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/** The format a file's first bytes announce, among the accepted ones; null for anything else. */
/** sharp (libvips) and exifr load on the first photo, not at every start of the server. */
let sharpModule: typeof sharpType | null = null;
async function loadSharp(): Promise<typeof sharpType> {
  sharpModule ??= (await import('sharp')).default;
  return sharpModule;
}

export function sniffFormat(buf: Buffer): 'jpeg' | 'png' | 'webp' | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

const SHARP_INPUT = { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'warning', sequentialRead: true } as const;

export async function inspectPhoto(buf: Buffer): Promise<InspectedPhoto> {
  if (buf.length === 0) throw badRequest('EMPTY_PHOTO', 'the request body is empty: send the photo bytes');
  const signature = sniffFormat(buf);
  if (!signature) throw unsupported('not a JPEG, PNG or WebP image (photos are recognised by their content, not by name or Content-Type)');

  const sharp = await loadSharp();
  let meta: Awaited<ReturnType<ReturnType<typeof sharpType>['metadata']>>;
  try {
    meta = await sharp(buf, SHARP_INPUT).metadata();
  } catch {
    throw unsupported(`the ${signature.toUpperCase()} image cannot be read (corrupt or truncated)`);
  }
  const mime = meta.format ? FORMATS[meta.format] : undefined;
  if (!mime || meta.format !== signature) throw unsupported('not a JPEG, PNG or WebP image');
  const rawW = meta.width ?? 0;
  const rawH = meta.height ?? 0;
  if (rawW <= 0 || rawH <= 0) throw unsupported('the image has no dimensions');
  if (rawW > MAX_PHOTO_SIDE_PX || rawH > MAX_PHOTO_SIDE_PX || rawW * rawH > MAX_PHOTO_PIXELS) {
    throw new HttpError(
      413,
      'PHOTO_DIMENSIONS',
      `the image is ${rawW} × ${rawH} px: at most ${MAX_PHOTO_SIDE_PX} px a side and ${MAX_PHOTO_PIXELS / 1_000_000} megapixels`,
    );
  }

  let thumb: Buffer;
  try {
    thumb = await sharp(buf, SHARP_INPUT)
      .rotate()
      .resize({ width: THUMB_EDGE_PX, height: THUMB_EDGE_PX, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: THUMB_QUALITY })
      .toBuffer();
  } catch {
    throw unsupported(`the ${signature.toUpperCase()} image cannot be decoded (corrupt or truncated)`);
  }

  const { takenAt, gps } = await readExif(buf);
  return {
    id: crypto.createHash('sha256').update(buf).digest('hex'),
    mime,
    bytes: buf.length,
    width: meta.autoOrient?.width ?? rawW,
    height: meta.autoOrient?.height ?? rawH,
    takenAt,
    gps,
    thumb,
  };
}

interface ExifFields {
  DateTimeOriginal?: unknown;
  CreateDate?: unknown;
  OffsetTimeOriginal?: unknown;
  OffsetTime?: unknown;
  latitude?: unknown;
  longitude?: unknown;
}

const EXIF_DATE_RE = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/;
const OFFSET_RE = /^[+-]\d{2}:\d{2}$/;

/**
 * An EXIF date-time ('2025:10:09 08:30:00'): with its offset tag when the camera wrote one, otherwise a wall
 * clock in China Standard Time (the district's time). Null when unreadable or implausible.
 */
export function exifInstant(value: unknown, offset: unknown, now = Date.now()): Date | null {
  if (typeof value !== 'string') return null;
  const m = EXIF_DATE_RE.exec(value.trim());
  if (!m) return null;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  const [hh, mm, ss] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (!isDateKey(day) || hh > 23 || mm > 59 || ss > 59) return null;
  const clock = `${m[4]}:${m[5]}`;
  let at: Date | null;
  if (typeof offset === 'string' && OFFSET_RE.test(offset.trim())) {
    at = parseCstInstant(`${day}T${clock}:${String(ss).padStart(2, '0')}${offset.trim()}`);
  } else {
    at = new Date(cstDate(day, clock).getTime() + ss * 1000);
  }
  if (!at || at.getTime() < EARLIEST_TAKEN_AT || at.getTime() > now + TAKEN_AT_SLACK_MS) return null;
  return at;
}

/** A GPS position from EXIF; null when absent, out of range or the (0, 0) of a receiver without a fix. */
export function exifPosition(lon: unknown, lat: unknown): { lon: number; lat: number } | null {
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90 || (lon === 0 && lat === 0)) return null;
  return { lon, lat };
}

async function readExif(buf: Buffer): Promise<{ takenAt: Date | null; gps: { lon: number; lat: number } | null }> {
  let tags: ExifFields | undefined;
  try {
    const { default: exifr } = await import('exifr');
    tags = (await exifr.parse(buf, {
      pick: ['DateTimeOriginal', 'CreateDate', 'OffsetTimeOriginal', 'OffsetTime', 'GPSLatitude', 'GPSLatitudeRef', 'GPSLongitude', 'GPSLongitudeRef'],
      reviveValues: false,
    })) as ExifFields | undefined;
  } catch {
    // metadata that cannot be parsed is no metadata: the photo itself decoded fine
    tags = undefined;
  }
  if (!tags) return { takenAt: null, gps: null };
  const takenAt =
    exifInstant(tags.DateTimeOriginal, tags.OffsetTimeOriginal) ?? exifInstant(tags.CreateDate, tags.OffsetTime ?? tags.OffsetTimeOriginal);
  return { takenAt, gps: exifPosition(tags.longitude, tags.latitude) };
}
