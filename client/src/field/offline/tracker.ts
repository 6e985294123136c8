/**
 * A patrol's track on the phone: positions from watchPosition are thinned with the shared `keepTrackPoint` rule
 * (battery and data friendly) and handed on in batches of `TRACK_SAMPLING.batchSize`. The first point goes at once
 * (the center sees the worker set off), and a part batch goes when its oldest point has waited `maxWaitMs`, so the
 * center's map never lags far behind. The state is plain data, kept on disk by the caller between points.
 */
import { keepTrackPoint, TRACK_SAMPLING } from '@gridcommand/shared/domain';
import type { TrackPoint } from '@gridcommand/shared/schemas';
import type { Fix } from '../position.ts';

export interface TrackerState {
  /** the last point kept */
  last: Fix | null;
  /** kept points not handed on yet */
  buffer: TrackPoint[];
  /** points handed on so far */
  sent: number;
}

export const EMPTY_TRACK: TrackerState = { last: null, buffer: [], sent: 0 };

/** Fixes worse than this are not put on the track (a phone indoors can be off by kilometres). */
export const MAX_TRACK_ACCURACY_M = 150;
/** A part batch waits at most this long. */
export const MAX_BATCH_WAIT_MS = 120_000;

function toPoint(f: Fix): TrackPoint {
  return {
    lon: Math.round(f.lon * 1e6) / 1e6,
    lat: Math.round(f.lat * 1e6) / 1e6,
    at: new Date(f.at).toISOString(),
    ...(f.accuracyM !== undefined ? { accuracyM: Math.round(f.accuracyM * 10) / 10 } : {}),
  };
}

export interface TrackStep {
  state: TrackerState;
  /** points to send now (empty: nothing to send) */
  batch: TrackPoint[];
}

/** One position from the phone: whether it is kept, and whether a batch is due. */
export function trackFix(s: TrackerState, f: Fix, maxWaitMs = MAX_BATCH_WAIT_MS): TrackStep {
  if (f.accuracyM !== undefined && f.accuracyM > MAX_TRACK_ACCURACY_M) return { state: s, batch: [] };
  const first = s.last === null && s.sent === 0;
  const next: TrackerState = keepTrackPoint(s.last, f) ? { ...s, last: f, buffer: [...s.buffer, toPoint(f)] } : s;
  const oldest = next.buffer[0];
  const waited = oldest !== undefined && f.at - Date.parse(oldest.at) >= maxWaitMs;
  if (next.buffer.length > 0 && (first || next.buffer.length >= TRACK_SAMPLING.batchSize || waited)) return drainTrack(next);
  return { state: next, batch: [] };
}

/** Hands on what is buffered (the patrol stops, or a batch is due). */
export function drainTrack(s: TrackerState): TrackStep {
  return { state: { ...s, buffer: [], sent: s.sent + s.buffer.length }, batch: s.buffer };
}
