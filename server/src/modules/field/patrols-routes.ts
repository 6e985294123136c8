/**
 * Patrols (巡查), check-ins and household visits (入户走访) of grid workers:
 *   POST /api/patrols                 start my patrol (201; 409 PATROL_ACTIVE with the running one)
 *   POST /api/patrols/:id/points      append track points (sampled by the phone; stale ones counted, not stored)
 *   POST /api/patrols/:id/stop        stop it (its owner, or an admin ending a forgotten one)
 *   GET  /api/patrols?active=&user=   patrols with their thinned tracks: the center every one, others their own
 *   POST /api/checkins                a check-in at a place (on the patrol running at that moment, if any)
 *   POST /api/visits                  a household visit (date, household, note)
 *   GET  /api/visits?from=&to=&user=  visits, latest first: the center every one, a worker their own
 * Every write takes an Idempotency-Key (the phone's offline queue retries with it) and goes through the writer.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Checkin,
  CheckinBody,
  ErrorResponse,
  Patrol,
  PatrolIdParams,
  PatrolListQuery,
  PatrolListResponse,
  PatrolPointsBody,
  PatrolStartBody,
  PatrolStopBody,
  Visit,
  VisitBody,
  VisitListQuery,
  VisitListResponse,
  type UserRole,
} from '@gridcommand/shared/schemas';
import { badRequest } from '../../plugins/errors.ts';
import { idempotencyKeyOf, sendOutcome } from '../writer/http.ts';
import { userActor } from '../writer/tx.ts';
import { PatrolPointsResponse } from './schemas.ts';
import { PATROL_LIST_LIMIT, addPoints, checkIn, maySeeAllPatrols, presentPatrols, startPatrol, stopPatrol } from './patrols-service.ts';
import { listPatrols } from './patrols-repository.ts';
import { logVisit, presentVisit } from './visits-service.ts';
import { listVisits } from './visits-repository.ts';
import { queryDate } from './times.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

/** Who patrols, checks in and visits households. */
export const FIELD_ROLES: UserRole[] = ['worker', 'admin'];
/** Visits listed at most. */
export const VISIT_LIST_LIMIT = 500;

const patrolsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/patrols',
    { schema: { body: PatrolStartBody, response: { 201: Patrol, ...errors } }, config: { roles: FIELD_ROLES } },
    async (request, reply) => {
      const user = request.user!;
      return sendOutcome(reply, await startPatrol(app.pool, user, request.body, idempotencyKeyOf(request, userActor(user))));
    },
  );

  app.post(
    '/api/patrols/:id/points',
    { schema: { params: PatrolIdParams, body: PatrolPointsBody, response: { 200: PatrolPointsResponse, ...errors } }, config: { roles: FIELD_ROLES } },
    async (request, reply) => {
      const user = request.user!;
      return sendOutcome(reply, await addPoints(app.pool, user, request.params.id, request.body.points, idempotencyKeyOf(request, userActor(user))));
    },
  );

  app.post(
    '/api/patrols/:id/stop',
    { schema: { params: PatrolIdParams, body: PatrolStopBody, response: { 200: Patrol, ...errors } }, config: { roles: FIELD_ROLES } },
    async (request, reply) => {
      const user = request.user!;
      return sendOutcome(reply, await stopPatrol(app.pool, user, request.params.id, request.body, idempotencyKeyOf(request, userActor(user))));
    },
  );

  app.get(
    '/api/patrols',
    { schema: { querystring: PatrolListQuery, response: { 200: PatrolListResponse, ...errors } }, config: { roles: ['admin', 'leader', 'dispatcher', 'worker'] } },
    async (request) => {
      const user = request.user!;
      const all = maySeeAllPatrols(user);
      const rows = await listPatrols(app.pool, {
        ...(request.query.active !== undefined ? { active: request.query.active } : {}),
        ...(all ? (request.query.user !== undefined ? { userId: request.query.user } : {}) : { userId: user.id }),
        limit: PATROL_LIST_LIMIT,
      });
      return { items: await presentPatrols(app.pool, rows) };
    },
  );

  app.post(
    '/api/checkins',
    { schema: { body: CheckinBody, response: { 201: Checkin, ...errors } }, config: { roles: FIELD_ROLES } },
    async (request, reply) => {
      const user = request.user!;
      return sendOutcome(reply, await checkIn(app.pool, user, request.body, idempotencyKeyOf(request, userActor(user))));
    },
  );

  app.post(
    '/api/visits',
    { schema: { body: VisitBody, response: { 201: Visit, ...errors } }, config: { roles: FIELD_ROLES } },
    async (request, reply) => {
      const user = request.user!;
      return sendOutcome(reply, await logVisit(app.pool, user, request.body, idempotencyKeyOf(request, userActor(user))));
    },
  );

  app.get(
    '/api/visits',
    { schema: { querystring: VisitListQuery, response: { 200: VisitListResponse, ...errors } }, config: { roles: ['admin', 'leader', 'dispatcher', 'worker'] } },
    async (request) => {
      const user = request.user!;
      const from = queryDate('from', request.query.from);
      const to = queryDate('to', request.query.to);
      if (from && to && from > to) throw badRequest('BAD_RANGE', `query parameter "from" (${from}) is after "to" (${to})`);
      const all = maySeeAllPatrols(user);
      const rows = await listVisits(app.pool, {
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(all ? (request.query.user !== undefined ? { userId: request.query.user } : {}) : { userId: user.id }),
        limit: VISIT_LIST_LIMIT,
      });
      return { items: rows.map(presentVisit) };
    },
  );
};

export default patrolsRoutes;
