/** Statistics (/api/stats) and the wall's map layers (/api/map). */
import type { FastifyInstance } from 'fastify';
import statsRoutes, { type StatsRoutesOptions } from './routes.ts';
import mapRoutes from './map-routes.ts';

export type StatsPluginOptions = StatsRoutesOptions;

export default async function statsPlugin(app: FastifyInstance, opts: StatsPluginOptions): Promise<void> {
  await app.register(statsRoutes, opts);
  await app.register(mapRoutes);
}
