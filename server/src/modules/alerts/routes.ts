/**
 * Public alerts of emergency (特急) cases, no login (docs/alerts.md):
 *   GET /api/alerts                     Atom 1.0 feed of the latest CAP messages (?limit=1..200, default 50; ?since=)
 *   GET /api/alerts.json                the same list as JSON
 *   GET /api/alerts/:caseCode/:eventId  one CAP 1.2 message (application/cap+xml)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { capSender, parseCstInstant } from '@gridcommand/shared/domain';
import { badRequest } from '../../plugins/errors.ts';
import { binaryResponse, ERROR_RESPONSES } from '../../plugins/openapi-shapes.ts';
import { ATOM_MIME, CAP_MIME, atomXml, capXml } from './render.ts';
import { AlertFeedQuery, AlertListResponse, AlertParams } from './schemas.ts';
import { feed, messagePath, oneMessage } from './service.ts';

const DEFAULT_LIMIT = 50;

function feedQuery(q: AlertFeedQuery): { since: Date | null; limit: number } {
  let since: Date | null = null;
  if (q.since !== undefined) {
    since = parseCstInstant(q.since);
    if (!since) throw badRequest('BAD_SINCE', 'since must be an RFC 3339 date-time with an offset, e.g. 2026-12-01T08:00:00+08:00 (or a date, 00:00 CST)');
  }
  return { since, limit: q.limit ?? DEFAULT_LIMIT };
}

/** The origin of absolute URLs: the app's public origin (plugins/public-url.ts), never a Host the caller made up. */
function originFor(app: FastifyInstance, request: FastifyRequest): string {
  return app.publicOrigin(request);
}

const alertRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // a public feed without credentials: readable from other sites' pages too (this plugin's routes only)
  app.addHook('onSend', async (_request, reply) => {
    reply.header('access-control-allow-origin', '*').header('cross-origin-resource-policy', 'cross-origin');
  });

  app.get(
    '/api/alerts',
    {
      schema: { querystring: AlertFeedQuery, response: { 200: binaryResponse('Atom 1.0 feed of the latest CAP 1.2 alerts, newest first', ATOM_MIME), ...ERROR_RESPONSES } },
      config: { roles: 'public' },
    },
    async (request, reply) => {
      const f = await feed(app.pool, feedQuery(request.query));
      const origin = originFor(app, request);
      return reply
        .type(`${ATOM_MIME}; charset=utf-8`)
        .header('cache-control', 'public, max-age=15')
        .send(atomXml(f, origin, `${origin}${request.url}`, new Date()));
    },
  );

  app.get(
    '/api/alerts.json',
    { schema: { querystring: AlertFeedQuery, response: { 200: AlertListResponse, ...ERROR_RESPONSES } }, config: { roles: 'public' } },
    async (request, reply) => {
      const f = await feed(app.pool, feedQuery(request.query));
      const origin = originFor(app, request);
      reply.header('cache-control', 'public, max-age=15');
      return {
        sender: capSender(f.district.code),
        updated: f.messages[0]?.sent ?? new Date().toISOString(),
        items: f.messages.map((m) => ({
          identifier: m.identifier,
          sender: m.sender,
          sent: m.sent,
          status: m.status,
          msgType: m.msgType,
          caseCode: m.caseCode,
          category: m.category,
          event: m.event,
          headline: { 'zh-CN': m.texts['zh-CN'].headline, en: m.texts.en.headline },
          urgency: m.urgency,
          severity: m.severity,
          certainty: m.certainty,
          responseType: m.responseType,
          areaDesc: m.areaDesc,
          gridCode: m.gridCode,
          url: `${origin}${messagePath(m)}`,
        })),
      };
    },
  );

  app.get(
    '/api/alerts/:caseCode/:eventId',
    {
      schema: { params: AlertParams, response: { 200: binaryResponse('one CAP 1.2 message (urn:oasis:names:tc:emergency:cap:1.2)', CAP_MIME), ...ERROR_RESPONSES } },
      config: { roles: 'public' },
    },
    async (request, reply) => {
      const m = await oneMessage(app.pool, request.params.caseCode, request.params.eventId);
      // a message never changes once its event exists
      return reply.type(`${CAP_MIME}; charset=utf-8`).header('cache-control', 'public, max-age=3600').send(capXml(m));
    },
  );
};

export default alertRoutes;
