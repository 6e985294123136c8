/** GET /api/categories (the 大类/小类 catalogue with time limits) and GET /api/departments. Public reference data. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CategoryList, CategoryListQuery, DepartmentList, ErrorResponse } from '@gridcommand/shared/schemas';
import * as repo from './repository.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

const catalogueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/categories',
    { config: { roles: 'public' }, schema: { querystring: CategoryListQuery, response: { 200: CategoryList, ...errors } } },
    async (request) => ({ items: await repo.listCategories(app.pool, request.query.major ?? null) }),
  );
  app.get('/api/departments', { config: { roles: 'public' }, schema: { response: { 200: DepartmentList, ...errors } } }, async () => ({
    items: await repo.listDepartments(app.pool),
  }));
};

export default catalogueRoutes;
