/**
 * SQL of the wall's map layers: the grids' worst lights and the open cases, each read in one snapshot with the
 * event id up to which it reflects the live stream. Every value travels as a parameter, except the open states of the partial
 * index cases_lit_grid_idx (partial-indexes.ts).
 */
import type pg from 'pg';
import { CASE_SOURCES, CASE_STATES, LIGHTS, OPEN_STATES, PRIORITIES, escalationLevelOf } from '@gridcommand/shared/domain';
import { OPEN_CASES_TEXT_PRIORITY, type CaseFacts, type OpenCaseRow as OpenCaseBinRow } from '@gridcommand/shared/schemas';
import { inTransaction } from '../../db/transaction.ts';
import { indexPredicate } from './partial-indexes.ts';

type Queryable = Pick<pg.Pool, 'query'>;

/**
 * Runs `fn` in a read-only REPEATABLE READ transaction begun after `frontier` was read: the live stream's safe
 * frontier (every event up to it that will ever exist is committed and visible). So every event up to
 * `lastEventId` is reflected in the data; some after it may be too, which a screen's fold ignores by version
 * (docs/live.md, "Snapshots and the stream agree"). Event ids do not become visible in id order, so the newest
 * id visible in the snapshot would not do: a smaller one may still commit.
 */
export async function inSnapshot<T>(
  pool: pg.Pool,
  frontier: () => Promise<number>,
  fn: (db: pg.PoolClient) => Promise<T>,
): Promise<{ lastEventId: number; result: T }> {
  const lastEventId = await frontier();
  const result = await inTransaction(pool, fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  return { lastEventId, result };
}

/** Open (lit) cases, spelled as the partial index cases_lit_grid_idx is defined (one GROUP BY over it). */
const LIT = indexPredicate('cases_lit_grid_idx', 'c');

export interface GridLightRow {
  id: number;
  code: string;
  /** 1-based rank of the worst light in LIGHTS */
  rank: number;
  open: number;
}

/** Grids with open (lit) cases: the worst light (rank in the domain's LIGHTS order) and how many. */
/** What a role may see of the cases (grid workers their grids, department handlers their department): a clause. */
export interface CaseScope {
  grids: readonly string[] | null;
  department: string | null;
}

function scopeClause(scope: CaseScope, params: unknown[]): string {
  const parts: string[] = [];
  if (scope.grids) {
    params.push([...scope.grids]);
    parts.push(`c.grid_code = ANY($${params.length}::text[])`);
  }
  if (scope.department !== null) {
    params.push(scope.department);
    parts.push(`c.department_code = $${params.length}`);
  }
  return parts.map((p) => `AND ${p}`).join(' ');
}

export async function gridLights(db: Queryable, scope: CaseScope): Promise<GridLightRow[]> {
  const params: unknown[] = [[...LIGHTS]];
  const within = scopeClause(scope, params);
  const { rows } = await db.query<GridLightRow>(
    `SELECT a.code::bigint AS id, a.code, x.rank, x.open
     FROM (
       SELECT c.grid_code, max(array_position($1::text[], c.light))::int AS rank, count(*)::int AS open
       FROM cases c
       WHERE ${LIT} ${within}
       GROUP BY c.grid_code
     ) x JOIN area a ON a.code = x.grid_code
     ORDER BY a.code`,
    params,
  );
  return rows;
}

interface OpenCaseRow {
  id: number;
  code: string;
  status: CaseFacts['status'];
  light: CaseFacts['light'];
  priority: CaseFacts['priority'];
  source: CaseFacts['source'];
  categoryCode: string;
  gridCode: string;
  communityCode: string;
  zoneCode: string;
  streetCode: string;
  lon: number;
  lat: number;
  title: string;
  reportedAt: Date;
  resolveBy: Date;
  teamId: number | null;
  departmentCode: string | null;
  escalationLevel: number;
  supervised: boolean;
  version: number;
}

type Bbox = [number, number, number, number];

/** The open cases' WHERE clause (open states, the bbox, the scope), its values appended to `params`. */
function openCasesWhere(params: unknown[], bbox: Bbox | null, scope: CaseScope): string {
  params.push(OPEN_STATES);
  let where = `c.status = ANY($${params.length}::text[])`;
  if (bbox) {
    const at = params.push(...bbox) - 3;
    where += ` AND c.location && ST_MakeEnvelope($${at}, $${at + 1}, $${at + 2}, $${at + 3}, 4326)`;
  }
  return `${where} ${scopeClause(scope, params)}`;
}

/** Open (lit) cases, optionally within a bbox, as the facts the case events carry (CaseFacts). */
export async function openCases(db: Queryable, bbox: Bbox | null, scope: CaseScope): Promise<CaseFacts[]> {
  const params: unknown[] = [];
  const where = openCasesWhere(params, bbox, scope);
  const { rows } = await db.query<OpenCaseRow>(
    `SELECT c.id::int AS id, c.code, c.status, c.light, c.priority, c.source, c.category_code AS "categoryCode",
            c.grid_code AS "gridCode", c.community_code AS "communityCode", c.zone_code AS "zoneCode", c.street_code AS "streetCode",
            round(ST_X(c.location)::numeric, 6)::float8 AS lon, round(ST_Y(c.location)::numeric, 6)::float8 AS lat,
            c.title, c.reported_at AS "reportedAt", c.resolve_by AS "resolveBy", c.team_id AS "teamId",
            c.department_code AS "departmentCode", c.escalation_level AS "escalationLevel", c.supervised, c.version
     FROM cases c
     WHERE ${where}
     ORDER BY c.id`,
    params,
  );
  return rows.map((r) => ({
    ...r,
    reportedAt: r.reportedAt.toISOString(),
    resolveBy: r.resolveBy.toISOString(),
    escalationLevel: escalationLevelOf(r.escalationLevel),
  }));
}

/**
 * The same open cases as openCases, as the binary snapshot's rows (OpenCaseRow of the schemas): one array per case, the closed
 * lists as their indexes, times as epoch ms (truncated to the millisecond as a Date is), the code and title of the
 * emergencies only — a snapshot of 100,000 open cases, read every time a wall or a desk loads, then allocates a
 * fraction of what objects, dates and titles would.
 */
export async function openCaseRows(db: Queryable, bbox: Bbox | null, scope: CaseScope): Promise<OpenCaseBinRow[]> {
  const params: unknown[] = [CASE_STATES, LIGHTS, PRIORITIES, CASE_SOURCES, OPEN_CASES_TEXT_PRIORITY];
  const where = openCasesWhere(params, bbox, scope);
  const { rows } = await db.query<OpenCaseBinRow & unknown[]>({
    text: `SELECT c.id::int, c.version,
            round(ST_X(c.location)::numeric, 6)::float8, round(ST_Y(c.location)::numeric, 6)::float8, c.team_id,
            floor(extract(epoch FROM c.reported_at) * 1000)::float8, floor(extract(epoch FROM c.resolve_by) * 1000)::float8,
            array_position($1::text[], c.status::text) - 1, array_position($2::text[], c.light::text) - 1,
            array_position($3::text[], c.priority::text) - 1, array_position($4::text[], c.source::text) - 1,
            c.escalation_level, c.supervised,
            c.grid_code, c.community_code, c.zone_code, c.street_code, c.category_code, c.department_code,
            CASE WHEN c.priority = $5 THEN c.code END, CASE WHEN c.priority = $5 THEN c.title END
     FROM cases c
     WHERE ${where}
     ORDER BY c.id`,
    values: params,
    rowMode: 'array',
  });
  return rows;
}
