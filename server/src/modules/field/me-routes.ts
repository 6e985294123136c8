/**
 * GET /api/field/me — the grid worker's own page: who they are, their grids with geometry (a map that works
 * without the internet), the box around them, and their running patrol. Any signed-in role may ask; only a
 * worker has grids (others get an empty collection).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, FieldMe } from '@gridcommand/shared/schemas';
import { gridFeatures } from './me-repository.ts';
import { activePatrolOf } from './patrols-repository.ts';
import { presentPatrols } from './patrols-service.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/field/me', { schema: { response: { 200: FieldMe, ...errors } }, config: { roles: 'any' } }, async (request) => {
    const user = request.user!;
    const grids = await gridFeatures(app.pool, user.role === 'worker' ? user.gridCodes : []);
    const running = await activePatrolOf(app.pool, user.id);
    return {
      user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role },
      grids: { type: 'FeatureCollection' as const, features: grids.features },
      bbox: grids.bbox,
      activePatrol: running ? (await presentPatrols(app.pool, [running]))[0]! : null,
    };
  });
};

export default meRoutes;
