/**
 * The live stream (`GET /api/live`, Server-Sent Events) for any page: the wall, dispatch, insights.
 *
 * Why not `EventSource`: it hides the server's `: heartbeat` comments (so a silent-but-alive stream cannot be
 * told from a dead one), cannot send an `Authorization` header and gives up for good on an HTTP error. This
 * class reads the stream with `fetch` and hands the bytes to `eventsource-parser`:
 *
 * - it remembers the id of the last event and resumes after it (`Last-Event-ID` header and `?lastEventId=`),
 *   so nothing is lost across network drops and server restarts: the server replays the gap in order;
 * - it reconnects by itself with a capped, jittered backoff (honouring the server's `retry:` advice as the
 *   floor), and forces a reconnect when nothing — neither an event nor a heartbeat — has arrived for
 *   `silenceMs` (the server sends a heartbeat every 15 s);
 * - it authenticates with the session cookie, or with the wall display token of the page (`?token=`),
 *   sent as `Authorization: Bearer` like every other API call (see http.ts);
 * - it exposes {@link LiveState} (connected, lastEventAt, lastMessageAt, lastId, …) so a page can show how
 *   fresh its data is.
 *
 * Events are the shared `LiveEvent` union (shared/src/schemas/events.ts): switch on `e.type` and read the typed
 * `e.payload`. Messages of a type or schema version this client does not know are skipped (their id still
 * moves the resume point). Listeners get the events of one read of the stream as one batch, in stream order,
 * so a screen folds a burst at once (`applyEvents`); `subscribeEach` is the one-event-at-a-time convenience.
 *
 * Usage in React: `useLive(onBatch, { street, types, since })` returns the state and calls `onBatch` with every
 * batch (the latest handler: no need to memoise it). Outside React: `new LiveConnection(opts)`,
 * `.subscribe(fn)`, `.start()`, `.stop()`.
 */
import { useEffect, useRef, useState } from 'react';
import type { LiveEvent, LiveEventType } from '@gridcommand/shared/schemas';
import { SseChunkReader, type ChunkResult } from './sse.ts';

export { SseChunkReader, eventOfMessage, type ChunkResult } from './sse.ts';
import { getDisplayToken } from './http.ts';

export type { LiveEvent, LiveEventType };

type TypePrefix<T extends string> = T extends `${infer P}.${string}` ? `${P}.*` : never;
/** A type filter of GET /api/live: one type, or every type of a family (`case.*`). */
export type LiveTypeFilter = LiveEventType | TypePrefix<LiveEventType>;

export interface LiveFilter {
  /** only events of these streets (9-digit codes), plus district-wide ones */
  street?: string | readonly string[] | null | undefined;
  /** only these types */
  types?: readonly LiveTypeFilter[] | null | undefined;
  /** when nothing has been received yet: start after this event id (e.g. the `lastEventId` of a snapshot) */
  since?: number | null | undefined;
}

export interface LiveState {
  /** the response is open and being read */
  connected: boolean;
  /** Date.now() when the current connection opened (null while disconnected) */
  connectedAt: number | null;
  /** Date.now() of the last event */
  lastEventAt: number | null;
  /** Date.now() of the last thing read from the stream (event, heartbeat or the opening comment) */
  lastMessageAt: number | null;
  /** Date.now() when the stream was last lost (null while connected or before the first connection) */
  disconnectedAt: number | null;
  /** id of the last event received: the resume point */
  lastId: number | null;
  /** failed attempts in a row */
  attempts: number;
  /** the last failure, for a tooltip or a log ("HTTP 503", "network", "silent for 45 s") */
  error: string | null;
  /** the server answered 401/403: no point retrying fast (the page should ask for a login or a token) */
  unauthorized: boolean;
}

export interface LiveOptions extends LiveFilter {
  /** default '/api/live' */
  url?: string;
  /** force a reconnect after this long without a byte (event or heartbeat); default 40 s */
  silenceMs?: number;
  /** first retry delay; default 1 s (the server's `retry:` raises it) */
  minDelayMs?: number;
  /** retry delays grow to this; default 30 s */
  maxDelayMs?: number;
  /** wall display token; default: the page's `?token=` */
  token?: string | null;
}

export type LiveBatchListener = (events: readonly LiveEvent[]) => void;

/** a runaway message without a blank line would grow the parser's buffer for ever */
const INITIAL: LiveState = {
  connected: false,
  connectedAt: null,
  lastEventAt: null,
  lastMessageAt: null,
  disconnectedAt: null,
  lastId: null,
  attempts: 0,
  error: null,
  unauthorized: false,
};


/** One live connection with automatic resume. Cheap to create; nothing happens before `start()`. */
export class LiveConnection {
  private state: LiveState = INITIAL;
  private readonly listeners = new Set<LiveBatchListener>();
  private readonly stateListeners = new Set<() => void>();
  private controller: AbortController | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private running = false;
  private serverRetryMs = 0;
  /** Date.now() of the last chunk read (any bytes: a heartbeat may arrive split) */
  private lastByteAt = 0;
  private readonly opts: Required<Pick<LiveOptions, 'url' | 'silenceMs' | 'minDelayMs' | 'maxDelayMs'>> & LiveOptions;

  constructor(options: LiveOptions = {}) {
    this.opts = { url: '/api/live', silenceMs: 40_000, minDelayMs: 1_000, maxDelayMs: 30_000, ...options };
    if (options.since != null) this.state = { ...INITIAL, lastId: options.since };
  }

  getState = (): LiveState => this.state;

  /** Calls `fn` with each batch of events (those of one read, in stream order); returns the unsubscribe function. */
  subscribe(fn: LiveBatchListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Calls `fn` for each event, one at a time. */
  subscribeEach(fn: (event: LiveEvent) => void): () => void {
    return this.subscribe((events) => {
      for (const e of events) fn(e);
    });
  }

  /** For useSyncExternalStore: called on every state change. */
  subscribeState = (fn: () => void): (() => void) => {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  };

  start(): void {
    if (this.running) return;
    this.running = true;
    this.watchdog = setInterval(() => this.checkSilence(), Math.min(5_000, this.opts.silenceMs / 2));
    void this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    this.controller?.abort();
    this.controller = null;
    this.setState({ connected: false, connectedAt: null });
  }

  /** Drops the current connection and reconnects at once (e.g. after the user logged in). */
  reconnect(): void {
    if (!this.running) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.controller?.abort();
    this.setState({ attempts: 0, unauthorized: false });
    void this.connect();
  }

  private setState(patch: Partial<LiveState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.stateListeners) fn();
  }

  private buildUrl(): string {
    const params = new URLSearchParams();
    const { street, types } = this.opts;
    const streets = typeof street === 'string' ? [street] : (street ?? []);
    if (streets.length > 0) params.set('street', streets.join(','));
    if (types && types.length > 0) params.set('types', types.join(','));
    if (this.state.lastId !== null) params.set('lastEventId', String(this.state.lastId));
    const q = params.toString();
    return q ? `${this.opts.url}?${q}` : this.opts.url;
  }

  private checkSilence(): void {
    const s = this.state;
    if (!this.running || !s.connected) return;
    const silent = Date.now() - Math.max(this.lastByteAt, s.lastMessageAt ?? 0);
    if (silent > this.opts.silenceMs) {
      this.controller?.abort();
      this.lost(`silent for ${Math.round(silent / 1000)} s`);
    }
  }

  private lost(reason: string, unauthorized = false): void {
    if (!this.running) return;
    this.controller = null;
    const attempts = this.state.attempts + 1;
    this.setState({
      connected: false,
      connectedAt: null,
      disconnectedAt: this.state.disconnectedAt ?? Date.now(),
      attempts,
      error: reason,
      unauthorized,
    });
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const base = Math.max(this.opts.minDelayMs, this.serverRetryMs);
    const exp = Math.min(this.opts.maxDelayMs, base * 2 ** Math.min(attempts - 1, 6));
    // a refused credential will not get better quickly; jitter spreads a room full of walls
    const delay = (unauthorized ? this.opts.maxDelayMs : exp) * (0.75 + Math.random() * 0.5);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    const controller = new AbortController();
    this.controller = controller;
    const headers: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-cache' };
    const token = this.opts.token !== undefined ? this.opts.token : getDisplayToken();
    if (token) headers.authorization = `Bearer ${token}`;
    if (this.state.lastId !== null) headers['last-event-id'] = String(this.state.lastId);

    let response: Response;
    try {
      response = await fetch(this.buildUrl(), { headers, credentials: 'same-origin', cache: 'no-store', signal: controller.signal });
    } catch (err) {
      if (controller.signal.aborted) return;
      this.lost(err instanceof Error ? `network: ${err.message}` : 'network');
      return;
    }
    if (!response.ok || !response.body) {
      void response.body?.cancel().catch(() => undefined);
      if (controller.signal.aborted) return;
      this.lost(`HTTP ${response.status}`, response.status === 401 || response.status === 403);
      return;
    }
    const now = Date.now();
    this.lastByteAt = now;
    this.setState({ connected: true, connectedAt: now, lastMessageAt: now, disconnectedAt: null, attempts: 0, error: null, unauthorized: false });

    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const read = new SseChunkReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.lastByteAt = Date.now();
        this.deliver(read.feed(value));
      }
      if (controller.signal.aborted) return;
      this.lost('stream ended');
    } catch (err) {
      if (controller.signal.aborted) return;
      this.lost(err instanceof Error ? err.message : 'stream error');
    } finally {
      reader.releaseLock();
    }
  }

  private deliver(chunk: ChunkResult): void {
    if (chunk.retry !== null) this.serverRetryMs = chunk.retry;
    if (!chunk.messages) return;
    const at = Date.now();
    const patch: Partial<LiveState> = { lastMessageAt: at };
    if (chunk.lastId !== null) patch.lastId = chunk.lastId;
    if (chunk.events.length > 0) patch.lastEventAt = at;
    this.setState(patch);
    if (chunk.events.length === 0) return;
    for (const fn of this.listeners) {
      try {
        fn(chunk.events);
      } catch (err) {
        // one bad handler must not stop the stream
        console.error('live handler failed', err);
      }
    }
  }
}

/**
 * Follows the live stream while the component is mounted. `onBatch` sees every batch of events (the latest
 * closure is used). The connection is re-created only when the filter changes (street/types), and then resumes
 * after the last id it had. `enabled: false` keeps it closed (e.g. until a snapshot has given `since`).
 *
 * The returned state re-renders the caller at most once a second (and at once when `connected` flips), so a
 * busy stream does not re-render a whole page per event: handle events in `onBatch`, show freshness from the
 * state.
 */
export function useLive(onBatch: LiveBatchListener, filter: LiveFilter & { enabled?: boolean; maxDelayMs?: number } = {}): LiveState {
  const handlerRef = useRef(onBatch);
  handlerRef.current = onBatch;
  const lastIdRef = useRef<number | null>(null);
  const [state, setState] = useState<LiveState>(INITIAL);

  const streetKey = typeof filter.street === 'string' ? filter.street : (filter.street ?? []).join(',');
  const typesKey = (filter.types ?? []).join(',');
  const enabled = filter.enabled ?? true;
  const since = filter.since ?? null;
  const maxDelayMs = filter.maxDelayMs;
  const sinceRef = useRef(since);
  sinceRef.current = since;

  useEffect(() => {
    if (!enabled) return;
    const conn = new LiveConnection({
      street: streetKey ? streetKey.split(',') : null,
      types: typesKey ? (typesKey.split(',') as LiveTypeFilter[]) : null,
      since: lastIdRef.current ?? sinceRef.current,
      ...(maxDelayMs !== undefined ? { maxDelayMs } : {}),
    });
    let timer: ReturnType<typeof setTimeout> | null = null;
    let shownConnected = false;
    const publish = () => {
      timer = null;
      const s = conn.getState();
      shownConnected = s.connected;
      setState(s);
    };
    const offEvents = conn.subscribe((events) => handlerRef.current(events));
    const offState = conn.subscribeState(() => {
      const s = conn.getState();
      lastIdRef.current = s.lastId;
      if (s.connected !== shownConnected) {
        if (timer) clearTimeout(timer);
        publish();
      } else if (!timer) {
        timer = setTimeout(publish, 1_000);
      }
    });
    conn.start();
    publish();
    return () => {
      if (timer) clearTimeout(timer);
      offEvents();
      offState();
      conn.stop();
    };
  }, [enabled, streetKey, typesKey, maxDelayMs]);

  return state;
}

/**
 * Seconds since the stream last gave a sign of life (an event, a heartbeat, or the open connection itself),
 * or since it was lost. What a "data stale" banner compares with its threshold.
 */
export function silenceSeconds(state: LiveState, now = Date.now()): number {
  if (!state.connected) {
    const since = state.disconnectedAt ?? state.lastMessageAt;
    return since === null ? 0 : Math.max(0, (now - since) / 1000);
  }
  const last = state.lastMessageAt ?? state.connectedAt;
  return last === null ? 0 : Math.max(0, (now - last) / 1000);
}
