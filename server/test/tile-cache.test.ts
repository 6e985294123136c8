/** The tile cache on its own: byte budget (raw + gzip + overhead), least recently used first out, TTL, invalidate. */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ENTRY_OVERHEAD, TileCache } from '../src/modules/tiles/cache.ts';
import { loadConfig } from '../src/config.ts';

const buf = (n: number, fill = 1) => Buffer.alloc(n, fill);

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('TileCache', () => {
  it('counts hits and misses and serves what was set', () => {
    const cache = new TileCache({ maxBytes: 10_000, ttlMs: 60_000 });
    expect(cache.get('grid/1/0/0')).toBeUndefined();
    cache.set('grid/1/0/0', buf(100));
    expect(cache.get('grid/1/0/0')?.raw?.length).toBe(100);
    expect({ hits: cache.hits, misses: cache.misses, size: cache.size }).toEqual({ hits: 1, misses: 1, size: 1 });
    expect(cache.bytes).toBe(100 + ENTRY_OVERHEAD);
  });

  it('keeps empty tiles too (null), at the overhead only', () => {
    const cache = new TileCache({ maxBytes: 10_000, ttlMs: 60_000 });
    cache.set('grid/22/0/0', null);
    expect(cache.get('grid/22/0/0')).toEqual({ raw: null });
    expect(cache.bytes).toBe(ENTRY_OVERHEAD);
  });

  it('stays within maxBytes, dropping the least recently used first', () => {
    const entry = 100 + ENTRY_OVERHEAD;
    const cache = new TileCache({ maxBytes: entry * 3, ttlMs: 60_000 });
    cache.set('a', buf(100));
    cache.set('b', buf(100));
    cache.set('c', buf(100));
    cache.get('a'); // a is now the most recently used; b the least
    cache.set('d', buf(100));
    expect(cache.get('b')).toBeUndefined();
    for (const k of ['a', 'c', 'd']) expect(cache.get(k), k).toBeDefined();
    expect(cache.bytes).toBeLessThanOrEqual(entry * 3);
  });

  it('does not keep a tile bigger than the whole budget, but still returns it', () => {
    const cache = new TileCache({ maxBytes: 500, ttlMs: 60_000 });
    const t = cache.set('big', buf(1_000));
    expect(t.raw?.length).toBe(1_000);
    expect(cache.size).toBe(0);
    expect(cache.get('big')).toBeUndefined();
  });

  it('counts the gzip with its entry, made once', () => {
    const cache = new TileCache({ maxBytes: 100_000, ttlMs: 60_000 });
    const raw = Buffer.from('x'.repeat(5_000));
    const t = cache.set('g', raw);
    const gz = cache.gzipOf('g', t)!;
    expect(zlib.gunzipSync(gz).equals(raw)).toBe(true);
    expect(cache.bytes).toBe(raw.length + gz.length + ENTRY_OVERHEAD);
    const again = cache.get('g')!;
    expect(again.gzip).toBe(gz);
    expect(cache.gzipOf('g', again)).toBe(gz);
    expect(cache.bytes).toBe(raw.length + gz.length + ENTRY_OVERHEAD);
    expect(cache.gzipOf('empty', cache.set('empty', null))).toBeNull();
  });

  it('serves a tile until its TTL, and reading it does not extend it (gzip neither)', () => {
    const c = clock();
    const cache = new TileCache({ maxBytes: 100_000, ttlMs: 1_000, now: c.now });
    const t = cache.set('k', buf(100));
    c.advance(600);
    expect(cache.get('k')).toBeDefined();
    cache.gzipOf('k', t);
    c.advance(399);
    expect(cache.get('k')).toBeDefined();
    c.advance(2);
    expect(cache.get('k')).toBeUndefined();
  });

  it('maxBytes 0 (or ttl 0) keeps nothing', () => {
    for (const opts of [{ maxBytes: 0, ttlMs: 60_000 }, { maxBytes: 10_000, ttlMs: 0 }]) {
      const cache = new TileCache(opts);
      const t = cache.set('k', buf(10));
      expect(t.raw?.length).toBe(10);
      expect(cache.get('k')).toBeUndefined();
      expect(cache.gzipOf('k', t)).not.toBeNull();
      expect(cache.size).toBe(0);
    }
    expect(new TileCache({ maxBytes: 0, ttlMs: 60_000 }).enabled).toBe(false);
  });

  it('invalidate() drops tiles and derived values; a tile rendered before it is not kept', async () => {
    const cache = new TileCache({ maxBytes: 100_000, ttlMs: 60_000 });
    cache.set('k', buf(10));
    let computed = 0;
    const largest = () => cache.memo('largest:grid', async () => ++computed);
    expect(await largest()).toBe(1);
    expect(await largest()).toBe(1);

    const renderedAt = cache.version;
    cache.invalidate();
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(await largest()).toBe(2);
    // a render that read the data before the invalidate() finishes after it: answered, not kept
    expect(cache.set('late', buf(10), renderedAt).raw?.length).toBe(10);
    expect(cache.get('late')).toBeUndefined();
    cache.set('fresh', buf(10), cache.version);
    expect(cache.get('fresh')).toBeDefined();
  });

  it('a failed derived value is computed again', async () => {
    const cache = new TileCache({ maxBytes: 100_000, ttlMs: 60_000 });
    let n = 0;
    const compute = async () => {
      n++;
      if (n === 1) throw new Error('database away');
      return n;
    };
    await expect(cache.memo('x', compute)).rejects.toThrow('database away');
    await Promise.resolve();
    expect(await cache.memo('x', compute)).toBe(2);
  });
});

describe('GC_TILE_CACHE_MB', () => {
  it.each([
    [undefined, 64 * 1024 * 1024],
    ['0', 0],
    ['8', 8 * 1024 * 1024],
  ])('%s → %i bytes', (raw, bytes) => {
    expect(loadConfig(raw === undefined ? {} : { GC_TILE_CACHE_MB: raw }).tileCacheBytes).toBe(bytes);
  });

  it.each(['-1', '1.5', 'lots', '4097'])('refuses %s', (raw) => {
    expect(() => loadConfig({ GC_TILE_CACHE_MB: raw })).toThrow(/GC_TILE_CACHE_MB must be an integer between 0 and 4096/);
  });
});
