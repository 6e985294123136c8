/**
 * Rules of the grid worker's work in the field: how close a verification must be to its case, how near a report
 * must be to an open case to be asked "is it one of these?", how a patrol's track is sampled, and distances.
 */

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres between two WGS 84 points (haversine; well within a metre at district scale). */
export function distanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Length of a track in metres (the sum of its legs). */
export function trackLengthM(points: readonly { lon: number; lat: number }[]): number {
  let total = 0;
  for (let i = 1; i < points.length; i++) total += distanceM(points[i - 1]!, points[i]!);
  return total;
}

/**
 * A verification on site is taken where the verifier stands. It is flagged (shown to the center, not refused) when
 * no position came with it, or when the verifier was farther from the case than the allowed distance: 300 m, or
 * twice the phone's stated accuracy when that is larger, but never more than 1 km.
 */
export const VERIFY_NEAR_M = 300;
export const VERIFY_FAR_CAP_M = 1_000;

export type VerificationFlag = 'far' | 'no_position';

export function allowedVerifyDistanceM(accuracyM: number | null | undefined): number {
  const acc = accuracyM ?? 0;
  return Math.min(VERIFY_FAR_CAP_M, Math.max(VERIFY_NEAR_M, 2 * acc));
}

export function assessVerification(distance: number | null, accuracyM: number | null | undefined): { flagged: boolean; flagReason: VerificationFlag | null } {
  if (distance === null || !Number.isFinite(distance)) return { flagged: true, flagReason: 'no_position' };
  return distance > allowedVerifyDistanceM(accuracyM) ? { flagged: true, flagReason: 'far' } : { flagged: false, flagReason: null };
}

/** Open cases of the same category this close to a new report are offered as possible duplicates. */
export const DUPLICATE_RADIUS_M = 50;

/**
 * Track sampling on the phone (battery-friendly): keep a point when the worker has moved at least this far since the
 * last kept one, or this much time has passed; send the kept points in batches.
 */
export const TRACK_SAMPLING = { minDistanceM: 25, maxIntervalS: 60, minIntervalS: 10, batchSize: 20 } as const;

/** Whether a new position is worth keeping after the last kept one. */
export function keepTrackPoint(
  last: { lon: number; lat: number; at: number } | null,
  next: { lon: number; lat: number; at: number },
): boolean {
  if (!last) return true;
  const dt = (next.at - last.at) / 1000;
  if (dt < TRACK_SAMPLING.minIntervalS) return false;
  return dt >= TRACK_SAMPLING.maxIntervalS || distanceM(last, next) >= TRACK_SAMPLING.minDistanceM;
}
