/**
 * /api/indicators: the assessment indicators (考核指标) of a unit, a department or a worker's post for a period, each
 * rate beside what the unit's case mix predicts; /api/indicators/ranking: streets or departments on the 三率 and the
 * on-time closure rate for a month. Both also as Excel workbooks (.xlsx). Definitions and roles: docs/indicators.md.
 */
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  COUNT_KEYS,
  INDICATOR_LABELS,
  calendarWindow,
  clipAt,
  cstDateKey,
  durationPairs,
  histogramSummary,
  monthWindow,
  parseCstInstant,
  rollupMaxLagMs,
  snapshotUse,
  totalOf,
  workingHoursSummary,
  type CalendarPeriod,
  type IndicatorPeriod,
  type TimeWindow,
} from '@gridcommand/shared/domain';
import { Indicators, IndicatorsQuery, Ranking, RankingQuery, type IndicatorScopeKind } from '@gridcommand/shared/schemas';
import type { FastifyReply } from 'fastify';
import { ERROR_RESPONSES, binaryResponse } from '../../plugins/openapi-shapes.ts';
import { badRequest, notFound } from '../../plugins/errors.ts';
import { forbidden } from '../../plugins/auth.ts';
import type { AuthUser } from '../auth/repository.ts';
import { getWorkCalendar } from '../calendar/repository.ts';
import { XLSX_TYPE } from '../exports/formats.ts';
import { exportFileName } from '../exports/stream.ts';
import { XlsxWriter } from '../exports/xlsx.ts';
import { requestWindow } from '../stats/periods.ts';
import { rankingOf, ratesOf, strataOf } from './compute.ts';
import * as repo from './repository.ts';
import * as rollups from './rollup-repository.ts';

export interface IndicatorRoutesOptions {
  /** the current time (tests pin it) */
  now?: () => Date;
  /** the rollup job's refresh interval (config.indicatorRollupMs): how old a running period's stored numbers may be */
  refreshMs?: number;
}

const INDICATOR_ROLES = ['admin', 'leader', 'dispatcher', 'handler', 'worker'] as const;
const RANKING_ROLES = ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'wall'] as const;
const ALL_SCOPES = new Set(['admin', 'leader', 'dispatcher']);

/** The window of a request: a calendar period containing `from` (default: today), cut at now; or custom from–to. */
export function indicatorWindow(q: IndicatorsQuery, now: Date): { period: IndicatorPeriod; window: TimeWindow } {
  const period = q.period ?? 'month';
  if (period === 'custom') return { period, window: requestWindow(q, now) };
  if (q.to !== undefined) throw badRequest('BAD_PARAMETER', `query parameter "to" applies to period=custom only`);
  let day = cstDateKey(now);
  if (q.from !== undefined) {
    const at = parseCstInstant(q.from, false);
    if (!at) throw badRequest('BAD_DATE', `query parameter "from" is not a date (got "${q.from}")`);
    day = cstDateKey(at);
  }
  const w = clipAt(calendarWindow(period as CalendarPeriod, day), now);
  if (!w) throw badRequest('BAD_PERIOD', `the ${period} containing ${day} has not begun yet`);
  return { period, window: w };
}

interface ResolvedScope {
  kind: IndicatorScopeKind;
  code: string;
  name: string;
  sql: repo.Scope;
  workerId: number | null;
}

const indicatorRoutes: FastifyPluginAsyncTypebox<IndicatorRoutesOptions> = async (app, opts) => {
  const now = opts.now ?? (() => new Date());
  const refreshMs = opts.refreshMs ?? 0;

  /**
   * The stored numbers of a calendar period when they may answer (snapshotUse): exact for a period over and
   * untouched, else as of their computing; null: count from the cases (a custom window, nothing fresh stored).
   */
  async function storedFor(period: IndicatorPeriod, w: TimeWindow, at: Date) {
    if (period === 'custom') return null;
    const kind = period as CalendarPeriod;
    const start = cstDateKey(w.from);
    const s = await rollups.storedPeriod(app.pool, kind, start);
    const use = snapshotUse(s, at, rollupMaxLagMs(kind, refreshMs));
    if (!s || !use) return null;
    return { kind, start, to: s.toAt, asOf: use === 'exact' ? null : s.computedAt.toISOString() };
  }

  /** The scope asked for, as this user may see it: handlers their department, workers their own post. */
  async function resolveScope(q: IndicatorsQuery, user: AuthUser): Promise<ResolvedScope> {
    const given = [q.unit, q.dept, q.worker].filter((v) => v !== undefined).length;
    if (given > 1) throw badRequest('BAD_PARAMETER', 'give one of the query parameters "unit", "dept" and "worker"');
    let { unit, dept, worker } = q;
    if (given === 0) {
      if (user.role === 'handler') dept = user.departmentCode ?? undefined;
      else if (user.role === 'worker') worker = user.id;
    }
    if (user.role === 'handler' && (dept === undefined || dept !== user.departmentCode)) {
      throw forbidden('INDICATORS_FORBIDDEN', 'a handler sees the indicators of their own department only');
    }
    if (user.role === 'worker' && worker !== user.id) throw forbidden('INDICATORS_FORBIDDEN', 'a grid worker sees the indicators of their own post only');
    if (!ALL_SCOPES.has(user.role) && user.role !== 'handler' && user.role !== 'worker') throw forbidden('INDICATORS_FORBIDDEN', 'not for this role');
    if (dept !== undefined) {
      const d = await repo.findDepartment(app.pool, dept);
      if (!d) throw notFound('UNIT_NOT_FOUND', `department ${dept} not found`);
      return { kind: 'department', code: d.code, name: d.name, sql: { kind: 'department', code: d.code }, workerId: null };
    }
    if (worker !== undefined) {
      const w = await repo.findWorker(app.pool, worker);
      if (!w) throw notFound('UNIT_NOT_FOUND', `grid worker ${worker} not found`);
      return { kind: 'worker', code: String(w.id), name: w.name, sql: { kind: 'grids', codes: w.gridCodes }, workerId: w.id };
    }
    const area = unit !== undefined ? await repo.findArea(app.pool, unit) : await repo.districtArea(app.pool);
    if (!area) throw notFound('UNIT_NOT_FOUND', `unit ${unit ?? '(the district)'} not found`);
    const kind = ('level' in area ? area.level : 'district') as repo.Scope['kind'] & IndicatorScopeKind;
    return { kind, code: area.code, name: area.name, sql: { kind, code: area.code } as repo.Scope, workerId: null };
  }

  async function indicators(q: IndicatorsQuery, user: AuthUser): Promise<Indicators> {
    const t = now();
    const { period, window: asked } = indicatorWindow(q, t);
    const scope = await resolveScope(q, user);
    const stored = await storedFor(period, asked, t);
    const w: TimeWindow = stored ? { from: asked.from, to: stored.to } : asked;
    const [rows, histograms, own, cal] = await Promise.all([
      stored ? rollups.unitStrataStored(app.pool, stored.kind, stored.start, scope.sql) : repo.unitStrata(app.pool, w.from, w.to, scope.sql),
      stored ? rollups.durationsStored(app.pool, stored.kind, stored.start, scope.sql) : Promise.resolve(null),
      scope.workerId !== null ? repo.workerOwn(app.pool, w.from, w.to, scope.workerId) : Promise.resolve(null),
      getWorkCalendar(app.pool),
    ]);
    const unit = strataOf(rows, (r) => r.group === 'in');
    const reference = strataOf(rows);
    let durations: Indicators['durations'];
    if (histograms) {
      durations = { respond: histogramSummary(histograms.respond), resolve: histogramSummary(histograms.resolve) };
    } else {
      const records = await repo.durationRows(app.pool, w.from, w.to, scope.sql);
      // durationPairs reads only these three instants
      const pairs = durationPairs(records as Parameters<typeof durationPairs>[0], w.from, w.to);
      durations = { respond: workingHoursSummary(pairs.respond, cal), resolve: workingHoursSummary(pairs.resolve, cal) };
    }
    return {
      scope: { kind: scope.kind, code: scope.code, name: scope.name },
      period,
      from: w.from.toISOString(),
      to: w.to.toISOString(),
      asOf: stored?.asOf ?? null,
      counts: totalOf(unit.values()).counts,
      rates: ratesOf(unit, reference),
      durations,
      personal: own,
    };
  }

  async function ranking(q: RankingQuery): Promise<Ranking> {
    const kind = q.kind ?? 'street';
    const t = now();
    const month = q.month ?? cstDateKey(t).slice(0, 7);
    const full = monthWindow(month);
    if (!full) throw badRequest('BAD_DATE', `query parameter "month" is not a month (got "${month}")`);
    const asked = clipAt(full, t);
    if (!asked) throw badRequest('BAD_PERIOD', `the month ${month} has not begun yet`);
    const stored = await storedFor('month', asked, t);
    const w: TimeWindow = stored ? { from: asked.from, to: stored.to } : asked;
    const [rows, units] = await Promise.all([
      stored ? rollups.rankingStrataStored(app.pool, 'month', stored.start, kind) : repo.rankingStrata(app.pool, w.from, w.to, kind),
      repo.rankingUnits(app.pool, kind),
    ]);
    return { kind, month, from: w.from.toISOString(), to: w.to.toISOString(), asOf: stored?.asOf ?? null, ...rankingOf(rows, units) };
  }

  const json = { roles: INDICATOR_ROLES };
  app.get(
    '/api/indicators',
    { config: json, schema: { querystring: IndicatorsQuery, response: { 200: Indicators, ...ERROR_RESPONSES } } },
    async (request) => indicators(request.query, request.user!),
  );
  app.get(
    '/api/indicators.xlsx',
    { config: json, schema: { querystring: IndicatorsQuery, response: { 200: binaryResponse('the indicators as an Excel workbook', XLSX_TYPE), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const r = await indicators(request.query, request.user!);
      const pct = (v: number | null) => (v === null ? '' : Math.round(v * 10_000) / 100);
      const rows: (string | number)[][] = [
        ...COUNT_KEYS.map((k) => [INDICATOR_LABELS[k]['zh-CN'], r.counts[k], '', '', '', '', '']),
        ...r.rates.map((x) => [INDICATOR_LABELS[x.key]['zh-CN'], x.hits, x.n, pct(x.value), pct(x.expected), x.low === null ? '' : `${pct(x.low)}–${pct(x.high)}`, verdictZh(x.verdict)]),
        ['平均响应时长 (工作小时)', round2(r.durations.respond.mean), r.durations.respond.n, '', '', '', ''],
        ['90% 响应时长 (工作小时)', round2(r.durations.respond.p90), r.durations.respond.n, '', '', '', ''],
        ['平均办结时长 (工作小时)', round2(r.durations.resolve.mean), r.durations.resolve.n, '', '', '', ''],
        ['90% 办结时长 (工作小时)', round2(r.durations.resolve.p90), r.durations.resolve.n, '', '', '', ''],
      ];
      const head = ['指标', '数值/分子', '分母', '实际 %', '期望 %', '95% 区间 %', '评价'];
      return sendSheet(reply, `indicators-${r.scope.code}`, `${r.scope.name} ${r.from.slice(0, 10)}`, head, rows);
    },
  );

  const rank = { roles: RANKING_ROLES };
  app.get(
    '/api/indicators/ranking',
    { config: rank, schema: { querystring: RankingQuery, response: { 200: Ranking, ...ERROR_RESPONSES } } },
    async (request) => ranking(request.query),
  );
  app.get(
    '/api/indicators/ranking.xlsx',
    { config: rank, schema: { querystring: RankingQuery, response: { 200: binaryResponse('the ranking as an Excel workbook', XLSX_TYPE), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const r = await ranking(request.query);
      const pct = (v: { value: number | null }) => (v.value === null ? '' : Math.round(v.value * 10_000) / 100);
      const rows = r.items.map((i) => [i.rank, i.code, i.name, pct(i.response), pct(i.resolution), pct(i.satisfaction), pct(i.onTimeClosure), i.onTimeClosure.n]);
      const head = ['名次', '编码', r.kind === 'street' ? '街道' : '部门', '响应率 %', '解决率 %', '满意率 %', '按期结案率 %', '应结案件'];
      return sendSheet(reply, `ranking-${r.kind}-${r.month}`, `${r.month} 排名`, head, rows);
    },
  );
};

const round2 = (v: number | null) => (v === null ? '' : Math.round(v * 100) / 100);
const verdictZh = (v: string | null) => (v === 'better' ? '优于预期' : v === 'worse' ? '低于预期' : v === 'expected' ? '符合预期' : '');

/** A small workbook, written in full (a few dozen rows) and sent. */
async function sendSheet(reply: FastifyReply, name: string, sheet: string, head: string[], rows: (string | number)[][]): Promise<FastifyReply> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => out.on('end', resolve));
  const xlsx = new XlsxWriter(out, sheet.slice(0, 31).replace(/[[\]:*?/\\]/g, ' '), head.map((h) => ({ header: h, width: Math.max(10, h.length * 2 + 4) })));
  await xlsx.start();
  await xlsx.rows(rows);
  await xlsx.end(); // ends `out`
  await done;
  return reply
    .header('Content-Type', XLSX_TYPE)
    .header('Content-Disposition', `attachment; filename="${exportFileName(name, 'xlsx')}"`)
    .send(Buffer.concat(chunks));
}

export default indicatorRoutes;
