/**
 * The audit trail as one plugin: `await app.register(auditPlugin)` after the auth plugin. Handlers elsewhere write
 * with `recordAudit` (record.ts); the routes read the timeline (routes.ts, docs/audit.md).
 */
import type { FastifyInstance } from 'fastify';
import auditRoutes from './routes.ts';

export { recordAudit } from './record.ts';

export default async function auditPlugin(app: FastifyInstance): Promise<void> {
  await app.register(auditRoutes);
}
