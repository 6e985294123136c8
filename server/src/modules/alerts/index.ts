/**
 * Public CAP 1.2 alerts of emergency cases as one plugin (docs/alerts.md): the Atom feed, its JSON twin and the CAP
 * messages, derived from the case events (read only). Register after the auth plugin: `await app.register(alertsPlugin)`.
 */
import type { FastifyInstance } from 'fastify';
import alertRoutes from './routes.ts';

export default async function alertsPlugin(app: FastifyInstance): Promise<void> {
  await app.register(alertRoutes);
}
