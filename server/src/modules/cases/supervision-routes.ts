/** GET /api/supervision (the supervision list, 督办) and GET /api/supervision/:id (one notice, 督办单). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, Supervision, type Supervision as SupervisionT, SupervisionIdParams, SupervisionListResponse, SupervisionQuery } from '@gridcommand/shared/schemas';
import { HttpError } from '../../plugins/errors.ts';
import * as repo from './repository.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
const ROLES = ['admin', 'leader', 'dispatcher', 'handler', 'wall'] as const;

function present(r: repo.SupervisionRow): SupervisionT {
  return {
    id: r.id,
    noticeNo: r.notice_no,
    level: r.level,
    reason: r.reason,
    openedAt: r.opened_at.toISOString(),
    closedAt: r.closed_at ? r.closed_at.toISOString() : null,
    closeNote: r.close_note,
    case: {
      id: r.case_id,
      code: r.code,
      title: r.title,
      categoryCode: r.category_code,
      categoryName: r.category_name,
      priority: r.priority as SupervisionT['case']['priority'],
      status: r.status as SupervisionT['case']['status'],
      light: r.light as SupervisionT['case']['light'],
      streetCode: r.street_code,
      streetName: r.street_name,
      gridCode: r.grid_code,
      departmentCode: r.department_code,
      reportedAt: r.reported_at.toISOString(),
      resolveBy: r.resolve_by.toISOString(),
    },
  };
}

const supervisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/supervision',
    { schema: { querystring: SupervisionQuery, response: { 200: SupervisionListResponse, ...errors } }, config: { roles: ROLES } },
    async (request) => {
      const q = request.query;
      const w = new repo.Where();
      repo.addScope(w, request.user!);
      if (q.status === 'open') w.add('sv.closed_at IS NULL');
      if (q.status === 'closed') w.add('sv.closed_at IS NOT NULL');
      if (q.street) w.add('c.street_code = ?', q.street);
      if (q.level) w.add('sv.level = ?', q.level);
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      const { rows, total } = await repo.listSupervision(app.pool, w, limit, offset);
      return { items: rows.map(present), total, limit, offset };
    },
  );

  app.get(
    '/api/supervision/:id',
    { schema: { params: SupervisionIdParams, response: { 200: Supervision, ...errors } }, config: { roles: ROLES } },
    async (request) => {
      const r = await repo.findSupervision(app.pool, request.params.id);
      if (!r || !repo.inScope(request.user!, r)) throw new HttpError(404, 'SUPERVISION_NOT_FOUND', `supervision record ${request.params.id} not found`);
      return present(r);
    },
  );
};

export default supervisionRoutes;
