/** The leaders' bulletins (/api/bulletins/:kind, docs/bulletins.md). */
import type { FastifyInstance } from 'fastify';
import bulletinRoutes, { type BulletinRoutesOptions } from './routes.ts';

export default async function bulletinsPlugin(app: FastifyInstance, opts: BulletinRoutesOptions): Promise<void> {
  await app.register(bulletinRoutes, opts);
}
