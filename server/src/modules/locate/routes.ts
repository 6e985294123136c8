/** GET /api/locate?lon=&lat=: the grid and its hierarchy at a point. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, LocateQuery, LocateResponse } from '@gridcommand/shared/schemas';
import { notFound } from '../../plugins/errors.ts';
import { locatePoint } from './repository.ts';

const locateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/locate',
    { config: { roles: 'public' }, schema: { querystring: LocateQuery, response: { 200: LocateResponse, '4xx': ErrorResponse, '5xx': ErrorResponse } } },
    async (request) => {
      const { lon, lat } = request.query;
      const located = await locatePoint(app.pool, lon, lat);
      if (located.found) return located.areas;
      throw located.inDistrict
        ? notFound('NO_GRID_AT_POINT', `the point (${lon}, ${lat}) lies in the district but in no grid`)
        : notFound('OUTSIDE_DISTRICT', `the point (${lon}, ${lat}) is outside the district`);
    },
  );
};

export default locateRoutes;
