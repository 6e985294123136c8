/**
 * Failed logins per client address, whatever usernames they name (password spraying): a fixed window per address,
 * kept in an LRU so that a storm of new addresses cannot grow memory without bound. Only failures count; a
 * successful login neither counts nor resets the window. Behind a trusted proxy (GC_TRUST_PROXY) the address is the
 * client's. Counts are per server process, like the other limits.
 */
import { LRUCache } from 'lru-cache';
import { HttpError } from '../../plugins/errors.ts';

interface Window {
  start: number;
  count: number;
}

export class FailedLoginLimiter {
  private readonly windows = new LRUCache<string, Window>({ max: 100_000 });

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private current(address: string, t: number): Window | undefined {
    const w = this.windows.get(address);
    return w && t - w.start < this.windowMs ? w : undefined;
  }

  /** 429 with Retry-After when the address has used up its failed logins in this window. */
  check(address: string): void {
    const t = this.now();
    const w = this.current(address, t);
    if (w && w.count >= this.max) {
      const retryS = Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000));
      throw new HttpError(429, 'RATE_LIMITED', `too many failed logins from this address; retry in ${retryS} s`, { retryAfter: retryS });
    }
  }

  /** Counts one failed login of the address. */
  fail(address: string): void {
    const t = this.now();
    const w = this.current(address, t) ?? { start: t, count: 0 };
    w.count++;
    this.windows.set(address, w);
  }
}
