/** The health report: what the database says, or why it cannot say anything (a degraded report, never a throw). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { HealthResponse } from '@gridcommand/shared/schemas';
import { isDatabaseUnavailable } from '../../plugins/errors.ts';
import { databaseHealth } from './repository.ts';

export async function healthReport(
  pool: pg.Pool,
  log: { warn(o: unknown, m?: string): void; error(o: unknown, m?: string): void },
): Promise<{ status: 200 | 503; body: HealthResponse }> {
  const time = new Date().toISOString();
  try {
    const db = await databaseHealth(pool);
    const current = db.pending === 0;
    const body: HealthResponse = {
      status: current ? 'ok' : 'degraded',
      database: 'ok',
      postgis: db.postgis,
      migrations: { applied: db.applied, pending: db.pending, current },
      time,
    };
    if (!current) body.message = `${db.pending} migration(s) pending`;
    return { status: current ? 200 : 503, body };
  } catch (err) {
    const unavailable = isDatabaseUnavailable(err);
    if (unavailable) log.warn({ err }, 'health: database unavailable');
    else log.error({ err }, 'health: database check failed');
    return {
      status: 503,
      body: { status: 'degraded', database: 'unavailable', postgis: null, migrations: null, time, message: unavailable ? 'database unavailable' : 'database check failed' },
    };
  }
}

const MB = 1024 * 1024;
const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

/** This process's memory as the health report shows it (docs/megacity.md#memory), in MB to a tenth. */
export function processMemory(tileCacheBytes: number): NonNullable<HealthResponse['process']> {
  const m = process.memoryUsage();
  return {
    pid: process.pid,
    uptimeS: Math.round(process.uptime()),
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    arrayBuffersMb: mb(m.arrayBuffers),
    tileCacheMb: mb(tileCacheBytes),
  };
}

/**
 * The report as this caller may see it: everything for an admin's session (the replica, this process's memory), only
 * the status for anyone else. The caller is looked up beside the database check; a caller that cannot be looked up
 * (the database is down) is anonymous.
 */
export async function healthFor(app: FastifyInstance, request: FastifyRequest): Promise<{ status: 200 | 503; body: HealthResponse }> {
  const [r, user] = await Promise.all([healthReport(app.pool, request.log), app.authenticate(request).catch(() => null)]);
  if (user?.role !== 'admin') return { status: r.status, body: { status: r.body.status } };
  return { status: r.status, body: { ...r.body, replica: app.replicaStatus(), process: processMemory(app.tileCache.bytes) } };
}
