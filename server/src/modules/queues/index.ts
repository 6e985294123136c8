/** The units' queues as one plugin (routes.ts, docs/units.md). */
import type { FastifyInstance } from 'fastify';
import queueRoutes from './routes.ts';

export default async function queuesPlugin(app: FastifyInstance): Promise<void> {
  await app.register(queueRoutes);
}
