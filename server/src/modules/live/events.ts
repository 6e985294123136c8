/**
 * The event table is the history of every change and the source of the live stream. Appending takes a
 * transaction-level advisory lock first, so that event ids become visible in the order they were
 * assigned: a reader that has seen id N never later finds a committed id below N. Call it as the
 * last statement of a write transaction to keep the lock short.
 */
import type pg from 'pg';

export const EVENT_LOCK_KEY = 7_253_001;

export interface NewEvent {
  type: string;
  caseId?: number | string | null;
  teamId?: number | null;
  streetCode?: string | null;
  actorId?: number | null;
  actorRole?: string | null;
  fromState?: string | null;
  toState?: string | null;
  note?: string | null;
  lon?: number | null;
  lat?: number | null;
  payload?: Record<string, unknown>;
}

export interface AppendedEvent {
  id: number;
  at: Date;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

export async function appendEvents(client: Queryable, events: NewEvent[]): Promise<AppendedEvent[]> {
  if (events.length === 0) return [];
  await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOCK_KEY]);
  const { rows } = await client.query<{ id: number; at: Date }>(
    `INSERT INTO event (type, case_id, team_id, street_code, actor_id, actor_role, from_state, to_state, note, location, payload)
     SELECT e.type, e.case_id, e.team_id, e.street_code, e.actor_id, e.actor_role, e.from_state, e.to_state, e.note,
            CASE WHEN e.lon IS NULL OR e.lat IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(e.lon, e.lat), 4326) END,
            coalesce(e.payload, '{}'::jsonb)
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(elem, ord)
     CROSS JOIN LATERAL jsonb_to_record(x.elem) AS e(type text, case_id bigint, team_id int, street_code text,
          actor_id int, actor_role text, from_state text, to_state text, note text, lon float8, lat float8, payload jsonb)
     ORDER BY x.ord
     RETURNING id, at`,
    [
      JSON.stringify(
        events.map((e) => ({
          type: e.type,
          case_id: e.caseId ?? null,
          team_id: e.teamId ?? null,
          street_code: e.streetCode ?? null,
          actor_id: e.actorId ?? null,
          actor_role: e.actorRole ?? null,
          from_state: e.fromState ?? null,
          to_state: e.toState ?? null,
          note: e.note ?? null,
          lon: e.lon ?? null,
          lat: e.lat ?? null,
          payload: e.payload ?? {},
        })),
      ),
    ],
  );
  return rows.sort((a, b) => a.id - b.id);
}

export async function appendEvent(client: Queryable, event: NewEvent): Promise<AppendedEvent> {
  const [row] = await appendEvents(client, [event]);
  return row!;
}
