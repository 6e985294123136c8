/**
 * The statistics numbers against an independent computation: JS over the rows of `cases` with the domain's
 * formulas (shared/src/domain/indicators.ts), on a seeded history with a pinned clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  areaFeatureId,
  casesPer10k,
  closureRate,
  cstDateKey,
  onTimeClosureRate,
  overdueRate,
  periodClosureCounts,
  periodWindow,
  worstLight,
  type Light,
} from '@gridcommand/shared/domain';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { NOW, OPEN, inWindow, statsWorld, type CaseRowT, type StatsWorld } from './stats-helpers.ts';

let w: StatsWorld;

beforeAll(async () => {
  w = await statsWorld();
});
afterAll(async () => {
  await w?.close();
});

/** Everything the endpoints report about a set of cases over [from, to), computed in JS. */
function expected(cases: CaseRowT[], from: Date, to: Date) {
  const rep = cases.filter((c) => inWindow(c.reportedAt, from, to));
  const open = cases.filter((c) => OPEN.has(c.status));
  const counts = periodClosureCounts(
    cases.map((c) => ({ resolveBy: c.resolveBy, closedAt: c.closedAt, voided: c.status === 'void', parked: c.status === 'parked' })),
    from,
    to,
  );
  return {
    reported: rep.length,
    filed: cases.filter((c) => inWindow(c.filedAt, from, to)).length,
    closed: cases.filter((c) => inWindow(c.closedAt, from, to)).length,
    inProgress: rep.filter((c) => !['closed', 'void', 'parked'].includes(c.status)).length,
    escalated: rep.filter((c) => c.escalationLevel > 0).length,
    dueToClose: counts.dueToClose,
    closedOfDue: counts.closed,
    closedOnTime: counts.closedOnTime,
    closureRate: closureRate(counts),
    onTimeClosureRate: onTimeClosureRate(counts),
    overdue: open.filter((c) => c.light === 'yellow' || c.light === 'red').length,
    supervised: cases.filter((c) => c.supervised).length,
    openTotal: open.length,
    byLight: {
      green: open.filter((c) => c.light === 'green').length,
      due_soon: open.filter((c) => c.light === 'due_soon').length,
      yellow: open.filter((c) => c.light === 'yellow').length,
      red: open.filter((c) => c.light === 'red').length,
    },
    emergenciesOpen: open.filter((c) => c.priority === 'emergency').length,
  };
}

function close(a: number | null, b: number | null) {
  if (b === null) expect(a).toBeNull();
  else expect(a).toBeCloseTo(b, 12);
}

describe('GET /api/stats/overview', () => {
  it.each(['today', 'month', '7d', '30d'] as const)('period=%s matches the domain formulas over the rows', async (period) => {
    const body = await w.json(`/api/stats/overview?period=${period}`);
    const from = new Date(body.from);
    const to = new Date(body.to);
    expect(to.toISOString()).toBe(NOW.toISOString());
    const want = expected(w.cases, from, to);
    const { closureRate: cr, onTimeClosureRate: otr, ...counts } = want;
    expect(body).toMatchObject({ period, ...counts });
    close(body.closureRate, cr);
    close(body.onTimeClosureRate, otr);
    // the history is rich enough for every number to mean something
    expect(body.reported).toBeGreaterThan(0);
    expect(body.dueToClose).toBeGreaterThan(0);
    expect(body.overdue).toBeGreaterThan(0);
    expect(body.openTotal).toBe(body.byLight.green + body.byLight.due_soon + body.byLight.yellow + body.byLight.red);
  });

  it('periods start where China Standard Time says', async () => {
    const today = await w.json('/api/stats/overview?period=today');
    expect(today.from).toBe('2026-11-19T16:00:00.000Z'); // 20 Nov 00:00 CST
    const month = await w.json('/api/stats/overview?period=month');
    expect(month.from).toBe('2026-10-31T16:00:00.000Z'); // 1 Nov 00:00 CST
    // the last 7 / 30 CST calendar days, today included: from 00:00 CST six / 29 days ago (not 168 / 720 hours)
    const d7 = await w.json('/api/stats/overview?period=7d');
    expect(d7.from).toBe('2026-11-13T16:00:00.000Z'); // 14 Nov 00:00 CST
    const d30 = await w.json('/api/stats/overview?period=30d');
    expect(d30.from).toBe('2026-10-21T16:00:00.000Z'); // 22 Oct 00:00 CST
    for (const p of [today, month, d7, d30]) {
      expect(p.to).toBe(NOW.toISOString());
      // the same window the client computes from the same function
      expect(p.from).toBe(periodWindow(p.period, NOW).from.toISOString());
    }
    const def = await w.json('/api/stats/overview');
    expect(def.period).toBe('today');
  });

  it('open overdue cases lower the rates: the backlog is in the denominator', async () => {
    const body = await w.json('/api/stats/overview?period=today');
    const inPeriodOnly = w.cases.filter(
      (c) => inWindow(c.resolveBy, new Date(body.from), new Date(body.to)) && c.status !== 'void' && c.status !== 'parked',
    ).length;
    expect(body.dueToClose).toBeGreaterThan(inPeriodOnly);
  });

  it('street=… restricts every number to that street', async () => {
    const street = w.cases[0]!.streetCode;
    const body = await w.json(`/api/stats/overview?period=30d&street=${street}`);
    const want = expected(
      w.cases.filter((c) => c.streetCode === street),
      new Date(body.from),
      new Date(body.to),
    );
    const { closureRate: cr, onTimeClosureRate: otr, ...counts } = want;
    expect(body).toMatchObject(counts);
    close(body.closureRate, cr);
    close(body.onTimeClosureRate, otr);
  });
});

describe('GET /api/stats/streets', () => {
  it('lists all 22 streets with their numbers, ranked by on-time closure rate', async () => {
    const body = await w.json('/api/stats/streets?period=30d');
    const from = new Date(body.from);
    const to = new Date(body.to);
    expect(body.items).toHaveLength(22);
    for (const it of body.items) {
      const mine = w.cases.filter((c) => c.streetCode === it.code);
      const want = expected(mine, from, to);
      expect(it).toMatchObject({ reported: want.reported, closed: want.closed, open: want.openTotal, overdue: want.overdue });
      close(it.closureRate, want.closureRate);
      close(it.onTimeClosureRate, want.onTimeClosureRate);
      close(it.per10k, casesPer10k({ cases: want.reported, residents: w.areas.get(it.code)!.population }));
      expect(it.name).toBe(w.areas.get(it.code)!.name);
    }
    // ranking: on-time rate descending, nulls last
    const rates = body.items.map((i: { onTimeClosureRate: number | null }) => i.onTimeClosureRate);
    const firstNull = rates.indexOf(null);
    const ranked = firstNull === -1 ? rates : rates.slice(0, firstNull);
    expect(ranked).toEqual([...ranked].sort((a: number, b: number) => b - a));
    if (firstNull !== -1) expect(rates.slice(firstNull).every((r: number | null) => r === null)).toBe(true);
  });
});

describe('GET /api/stats/choropleth', () => {
  const from = '2026-11-01';
  const to = '2026-11-15';
  const fromD = new Date('2026-10-31T16:00:00Z');
  const toD = new Date('2026-11-15T16:00:00Z'); // a bare date as "to" is the end of that CST day

  it.each(['open', 'overdue_rate', 'closure_rate', 'on_time_rate', 'per10k'] as const)('metric=%s per street', async (metric) => {
    const body = await w.json(`/api/stats/choropleth?level=street&metric=${metric}&from=${from}&to=${to}`);
    expect(body.from).toBe(fromD.toISOString());
    expect(body.to).toBe(toD.toISOString());
    expect(body.items).toHaveLength(22);
    const values: number[] = [];
    for (const it of body.items) {
      const area = w.areas.get(it.code)!;
      expect(it.id).toBe(areaFeatureId(it.code));
      const e = expected(w.cases.filter((c) => c.streetCode === it.code), fromD, toD);
      const want =
        metric === 'open' ? e.openTotal
        : metric === 'overdue_rate' ? overdueRate({ overdue: e.overdue, open: e.openTotal })
        : metric === 'closure_rate' ? e.closureRate
        : metric === 'on_time_rate' ? e.onTimeClosureRate
        : casesPer10k({ cases: e.reported, residents: area.population });
      close(it.value, want);
      if (it.value !== null) values.push(it.value);
    }
    expect(body.min).toBe(Math.min(...values));
    expect(body.max).toBe(Math.max(...values));
  });

  it('level=grid carries every grid by its tile feature id; open counts match the rows', async () => {
    const body = await w.json('/api/stats/choropleth?level=grid&metric=open');
    expect(body.items).toHaveLength(1549);
    const open = new Map<string, number>();
    for (const c of w.cases) if (OPEN.has(c.status)) open.set(c.gridCode, (open.get(c.gridCode) ?? 0) + 1);
    for (const it of body.items) {
      expect(it.id).toBe(areaFeatureId(it.code));
      expect(it.value).toBe(open.get(it.code) ?? 0);
    }
  });

  it('level=zone sums to the district', async () => {
    const body = await w.json(`/api/stats/choropleth?level=zone&metric=per10k&from=${from}&to=${to}`);
    expect(body.items.length).toBe(201);
    const total = body.items.reduce((s: number, i: { numerator: number }) => s + i.numerator, 0);
    expect(total).toBe(w.cases.filter((c) => inWindow(c.reportedAt, fromD, toD)).length);
  });
});

describe('GET /api/stats/area/:code', () => {
  it('a street: its numbers and a daily trend', async () => {
    const street = w.cases[10]!.streetCode;
    const body = await w.json(`/api/stats/area/${street}?from=2026-11-10&to=2026-11-19`);
    const fromD = new Date('2026-11-09T16:00:00Z');
    const toD = new Date('2026-11-19T16:00:00Z');
    const mine = w.cases.filter((c) => c.streetCode === street);
    const e = expected(mine, fromD, toD);
    expect(body).toMatchObject({ code: street, level: 'street', reported: e.reported, closed: e.closed, open: e.openTotal, overdue: e.overdue });
    close(body.onTimeClosureRate, e.onTimeClosureRate);
    close(body.per10k, casesPer10k({ cases: e.reported, residents: w.areas.get(street)!.population }));
    expect(body.trend.map((d: { day: string }) => d.day)).toEqual([
      '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13', '2026-11-14', '2026-11-15', '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19',
    ]);
    for (const d of body.trend) {
      expect(d.reported).toBe(mine.filter((c) => cstDateKey(c.reportedAt) === d.day).length);
      expect(d.closed).toBe(mine.filter((c) => c.closedAt && cstDateKey(c.closedAt) === d.day).length);
    }
  });

  it('a grid and the district', async () => {
    const grid = w.cases[20]!.gridCode;
    const g = await w.json(`/api/stats/area/${grid}`);
    expect(g.level).toBe('grid');
    const e = expected(w.cases.filter((c) => c.gridCode === grid), new Date(g.from), new Date(g.to));
    expect(g.reported).toBe(e.reported);
    expect(g.open).toBe(e.openTotal);
    const d = await w.json('/api/stats/area/370211');
    expect(d.level).toBe('district');
    expect(d.reported).toBe(expected(w.cases, new Date(d.from), new Date(d.to)).reported);
    // no from / to: the last 30 CST calendar days, today included
    expect(d.from).toBe(periodWindow('30d', NOW).from.toISOString());
    expect(d.trend).toHaveLength(30);
    expect(d.trend[0].day).toBe('2026-10-22');
    expect(d.trend.at(-1).day).toBe('2026-11-20');
  });
});

describe('GET /api/stats/trend', () => {
  const q = 'from=2026-11-01&to=2026-11-14';
  const fromD = new Date('2026-10-31T16:00:00Z');
  const toD = new Date('2026-11-14T16:00:00Z');
  const overdue = (c: CaseRowT) =>
    inWindow(c.resolveBy, fromD, toD) && c.resolveBy < NOW && c.status !== 'void' && c.status !== 'parked' && (c.closedAt === null || c.closedAt > c.resolveBy);

  it('by=day: every day, reported / closed / overdue', async () => {
    const body = await w.json(`/api/stats/trend?by=day&${q}`);
    expect(body.items).toHaveLength(14);
    expect(body.items[0]).toMatchObject({ key: '2026-11-01', label: '11月1日' });
    for (const it of body.items) {
      expect(it.reported).toBe(w.cases.filter((c) => cstDateKey(c.reportedAt) === it.key).length);
      expect(it.closed).toBe(w.cases.filter((c) => c.closedAt && cstDateKey(c.closedAt) === it.key).length);
      expect(it.overdue).toBe(w.cases.filter((c) => overdue(c) && cstDateKey(c.resolveBy) === it.key).length);
    }
  });

  it.each([
    ['source', (c: CaseRowT) => c.source],
    ['category', (c: CaseRowT) => c.categoryCode.slice(0, 2)],
    ['street', (c: CaseRowT) => c.streetCode],
  ] as const)('by=%s: buckets add up, Chinese labels', async (by, keyOf) => {
    const body = await w.json(`/api/stats/trend?by=${by}&${q}`);
    for (const it of body.items) {
      expect(it.label).toMatch(/[\u4e00-\u9fff]/);
      expect(it.reported).toBe(w.cases.filter((c) => keyOf(c) === it.key && inWindow(c.reportedAt, fromD, toD)).length);
      expect(it.overdue).toBe(w.cases.filter((c) => keyOf(c) === it.key && overdue(c)).length);
    }
    const sum = body.items.reduce((s: number, i: { reported: number }) => s + i.reported, 0);
    expect(sum).toBe(w.cases.filter((c) => inWindow(c.reportedAt, fromD, toD)).length);
  });

  it('street=… restricts the buckets', async () => {
    const street = w.cases[3]!.streetCode;
    const body = await w.json(`/api/stats/trend?by=source&${q}&street=${street}`);
    const sum = body.items.reduce((s: number, i: { reported: number }) => s + i.reported, 0);
    expect(sum).toBe(w.cases.filter((c) => c.streetCode === street && inWindow(c.reportedAt, fromD, toD)).length);
  });
});

describe('GET /api/stats/heatmap', () => {
  const q = 'from=2026-11-01T00:00:00%2B08:00&to=2026-11-20T00:00:00%2B08:00';
  const fromD = new Date('2026-10-31T16:00:00Z');
  const toD = new Date('2026-11-19T16:00:00Z');

  it('hex: the cells add up to the cases of the window, each counted once', async () => {
    const body = await w.json(`/api/stats/heatmap?mode=hex&${q}`);
    const n = w.cases.filter((c) => inWindow(c.reportedAt, fromD, toD)).length;
    expect(body.total).toBe(n);
    expect(body.cells.reduce((s: number, c: { count: number }) => s + c.count, 0)).toBe(n);
    expect(body.max).toBe(Math.max(...body.cells.map((c: { count: number }) => c.count)));
    expect(body.cells.length).toBeGreaterThan(100);
    // the cells' centres are in the district
    for (const c of body.cells) {
      expect(c.lon).toBeGreaterThan(119.4);
      expect(c.lon).toBeLessThan(120.45);
    }
  });

  it('hex with a category (major and minor) and a coarser cell', async () => {
    const minor = w.cases[0]!.categoryCode;
    const major = minor.slice(0, 2);
    for (const [cat, pick] of [[major, (c: CaseRowT) => c.categoryCode.startsWith(major)], [minor, (c: CaseRowT) => c.categoryCode === minor]] as const) {
      const body = await w.json(`/api/stats/heatmap?mode=hex&cellKm=3&category=${cat}&${q}`);
      expect(body.total).toBe(w.cases.filter((c) => pick(c) && inWindow(c.reportedAt, fromD, toD)).length);
    }
    const fine = await w.json(`/api/stats/heatmap?mode=hex&cellKm=0.5&${q}`);
    const coarse = await w.json(`/api/stats/heatmap?mode=hex&cellKm=3&${q}`);
    expect(fine.cells.length).toBeGreaterThan(coarse.cells.length);
    expect(fine.total).toBe(coarse.total);
  });

  it('the same cells for two periods (so they can be compared)', async () => {
    const a = await w.json('/api/stats/heatmap?mode=hex&from=2026-10-25&to=2026-11-05');
    const b = await w.json('/api/stats/heatmap?mode=hex&from=2026-11-06&to=2026-11-17');
    const key = (c: { lon: number; lat: number }) => `${c.lon},${c.lat}`;
    const bKeys = new Set(b.cells.map(key));
    const shared = a.cells.filter((c: { lon: number; lat: number }) => bKeys.has(key(c)));
    expect(shared.length).toBeGreaterThan(a.cells.length * 0.5);
  });

  it('grid: counts per grid by tile feature id', async () => {
    const body = await w.json(`/api/stats/heatmap?mode=grid&${q}`);
    const per = new Map<string, number>();
    for (const c of w.cases) if (inWindow(c.reportedAt, fromD, toD)) per.set(c.gridCode, (per.get(c.gridCode) ?? 0) + 1);
    expect(body.cells).toHaveLength(per.size);
    for (const cell of body.cells) {
      expect(cell.count).toBe(per.get(cell.code));
      expect(cell.id).toBe(areaFeatureId(cell.code));
    }
  });

  it('points: only in a small bbox; weights add up to the cases there', async () => {
    const c0 = w.cases[0]!;
    const bbox = [c0.lon - 0.05, c0.lat - 0.05, c0.lon + 0.05, c0.lat + 0.05];
    const body = await w.json(`/api/stats/heatmap?mode=points&bbox=${bbox.join(',')}&${q}`);
    const inBox = w.cases.filter(
      (c) => inWindow(c.reportedAt, fromD, toD) && c.lon >= bbox[0]! && c.lon <= bbox[2]! && c.lat >= bbox[1]! && c.lat <= bbox[3]!,
    ).length;
    expect(inBox).toBeGreaterThan(0);
    expect(body.total).toBe(inBox);
    expect(body.points.reduce((s: number, p: number[]) => s + p[2]!, 0)).toBe(inBox);
    expect(body.truncated).toBe(false);
  });
});

describe('GET /api/stats/heatmap/scale', () => {
  it('is fixed: the same breaks for every window, derived from the 30 days before today', async () => {
    const a = await w.json('/api/stats/heatmap/scale?mode=grid&days=7');
    const b = await w.json('/api/stats/heatmap/scale?mode=grid&days=7');
    expect(a).toEqual(b);
    expect(a.basisTo).toBe('2026-11-19T16:00:00.000Z');
    // the p99 of cases per (grid, CST day) over the basis, as PostgreSQL's percentile_cont computes it
    const from = new Date(a.basisFrom);
    const to = new Date(a.basisTo);
    const per = new Map<string, number>();
    for (const c of w.cases) {
      if (!inWindow(c.reportedAt, from, to)) continue;
      const k = `${c.gridCode}/${cstDateKey(c.reportedAt)}`;
      per.set(k, (per.get(k) ?? 0) + 1);
    }
    const s = [...per.values()].sort((x, y) => x - y);
    const pos = 0.99 * (s.length - 1);
    const p99 = s[Math.floor(pos)]! + (s[Math.ceil(pos)]! - s[Math.floor(pos)]!) * (pos - Math.floor(pos));
    expect(a.perCellDayP99).toBeCloseTo(p99, 9);
    expect(a.breaks[0]).toBe(1);
    expect(a.breaks.at(-1)).toBeGreaterThanOrEqual(p99 * 7);
    expect(a.breaks.at(-2)).toBeLessThan(p99 * 7);
    const hex = await w.json('/api/stats/heatmap/scale?mode=hex&cellKm=1');
    expect(hex.days).toBe(30);
    expect(hex.perCellDayP99).toBeGreaterThan(0);
  });

  it('stays the same later the same day (another clock, other windows drawn)', async () => {
    const a = await w.json('/api/stats/heatmap/scale');
    const later = await buildApp({
      config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0 },
      pool: w.db.pool,
      now: () => new Date(NOW.getTime() + 5 * 3_600_000),
    });
    try {
      const r = await later.inject({ url: '/api/stats/heatmap/scale', headers: { cookie: w.leader } });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual(a);
    } finally {
      await later.close();
    }
  });
});

describe('GET /api/map/grid-lights', () => {
  it('lists the grids with open cases and their worst light', async () => {
    const body = await w.json('/api/map/grid-lights');
    const per = new Map<string, Light[]>();
    for (const c of w.cases) if (OPEN.has(c.status)) per.set(c.gridCode, [...(per.get(c.gridCode) ?? []), c.light as Light]);
    expect(body.items).toHaveLength(per.size);
    for (const it of body.items) {
      expect(it.id).toBe(areaFeatureId(it.code));
      expect(it.light).toBe(worstLight(per.get(it.code)!));
      expect(it.open).toBe(per.get(it.code)!.length);
    }
    expect(new Set(body.items.map((i: { light: string }) => i.light))).toContain('red');
  });
});
