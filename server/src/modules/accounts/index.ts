/**
 * Units and accounts as one plugin: `await app.register(accountsPlugin)` after the auth plugin (routes.ts,
 * docs/units.md).
 */
import type { FastifyInstance } from 'fastify';
import accountsRoutes from './routes.ts';

export default async function accountsPlugin(app: FastifyInstance): Promise<void> {
  await app.register(accountsRoutes);
}
