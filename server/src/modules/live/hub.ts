/**
 * The live hub: one per server process. It turns committed rows of the event table into live events for the
 * process's SSE clients, in id order, without ever delivering an id and later finding a smaller one committed —
 * while writers commit concurrently, with no global lock (docs/live.md, "Ordering").
 *
 * Ordering. Event ids are drawn from a sequence inside concurrent write transactions, so they do not become
 * visible in id order. Every writer has its transaction id assigned before it draws an event id (the appender,
 * ../writer/events.ts). A read k sees rows up to V_k in its snapshot; right after it, the hub takes a fresh
 * transaction id R_k. Any transaction that can still commit an id ≤ V_k is older than R_k (a younger one drew
 * its ids after the read, so they are > V_k). Once a later snapshot's xmin is above R_k, every such transaction
 * has ended, and every event ≤ V_k that will ever exist is visible: the hub delivers up to V_k. `lastSeen` is that
 * safe frontier. While rows wait above it, the hub reads again within milliseconds.
 *
 * - A dedicated connection LISTENs on `gc_events` and does the hub's reads (synchronous_commit off: its transaction
 *   ids need no durable commit). Writers of this process wake the hub directly; other processes' writers send one
 *   coalesced NOTIFY after their commits. A poll every `pollMs` covers a lost notification.
 * - One read in flight at a time; requests during a read cause exactly one more.
 *
 * Each event is serialised once into its SSE frame and shared by every subscriber.
 */
import pg from 'pg';
import { LIVE_CHANNEL } from '../writer/events.ts';
import { idRuns, readWithXmin, toHubEvent, type EventRow, type HubEvent, type LiveSubscriber } from './rows.ts';

export { LIVE_CHANNEL } from '../writer/events.ts';
export { isUnfiltered, matchesFilter, NO_FILTER, parseFilter, type LiveFilter } from './filter.ts';
export { maxEventId, readEventsAfter, type HubEvent, type LiveSubscriber } from './rows.ts';

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
  /** reads that found rows not yet deliverable (an older transaction was still open) */
  heldBack: number;
  /** event rows the reads fetched (each once: rows held back are not fetched again) */
  rowsRead: number;
}

const quietLog: HubLogger = { info: () => {}, warn: () => {} };

/** Reads start at least this far apart (a burst of commits costs one read per gap, not one per commit). */
const MIN_READ_GAP_MS = 4;

/** A read whose rows up to `upTo` become deliverable once every transaction older than `xid` has ended. */
interface Pending {
  xid: bigint;
  upTo: number;
  /** the hub's starting point: once it resolves, the hub is ready */
  start?: true;
}

export class LiveHub {
  /** the safe frontier: every event up to it that will ever commit has been delivered (or predates the hub) */
  lastSeen = 0;
  /** false until the first safe frontier is known (the database was reachable) */
  ready = false;
  /** every event up to this id that will ever exist is visible (≥ lastSeen: a full page may not have reached it) */
  private safeUpTo = 0;

  private readonly pool: pg.Pool;
  private readonly connectionString: string | undefined;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly reconnectMinMs: number;
  private readonly reconnectMaxMs: number;
  private readonly log: HubLogger;
  private readonly subscribers = new Set<LiveSubscriber>();

  private conn: pg.Client | null = null;
  private listening = false;
  private reconnectDelay: number;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private soonTimer: NodeJS.Timeout | null = null;
  private gapTimer: NodeJS.Timeout | null = null;
  private lastReadAt = 0;
  private soonDelay = MIN_READ_GAP_MS;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private stopped = false;
  private pending: Pending[] = [];
  /**
   * Rows read above the frontier, not yet deliverable, by id: kept until the frontier passes them, and left out of the
   * next reads (a busy stream would otherwise read each row again at every read until older transactions ended).
   */
  private readonly held = new Map<number, EventRow>();
  private readyWaiters: Array<() => void> = [];
  private readonly counters = { notifications: 0, reads: 0, events: 0, reconnects: 0, readErrors: 0, heldBack: 0, rowsRead: 0 };

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

  /** Connects, starts listening and polling. Never throws: a database that is down at start is retried in the
   * background (the hub is `ready` once a safe frontier is known). */
  async start(): Promise<void> {
    this.stopped = false;
    this.pollTimer = setInterval(() => this.requestRead(), this.pollMs);
    this.pollTimer.unref();
    await this.connect();
    if (!this.ready) await this.whenReady(1_000);
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

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [this.pollTimer, this.reconnectTimer, this.soonTimer, this.gapTimer]) if (t) clearTimeout(t);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = this.reconnectTimer = this.soonTimer = this.gapTimer = null;
    const c = this.conn;
    this.conn = null;
    this.listening = false;
    await this.reading?.catch(() => {});
    if (c) await c.end().catch(() => {});
    this.subscribers.clear();
    this.held.clear();
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

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true, application_name: 'gridcommand-live' });
    let failed = false;
    const onLost = (err?: Error) => {
      if (failed) return;
      failed = true;
      if (this.conn === client) {
        this.conn = null;
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
      await client.query(`SET synchronous_commit TO off; SET application_name TO 'gridcommand-live'; LISTEN ${LIVE_CHANNEL}`);
    } catch (err) {
      onLost(err as Error);
      return;
    }
    if (this.stopped || failed) {
      await client.end().catch(() => {});
      return;
    }
    this.conn = client;
    this.listening = true;
    this.reconnectDelay = this.reconnectMinMs;
    // anything committed while we were not listening is read now
    this.requestRead();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.stopped) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectMaxMs, this.reconnectDelay * 2);
    this.counters.reconnects++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  /**
   * Reads new events soon. Coalesces: while a read is in flight, any number of requests cause one more read; reads
   * start at least `MIN_READ_GAP_MS` apart, so a busy stream costs a bounded number of reads per second.
   */
  requestRead(): void {
    if (this.stopped) return;
    if (this.reading || this.gapTimer) {
      this.readAgain = true;
      return;
    }
    const wait = this.lastReadAt + MIN_READ_GAP_MS - Date.now();
    if (wait > 0) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = null;
        this.readAgain = false;
        this.requestRead();
      }, wait);
      this.gapTimer.unref();
      return;
    }
    this.lastReadAt = Date.now();
    this.reading = this.readLoop().finally(() => {
      this.reading = null;
      if (this.readAgain) {
        this.readAgain = false;
        this.requestRead();
      }
    });
  }

  /** Rows are waiting for older transactions to end: look again shortly (the read gap, doubling to 50 ms). */
  private readSoon(): void {
    if (this.soonTimer || this.stopped) return;
    const delay = this.soonDelay;
    this.soonDelay = Math.min(50, this.soonDelay * 2);
    this.soonTimer = setTimeout(() => {
      this.soonTimer = null;
      this.requestRead();
    }, delay);
    this.soonTimer.unref();
  }

  private async readLoop(): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    try {
      await this.readOnce(conn);
    } catch (err) {
      // database unavailable: the poll (and the listener's reconnect) will try again
      this.counters.readErrors++;
      this.log.warn({ err: (err as Error).message }, 'live: reading new events failed');
    }
  }

  /**
   * Reads until nothing more is deliverable: resolves the pending reads whose older transactions have ended (the
   * frontier), delivers the rows up to it, and remembers this read's newest id with its transaction id. Rows are
   * fetched only up to the newest id a pending read saw, and rows read before that are still above the frontier are
   * held, not read again: each row crosses the connection once.
   */
  private async readOnce(conn: pg.Client): Promise<void> {
    for (;;) {
      const upTo = Math.max(this.safeUpTo, this.pending.length ? this.pending[this.pending.length - 1]!.upTo : this.lastSeen);
      const { xmin, xid, vmax, rows } = await readWithXmin(conn, this.lastSeen, upTo, this.batchSize, idRuns(this.held.keys()));
      this.counters.reads++;
      this.counters.rowsRead += rows.length;
      if (this.stopped) return;
      for (const r of rows) this.held.set(Number(r.id), r);
      if (!this.ready && this.pending.length === 0) {
        // the starting point: everything up to the current end predates the hub, once older transactions have ended
        this.lastSeen = this.safeUpTo = vmax;
        this.pending.push({ xid, upTo: vmax, start: true });
        this.readSoon();
        return;
      }
      // the newest earlier read whose transactions have all ended gives the frontier
      let frontier = Math.max(this.lastSeen, this.safeUpTo);
      let started = false;
      while (this.pending.length && this.pending[0]!.xid < xmin) {
        const p = this.pending.shift()!;
        frontier = Math.max(frontier, p.upTo);
        started ||= p.start === true;
      }
      this.safeUpTo = frontier;
      // ready as soon as the starting point is safe: later reads still waiting for their older transactions are the
      // normal state of a busy stream, not a reason to keep clients out (waiting for an empty queue could take as
      // long as writes keep overlapping)
      if (!this.ready && started) {
        this.ready = true;
        for (const w of this.readyWaiters.splice(0)) w();
      }
      // a full page may stop before the frontier: rows after its last one are not read yet, nothing past it goes out
      const full = rows.length === this.batchSize;
      const reached = full ? Math.min(frontier, Number(rows[rows.length - 1]!.id)) : frontier;
      const deliverable: number[] = [];
      for (const id of this.held.keys()) if (id <= reached) deliverable.push(id);
      if (deliverable.length) {
        deliverable.sort((a, b) => a - b);
        const batch = deliverable.map((id) => {
          const row = this.held.get(id)!;
          this.held.delete(id);
          return toHubEvent(row);
        });
        this.counters.events += batch.length;
        this.fanOut(batch);
      }
      this.lastSeen = Math.max(this.lastSeen, reached);
      const seen = Math.max(frontier, this.pending.length ? this.pending[this.pending.length - 1]!.upTo : 0);
      if (vmax > seen) this.pending.push({ xid, upTo: vmax });
      if (full && this.lastSeen < frontier) continue;
      if (this.pending.length > 0) {
        this.counters.heldBack++;
        this.readSoon();
        return;
      }
      this.soonDelay = MIN_READ_GAP_MS;
      return;
    }
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
