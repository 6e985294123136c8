/**
 * SQL of the statistics' numbers (indicators, daily counts, trends). With heatmap-repository.ts and
 * map-repository.ts the only code of the module that talks SQL; every value travels as a parameter. Definitions of the numbers: docs/stats.md (they mirror shared/src/domain/indicators.ts
 * periodClosureCounts, which the tests hold these queries to).
 */
import type pg from 'pg';
import {
  ACTIVE_STATES,
  CST_TIME_ZONE,
  NEVER_DUE_STATES,
  NOT_FINAL_STATES,
  OPEN_STATES,
  OVERDUE_LIGHTS,
  type Light,
} from '@gridcommand/shared/domain';
import type { AreaLevel } from '@gridcommand/shared/schemas';

type Queryable = Pick<pg.Pool, 'query'>;

/**
 * Void and parked cases are not due to close (shared/src/domain/indicators.ts, periodClosureCounts; docs/stats.md).
 * The domain states this rule in words only, so the list is spelled once here.
 */
const NOT_DUE_STATES = NEVER_DUE_STATES;
/** The lit lights counted one by one (the output columns of the same names). */
const BY_LIGHT = ['green', 'due_soon', 'yellow', 'red'] as const satisfies readonly Light[];

/** How cases are selected below an area of each level ($n is the area's code). */
export const CASES_BELOW: Record<AreaLevel, (p: string) => string> = {
  district: (p) => `left(c.grid_code, 6) = ${p}`,
  street: (p) => `c.street_code = ${p}`,
  zone: (p) => `c.zone_code = ${p}`,
  community: (p) => `c.community_code = ${p}`,
  grid: (p) => `c.grid_code = ${p}`,
};

/** The area column cases are grouped by, per level. */
export const GROUP_COLUMN = { street: 'c.street_code', zone: 'c.zone_code', community: 'c.community_code', grid: 'c.grid_code' } as const;
export type GroupLevel = keyof typeof GROUP_COLUMN;

export interface IndicatorCounts {
  reported: number;
  filed: number;
  closed: number;
  inProgress: number;
  escalated: number;
  dueToClose: number;
  closedOfDue: number;
  closedOnTime: number;
  open: number;
  green: number;
  due_soon: number;
  yellow: number;
  red: number;
  overdue: number;
  supervised: number;
  emergenciesOpen: number;
}

export const ZERO_COUNTS: IndicatorCounts = {
  reported: 0, filed: 0, closed: 0, inProgress: 0, escalated: 0, dueToClose: 0, closedOfDue: 0, closedOnTime: 0,
  open: 0, green: 0, due_soon: 0, yellow: 0, red: 0, overdue: 0, supervised: 0, emergenciesOpen: 0,
};

// $1 from, $2 to, $3 not-final states, $4 open (lit) states, $5 active ("in progress") states, $6 overdue lights,
// $7 states that are never due, then the lights of BY_LIGHT one by one
const IN_P = (col: string) => `(c.${col} >= $1 AND c.${col} < $2)`;
const IS_OPEN = `c.status = ANY($4::text[])`;
const FIRST_LIGHT_PARAM = 8;
/** How many parameters baseParams() gives: a query's own parameters start after them. */
export const COUNT_PARAM_COUNT = FIRST_LIGHT_PARAM - 1 + BY_LIGHT.length;

/** The period numbers (docs/stats.md). */
export const PERIOD_FIELDS = ['reported', 'filed', 'closed', 'inProgress', 'escalated', 'dueToClose', 'closedOfDue', 'closedOnTime'] as const;
export type PeriodField = (typeof PERIOD_FIELDS)[number];

/**
 * The predicate of each period number over the window [f, t) (two placeholders; $5 and $7 as in baseParams()).
 * Due to close: resolve-by in the window, or the backlog (resolve-by before it, not closed when it began).
 */
export function periodPredicates(f: string, t: string): Record<PeriodField, string> {
  const inW = (col: string) => `(c.${col} >= ${f} AND c.${col} < ${t})`;
  const due = `(c.status <> ALL($7::text[]) AND (${inW('resolve_by')} OR (c.resolve_by < ${f} AND (c.closed_at IS NULL OR c.closed_at >= ${f}))))`;
  return {
    reported: inW('reported_at'),
    filed: inW('filed_at'),
    closed: inW('closed_at'),
    inProgress: `${inW('reported_at')} AND c.status = ANY($5::text[])`,
    escalated: `${inW('reported_at')} AND c.escalation_level > 0`,
    dueToClose: due,
    closedOfDue: `${due} AND c.closed_at < ${t}`,
    closedOnTime: `${due} AND c.closed_at < ${t} AND c.closed_at <= c.resolve_by`,
  };
}

/** The "now" numbers: the cases as they stand ($4 open states, $6 overdue lights, then the lights of BY_LIGHT). */
export const NOW_COLUMNS = `
  count(*) FILTER (WHERE ${IS_OPEN})::int AS open,
  ${BY_LIGHT.map((l, i) => `count(*) FILTER (WHERE ${IS_OPEN} AND c.light = $${FIRST_LIGHT_PARAM + i})::int AS ${l},`).join('\n  ')}
  count(*) FILTER (WHERE ${IS_OPEN} AND c.light = ANY($6::text[]))::int AS overdue,
  count(*) FILTER (WHERE c.supervised)::int AS supervised,
  count(*) FILTER (WHERE ${IS_OPEN} AND c.priority = 'emergency')::int AS "emergenciesOpen"`;

const PERIOD = periodPredicates('$1', '$2');
const COUNT_COLUMNS = `
  ${PERIOD_FIELDS.map((k) => `count(*) FILTER (WHERE ${PERIOD[k]})::int AS "${k}",`).join('\n  ')}
  ${NOW_COLUMNS}`;

/** Every case any of the columns can count: each arm is served by an index (a bitmap OR). */
const RELEVANT = `(${IN_P('reported_at')} OR ${IN_P('filed_at')} OR c.closed_at >= $1 OR ${IN_P('resolve_by')}
  OR c.status = ANY($3::text[]) OR c.supervised)`;

export function baseParams(from: Date, to: Date): unknown[] {
  return [from, to, NOT_FINAL_STATES, OPEN_STATES, ACTIVE_STATES, OVERDUE_LIGHTS, NOT_DUE_STATES, ...BY_LIGHT];
}

export interface AreaScope {
  level: AreaLevel;
  code: string;
}

/** The indicator counts of [from, to) for the whole territory or one area. */
export async function indicatorTotals(db: Queryable, from: Date, to: Date, scope: AreaScope | null): Promise<IndicatorCounts> {
  const params = baseParams(from, to);
  let filter = '';
  if (scope) {
    params.push(scope.code);
    filter = `AND ${CASES_BELOW[scope.level](`$${params.length}`)}`;
  }
  const { rows } = await db.query<IndicatorCounts>(`SELECT ${COUNT_COLUMNS} FROM cases c WHERE ${RELEVANT} ${filter}`, params);
  return rows[0] ?? { ...ZERO_COUNTS };
}

export interface AreaIndicatorRow extends IndicatorCounts {
  id: number;
  code: string;
  name: string;
  population: number;
}

/** The indicator counts of [from, to) for every area of a level (areas without cases get zeros). */
export async function indicatorsByArea(db: Queryable, level: GroupLevel, from: Date, to: Date): Promise<AreaIndicatorRow[]> {
  const { rows } = await db.query<{ id: number; code: string; name: string; population: number; counts: IndicatorCounts | null }>(
    `WITH agg AS (
       SELECT ${GROUP_COLUMN[level]} AS key, ${COUNT_COLUMNS}
       FROM cases c WHERE ${RELEVANT} GROUP BY 1
     )
     SELECT a.code::bigint AS id, a.code, a.name, a.population, to_jsonb(agg) AS counts
     FROM area a LEFT JOIN agg ON agg.key = a.code
     WHERE a.level = $${COUNT_PARAM_COUNT + 1}::area_level
     ORDER BY a.code`,
    [...baseParams(from, to), level],
  );
  return rows.map((r) => {
    const counts = { ...ZERO_COUNTS };
    if (r.counts) for (const k of Object.keys(ZERO_COUNTS) as (keyof IndicatorCounts)[]) counts[k] = Number(r.counts[k] ?? 0);
    return { id: r.id, code: r.code, name: r.name, population: r.population, ...counts };
  });
}

export interface AreaRow {
  id: number;
  code: string;
  name: string;
  level: AreaLevel;
  population: number;
}

export async function findArea(db: Queryable, code: string): Promise<AreaRow | null> {
  const { rows } = await db.query<AreaRow>(
    `SELECT id, code, name, level::text AS level, population FROM area WHERE code = $1`,
    [code],
  );
  return rows[0] ?? null;
}

/** Reported and closed per CST day over [from, to), for the whole territory or one area. */
export async function dailyCounts(
  db: Queryable,
  from: Date,
  to: Date,
  scope: AreaScope | null,
): Promise<Map<string, { reported: number; closed: number }>> {
  const params: unknown[] = [from, to, CST_TIME_ZONE];
  let filter = '';
  if (scope) {
    params.push(scope.code);
    filter = `AND ${CASES_BELOW[scope.level](`$${params.length}`)}`;
  }
  const { rows } = await db.query<{ day: string; reported: number; closed: number }>(
    `SELECT day, sum(reported)::int AS reported, sum(closed)::int AS closed FROM (
       SELECT to_char(c.reported_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, 1 AS reported, 0 AS closed
       FROM cases c WHERE ${IN_P('reported_at')} ${filter}
       UNION ALL
       SELECT to_char(c.closed_at AT TIME ZONE $3, 'YYYY-MM-DD'), 0, 1
       FROM cases c WHERE ${IN_P('closed_at')} ${filter}
     ) x GROUP BY day`,
    params,
  );
  const out = new Map<string, { reported: number; closed: number }>();
  for (const r of rows) out.set(r.day, { reported: r.reported, closed: r.closed });
  return out;
}

export type TrendGroup = 'day' | 'category' | 'source' | 'street';

export interface TrendRow {
  key: string;
  label: string | null;
  reported: number;
  closed: number;
  overdue: number;
}

const TREND_KEY: Record<TrendGroup, { reported: string; closed: string; due: string }> = {
  day: {
    reported: `to_char(c.reported_at AT TIME ZONE $5, 'YYYY-MM-DD')`,
    closed: `to_char(c.closed_at AT TIME ZONE $5, 'YYYY-MM-DD')`,
    due: `to_char(c.resolve_by AT TIME ZONE $5, 'YYYY-MM-DD')`,
  },
  category: { reported: 'left(c.category_code, 2)', closed: 'left(c.category_code, 2)', due: 'left(c.category_code, 2)' },
  source: { reported: 'c.source', closed: 'c.source', due: 'c.source' },
  street: { reported: 'c.street_code', closed: 'c.street_code', due: 'c.street_code' },
};

/**
 * Reported (reported in the window), closed (closed in the window) and overdue (resolve-by in the window and
 * already past at `now`, not void or parked, and not closed by its resolve-by) per bucket.
 */
export async function trendCounts(
  db: Queryable,
  by: TrendGroup,
  from: Date,
  to: Date,
  now: Date,
  street: string | null,
): Promise<TrendRow[]> {
  // $4 the states never due; $5 (the time zone) only where the day buckets use it: an unused parameter has no type
  const params: unknown[] = by === 'day' ? [from, to, now, NOT_DUE_STATES, CST_TIME_ZONE] : [from, to, now, NOT_DUE_STATES];
  let filter = '';
  if (street) {
    params.push(street);
    filter = `AND c.street_code = $${params.length}`;
  }
  const k = TREND_KEY[by];
  const { rows } = await db.query<{ key: string; reported: number; closed: number; overdue: number }>(
    `SELECT key, sum(r)::int AS reported, sum(cl)::int AS closed, sum(o)::int AS overdue FROM (
       SELECT ${k.reported} AS key, 1 AS r, 0 AS cl, 0 AS o FROM cases c WHERE ${IN_P('reported_at')} ${filter}
       UNION ALL
       SELECT ${k.closed}, 0, 1, 0 FROM cases c WHERE ${IN_P('closed_at')} ${filter}
       UNION ALL
       SELECT ${k.due}, 0, 0, 1 FROM cases c
       WHERE ${IN_P('resolve_by')} AND c.resolve_by < $3 AND c.status <> ALL($4::text[])
         AND (c.closed_at IS NULL OR c.closed_at > c.resolve_by) ${filter}
     ) x GROUP BY key ORDER BY key`,
    params,
  );
  return rows.map((r) => ({ ...r, label: null }));
}

/** Names of the major categories and of the streets (labels of the trend buckets). */
export async function labels(db: Queryable, by: 'category' | 'street'): Promise<Map<string, string>> {
  const sql =
    by === 'category'
      ? `SELECT code, name FROM category_major ORDER BY code`
      : `SELECT code, name FROM area WHERE level = 'street' ORDER BY code`;
  const { rows } = await db.query<{ code: string; name: string }>(sql);
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** Does this category (5 digits) or major class (2 digits) exist? */
export async function categoryExists(db: Queryable, code: string): Promise<boolean> {
  const { rows } = await db.query(
    code.length === 2 ? `SELECT 1 FROM category_major WHERE code = $1` : `SELECT 1 FROM category WHERE code = $1`,
    [code],
  );
  return rows.length > 0;
}

// the heatmaps and the map layers, for callers that reach every statistics query through this module
export * from './heatmap-repository.ts';
export * from './map-repository.ts';
