/**
 * One bulletin (快报 / 月报 / 季报, docs/bulletins.md) as data: the headline numbers with the change against the
 * previous period, the street and department tables (the indicators' ranking), the worst overdue cases, the
 * carried-over backlog, the trend, and the zero-report findings. The numbers are the indicators module's
 * (rankingStrata, rankingOf, ratesOf, strataOf): the bulletin adds no formula of its own; a period over reads the
 * indicator rollups when they are exact for it.
 */
import {
  BULLETIN_PERIOD_OF,
  HOUR_MS,
  addStratum,
  bulletinPeriod,
  bulletinTitle,
  changeOf,
  clipAt,
  cstDate,
  cstDateKey,
  emptyStratum,
  formatCstIso,
  lastCompletePeriod,
  lastDayOf,
  previousPeriod,
  rankByRate,
  ratio,
  totalOf,
  trendBuckets,
  workingMillisBetween,
  type BulletinKind,
  type StratumCounts,
  type TimeWindow,
} from '@gridcommand/shared/domain';
import { BULLETIN_RATE_KEYS, type Bulletin, type BulletinUnitTable } from '@gridcommand/shared/schemas';
import type pg from 'pg';
import { badRequest, notFound } from '../../plugins/errors.ts';
import { getWorkCalendar } from '../calendar/repository.ts';
import { rankingOf, ratesOf, strataOf } from '../indicators/compute.ts';
import * as indicators from '../indicators/repository.ts';
import { rankingStrataExact } from '../indicators/rollup-repository.ts';
import { missingReports } from '../unit-reports/index.ts';
import * as repo from './repository.ts';

/** how many of the longest-overdue cases a bulletin names */
export const OVERDUE_LIST_SIZE = 10;

/** The period of a request: the one containing `date`, or the last complete one; 400 when it has not begun. */
export function bulletinWindow(kind: BulletinKind, date: string | undefined, now: Date) {
  const p = date ? bulletinPeriod(kind, date) : lastCompletePeriod(kind, cstDateKey(now));
  const w = clipAt({ from: cstDate(p.first), to: cstDate(p.next) }, now);
  if (!w) throw badRequest('BAD_PERIOD', `the period starting ${p.first} has not begun yet`);
  return { period: p, window: w };
}

const rateValue = (s: { n: number; hits: number }) => ({ n: s.n, hits: s.hits, value: ratio(s.hits, s.n) });

/** A street or department table: the ranking's rows (ranked by on-time closure) with the counts and the closure rate. */
function unitTable(rows: indicators.GroupRow[], units: indicators.Named[]): BulletinUnitTable {
  const totals = new Map<string, StratumCounts>();
  for (const r of rows) {
    let s = totals.get(r.group);
    if (!s) totals.set(r.group, (s = emptyStratum()));
    addStratum(s, r.counts);
  }
  const ranked = rankingOf(rows, units);
  const items = ranked.items.map((i) => {
    const s = totals.get(i.code) ?? emptyStratum();
    return { ...i, reported: s.counts.reported, filed: s.counts.filed, closed: s.counts.closed, closure: rateValue(s.shares.closure) };
  });
  const closure = rankByRate(items, (i) => i.closure.value, 'up');
  const named = (t: { code: string; name: string } | null) => (t ? { code: t.code, name: t.name } : null);
  return {
    items: items.map((i) => ({
      rank: i.rank,
      code: i.code,
      name: i.name,
      reported: i.reported,
      filed: i.filed,
      closed: i.closed,
      closure: i.closure,
      onTimeClosure: i.onTimeClosure,
      response: i.response,
      resolution: i.resolution,
      satisfaction: i.satisfaction,
    })),
    best: { ...ranked.best, closure: named(closure.best) },
    worst: { ...ranked.worst, closure: named(closure.worst) },
  };
}

/** The district's counts and rates of a period, from the street groups (every case has a street). */
function districtNumbers(rows: indicators.GroupRow[]) {
  const all = strataOf(rows);
  const counts = totalOf(all.values()).counts;
  const rates = new Map(ratesOf(all, all).map((r) => [r.key, r]));
  return { counts, rates };
}

export async function composeBulletin(pool: pg.Pool, kind: BulletinKind, date: string | undefined, now: Date): Promise<Bulletin> {
  const { period: p, window: w } = bulletinWindow(kind, date, now);
  const prev = previousPeriod(p);
  const pw: TimeWindow = { from: cstDate(prev.first), to: cstDate(prev.next) };
  // the periods over come from the indicator rollups when these are exact (docs/indicators.md#rollups)
  const period = BULLETIN_PERIOD_OF[kind];
  const [district, streets, depts, streetRows, deptRows, prevRows, overdue, backlog, daily, cal, zero] = await Promise.all([
    indicators.districtArea(pool),
    indicators.rankingUnits(pool, 'street'),
    indicators.rankingUnits(pool, 'department'),
    rankingStrataExact(pool, period, w, now, 'street'),
    rankingStrataExact(pool, period, w, now, 'department'),
    rankingStrataExact(pool, period, pw, now, 'street'),
    repo.overdueAt(pool, w.to, OVERDUE_LIST_SIZE),
    repo.backlogByStreet(pool, w.from, w.to),
    kind === 'daily' ? Promise.resolve([]) : repo.dailyCounts(pool, w.from, w.to),
    getWorkCalendar(pool),
    missingReports(pool, w.to),
  ]);
  if (!district) throw notFound('UNIT_NOT_FOUND', 'no district has been imported');

  const cur = districtNumbers(streetRows);
  const before = districtNumbers(prevRows);
  const headline: Bulletin['headline'] = [
    ...(['reported', 'filed', 'closed'] as const).map((k) => ({
      key: k,
      rate: false,
      value: cur.counts[k],
      n: null,
      hits: null,
      previous: before.counts[k],
      change: changeOf(cur.counts[k], before.counts[k], false),
    })),
    ...BULLETIN_RATE_KEYS.map((k) => {
      const r = cur.rates.get(k)!;
      const b = before.rates.get(k)!;
      return { key: k, rate: true, value: r.value, n: r.n, hits: r.hits, previous: b.value, change: changeOf(r.value, b.value, true) };
    }),
  ];

  const byDay = new Map(daily.map((d) => [d.day, d]));
  const trend = trendBuckets(p).map((b) => {
    let reported = 0;
    let closed = 0;
    for (const [day, d] of byDay) {
      if (day >= b.first && day < b.next) {
        reported += d.reported;
        closed += d.closed;
      }
    }
    return { ...b, reported, closed };
  });

  const sum = (k: 'atStart' | 'closedInPeriod' | 'openAtEnd') => backlog.reduce((s, r) => s + r[k], 0);
  return {
    kind,
    title: bulletinTitle(district.name, kind),
    issue: p.issue,
    year: p.year,
    district: { code: district.code, name: district.name },
    period: { first: p.first, last: lastDayOf(p), from: formatCstIso(w.from), to: formatCstIso(w.to) },
    previous: { first: prev.first, last: lastDayOf(prev) },
    partial: w.to.getTime() < cstDate(p.next).getTime(),
    generatedAt: formatCstIso(now),
    headline,
    streets: unitTable(streetRows, streets),
    departments: unitTable(deptRows, depts),
    overdue: {
      total: overdue.total,
      items: overdue.rows.map((r) => ({
        id: r.id,
        code: r.code,
        categoryName: r.categoryName,
        streetCode: r.streetCode,
        streetName: r.streetName,
        holderCode: r.holderCode,
        holderName: r.holderName ?? r.holderCode ?? '—',
        departmentName: r.departmentName,
        resolveBy: formatCstIso(r.resolveBy),
        overdueHours: Math.round((workingMillisBetween(r.resolveBy, w.to, cal) / HOUR_MS) * 10) / 10,
      })),
    },
    backlog: { atStart: sum('atStart'), closedInPeriod: sum('closedInPeriod'), openAtEnd: sum('openAtEnd'), byStreet: backlog },
    trend,
    zeroReport: { asOf: formatCstIso(w.to), items: zero },
  };
}
