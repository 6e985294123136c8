/**
 * POST /api/admin/import/areas?dryRun=true|false (admin): a GeoJSON FeatureCollection of streets, zones, communities
 * and grids replaces the levels it contains (docs/import.md). Body: application/json or application/geo+json, at
 * most 64 MB. 200: what changed (or would change); 422: the file is refused, with its problems; nothing is written.
 * Accepts Idempotency-Key like every acting POST.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ImportBody, IMPORT_BODY_LIMIT, ImportQuery, ImportRefusal, ImportResult } from '@gridcommand/shared/schemas';
import { badRequest } from '../../plugins/errors.ts';
import { ERROR_RESPONSES } from '../../plugins/openapi-shapes.ts';
import { idempotencyKeyOf, sendOutcome } from '../writer/http.ts';
import { userActor } from '../writer/tx.ts';
import * as svc from './service.ts';
import { recordAudit } from '../audit/record.ts';

export interface ImportRouteOptions {
  /** called after an import committed (the tile cache is emptied) */
  onImported: () => void;
}

const importRoutes: FastifyPluginAsyncTypebox<ImportRouteOptions> = async (app, opts) => {
  // GeoJSON's own media type, parsed as JSON (this plugin's routes only)
  app.addContentTypeParser('application/geo+json', { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, app.getDefaultJsonParser('error', 'error'));

  app.post(
    '/api/admin/import/areas',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        summary: 'Import streets, zones, communities and grids from GeoJSON',
        querystring: ImportQuery,
        body: ImportBody,
        response: { 200: ImportResult, 422: ImportRefusal, ...ERROR_RESPONSES },
      },
      config: { roles: ['admin'] },
    },
    async (request, reply) => {
      const crs = svc.crsProblem(request.body.crs);
      if (crs) throw badRequest('BAD_CRS', crs);
      if (request.query.dryRun) return svc.dryRun(app.pool, request.body.features);
      const actor = userActor(request.user!);
      const out = await svc.importAreas(app.pool, actor, idempotencyKeyOf(request, actor), request.body.features, opts.onImported);
      if (!out.replayed) await recordAudit(app.pool, request, 'areas.import', { detail: { features: out.body.features, levels: out.body.levels } });
      return sendOutcome(reply, out);
    },
  );
};

export default importRoutes;
