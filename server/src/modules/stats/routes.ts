/**
 * /api/stats/*: the wall's headline numbers and street ranking, and the leaders' heatmaps, choropleths, area
 * details and trends. Readable by every logged-in role and by wall tokens; no personal data.
 * Definitions: docs/stats.md. Formulas: shared/src/domain/indicators.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CASE_SOURCES,
  SOURCE_LABELS,
  addCstDays,
  casesPer10k,
  closureRate,
  cstDate,
  cstDateKey,
  cstDaysOf,
  labelOf,
  onTimeClosureRate,
  overdueRate,
  periodWindow,
  startOfCstDay,
  type Rate,
} from '@gridcommand/shared/domain';
import {
  AreaStats,
  Choropleth,
  ChoroplethQuery,
  ErrorResponse,
  Heatmap,
  HeatmapQuery,
  HeatmapScale,
  HeatmapScaleQuery,
  StatsAreaParams,
  StatsOverview,
  StatsPeriodQuery,
  StatsWindowQuery,
  StreetRanking,
  Trend,
  TrendQuery,
  type ChoroplethMetric,
  type StreetRankItem,
} from '@gridcommand/shared/schemas';
import { badRequest, notFound } from '../../plugins/errors.ts';
import { parseBbox } from '../grids/routes.ts';
import { dayLabel, niceBreaks, requestWindow } from './periods.ts';
import * as heat from './heatmap-repository.ts';
// the hex and grid heatmaps and their scale from the rollups of migration 024 (points stay raw)
import * as heatRollup from './heatmap-rollup-repository.ts';
import * as repo from './repository.ts';
// the period numbers from the rollups (migration 023, docs/rollups.md); repository.ts keeps the raw reference
import * as rollup from './rollup-repository.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

export interface StatsRoutesOptions {
  /** the current time (tests pin it) */
  now?: () => Date;
}

/** Points mode needs a bbox no wider or taller than this, in degrees (about 22 × 28 km here). */
export const POINTS_MAX_SPAN_DEG = 0.25;
export const POINTS_CAP = 50_000;
/** The heatmap scale is derived from this many CST days before today. */
export const SCALE_BASIS_DAYS = 30;

/** onTimeClosureRate desc, then closureRate desc (nulls last in both), then code. */
export function rankStreets(items: StreetRankItem[]): StreetRankItem[] {
  const desc = (a: Rate, b: Rate) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : b - a);
  return [...items].sort(
    (x, y) => desc(x.onTimeClosureRate, y.onTimeClosureRate) || desc(x.closureRate, y.closureRate) || x.code.localeCompare(y.code),
  );
}

function rates(c: repo.IndicatorCounts) {
  return {
    closureRate: closureRate({ closed: c.closedOfDue, dueToClose: c.dueToClose }),
    onTimeClosureRate: onTimeClosureRate({ closedOnTime: c.closedOnTime, dueToClose: c.dueToClose }),
  };
}

/** value, numerator and denominator of a choropleth metric for one area. */
export function metricOf(metric: ChoroplethMetric, r: repo.AreaIndicatorRow): { value: number | null; numerator: number; denominator: number | null } {
  switch (metric) {
    case 'open':
      return { value: r.open, numerator: r.open, denominator: null };
    case 'overdue_rate':
      return { value: overdueRate({ overdue: r.overdue, open: r.open }), numerator: r.overdue, denominator: r.open };
    case 'closure_rate':
      return { value: closureRate({ closed: r.closedOfDue, dueToClose: r.dueToClose }), numerator: r.closedOfDue, denominator: r.dueToClose };
    case 'on_time_rate':
      return { value: onTimeClosureRate({ closedOnTime: r.closedOnTime, dueToClose: r.dueToClose }), numerator: r.closedOnTime, denominator: r.dueToClose };
    case 'per10k':
      return { value: casesPer10k({ cases: r.reported, residents: r.population }), numerator: r.reported, denominator: r.population };
  }
}

const statsRoutes: FastifyPluginAsyncTypebox<StatsRoutesOptions> = async (app, opts) => {
  const now = opts.now ?? (() => new Date());
  const config = { roles: 'any' as const };

  async function requireStreet(code: string): Promise<void> {
    const area = await repo.findArea(app.readPool, code);
    if (!area || area.level !== 'street') throw notFound('AREA_NOT_FOUND', `street ${code} not found`);
  }

  async function requireCategory(code: string | undefined): Promise<string | null> {
    if (code === undefined) return null;
    if (!(await repo.categoryExists(app.readPool, code))) throw badRequest('UNKNOWN_CATEGORY', `unknown category ${code}`);
    return code;
  }

  app.get(
    '/api/stats/overview',
    { config, schema: { querystring: StatsPeriodQuery, response: { 200: StatsOverview, ...errors } } },
    async (request) => {
      const period = request.query.period ?? 'today';
      const { street } = request.query;
      if (street) await requireStreet(street);
      const w = periodWindow(period, now());
      const c = await rollup.rollupIndicatorTotals(app.readPool, w.from, w.to, street ? { level: 'street', code: street } : null);
      return {
        period,
        from: w.from.toISOString(),
        to: w.to.toISOString(),
        reported: c.reported,
        filed: c.filed,
        closed: c.closed,
        inProgress: c.inProgress,
        escalated: c.escalated,
        dueToClose: c.dueToClose,
        closedOfDue: c.closedOfDue,
        closedOnTime: c.closedOnTime,
        ...rates(c),
        overdue: c.overdue,
        supervised: c.supervised,
        openTotal: c.open,
        byLight: { green: c.green, due_soon: c.due_soon, yellow: c.yellow, red: c.red },
        emergenciesOpen: c.emergenciesOpen,
      };
    },
  );

  app.get(
    '/api/stats/streets',
    { config, schema: { querystring: StatsPeriodQuery, response: { 200: StreetRanking, ...errors } } },
    async (request) => {
      const period = request.query.period ?? 'today';
      if (request.query.street) throw badRequest('BAD_PARAMETER', 'query parameter "street" does not apply to the street ranking');
      const w = periodWindow(period, now());
      const rows = await rollup.rollupIndicatorsByArea(app.readPool, 'street', w.from, w.to);
      const items = rows.map((r) => ({
        code: r.code,
        name: r.name,
        reported: r.reported,
        closed: r.closed,
        open: r.open,
        overdue: r.overdue,
        ...rates(r),
        per10k: casesPer10k({ cases: r.reported, residents: r.population }),
      }));
      return { period, from: w.from.toISOString(), to: w.to.toISOString(), items: rankStreets(items) };
    },
  );

  app.get(
    '/api/stats/heatmap',
    { config, schema: { querystring: HeatmapQuery, response: { 200: Heatmap, ...errors } } },
    async (request) => {
      const q = request.query;
      const w = requestWindow(q, now());
      const mode = q.mode ?? 'hex';
      const bbox = q.bbox !== undefined ? parseBbox(q.bbox) : null;
      if (q.cellKm !== undefined && mode !== 'hex') throw badRequest('BAD_PARAMETER', 'query parameter "cellKm" applies to mode=hex only');
      if (mode === 'points') {
        if (!bbox) throw badRequest('ZOOM_IN', 'mode=points needs a bbox; zoom in, or use mode=hex or mode=grid for a wide view');
        if (bbox[2] - bbox[0] > POINTS_MAX_SPAN_DEG || bbox[3] - bbox[1] > POINTS_MAX_SPAN_DEG) {
          throw badRequest(
            'ZOOM_IN',
            `mode=points needs a bbox at most ${POINTS_MAX_SPAN_DEG}° wide and high; zoom in, or use mode=hex or mode=grid`,
          );
        }
      }
      const category = await requireCategory(q.category);
      const filter: heat.HeatFilter = { from: w.from, to: w.to, category, bbox };
      const win = { from: w.from.toISOString(), to: w.to.toISOString() };
      if (mode === 'points') {
        const r = await heat.pointHeatmap(app.readPool, filter, POINTS_CAP);
        return { mode, ...win, points: r.points, total: r.total, truncated: r.places > POINTS_CAP };
      }
      const cells = mode === 'hex' ? await heatRollup.rollupHexHeatmap(app.readPool, filter, q.cellKm ?? 1) : await heatRollup.rollupGridHeatmap(app.readPool, filter);
      let max = 0;
      let total = 0;
      for (const c of cells) {
        total += c.count;
        if (c.count > max) max = c.count;
      }
      return mode === 'hex'
        ? { mode, ...win, cellKm: q.cellKm ?? 1, cells: cells as heat.HexCellRow[], max, total }
        : { mode, ...win, cells: cells as heat.GridCellRow[], max, total };
    },
  );

  app.get(
    '/api/stats/heatmap/scale',
    { config, schema: { querystring: HeatmapScaleQuery, response: { 200: HeatmapScale, ...errors } } },
    async (request) => {
      const q = request.query;
      const mode = q.mode ?? 'hex';
      if (q.cellKm !== undefined && mode !== 'hex') throw badRequest('BAD_PARAMETER', 'query parameter "cellKm" applies to mode=hex only');
      const category = await requireCategory(q.category);
      const cellKm = q.cellKm ?? 1;
      const days = q.days ?? SCALE_BASIS_DAYS;
      // the basis ends at today's 00:00 CST: the scale changes once a day, not with every request
      const basisTo = startOfCstDay(now());
      const basisFrom = cstDate(addCstDays(cstDateKey(basisTo), -SCALE_BASIS_DAYS));
      const p99 = await heatRollup.rollupCellDayP99(app.readPool, mode, basisFrom, basisTo, category, cellKm);
      return {
        mode,
        cellKm: mode === 'hex' ? cellKm : null,
        days,
        basisFrom: basisFrom.toISOString(),
        basisTo: basisTo.toISOString(),
        perCellDayP99: p99,
        breaks: niceBreaks(Math.max(1, p99) * days),
      };
    },
  );

  app.get(
    '/api/stats/choropleth',
    { config, schema: { querystring: ChoroplethQuery, response: { 200: Choropleth, ...errors } } },
    async (request) => {
      const q = request.query;
      const level = q.level ?? 'street';
      const metric = q.metric ?? 'on_time_rate';
      const w = requestWindow(q, now());
      const rows = await rollup.rollupIndicatorsByArea(app.readPool, level, w.from, w.to);
      let min: number | null = null;
      let max: number | null = null;
      const items = rows.map((r) => {
        const m = metricOf(metric, r);
        if (m.value !== null) {
          if (min === null || m.value < min) min = m.value;
          if (max === null || m.value > max) max = m.value;
        }
        return { id: r.id, code: r.code, name: r.name, ...m };
      });
      return { level, metric, from: w.from.toISOString(), to: w.to.toISOString(), items, min, max };
    },
  );

  app.get(
    '/api/stats/area/:code',
    { config, schema: { params: StatsAreaParams, querystring: StatsWindowQuery, response: { 200: AreaStats, ...errors } } },
    async (request) => {
      const { code } = request.params;
      const w = requestWindow(request.query, now());
      const area = await repo.findArea(app.readPool, code);
      if (!area) throw notFound('AREA_NOT_FOUND', `area ${code} not found`);
      const scope = { level: area.level, code: area.code };
      const [c, daily] = await Promise.all([
        rollup.rollupIndicatorTotals(app.readPool, w.from, w.to, scope),
        rollup.rollupDailyCounts(app.readPool, w.from, w.to, scope),
      ]);
      return {
        code: area.code,
        name: area.name,
        level: area.level,
        population: area.population,
        from: w.from.toISOString(),
        to: w.to.toISOString(),
        reported: c.reported,
        closed: c.closed,
        open: c.open,
        overdue: c.overdue,
        dueToClose: c.dueToClose,
        ...rates(c),
        per10k: casesPer10k({ cases: c.reported, residents: area.population }),
        trend: cstDaysOf(w).map((day) => ({ day, reported: daily.get(day)?.reported ?? 0, closed: daily.get(day)?.closed ?? 0 })),
      };
    },
  );

  app.get(
    '/api/stats/trend',
    { config, schema: { querystring: TrendQuery, response: { 200: Trend, ...errors } } },
    async (request) => {
      const q = request.query;
      const by = q.by ?? 'day';
      const t = now();
      const w = requestWindow(q, t);
      if (q.street) await requireStreet(q.street);
      const rows = await rollup.rollupTrendCounts(app.readPool, by, w.from, w.to, t, q.street ?? null);
      const found = new Map(rows.map((r) => [r.key, r]));
      const zero = (key: string, label: string) => ({ key, label, reported: 0, closed: 0, overdue: 0 });
      let items: { key: string; label: string; reported: number; closed: number; overdue: number }[];
      if (by === 'day') {
        // every day of the window, in order, zeros included
        items = cstDaysOf(w).map((day) => ({ ...zero(day, dayLabel(day)), ...strip(found.get(day)) }));
      } else if (by === 'source') {
        items = CASE_SOURCES.map((key) => ({ ...zero(key, labelOf(SOURCE_LABELS, key)), ...strip(found.get(key)) }));
      } else {
        const names = await repo.labels(app.readPool, by);
        const keys = by === 'street' && q.street ? [q.street] : [...names.keys()];
        items = keys.map((key) => ({ ...zero(key, names.get(key) ?? key), ...strip(found.get(key)) }));
        if (by === 'category') items = items.filter((i) => i.reported + i.closed + i.overdue > 0);
      }
      return { by, from: w.from.toISOString(), to: w.to.toISOString(), items };
    },
  );
};

function strip(r: repo.TrendRow | undefined): { reported?: number; closed?: number; overdue?: number } {
  return r ? { reported: r.reported, closed: r.closed, overdue: r.overdue } : {};
}

export default statsRoutes;
