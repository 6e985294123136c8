/**
 * SQL of the indicator rollups (migration 027, docs/indicators.md#rollups): computing one calendar period into
 * rollup_indicator (grid × department × category × priority), rollup_indicator_street (street × department ×
 * category × priority) and rollup_indicator_duration (working-hour histograms per street × department), with the
 * very SQL of the raw answer (repository.ts strataSql); and reading them back for a scope, a ranking or the
 * durations. The rules (which periods, when a stored one answers, the histogram) are the domain's
 * (shared/src/domain/indicators-rollup.ts).
 */
import type pg from 'pg';
import {
  cstDateKey,
  histogramAdd,
  snapshotUse,
  workingMillisBetween,
  HOUR_MS,
  type CalendarPeriod,
  type DateKey,
  type HistogramBucket,
  type StoredPeriod,
  type TimeWindow,
  type WorkCalendar,
} from '@gridcommand/shared/domain';
import { inTransaction } from '../../db/transaction.ts';
import { BASE_PARAMS, COUNTERS, baseParams, rankingStrata, strataSql, toGroupRows, type GroupRow, type RawRow, type Scope } from './repository.ts';

type Queryable = Pick<pg.Pool, 'query'>;

const column = (counter: string) => counter.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
const COLS = COUNTERS.map(column);
const SUMS = COUNTERS.map((k) => `sum(${column(k)})::int AS "${k}"`).join(', ');

/** The earliest report: where the periods kept begin (null: no case yet). */
export async function firstReport(db: Queryable): Promise<Date | null> {
  const { rows } = await db.query<{ t: Date | null }>(`SELECT min(reported_at) AS t FROM cases`);
  return rows[0]?.t ?? null;
}

/** Takes the writes recorded since the last call and marks the periods over that they may concern dirty. */
export async function consumeTouches(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `WITH t AS (DELETE FROM rollup_indicator_touch RETURNING since)
     UPDATE rollup_indicator_period p SET dirty = true
      WHERE NOT p.dirty AND p.to_at >= p.end_at AND p.end_at > (SELECT min(since) FROM t)`,
  );
  return rowCount ?? 0;
}

/** Drops the day periods before `day` (older days are counted from the cases: DAYS_KEPT); how many went. */
export async function dropDaysBefore(pool: pg.Pool, day: DateKey): Promise<number> {
  return inTransaction(pool, async (client) => {
    const { rowCount } = await client.query(`DELETE FROM rollup_indicator_period WHERE kind = 'day' AND start < $1::date`, [day]);
    if ((rowCount ?? 0) > 0) {
      for (const t of ['rollup_indicator', 'rollup_indicator_street', 'rollup_indicator_duration']) {
        await client.query(`DELETE FROM ${t} WHERE kind = 'day' AND start < $1::date`, [day]);
      }
    }
    return rowCount ?? 0;
  });
}

type PeriodRow = { kind: CalendarPeriod; start: DateKey; toAt: Date; endAt: Date; computedAt: Date; dirty: boolean };
const PERIOD_COLUMNS = `kind, to_char(start, 'YYYY-MM-DD') AS start, to_at AS "toAt", end_at AS "endAt", computed_at AS "computedAt", dirty`;

export async function storedPeriods(db: Queryable): Promise<StoredPeriod[]> {
  const { rows } = await db.query<PeriodRow>(`SELECT ${PERIOD_COLUMNS} FROM rollup_indicator_period`);
  return rows;
}

/** One stored period, with whether writes not yet looked at may concern it. */
export async function storedPeriod(db: Queryable, kind: CalendarPeriod, start: DateKey): Promise<(StoredPeriod & { pending: boolean }) | null> {
  const { rows } = await db.query<PeriodRow & { pending: boolean }>(
    `SELECT ${PERIOD_COLUMNS}, EXISTS (SELECT 1 FROM rollup_indicator_touch t WHERE t.since < p.end_at) AS pending
       FROM rollup_indicator_period p WHERE kind = $1 AND start = $2::date`,
    [kind, start],
  );
  return rows[0] ?? null;
}

export interface DurationInput {
  street: string;
  department: string;
  reportedAt: Date;
  acceptedAt: Date | null;
  closedAt: Date | null;
}

/**
 * Computes one period [from, to) into the rollups, replacing what was there, in one REPEATABLE READ transaction
 * (the strata and the durations see the same cases). `to` is the period's end, or "now" for one still running.
 */
export async function computePeriod(
  pool: pg.Pool,
  p: { kind: CalendarPeriod; start: DateKey; from: Date; end: Date; to: Date; computedAt: Date },
  cal: WorkCalendar,
  durationPage = DURATION_PAGE,
): Promise<void> {
  await inTransaction(pool, async (client) => {
    const key = [p.kind, p.start];
    // the durations first, before any write: a transaction holds no transaction id until it writes, and one that
    // holds one holds the live stream back (docs/live.md); read through a cursor, so that a year's cases are never
    // all in memory at once
    const h = await durationHistogramsOf(client, p.from, p.to, cal, durationPage);
    for (const t of ['rollup_indicator', 'rollup_indicator_street', 'rollup_indicator_duration']) {
      await client.query(`DELETE FROM ${t} WHERE kind = $1 AND start = $2::date`, key);
    }
    const k = BASE_PARAMS;
    await client.query(
      `INSERT INTO rollup_indicator (kind, start, district_code, street_code, zone_code, community_code, grid_code, department_code,
                                     category_code, priority, ${COLS.join(', ')})
       SELECT $${k + 1}, $${k + 2}::date, left(q.g0, 6), q.g1, q.g2, q.g3, q.g0, q.g4, q.category, q.priority, ${COUNTERS.map((c) => `q."${c}"`).join(', ')}
         FROM (${strataSql(['c.grid_code', 'c.street_code', 'c.zone_code', 'c.community_code', `coalesce(c.department_code, '')`])}) q
        -- cases that count nowhere in P (the open cases of the period's candidates not due in it) leave no row
        WHERE greatest(${COUNTERS.map((c) => `q."${c}"`).join(', ')}) > 0`,
      [...baseParams(p.from, p.to), ...key],
    );
    await client.query(
      `INSERT INTO rollup_indicator_street (kind, start, district_code, street_code, department_code, category_code, priority, ${COLS.join(', ')})
       SELECT kind, start, district_code, street_code, department_code, category_code, priority, ${COLS.map((c) => `sum(${c})`).join(', ')}
         FROM rollup_indicator WHERE kind = $1 AND start = $2::date
        GROUP BY kind, start, district_code, street_code, department_code, category_code, priority`,
      key,
    );
    if (h.length > 0) {
      await client.query(
        `INSERT INTO rollup_indicator_duration (kind, start, district_code, street_code, department_code, measure, bucket, n, hours)
         SELECT $1, $2::date, left(s, 6), s, d, m, b, n, h
           FROM unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::float8[]) AS u(s, d, m, b, n, h)`,
        [...key, h.map((x) => x.street), h.map((x) => x.department), h.map((x) => x.measure), h.map((x) => x.bucket), h.map((x) => x.n), h.map((x) => x.hours)],
      );
    }
    await client.query(
      `INSERT INTO rollup_indicator_period (kind, start, from_at, end_at, to_at, computed_at, dirty)
       VALUES ($1, $2::date, $3, $4, $5, $6, false)
       ON CONFLICT (kind, start) DO UPDATE SET from_at = EXCLUDED.from_at, end_at = EXCLUDED.end_at, to_at = EXCLUDED.to_at,
         computed_at = EXCLUDED.computed_at, dirty = false`,
      [...key, p.from, p.end, p.to, p.computedAt],
    );
  }, 'BEGIN ISOLATION LEVEL REPEATABLE READ');
}

type Measure = 'respond' | 'resolve';

/** Cases read per FETCH of the duration cursor: bounds the rows in memory whatever the period's size. */
const DURATION_PAGE = 10_000;

/** The duration histograms of the cases accepted or closed in [from, to), read in pages through a cursor. */
async function durationHistogramsOf(client: pg.PoolClient, from: Date, to: Date, cal: WorkCalendar, page: number): Promise<DurationBucket[]> {
  const acc = new DurationHistograms(cal);
  await client.query(
    `DECLARE gc_durations NO SCROLL CURSOR FOR
     SELECT c.street_code AS street, coalesce(c.department_code, '') AS department, c.reported_at AS "reportedAt",
            CASE WHEN c.accepted_at >= $1 AND c.accepted_at < $2 THEN c.accepted_at END AS "acceptedAt",
            CASE WHEN c.closed_at >= $1 AND c.closed_at < $2 THEN c.closed_at END AS "closedAt"
       FROM cases c
      WHERE (c.accepted_at >= $1 AND c.accepted_at < $2) OR (c.closed_at >= $1 AND c.closed_at < $2)`,
    [from, to],
  );
  for (;;) {
    const { rows } = await client.query<DurationInput>(`FETCH FORWARD ${Math.max(1, Math.trunc(page))} FROM gc_durations`);
    acc.add(rows);
    if (rows.length < page) break;
  }
  await client.query('CLOSE gc_durations');
  return acc.buckets();
}

type DurationBucket = HistogramBucket & { street: string; department: string; measure: Measure };

/**
 * Working hours of each case's two durations, bucketed (the domain's histogramAdd) per street × department ×
 * measure, fed page by page: it keeps the buckets, never the cases.
 */
class DurationHistograms {
  private readonly groups = new Map<string, { street: string; department: string; measure: Measure; buckets: Map<number, HistogramBucket> }>();

  constructor(private readonly cal: WorkCalendar) {}

  add(rows: readonly DurationInput[]): void {
    for (const r of rows) {
      if (r.acceptedAt) this.addOne(r, 'respond', r.acceptedAt);
      if (r.closedAt) this.addOne(r, 'resolve', r.closedAt);
    }
  }

  buckets(): DurationBucket[] {
    return [...this.groups.values()].flatMap((g) => [...g.buckets.values()].map((b) => ({ street: g.street, department: g.department, measure: g.measure, ...b })));
  }

  private addOne(r: DurationInput, measure: Measure, end: Date): void {
    const key = `${r.street}|${r.department}|${measure}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { street: r.street, department: r.department, measure, buckets: new Map() }));
    histogramAdd(g.buckets, workingMillisBetween(r.reportedAt, end, this.cal) / HOUR_MS);
  }
}

/** Scopes the street table answers (the rest read the grid table). */
const STREET_SCOPE: Partial<Record<Scope['kind'], string>> = { district: 'district_code', street: 'street_code', department: 'department_code' };
const GRID_SCOPE: Partial<Record<Scope['kind'], string>> = { zone: 'zone_code', community: 'community_code', grid: 'grid_code' };

function gridPredicate(scope: Scope): { sql: string; value: unknown } {
  if (scope.kind === 'grids') return { sql: `grid_code = ANY($3::text[])`, value: scope.codes };
  const col = GRID_SCOPE[scope.kind] ?? STREET_SCOPE[scope.kind];
  return { sql: `${col} = $3`, value: scope.code };
}

/** A stored period's strata, 'in' the unit and 'out' of it, like repository.ts unitStrata. */
export async function unitStrataStored(db: Queryable, kind: CalendarPeriod, start: DateKey, scope: Scope): Promise<GroupRow[]> {
  const streetCol = scope.kind === 'grids' ? undefined : STREET_SCOPE[scope.kind];
  if (streetCol) {
    const { rows } = await db.query<RawRow>(
      `SELECT CASE WHEN ${streetCol} = $3 THEN 'in' ELSE 'out' END AS grp, category_code AS category, priority, ${SUMS}
         FROM rollup_indicator_street WHERE kind = $1 AND start = $2::date GROUP BY 1, 2, 3`,
      [kind, start, (scope as { code: string }).code],
    );
    return toGroupRows(rows);
  }
  // a zone, a community, a grid or a worker's grids: the unit from the grid table, the rest = all − the unit
  const pred = gridPredicate(scope);
  const [all, unit] = await Promise.all([
    db.query<RawRow>(
      `SELECT 'out' AS grp, category_code AS category, priority, ${SUMS} FROM rollup_indicator_street WHERE kind = $1 AND start = $2::date GROUP BY 2, 3`,
      [kind, start],
    ),
    db.query<RawRow>(
      `SELECT 'in' AS grp, category_code AS category, priority, ${SUMS} FROM rollup_indicator WHERE kind = $1 AND start = $2::date AND ${pred.sql} GROUP BY 2, 3`,
      [kind, start, pred.value],
    ),
  ]);
  const inside = new Map(unit.rows.map((r) => [`${r.category}/${r.priority}`, r]));
  const rest = all.rows.map((r) => {
    const u = inside.get(`${r.category}/${r.priority}`);
    if (!u) return r;
    const out = { ...r } as RawRow;
    for (const c of COUNTERS) (out as Record<string, number>)[c] = Number(r[c]) - Number(u[c]);
    return out;
  });
  return toGroupRows([...unit.rows, ...rest]);
}

/** A stored period's strata per street or department ('' for cases of no department), like rankingStrata. */
export async function rankingStrataStored(db: Queryable, kind: CalendarPeriod, start: DateKey, by: 'street' | 'department'): Promise<GroupRow[]> {
  const { rows } = await db.query<RawRow>(
    `SELECT ${by === 'street' ? 'street_code' : 'department_code'} AS grp, category_code AS category, priority, ${SUMS}
       FROM rollup_indicator_street WHERE kind = $1 AND start = $2::date GROUP BY 1, 2, 3`,
    [kind, start],
  );
  return toGroupRows(rows);
}

/** A stored period's duration histograms for the district, a street or a department; null for the other scopes. */
export async function durationsStored(
  db: Queryable,
  kind: CalendarPeriod,
  start: DateKey,
  scope: Scope,
): Promise<Record<Measure, HistogramBucket[]> | null> {
  const col = scope.kind === 'grids' ? undefined : STREET_SCOPE[scope.kind];
  if (!col) return null;
  const { rows } = await db.query<HistogramBucket & { measure: Measure }>(
    `SELECT measure, bucket, sum(n)::int AS n, sum(hours)::float8 AS hours FROM rollup_indicator_duration
      WHERE kind = $1 AND start = $2::date AND ${col} = $3 GROUP BY 1, 2`,
    [kind, start, (scope as { code: string }).code],
  );
  return { respond: rows.filter((r) => r.measure === 'respond'), resolve: rows.filter((r) => r.measure === 'resolve') };
}


/**
 * The ranking strata of a calendar period for a document of record (the bulletins): the stored ones only when they
 * are exact (the period over, computed to its end, untouched since), else counted from the cases.
 */
export async function rankingStrataExact(db: Queryable, kind: CalendarPeriod, w: TimeWindow, now: Date, by: 'street' | 'department'): Promise<GroupRow[]> {
  const start = cstDateKey(w.from);
  const s = await storedPeriod(db, kind, start);
  if (s && snapshotUse(s, now, 0) === 'exact' && s.toAt.getTime() === w.to.getTime()) return rankingStrataStored(db, kind, start, by);
  return rankingStrata(db, w.from, w.to, by);
}
