/** A small Server-Sent Events client for tests: connects over plain HTTP, parses id/event/data/retry, collects. */
import http from 'node:http';
import net from 'node:net';

export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

export interface SseConnectOptions {
  headers?: Record<string, string>;
  lastEventId?: number | string;
  timeoutMs?: number;
}

export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  retry: number | null = null;
  /** the last id seen, as a browser's EventSource keeps it */
  lastEventId = '';
  ended = false;
  readonly headers: http.IncomingHttpHeaders;

  private readonly req: http.ClientRequest;
  private readonly res: http.IncomingMessage;
  private buf = '';
  private data: string[] = [];
  private event = '';
  private id: string | null = null;
  private waiters = new Set<() => void>();

  private constructor(req: http.ClientRequest, res: http.IncomingMessage) {
    this.req = req;
    this.res = res;
    this.headers = res.headers;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.feed(chunk));
    const end = () => {
      this.ended = true;
      this.notify();
    };
    res.on('end', end);
    res.on('close', end);
    res.on('error', end);
    req.on('error', end);
  }

  /** Connects; rejects with the status and body unless the answer is 200 text/event-stream. */
  static connect(url: string, opts: SseConnectOptions = {}): Promise<SseClient> {
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...opts.headers };
    if (opts.lastEventId !== undefined) headers['Last-Event-ID'] = String(opts.lastEventId);
    return new Promise((resolve, reject) => {
      const req = http.get(url, { headers, agent: false }, (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => reject(Object.assign(new Error(`SSE ${url} answered ${res.statusCode}: ${body}`), { statusCode: res.statusCode, body })));
          return;
        }
        resolve(new SseClient(req, res));
      });
      req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`SSE ${url}: no answer`)));
      req.on('error', reject);
    }).then((c) => {
      (c as SseClient).req.setTimeout(0);
      return c as SseClient;
    });
  }

  private feed(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    let changed = false;
    while ((nl = this.buf.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + (this.buf.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        if (this.id !== null) this.lastEventId = this.id;
        if (this.data.length > 0) {
          this.messages.push({ id: this.id, event: this.event || 'message', data: this.data.join('\n') });
          changed = true;
        }
        this.data = [];
        this.event = '';
        this.id = null;
        continue;
      }
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        changed = true;
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id') this.id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    }
    if (changed) this.notify();
  }

  private notify(): void {
    for (const w of this.waiters) w();
  }

  /** Messages parsed as JSON (the live stream's data). */
  json<T = Record<string, unknown>>(): T[] {
    return this.messages.map((m) => JSON.parse(m.data) as T);
  }

  ids(): number[] {
    return this.messages.map((m) => Number(m.id));
  }

  /** Waits until `check()` holds (checked on every message and every 50 ms); rejects after `timeoutMs` (or when
   * the stream ends first) with `what`. */
  waitUntil(check: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(w);
        if (err) reject(err);
        else resolve();
      };
      const w = () => {
        if (check()) done();
        else if (this.ended) done(new Error(`SSE stream ended while waiting for ${what} (have ${this.messages.length} messages)`));
      };
      const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (have ${this.messages.length} messages)`)), timeoutMs);
      // conditions may also depend on things other than this stream (e.g. server state): look again now and then
      const poll = setInterval(w, 50);
      this.waiters.add(w);
    });
  }

  waitForCount(n: number, timeoutMs = 20_000): Promise<void> {
    return this.waitUntil(() => this.messages.length >= n, timeoutMs, `${n} messages`);
  }

  waitForId(id: number, timeoutMs = 20_000): Promise<void> {
    return this.waitUntil(() => this.messages.some((m) => Number(m.id) >= id), timeoutMs, `id ${id}`);
  }

  close(): void {
    this.res.destroy();
    this.req.destroy();
  }
}

/**
 * A client that opens the stream and then never reads: its socket's buffers fill up and the server must
 * neither wait for it nor let it hold back anyone else.
 */
export function stalledClient(url: string, headers: Record<string, string> = {}): Promise<net.Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port) }, () => {
      const lines = [`GET ${u.pathname}${u.search} HTTP/1.1`, `Host: ${u.host}`, 'Accept: text/event-stream'];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      // read until the response head has arrived, then stop reading for good
      let head = '';
      const onData = (d: Buffer) => {
        head += d.toString('latin1');
        if (head.includes('\r\n\r\n')) {
          socket.off('data', onData);
          socket.pause();
          if (!head.startsWith('HTTP/1.1 200')) reject(new Error(`stalled client: ${head.split('\r\n')[0]}`));
          else resolve(socket);
        }
      };
      socket.on('data', onData);
    });
    // a tiny receive buffer makes the server's socket fill sooner
    socket.setNoDelay(true);
    socket.on('error', reject);
  });
}
