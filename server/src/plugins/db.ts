/** Makes the pg pool available to every module as `app.pool`. The caller owns the pool (creates and ends it). */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';

declare module 'fastify' {
  interface FastifyInstance {
    pool: pg.Pool;
  }
}

/**
 * Session settings for the API's connections, sent at connection start-up. PostgreSQL's JIT compiler judges
 * PostGIS tile queries expensive (ST_AsMVTGeom has a high cost) and then spends far longer compiling than
 * running them (seconds for a low-zoom tile): off. Applies to connections the pool opens from now on.
 */
export function tuneSessions(pool: pg.Pool): void {
  const opts = (pool as pg.Pool & { options: { options?: string } }).options;
  const current = opts.options ?? '';
  if (!/\bjit=/.test(current)) opts.options = `${current} -c jit=off`.trim();
}

async function dbPlugin(app: FastifyInstance, opts: { pool: pg.Pool }): Promise<void> {
  tuneSessions(opts.pool);
  app.decorate('pool', opts.pool);
}

export default fp(dbPlugin, { name: 'gc-db' });
