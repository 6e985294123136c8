/**
 * Demo history: 30 days of plausible cases for the demo district (history-plan.ts), each walked through the
 * shared case rules like a live case (history-walk.ts), loaded with COPY in one transaction: the cases, their
 * supervision records and their events, in time order so that event ids follow time as they do live. Every
 * event validates against the event vocabulary (LiveEvent), and each case row is the fold of its events.
 * Bulk loads (`bulk`, the megacity profile) build the secondary indexes once at the end (history-bulk.ts).
 */
import type pg from 'pg';
import type { WorkCalendar } from '@gridcommand/shared/domain';
import { HistoryPlanner, type CategoryRow, type GridRow } from './history-plan.ts';
import type { HistoryEvent } from './history-walk.ts';
import { CASE_COLUMNS, caseLine, copyChunks, copyRows, eventChunks, supervisionLines } from './history-copy.ts';
import { BULK_TABLES, dropSecondaryIndexes, recreateIndexes } from './history-bulk.ts';
import { rebuildRollups } from '../stats/rollup-repository.ts';

export { HistoryPlanner, planHistory, type HistoryPlan } from './history-plan.ts';

export interface HistoryOptions {
  days?: number;
  count?: number;
  seed?: number;
  now?: Date;
  calendar: WorkCalendar;
  /**
   * Bulk load (profiles, not the demo start): the secondary indexes of event, cases and supervision are dropped
   * in the transaction and built again after the COPY; commits do not wait for the WAL flush.
   */
  bulk?: boolean;
  /** share of cases left stalled at a stage of their life (history-plan.ts `stallShare`); 0 for the demo */
  stallShare?: number;
  /** cases per COPY of the cases while the events stream (bounded memory for long histories) */
  casesPerCopy?: number;
  log?: (line: string) => void;
}

/** Milliseconds per phase of a load. */
export interface HistoryPhases {
  /** reading the district and catalogue, sampling report points */
  prepare: number;
  /** planning the history while its events stream in */
  events: number;
  cases: number;
  supervision: number;
  /** dropping and building again the secondary indexes (bulk loads) */
  indexes: number;
  rollups: number;
  commit: number;
  analyze: number;
}

export interface HistoryResult {
  cases: number;
  events: number;
  supervision: number;
  ms: number;
  phases: HistoryPhases;
}

/** The cases' lines as each case is planned; the events meanwhile are kept for later. */
function* caseLinesWhilePlanning(planner: HistoryPlanner, events: HistoryEvent[]): Generator<string> {
  const lines: string[] = [];
  for (const e of planner.plan((c) => lines.push(caseLine(c)))) {
    events.push(e);
    if (lines.length > 0) {
      yield* lines;
      lines.length = 0;
    }
  }
  yield* lines;
}

/** Loads the demo history into a database that has the district and catalogue but no cases yet. */
export async function seedHistory(pool: pg.Pool, options: HistoryOptions): Promise<HistoryResult> {
  const t = Date.now();
  const opts = { days: 30, count: 50_000, seed: 20_261_126, now: new Date(), ...options };
  const log = opts.log ?? (process.env.GC_DEBUG_SEED ? (l: string) => console.log(l) : () => {});
  const phases: HistoryPhases = { prepare: 0, events: 0, cases: 0, supervision: 0, indexes: 0, rollups: 0, commit: 0, analyze: 0 };
  let tLap = t;
  /** the time since the last lap goes to `phase` */
  const lap = (phase: keyof HistoryPhases) => {
    const now = Date.now();
    phases[phase] += now - tLap;
    tLap = now;
  };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Writers of cases and supervision records wait until the history is in: the ids it takes from their
    // sequences below are then its own, and "no cases yet" stays true until it commits.
    await client.query('LOCK TABLE cases, supervision IN EXCLUSIVE MODE');
    // the statistics rollups (migration 023): no per-statement upkeep during the COPY, one rebuild before COMMIT
    await client.query(`SET LOCAL gc.rollup_defer = 'on'`);
    // a bulk load is repeatable: its commit need not wait for the WAL to reach the disk
    if (opts.bulk) await client.query('SET LOCAL synchronous_commit = off');
    const { rows: existing } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
    if ((existing[0]?.n ?? 0) > 0) {
      await client.query('ROLLBACK');
      return { cases: 0, events: 0, supervision: 0, ms: Date.now() - t, phases };
    }
    const grids = (
      await client.query<GridRow>(
        `SELECT g.code, g.community_code, g.zone_code, g.street_code, g.population, c.name AS community_name, s.name AS street_name
         FROM area g JOIN area c ON c.code = g.community_code JOIN area s ON s.code = g.street_code
         WHERE g.level = 'grid' ORDER BY g.code`,
      )
    ).rows;
    if (grids.length === 0) throw new Error('seedHistory: the district is not loaded');
    const points = new Map<string, [number, number][]>();
    const pr = await client.query<{ code: string; lon: number; lat: number }>(
      `SELECT a.code, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
       FROM area a, LATERAL ST_Dump(ST_GeneratePoints(a.geom, 16, 20261126)) p
       WHERE a.level = 'grid'`,
    );
    for (const r of pr.rows) {
      const list = points.get(r.code) ?? [];
      list.push([Math.round(r.lon * 1e6) / 1e6, Math.round(r.lat * 1e6) / 1e6]);
      points.set(r.code, list);
    }
    const categories = (
      await client.query<CategoryRow>(
        `SELECT c.code, c.name, m.name AS "majorName", c.department_code AS "departmentCode",
                c.respond_limit::float8 AS "respondLimit", c.respond_unit AS "respondUnit",
                c.resolve_limit::float8 AS "resolveLimit", c.resolve_unit AS "resolveUnit",
                c.red_factor::float8 AS "redFactor", c.warn_ratio::float8 AS "warnRatio"
         FROM category c JOIN category_major m ON m.code = c.major_code ORDER BY c.code`,
      )
    ).rows;
    if (categories.length === 0) throw new Error('seedHistory: the event catalogue is empty');

    // Bulk load: as a superuser, skip the per-row foreign-key triggers (the rows are built from the tables just
    // read, inside this transaction); otherwise they run as usual, only slower.
    const superuser = (await client.query<{ s: boolean }>('SELECT rolsuper AS s FROM pg_roles WHERE rolname = current_user')).rows[0]?.s;
    if (superuser) await client.query(`SET LOCAL session_replication_role = replica`);
    const first = (
      await client.query<{ caseId: number; caseSeq: number; supervisionId: number; noticeSeq: number }>(
        `SELECT nextval(pg_get_serial_sequence('cases', 'id'))::int AS "caseId", nextval('case_code_seq')::int AS "caseSeq",
                nextval(pg_get_serial_sequence('supervision', 'id'))::int AS "supervisionId",
                nextval('supervision_notice_seq')::int AS "noticeSeq"`,
      )
    ).rows[0]!;
    const planner = new HistoryPlanner(grids, points, categories, {
      ...opts,
      firstId: first.caseId,
      firstSeq: first.caseSeq,
      firstSupervisionId: first.supervisionId,
      firstNoticeSeq: first.noticeSeq,
    });

    const caseSql = `COPY cases (${CASE_COLUMNS.join(', ')}) FROM STDIN`;
    const supervisionSql = 'COPY supervision (id, case_id, notice_no, level, reason, opened_at, closed_at, close_note) FROM STDIN';
    const eventSql = 'COPY event (at, type, case_id, street_code, actor_role, from_state, to_state, note, location, grid_code, department_code, payload) FROM STDIN';
    const dropped = opts.bulk ? await dropSecondaryIndexes(client, BULK_TABLES) : [];
    lap('prepare');
    // The database reads one table while the history is being planned: the events (most of the bytes) when
    // no foreign keys are checked, otherwise the cases, which the events' keys then find.
    let n = 0;
    let events = 0;
    if (superuser) {
      // the events stream while the cases are planned; every `casesPerCopy` cases the stream pauses for one COPY
      // of the cases planned meanwhile (memory stays bounded however long the history)
      const perCopy = Math.max(1, opts.casesPerCopy ?? 100_000);
      const cases: string[] = [];
      const planned = planner.plan((c) => cases.push(caseLine(c)))[Symbol.iterator]();
      let done = false;
      const upToNextCopy = function* (): Generator<HistoryEvent> {
        while (cases.length < perCopy) {
          const next = planned.next();
          if (next.done) {
            done = true;
            return;
          }
          events++;
          yield next.value;
        }
      };
      while (!done) {
        await copyChunks(client, eventSql, eventChunks(upToNextCopy()));
        lap('events');
        n += cases.length;
        await copyRows(client, caseSql, cases.splice(0));
        lap('cases');
        log(`  ${n.toLocaleString('en')} cases, ${events.toLocaleString('en')} events copied (${((Date.now() - t) / 1000).toFixed(0)} s)`);
      }
      await copyRows(client, supervisionSql, supervisionLines(planner.supervision));
      lap('supervision');
    } else {
      const planned: HistoryEvent[] = [];
      await copyRows(client, caseSql, caseLinesWhilePlanning(planner, planned));
      lap('cases');
      n = planned.filter((e) => e.type === 'case.created').length;
      events = planned.length;
      await copyRows(client, supervisionSql, supervisionLines(planner.supervision));
      lap('supervision');
      await copyChunks(client, eventSql, eventChunks(planned));
      lap('events');
    }
    const m = planner.supervision.length;
    log(`history: ${n} cases, ${events} events, ${m} supervision records`);
    await client.query(
      `SELECT setval(pg_get_serial_sequence('cases', 'id'), $1), setval('case_code_seq', $2),
              setval(pg_get_serial_sequence('supervision', 'id'), $3), setval('supervision_notice_seq', $4)`,
      [first.caseId + Math.max(n, 1) - 1, first.caseSeq + Math.max(n, 1) - 1, first.supervisionId + Math.max(m, 1) - 1, first.noticeSeq + Math.max(m, 1) - 1],
    );
    if (dropped.length) {
      log(`  building ${dropped.length} indexes…`);
      await recreateIndexes(client, dropped);
      lap('indexes');
    }
    await rebuildRollups(client);
    lap('rollups');
    await client.query('COMMIT');
    lap('commit');
    // fresh statistics for the first queries; of the events only the columns queries filter on (the payloads
    // are most of the table, and autovacuum gets to them later)
    await client.query('ANALYZE cases; ANALYZE supervision; ANALYZE rollup_flow; ANALYZE rollup_due; ANALYZE rollup_trend; ANALYZE event (id, at, type, case_id, team_id, street_code, actor_id, actor_role)');
    lap('analyze');
    return { cases: n, events, supervision: m, ms: Date.now() - t, phases };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
