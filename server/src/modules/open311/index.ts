/**
 * Open311 GeoReport v2 as one plugin: the GeoReport resources under /open311 (their own error shape) and the
 * admin routes of API keys. Register after the auth plugin: `await app.register(open311Plugin)`. Rules in
 * docs/open311.md.
 */
import type { FastifyInstance } from 'fastify';
import apiKeyRoutes from './admin-routes.ts';
import georeportRoutes from './routes.ts';

export default async function open311Plugin(app: FastifyInstance): Promise<void> {
  await app.register(apiKeyRoutes);
  await app.register(georeportRoutes, { prefix: '/open311' });
}
