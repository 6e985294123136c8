/** Reading `text/event-stream` with `eventsource-parser`: one parser per connection, typed events out. */
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { EVENT_VERSION, LIVE_EVENT_TYPES, type LiveEvent } from '@gridcommand/shared/schemas';

const MAX_MESSAGE_CHARS = 4_000_000;

const KNOWN_TYPES: ReadonlySet<string> = new Set(LIVE_EVENT_TYPES);

/**
 * The event of one SSE message, or null when it is not one this client can read: not JSON, no numeric id, a
 * type it does not know or a payload version it does not speak. The server validates every event against the
 * shared schema before it writes it, so this checks the envelope only.
 */
export function eventOfMessage(data: string): LiveEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const e = value as Partial<Record<keyof LiveEvent, unknown>>;
  if (typeof e.id !== 'number' || typeof e.type !== 'string' || !KNOWN_TYPES.has(e.type)) return null;
  if (e.v !== EVENT_VERSION || typeof e.payload !== 'object' || e.payload === null) return null;
  return value as LiveEvent;
}

export interface ChunkResult {
  /** the events complete in this chunk, in stream order */
  events: LiveEvent[];
  /** the resume point after this chunk (the last numeric SSE id), if it moved */
  lastId: number | null;
  /** the server's `retry:` advice, if it gave one */
  retry: number | null;
  /** whether anything complete arrived: an event, a comment (heartbeat) or an id */
  messages: boolean;
}

/** One SSE parser per connection: `feed` takes the text of one read and returns what it completed. */
export class SseChunkReader {
  private result: ChunkResult = SseChunkReader.empty();
  private overflow = false;
  private readonly parser: EventSourceParser;

  constructor() {
    this.parser = createParser({
      maxBufferSize: MAX_MESSAGE_CHARS,
      onEvent: (msg) => this.onMessage(msg),
      onId: (id) => {
        this.result.messages = true;
        if (/^\d+$/.test(id)) this.result.lastId = Number(id);
      },
      onComment: () => {
        this.result.messages = true;
      },
      onRetry: (ms) => {
        this.result.retry = ms;
      },
      onError: (err) => {
        if (err.type === 'max-buffer-size-exceeded') this.overflow = true;
      },
    });
  }

  private static empty(): ChunkResult {
    return { events: [], lastId: null, retry: null, messages: false };
  }

  private onMessage(msg: EventSourceMessage): void {
    this.result.messages = true;
    const event = eventOfMessage(msg.data);
    if (!event) return;
    this.result.events.push(event);
    if (msg.id === undefined || !/^\d+$/.test(msg.id)) this.result.lastId = event.id;
  }

  feed(text: string): ChunkResult {
    this.result = SseChunkReader.empty();
    this.parser.feed(text);
    if (this.overflow) throw new Error('oversized SSE message');
    return this.result;
  }
}
