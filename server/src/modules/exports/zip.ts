/**
 * A streaming ZIP writer (PKWARE APPNOTE: local headers with data descriptors, DEFLATE, one central directory):
 * entries are compressed by node:zlib off the main thread as their bytes arrive and written to `out` at once, so an
 * entry of any length costs one zlib window of memory. No ZIP64: an entry or the archive must stay under 4 GiB
 * (the Excel export's row cap keeps it far below).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import zlib from 'node:zlib';

const LIMIT_32 = 0xffff_ffff;
/** general purpose flags: bit 3 (sizes in the data descriptor), bit 11 (names in UTF-8) */
const FLAGS = 0x0808;
const DEFLATE = 8;

export class StreamClosed extends Error {
  constructor() {
    super('the export stream was closed');
  }
}

/** Resolves when `stream` emits `event`; rejects when `out` closes first. */
async function until(stream: NodeJS.EventEmitter, event: string, out: Writable): Promise<void> {
  if (out.destroyed) throw new StreamClosed();
  const ac = new AbortController();
  try {
    const closed = once(out, 'close', { signal: ac.signal }).then(() => Promise.reject(new StreamClosed()));
    await Promise.race([once(stream, event, { signal: ac.signal }), closed]);
  } finally {
    ac.abort();
  }
}

/** Resolves at once when `out` can take more, after its 'drain' otherwise; rejects when it was closed. */
export async function room(out: Writable): Promise<void> {
  if (out.destroyed || out.writableEnded) throw new StreamClosed();
  if (out.writableNeedDrain) await until(out, 'drain', out);
}

/** MS-DOS date and time of `d` (local wall clock of the server, as ZIP tools expect) */
function dosTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((Math.max(1980, d.getFullYear()) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

interface Entry {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

export interface ZipEntry {
  /** Adds bytes to the entry; resolves when there is room for more. */
  write(chunk: string | Buffer): Promise<void>;
  /** Ends the entry (its data descriptor is written). */
  close(): Promise<void>;
}

export class ZipWriter {
  readonly #entries: Entry[] = [];
  #offset = 0;
  readonly #stamp = dosTime(new Date());
  #open = false;

  constructor(readonly out: Writable) {}

  #emit(buf: Buffer): boolean {
    this.#offset += buf.length;
    if (this.#offset > LIMIT_32) throw new Error('the archive would exceed 4 GiB (no ZIP64)');
    return this.out.write(buf);
  }

  /** Starts an entry; one at a time. */
  entry(fileName: string): ZipEntry {
    if (this.#open) throw new Error('an entry is still open');
    this.#open = true;
    const name = Buffer.from(fileName, 'utf8');
    const e: Entry = { name, crc: 0, compressed: 0, size: 0, offset: this.#offset };
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(FLAGS, 6);
    h.writeUInt16LE(DEFLATE, 8);
    h.writeUInt16LE(this.#stamp.time, 10);
    h.writeUInt16LE(this.#stamp.date, 12);
    // crc and sizes (14..25) follow in the data descriptor
    h.writeUInt16LE(name.length, 26);
    h.writeUInt16LE(0, 28);
    this.#emit(Buffer.concat([h, name]));

    const out = this.out;
    const deflate = zlib.createDeflateRaw({ level: 1 });
    deflate.on('data', (c: Buffer) => {
      e.compressed += c.length;
      // back-pressure: zlib stops while `out` is full, and the writer waits for zlib
      if (!this.#emit(c)) {
        deflate.pause();
        out.once('drain', () => deflate.resume());
      }
    });
    // a client that leaves frees the compressor at once
    out.once('close', () => deflate.destroy());
    const ended = until(deflate, 'end', out);
    ended.catch(() => {});
    return {
      write: async (chunk) => {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        e.crc = zlib.crc32(buf, e.crc);
        e.size += buf.length;
        if (e.size > LIMIT_32) throw new Error('a ZIP entry would exceed 4 GiB (no ZIP64)');
        if (out.destroyed) throw new StreamClosed();
        if (!deflate.write(buf)) await until(deflate, 'drain', out);
      },
      close: async () => {
        deflate.end();
        await ended;
        const d = Buffer.alloc(16);
        d.writeUInt32LE(0x08074b50, 0);
        d.writeUInt32LE(e.crc >>> 0, 4);
        d.writeUInt32LE(e.compressed, 8);
        d.writeUInt32LE(e.size, 12);
        this.#emit(d);
        this.#entries.push(e);
        this.#open = false;
        await room(out);
      },
    };
  }

  /** A whole small entry. */
  async file(fileName: string, text: string): Promise<void> {
    const e = this.entry(fileName);
    await e.write(text);
    await e.close();
  }

  /** Writes the central directory and ends `out`. */
  async finish(): Promise<void> {
    const start = this.#offset;
    for (const e of this.#entries) {
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(20, 4);
      c.writeUInt16LE(20, 6);
      c.writeUInt16LE(FLAGS, 8);
      c.writeUInt16LE(DEFLATE, 10);
      c.writeUInt16LE(this.#stamp.time, 12);
      c.writeUInt16LE(this.#stamp.date, 14);
      c.writeUInt32LE(e.crc >>> 0, 16);
      c.writeUInt32LE(e.compressed, 20);
      c.writeUInt32LE(e.size, 24);
      c.writeUInt16LE(e.name.length, 28);
      // extra, comment, disk, internal and external attributes: 0
      c.writeUInt32LE(e.offset, 42);
      this.#emit(Buffer.concat([c, e.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.#entries.length, 8);
    end.writeUInt16LE(this.#entries.length, 10);
    end.writeUInt32LE(this.#offset - start, 12);
    end.writeUInt32LE(start, 16);
    this.#emit(end);
    this.out.end();
  }
}
