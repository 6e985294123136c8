/**
 * buildApp: the whole HTTP application as a Fastify instance that never listens (main.ts listens; tests inject).
 * Plugins load in dependency order: external (compress, cookie) → app decorators (pool) → error handling → routes
 * → the built client.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import { proxyTrust, type Config } from './config.ts';
import dbPlugin from './plugins/db.ts';
import readPoolPlugin from './plugins/read-pool.ts';
import type { ReadRouter } from './db/read-pool.ts';
import errorsPlugin, { badRequest } from './plugins/errors.ts';
import { clientRoot, registerClient, spaFallback } from './plugins/client.ts';
import { isWellFormedUrl, strictValidatorCompiler } from './plugins/validation.ts';
import healthRoutes from './modules/health/routes.ts';
import openapiPlugin from './modules/openapi/index.ts';
import areasRoutes from './modules/areas/routes.ts';
import gridsRoutes from './modules/grids/routes.ts';
import locateRoutes from './modules/locate/routes.ts';
import tileRoutes from './modules/tiles/routes.ts';
import liveRoutes from './modules/live/routes.ts';
import authPlugin from './plugins/auth.ts';
import publicUrlPlugin from './plugins/public-url.ts';
import casesPlugin from './modules/cases/index.ts';
import catalogueRoutes from './modules/catalogue/routes.ts';
import teamsPlugin from './modules/teams/index.ts';
import statsPlugin from './modules/stats/index.ts';
import indicatorsPlugin from './modules/indicators/index.ts';
import bulletinsPlugin from './modules/bulletins/index.ts';
import unitReportsPlugin from './modules/unit-reports/index.ts';
import assessmentPlugin from './modules/assessment/index.ts';
import fieldPlugin from './modules/field/index.ts';
import open311Plugin from './modules/open311/index.ts';
import alertsPlugin from './modules/alerts/index.ts';
import importPlugin from './modules/import/index.ts';
import exportsPlugin from './modules/exports/index.ts';
import ogcPlugin from './modules/ogc/index.ts';
import deviceSessionsPlugin from './modules/auth/device-sessions.ts';
import auditPlugin from './modules/audit/index.ts';
import specialistPlugin from './modules/specialist/index.ts';
import accountsPlugin from './modules/accounts/index.ts';
import queuesPlugin from './modules/queues/index.ts';
import { TileCache, type TileCacheOptions } from './modules/tiles/cache.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** rendered vector tiles; call tileCache.invalidate() after changing areas or grid staff */
    tileCache: TileCache;
  }
}

export interface BuildAppOptions {
  config: Config;
  pool: pg.Pool;
  /** the lag-tolerant reads' router (a streaming replica, DATABASE_READ_URL); absent: app.readPool is app.pool */
  readRouter?: ReadRouter | null;
  /** Fastify logger options; false (the default) for none */
  logger?: boolean | object;
  /** in-process tile cache; { maxBytes: 0 } disables it. Default: config.tileCacheBytes, entries kept a minute */
  tileCache?: Partial<TileCacheOptions>;
  /** the current time for time-relative reads (statistics periods); tests pin it. Default: the system clock */
  now?: () => Date;
}

export const DEFAULT_TILE_CACHE: TileCacheOptions = { maxBytes: 64 * 1024 * 1024, ttlMs: 60_000 };

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
    // X-Forwarded-For/-Proto/-Host are believed only from the proxies GC_TRUST_PROXY names (none by default)
    trustProxy: opts.config.trustProxy === false ? false : proxyTrust(opts.config.trustProxy),
  })
    .setValidatorCompiler(strictValidatorCompiler)
    .withTypeProvider<TypeBoxTypeProvider>();

  // a URL whose escapes are not UTF-8 (e.g. a lone surrogate as bytes) is refused before any route reads it
  app.addHook('onRequest', async (request) => {
    if (!isWellFormedUrl(request.raw.url ?? '')) throw badRequest('BAD_URL_ENCODING', 'the URL has percent-escapes that are not UTF-8 text');
  });

  // external plugins
  await app.register(fastifyCompress, {
    encodings: ['gzip', 'deflate'],
    threshold: 1024,
    // JSON, GeoJSON, text, vector tiles and the maps' binary open-case snapshot (docs/map-data.md)
    customTypes: /^text\/(?!event-stream)|(?:\+|\/)json(?:;|$)|^application\/vnd\.mapbox-vector-tile|^application\/vnd\.gridcommand\.open-cases/,
  });
  await app.register(fastifyCookie);
  // security headers (nosniff, frame-ancestors, referrer policy, HSTS over https…); the content security policy is
  // left to the deployment's proxy: the map's WebGL workers and inline styles need a policy tuned to it
  await app.register(fastifyHelmet, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });

  // app decorators
  await app.register(dbPlugin, { pool: opts.pool });
  await app.register(readPoolPlugin, { router: opts.readRouter });
  const tileCache = new TileCache({ ...DEFAULT_TILE_CACHE, maxBytes: opts.config.tileCacheBytes, ...opts.tileCache });
  app.decorate('tileCache', tileCache);

  // one error shape; unknown page URLs fall back to the client when it is built
  const client = clientRoot(opts.config.clientDist);
  await app.register(errorsPlugin, { fallback: client ? spaFallback : undefined });
  // who is calling: sessions, wall tokens, route roles, CSRF (before any route)
  await app.register(authPlugin, { config: opts.config });
  await app.register(publicUrlPlugin, { config: opts.config });

  // the API's description, collected from the routes registered below
  await app.register(openapiPlugin);

  // routes
  await app.register(healthRoutes);
  await app.register(areasRoutes);
  await app.register(gridsRoutes);
  await app.register(locateRoutes);
  await app.register(tileRoutes, { cache: tileCache, maxAge: Math.round(tileCache.enabled ? DEFAULT_TILE_CACHE.ttlMs / 1000 : 60) });
  await app.register(liveRoutes, opts.config.live);
  await app.register(catalogueRoutes);
  await app.register(deviceSessionsPlugin, { days: opts.config.deviceSessionDays });
  await app.register(casesPlugin, { config: opts.config });
  await app.register(teamsPlugin, { config: opts.config });
  await app.register(statsPlugin, { now: opts.now });
  await app.register(indicatorsPlugin, { now: opts.now, config: opts.config });
  await app.register(bulletinsPlugin, { now: opts.now });
  await app.register(unitReportsPlugin, { now: opts.now });
  await app.register(assessmentPlugin, { now: opts.now });
  await app.register(fieldPlugin, { config: opts.config });
  await app.register(open311Plugin);
  await app.register(alertsPlugin);
  await app.register(importPlugin, { tileCache });
  await app.register(exportsPlugin);
  await app.register(ogcPlugin);
  await app.register(auditPlugin);
  await app.register(specialistPlugin);
  await app.register(accountsPlugin);
  await app.register(queuesPlugin);

  if (client) await registerClient(app, client);

  await app.ready();
  return app as unknown as FastifyInstance;
}
