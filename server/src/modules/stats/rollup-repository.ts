/**
 * The period numbers of the statistics answered from the rollups of migration 023 (docs/rollups.md): whole CST days
 * from rollup_flow / rollup_due (per grid), rollup_street_flow / rollup_street_due (per street), rollup_trend and its
 * per-street / class / source sums rollup_trend_dim (migration 024), kept exact by triggers in the same transaction
 * as every write to
 * `cases`; what the days cannot answer (the part of a window that does not start or end at 00:00 CST, "now"
 * numbers) from `cases`. Each function returns exactly what its raw counterpart in repository.ts returns (the
 * reference, held to it by server/test/rollups.test.ts), at a cost that follows the window, not the history.
 */
import type pg from 'pg';
import { DAY_MS, cstDateKey, startOfCstDay } from '@gridcommand/shared/domain';
import { inTransaction } from '../../db/transaction.ts';
import { indexPredicate } from './partial-indexes.ts';
import {
  CASES_BELOW,
  COUNT_PARAM_COUNT,
  GROUP_COLUMN,
  NOW_COLUMNS,
  PERIOD_FIELDS,
  ZERO_COUNTS,
  baseParams,
  dailyCounts,
  periodPredicates,
  trendCounts,
  type AreaIndicatorRow,
  type AreaScope,
  type GroupLevel,
  type IndicatorCounts,
  type TrendGroup,
  type TrendRow,
} from './repository.ts';

type Queryable = Pick<pg.Pool, 'query'>;

const FIELDS = Object.keys(ZERO_COUNTS) as (keyof IndicatorCounts)[];

/**
 * Open (lit) cases, as the partial index cases_lit_grid_idx spells them: the pool plans with generic plans
 * (server/src/db/pool.ts), where `status = ANY($n)` gives the planner no estimate and it scans all cases.
 */
const LIT = indexPredicate('cases_lit_grid_idx', 'c');

/** 00:00 CST of the day of `t`, or of the next day when `t` is not already a day's start. */
export function ceilDay(t: Date): Date {
  const s = startOfCstDay(t);
  return s.getTime() === t.getTime() ? s : new Date(s.getTime() + DAY_MS);
}

/** Recomputes every rollup from `cases` (rollup_rebuild(): writers wait meanwhile, readers do not). */
export async function rebuildRollups(db: Queryable): Promise<void> {
  await db.query('SELECT rollup_rebuild()');
}

/** One arm of the union below: `key` and every indicator column, those it does not give as 0. */
function arm(key: string, cols: Partial<Record<keyof IndicatorCounts, string>>, rest: string): string {
  return `SELECT ${key} AS key, ${FIELDS.map((f) => `(${cols[f] ?? '0'})::bigint AS "${f}"`).join(', ')} ${rest}`;
}

/**
 * SQL and parameters of the indicator counts over [from, to), per `group` column (or one row, key ''), within
 * `scope`. The window is widened to whole CST days [F, T) (F ≤ from, to ≤ T), which the rollups answer; the cases
 * with an instant in [F, from) or [to, T) are then counted from `cases` twice, for the real window and for the
 * widened one, and the difference added: for every other case the two windows agree.
 */
function indicatorSql(from: Date, to: Date, scope: AreaScope | null, group: string | null): { sql: string; params: unknown[] } {
  const F = startOfCstDay(from);
  const T = ceilDay(to);
  const partial = F.getTime() !== from.getTime() || T.getTime() !== to.getTime();
  const params = [...baseParams(from, to), cstDateKey(F), cstDateKey(T), F, T];
  const [dF, dT, pF, pT] = [1, 2, 3, 4].map((i) => `$${COUNT_PARAM_COUNT + i}`) as [string, string, string, string];
  let within = '';
  // the district's and the streets' numbers come from the per-street rollups, the smaller areas' from the per-grid ones
  const perStreet = (!scope || scope.level === 'district' || scope.level === 'street') && (!group || group === GROUP_COLUMN.street);
  let rolledWithin = '';
  if (scope) {
    params.push(scope.code);
    within = `AND ${CASES_BELOW[scope.level](`$${params.length}`)}`;
    rolledWithin = perStreet ? `AND c.${scope.level}_code = $${params.length}` : within;
  }
  const [flowTable, dueTable] = perStreet ? ['rollup_street_flow', 'rollup_street_due'] : ['rollup_flow', 'rollup_due'];
  const key = group ?? `''`;
  const groupBy = group ? `GROUP BY ${group}` : '';
  const dueCols = {
    dueToClose: 'sum(c.n)',
    closedOfDue: `sum(c.n) FILTER (WHERE c.closed_day < ${dT}::date)`,
    closedOnTime: `sum(c.n) FILTER (WHERE c.closed_day < ${dT}::date AND c.on_time)`,
  };
  const arms = [
    arm(
      key,
      { reported: 'sum(c.reported)', filed: 'sum(c.filed)', closed: 'sum(c.closed)', inProgress: 'sum(c.in_progress)', escalated: 'sum(c.escalated)' },
      `FROM ${flowTable} c WHERE c.day >= ${dF}::date AND c.day < ${dT}::date ${rolledWithin} ${groupBy}`,
    ),
    // due in the days of the window
    arm(key, dueCols, `FROM ${dueTable} c WHERE c.resolve_day >= ${dF}::date AND c.resolve_day < ${dT}::date ${rolledWithin} ${groupBy}`),
    // the backlog: due before the window, not closed when it began (closed_day 'infinity' while open)
    arm(key, dueCols, `FROM ${dueTable} c WHERE c.closed_day >= ${dF}::date AND c.resolve_day < ${dF}::date ${rolledWithin} ${groupBy}`),
  ];
  // the "now" numbers: open or supervised cases as they stand
  arms.push(
    `SELECT n.key, ${FIELDS.map((f) => ((PERIOD_FIELDS as readonly string[]).includes(f) ? `0::bigint AS "${f}"` : `n."${f}"::bigint AS "${f}"`)).join(', ')}
     FROM (SELECT ${key} AS key, ${NOW_COLUMNS} FROM cases c
           WHERE (${LIT} OR c.supervised) ${within} ${groupBy}) n`,
  );
  if (partial) {
    const real = periodPredicates('$1', '$2');
    const wide = periodPredicates(pF, pT);
    const cols: Partial<Record<keyof IndicatorCounts, string>> = {};
    for (const f of PERIOD_FIELDS) cols[f] = `count(*) FILTER (WHERE ${real[f]}) - count(*) FILTER (WHERE ${wide[f]})`;
    const sliver = ['reported_at', 'filed_at', 'closed_at', 'resolve_by']
      .map((col) => `(c.${col} >= ${pF} AND c.${col} < $1) OR (c.${col} >= $2 AND c.${col} < ${pT})`)
      .join(' OR ');
    arms.push(arm(key, cols, `FROM cases c WHERE (${sliver}) ${within} ${groupBy}`));
  }
  // every parameter typed once, whichever arms use it (an unused parameter has no type)
  const typed = `WITH typed AS (SELECT $1::timestamptz, $2::timestamptz, $3::text[], $5::text[], $7::text[], ${pF}::timestamptz, ${pT}::timestamptz)`;
  const sql = `${typed} SELECT key, ${FIELDS.map((f) => `coalesce(sum("${f}"), 0)::int AS "${f}"`).join(', ')}
    FROM (${arms.join('\n UNION ALL ')}) x GROUP BY key`;
  return { sql, params };
}

/** indicatorTotals (repository.ts), from the rollups. */
export async function rollupIndicatorTotals(db: Queryable, from: Date, to: Date, scope: AreaScope | null): Promise<IndicatorCounts> {
  const { sql, params } = indicatorSql(from, to, scope, null);
  const { rows } = await db.query<IndicatorCounts & { key: string }>(sql, params);
  const r = rows[0];
  const out = { ...ZERO_COUNTS };
  if (r) for (const f of FIELDS) out[f] = r[f];
  return out;
}

/** indicatorsByArea (repository.ts), from the rollups. */
export async function rollupIndicatorsByArea(db: Queryable, level: GroupLevel, from: Date, to: Date): Promise<AreaIndicatorRow[]> {
  const { sql, params } = indicatorSql(from, to, null, GROUP_COLUMN[level]);
  params.push(level);
  const { rows } = await db.query<{ id: number; code: string; name: string; population: number; counts: IndicatorCounts | null }>(
    `WITH agg AS (${sql})
     SELECT a.code::bigint AS id, a.code, a.name, a.population, to_jsonb(agg) AS counts
     FROM area a LEFT JOIN agg ON agg.key = a.code
     WHERE a.level = $${params.length}::area_level
     ORDER BY a.code`,
    params,
  );
  return rows.map((r) => {
    const counts = { ...ZERO_COUNTS };
    if (r.counts) for (const k of FIELDS) counts[k] = Number(r.counts[k] ?? 0);
    return { id: r.id, code: r.code, name: r.name, population: r.population, ...counts };
  });
}

type Daily = Map<string, { reported: number; closed: number }>;

function addDaily(into: Daily, from: Daily): void {
  for (const [day, v] of from) {
    const have = into.get(day);
    if (have) {
      have.reported += v.reported;
      have.closed += v.closed;
    } else into.set(day, { ...v });
  }
}

/** dailyCounts (repository.ts): whole CST days from the rollups, the partial first and last day from `cases`. */
export async function rollupDailyCounts(pool: pg.Pool, from: Date, to: Date, scope: AreaScope | null): Promise<Daily> {
  const F = ceilDay(from);
  const T = startOfCstDay(to);
  if (F.getTime() >= T.getTime()) return dailyCounts(pool, from, to, scope);
  return inTransaction(
    pool,
    async (db) => {
      const params: unknown[] = [cstDateKey(F), cstDateKey(T)];
      const perStreet = !scope || scope.level === 'district' || scope.level === 'street';
      let within = '';
      if (scope) {
        params.push(scope.code);
        within = perStreet ? `AND c.${scope.level}_code = $${params.length}` : `AND ${CASES_BELOW[scope.level](`$${params.length}`)}`;
      }
      const { rows } = await db.query<{ day: string; reported: number; closed: number }>(
        `SELECT to_char(c.day, 'YYYY-MM-DD') AS day, sum(c.reported)::int AS reported, sum(c.closed)::int AS closed
         FROM ${perStreet ? 'rollup_street_flow' : 'rollup_flow'} c WHERE c.day >= $1::date AND c.day < $2::date ${within}
         GROUP BY c.day HAVING sum(c.reported) <> 0 OR sum(c.closed) <> 0`,
        params,
      );
      const out: Daily = new Map(rows.map((r) => [r.day, { reported: r.reported, closed: r.closed }]));
      if (from.getTime() < F.getTime()) addDaily(out, await dailyCounts(db, from, F, scope));
      if (T.getTime() < to.getTime()) addDaily(out, await dailyCounts(db, T, to, scope));
      return out;
    },
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  );
}

const TREND_ROLLUP_KEY: Record<TrendGroup, string> = {
  day: `to_char(c.day, 'YYYY-MM-DD')`,
  category: 'c.major_code',
  source: 'c.source',
  street: 'c.street_code',
};

/**
 * trendCounts (repository.ts): the whole CST days before today from rollup_trend (each of their resolve-bys is
 * past), the partial first day and today onwards from `cases`.
 */
export async function rollupTrendCounts(
  pool: pg.Pool,
  by: TrendGroup,
  from: Date,
  to: Date,
  now: Date,
  street: string | null,
): Promise<TrendRow[]> {
  const F = ceilDay(from);
  const T = new Date(Math.min(startOfCstDay(to).getTime(), startOfCstDay(now).getTime()));
  if (F.getTime() >= T.getTime()) return trendCounts(pool, by, from, to, now, street);
  return inTransaction(
    pool,
    async (db) => {
      const params: unknown[] = [cstDateKey(F), cstDateKey(T)];
      // the per-street, per-class and per-source sums of rollup_trend (migration 024) where they answer: one row a
      // street (class, source) and day; a street's classes and sources from rollup_trend itself (its key starts there)
      const dim = by === 'day' || by === 'street' ? 'street' : street ? null : by === 'category' ? 'major' : 'source';
      let within = '';
      if (dim) {
        params.push(dim);
        within = `AND c.dim = $${params.length}`;
      }
      if (street) {
        params.push(street);
        within += ` AND c.${dim ? 'key' : 'street_code'} = $${params.length}`;
      }
      const key = dim && by !== 'day' ? 'c.key' : TREND_ROLLUP_KEY[by];
      const { rows } = await db.query<{ key: string; reported: number; closed: number; overdue: number }>(
        `SELECT ${key} AS key, sum(c.reported)::int AS reported, sum(c.closed)::int AS closed, sum(c.late)::int AS overdue
         FROM ${dim ? 'rollup_trend_dim' : 'rollup_trend'} c WHERE c.day >= $1::date AND c.day < $2::date ${within}
         GROUP BY 1 HAVING sum(c.reported) <> 0 OR sum(c.closed) <> 0 OR sum(c.late) <> 0`,
        params,
      );
      const found = new Map(rows.map((r) => [r.key, { ...r }]));
      const parts: TrendRow[][] = [];
      if (from.getTime() < F.getTime()) parts.push(await trendCounts(db, by, from, F, now, street));
      if (T.getTime() < to.getTime()) parts.push(await trendCounts(db, by, T, to, now, street));
      for (const r of parts.flat()) {
        const have = found.get(r.key);
        if (have) {
          have.reported += r.reported;
          have.closed += r.closed;
          have.overdue += r.overdue;
        } else found.set(r.key, { key: r.key, reported: r.reported, closed: r.closed, overdue: r.overdue });
      }
      return [...found.values()]
        .filter((r) => r.reported + r.closed + r.overdue > 0)
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((r) => ({ ...r, label: null }));
    },
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  );
}
