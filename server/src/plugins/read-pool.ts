/**
 * `app.readPool`: the pool of the lag-tolerant reads (tiles, OGC API, Open311 GETs) — the replica behind a ReadRouter
 * when DATABASE_READ_URL is set, else `app.pool` itself. `app.replicaStatus()` is what the health report shows.
 * Reads that must see their own writes (cases, queues, dispatch, auth, the writer) stay on `app.pool`.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { tuneSessions } from './db.ts';
import type { ReadRouter, ReplicaStatus } from '../db/read-pool.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** the replica while it is usable, else the primary; use for reads that tolerate GC_READ_MAX_LAG_MS of lag */
    readPool: pg.Pool;
    replicaStatus(): ReplicaStatus;
  }
}

const NOT_CONFIGURED: ReplicaStatus = {
  configured: false,
  healthy: false,
  lagMs: null,
  lagP99Ms: null,
  lagBytes: null,
  usingReplica: false,
  maxLagMs: 0,
  reason: 'DATABASE_READ_URL is not set: every read goes to the primary',
};

async function readPoolPlugin(app: FastifyInstance, opts: { router?: ReadRouter | null }): Promise<void> {
  const router = opts.router ?? null;
  if (router?.replica) tuneSessions(router.replica);
  app.decorate('readPool', router ? router.pool : app.pool);
  app.decorate('replicaStatus', () => (router ? router.status() : NOT_CONFIGURED));
}

export default fp(readPoolPlugin, { name: 'gc-read-pool', dependencies: ['gc-db'] });
