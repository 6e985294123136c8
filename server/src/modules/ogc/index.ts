/**
 * OGC API – Features as one plugin, under /ogc (docs/ogc.md). Register after the auth plugin:
 * `await app.register(ogcPlugin)`.
 */
import type { FastifyInstance } from 'fastify';
import ogcRoutes from './routes.ts';

export default async function ogcPlugin(app: FastifyInstance): Promise<void> {
  await app.register(ogcRoutes, { prefix: '/ogc' });
}
