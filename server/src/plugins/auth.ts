/**
 * Who is calling, and may they? One onRequest hook for every route.
 *
 * A route declares its callers in its config:
 *   config: { roles: ['admin', 'dispatcher'] }   only these roles (401 without a login, 403 for other roles)
 *   config: { roles: 'any' }                      any logged-in user or wall token
 *   config: { roles: 'public' }                   everyone (also the default for routes that declare nothing)
 *
 * Credentials: the session cookie `gc_session` (its SHA-256 is looked up in user_session), or a wall
 * display token as `Authorization: Bearer …` or `?token=…` (wall_token; role wall only). The `token`
 * query parameter is consumed here and removed from request.query.
 *
 * CSRF: a cookie-authenticated POST/PUT/PATCH/DELETE must carry the header `X-GC-CSRF: 1` (a cross-site
 * form cannot set a custom header) or an `Origin` equal to the request's own origin; otherwise 403.
 * Token-authenticated requests carry no ambient credential and need neither.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import fastifyRateLimit from '@fastify/rate-limit';
import type pg from 'pg';
import type { UserRole } from '@gridcommand/shared/schemas';
import type { Config } from '../config.ts';
import { HttpError } from './errors.ts';
import { tokenHash } from '../modules/auth/passwords.ts';
import { userBySession, userByWallToken, type AuthUser } from '../modules/auth/repository.ts';

export type RouteRoles = readonly UserRole[] | 'any' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** who may call the route (see plugins/auth.ts); undeclared = public */
    roles?: RouteRoles;
  }
  interface FastifyRequest {
    /** the authenticated caller, set for routes that declare roles */
    user: AuthUser | null;
    authVia: 'cookie' | 'token' | null;
  }
  interface FastifyInstance {
    /** resolves the caller of any request (for routes that check access themselves) */
    authenticate(request: FastifyRequest): Promise<AuthUser | null>;
    authConfig: AuthSettings;
  }
}

export interface AuthSettings {
  cookieSecure: boolean | 'auto';
  sessionHours: number;
  loginRateLimit: number;
  /** failed logins from one address (any usernames) per loginAddressWindowMs */
  loginAddressLimit: number;
  loginAddressWindowMs: number;
}

export const SESSION_COOKIE = 'gc_session';
export const CSRF_HEADER = 'x-gc-csrf';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const unauthorized = (message = 'log in first') => new HttpError(401, 'UNAUTHENTICATED', message);
export const forbidden = (code: string, message: string) => new HttpError(403, code, message);

function bearerToken(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (typeof h === 'string') {
    const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(h.trim());
    if (m) return m[1]!;
  }
  const q = request.query as Record<string, unknown> | undefined;
  if (q && typeof q === 'object' && 'token' in q) {
    const t = q.token;
    delete q.token;
    if (typeof t === 'string' && /^[A-Za-z0-9_-]{20,200}$/.test(t)) return t;
  }
  return null;
}

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  try {
    return new URL(origin).origin === new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return false;
  }
}

export function sessionCookieOptions(request: FastifyRequest, settings: AuthSettings, maxAgeSeconds: number) {
  const secure = settings.cookieSecure === 'auto' ? request.protocol === 'https' : settings.cookieSecure;
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure, maxAge: maxAgeSeconds };
}

/**
 * Sessions seen in the last few seconds, by token hash: a busy desk or device does not look its session up on every
 * request. Logging out forgets the session here at once; a session ended elsewhere (another process, expiry, an
 * account switched off) is honoured for at most SESSION_CACHE_MS more.
 */
export const SESSION_CACHE_MS = 3_000;
const sessions = new LRUCache<string, AuthUser>({ max: 10_000, ttl: SESSION_CACHE_MS });

export function forgetSession(hash: string): void {
  sessions.delete(hash);
}

async function sessionUser(pool: pg.Pool, hash: string): Promise<AuthUser | null> {
  const hit = sessions.get(hash);
  if (hit) return hit;
  const user = await userBySession(pool, hash);
  if (user) sessions.set(hash, user);
  return user;
}

async function resolve(pool: pg.Pool, request: FastifyRequest): Promise<void> {
  const token = bearerToken(request);
  if (token) {
    request.user = await userByWallToken(pool, tokenHash(token));
    request.authVia = request.user ? 'token' : null;
    return;
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (typeof cookie === 'string' && cookie.length > 0 && cookie.length <= 200) {
    request.user = await sessionUser(pool, tokenHash(cookie));
    request.authVia = request.user ? 'cookie' : null;
  }
}

async function authPlugin(app: FastifyInstance, opts: { config: Config }): Promise<void> {
  const settings: AuthSettings = {
    cookieSecure: opts.config.cookieSecure,
    sessionHours: opts.config.sessionHours,
    loginRateLimit: opts.config.loginRateLimit,
    loginAddressLimit: opts.config.loginAddressLimit,
    loginAddressWindowMs: opts.config.loginAddressWindowMs,
  };
  app.decorate('authConfig', settings);
  app.decorateRequest('user', null);
  app.decorateRequest('authVia', null);
  const resolved = new WeakSet<FastifyRequest>();
  app.decorate('authenticate', async (request: FastifyRequest) => {
    if (!resolved.has(request)) {
      resolved.add(request);
      await resolve(app.pool, request);
    }
    return request.user;
  });

  // route-level limits only (login); other modules may add their own
  if (!app.hasDecorator('rateLimit')) await app.register(fastifyRateLimit, { global: false });

  app.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const roles = request.routeOptions.config?.roles;
    if (roles === undefined || roles === 'public') return;
    const user = await app.authenticate(request);
    if (!user) throw unauthorized();
    if (request.authVia === 'cookie' && UNSAFE_METHODS.has(request.method)) {
      if (request.headers[CSRF_HEADER] !== '1' && !sameOrigin(request)) {
        throw forbidden('CSRF', `cookie-authenticated ${request.method} requests need the header X-GC-CSRF: 1 or a same-origin Origin`);
      }
    }
    if (roles !== 'any' && !roles.includes(user.role)) {
      throw forbidden('FORBIDDEN_ROLE', `role ${user.role} may not call ${request.method} ${request.routeOptions.url}`);
    }
  });
}

export default fp(authPlugin, { name: 'gc-auth', dependencies: ['gc-db'] });
