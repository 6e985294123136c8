/**
 * Abuse limits of the public side, in this process: fixed windows per key (an address, a device, a phone, the text
 * of a report), kept in an LRU so that a storm of new keys cannot grow memory without bound. A refusal is a 429
 * with Retry-After and says which limit was hit. (Several server processes each keep their own counts: a limit is
 * then per process, which the deployment's proxy can tighten.)
 */
import { LRUCache } from 'lru-cache';
import { HttpError } from '../../plugins/errors.ts';

interface Window {
  start: number;
  count: number;
}

export interface Limit {
  /** what is counted, for the message ("reports from this address") */
  what: string;
  max: number;
  windowMs: number;
}

export class PublicLimiter {
  private readonly windows = new LRUCache<string, Window>({ max: 100_000 });

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one use of each key under its limit; refuses (429) without counting when any is over. */
  take(entries: readonly { key: string; limit: Limit }[]): void {
    const t = this.now();
    const current = entries.map(({ key, limit }) => {
      let w = this.windows.get(key);
      if (!w || t - w.start >= limit.windowMs) w = { start: t, count: 0 };
      return { key, limit, w };
    });
    for (const { limit, w } of current) {
      if (w.count >= limit.max) {
        const retryS = Math.max(1, Math.ceil((w.start + limit.windowMs - t) / 1000));
        throw new HttpError(429, 'RATE_LIMITED', `too many ${limit.what}; retry in ${retryS} s`, { retryAfter: retryS });
      }
    }
    for (const { key, w } of current) {
      w.count++;
      this.windows.set(key, w);
    }
  }
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Defaults; the per-address one is GC_PUBLIC_RATE reports a minute. */
export function publicLimits(perMinute: number) {
  return {
    reportsPerAddress: { what: 'reports from this address', max: perMinute, windowMs: MINUTE },
    reportsPerDevice: { what: 'reports from this phone', max: 5, windowMs: 10 * MINUTE },
    reportsPerPhone: { what: 'reports with this phone number', max: 10, windowMs: HOUR },
    sameText: { what: 'reports with the same text', max: 2, windowMs: 10 * MINUTE },
    samePhoto: { what: 'reports with the same photo', max: 2, windowMs: 10 * MINUTE },
    photosPerAddress: { what: 'photo uploads from this address', max: perMinute * 3, windowMs: MINUTE },
    photosPerDevice: { what: 'photo uploads from this phone', max: 15, windowMs: 10 * MINUTE },
    ratingsPerAddress: { what: 'ratings from this address', max: perMinute, windowMs: MINUTE },
    tracksPerAddress: { what: 'tracking lookups from this address', max: perMinute * 6, windowMs: MINUTE },
  } satisfies Record<string, Limit>;
}
