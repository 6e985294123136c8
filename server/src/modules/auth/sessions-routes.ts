/**
 * Sessions seen by their owners and by the admin:
 *   GET    /api/auth/sessions          the caller's own active sessions (browsers and devices)
 *   GET    /api/admin/sessions?user=   active sessions, newest first (admin)
 *   DELETE /api/admin/sessions/:id     ends a session at once (admin): deleted, and forgotten by this process's
 *                                      session cache, so its next request is refused (401)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse, SessionIdParams, SessionListQuery, SessionListResponse, type SessionInfo } from '@gridcommand/shared/schemas';
import { forgetSession } from '../../plugins/auth.ts';
import { notFound } from '../../plugins/errors.ts';
import * as repo from './repository.ts';
import { recordAudit } from '../audit/record.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

/** Sessions listed at most (newest first). */
export const SESSION_LIST_LIMIT = 1000;

export function presentSession(r: repo.SessionRow): SessionInfo {
  return {
    id: r.id,
    userId: r.user_id,
    username: r.username,
    kind: r.kind,
    deviceName: r.device_name,
    createdAt: r.created_at.toISOString(),
    lastSeenAt: r.last_seen_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
  };
}

const sessionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/auth/sessions',
    { schema: { response: { 200: SessionListResponse, ...errors } }, config: { roles: 'any' } },
    async (request) => {
      const rows = await repo.listSessions(app.pool, request.user!.id, SESSION_LIST_LIMIT);
      return { items: rows.map(presentSession) };
    },
  );

  app.get(
    '/api/admin/sessions',
    { schema: { querystring: SessionListQuery, response: { 200: SessionListResponse, ...errors } }, config: { roles: ['admin'] } },
    async (request) => {
      const rows = await repo.listSessions(app.pool, request.query.user ?? null, SESSION_LIST_LIMIT);
      return { items: rows.map(presentSession) };
    },
  );

  app.delete(
    '/api/admin/sessions/:id',
    { schema: { params: SessionIdParams, response: { 204: Type.Null(), '4xx': ErrorResponse, '5xx': ErrorResponse } }, config: { roles: ['admin'] } },
    async (request, reply) => {
      const hash = await repo.deleteSessionById(app.pool, request.params.id);
      if (hash === null) throw notFound('SESSION_NOT_FOUND', `session ${request.params.id} not found (or already ended)`);
      forgetSession(hash);
      await recordAudit(app.pool, request, 'session.revoke', { objectType: 'session', objectId: request.params.id });
      return reply.status(204).send(null);
    },
  );
};

export default sessionsRoutes;
