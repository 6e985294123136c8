/**
 * The dispatcher's desk as one plugin: teams, nearest teams, dispatch, positions (AVL) and patrol zones, plus the
 * hourly pruning of position history (config.positionRetentionDays; 0 keeps everything).
 * Register after the auth plugin: `await app.register(teamsPlugin, { config })`.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import teamsRoutes from './routes.ts';
import { prunePositions } from './repository.ts';

export { nearestTeams } from './service.ts';
export { prunePositions } from './repository.ts';

const PRUNE_EVERY_MS = 3600_000;

export default async function teamsPlugin(app: FastifyInstance, opts: { config: Config }): Promise<void> {
  await app.register(teamsRoutes);
  const keepDays = opts.config.positionRetentionDays;
  if (keepDays > 0) {
    let timer: NodeJS.Timeout | null = null;
    const prune = () => {
      prunePositions(app.pool, keepDays).catch((err: unknown) => app.log.warn({ err }, 'pruning team positions failed'));
    };
    app.addHook('onReady', async () => {
      timer = setInterval(prune, PRUNE_EVERY_MS);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      if (timer) clearInterval(timer);
    });
  }
}
