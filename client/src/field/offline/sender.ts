/** The outbox's way to the server: the app's fetch wrapper with an Idempotency-Key and a time limit per request. */
import type { PhotoUploadResponse } from '@gridcommand/shared/schemas';
import { apiFetch } from '../../api/http.ts';
import type { Sender } from './outbox.ts';

/** a phone on a bad network: give a write this long before calling it lost (the key makes the retry safe) */
const WRITE_TIMEOUT_MS = 30_000;
const UPLOAD_TIMEOUT_MS = 120_000;
const READ_TIMEOUT_MS = 15_000;

export const httpSender: Sender = {
  uploadPhoto: (blob, key) =>
    apiFetch<PhotoUploadResponse>('/api/photos', {
      method: 'POST',
      rawBody: blob,
      headers: { 'idempotency-key': key },
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    }),
  post: (path, body, key) =>
    apiFetch(path, { method: 'POST', body, headers: { 'idempotency-key': key }, signal: AbortSignal.timeout(WRITE_TIMEOUT_MS) }),
  get: (path) => apiFetch(path, { signal: AbortSignal.timeout(READ_TIMEOUT_MS) }),
};
