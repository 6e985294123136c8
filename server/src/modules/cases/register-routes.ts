/**
 * The close-out register (销号台账): GET /api/register (list + summary). Registers never carry personal data; the
 * register's files (GET /api/register.csv, /api/register.xlsx) are in the exports module (../exports).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CaseFilterQuery, ErrorResponse, RegisterResponse, type CaseFilterQuery as CaseFilterQueryT } from '@gridcommand/shared/schemas';
import type { AuthUser } from '../auth/repository.ts';
import * as repo from './repository.ts';
import { filtersFrom } from './routes.ts';
import { present } from './service.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
const ROLES = ['admin', 'leader', 'dispatcher'] as const;

const registerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  function whereOf(user: AuthUser, query: CaseFilterQueryT): repo.Where {
    const w = new repo.Where();
    repo.addScope(w, user);
    repo.addFilters(w, filtersFrom(query));
    return w;
  }

  app.get(
    '/api/register',
    { schema: { querystring: CaseFilterQuery, response: { 200: RegisterResponse, ...errors } }, config: { roles: ROLES } },
    async (request) => {
      const user = request.user!;
      const limit = Math.min(request.query.limit ?? 50, 500);
      const offset = request.query.offset ?? 0;
      const w = whereOf(user, request.query);
      const list = await repo.listCases(app.pool, w, limit, offset);
      const s = await repo.registerSummary(app.pool, w);
      return {
        items: list.rows.map((r) => present(r, user, { personal: false })),
        total: list.total,
        limit,
        offset,
        summary: {
          reported: s.reported,
          closed: s.closed,
          fixedOnSpot: s.fixed_on_spot,
          inProgress: s.in_progress,
          escalated: s.escalated,
          overdue: s.overdue,
          void: s.void,
          parked: s.parked,
        },
      };
    },
  );
};

export default registerRoutes;
