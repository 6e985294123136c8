/**
 * SQL of the bulletins that the indicators' repository does not answer (docs/bulletins.md): the cases overdue at the
 * period's end, the carried-over overdue backlog (遗留超期) by street, and reports and closures by CST day for the
 * trend. The headline numbers and the street and department tables come from server/src/modules/indicators.
 */
import type pg from 'pg';
import { CASE_STATES, CST_TIME_ZONE, NEVER_DUE_STATES, TERMINAL_STATES } from '@gridcommand/shared/domain';

type Queryable = Pick<pg.Pool, 'query'>;

/** States a case can still change from (not closed, not void): the open side of "not closed at an instant". */
const NOT_TERMINAL = CASE_STATES.filter((s) => !TERMINAL_STATES.includes(s));

/**
 * Cases not closed at instant $1 (closed later, or not closed now) that were ever due: the index-served set of ids
 * (status, closed_at) the two questions below filter by resolve_by. $2 not-terminal states, $3 never-due states.
 */
const NOT_CLOSED_AT = `
open_at AS (
  SELECT c.id FROM cases c WHERE c.status = ANY($2::text[])
  UNION SELECT c.id FROM cases c WHERE c.closed_at >= $1
)`;

export interface OverdueRow {
  id: number;
  code: string;
  categoryName: string;
  streetCode: string;
  streetName: string;
  holderCode: string | null;
  holderName: string | null;
  departmentName: string | null;
  resolveBy: Date;
}

/**
 * The cases overdue at `to`: due (not void or parked), resolve-by before `to`, not closed by then; the `limit` longest
 * overdue (earliest resolve-by: the same end for all, so also the most working time overdue) and how many there are.
 */
export async function overdueAt(db: Queryable, to: Date, limit: number): Promise<{ total: number; rows: OverdueRow[] }> {
  const { rows } = await db.query<OverdueRow & { total: number }>(
    `WITH ${NOT_CLOSED_AT},
     due AS (
       SELECT c.* FROM open_at JOIN cases c ON c.id = open_at.id
        WHERE c.resolve_by < $1 AND c.status <> ALL($3::text[]) AND c.reported_at < $1 AND (c.closed_at IS NULL OR c.closed_at >= $1)
     ),
     top AS (SELECT * FROM due ORDER BY resolve_by, id LIMIT $4)
     SELECT t.id, t.code, coalesce(cat.name, t.category_code) AS "categoryName", t.street_code AS "streetCode",
            coalesce(s.name, t.street_code) AS "streetName", t.holder_code AS "holderCode", h.name AS "holderName",
            d.name AS "departmentName", t.resolve_by AS "resolveBy", (SELECT count(*) FROM due)::int AS total
       FROM top t
       LEFT JOIN category cat ON cat.code = t.category_code
       LEFT JOIN area s ON s.code = t.street_code
       LEFT JOIN org_unit h ON h.code = t.holder_code
       LEFT JOIN department d ON d.code = t.department_code
      ORDER BY t.resolve_by, t.id`,
    [to, NOT_TERMINAL, NEVER_DUE_STATES, limit],
  );
  if (rows.length > 0) return { total: rows[0]!.total, rows: rows.map(({ total: _t, ...r }) => r) };
  return { total: 0, rows: [] };
}

export interface BacklogRow {
  code: string;
  name: string;
  atStart: number;
  closedInPeriod: number;
  openAtEnd: number;
}

/**
 * The carried-over overdue backlog (遗留超期) of [from, to) by street: due cases not closed at `from` whose resolve-by
 * is before `from`; of those, closed in the period and still open at its end. Every street, also those with none.
 */
export async function backlogByStreet(db: Queryable, from: Date, to: Date): Promise<BacklogRow[]> {
  const { rows } = await db.query<BacklogRow>(
    `WITH ${NOT_CLOSED_AT},
     carried AS (
       SELECT c.street_code, c.closed_at FROM open_at JOIN cases c ON c.id = open_at.id
        WHERE c.resolve_by < $1 AND c.status <> ALL($3::text[]) AND (c.closed_at IS NULL OR c.closed_at >= $1)
     ),
     agg AS (
       SELECT street_code, count(*)::int AS at_start, count(*) FILTER (WHERE closed_at < $4)::int AS closed_in,
              count(*) FILTER (WHERE closed_at IS NULL OR closed_at >= $4)::int AS open_end
         FROM carried GROUP BY street_code
     )
     SELECT s.code, s.name, coalesce(agg.at_start, 0) AS "atStart", coalesce(agg.closed_in, 0) AS "closedInPeriod",
            coalesce(agg.open_end, 0) AS "openAtEnd"
       FROM area s LEFT JOIN agg ON agg.street_code = s.code
      WHERE s.level = 'street'
      ORDER BY coalesce(agg.open_end, 0) DESC, s.code`,
    [from, NOT_TERMINAL, NEVER_DUE_STATES, to],
  );
  return rows;
}

/** Reports (reported_at) and closures (closed_at) per CST day of [from, to). */
export async function dailyCounts(db: Queryable, from: Date, to: Date): Promise<{ day: string; reported: number; closed: number }[]> {
  const { rows } = await db.query<{ day: string; reported: number; closed: number }>(
    `WITH r AS (SELECT to_char(reported_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, count(*)::int AS n FROM cases
                 WHERE reported_at >= $1 AND reported_at < $2 GROUP BY 1),
          k AS (SELECT to_char(closed_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, count(*)::int AS n FROM cases
                 WHERE closed_at >= $1 AND closed_at < $2 GROUP BY 1)
     SELECT coalesce(r.day, k.day) AS day, coalesce(r.n, 0) AS reported, coalesce(k.n, 0) AS closed
       FROM r FULL JOIN k ON k.day = r.day ORDER BY 1`,
    [from, to, CST_TIME_ZONE],
  );
  return rows;
}
