/**
 * POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me, POST /api/admin/wall-tokens, and the session lists
 * (sessions-routes.ts). Logins are limited per address + username a minute (GC_LOGIN_RATE_LIMIT) and in failed logins
 * per address whatever the username (GC_LOGIN_ADDRESS_LIMIT per GC_LOGIN_ADDRESS_WINDOW_MIN minutes; docs/security.md).
 * A login that names a device (`device: { name }`) opens a device session: a phone that stays
 * signed in for GC_DEVICE_SESSION_DAYS instead of GC_SESSION_HOURS, listed and revocable by the admin.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { ErrorResponse, LoginBody, SessionResponse, WallTokenBody, WallTokenCreated } from '@gridcommand/shared/schemas';
import { HttpError } from '../../plugins/errors.ts';
import { SESSION_COOKIE, forgetSession, sessionCookieOptions, unauthorized } from '../../plugins/auth.ts';
import { dummyPasswordHash, newToken, tokenHash, verifyPassword } from './passwords.ts';
import { deviceSessionSettings } from './device-sessions.ts';
import { FailedLoginLimiter } from './login-limit.ts';
import * as repo from './repository.ts';
import sessionsRoutes from './sessions-routes.ts';
import { recordAudit } from '../audit/record.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

function publicUser(u: repo.AuthUser) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    departmentCode: u.departmentCode,
    gridCodes: u.gridCodes,
  };
}

function loginKey(request: FastifyRequest): string {
  const body = request.body as { username?: unknown } | undefined;
  const username = typeof body?.username === 'string' ? body.username.toLowerCase().slice(0, 64) : '';
  return `${request.ip}|${username}`;
}

const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const settings = app.authConfig;
  // per address, any usernames (password spraying); the per address + username limit is the route's rateLimit
  const failures = new FailedLoginLimiter(settings.loginAddressLimit, settings.loginAddressWindowMs);
  await app.register(sessionsRoutes);

  app.post(
    '/api/auth/login',
    {
      schema: { body: LoginBody, response: { 200: SessionResponse, ...errors } },
      config: {
        roles: 'public',
        rateLimit: {
          max: settings.loginRateLimit,
          timeWindow: 60_000,
          hook: 'preHandler',
          keyGenerator: loginKey,
          errorResponseBuilder: (_req, ctx) =>
            new HttpError(429, 'RATE_LIMITED', `too many login attempts; retry in ${ctx.after}`),
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      failures.check(request.ip);
      const user = await repo.findUserForLogin(app.pool, username.toLowerCase());
      // the same scrypt cost whether or not the user exists
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
      if (!user || !ok) {
        failures.fail(request.ip);
        await recordAudit(app.pool, request, 'auth.login_failed', { user: null, username, detail: { device: Boolean(request.body.device) } });
        throw new HttpError(401, 'BAD_CREDENTIALS', 'wrong username or password');
      }
      const { token, hash } = newToken();
      const device = request.body.device;
      const deviceName = device ? device.name.trim() : '';
      if (device && deviceName === '') throw new HttpError(400, 'MISSING_FIELD', 'body field "device.name" must not be blank');
      const hours = device ? deviceSessionSettings(app).days * 24 : settings.sessionHours;
      await repo.createSession(app.pool, { tokenHash: hash, userId: user.id, kind: device ? 'device' : 'browser', deviceName: device ? deviceName : null, hours });
      reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(request, settings, hours * 3600));
      await recordAudit(app.pool, request, 'auth.login', { user, objectType: 'user', objectId: user.id, detail: { kind: device ? 'device' : 'browser', deviceName: device ? deviceName : undefined } });
      return { user: publicUser(user), via: 'cookie' as const };
    },
  );

  app.post('/api/auth/logout', { config: { roles: 'any' }, schema: { response: { 204: { description: 'signed out', type: 'null' }, ...errors } } }, async (request, reply) => {
    const cookie = request.cookies[SESSION_COOKIE];
    if (request.authVia === 'cookie' && cookie) {
      forgetSession(tokenHash(cookie));
      await repo.deleteSession(app.pool, tokenHash(cookie));
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    await recordAudit(app.pool, request, 'auth.logout', { objectType: 'user', objectId: request.user?.id, detail: { via: request.authVia } });
    return reply.status(204).send(null);
  });

  app.get('/api/auth/me', { schema: { response: { 200: SessionResponse, ...errors } }, config: { roles: 'any' } }, async (request) => {
    if (!request.user) throw unauthorized();
    return { user: publicUser(request.user), via: request.authVia ?? undefined };
  });

  app.post(
    '/api/admin/wall-tokens',
    { schema: { body: WallTokenBody, response: { 201: WallTokenCreated, ...errors } }, config: { roles: ['admin'] } },
    async (request, reply) => {
      const { token, hash } = newToken();
      const userId = await repo.wallUserId(app.pool, `disabled$${newToken().hash}`);
      const createdAt = await repo.createWallToken(app.pool, hash, request.body.name.trim(), userId);
      await recordAudit(app.pool, request, 'wall_token.create', { objectType: 'user', objectId: userId, detail: { name: request.body.name.trim() } });
      return reply.status(201).send({ name: request.body.name.trim(), token, userId, createdAt: createdAt.toISOString() });
    },
  );
};

export default authRoutes;
