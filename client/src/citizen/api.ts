/**
 * The public API as the citizen's pages use it: no login; this phone's device id (random, kept in localStorage)
 * on every write; one Idempotency-Key per submission so that a double tap or a retry never files twice.
 */
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import type {
  LocateResponse,
  PhotoUploadResponse,
  PublicFollowBody,
  PublicNearbyResponse,
  PublicRatingBody,
  PublicReceipt,
  PublicReportBody,
  PublicTrack,
} from '@gridcommand/shared/schemas';
import type { Rating } from '@gridcommand/shared/domain';
import { ApiError, apiFetch } from '../api/http.ts';
import { uuid } from '../field/offline/uuid.ts';

export { useCategories } from '../api/queries.ts';

const DEVICE_KEY = 'gc.citizen.device';
const MINE_KEY = 'gc.citizen.codes';
const MINE_MAX = 20;
let memoryDevice: string | null = null;

function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** This phone's id for the site (^[A-Za-z0-9_-]{16,64}$), made once. */
export function deviceId(): string {
  try {
    const kept = localStorage.getItem(DEVICE_KEY);
    if (kept && /^[A-Za-z0-9_-]{16,64}$/.test(kept)) return kept;
    const id = randomId();
    localStorage.setItem(DEVICE_KEY, id);
    return id;
  } catch {
    memoryDevice ??= randomId();
    return memoryDevice;
  }
}

/** Tracking codes received on this phone, newest first (shown on /track). */
export interface MyReport {
  code: string;
  display: string;
  at: string;
}

export function myReports(): MyReport[] {
  try {
    const v = JSON.parse(localStorage.getItem(MINE_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is MyReport => typeof x?.code === 'string' && typeof x?.display === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberReport(r: PublicReceipt): void {
  try {
    const next = [{ code: r.trackingCode, display: r.trackingCodeDisplay, at: new Date().toISOString() }, ...myReports().filter((m) => m.code !== r.trackingCode)];
    localStorage.setItem(MINE_KEY, JSON.stringify(next.slice(0, MINE_MAX)));
  } catch {
    /* storage off */
  }
}

const device = () => ({ 'x-gc-device': deviceId() });

export function useLocate(p: { lon: number; lat: number } | null) {
  return useQuery({
    queryKey: ['citizen', 'locate', p?.lon, p?.lat],
    queryFn: ({ signal }) => apiFetch<LocateResponse>(`/api/locate?lon=${p!.lon}&lat=${p!.lat}`, { signal }),
    enabled: p !== null,
    staleTime: Infinity,
    retry: (n, err) => !(err instanceof ApiError && err.statusCode >= 400 && err.statusCode < 500) && n < 2,
  });
}

export function useNearby(p: { lon: number; lat: number } | null, category: string | null) {
  return useQuery({
    queryKey: ['citizen', 'nearby', p?.lon, p?.lat, category],
    queryFn: ({ signal }) => apiFetch<PublicNearbyResponse>(`/api/public/nearby?lon=${p!.lon}&lat=${p!.lat}&category=${category}`, { signal }),
    enabled: p !== null && category !== null,
    staleTime: 30_000,
    retry: false,
  });
}

export function useTrack(code: string | null) {
  return useQuery({
    queryKey: ['citizen', 'track', code],
    queryFn: ({ signal }) => apiFetch<PublicTrack>(`/api/public/track/${code}`, { signal, headers: device() }),
    enabled: code !== null,
    retry: (n, err) => !(err instanceof ApiError && err.statusCode >= 400 && err.statusCode < 500) && n < 2,
  });
}

export function uploadPhoto(blob: Blob): Promise<PhotoUploadResponse> {
  return apiFetch<PhotoUploadResponse>('/api/public/photos', { method: 'POST', rawBody: blob, headers: device() });
}

export function submitReport(body: PublicReportBody, idempotencyKey: string): Promise<PublicReceipt> {
  return apiFetch<PublicReceipt>('/api/public/cases', { method: 'POST', body, headers: { ...device(), 'idempotency-key': idempotencyKey } });
}

export function followCase(caseCode: string, body: PublicFollowBody, idempotencyKey: string): Promise<PublicReceipt> {
  return apiFetch<PublicReceipt>(`/api/public/cases/${encodeURIComponent(caseCode)}/follow`, {
    method: 'POST',
    body,
    headers: { ...device(), 'idempotency-key': idempotencyKey },
  });
}

export function rate(code: string, rating: Rating, comment: string): Promise<{ rating: Rating; reopened: boolean; track: PublicTrack }> {
  const body: PublicRatingBody = { rating, ...(comment.trim() ? { comment: comment.trim() } : {}) };
  return apiFetch(`/api/public/track/${code}/rating`, { method: 'POST', body, headers: device() });
}

/**
 * One Idempotency-Key per submission: the same key while the same thing is sent again (a retry, a double tap), a
 * new one as soon as what is sent changes.
 */
export function idempotency(): (body: unknown) => string {
  let last: { json: string; key: string } | null = null;
  return (body) => {
    const json = JSON.stringify(body);
    if (!last || last.json !== json) last = { json, key: uuid() };
    return last.key;
  };
}

/** What to tell the citizen about a failed call, in their words. */
export function errorText(err: unknown, t: TFunction): string {
  if (err instanceof ApiError) {
    if (err.isNetwork) return t('submit.network');
    if (err.statusCode === 429) return t('submit.retryIn', { s: err.retryAfterS ?? 60 });
    if (err.code === 'OUTSIDE_DISTRICT') return t('place.outside');
    return t('submit.failed', { message: err.message });
  }
  return t('submit.failed', { message: err instanceof Error ? err.message : String(err) });
}
