/**
 * The live hub: one per server process. It turns committed rows of the event table into live events for the
 * process's SSE clients.
 *
 * - One dedicated connection LISTENs on `gc_events` (the trigger on `event` sends the id only). It reconnects
 *   with backoff when the database goes away and catches up on reconnect.
 * - A notification only says "there is something new": the hub then reads every event after the last id it has
 *   seen, in id order, in pages of `batchSize`. One read is in flight at a time; notifications that arrive during
 *   a read cause exactly one more read afterwards, so a burst of 1,000 commits costs a handful of queries.
 * - A poll every `pollMs` does the same read, so a lost notification (or a broken listener) delays events by at
 *   most one poll interval but never loses them.
 * - appendEvents() takes a transaction-level advisory lock, so ids become visible in commit order: once the hub
 *   has read id N it will never later find a committed id below N. Reading `id > lastSeen` is therefore exact.
 *
 * Each event is serialised once into its SSE frame and shared by every subscriber.
 */
import pg from 'pg';
import type { LiveEvent } from '@gridcommand/shared/schemas';

export const LIVE_CHANNEL = 'gc_events';

/** One event ready to be sent: the wire object, its SSE frame and what filters look at. */
export interface HubEvent {
  id: number;
  type: string;
  streetCode: string | null;
  event: LiveEvent;
  /** `id: …\nevent: …\ndata: …\n\n` */
  frame: string;
}

export interface LiveSubscriber {
  /** called with every new batch, in id order; must not throw or block */
  deliver(batch: readonly HubEvent[]): void;
}

/** Which events a client wants. null: no restriction. */
export interface LiveFilter {
  /** street codes; events without a street (district-wide, system) always pass */
  streets: readonly string[] | null;
  /** exact types */
  types: readonly string[] | null;
  /** type prefixes (from "case.*" → "case.") */
  typePrefixes: readonly string[] | null;
}

export const NO_FILTER: LiveFilter = { streets: null, types: null, typePrefixes: null };

export function isUnfiltered(f: LiveFilter): boolean {
  return f.streets === null && f.types === null && f.typePrefixes === null;
}

/** Parses `?street=a,b` and `?types=case.light,team.*` (already validated by the route schema). */
export function parseFilter(street?: string, types?: string): LiveFilter {
  const streets = street ? [...new Set(street.split(',').filter(Boolean))] : null;
  let exact: string[] | null = null;
  let prefixes: string[] | null = null;
  if (types) {
    for (const t of new Set(types.split(',').filter(Boolean))) {
      if (t === '*') return { streets, types: null, typePrefixes: null };
      if (t.endsWith('.*')) (prefixes ??= []).push(t.slice(0, -1));
      else (exact ??= []).push(t);
    }
    // only prefixes given: no exact types wanted (and vice versa)
    if (exact && !prefixes) prefixes = [];
    if (prefixes && !exact) exact = [];
  }
  return { streets, types: exact, typePrefixes: prefixes };
}

export function matchesFilter(f: LiveFilter, e: { type: string; streetCode: string | null }): boolean {
  if (f.streets && e.streetCode !== null && !f.streets.includes(e.streetCode)) return false;
  if (f.types || f.typePrefixes) {
    if (f.types?.includes(e.type)) return true;
    if (f.typePrefixes?.some((p) => e.type.startsWith(p))) return true;
    return false;
  }
  return true;
}

interface EventRow {
  id: number | string;
  at: Date;
  type: string;
  case_id: number | string | null;
  team_id: number | null;
  street_code: string | null;
  from_state: string | null;
  to_state: string | null;
  note: string | null;
  lon: number | null;
  lat: number | null;
  payload: Record<string, unknown> | null;
}

const SELECT_EVENTS = `SELECT id, at, type, case_id, team_id, street_code, from_state, to_state, note,
       ST_X(location) AS lon, ST_Y(location) AS lat, payload
  FROM event`;

function toHubEvent(r: EventRow): HubEvent {
  const event: LiveEvent = {
    id: Number(r.id),
    at: r.at instanceof Date ? r.at.toISOString() : new Date(r.at).toISOString(),
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
  };
  // the type goes on its own line: never let a stray line break split the frame
  const type = r.type.replace(/[\r\n]/g, ' ');
  return { id: event.id, type: r.type, streetCode: r.street_code, event, frame: `id: ${event.id}\nevent: ${type}\ndata: ${JSON.stringify(event)}\n\n` };
}

/** Reads events after `afterId` in id order, optionally filtered in SQL (used for replay). */
export async function readEventsAfter(
  db: Pick<pg.Pool, 'query'>,
  afterId: number,
  limit: number,
  filter: LiveFilter = NO_FILTER,
): Promise<HubEvent[]> {
  const params: unknown[] = [afterId, limit];
  const where = ['id > $1'];
  if (filter.streets) {
    params.push(filter.streets);
    where.push(`(street_code IS NULL OR street_code = ANY($${params.length}::text[]))`);
  }
  if (filter.types || filter.typePrefixes) {
    params.push(filter.types ?? []);
    const t = params.length;
    params.push(filter.typePrefixes ?? []);
    const p = params.length;
    where.push(`(type = ANY($${t}::text[]) OR EXISTS (SELECT 1 FROM unnest($${p}::text[]) AS pre WHERE starts_with(type, pre)))`);
  }
  const { rows } = await db.query<EventRow>(`${SELECT_EVENTS} WHERE ${where.join(' AND ')} ORDER BY id LIMIT $2`, params);
  return rows.map(toHubEvent);
}

export async function maxEventId(db: Pick<pg.Pool, 'query'>): Promise<number> {
  const { rows } = await db.query<{ max: number | string | null }>('SELECT max(id) AS max FROM event');
  return Number(rows[0]?.max ?? 0);
}

export interface HubLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
}

export interface LiveHubOptions {
  /** the application's pool: all reads go through it */
  pool: pg.Pool;
  /** for the dedicated LISTEN connection; defaults to the pool's connection string */
  connectionString?: string;
  /** safety poll interval (ms) */
  pollMs?: number;
  /** events per read */
  batchSize?: number;
  /** LISTEN reconnect backoff (ms) */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  log?: HubLogger;
}

export interface HubStats {
  lastSeen: number;
  listening: boolean;
  subscribers: number;
  notifications: number;
  reads: number;
  events: number;
  reconnects: number;
  readErrors: number;
}

const quietLog: HubLogger = { info: () => {}, warn: () => {} };

export class LiveHub {
  /** the highest event id delivered to subscribers */
  lastSeen = 0;
  /** false until the starting id is known (the database was reachable once) */
  ready = false;

  private readonly pool: pg.Pool;
  private readonly connectionString: string | undefined;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly reconnectMinMs: number;
  private readonly reconnectMaxMs: number;
  private readonly log: HubLogger;
  private readonly subscribers = new Set<LiveSubscriber>();

  private listener: pg.Client | null = null;
  private listening = false;
  private reconnectDelay: number;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private stopped = false;
  private readyWaiters: Array<() => void> = [];
  private readonly counters = { notifications: 0, reads: 0, events: 0, reconnects: 0, readErrors: 0 };

  constructor(opts: LiveHubOptions) {
    this.pool = opts.pool;
    this.connectionString = opts.connectionString ?? opts.pool.options.connectionString;
    this.pollMs = opts.pollMs ?? 2_000;
    this.batchSize = opts.batchSize ?? 5_000;
    this.reconnectMinMs = opts.reconnectMinMs ?? 250;
    this.reconnectMaxMs = opts.reconnectMaxMs ?? 5_000;
    this.reconnectDelay = this.reconnectMinMs;
    this.log = opts.log ?? quietLog;
  }

  /** Learns the current end of the event table, starts listening and polling. Never throws: a database that is
   * down at start is retried in the background (the hub is `ready` once it has been reached). */
  async start(): Promise<void> {
    this.stopped = false;
    this.pollTimer = setInterval(() => this.requestRead(), this.pollMs);
    this.pollTimer.unref();
    await this.connectListener();
    if (!this.ready) await this.initStart().catch(() => {});
  }

  /** Resolves once the hub is ready (or after `timeoutMs`). */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(this.ready), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  private async initStart(): Promise<void> {
    if (this.ready) return;
    const max = await maxEventId(this.pool);
    if (this.ready) return;
    this.lastSeen = max;
    this.ready = true;
    for (const w of this.readyWaiters.splice(0)) w();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.pollTimer = this.reconnectTimer = null;
    const l = this.listener;
    this.listener = null;
    this.listening = false;
    if (l) await l.end().catch(() => {});
    await this.reading?.catch(() => {});
    this.subscribers.clear();
  }

  subscribe(sub: LiveSubscriber): () => void {
    this.subscribers.add(sub);
    return () => this.subscribers.delete(sub);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  stats(): HubStats {
    return { lastSeen: this.lastSeen, listening: this.listening, subscribers: this.subscribers.size, ...this.counters };
  }

  private async connectListener(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true, application_name: 'gridcommand-live' });
    let failed = false;
    const onLost = (err?: Error) => {
      if (failed) return;
      failed = true;
      if (this.listener === client) {
        this.listener = null;
        this.listening = false;
      }
      client.removeAllListeners('notification');
      client.end().catch(() => {});
      if (!this.stopped) {
        this.log.warn({ err: err?.message }, `live: listener connection lost; reconnecting in ${this.reconnectDelay} ms`);
        this.scheduleReconnect();
      }
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (msg) => {
      if (msg.channel !== LIVE_CHANNEL) return;
      this.counters.notifications++;
      this.requestRead();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
    } catch (err) {
      onLost(err as Error);
      return;
    }
    if (this.stopped || failed) {
      await client.end().catch(() => {});
      return;
    }
    this.listener = client;
    this.listening = true;
    this.reconnectDelay = this.reconnectMinMs;
    // anything committed while we were not listening is read now
    if (!this.ready) await this.initStart().catch(() => {});
    this.requestRead();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.stopped) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectMaxMs, this.reconnectDelay * 2);
    this.counters.reconnects++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connectListener();
    }, delay);
    this.reconnectTimer.unref();
  }

  /** Reads new events soon. Coalesces: while a read is in flight, any number of requests cause one more read. */
  requestRead(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.readLoop().finally(() => {
      this.reading = null;
    });
  }

  private async readLoop(): Promise<void> {
    do {
      this.readAgain = false;
      try {
        if (!this.ready) await this.initStart();
        // page until the table has nothing newer
        for (;;) {
          const batch = await readEventsAfter(this.pool, this.lastSeen, this.batchSize);
          this.counters.reads++;
          if (this.stopped || batch.length === 0) break;
          this.lastSeen = batch[batch.length - 1]!.id;
          this.counters.events += batch.length;
          this.fanOut(batch);
          if (batch.length < this.batchSize) break;
        }
      } catch (err) {
        // database unavailable: the poll (and the listener's reconnect) will try again
        this.counters.readErrors++;
        this.log.warn({ err: (err as Error).message }, 'live: reading new events failed');
        return;
      }
    } while (this.readAgain && !this.stopped);
  }

  private fanOut(batch: readonly HubEvent[]): void {
    for (const sub of this.subscribers) {
      try {
        sub.deliver(batch);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'live: a subscriber failed');
      }
    }
  }
}
