/** GET /api/health: is the database reachable, is PostGIS there, are all migrations applied. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, HealthResponse } from '@gridcommand/shared/schemas';
import { isDatabaseUnavailable } from '../../plugins/errors.ts';
import { databaseHealth } from './repository.ts';

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/health',
    { config: { roles: 'public' }, schema: { response: { 200: HealthResponse, 503: HealthResponse, '4xx': ErrorResponse } } },
    async (request, reply) => {
      const time = new Date().toISOString();
      reply.header('Cache-Control', 'no-store');
      try {
        const db = await databaseHealth(app.pool);
        const current = db.pending === 0;
        const body: HealthResponse = {
          status: current ? 'ok' : 'degraded',
          database: 'ok',
          postgis: db.postgis,
          migrations: { applied: db.applied, pending: db.pending, current },
          time,
        };
        if (!current) body.message = `${db.pending} migration(s) pending`;
        return reply.status(current ? 200 : 503).send(body);
      } catch (err) {
        const unavailable = isDatabaseUnavailable(err);
        if (unavailable) request.log.warn({ err }, 'health: database unavailable');
        else request.log.error({ err }, 'health: database check failed');
        return reply.status(503).send({
          status: 'degraded',
          database: 'unavailable',
          postgis: null,
          migrations: null,
          time,
          message: unavailable ? 'database unavailable' : 'database check failed',
        });
      }
    },
  );
};

export default healthRoutes;
