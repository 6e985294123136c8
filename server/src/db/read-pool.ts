/**
 * The read pool: lag-tolerant reads (tiles, OGC API, Open311 GETs) go to a streaming replica while it is reachable
 * and its replay lag is within the limit, else to the primary (docs/deploy.md).
 *
 * `ReadRouter.pool` is a `pg.Pool` in every way the repositories use one (`query`, `connect`): a proxy over the
 * primary pool whose `query` and `connect` pick the replica or the primary per call. The replica is probed every few
 * seconds; a query that fails on the replica with a connection error is retried once on the primary and marks the
 * replica down until the next good probe.
 *
 * Lag: `now() - pg_last_xact_replay_timestamp()` grows on an idle primary without any lag, so it is not used. A probe
 * reads the primary's flushed WAL position, then the replica's replayed one: a replica that has replayed it has no
 * lag; one that has not is polled (every few ms) until it has, and the lag is the time that took, measured up to
 * just past the limit.
 */
import type pg from 'pg';
import { isDatabaseUnavailable } from '../plugins/errors.ts';
import { createPool } from './pool.ts';

export interface ReplicaStatus {
  /** DATABASE_READ_URL is set */
  configured: boolean;
  /** the last probe reached a replica in recovery */
  healthy: boolean;
  /** replay lag at the last good probe, ms (0: caught up); null before one or while down */
  lagMs: number | null;
  /** 99th percentile of lagMs over the last probes (the window) */
  lagP99Ms: number | null;
  /** WAL the replica had still to replay at the last probe */
  lagBytes: number | null;
  /** the lag-tolerant reads go to the replica now */
  usingReplica: boolean;
  /** the lag limit (GC_READ_MAX_LAG_MS) */
  maxLagMs: number;
  /** why the replica is not used (down, too far behind, not a replica) */
  reason?: string;
}

export interface ReadRouterOptions {
  /** the primary pool (owned by the caller) */
  primary: pg.Pool;
  /** the replica's connection string; null: every read on the primary */
  replicaUrl: string | null;
  maxLagMs: number;
  /** probe interval */
  probeMs?: number;
  /** probes kept for lagP99Ms */
  window?: number;
  /** connections to the replica */
  max?: number;
}

/** Where the reads of this router went (a debug hook for tests and the bench). */
export interface ReadCounts {
  replica: number;
  primary: number;
  /** replica queries retried on the primary */
  retried: number;
}

// the WAL a standby can have: what the primary has flushed
const PRIMARY_LSN_SQL = 'SELECT pg_current_wal_flush_lsn()::text AS lsn';
const REPLICA_SQL = 'SELECT pg_is_in_recovery() AS recovery, pg_last_wal_replay_lsn()::text AS replay';

/** A WAL position "16/B374D848" as a number of bytes (exact below 2^53: 8 PiB of WAL). */
export function lsnBytes(lsn: string): number {
  const [hi = '0', lo = '0'] = lsn.split('/');
  return parseInt(hi, 16) * 2 ** 32 + parseInt(lo, 16);
}

/** The p-th percentile (0..100) of the values, nearest rank; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A lost or refused connection; ENOENT: a Unix socket whose server has gone (the socket file is removed). */
function unreachable(err: unknown): boolean {
  return isDatabaseUnavailable(err) || (err as { code?: unknown } | null)?.code === 'ENOENT';
}

/** Errors on the replica answered by the primary instead: a lost connection, or a query cancelled by replay. */
function retryOnPrimary(err: unknown): 'down' | 'conflict' | null {
  if (unreachable(err)) return 'down';
  // 40001 on a hot standby: "canceling statement due to conflict with recovery"
  return (err as { code?: unknown } | null)?.code === '40001' ? 'conflict' : null;
}

type AnyArgs = unknown[];
const hasCallback = (args: AnyArgs) => typeof args[args.length - 1] === 'function';
const isSubmittable = (args: AnyArgs) => typeof (args[0] as { submit?: unknown } | null)?.submit === 'function';

export class ReadRouter {
  /** use wherever a repository takes a pg.Pool */
  readonly pool: pg.Pool;
  readonly replica: pg.Pool | null;
  readonly counts: ReadCounts = { replica: 0, primary: 0, retried: 0 };
  private readonly primary: pg.Pool;
  private readonly maxLagMs: number;
  private readonly probeMs: number;
  private readonly window: number;
  private healthy = false;
  private lagMs: number | null = null;
  private lagBytes: number | null = null;
  private reason: string | undefined = 'not probed yet';
  private samples: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private probing: Promise<void> | null = null;

  constructor(opts: ReadRouterOptions) {
    this.primary = opts.primary;
    this.maxLagMs = opts.maxLagMs;
    this.probeMs = opts.probeMs ?? 2_000;
    this.window = opts.window ?? 150;
    this.replica = opts.replicaUrl ? createPool(opts.replicaUrl, opts.max ?? 10) : null;
    if (this.replica) (this.replica as pg.Pool & { options: { application_name?: string } }).options.application_name = 'gridcommand-read';
    this.pool = this.replica ? this.routedPool() : this.primary;
  }

  /** Probes once (awaited), then every probeMs. */
  async start(): Promise<void> {
    if (!this.replica || this.timer) return;
    await this.probe();
    this.timer = setInterval(() => void this.probe(), this.probeMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.probing;
    await this.replica?.end().catch(() => {});
  }

  get usingReplica(): boolean {
    return this.replica !== null && this.healthy && this.lagMs !== null && this.lagMs <= this.maxLagMs;
  }

  status(): ReplicaStatus {
    const s: ReplicaStatus = {
      configured: this.replica !== null,
      healthy: this.healthy,
      lagMs: this.lagMs === null ? null : Math.round(this.lagMs * 10) / 10,
      lagP99Ms: this.samples.length ? Math.round(percentile(this.samples, 99)! * 10) / 10 : null,
      lagBytes: this.lagBytes,
      usingReplica: this.usingReplica,
      maxLagMs: this.maxLagMs,
    };
    if (!s.configured) return { ...s, reason: 'DATABASE_READ_URL is not set: every read goes to the primary' };
    if (!s.usingReplica && this.reason) s.reason = this.reason;
    return s;
  }

  /** One probe (concurrent calls share it). */
  probe(): Promise<void> {
    this.probing ??= this.probeOnce().finally(() => (this.probing = null));
    return this.probing;
  }

  private async probeOnce(): Promise<void> {
    const replica = this.replica;
    if (!replica) return;
    const t0 = performance.now();
    let target: number;
    try {
      const { rows } = await this.primary.query<{ lsn: string }>(PRIMARY_LSN_SQL);
      target = lsnBytes(rows[0]!.lsn);
    } catch (err) {
      return this.down(`the primary cannot be asked for its WAL position: ${(err as Error).message}`);
    }
    try {
      // how long the replica takes to replay what the primary had flushed when the probe began (0: it already has);
      // given up just past the limit
      for (let polls = 0; ; polls++) {
        const { rows } = await replica.query<{ recovery: boolean; replay: string | null }>(REPLICA_SQL);
        const r = rows[0]!;
        if (!r.recovery || r.replay === null) return this.down('the read database is not a replica in recovery');
        const behind = Math.max(0, target - lsnBytes(r.replay));
        const elapsed = performance.now() - t0;
        if (behind === 0 || elapsed > this.maxLagMs) {
          this.healthy = true;
          this.lagBytes = behind;
          this.lagMs = behind === 0 && polls === 0 ? 0 : elapsed;
          this.samples = [...this.samples.slice(-(this.window - 1)), this.lagMs];
          this.reason = this.lagMs > this.maxLagMs ? `replay lag over ${Math.round(this.lagMs)} ms is beyond the limit of ${this.maxLagMs} ms` : undefined;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 + elapsed / 10)));
      }
    } catch (err) {
      this.down(`the replica cannot be reached: ${(err as Error).message}`);
    }
  }

  private down(reason: string): void {
    this.healthy = false;
    this.lagMs = null;
    this.lagBytes = null;
    this.reason = reason;
  }

  /** A proxy over the primary pool whose query and connect choose the replica while it is usable. */
  private routedPool(): pg.Pool {
    const replica = this.replica!;
    const primary = this.primary;
    const query = (...args: AnyArgs): unknown => {
      const callPrimary = () => (primary.query as (...a: AnyArgs) => unknown)(...args);
      if (!this.usingReplica) {
        this.counts.primary++;
        return callPrimary();
      }
      this.counts.replica++;
      const onReplica = (replica.query as (...a: AnyArgs) => unknown)(...args);
      // a callback or a stream cannot be replayed: it runs where it was sent
      if (hasCallback(args) || isSubmittable(args)) return onReplica;
      return (onReplica as Promise<unknown>).catch((err: unknown) => {
        const why = retryOnPrimary(err);
        if (!why) throw err;
        if (why === 'down') this.down(`a query on the replica lost its connection: ${(err as Error).message}`);
        this.counts.retried++;
        this.counts.primary++;
        return callPrimary();
      });
    };
    const connect = (...args: AnyArgs): unknown => {
      if (!this.usingReplica || hasCallback(args)) {
        this.counts.primary++;
        return (primary.connect as (...a: AnyArgs) => unknown)(...args);
      }
      this.counts.replica++;
      return replica.connect().catch((err: unknown) => {
        if (!unreachable(err)) throw err;
        this.down(`a connection to the replica failed: ${(err as Error).message}`);
        this.counts.retried++;
        this.counts.primary++;
        return primary.connect();
      });
    };
    return new Proxy(primary, {
      get(target, prop, receiver) {
        if (prop === 'query') return query;
        if (prop === 'connect') return connect;
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: AnyArgs) => unknown).bind(target) : v;
      },
    });
  }
}
