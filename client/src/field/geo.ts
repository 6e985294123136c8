/**
 * The phone's position for the whole app: one `watchPosition` while any screen wants it (the map, a report, a
 * verification, a patrol), shared through a tiny store (useSyncExternalStore).
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { Fix } from './position.ts';

export type GeoProblem = 'denied' | 'unavailable' | 'timeout' | 'unsupported';

export interface GeoState {
  fix: Fix | null;
  problem: GeoProblem | null;
  watching: boolean;
}

let state: GeoState = { fix: null, problem: null, watching: false };
const listeners = new Set<() => void>();
const fixListeners = new Set<(f: Fix) => void>();
let users = 0;
let watchId: number | null = null;

function set(p: Partial<GeoState>): void {
  state = { ...state, ...p };
  for (const fn of listeners) fn();
}

function start(): void {
  if (watchId !== null) return;
  if (!('geolocation' in navigator)) {
    set({ problem: 'unsupported' });
    return;
  }
  set({ watching: true });
  watchId = navigator.geolocation.watchPosition(
    (p) => {
      const fix: Fix = { lon: p.coords.longitude, lat: p.coords.latitude, accuracyM: p.coords.accuracy, at: p.timestamp || Date.now() };
      set({ fix, problem: null });
      for (const fn of fixListeners) fn(fix);
    },
    (err) => set({ problem: err.code === err.PERMISSION_DENIED ? 'denied' : err.code === err.TIMEOUT ? 'timeout' : 'unavailable' }),
    { enableHighAccuracy: true, maximumAge: 5_000, timeout: 30_000 },
  );
}

function stop(): void {
  if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
  set({ watching: false });
}

/** Keeps the watch running while `active`; returns the latest fix and any problem. */
export function useGeo(active = true): GeoState {
  useEffect(() => {
    if (!active) return;
    users++;
    start();
    return () => {
      users--;
      if (users === 0) stop();
    };
  }, [active]);
  return useSyncExternalStore(subscribe, snapshot);
}

const subscribe = (fn: () => void) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};
const snapshot = () => state;

/** Every new fix, for the patrol's track (only while someone keeps the watch running). */
export function onFix(fn: (f: Fix) => void): () => void {
  fixListeners.add(fn);
  return () => fixListeners.delete(fn);
}

/** Asks once more after a problem (the worker turned GPS on, or stepped outside). */
export function restartGeo(): void {
  if (users === 0) return;
  stop();
  start();
}

/** The watch's latest fix (null before the first one). */
export const latestFix = (): Fix | null => state.fix;

/** A fix this old is not "where I am now". */
export const FIX_STALE_MS = 2 * 60_000;
export const isFresh = (f: Fix | null, now = Date.now()) => f !== null && now - f.at < FIX_STALE_MS;

/** A fresh fix now (at the moment of a verification), or the latest one when the phone cannot give one in time. */
export function currentFix(timeoutMs = 8_000): Promise<Fix | null> {
  if (!('geolocation' in navigator)) return Promise.resolve(state.fix);
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (p) => {
        const fix: Fix = { lon: p.coords.longitude, lat: p.coords.latitude, accuracyM: p.coords.accuracy, at: p.timestamp || Date.now() };
        set({ fix, problem: null });
        resolve(fix);
      },
      () => resolve(isFresh(state.fix) ? state.fix : null),
      { enableHighAccuracy: true, maximumAge: 0, timeout: timeoutMs },
    );
  });
}
