/**
 * Where a report is: the worker's pick on the map wins; then the phone's GPS fix; when the phone gives no position
 * (a cellar, GPS off, refused) or only a very poor one, the position written in a photo's EXIF by the camera.
 */
// the smallest build of exifr: the GPS tags of a JPEG is all the phone needs
import * as exifr from 'exifr/dist/mini.esm.mjs';
import type { FieldPosition } from '@gridcommand/shared/schemas';

export interface Fix {
  lon: number;
  lat: number;
  accuracyM?: number | undefined;
  /** ms since the epoch */
  at: number;
}

export interface LonLat {
  lon: number;
  lat: number;
}

/** A fix worse than this is used only when nothing better is there. */
export const POOR_FIX_M = 500;

export interface PositionInputs {
  picked: LonLat | null;
  gps: Fix | null;
  /** from the first photo that has one */
  exif: LonLat | null;
}

export function choosePosition({ picked, gps, exif }: PositionInputs): FieldPosition | null {
  if (picked) return { lon: picked.lon, lat: picked.lat, source: 'map' };
  const fromGps = (g: Fix): FieldPosition => ({
    lon: g.lon,
    lat: g.lat,
    source: 'gps',
    at: new Date(g.at).toISOString(),
    ...(g.accuracyM !== undefined ? { accuracyM: Math.round(g.accuracyM) } : {}),
  });
  if (gps && (gps.accuracyM === undefined || gps.accuracyM <= POOR_FIX_M)) return fromGps(gps);
  if (exif) return { lon: exif.lon, lat: exif.lat, source: 'exif' };
  return gps ? fromGps(gps) : null;
}

type GpsReader = (data: Blob | ArrayBuffer | Uint8Array) => Promise<{ latitude?: number; longitude?: number } | undefined>;

/** exifr's `gps`, whether the package came in as ES module or CommonJS. */
function gpsReader(): GpsReader {
  const ns = exifr as unknown as { gps?: GpsReader; default?: { gps?: GpsReader } };
  const fn = ns.gps ?? ns.default?.gps;
  if (!fn) throw new Error('exifr.gps missing');
  return fn;
}

/** The GPS position a camera wrote into a photo, or null (no EXIF, no GPS, not a JPEG, unreadable). */
export async function photoGps(data: Blob | ArrayBuffer | Uint8Array): Promise<LonLat | null> {
  try {
    const g = await gpsReader()(data);
    const lat = g?.latitude;
    const lon = g?.longitude;
    if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return null;
    return { lon, lat };
  } catch {
    return null;
  }
}
