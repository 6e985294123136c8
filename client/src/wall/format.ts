/** Number, rate, age and China-time formatting of the wall (the command center is in China whatever the PC's zone). */
import { cstDateKey, cstWeekday, formatCstTime, toPercent } from '@gridcommand/shared/domain';

export function fmtInt(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('zh-CN') : '—';
}

export function fmtRate(r: number | null | undefined): string {
  const p = toPercent(r ?? null, 1);
  return p === null ? '—' : `${p.toFixed(1)}`;
}

/** "12m", "5h", "3d" */
export function ageText(ms: number): string {
  const h = Math.max(0, Math.floor(ms / 3600_000));
  if (h < 1) return `${Math.max(0, Math.floor(ms / 60_000))}m`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** CST calendar and clock parts of an instant. */
export function cstParts(ms: number) {
  const [y, m, d] = cstDateKey(ms).split('-').map(Number) as [number, number, number];
  const [hh, mm, ss] = formatCstTime(ms, true).split(':') as [string, string, string];
  return { y, m, d, wd: cstWeekday(ms), hh, mm, ss };
}

export function rgba(c: readonly number[]): string {
  return `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${(c[3] ?? 255) / 255})`;
}
