/**
 * Hooks the browser tests read on the dispatch page (in addition to the map's `__GC__` / `__GC_READY__`):
 * - `__GC_DISPATCH__.ready()` — map drawn, teams and queues loaded;
 * - `liveConnected()` — the live stream is open;
 * - `teamStatus(code)` — the status the page shows for a team;
 * - `selectGrid(code)`, `selectCase(id, gridCode)` — what a click on the map does;
 * - `patrolTracks()` — grid workers on patrol whose track the map draws (two points or more).
 */
export interface DispatchTestApi {
  ready(): boolean;
  liveConnected(): boolean;
  teamStatus(code: string): string | null;
  selectGrid(code: string): void;
  selectCase(id: number, gridCode: string): void;
  patrolTracks(): number;
}

declare global {
  interface Window {
    __GC_DISPATCH__?: DispatchTestApi;
  }
}

export function exposeDispatchHooks(api: DispatchTestApi): DispatchTestApi {
  window.__GC_DISPATCH__ = api;
  return api;
}
