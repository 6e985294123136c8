/**
 * The case work of the command center as one plugin: accounts (auth routes), the work calendar, cases,
 * supervision, the register, the light job (started when config.lightJobIntervalMs > 0, stopped on close) and the
 * hourly pruning of idempotency keys and expired sessions.
 * Register after the auth plugin: `await app.register(casesPlugin, { config })`.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import authRoutes from '../auth/routes.ts';
import calendarRoutes from '../calendar/routes.ts';
import casesRoutes from './routes.ts';
import supervisionRoutes from './supervision-routes.ts';
import registerRoutes from './register-routes.ts';
import { startLightJob } from './light-job.ts';
import { pruneIdempotencyKeys } from '../writer/idempotency.ts';
import { deleteExpiredSessions } from '../auth/repository.ts';

const PRUNE_KEYS_EVERY_MS = 3600_000;

export { runLightJobOnce, startLightJob } from './light-job.ts';
export { seedDemoUsers } from '../auth/seed.ts';
export { loadCalendarFromLibrary } from '../calendar/repository.ts';

export default async function casesPlugin(app: FastifyInstance, opts: { config: Config }): Promise<void> {
  await app.register(authRoutes);
  await app.register(calendarRoutes);
  await app.register(casesRoutes);
  await app.register(supervisionRoutes);
  await app.register(registerRoutes);
  // idempotency keys are kept at least 24 hours, then pruned hourly, with expired sessions
  let pruneTimer: NodeJS.Timeout | null = null;
  app.addHook('onReady', async () => {
    pruneTimer = setInterval(() => {
      pruneIdempotencyKeys(app.pool).catch((err: unknown) => app.log.warn({ err }, 'pruning idempotency keys failed'));
      deleteExpiredSessions(app.pool).catch((err: unknown) => app.log.warn({ err }, 'pruning expired sessions failed'));
    }, PRUNE_KEYS_EVERY_MS);
    pruneTimer.unref();
  });
  app.addHook('onClose', async () => {
    if (pruneTimer) clearInterval(pruneTimer);
  });
  if (opts.config.lightJobIntervalMs > 0) {
    let stop: (() => Promise<void>) | null = null;
    app.addHook('onReady', async () => {
      stop = startLightJob(app, { intervalMs: opts.config.lightJobIntervalMs });
    });
    app.addHook('onClose', async () => {
      await stop?.();
    });
  }
}
