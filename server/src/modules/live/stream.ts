/**
 * One SSE client. It subscribes to the hub first and only then replays what it missed from the event table, so
 * that nothing falls between replay and live: live batches that arrive during the replay wait in `pending`, and
 * every id at or below the last one already sent is dropped (no duplicates).
 *
 * Writes never block the hub: when the socket's buffer is full (write() returns false) further frames wait in a
 * bounded per-client queue that is flushed on 'drain'; a client whose queue passes `maxQueue` events is
 * disconnected (it reconnects with Last-Event-ID and replays from the table).
 */
import type { ServerResponse } from 'node:http';
import type pg from 'pg';
import { isUnfiltered, matchesFilter, readEventsAfter, type HubEvent, type LiveFilter, type LiveHub, type LiveSubscriber } from './hub.ts';
import { redactedFrame } from './rows.ts';

export interface LiveStreamOptions {
  filter: LiveFilter;
  /** events waiting for a full socket (or during replay) before the client is dropped */
  maxQueue: number;
  /** rows per replay query */
  replayPageSize: number;
  onClose?: (stream: LiveStream, reason: string) => void;
}

export type StreamState = 'replaying' | 'live' | 'closed';

/** The frames of a whole batch joined once and shared by every unfiltered client that is up to date. */
const joinedBatches = new WeakMap<readonly HubEvent[], string>();
function joinedFrames(batch: readonly HubEvent[]): string {
  let s = joinedBatches.get(batch);
  if (s === undefined) {
    s = '';
    for (const e of batch) s += e.frame;
    joinedBatches.set(batch, s);
  }
  return s;
}

export class LiveStream implements LiveSubscriber {
  state: StreamState = 'replaying';
  /** the highest id already handled (sent, or skipped by the filter) */
  cursor = 0;
  /** events written to the socket */
  sent = 0;
  closeReason: string | null = null;

  private readonly res: ServerResponse;
  private readonly opts: LiveStreamOptions;
  private readonly unfiltered: boolean;
  private pending: HubEvent[][] = [];
  private pendingEvents = 0;
  private queue: string[] = [];
  private queuedEvents = 0;
  private blocked = false;
  private unsubscribe: (() => void) | null = null;

  constructor(res: ServerResponse, opts: LiveStreamOptions) {
    this.res = res;
    this.opts = opts;
    this.unfiltered = isUnfiltered(opts.filter);
    res.on('close', () => this.close('client gone'));
    res.on('error', () => this.close('socket error'));
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** events waiting to be written */
  get backlog(): number {
    return this.queuedEvents + this.pendingEvents;
  }

  /**
   * Subscribes to the hub and starts the stream. With `replayAfter` (Last-Event-ID), everything after that id is
   * replayed from the table first; without it the stream starts at the hub's current position ("now").
   */
  async start(hub: LiveHub, pool: Pick<pg.Pool, 'query'>, replayAfter: number | null): Promise<void> {
    const now = hub.lastSeen;
    this.unsubscribe = hub.subscribe(this);
    if (replayAfter === null) {
      this.cursor = now;
      this.goLive();
      return;
    }
    this.cursor = replayAfter;
    // `now` is the hub's safe frontier: every event ≤ `now` that will ever exist is committed and visible to the
    // replay queries below, and every id > `now` reaches `pending` through the hub: no gap, no duplicate.
    if (this.cursor >= now) {
      this.goLive();
      return;
    }
    for (;;) {
      const page = await readEventsAfter(pool, this.cursor, now, this.opts.replayPageSize, this.opts.filter);
      if (this.closed) return;
      if (page.length > 0) {
        let out = '';
        for (const e of page) out += this.frameOf(e);
        this.cursor = page[page.length - 1]!.id;
        this.sent += page.length;
        if (!this.res.write(out)) await this.drained();
        if (this.closed) return;
      }
      if (page.length < this.opts.replayPageSize) break;
    }
    // a filtered replay may end below the hub's position; the hub's later batches cover the rest
    this.goLive();
  }

  /**
   * start(), and when the replay cannot be read (the database went away): close the stream; the client reconnects
   * after `retry` and replays again. The stream is hijacked from Fastify, so the failure ends here.
   */
  async run(hub: LiveHub, pool: Pick<pg.Pool, 'query'>, replayAfter: number | null, log: { warn(o: unknown, m?: string): void }): Promise<void> {
    try {
      await this.start(hub, pool, replayAfter);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'live: replay failed');
      this.close('replay failed');
      this.res.destroy();
    }
  }

  /** The event's frame as this client may receive it (without free text for a wall). */
  private frameOf(e: HubEvent): string {
    return this.opts.filter.scope.redact ? redactedFrame(e) : e.frame;
  }

  private goLive(): void {
    if (this.closed) return;
    this.state = 'live';
    const pending = this.pending;
    this.pending = [];
    this.pendingEvents = 0;
    for (const batch of pending) this.send(batch);
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  deliver(batch: readonly HubEvent[]): void {
    if (this.state === 'live') this.send(batch);
    else if (this.state === 'replaying') {
      this.pending.push(batch as HubEvent[]);
      this.pendingEvents += batch.length;
      if (this.pendingEvents > this.opts.maxQueue) this.drop('too far behind during replay');
    }
  }

  private send(batch: readonly HubEvent[]): void {
    let out = '';
    let n = 0;
    const last = batch[batch.length - 1];
    if (!last || last.id <= this.cursor) return;
    if (this.unfiltered && batch[0]!.id > this.cursor) {
      this.cursor = last.id;
      this.write(joinedFrames(batch), batch.length);
      return;
    }
    for (const e of batch) {
      if (e.id <= this.cursor) continue;
      this.cursor = e.id;
      if (!this.unfiltered && !matchesFilter(this.opts.filter, e)) continue;
      out += this.frameOf(e);
      n++;
    }
    if (n > 0) this.write(out, n);
  }

  /** A comment line (heartbeat); skipped while the socket is backed up — the data itself keeps it alive then. */
  comment(text: string): void {
    if (this.state !== 'live' || this.blocked) return;
    this.write(`: ${text}\n\n`, 0);
  }

  private write(chunk: string, events: number): void {
    if (this.closed) return;
    if (this.blocked) {
      this.queue.push(chunk);
      this.queuedEvents += events;
      if (this.queuedEvents > this.opts.maxQueue) this.drop('slow client: queue full');
      return;
    }
    this.sent += events;
    if (!this.res.write(chunk)) {
      this.blocked = true;
      this.res.once('drain', this.onDrain);
    }
  }

  private readonly onDrain = (): void => {
    this.blocked = false;
    if (this.closed || this.queue.length === 0) return;
    const chunk = this.queue.join('');
    const events = this.queuedEvents;
    this.queue = [];
    this.queuedEvents = 0;
    this.write(chunk, events);
  };

  private drop(reason: string): void {
    this.close(reason);
    // destroy rather than end: the queued data is abandoned, the client replays it after reconnecting
    this.res.destroy();
  }

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.state = 'closed';
    this.closeReason = reason;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.pending = [];
    this.queue = [];
    this.pendingEvents = this.queuedEvents = 0;
    this.res.off('drain', this.onDrain);
    this.opts.onClose?.(this, reason);
  }

  /** Ends the response (server shutdown). */
  end(): void {
    this.close('server closing');
    if (!this.res.writableEnded) this.res.end();
  }
}
