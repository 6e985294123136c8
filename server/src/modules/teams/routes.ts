/**
 * The dispatcher's desk over HTTP:
 *   GET  /api/teams                     teams with status and position (members for admin/dispatcher)
 *   GET  /api/teams/nearest             nearest teams to a point or a case (KNN + geodesic re-rank, ETA)
 *   GET  /api/teams/:id
 *   GET  /api/teams/board               who is where: every team, its case and role, street/grid at its position, ETA
 *   POST /api/dispatch                  send a team to a case (role lead or support; 409 TEAM_BUSY / TEAM_RESERVED / VERSION_CONFLICT / ILLEGAL_TRANSITION)
 *   GET  /api/cases/:id/teams           a case's teams (lead and supporting) and reservations
 *   DELETE /api/cases/:id/teams/:teamId stand one supporting team down
 *   POST /api/teams/:id/reservation, DELETE /api/teams/:id/reservation   reserve (预留) / release a team for a case
 *   POST /api/teams/:id/arrived         team on scene (device or command center)
 *   POST /api/teams/:id/finished        team done, available again (device or command center)
 *   PUT  /api/teams/:id/status          available / off duty
 *   POST /api/teams/:id/position        one position (device or command center)
 *   POST /api/teams/positions           up to 1,000 positions (AVL gateway, simulator)
 *   POST /api/teams/:id/device-token    issue a device token for a team (admin)
 *   GET  /api/dispatch/grids/:code/roster  a grid's staff with phones (in full for admin/dispatcher, logged)
 *   POST /api/patrol-zones, GET /api/patrol-zones?at=, DELETE /api/patrol-zones/:id, GET /api/patrol-zones/coverage?at=
 *
 * Team devices authenticate with the header `X-GC-Device-Token: <token>` (issued per team by an admin, stored
 * hashed): they may write for their own team only. Without it, the caller must be logged in as admin or
 * dispatcher (cookie + X-GC-CSRF: 1, like every write).
 */
import { ERROR_RESPONSES } from '../../plugins/openapi-shapes.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  BoardQuery,
  BoardResponse,
  CaseTeamParams,
  CaseTeamsParams,
  CaseTeamsResponse,
  Reservation,
  ReservationBody,
  StandDownResponse,
  CoverageResponse,
  DeviceTokenResponse,
  DispatchBody,
  DispatchResponse,
  ErrorResponse,
  GridCodeParams,
  RefusalResponse,
  NearestQuery,
  NearestResponse,
  PatrolZone,
  PatrolZoneBody,
  PatrolZoneIdParams,
  PatrolZoneListResponse,
  PatrolZoneQuery,
  PositionBatchBody,
  PositionBody,
  PositionResult,
  RosterResponse,
  Team,
  TeamIdParams,
  TeamListQuery,
  TeamListResponse,
  TeamStatusBody,
  TeamStepBody,
  TeamStepResponse,
} from '@gridcommand/shared/schemas';
import { notFound } from '../../plugins/errors.ts';
import { CSRF_HEADER, forbidden, unauthorized } from '../../plugins/auth.ts';
import { newToken, tokenHash } from '../auth/passwords.ts';
import { hasPersonal, maySeePersonal, present } from '../cases/present.ts';
import * as caseRepo from '../cases/repository.ts';
import { assignTeam, standDownSupport, teamStep } from '../writer/commands.ts';
import { releaseReservation, reserveTeam } from '../writer/reservations.ts';
import { idempotencyKeyOf, sendOutcome } from '../writer/http.ts';
import { changeTeamStatus, recordPosition, recordPositions } from '../writer/teams.ts';
import { userActor, write, writeOnce, type Actor, type WriteTx } from '../writer/tx.ts';
import { mayseeMembers, presentDispatch, presentTeam } from './present.ts';
import * as repo from './repository.ts';
import { createZone, deleteZone, nearest, parseInstant, parsePositions, presentZone } from './service.ts';
import { caseTeams, presentReservation, teamBoard } from './board-service.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
const refusals = { '4xx': RefusalResponse, '5xx': ErrorResponse };
const READERS = ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'wall'] as const;
const WRITERS = ['admin', 'dispatcher'] as const;
const BOARD_READERS = ['admin', 'dispatcher', 'leader', 'wall'] as const;
export const DEVICE_HEADER = 'x-gc-device-token';

/**
 * Who writes for these teams: the team's own device (token header) or an admin/dispatcher session.
 * Routes using it declare roles 'public' and call this first.
 */
export async function teamWriter(app: FastifyInstance, request: FastifyRequest, teamIds: number[]): Promise<Actor> {
  const header = request.headers[DEVICE_HEADER];
  if (typeof header === 'string' && header.length > 0) {
    if (!/^[A-Za-z0-9_-]{20,200}$/.test(header)) throw unauthorized('invalid device token');
    const teamId = await repo.teamOfDeviceToken(app.pool, tokenHash(header));
    if (teamId === null) throw unauthorized('unknown or revoked device token');
    if (teamIds.some((id) => id !== teamId)) throw forbidden('DEVICE_OTHER_TEAM', `this device token belongs to team ${teamId}: it writes for that team only`);
    return { kind: 'device', teamId };
  }
  const user = await app.authenticate(request);
  if (!user) throw unauthorized();
  if (request.authVia === 'cookie' && request.headers[CSRF_HEADER] !== '1') {
    throw forbidden('CSRF', `cookie-authenticated ${request.method} requests need the header X-GC-CSRF: 1`);
  }
  if (!(WRITERS as readonly string[]).includes(user.role)) {
    throw forbidden('FORBIDDEN_ROLE', `role ${user.role} may not call ${request.method} ${request.routeOptions.url}`);
  }
  return userActor(user);
}

/** The team as the caller may see it, read inside the write's transaction. */
async function teamOf(tx: WriteTx, id: number) {
  const withMembers = tx.actor.kind === 'user' && mayseeMembers(tx.actor.user);
  const row = await repo.findTeam(tx.client, id, withMembers);
  if (!row) throw notFound('TEAM_NOT_FOUND', `team ${id} not found`);
  return presentTeam(row, withMembers);
}

const teamsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/teams',
    { schema: { querystring: TeamListQuery, response: { 200: TeamListResponse, ...errors } }, config: { roles: READERS } },
    async (request) => {
      const withMembers = mayseeMembers(request.user);
      // the live hub's frontier, read before the list: the resume point of a screen that folds team events
      const lastEventId = app.liveHub.lastSeen;
      const rows = await repo.listTeams(app.pool, { ...request.query, withMembers });
      return { lastEventId, items: rows.map((r) => presentTeam(r, withMembers)) };
    },
  );

  app.get(
    '/api/teams/nearest',
    { schema: { querystring: NearestQuery, response: { 200: NearestResponse, ...errors } }, config: { roles: READERS } },
    async (request) => nearest(app.pool, request.user, request.query),
  );

  app.get(
    '/api/teams/board',
    { schema: { querystring: BoardQuery, response: { 200: BoardResponse, ...errors } }, config: { roles: BOARD_READERS } },
    async (request) => teamBoard(app.pool, request.query, app.liveHub.lastSeen),
  );

  app.get(
    '/api/cases/:id/teams',
    { schema: { params: CaseTeamsParams, response: { 200: CaseTeamsResponse, ...errors } }, config: { roles: BOARD_READERS } },
    async (request) => caseTeams(app.pool, request.user, request.params.id),
  );

  app.delete(
    '/api/cases/:id/teams/:teamId',
    { schema: { params: CaseTeamParams, response: { 200: StandDownResponse, ...refusals } }, config: { roles: WRITERS } },
    async (request) =>
      write(app.pool, userActor(request.user!), async (tx) => {
        const d = await standDownSupport(tx, request.params.id, request.params.teamId);
        return { team: await teamOf(tx, d.team_id), dispatch: presentDispatch(d), caseId: d.case_id };
      }),
  );

  app.post(
    '/api/teams/:id/reservation',
    { schema: { params: TeamIdParams, body: ReservationBody, response: { 200: Reservation, 201: Reservation, ...refusals } }, config: { roles: WRITERS } },
    async (request, reply) => {
      const actor = userActor(request.user!);
      const out = await writeOnce(app.pool, actor, idempotencyKeyOf(request, actor), async (tx) => {
        const r = await reserveTeam(tx, request.params.id, request.body);
        return { status: r.created ? 201 : 200, body: presentReservation(r.reservation) };
      });
      return sendOutcome(reply, out);
    },
  );

  app.delete(
    '/api/teams/:id/reservation',
    { schema: { params: TeamIdParams, response: { 204: { description: 'released', type: 'null' }, ...ERROR_RESPONSES } }, config: { roles: WRITERS } },
    async (request, reply) => {
      await write(app.pool, userActor(request.user!), (tx) => releaseReservation(tx, request.params.id));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/teams/:id',
    { schema: { params: TeamIdParams, response: { 200: Team, ...errors } }, config: { roles: READERS } },
    async (request) => {
      const withMembers = mayseeMembers(request.user);
      const row = await repo.findTeam(app.pool, request.params.id, withMembers);
      if (!row) throw notFound('TEAM_NOT_FOUND', `team ${request.params.id} not found`);
      return presentTeam(row, withMembers);
    },
  );

  app.post(
    '/api/dispatch',
    { schema: { body: DispatchBody, response: { 200: DispatchResponse, ...refusals } }, config: { roles: WRITERS } },
    async (request, reply) => {
      const user = request.user!;
      const actor = userActor(user);
      const out = await writeOnce(app.pool, actor, idempotencyKeyOf(request, actor), async (tx) => {
        const r = await assignTeam(tx, request.body);
        const personal = maySeePersonal(user, r.case.row) && hasPersonal(r.case.row);
        if (personal) await caseRepo.logPersonalAccess(tx.client, user.id, [r.case.row.id], 'POST /api/dispatch');
        return {
          status: 200,
          body: {
            case: present(r.case.row, user, { personal }),
            team: await teamOf(tx, r.dispatch.team_id),
            dispatch: presentDispatch(r.dispatch),
          },
        };
      });
      return sendOutcome(reply, out);
    },
  );

  for (const step of ['arrived', 'finished'] as const) {
    app.post(
      `/api/teams/:id/${step}`,
      { schema: { params: TeamIdParams, body: TeamStepBody, response: { 200: TeamStepResponse, ...refusals } }, config: { roles: 'public' } },
      async (request, reply) => {
        const actor = await teamWriter(app, request, [request.params.id]);
        const out = await writeOnce(app.pool, actor, idempotencyKeyOf(request, actor), async (tx) => {
          const r = await teamStep(tx, request.params.id, step, request.body ?? {});
          return { status: 200, body: { team: await teamOf(tx, request.params.id), dispatch: presentDispatch(r.dispatch), caseId: r.caseId } };
        });
        return sendOutcome(reply, out);
      },
    );
  }

  app.put(
    '/api/teams/:id/status',
    { schema: { params: TeamIdParams, body: TeamStatusBody, response: { 200: Team, ...refusals } }, config: { roles: 'public' } },
    async (request) => {
      const actor = await teamWriter(app, request, [request.params.id]);
      return write(app.pool, actor, async (tx) => {
        await changeTeamStatus(tx, request.params.id, request.body);
        return teamOf(tx, request.params.id);
      });
    },
  );

  app.post(
    '/api/teams/:id/position',
    { schema: { params: TeamIdParams, body: PositionBody, response: { 200: PositionResult, ...refusals } }, config: { roles: 'public' } },
    async (request, reply) => {
      const actor = await teamWriter(app, request, [request.params.id]);
      const [p] = parsePositions([{ teamId: request.params.id, ...request.body }], new Date());
      const out = await writeOnce(app.pool, actor, idempotencyKeyOf(request, actor), async (tx) => ({ status: 200, body: await recordPosition(tx, p!) }));
      return sendOutcome(reply, out);
    },
  );

  app.post(
    '/api/teams/positions',
    { schema: { body: PositionBatchBody, response: { 200: PositionResult, ...errors } }, config: { roles: 'public' } },
    async (request, reply) => {
      const actor = await teamWriter(app, request, [...new Set(request.body.items.map((i) => i.teamId))]);
      const items = parsePositions(request.body.items, new Date());
      const out = await writeOnce(app.pool, actor, idempotencyKeyOf(request, actor), async (tx) => ({ status: 200, body: await recordPositions(tx, items) }));
      return sendOutcome(reply, out);
    },
  );

  app.post(
    '/api/teams/:id/device-token',
    { schema: { params: TeamIdParams, response: { 201: DeviceTokenResponse, ...errors } }, config: { roles: ['admin'] } },
    async (request, reply) => {
      const team = await repo.findTeam(app.pool, request.params.id);
      if (!team) throw notFound('TEAM_NOT_FOUND', `team ${request.params.id} not found`);
      const { token, hash } = newToken();
      await repo.insertDeviceToken(app.pool, hash, team.id, request.user!.id);
      return reply.status(201).send({ teamId: team.id, token });
    },
  );

  app.get(
    '/api/dispatch/grids/:code/roster',
    { schema: { params: GridCodeParams, response: { 200: RosterResponse, ...errors } }, config: { roles: ['admin', 'leader', 'dispatcher'] } },
    async (request) => {
      const user = request.user!;
      const code = request.params.code;
      if (!(await repo.gridExists(app.pool, code))) throw notFound('GRID_NOT_FOUND', `grid ${code} not found`);
      const rows = await repo.roster(app.pool, code);
      const phonesVisible = user.role === 'admin' || user.role === 'dispatcher';
      if (phonesVisible && rows.length) await repo.logStaffPhoneAccess(app.pool, user.id, code, 'GET /api/dispatch/grids/:code/roster');
      return {
        gridCode: code,
        phonesVisible,
        staff: rows.map((r) => ({
          id: r.id,
          name: r.name,
          role: r.role,
          responsible: r.responsible,
          phone: phonesVisible ? r.phone : `${r.phone.slice(0, 3)}****${r.phone.slice(-4)}`,
        })),
      };
    },
  );

  // ── patrol zones ──
  app.post(
    '/api/patrol-zones',
    { schema: { body: PatrolZoneBody, response: { 201: PatrolZone, ...errors } }, config: { roles: WRITERS } },
    async (request, reply) => sendOutcome(reply, await createZone(app.pool, request.user!, request.body, idempotencyKeyOf(request, userActor(request.user!)))),
  );

  app.get(
    '/api/patrol-zones',
    { schema: { querystring: PatrolZoneQuery, response: { 200: PatrolZoneListResponse, ...errors } }, config: { roles: READERS } },
    async (request) => {
      const at = parseInstant('query parameter "at"', request.query.at, new Date());
      const rows = await repo.zonesAt(app.pool, at);
      return { at: at.toISOString(), items: rows.map(presentZone) };
    },
  );

  app.get(
    '/api/patrol-zones/coverage',
    { schema: { querystring: PatrolZoneQuery, response: { 200: CoverageResponse, ...errors } }, config: { roles: READERS } },
    async (request) => {
      const at = parseInstant('query parameter "at"', request.query.at, new Date());
      const c = await repo.coverage(app.pool, at);
      return {
        at: at.toISOString(),
        totalGrids: c.total,
        coveredGrids: c.covered,
        uncoveredGrids: c.total - c.covered,
        zones: c.zones,
        uncovered: c.uncovered,
      };
    },
  );

  app.delete(
    '/api/patrol-zones/:id',
    { schema: { params: PatrolZoneIdParams, response: { 204: { description: 'deleted', type: 'null' }, ...ERROR_RESPONSES } }, config: { roles: WRITERS } },
    async (request, reply) => {
      await deleteZone(app.pool, request.user!, request.params.id);
      return reply.status(204).send(null);
    },
  );
};

export default teamsRoutes;
