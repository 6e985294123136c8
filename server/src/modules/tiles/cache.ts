/**
 * An in-process LRU of rendered tiles keyed by layer/z/x/y (lru-cache), bounded by bytes (raw + gzip + a fixed
 * overhead per entry) and by a TTL that bounds how stale a tile can be when another process changed the data.
 * invalidate() drops everything at once; a tile rendered from data read before an invalidate() is not kept.
 */
import zlib from 'node:zlib';
import { LRUCache } from 'lru-cache';

export interface CachedTile {
  /** null: the tile is empty */
  raw: Buffer | null;
  /** gzip of raw, made on first demand */
  gzip?: Buffer;
}

export interface TileCacheOptions {
  /** most bytes kept (raw + gzip + ENTRY_OVERHEAD each); 0 disables the cache */
  maxBytes: number;
  /** how long a tile is served after it was rendered; 0 or less keeps nothing */
  ttlMs: number;
  /** the clock the TTL is measured on, milliseconds (tests pin it); default performance.now */
  now?: () => number;
}

/** Bytes counted per entry on top of its buffers (key, bookkeeping). */
export const ENTRY_OVERHEAD = 64;

function sizeOf(tile: CachedTile): number {
  return (tile.raw?.length ?? 0) + (tile.gzip?.length ?? 0) + ENTRY_OVERHEAD;
}

export class TileCache {
  /** null when disabled */
  private readonly lru: LRUCache<string, CachedTile> | null;
  /** values derived from the data (e.g. a layer's largest feature), dropped with the tiles */
  private readonly derived = new Map<string, Promise<unknown>>();
  private generation = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly opts: TileCacheOptions) {
    this.lru =
      opts.maxBytes > 0 && opts.ttlMs > 0
        ? new LRUCache<string, CachedTile>({
            maxSize: opts.maxBytes,
            ttl: opts.ttlMs,
            // an entry is not served after its TTL, and reading it does not extend it
            allowStale: false,
            updateAgeOnGet: false,
            // read the clock on every check (by default lru-cache reuses one reading for a millisecond)
            ttlResolution: 0,
            ...(opts.now ? { perf: { now: opts.now } } : {}),
          })
        : null;
  }

  get enabled(): boolean {
    return this.opts.maxBytes > 0;
  }

  /** Tiles held now. */
  get size(): number {
    return this.lru?.size ?? 0;
  }

  /** Bytes held now (raw + gzip + overhead). */
  get bytes(): number {
    return this.lru?.calculatedSize ?? 0;
  }

  /** Changes with every invalidate(); pass the value read before rendering to set(). */
  get version(): number {
    return this.generation;
  }

  get(key: string): CachedTile | undefined {
    const tile = this.lru?.get(key);
    if (tile) this.hits++;
    else this.misses++;
    return tile;
  }

  /**
   * Keeps a rendered tile and returns it. Not kept when the cache is off, when the tile alone exceeds maxBytes,
   * or when the cache was invalidated since `renderedAt` (the version read before the data was).
   */
  set(key: string, raw: Buffer | null, renderedAt = this.generation): CachedTile {
    const tile: CachedTile = { raw };
    if (this.lru && renderedAt === this.generation) this.lru.set(key, tile, { size: sizeOf(tile) });
    return tile;
  }

  /** gzip of a tile, made once and kept with the entry (its size then counts the gzip too). */
  gzipOf(key: string, tile: CachedTile): Buffer | null {
    if (!tile.raw) return null;
    if (!tile.gzip) {
      tile.gzip = zlib.gzipSync(tile.raw, { level: 6 });
      if (this.lru && this.lru.peek(key) === tile) {
        // a new value object: lru-cache keeps the size of a value set again as it was; the TTL stays
        const grown: CachedTile = { raw: tile.raw, gzip: tile.gzip };
        this.lru.set(key, grown, { size: sizeOf(grown), noUpdateTTL: true });
      }
    }
    return tile.gzip;
  }

  /** A value derived from the data, computed once per data version (failures are not kept). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let p = this.derived.get(key) as Promise<T> | undefined;
    if (!p) {
      const made = compute();
      p = made;
      this.derived.set(key, made);
      made.catch(() => {
        if (this.derived.get(key) === made) this.derived.delete(key);
      });
    }
    return p;
  }

  /** Drops every tile (call after the geometry or tile properties changed). */
  invalidate(): void {
    this.generation++;
    this.derived.clear();
    this.lru?.clear();
  }
}
