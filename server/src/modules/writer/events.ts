/**
 * Appending events: the last statement of every write transaction. Each row also names the grid and department of
 * its case (as the case stands in this transaction), so each role's stream and replay can be filtered in SQL. Each draft is checked against the shared
 * vocabulary (`LiveEvent`, shared/src/schemas/events.ts) first; a draft that does not validate is a bug and fails
 * the transaction. Writers never take a global lock: the transaction's id is assigned (MATERIALIZED CTE below)
 * before the first event id is drawn, which is what lets the live hub order delivery exactly (docs/live.md).
 *
 * After a commit, `signalCommitted(pool)` wakes this process's hub at once and sends one coalesced NOTIFY so
 * that other processes read too (a NOTIFY inside the write transaction would make every commit queue).
 */
import type pg from 'pg';
import { Compile } from 'typebox/compile';
import { EVENT_VERSION, LiveEvent, type EventDraft } from '@gridcommand/shared/schemas';

export type { EventDraft } from '@gridcommand/shared/schemas';

export const LIVE_CHANNEL = 'gc_events';

const checkEvent = Compile(LiveEvent);
const PLACEHOLDER = { id: 1, at: new Date(0).toISOString(), v: EVENT_VERSION };

/** Why a draft does not belong to the vocabulary; null when it does. */
export function eventProblem(draft: EventDraft): string | null {
  const full = { ...PLACEHOLDER, ...draft };
  if (checkEvent.Check(full)) return null;
  const first = checkEvent.Errors(full)[0] as { instancePath?: string; message?: string } | undefined;
  return `${draft.type}: ${first?.instancePath || '/'} ${first?.message ?? 'does not match the event schema'}`;
}

type Envelope = Pick<EventDraft, 'caseId' | 'teamId' | 'streetCode' | 'fromState' | 'toState' | 'note' | 'lon' | 'lat'>;
const NO_ENVELOPE: Envelope = { caseId: null, teamId: null, streetCode: null, fromState: null, toState: null, note: null, lon: null, lat: null };

/** A draft of type `type`: the envelope fields not given are null. */
export function draft<T extends EventDraft['type']>(type: T, payload: Extract<EventDraft, { type: T }>['payload'], envelope: Partial<Envelope> = {}): EventDraft {
  return { ...NO_ENVELOPE, ...envelope, type, payload } as EventDraft;
}

export class InvalidEventError extends Error {
  constructor(message: string) {
    super(`invalid event ${message}`);
    this.name = 'InvalidEventError';
  }
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Who caused the events: an account (timelines show its name), a team device or the system. */
export interface EventActor {
  id: number | null;
  role: string;
}

/**
 * Inserts the events in order as the last statement of the caller's transaction; returns their ids. `actor` is
 * who caused them: one for all, or one per event.
 */
export async function appendEvents(client: Queryable, drafts: readonly EventDraft[], actor: EventActor | readonly EventActor[]): Promise<number[]> {
  if (drafts.length === 0) return [];
  for (const d of drafts) {
    const problem = eventProblem(d);
    if (problem) throw new InvalidEventError(problem);
  }
  const actorOf = (i: number): EventActor => (Array.isArray(actor) ? (actor as readonly EventActor[])[i]! : (actor as EventActor));
  const rows = drafts.map((e, i) => ({
    type: e.type,
    case_id: e.caseId,
    team_id: e.teamId,
    street_code: e.streetCode,
    actor_id: actorOf(i).id,
    actor_role: actorOf(i).role,
    from_state: e.fromState,
    to_state: e.toState,
    note: e.note,
    lon: e.lon,
    lat: e.lat,
    payload: e.payload,
  }));
  const { rows: ids } = await client.query<{ id: string }>({
    name: 'gc_append_events',
    text: `WITH x AS MATERIALIZED (SELECT pg_current_xact_id() AS xid)
     INSERT INTO event (xid, v, type, case_id, team_id, street_code, grid_code, department_code, actor_id, actor_role,
                        from_state, to_state, note, location, payload)
     SELECT x.xid, $2, e.type, e.case_id, e.team_id, e.street_code, c.grid_code, c.department_code, e.actor_id, e.actor_role,
            e.from_state, e.to_state, e.note,
            CASE WHEN e.lon IS NULL OR e.lat IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(e.lon, e.lat), 4326) END,
            e.payload
     FROM x
     CROSS JOIN LATERAL jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j(elem, ord)
     CROSS JOIN LATERAL jsonb_to_record(j.elem) AS e(type text, case_id bigint, team_id int, street_code text,
          actor_id int, actor_role text, from_state text, to_state text, note text, lon float8, lat float8, payload jsonb)
     LEFT JOIN cases c ON c.id = e.case_id
     ORDER BY j.ord
     RETURNING id::text AS id`,
    values: [JSON.stringify(rows), EVENT_VERSION],
  });
  return ids.map((r) => Number(r.id)).sort((a, b) => a - b);
}

// ── after commit ────────────────────────────────────────────────────────────

type Listener = () => void;
const listeners = new WeakMap<pg.Pool, Set<Listener>>();

/** Called after every commit that appended events through this pool (the live hub of this process). */
export function onEventsCommitted(pool: pg.Pool, fn: Listener): () => void {
  let set = listeners.get(pool);
  if (!set) listeners.set(pool, (set = new Set()));
  set.add(fn);
  return () => set.delete(fn);
}

interface NotifyState {
  inFlight: boolean;
  again: boolean;
  lastAt: number;
}
const notifyState = new WeakMap<pg.Pool, NotifyState>();

/** NOTIFYs to other processes start at least this far apart (a burst of commits costs one, not one each). */
const MIN_NOTIFY_GAP_MS = 10;

/**
 * Wakes this process's readers now and the other processes through one NOTIFY. Coalesced per pool: at most one
 * NOTIFY is in flight, they start at least MIN_NOTIFY_GAP_MS apart, and any number of commits meanwhile cause
 * exactly one more. The notification is not durable (synchronous_commit off): a lost one costs the readers at
 * most one safety poll.
 */
export function signalCommitted(pool: pg.Pool): void {
  for (const fn of listeners.get(pool) ?? []) {
    try {
      fn();
    } catch {
      // a listener's failure must not fail the write that has already committed
    }
  }
  let s = notifyState.get(pool);
  if (!s) notifyState.set(pool, (s = { inFlight: false, again: false, lastAt: 0 }));
  if (s.inFlight) {
    s.again = true;
    return;
  }
  const state = s;
  const send = (): void => {
    state.inFlight = true;
    state.again = false;
    const wait = Math.max(0, state.lastAt + MIN_NOTIFY_GAP_MS - Date.now());
    setTimeout(() => {
      state.lastAt = Date.now();
      pool
        .query(`BEGIN; SET LOCAL synchronous_commit TO off; SELECT pg_notify('${LIVE_CHANNEL}', ''); COMMIT`)
        .catch(() => undefined)
        .finally(() => {
          state.inFlight = false;
          if (state.again) send();
        });
    }, wait).unref();
  };
  send();
}
