/**
 * Rows of the event table as live events: the SSE frame of each (serialised once), a client's replay, and the hub's
 * read (its snapshot's xmin, the newest id it sees and a fresh transaction id in one statement: docs/live.md).
 */
import type pg from 'pg';
import type { LiveEvent } from '@gridcommand/shared/schemas';
import { NO_FILTER, type LiveFilter } from './filter.ts';

/** One event ready to be sent: the wire object, its SSE frame and what filters look at. */
export interface HubEvent {
  id: number;
  type: string;
  streetCode: string | null;
  /** the grid and department of the event's case (what scopes look at) */
  gridCode: string | null;
  departmentCode: string | null;
  event: LiveEvent;
  /** `id: …\nevent: …\ndata: …\n\n` */
  frame: string;
  /** the frame without free text (notes, reasons), made on first use */
  redacted?: string;
}

export interface LiveSubscriber {
  /** called with every new batch, in id order; must not throw or block */
  deliver(batch: readonly HubEvent[]): void;
}

export interface EventRow {
  id: number | string;
  at: Date;
  v: number;
  type: string;
  case_id: number | string | null;
  team_id: number | null;
  street_code: string | null;
  grid_code: string | null;
  department_code: string | null;
  from_state: string | null;
  to_state: string | null;
  note: string | null;
  lon: number | null;
  lat: number | null;
  payload: Record<string, unknown> | null;
}

const EVENT_COLUMNS = `id, at, v, type, case_id, team_id, street_code, grid_code, department_code, from_state, to_state, note,
       ST_X(location) AS lon, ST_Y(location) AS lat, payload`;

export function toHubEvent(r: EventRow): HubEvent {
  const event = {
    id: Number(r.id),
    at: r.at instanceof Date ? r.at.toISOString() : new Date(r.at).toISOString(),
    v: r.v,
    type: r.type,
    caseId: r.case_id === null ? null : Number(r.case_id),
    teamId: r.team_id,
    streetCode: r.street_code,
    fromState: r.from_state,
    toState: r.to_state,
    note: r.note,
    lon: r.lon,
    lat: r.lat,
    payload: r.payload ?? {},
  } as LiveEvent;
  // the type goes on its own line: never let a stray line break split the frame
  const type = r.type.replace(/[\r\n]/g, ' ');
  return {
    id: event.id,
    type: r.type,
    streetCode: r.street_code,
    gridCode: r.grid_code,
    departmentCode: r.department_code,
    event,
    frame: frameOf(event.id, type, event),
  };
}

function frameOf(id: number, type: string, event: unknown): string {
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The frame of an event without its free text: the note, and the reason of an action. */
export function redactedFrame(e: HubEvent): string {
  if (e.redacted === undefined) {
    const { reason: _reason, ...payload } = e.event.payload as Record<string, unknown>;
    e.redacted = frameOf(e.id, e.type.replace(/[\r\n]/g, ' '), { ...e.event, note: null, payload });
  }
  return e.redacted;
}

/** Reads events in (afterId, upTo] in id order, optionally filtered in SQL (a client's replay). */
export async function readEventsAfter(
  db: Pick<pg.Pool, 'query'>,
  afterId: number,
  upTo: number,
  limit: number,
  filter: LiveFilter = NO_FILTER,
): Promise<HubEvent[]> {
  const params: unknown[] = [afterId, limit, upTo];
  const where = ['id > $1', 'id <= $3'];
  if (filter.streets) {
    params.push(filter.streets);
    where.push(`(street_code IS NULL OR street_code = ANY($${params.length}::text[]))`);
  }
  if (filter.scope.grids) {
    params.push(filter.scope.grids);
    where.push(`grid_code = ANY($${params.length}::text[])`);
  }
  if (filter.scope.department !== null) {
    params.push(filter.scope.department);
    where.push(`department_code = $${params.length}`);
  }
  if (filter.types || filter.typePrefixes) {
    params.push(filter.types ?? []);
    const t = params.length;
    params.push(filter.typePrefixes ?? []);
    const p = params.length;
    where.push(`(type = ANY($${t}::text[]) OR EXISTS (SELECT 1 FROM unnest($${p}::text[]) AS pre WHERE starts_with(type, pre)))`);
  }
  const { rows } = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM event WHERE ${where.join(' AND ')} ORDER BY id LIMIT $2`, params);
  return rows.map(toHubEvent);
}

/**
 * One read of the hub, in one statement (one snapshot): the snapshot's xmin, the newest id it sees (`vmax`), the rows
 * in (afterId, upTo] but those the hub already holds (`held`: read before, not yet deliverable, as runs of consecutive
 * ids — about as many runs as transactions were in flight, however many rows), and a fresh transaction id — assigned
 * while the statement runs, so after its snapshot was taken (the R of docs/live.md).
 */
export async function readWithXmin(
  db: Pick<pg.Client, 'query'>,
  afterId: number,
  upTo: number,
  limit: number,
  held: IdRuns = { lo: [], hi: [] },
): Promise<{ xmin: bigint; xid: bigint; vmax: number; rows: EventRow[] }> {
  const { rows } = await db.query<EventRow & { xmin: string; xid: string; vmax: string | null }>({
    name: 'gc_hub_read',
    text: `SELECT s.xmin, s.xid, s.vmax, e.* FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
                 pg_current_xact_id()::text AS xid, (SELECT max(id) FROM event)::text AS vmax) s
     LEFT JOIN LATERAL (SELECT ${EVENT_COLUMNS} FROM event
                        WHERE id > $1 AND id <= $2
                          AND NOT EXISTS (SELECT 1 FROM unnest($4::bigint[], $5::bigint[]) AS h(lo, hi) WHERE id BETWEEN h.lo AND h.hi)
                        ORDER BY id LIMIT $3) e ON true`,
    values: [afterId, upTo, limit, held.lo, held.hi],
  });
  const r = rows[0]!;
  return { xmin: BigInt(r.xmin), xid: BigInt(r.xid), vmax: Number(r.vmax ?? 0), rows: rows.filter((x) => x.id !== null) };
}

/** Ids as runs of consecutive values: run i is lo[i]..hi[i], inclusive. */
export interface IdRuns {
  lo: number[];
  hi: number[];
}

/** The runs of consecutive ids among `ids` (any order, no duplicates). */
export function idRuns(ids: Iterable<number>): IdRuns {
  const sorted = Float64Array.from(ids).sort();
  const out: IdRuns = { lo: [], hi: [] };
  for (let i = 0; i < sorted.length; i++) {
    const id = sorted[i]!;
    if (i > 0 && id === sorted[i - 1]! + 1) out.hi[out.hi.length - 1] = id;
    else {
      out.lo.push(id);
      out.hi.push(id);
    }
  }
  return out;
}

export async function maxEventId(db: Pick<pg.Pool, 'query'>): Promise<number> {
  const { rows } = await db.query<{ max: number | string | null }>('SELECT max(id) AS max FROM event');
  return Number(rows[0]?.max ?? 0);
}
