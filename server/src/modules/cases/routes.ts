/**
 * Cases: POST /api/cases, GET /api/cases, GET /api/cases/:id, POST /api/cases/:id/actions,
 * GET /api/cases/:id/timeline.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import {
  CaseActionBody,
  CaseBatchBody,
  CaseBatchResponse,
  CaseCreateBody,
  CaseFilterQuery,
  CaseIdParams,
  CaseListResponse,
  Case,
  ErrorResponse,
  TimelineResponse,
  type CaseFilterQuery as CaseFilterQueryT,
} from '@gridcommand/shared/schemas';
import { cstDate } from '@gridcommand/shared/domain';
import { badRequest, errorBody, HttpError } from '../../plugins/errors.ts';
import type { AuthUser } from '../auth/repository.ts';
import * as repo from './repository.ts';
import { CaseConflict, actOnCase, createCase, createCases, hasPersonal, maySeePersonal, present, readCase } from './service.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** 'YYYY-MM-DD' is a CST day (as `to`, the end of that day); otherwise an ISO 8601 date-time with zone. */
function parseInstant(name: string, v: string, endOfDay: boolean): Date {
  if (DATE_ONLY.test(v)) {
    try {
      const start = cstDate(v);
      return endOfDay ? new Date(start.getTime() + 86_400_000) : start;
    } catch {
      throw badRequest('BAD_DATE', `query parameter "${name}" is not a calendar date (got "${v}")`);
    }
  }
  const d = new Date(v);
  if (!DATE_TIME.test(v) || !Number.isFinite(d.getTime())) {
    throw badRequest('BAD_DATE', `query parameter "${name}" must be a date YYYY-MM-DD or an ISO 8601 date-time with zone (got "${v}")`);
  }
  return d;
}

export function filtersFrom(q: CaseFilterQueryT): repo.CaseFilters {
  const from = q.from !== undefined ? parseInstant('from', q.from, false) : undefined;
  const to = q.to !== undefined ? parseInstant('to', q.to, true) : undefined;
  if (from && to && from.getTime() >= to.getTime()) throw badRequest('BAD_PERIOD', 'query parameter "from" must be before "to"');
  return { ...q, from, to };
}

/** Sends a refusal that carries extra fields (allowed actions, the current case) next to the error shape. */
export function sendConflict(reply: FastifyReply, err: CaseConflict) {
  return reply.status(err.statusCode).send({ ...errorBody(err.statusCode, err.message, err.code), ...err.extra });
}

export async function listForUser(
  app: { pool: import('pg').Pool },
  user: AuthUser,
  query: CaseFilterQueryT,
  route: string,
  opts: { personal: boolean },
) {
  const w = new repo.Where();
  repo.addScope(w, user);
  repo.addFilters(w, filtersFrom(query));
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  const { rows, total } = await repo.listCases(app.pool, w, limit, offset);
  const shown = rows.map((r) => ({ r, personal: opts.personal && maySeePersonal(user, r) }));
  await repo.logPersonalAccess(
    app.pool,
    user.id,
    shown.filter((s) => s.personal && hasPersonal(s.r)).map((s) => s.r.id),
    route,
  );
  return { items: shown.map((s) => present(s.r, user, { personal: s.personal })), total, limit, offset, where: w };
}

const READERS = ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'wall'] as const;

const casesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/cases',
    { schema: { body: CaseCreateBody, response: { 201: Case, ...errors } }, config: { roles: ['admin', 'dispatcher', 'worker'] } },
    async (request, reply) => {
      const user = request.user!;
      const id = await createCase(app.pool, user, request.body);
      return reply.status(201).send(await readCase(app.pool, user, id, 'POST /api/cases'));
    },
  );

  app.post(
    '/api/cases/batch',
    {
      schema: { body: CaseBatchBody, response: { 201: CaseBatchResponse, ...errors } },
      config: { roles: ['admin', 'dispatcher'] },
      bodyLimit: 4 * 1024 * 1024,
    },
    async (request, reply) => {
      const items = await createCases(app.pool, request.user!, request.body.items, new Date(), { batch: true });
      return reply.status(201).send({ count: items.length, items });
    },
  );

  app.get(
    '/api/cases',
    { schema: { querystring: CaseFilterQuery, response: { 200: CaseListResponse, ...errors } }, config: { roles: READERS } },
    async (request) => {
      const { items, total, limit, offset } = await listForUser(app, request.user!, request.query, 'GET /api/cases', { personal: true });
      return { items, total, limit, offset };
    },
  );

  app.get(
    '/api/cases/:id',
    { schema: { params: CaseIdParams, response: { 200: Case, ...errors } }, config: { roles: READERS } },
    async (request) => readCase(app.pool, request.user!, request.params.id, 'GET /api/cases/:id'),
  );

  app.post(
    '/api/cases/:id/actions',
    {
      // no 4xx response schema here: 409 answers carry `allowed` or `current` next to the error shape
      schema: { params: CaseIdParams, body: CaseActionBody },
      config: { roles: ['admin', 'dispatcher', 'handler', 'worker'] },
    },
    async (request, reply) => {
      const user = request.user!;
      try {
        await actOnCase(app.pool, user, request.params.id, request.body);
      } catch (err) {
        if (err instanceof CaseConflict) return sendConflict(reply, err);
        throw err;
      }
      return readCase(app.pool, user, request.params.id, 'POST /api/cases/:id/actions');
    },
  );

  app.get(
    '/api/cases/:id/timeline',
    {
      schema: { params: CaseIdParams, response: { 200: TimelineResponse, ...errors } },
      config: { roles: ['admin', 'leader', 'dispatcher', 'handler', 'worker'] },
    },
    async (request) => {
      const user = request.user!;
      const row = await repo.findCase(app.pool, request.params.id);
      if (!row || !repo.inScope(user, row)) throw new HttpError(404, 'CASE_NOT_FOUND', `case ${request.params.id} not found`);
      const rows = await repo.timeline(app.pool, row.id);
      return {
        items: rows.map((e) => ({
          id: e.id,
          at: e.at.toISOString(),
          type: e.type,
          actor: e.actor_id !== null ? { id: e.actor_id, name: e.actor_name ?? '', role: e.actor_role } : null,
          fromState: e.from_state,
          toState: e.to_state,
          note: e.note,
          location: e.lon !== null && e.lat !== null ? ([e.lon, e.lat] as [number, number]) : null,
          payload: e.payload ?? {},
        })),
      };
    },
  );
};

export default casesRoutes;
