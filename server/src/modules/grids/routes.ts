/**
 * GET /api/grids (GeoJSON, optionally within a bbox, optionally without geometries: what the maps look grids up by)
 * and GET /api/grids/:code (one grid with its staff).
 */
import { ERROR_RESPONSES, binaryResponse } from '../../plugins/openapi-shapes.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, GridCodeParams, GridDetail, GridsQuery } from '@gridcommand/shared/schemas';
import { badRequest, notFound } from '../../plugins/errors.ts';
import { findGrid, gridsGeoJson, type LonLatBox } from './repository.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses "minLon,minLat,maxLon,maxLat" (WGS 84); throws a 400 that says what is wrong. */
export function parseBbox(raw: string): LonLatBox {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.length !== 4) {
    throw badRequest('BAD_BBOX', `bbox must be 4 comma-separated numbers minLon,minLat,maxLon,maxLat (got ${parts.length} values)`);
  }
  const names = ['minLon', 'minLat', 'maxLon', 'maxLat'] as const;
  const nums = parts.map((p, i) => {
    if (!NUMBER.test(p)) throw badRequest('BAD_BBOX', `bbox ${names[i]} must be a number (got ${JSON.stringify(p)})`);
    return Number(p);
  }) as LonLatBox;
  const [minLon, minLat, maxLon, maxLat] = nums;
  for (const [i, v] of nums.entries()) {
    const lon = i % 2 === 0;
    const limit = lon ? 180 : 90;
    if (!Number.isFinite(v) || v < -limit || v > limit) {
      throw badRequest('BAD_BBOX', `bbox ${names[i]} must be between -${limit} and ${limit} (got ${parts[i]})`);
    }
  }
  if (minLon > maxLon) throw badRequest('BAD_BBOX', `bbox minLon (${minLon}) must not be greater than maxLon (${maxLon})`);
  if (minLat > maxLat) throw badRequest('BAD_BBOX', `bbox minLat (${minLat}) must not be greater than maxLat (${maxLat})`);
  return nums;
}

const gridsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // the body is GeoJSON text built by PostGIS: no response serializer
  app.get('/api/grids', { config: { roles: 'public' }, schema: { querystring: GridsQuery, response: { 200: binaryResponse('the grids as a GeoJSON FeatureCollection', 'application/geo+json'), ...ERROR_RESPONSES } } }, async (request, reply) => {
    const bbox = request.query.bbox === undefined ? null : parseBbox(request.query.bbox);
    const body = await gridsGeoJson(app.pool, bbox, request.query.geometry !== 'none');
    return reply
      .type('application/geo+json; charset=utf-8')
      .header('Cache-Control', 'public, max-age=60')
      .send(body);
  });

  app.get(
    '/api/grids/:code',
    { config: { roles: 'public' }, schema: { params: GridCodeParams, response: { 200: GridDetail, ...errors } } },
    async (request) => {
      const grid = await findGrid(app.pool, request.params.code);
      if (!grid) throw notFound('GRID_NOT_FOUND', `grid ${request.params.code} not found`);
      return grid;
    },
  );
};

export default gridsRoutes;
