/** GET /api/areas (list by level and ancestor) and GET /api/areas/:code (one area with children, ancestors, counts). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AreaCodeParams, AreaDetail, AreaListQuery, AreaListResponse, ErrorResponse } from '@gridcommand/shared/schemas';
import { badRequest, notFound } from '../../plugins/errors.ts';
import * as repo from './repository.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

const areasRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/areas',
    { config: { roles: 'public' }, schema: { querystring: AreaListQuery, response: { 200: AreaListResponse, ...errors } } },
    async (request) => {
      const { level, parent: parentCode } = request.query;
      const parent = parentCode ? await repo.findAreaRef(app.pool, parentCode) : null;
      if (parentCode && !parent) throw notFound('AREA_NOT_FOUND', `parent area ${parentCode} not found`);
      if (!level) {
        // without a level: the direct children of the parent, or the top of the hierarchy
        return { items: parent ? await repo.listChildren(app.pool, parent.code) : await repo.listAreasAtLevel(app.pool, 'district', null) };
      }
      if (parent && repo.LEVEL_DEPTH[level] <= repo.LEVEL_DEPTH[parent.level]) {
        throw badRequest('LEVEL_NOT_BELOW_PARENT', `level ${level} is not below the ${parent.level} ${parent.code}`);
      }
      return { items: await repo.listAreasAtLevel(app.pool, level, parent) };
    },
  );

  app.get(
    '/api/areas/:code',
    { config: { roles: 'public' }, schema: { params: AreaCodeParams, response: { 200: AreaDetail, ...errors } } },
    async (request) => {
      const { code } = request.params;
      const area = await repo.findArea(app.pool, code);
      if (!area) throw notFound('AREA_NOT_FOUND', `area ${code} not found`);
      const [children, ancestors, counts] = await Promise.all([
        repo.listChildren(app.pool, code),
        repo.listAncestors(app.pool, code),
        repo.countDescendants(app.pool, area),
      ]);
      return { ...area, children, ancestors, counts };
    },
  );
};

export default areasRoutes;
