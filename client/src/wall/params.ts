/**
 * URL parameters of the wall, so each panel of a video wall can show something different:
 *   mode=overview|overdue|heatmap|teams   pin one mode (default: rotate through all)
 *   rotate=0|SECONDS                      rotation period (default 30; 0 = no rotation)
 *   street=CODE                           focus on one street (9 digits): map view, cases, ticker, numbers
 *   lang=en                               English (default Chinese)
 *   sound=1                               beep on a new emergency (WebAudio; off by default)
 *   staleAfter=SECONDS                    silence before the "data stale" banner (default 30)
 *   reconnectMax=SECONDS                  longest wait between two reconnection attempts (default 30, at least 2)
 *   token=…                               wall display token (see api/http.ts)
 */
export const WALL_MODES = ['overview', 'overdue', 'heatmap', 'teams'] as const;
export type WallMode = (typeof WALL_MODES)[number];

export interface WallParams {
  mode: WallMode | null;
  rotateSeconds: number;
  street: string | null;
  sound: boolean;
  staleAfterSeconds: number;
  /** the live stream's longest retry delay after a lost connection */
  reconnectMaxSeconds: number;
}

export function parseWallParams(search: string): WallParams {
  const q = new URLSearchParams(search);
  const mode = q.get('mode');
  const rotate = q.get('rotate');
  const rotateN = rotate === null ? 30 : Number(rotate);
  const street = q.get('street');
  const stale = Number(q.get('staleAfter') ?? 30);
  const reconnect = Number(q.get('reconnectMax') ?? 30);
  return {
    mode: (WALL_MODES as readonly string[]).includes(mode ?? '') ? (mode as WallMode) : null,
    rotateSeconds: Number.isFinite(rotateN) && rotateN >= 0 ? (rotateN === 0 ? 0 : Math.max(5, rotateN)) : 30,
    street: street && /^\d{9}$/.test(street) ? street : null,
    sound: q.get('sound') === '1',
    staleAfterSeconds: Number.isFinite(stale) && stale >= 1 ? stale : 30,
    reconnectMaxSeconds: Number.isFinite(reconnect) && reconnect >= 2 ? Math.min(reconnect, 300) : 30,
  };
}
