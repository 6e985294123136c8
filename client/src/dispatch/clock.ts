/**
 * A case's light and time left, from the clocks the server computed at intake (respondBy/resolveBy and their
 * warn/red instants) through the shared rules: the light is the shared `lightFor`, the deadline shown is the
 * clock that decides it (respond while nobody has accepted, resolve after).
 */
import { lightFor, type CaseState, type Light } from '@gridcommand/shared/domain';
import type { Case } from '@gridcommand/shared/schemas';

export interface CaseClock {
  light: Light;
  /** the deadline that matters now */
  due: Date;
  clock: 'respond' | 'resolve';
  /** ms until the deadline; negative when overdue */
  leftMs: number;
}

const d = (s: string | null, fallback: string) => new Date(s ?? fallback);

export function caseClock(c: Case, now: Date): CaseClock {
  const responded = c.acceptedAt !== null || c.status === 'in_progress';
  const clocks = {
    respondBy: new Date(c.respondBy),
    respondWarnAt: d(c.respondWarnAt, c.respondBy),
    respondRedAt: d(c.respondRedAt, c.respondBy),
    resolveBy: new Date(c.resolveBy),
    resolveWarnAt: d(c.resolveWarnAt, c.resolveBy),
    resolveRedAt: d(c.resolveRedAt, c.resolveBy),
  };
  const light = lightFor({ state: c.status as CaseState, respondedAt: c.acceptedAt ? new Date(c.acceptedAt) : null, clocks }, now);
  // the respond clock decides while nobody has accepted and it ends first
  const useRespond = !responded && clocks.respondBy.getTime() <= clocks.resolveBy.getTime();
  const due = useRespond ? clocks.respondBy : clocks.resolveBy;
  return { light, due, clock: useRespond ? 'respond' : 'resolve', leftMs: due.getTime() - now.getTime() };
}

/** "2小时15分" / "2h 15m"; days beyond 48 h. */
export function formatDuration(ms: number, lang: string): string {
  const abs = Math.abs(ms);
  const min = Math.floor(abs / 60_000);
  const h = Math.floor(min / 60);
  const m = min % 60;
  const zh = lang.startsWith('zh');
  if (h >= 48) {
    const days = Math.floor(h / 24);
    const hh = h % 24;
    return zh ? `${days}天${hh ? `${hh}小时` : ''}` : `${days}d ${hh ? `${hh}h` : ''}`.trim();
  }
  if (h > 0) return zh ? `${h}小时${m}分` : `${h}h ${m}m`;
  return zh ? `${Math.max(m, 0)}分钟` : `${Math.max(m, 0)}m`;
}

export function formatAge(ms: number, lang: string): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return lang.startsWith('zh') ? `${s}秒前` : `${s}s ago`;
  return lang.startsWith('zh') ? `${formatDuration(ms, lang)}前` : `${formatDuration(ms, lang)} ago`;
}

export function formatEta(s: number, lang: string): string {
  const min = Math.max(1, Math.round(s / 60));
  return lang.startsWith('zh') ? `约${min}分钟` : `~${min} min`;
}

export function formatDistance(m: number): string {
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(m < 10_000 ? 1 : 0)} km`;
}
