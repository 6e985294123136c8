/**
 * GET /api/health: is the database reachable, is PostGIS there, are all migrations applied. Anyone learns the status
 * (200 ok, 503 degraded); only an admin's session sees the details (PostGIS version, migrations, the reason).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, HealthResponse } from '@gridcommand/shared/schemas';
import { healthFor } from './report.ts';

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/health',
    { config: { roles: 'public' }, schema: { response: { 200: HealthResponse, 503: HealthResponse, '4xx': ErrorResponse } } },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      const r = await healthFor(app, request);
      return reply.status(r.status).send(r.body);
    },
  );
};

export default healthRoutes;
