/**
 * Demo history: 30 days of plausible cases for the demo district (history-plan.ts), each walked through the
 * shared case rules like a live case (history-walk.ts), loaded with COPY in one transaction: the cases, their
 * supervision records and their events, in time order so that event ids follow time as they do live. Every
 * event validates against the event vocabulary (LiveEvent), and each case row is the fold of its events.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DAY_MS, escalationIndex, type WorkCalendar } from '@gridcommand/shared/domain';
import { HistoryPlanner, type CategoryRow, type GridRow, type PlannedCase } from './history-plan.ts';
import { payloadOf, type HistoryEvent, type WalkCase } from './history-walk.ts';
import { rebuildRollups } from '../stats/rollup-repository.ts';

export { HistoryPlanner, planHistory, type HistoryPlan } from './history-plan.ts';

export interface HistoryOptions {
  days?: number;
  count?: number;
  seed?: number;
  now?: Date;
  calendar: WorkCalendar;
}

export interface HistoryResult {
  cases: number;
  events: number;
  supervision: number;
  ms: number;
}

const NULL = '\\N';

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let isoDay = NaN;
let isoDayPrefix = '';

/** An instant as ISO 8601 (UTC) for COPY; the date part is cached, as consecutive instants mostly share it. */
function ts(d: Date | number | null | undefined): string {
  if (d === null || d === undefined) return NULL;
  const ms = typeof d === 'number' ? Math.floor(d) : d.getTime();
  const day = Math.floor(ms / DAY_MS);
  if (day !== isoDay) {
    isoDay = day;
    isoDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let r = ms - day * DAY_MS;
  const milli = r % 1000;
  r = (r - milli) / 1000;
  const sec = r % 60;
  r = (r - sec) / 60;
  const min = r % 60;
  const hour = (r - min) / 60;
  return `${isoDayPrefix}${PAD2[hour]}:${PAD2[min]}:${PAD2[sec]}.${PAD3[milli]}Z`;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** COPY text: backslash, tab and line breaks escaped (most values have none). */
function txt(s: string | null | undefined): string {
  if (s === null || s === undefined) return NULL;
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

async function copyRows(client: pg.PoolClient, sql: string, rows: Iterable<string>): Promise<void> {
  function* chunks() {
    let buf = '';
    for (const r of rows) {
      buf += r;
      if (buf.length > 1 << 16) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  await copyChunks(client, sql, chunks());
}

async function copyChunks(client: pg.PoolClient, sql: string, chunks: Iterable<string | Buffer>): Promise<void> {
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
}

const CHUNK = 1 << 18;

/**
 * COPY text written straight into buffers, for the events: most of an event's bytes are its case's fixed facts,
 * encoded once per case and copied for each event; the rest is mostly ASCII, copied as it is.
 */
class CopyWriter {
  private buf = Buffer.allocUnsafe(CHUNK);
  private len = 0;

  get full(): boolean {
    return this.len > CHUNK - (CHUNK >> 3);
  }

  /** Text with nothing but ASCII in it. */
  ascii(s: string): void {
    this.room(s.length);
    this.len += this.buf.write(s, this.len, 'latin1');
  }

  utf8(s: string): void {
    this.room(3 * s.length);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  bytes(b: Buffer): void {
    this.room(b.length);
    this.len += b.copy(this.buf, this.len);
  }

  take(): Buffer {
    const out = this.buf.subarray(0, this.len);
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.len = 0;
    return out;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}

const CASE_COLUMNS = [
  'id', 'code', 'source', 'category_code', 'priority', 'title', 'description', 'address', 'location',
  'grid_code', 'community_code', 'zone_code', 'street_code', 'reporter_name', 'reporter_phone',
  'department_code', 'team_id', 'status', 'status_before_park', 'escalation_level', 'duplicate_of', 'void_reason',
  'park_reason', 'park_review_date', 'rework_count', 'reported_at', 'filed_at', 'dispatched_at', 'accepted_at',
  'handled_at', 'verified_at', 'closed_at', 'voided_at', 'respond_by', 'respond_warn_at', 'respond_red_at',
  'resolve_by', 'resolve_warn_at', 'resolve_red_at', 'light', 'next_light_at', 'supervised', 'version', 'updated_at',
  'sign_by', 'return_count', 'return_reason', 'returned_by',
];

function caseLine(c: PlannedCase): string {
  const r = c.record;
  const s = r.stamps;
  const k = c.clocks;
  return (
    [
      c.id, c.code, c.source, c.category.code, c.priority, txt(c.title), txt(c.description), txt(c.address), c.walk.point,
      c.grid.code, c.grid.community_code, c.grid.zone_code, c.grid.street_code, txt(c.reporterName), txt(c.reporterPhone),
      txt(r.departmentCode), r.teamId ?? NULL, r.status, r.parkedFrom ?? NULL, escalationIndex(r.escalationLevel),
      r.duplicateOf ?? NULL, txt(r.voidReason), txt(r.parkReason), r.parkReviewDate ?? NULL, r.reworkCount,
      ts(c.reportedAt), ts(s.filedAt), ts(s.dispatchedAt), ts(s.respondedAt), ts(s.handledAt), ts(s.verifiedAt),
      ts(s.closedAt), ts(s.voidedAt), ts(k.respondBy), ts(k.respondWarnAt), ts(k.respondRedAt), ts(k.resolveBy),
      ts(k.resolveWarnAt), ts(k.resolveRedAt), r.light, ts(r.nextLightAt), r.supervised ? 't' : 'f', r.version, ts(r.updatedAt),
      ts(r.signBy), r.returnCount, txt(r.returnReason), txt(r.returnedBy),
    ].join('\t') + '\n'
  );
}

function* supervisionLines(planner: HistoryPlanner): Generator<string> {
  for (const s of planner.supervision) {
    yield [s.id, s.caseId, s.noticeNo, s.level, txt(s.reason), ts(s.openedAt), ts(s.closedAt), txt(s.closeNote)].join('\t') + '\n';
  }
}

/** A case's fixed facts as COPY bytes: encoded once, for all its events. */
const prefixBytes = new WeakMap<WalkCase, Buffer>();

function writeEvent(w: CopyWriter, e: HistoryEvent): void {
  const c = e.case;
  w.ascii(`${ts(e.at)}\t${e.type}\t${c.id}\t${c.streetCode}\t${e.role}\t${e.from ?? NULL}\t${e.to ?? NULL}\t`);
  w.utf8(txt(e.note));
  w.ascii(`\t${c.point}\t${c.gridCode}\t${c.departmentCode}\t`);
  if (e.supervision) {
    w.utf8(`${txt(payloadOf(e))}\n`);
    return;
  }
  let prefix = prefixBytes.get(c);
  if (!prefix) prefixBytes.set(c, (prefix = Buffer.from(txt(c.factsPrefix), 'utf8')));
  // escaping composes piece by piece; heads hold nothing to escape
  w.ascii(e.head);
  w.bytes(prefix);
  w.utf8(`${txt(e.facts)}${txt(e.tail)}\n`);
}

function* eventChunks(events: Iterable<HistoryEvent>): Generator<Buffer> {
  const w = new CopyWriter();
  for (const e of events) {
    writeEvent(w, e);
    if (w.full) yield w.take();
  }
  yield w.take();
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
  const debug = process.env.GC_DEBUG_SEED ? (l: string) => console.log(l) : () => {};
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Writers of cases and supervision records wait until the history is in: the ids it takes from their
    // sequences below are then its own, and "no cases yet" stays true until it commits.
    await client.query('LOCK TABLE cases, supervision IN EXCLUSIVE MODE');
    // the statistics rollups (migration 023): no per-statement upkeep during the COPY, one rebuild before COMMIT
    await client.query(`SET LOCAL gc.rollup_defer = 'on'`);
    const { rows: existing } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
    if ((existing[0]?.n ?? 0) > 0) {
      await client.query('ROLLBACK');
      return { cases: 0, events: 0, supervision: 0, ms: Date.now() - t };
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

    let tStep = Date.now();
    const step = (what: string) => {
      debug(`  ${what} in ${Date.now() - tStep} ms`);
      tStep = Date.now();
    };
    const caseSql = `COPY cases (${CASE_COLUMNS.join(', ')}) FROM STDIN`;
    const supervisionSql = 'COPY supervision (id, case_id, notice_no, level, reason, opened_at, closed_at, close_note) FROM STDIN';
    const eventSql = 'COPY event (at, type, case_id, street_code, actor_role, from_state, to_state, note, location, grid_code, department_code, payload) FROM STDIN';
    // The database reads one table while the history is being planned: the events (most of the bytes) when
    // no foreign keys are checked, otherwise the cases, which the events' keys then find.
    let n = 0;
    let events = 0;
    if (superuser) {
      const cases: string[] = [];
      const planned = function* () {
        for (const e of planner.plan((c) => cases.push(caseLine(c)))) {
          events++;
          yield e;
        }
      };
      await copyChunks(client, eventSql, eventChunks(planned()));
      step('planned, events copied');
      n = cases.length;
      await copyRows(client, caseSql, cases);
      await copyRows(client, supervisionSql, supervisionLines(planner));
      step('cases and supervision copied');
    } else {
      const planned: HistoryEvent[] = [];
      await copyRows(client, caseSql, caseLinesWhilePlanning(planner, planned));
      step('planned, cases copied');
      n = planned.filter((e) => e.type === 'case.created').length;
      events = planned.length;
      await copyRows(client, supervisionSql, supervisionLines(planner));
      await copyChunks(client, eventSql, eventChunks(planned));
      step('supervision and events copied');
    }
    const m = planner.supervision.length;
    debug(`history: ${n} cases, ${events} events, ${m} supervision records`);
    await client.query(
      `SELECT setval(pg_get_serial_sequence('cases', 'id'), $1), setval('case_code_seq', $2),
              setval(pg_get_serial_sequence('supervision', 'id'), $3), setval('supervision_notice_seq', $4)`,
      [first.caseId + Math.max(n, 1) - 1, first.caseSeq + Math.max(n, 1) - 1, first.supervisionId + Math.max(m, 1) - 1, first.noticeSeq + Math.max(m, 1) - 1],
    );
    await rebuildRollups(client);
    step('rollups rebuilt');
    await client.query('COMMIT');
    step('committed');
    // fresh statistics for the first queries; of the events only the columns queries filter on (the payloads
    // are most of the table, and autovacuum gets to them later)
    await client.query('ANALYZE cases; ANALYZE supervision; ANALYZE rollup_flow; ANALYZE rollup_due; ANALYZE rollup_trend; ANALYZE event (id, at, type, case_id, team_id, street_code, actor_id, actor_role)');
    step('analysed');
    return { cases: n, events, supervision: m, ms: Date.now() - t };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
