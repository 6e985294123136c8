/**
 * Specialist grid layers (专业网格) and base data per grid as one plugin: `await app.register(specialistPlugin)` after
 * the auth plugin. The demo district's layers and base data are written at seed time (demo/repository.ts).
 */
import type { FastifyInstance } from 'fastify';
import specialistRoutes from './routes.ts';

export { seedSpecialistDemo } from './demo/repository.ts';

export default async function specialistPlugin(app: FastifyInstance): Promise<void> {
  await app.register(specialistRoutes);
}
