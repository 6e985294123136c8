/**
 * A small in-process LRU of rendered tiles keyed by layer/z/x/y. Entries carry the data version they were
 * rendered at: invalidate() bumps the version and so drops everything at once; a TTL bounds how stale a tile
 * can be when another process changed the data.
 */
import zlib from 'node:zlib';

export interface CachedTile {
  /** null: the tile is empty */
  raw: Buffer | null;
  /** gzip of raw, made on first demand */
  gzip?: Buffer;
}

interface Entry extends CachedTile {
  version: number;
  expires: number;
  bytes: number;
}

export interface TileCacheOptions {
  /** most bytes kept (raw + gzip); 0 disables the cache */
  maxBytes: number;
  ttlMs: number;
}

export class TileCache {
  private readonly entries = new Map<string, Entry>();
  /** values derived from the data (e.g. a layer's largest feature), dropped with the tiles */
  private readonly derived = new Map<string, Promise<unknown>>();
  private bytes = 0;
  private version = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly opts: TileCacheOptions) {}

  get enabled(): boolean {
    return this.opts.maxBytes > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now = Date.now()): CachedTile | undefined {
    const e = this.entries.get(key);
    if (!e || e.version !== this.version || e.expires <= now) {
      if (e) this.delete(key, e);
      this.misses++;
      return undefined;
    }
    // most recently used goes last
    this.entries.delete(key);
    this.entries.set(key, e);
    this.hits++;
    return e;
  }

  set(key: string, raw: Buffer | null, now = Date.now()): CachedTile {
    const entry: Entry = { raw, version: this.version, expires: now + this.opts.ttlMs, bytes: (raw?.length ?? 0) + 64 };
    if (!this.enabled || entry.bytes > this.opts.maxBytes) return entry;
    const old = this.entries.get(key);
    if (old) this.delete(key, old);
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    this.evict();
    return entry;
  }

  /** gzip of a tile, made once and kept with the entry. */
  gzipOf(key: string, tile: CachedTile): Buffer | null {
    if (!tile.raw) return null;
    if (!tile.gzip) {
      tile.gzip = zlib.gzipSync(tile.raw, { level: 6 });
      const e = this.entries.get(key);
      if (e === tile) {
        e.bytes += tile.gzip.length;
        this.bytes += tile.gzip.length;
        this.evict();
      }
    }
    return tile.gzip;
  }

  /** A value derived from the data, computed once per data version (failures are not kept). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let p = this.derived.get(key) as Promise<T> | undefined;
    if (!p) {
      p = compute();
      this.derived.set(key, p);
      p.catch(() => this.derived.delete(key));
    }
    return p;
  }

  /** Drops every tile (call after the geometry or tile properties changed). */
  invalidate(): void {
    this.version++;
    this.derived.clear();
    this.entries.clear();
    this.bytes = 0;
  }

  private delete(key: string, e: Entry): void {
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }

  private evict(): void {
    for (const [key, e] of this.entries) {
      if (this.bytes <= this.opts.maxBytes) break;
      this.delete(key, e);
    }
  }
}
