/** The timing loop the API benchmarks share: the bare SQL and the API request measured in turns, p50/p99 of each. */
import { performance } from 'node:perf_hooks';

/** The p-th percentile (nearest rank) of the samples. */
export function pct(samples: readonly number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Milliseconds rounded for a table. */
export function ms(v: number, digits = 2): number {
  return Number(v.toFixed(digits));
}

/** How long one call takes, in milliseconds. */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export interface ApiVsBare {
  'bare p50': number;
  'bare p99': number;
  'api p50': number;
  'api p99': number;
  'api/bare': number;
}

/** `rounds` turns of the bare query then the API request (so both see the same caches), as one table row. */
export async function apiVsBare(rounds: number, bare: () => Promise<unknown>, api: () => Promise<unknown>, digits = 2): Promise<ApiVsBare> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    b.push(await time(bare));
    a.push(await time(api));
  }
  return {
    'bare p50': ms(pct(b, 50), digits),
    'bare p99': ms(pct(b, 99), digits),
    'api p50': ms(pct(a, 50), digits),
    'api p99': ms(pct(a, 99), digits),
    'api/bare': Number((pct(a, 50) / pct(b, 50)).toFixed(2)),
  };
}
