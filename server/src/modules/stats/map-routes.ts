/**
 * /api/map/*: what the wall draws on the district map, each as one consistent snapshot with the newest event
 * id it includes (`lastEventId`), so the wall resumes GET /api/live from there without a gap or a double.
 * Readable by every logged-in role and by wall tokens; no personal data.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LIGHTS, type Light } from '@gridcommand/shared/domain';
import { ErrorResponse, GridLights, OpenCases, OpenCasesQuery } from '@gridcommand/shared/schemas';
import { parseBbox } from '../grids/routes.ts';
import * as repo from './repository.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

const mapRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { roles: 'any' as const };

  // grids with open cases, coloured by the worst light among them; grids not listed are neutral
  app.get('/api/map/grid-lights', { config, schema: { response: { 200: GridLights, ...errors } } }, async () => {
    const { lastEventId, result } = await repo.inSnapshot(app.pool, (db) => repo.gridLights(db));
    return {
      lastEventId,
      items: result.map((r) => ({ id: r.id, code: r.code, light: (LIGHTS[r.rank - 1] ?? 'none') as Light, open: r.open })),
    };
  });

  // open (lit) cases as points
  app.get(
    '/api/map/open-cases',
    { config, schema: { querystring: OpenCasesQuery, response: { 200: OpenCases, ...errors } } },
    async (request) => {
      const bbox = request.query.bbox !== undefined ? parseBbox(request.query.bbox) : null;
      const { lastEventId, result } = await repo.inSnapshot(app.pool, (db) => repo.openCases(db, bbox));
      return {
        lastEventId,
        items: result.map((r) => ({ ...r, id: Number(r.id), reportedAt: r.reportedAt.toISOString() })),
      };
    },
  );
};

export default mapRoutes;
