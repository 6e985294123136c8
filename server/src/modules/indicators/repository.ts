/**
 * SQL of the assessment indicators (docs/indicators.md). One pass over the cases of the period groups the counts and
 * the cohorts of every rate by (group, category, priority): the group is "in the unit or not" for one unit, or the
 * street / department for the rankings; the district-wide rates per stratum (the reference of the fair comparison)
 * are the sum over the groups. The definitions mirror caseOutcomes / caseCounts in
 * shared/src/domain/indicators-cases.ts, which server/test/indicators.test.ts holds this SQL to.
 */
import type pg from 'pg';
import {
  CASE_STATES,
  COUNT_KEYS,
  NEVER_DUE_STATES,
  PUBLIC_SOURCES,
  RATE_KEYS,
  SATISFIED_RATINGS,
  TERMINAL_STATES,
  VERIFY_WITHIN_HOURS,
  emptyStratum,
  type CountKey,
  type RateKey,
  type StratumCounts,
} from '@gridcommand/shared/domain';

type Queryable = Pick<pg.Pool, 'query'>;

/** States a case can still change from: what the backlog of due cases is drawn from. */
const NOT_TERMINAL = CASE_STATES.filter((s) => !TERMINAL_STATES.includes(s));

// $1 from, $2 to, $3 not-terminal states, $4 never-due states, $5 public sources, $6 verify limit (hours),
// $7 satisfied ratings; a query's own parameters start at $8
export const BASE_PARAMS = 7;
const IN_P = (col: string) => `(${col} >= $1 AND ${col} < $2)`;
const VALID_REPORT = `(c.status <> 'void' AND ${IN_P('c.reported_at')})`;
const DUE = `(c.status <> ALL($4::text[]) AND (${IN_P('c.resolve_by')} OR (c.resolve_by < $1 AND (c.closed_at IS NULL OR c.closed_at >= $1))))`;
const VERIFIED = `(c.verified_at IS NOT NULL AND c.handled_at IS NOT NULL AND c.verified_at >= c.handled_at)`;
const VERIFY_LIMIT = `c.handled_at + $6 * interval '1 hour'`;
const COVERED = `EXISTS (SELECT 1 FROM grid_staff gs JOIN staff s ON s.id = gs.staff_id WHERE gs.grid_code = c.grid_code AND s.role = 'grid_worker')`;

/** Each rate's cohort and, within it, what counts. */
const SHARES: Record<RateKey, { cohort: string; hit: string }> = {
  closure: { cohort: DUE, hit: `c.closed_at < $2` },
  onTimeClosure: { cohort: DUE, hit: `c.closed_at < $2 AND c.closed_at <= c.resolve_by` },
  rework: { cohort: `ev.verified`, hit: `ev.failed` },
  onTimeVerification: {
    cohort: `(c.status <> 'void' AND ev.handled AND (${VERIFIED} OR c.handled_at IS NULL OR ${VERIFY_LIMIT} < $2))`,
    hit: `${VERIFIED} AND c.verified_at <= ${VERIFY_LIMIT}`,
  },
  publicShare: { cohort: VALID_REPORT, hit: `c.source = ANY($5::text[])` },
  missed: { cohort: `(${VALID_REPORT} AND ${COVERED})`, hit: `c.source = ANY($5::text[])` },
  signFor: {
    cohort: `(ev.dispatched AND c.sign_by IS NOT NULL AND (c.accepted_at IS NOT NULL OR c.sign_by < $2))`,
    hit: `c.accepted_at <= c.sign_by`,
  },
  return: { cohort: `ev.dispatched`, hit: `ev.returned` },
  redo: { cohort: `ev.closed`, hit: `ev.reopened` },
  fixedOnSpot: { cohort: VALID_REPORT, hit: `c.fixed_on_spot` },
  response: { cohort: `(${VALID_REPORT} AND (c.accepted_at IS NOT NULL OR c.respond_by < $2))`, hit: `c.accepted_at <= c.respond_by` },
  resolution: { cohort: `rt.case_id IS NOT NULL`, hit: `NOT rt.reopened` },
  satisfaction: { cohort: `rt.case_id IS NOT NULL`, hit: `rt.rating = ANY($7::text[])` },
};

const COUNTS: Record<CountKey, string> = {
  reported: `count(*) FILTER (WHERE ${IN_P('c.reported_at')})`,
  filed: `count(*) FILTER (WHERE ${IN_P('c.filed_at')})`,
  closed: `count(*) FILTER (WHERE ${IN_P('c.closed_at')})`,
  escalations: `coalesce(sum(ev.escalations), 0)`,
  supervisions: `coalesce(sum(sup.n), 0)`,
};

/** The names of the counters every grouped row carries, in order: the counts, then each rate's cohort and hits. */
export const COUNTERS: readonly string[] = [...COUNT_KEYS, ...RATE_KEYS.flatMap((k) => [`${k}_n`, `${k}_hits`])];

const COLUMNS = [
  ...COUNT_KEYS.map((k) => `${COUNTS[k]}::int AS "${k}"`),
  ...RATE_KEYS.flatMap((k) => [
    `count(*) FILTER (WHERE ${SHARES[k].cohort})::int AS "${k}_n"`,
    `count(*) FILTER (WHERE ${SHARES[k].cohort} AND ${SHARES[k].hit})::int AS "${k}_hits"`,
  ]),
].join(',\n  ');

/**
 * The cases of the period: any that one of the columns can count. Each arm is served by an index (reported_at,
 * filed_at, closed_at, resolve_by, status; the events by event_at_idx); the backlog closed since P began (due before
 * it, closed at or after its start) by (closed_at, resolve_by) of migration 027, so that a period long past does not
 * read every case closed since.
 */
const PERIOD_CASES = `
ev AS (
  SELECT e.case_id,
         bool_or(e.a = 'dispatch') AS dispatched, bool_or(e.a = 'return') AS returned,
         bool_or(e.a IN ('verify_pass', 'verify_fail')) AS verified, bool_or(e.a = 'verify_fail') AS failed,
         bool_or(e.a = 'handle') AS handled, bool_or(e.a IN ('close', 'fix_on_spot')) AS closed, bool_or(e.a = 'reopen') AS reopened,
         count(*) FILTER (WHERE e.a = 'escalate')::int AS escalations
    FROM (SELECT case_id, action AS a FROM event
           WHERE ${IN_P('at')} AND case_id IS NOT NULL AND type IN ('case.updated', 'case.escalated', 'case.closed')) e
   GROUP BY e.case_id
),
sup AS (SELECT case_id, count(*)::int AS n FROM supervision WHERE ${IN_P('opened_at')} GROUP BY case_id),
rt AS (
  SELECT DISTINCT ON (case_id) case_id, rating, reopened FROM case_rating
   WHERE ${IN_P('at')} AND rating IS NOT NULL AND (source = 'citizen' OR reached)
   ORDER BY case_id, at DESC, id DESC
),
ids AS (
  SELECT c.id FROM cases c
   WHERE ${IN_P('c.reported_at')} OR ${IN_P('c.filed_at')} OR ${IN_P('c.closed_at')} OR (c.closed_at >= $1 AND c.resolve_by < $1)
      OR ${IN_P('c.resolve_by')} OR c.status = ANY($3::text[])
  UNION SELECT case_id FROM ev
  UNION SELECT case_id FROM sup
  UNION SELECT case_id FROM rt
)`;

export function baseParams(from: Date, to: Date): unknown[] {
  return [from, to, NOT_TERMINAL, NEVER_DUE_STATES, PUBLIC_SOURCES, VERIFY_WITHIN_HOURS, SATISFIED_RATINGS];
}

/** Who is in a unit: a predicate on cases c with one parameter. */
export type Scope =
  | { kind: 'district' | 'street' | 'zone' | 'community' | 'grid'; code: string }
  | { kind: 'department'; code: string }
  | { kind: 'grids'; codes: string[] };

function scopeSql(scope: Scope, p: string): { sql: string; value: unknown } {
  switch (scope.kind) {
    case 'district':
      return { sql: `left(c.grid_code, 6) = ${p}`, value: scope.code };
    case 'street':
      return { sql: `c.street_code = ${p}`, value: scope.code };
    case 'zone':
      return { sql: `c.zone_code = ${p}`, value: scope.code };
    case 'community':
      return { sql: `c.community_code = ${p}`, value: scope.code };
    case 'grid':
      return { sql: `c.grid_code = ${p}`, value: scope.code };
    case 'department':
      return { sql: `c.department_code = ${p}`, value: scope.code };
    case 'grids':
      return { sql: `c.grid_code = ANY(${p}::text[])`, value: scope.codes };
  }
}

export interface GroupRow {
  group: string;
  stratum: string;
  counts: StratumCounts;
}

export type RawRow = { grp: string; category: string; priority: string } & Record<string, number>;

export function toGroupRows(rows: RawRow[]): GroupRow[] {
  return rows.map((r) => {
    const s = emptyStratum();
    for (const k of COUNT_KEYS) s.counts[k] = Number(r[k]);
    for (const k of RATE_KEYS) s.shares[k] = { n: Number(r[`${k}_n`]), hits: Number(r[`${k}_hits`]) };
    return { group: r.grp, stratum: `${r.category}/${r.priority}`, counts: s };
  });
}

/**
 * The strata of P grouped by the expressions `groups` over the cases c (selected as g0, g1, …), then by category
 * and priority, with every counter of COUNTERS; parameters as baseParams, the caller's from $8 on.
 */
export function strataSql(groups: readonly string[]): string {
  const n = groups.length;
  return `WITH ${PERIOD_CASES}
     SELECT ${groups.map((g, i) => `${g} AS g${i}`).join(', ')}, c.category_code AS category, c.priority,
       ${COLUMNS}
     FROM ids JOIN cases c ON c.id = ids.id
     LEFT JOIN ev ON ev.case_id = c.id
     LEFT JOIN sup ON sup.case_id = c.id
     LEFT JOIN rt ON rt.case_id = c.id
     GROUP BY ${[...groups.keys()].map((i) => i + 1).join(', ')}, ${n + 1}, ${n + 2}`;
}

async function grouped(db: Queryable, from: Date, to: Date, groupSql: string, extra: unknown[]): Promise<GroupRow[]> {
  const { rows } = await db.query<RawRow>(strataSql([groupSql]), [...baseParams(from, to), ...extra]);
  for (const r of rows) r.grp = (r as unknown as { g0: string }).g0;
  return toGroupRows(rows);
}

/** Counts by stratum over the whole territory, the group 'in' holding the unit's cases and 'out' the rest. */
export function unitStrata(db: Queryable, from: Date, to: Date, scope: Scope): Promise<GroupRow[]> {
  const s = scopeSql(scope, `$${BASE_PARAMS + 1}`);
  return grouped(db, from, to, `CASE WHEN ${s.sql} THEN 'in' ELSE 'out' END`, [s.value]);
}

/** Counts by stratum for every street or department (the group; '' for cases of no department). */
export function rankingStrata(db: Queryable, from: Date, to: Date, kind: 'street' | 'department'): Promise<GroupRow[]> {
  return grouped(db, from, to, kind === 'street' ? 'c.street_code' : `coalesce(c.department_code, '')`, []);
}

/** The instants for the durations: reported → signed for (signed for in P), reported → closed (closed in P). */
export async function durationRows(
  db: Queryable,
  from: Date,
  to: Date,
  scope: Scope,
): Promise<{ reportedAt: Date; acceptedAt: Date | null; closedAt: Date | null }[]> {
  const s = scopeSql(scope, '$3');
  const { rows } = await db.query<{ reportedAt: Date; acceptedAt: Date | null; closedAt: Date | null }>(
    `SELECT c.reported_at AS "reportedAt",
            CASE WHEN ${IN_P('c.accepted_at')} THEN c.accepted_at END AS "acceptedAt",
            CASE WHEN ${IN_P('c.closed_at')} THEN c.closed_at END AS "closedAt"
       FROM cases c
      WHERE ${s.sql} AND (${IN_P('c.accepted_at')} OR ${IN_P('c.closed_at')})`,
    [from, to, s.value],
  );
  return rows;
}

/** A worker's own numbers: cases they reported in P, verifications they made in P. */
export async function workerOwn(db: Queryable, from: Date, to: Date, userId: number): Promise<{ reported: number; verifications: number }> {
  const { rows } = await db.query<{ reported: number; verifications: number }>(
    `SELECT (SELECT count(*) FROM cases c WHERE ${IN_P('c.reported_at')} AND c.reporter_user_id = $3)::int AS reported,
            (SELECT count(*) FROM verification v WHERE ${IN_P('v.at')} AND v.user_id = $3)::int AS verifications`,
    [from, to, userId],
  );
  return rows[0] ?? { reported: 0, verifications: 0 };
}

export interface Named {
  code: string;
  name: string;
}

export async function findArea(db: Queryable, code: string): Promise<(Named & { level: string }) | null> {
  const { rows } = await db.query<Named & { level: string }>(`SELECT code, name, level::text AS level FROM area WHERE code = $1`, [code]);
  return rows[0] ?? null;
}

export async function districtArea(db: Queryable): Promise<Named | null> {
  const { rows } = await db.query<Named>(`SELECT code, name FROM area WHERE level = 'district' ORDER BY code LIMIT 1`);
  return rows[0] ?? null;
}

export async function findDepartment(db: Queryable, code: string): Promise<Named | null> {
  const { rows } = await db.query<Named>(`SELECT code, name FROM department WHERE code = $1`, [code]);
  return rows[0] ?? null;
}

export async function findWorker(db: Queryable, id: number): Promise<{ id: number; name: string; gridCodes: string[] } | null> {
  const { rows } = await db.query<{ id: number; name: string; gridCodes: string[] }>(
    `SELECT id, display_name AS name, grid_codes AS "gridCodes" FROM app_user WHERE id = $1 AND role = 'worker'`,
    [id],
  );
  return rows[0] ?? null;
}

/** The streets or the departments, by code. */
export async function rankingUnits(db: Queryable, kind: 'street' | 'department'): Promise<Named[]> {
  const { rows } = await db.query<Named>(
    kind === 'street' ? `SELECT code, name FROM area WHERE level = 'street' ORDER BY code` : `SELECT code, name FROM department ORDER BY code`,
  );
  return rows;
}
