/**
 * Hooks the browser tests read on the phone app:
 * - `__GC_FIELD__.ready()` — the first screen is drawn (sign-in, or Today with the worker's data);
 * - `signedIn()` — whose app it is (null: the sign-in screen);
 * - `outbox()` — pending and failed entries, and whether it is sending;
 * - `liveConnected()` — the live stream is open;
 * - `swControlled()` — the page is controlled by the service worker.
 */
export interface FieldTestApi {
  ready(): boolean;
  signedIn(): number | null;
  outbox(): { pending: number; failed: number; sending: boolean; sent: number };
  liveConnected(): boolean;
  swControlled(): boolean;
}

declare global {
  interface Window {
    __GC_FIELD__?: FieldTestApi;
  }
}

export const fieldTestState = { ready: false, userId: null as number | null, live: false };

export function exposeFieldHooks(api: FieldTestApi): void {
  window.__GC_FIELD__ = api;
}
