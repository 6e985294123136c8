/**
 * /api/map/*: what the wall draws on the district map, each as one consistent snapshot with the event id up to
 * which it reflects the live stream (`lastEventId`), so the wall resumes GET /api/live from there without a gap
 * (events after it that the snapshot already shows are ignored by version). Readable by every logged-in role and
 * by wall tokens, each within its scope (grid workers their grids, handlers their department: the same scope as the
 * live stream's); no personal data.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LIGHTS, type Light } from '@gridcommand/shared/domain';
import { ErrorResponse, GridLights, OPEN_CASES_BIN_TYPE, OpenCases, OpenCasesQuery, encodeOpenCaseRows } from '@gridcommand/shared/schemas';
import { HttpError } from '../../plugins/errors.ts';
import { binaryResponse } from '../../plugins/openapi-shapes.ts';
import { parseBbox } from '../grids/routes.ts';
import { liveScopeOf } from '../live/unit-scope.ts';
import * as repo from './map-repository.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

export interface MapRoutesOptions {
  /** how long a snapshot waits for the live stream's first safe frontier (the process just started) */
  readyWaitMs?: number;
}

const mapRoutes: FastifyPluginAsyncTypebox<MapRoutesOptions> = async (app, opts) => {
  const config = { roles: 'any' as const };
  const readyWaitMs = opts.readyWaitMs ?? 3_000;

  /** The live stream's safe frontier now (GET /api/live's hub). */
  async function frontier(): Promise<number> {
    const hub = app.liveHub;
    if (!hub.ready && !(await hub.whenReady(readyWaitMs))) {
      throw new HttpError(503, 'DB_UNAVAILABLE', 'map snapshot unavailable: the database cannot be reached, retry shortly');
    }
    return hub.lastSeen;
  }

  // grids with open cases, coloured by the worst light among them; grids not listed are neutral
  app.get('/api/map/grid-lights', { config, schema: { response: { 200: GridLights, ...errors } } }, async (request) => {
    const scope = await liveScopeOf(app.pool, request.user!);
    const { lastEventId, result } = await repo.inSnapshot(app.pool, frontier, (db) => repo.gridLights(db, scope));
    return {
      lastEventId,
      items: result.map((r) => ({ id: r.id, code: r.code, light: (LIGHTS[r.rank - 1] ?? 'none') as Light, open: r.open })),
    };
  });

  // open (lit) cases as points, each with the facts the case events carry (CaseFacts)
  app.get(
    '/api/map/open-cases',
    { config, schema: { querystring: OpenCasesQuery, response: { 200: OpenCases, ...errors } } },
    async (request) => {
      const bbox = request.query.bbox !== undefined ? parseBbox(request.query.bbox) : null;
      const scope = await liveScopeOf(app.pool, request.user!);
      const { lastEventId, result } = await repo.inSnapshot(app.pool, frontier, (db) => repo.openCases(db, bbox, scope));
      return { lastEventId, items: result };
    },
  );

  // the same open cases as little-endian columns for the maps (docs/map-data.md): no free text, a fraction of the bytes
  app.get(
    '/api/map/open-cases.bin',
    {
      config,
      schema: {
        summary: 'The open cases as a binary columnar snapshot (docs/map-data.md)',
        querystring: OpenCasesQuery,
        response: { 200: binaryResponse('header, dictionary and columns of the open cases', OPEN_CASES_BIN_TYPE), ...errors },
      },
    },
    async (request, reply) => {
      const bbox = request.query.bbox !== undefined ? parseBbox(request.query.bbox) : null;
      const scope = await liveScopeOf(app.pool, request.user!);
      const { lastEventId, result } = await repo.inSnapshot(app.pool, frontier, (db) => repo.openCaseRows(db, bbox, scope));
      const bytes = encodeOpenCaseRows(result, lastEventId);
      return reply.type(OPEN_CASES_BIN_TYPE).header('cache-control', 'no-store').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
};

export default mapRoutes;
