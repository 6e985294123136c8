/**
 * Cases: POST /api/cases, GET /api/cases, GET /api/cases/:id, POST /api/cases/:id/actions,
 * GET /api/cases/:id/timeline.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CaseActionBody,
  CaseAttachBody,
  CaseBatchBody,
  CaseBatchResponse,
  CaseCreateBody,
  CaseFilterQuery,
  CaseIdParams,
  CaseListResponse,
  Case,
  ErrorResponse,
  NearbyQuery,
  NearbyResponse,
  RefusalResponse,
  TimelineResponse,
  type CaseFilterQuery as CaseFilterQueryT,
} from '@gridcommand/shared/schemas';
import { DUPLICATE_RADIUS_M, OPEN_STATES, parseCstInstant } from '@gridcommand/shared/domain';
import { badRequest, HttpError } from '../../plugins/errors.ts';
import type { AuthUser } from '../auth/repository.ts';
import * as repo from './repository.ts';
import { hasPersonal, maySeePersonal, present, readCase } from './service.ts';
import { actOnCase, attachPhotos } from '../writer/commands.ts';
import { factsOf } from '../writer/facts.ts';
import { IntakeQueue, createCases } from '../writer/intake.ts';
import { idempotencyKeyOf, sendOutcome } from '../writer/http.ts';
import { userActor, writeOnce } from '../writer/tx.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
const refusals = { '4xx': RefusalResponse, '5xx': ErrorResponse };
/** 'YYYY-MM-DD' is a CST day (as `to`, the end of that day); otherwise an ISO 8601 date-time with zone. */
function parseInstant(name: string, v: string, endOfDay: boolean): Date {
  const d = parseCstInstant(v, endOfDay);
  if (!d) throw badRequest('BAD_DATE', `query parameter "${name}" must be a calendar date YYYY-MM-DD or an ISO 8601 date-time with zone (got "${v}")`);
  return d;
}

export function filtersFrom(q: CaseFilterQueryT): repo.CaseFilters {
  const from = q.from !== undefined ? parseInstant('from', q.from, false) : undefined;
  const to = q.to !== undefined ? parseInstant('to', q.to, true) : undefined;
  if (from && to && from.getTime() >= to.getTime()) throw badRequest('BAD_PERIOD', 'query parameter "from" must be before "to"');
  return { ...q, from, to };
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
  // single reports go through the intake queue (reports arriving together are written in one transaction); the
  // creator sees the reporter fields they have just sent: that echo is not logged as a read of personal data
  const intake = new IntakeQueue(app.pool);
  app.post(
    '/api/cases',
    { schema: { body: CaseCreateBody, response: { 201: Case, ...errors } }, config: { roles: ['admin', 'dispatcher', 'worker'] } },
    async (request, reply) => {
      const user = request.user!;
      return sendOutcome(reply, await intake.submit(user, request.body, idempotencyKeyOf(request, userActor(user))));
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
      const actor = userActor(request.user!);
      const out = await writeOnce(app.pool, actor, idempotencyKeyOf(request, actor), async (tx) => {
        const rows = await createCases(tx, request.body.items, { batch: true });
        const items = rows.map((r) => ({ id: r.id, code: r.code, gridCode: r.grid_code, streetCode: r.street_code, light: r.light }));
        return { status: 201, body: { count: items.length, items } };
      });
      return sendOutcome(reply, out);
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

  // "is it one of these?": open cases of the same category near a new report (the caller's scope)
  app.get(
    '/api/cases/nearby',
    { schema: { querystring: NearbyQuery, response: { 200: NearbyResponse, ...errors } }, config: { roles: READERS } },
    async (request) => {
      const q = request.query;
      const radiusM = q.radiusM ?? DUPLICATE_RADIUS_M;
      const rows = await repo.nearbyOpenCases(app.pool, { ...q, radiusM, openStates: OPEN_STATES, limit: 10 }, request.user!);
      return {
        radiusM,
        items: rows.map((r) => ({
          case: factsOf(r),
          distanceM: Math.round(r.distance_m * 10) / 10,
          thumbUrls: (Array.isArray(r.photos) ? (r.photos as string[]) : []).map((id) => `/api/photos/${id}/thumb`),
          reporters: r.reporters,
        })),
      };
    },
  );

  // add evidence to a case instead of reporting it again
  app.post(
    '/api/cases/:id/photos',
    { schema: { params: CaseIdParams, body: CaseAttachBody, response: { 200: Case, ...refusals } }, config: { roles: ['admin', 'dispatcher', 'handler', 'worker'] } },
    async (request, reply) => {
      const user = request.user!;
      const actor = userActor(user);
      const out = await writeOnce(app.pool, actor, idempotencyKeyOf(request, actor), async (tx) => {
        const c = await attachPhotos(tx, request.params.id, request.body.photos);
        return { status: 200, body: present(c.row, user, { personal: false }) };
      });
      return sendOutcome(reply, out);
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
      schema: { params: CaseIdParams, body: CaseActionBody, response: { 200: Case, ...refusals } },
      config: { roles: ['admin', 'dispatcher', 'handler', 'worker'] },
    },
    async (request, reply) => {
      const user = request.user!;
      const actor = userActor(user);
      const out = await writeOnce(app.pool, actor, idempotencyKeyOf(request, actor), async (tx) => {
        const c = await actOnCase(tx, request.params.id, request.body);
        const personal = maySeePersonal(user, c.row) && hasPersonal(c.row);
        if (personal) await repo.logPersonalAccess(tx.client, user.id, [c.row.id], 'POST /api/cases/:id/actions');
        return { status: 200, body: present(c.row, user, { personal }) };
      });
      return sendOutcome(reply, out);
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
