/**
 * The periods of the leaders' bulletins (快报 / 月报 / 季报, docs/bulletins.md): a daily bulletin covers one CST day, a
 * monthly one a calendar month, a quarterly one a quarter; the default is the last complete period; the issue number
 * (第N期) is the period's ordinal in its year; the previous period is the one compared with; monthly and quarterly
 * bulletins carry a trend by day or by week. Pure: the caller passes the days.
 */
import { addCstDays, cstDate, cstDayIndex, cstWeekday, dayKeyOfIndex, type DateKey } from './china-time.ts';
import { periodDays, type CalendarPeriod } from './indicators-windows.ts';

export const BULLETIN_KINDS = ['daily', 'monthly', 'quarterly'] as const;
export type BulletinKind = (typeof BULLETIN_KINDS)[number];

/** The calendar period of each kind of bulletin. */
export const BULLETIN_PERIOD_OF: Readonly<Record<BulletinKind, CalendarPeriod>> = { daily: 'day', monthly: 'month', quarterly: 'quarter' };

export const BULLETIN_TITLES: Record<BulletinKind, { 'zh-CN': string; en: string }> = {
  daily: { 'zh-CN': '快报', en: 'Daily bulletin' },
  monthly: { 'zh-CN': '月报', en: 'Monthly bulletin' },
  quarterly: { 'zh-CN': '季报', en: 'Quarterly bulletin' },
};

export function isBulletinKind(v: unknown): v is BulletinKind {
  return typeof v === 'string' && (BULLETIN_KINDS as readonly string[]).includes(v);
}

export interface BulletinPeriod {
  kind: BulletinKind;
  /** the first CST day of the period and the first day of the next one */
  first: DateKey;
  next: DateKey;
  /** 第N期: the period's ordinal in its year (day of the year, month, quarter) */
  issue: number;
  year: number;
}

/** The bulletin period of `kind` containing the CST day `day`. */
export function bulletinPeriod(kind: BulletinKind, day: DateKey): BulletinPeriod {
  const { first, next } = periodDays(BULLETIN_PERIOD_OF[kind], day);
  const year = Number(first.slice(0, 4));
  const month = Number(first.slice(5, 7));
  const issue = kind === 'daily' ? cstDayIndex(cstDate(first).getTime()) - cstDayIndex(cstDate(`${first.slice(0, 4)}-01-01`).getTime()) + 1 : kind === 'monthly' ? month : (month + 2) / 3;
  return { kind, first, next, issue, year };
}

/** The last complete period before the CST day `today`: yesterday, last month, last quarter. */
export function lastCompletePeriod(kind: BulletinKind, today: DateKey): BulletinPeriod {
  const current = bulletinPeriod(kind, today);
  return bulletinPeriod(kind, addCstDays(current.first, -1));
}

/** The period before `p`: what its trend arrows compare with. */
export function previousPeriod(p: BulletinPeriod): BulletinPeriod {
  return bulletinPeriod(p.kind, addCstDays(p.first, -1));
}

/** The last CST day of a period (for labels: 2026-11-01 — 2026-11-30). */
export function lastDayOf(p: Pick<BulletinPeriod, 'next'>): DateKey {
  return addCstDays(p.next, -1);
}

export interface TrendBucket {
  /** first day of the bucket (a day, or a Monday-to-Sunday week cut to the period) and the first day after it */
  first: DateKey;
  next: DateKey;
}

/** The trend's buckets: none for a daily bulletin, days for a monthly one, weeks (Monday first, cut) for a quarterly one. */
export function trendBuckets(p: BulletinPeriod): TrendBucket[] {
  if (p.kind === 'daily') return [];
  const out: TrendBucket[] = [];
  const end = cstDayIndex(cstDate(p.next).getTime());
  let d = cstDayIndex(cstDate(p.first).getTime());
  while (d < end) {
    const day = dayKeyOfIndex(d);
    const len = p.kind === 'monthly' ? 1 : 7 - ((cstWeekday(cstDate(day)) + 6) % 7);
    const stop = Math.min(end, d + len);
    out.push({ first: day, next: dayKeyOfIndex(stop) });
    d = stop;
  }
  return out;
}

export interface Change {
  /** now − before: in percentage points for rates, in cases for counts; null when either is unknown */
  delta: number | null;
  /** ↑ / ↓ / → (no change); null when unknown */
  arrow: '↑' | '↓' | '→' | null;
}

/** The change against the previous period; rates (0…1) in percentage points to one decimal, counts as they are. */
export function changeOf(now: number | null, before: number | null, rate: boolean): Change {
  if (now === null || before === null) return { delta: null, arrow: null };
  const delta = rate ? Math.round((now - before) * 1000) / 10 : now - before;
  return { delta, arrow: delta > 0 ? '↑' : delta < 0 ? '↓' : '→' };
}

/** The bulletin's title: 「XX区网格化服务管理工作快报」. */
export function bulletinTitle(districtName: string, kind: BulletinKind): string {
  return `${districtName}网格化服务管理工作${BULLETIN_TITLES[kind]['zh-CN']}`;
}
