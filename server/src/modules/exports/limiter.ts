/**
 * At most `maxRunning` exports at once; the next ones wait in a FIFO queue of at most `maxQueued`; beyond that
 * `acquire` refuses at once (ExportQueueFull). A waiter whose signal aborts (its client left) leaves the queue.
 * Pure: no I/O, no clock; the routes map the refusal to 503 + Retry-After.
 */
export class ExportQueueFull extends Error {
  constructor(readonly running: number, readonly queued: number) {
    super(`${running} exports are running and ${queued} are waiting`);
  }
}

export class ExportLeft extends Error {
  constructor() {
    super('the client left while its export was waiting');
  }
}

export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
}

export class ExportLimiter {
  #running = 0;
  readonly #queue: Waiter[] = [];

  constructor(
    readonly maxRunning: number,
    readonly maxQueued: number,
  ) {
    if (!Number.isInteger(maxRunning) || maxRunning < 1) throw new Error(`maxRunning must be a positive integer, got ${maxRunning}`);
    if (!Number.isInteger(maxQueued) || maxQueued < 0) throw new Error(`maxQueued must be a non-negative integer, got ${maxQueued}`);
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** A slot: resolves with its release (call it once; later calls do nothing) when the export may run. */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(new ExportLeft());
    if (this.#running < this.maxRunning) {
      this.#running++;
      return Promise.resolve(this.#releaser());
    }
    if (this.#queue.length >= this.maxQueued) return Promise.reject(new ExportQueueFull(this.#running, this.#queue.length));
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const i = this.#queue.indexOf(waiter);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(new ExportLeft());
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      this.#queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #releaser(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.#queue.shift();
      // the slot passes straight to the first waiter: the running count stays
      if (next) next.grant(this.#releaser());
      else this.#running--;
    };
  }
}
