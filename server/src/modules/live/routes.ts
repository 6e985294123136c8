/**
 * GET /api/live — the live stream (Server-Sent Events) of the event table.
 *
 *   retry: 2000                      (first, once)
 *   id: <event id>                   (increasing; the browser sends it back as Last-Event-ID on reconnect)
 *   event: <type>                    (case.created, case.light, team.moved, …)
 *   data: <LiveEvent JSON>
 *   : heartbeat                      (a comment every heartbeatMs)
 *
 * Where the stream starts: after the `Last-Event-ID` header's id, else after `?lastEventId=`, else after `?since=`
 * (all three replay from the table, in order, then continue live without a gap or a duplicate); with none of them,
 * at "now". Filters: `?street=CODE[,CODE]` (events of those streets plus events that have no street, such as
 * district-wide or system events) and `?types=case.light,case.created` (`case.*` matches a prefix).
 *
 * Registers the process's LiveHub as `app.liveHub`.
 */
import { binaryResponse } from '../../plugins/openapi-shapes.ts';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { ErrorResponse, LiveQuery } from '@gridcommand/shared/schemas';
import { HttpError } from '../../plugins/errors.ts';
import { onEventsCommitted } from '../writer/events.ts';
import { LiveHub, maxEventId, parseFilter } from './hub.ts';
import { liveScopeOf } from './unit-scope.ts';
import { LiveStream } from './stream.ts';

declare module 'fastify' {
  interface FastifyInstance {
    liveHub: LiveHub;
  }
}


export interface LivePluginOptions {
  /** defaults to app.pool */
  pool?: pg.Pool;
  /** heartbeat comment interval (ms); default 15 s */
  heartbeatMs?: number;
  /** safety poll of the event table (ms); default 2 s */
  pollMs?: number;
  /** events queued for one slow client before it is dropped; default 10,000 */
  maxQueue?: number;
  /** rows per replay query; default 1,000 */
  replayPageSize?: number;
  /** SSE `retry:` advice to browsers (ms); default 2,000 */
  retryMs?: number;
  /** how long a request waits for a hub that has not reached the database yet before 503; default 3 s */
  readyWaitMs?: number;
}

const HEADER_ID = /^\d{1,15}$/;

function lastEventIdHeader(value: string | string[] | undefined): number | null {
  const v = Array.isArray(value) ? value[value.length - 1] : value;
  if (v === undefined) return null;
  const t = v.trim();
  // an unusable value (e.g. from another system) is ignored: the client starts from now instead of failing forever
  return HEADER_ID.test(t) ? Number(t) : null;
}

async function livePlugin(app: FastifyInstance, opts: LivePluginOptions): Promise<void> {
  const pool = opts.pool ?? app.pool;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const maxQueue = opts.maxQueue ?? 10_000;
  const replayPageSize = opts.replayPageSize ?? 1_000;
  const retryMs = opts.retryMs ?? 2_000;
  const readyWaitMs = opts.readyWaitMs ?? 3_000;

  const hub = new LiveHub({ pool, pollMs: opts.pollMs ?? 2_000, log: app.log });
  app.decorate('liveHub', hub);
  const streams = new Set<LiveStream>();

  // this process's writers wake the hub at once; other processes' writers through NOTIFY
  const offCommitted = onEventsCommitted(pool, () => hub.requestRead());
  await hub.start();

  const heartbeat = setInterval(() => {
    for (const s of streams) s.comment('heartbeat');
  }, heartbeatMs);
  heartbeat.unref();

  // open streams would keep server.close() waiting: end them first
  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    for (const s of streams) s.end(); // deleting the current element while iterating a Set is safe
  });
  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    offCommitted();
    await hub.stop();
  });

  // who may connect is enforced by the auth plugin's onRequest hook: 'any' = every signed-in role (session
  // cookie) and wall display tokens (?token= or Authorization: Bearer); the public may not
  const routeConfig = { roles: 'any' as const };

  app.get(
    '/api/live',
    {
      config: routeConfig,
      schema: { querystring: LiveQuery, response: { 200: binaryResponse('the live stream (server-sent events: id, event, data = a LiveEvent)', 'text/event-stream'), '4xx': ErrorResponse, '5xx': ErrorResponse } },
    },
    async (request, reply) => {
      const query = request.query as LiveQuery;
      // what the client asks for, within what its role may see
      const filter = parseFilter(query.street, query.types, await liveScopeOf(app.pool, request.user!));
      let replayAfter = lastEventIdHeader(request.headers['last-event-id']) ?? query.lastEventId ?? query.since ?? null;

      if (!hub.ready && !(await hub.whenReady(readyWaitMs))) {
        reply.header('Retry-After', '5');
        throw new HttpError(503, 'DB_UNAVAILABLE', 'live stream unavailable: the database cannot be reached, retry shortly');
      }
      // an id beyond the end of the table (the database was reset or restored): start from the hub's position. An id
      // another process has delivered but this one not yet: nothing to replay, the hub's next batches carry on
      if (replayAfter !== null && replayAfter > hub.lastSeen && replayAfter > (await maxEventId(pool))) replayAfter = hub.lastSeen;

      reply.hijack();
      const res = reply.raw;
      const socket = request.raw.socket;
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write(`retry: ${retryMs}\n: connected\n\n`);

      const stream = new LiveStream(res, {
        filter,
        maxQueue,
        replayPageSize,
        onClose: (s, reason) => {
          streams.delete(s);
          if (reason !== 'client gone' && reason !== 'server closing') request.log.info({ reason, sent: s.sent }, 'live: stream dropped');
        },
      });
      streams.add(stream);
      await stream.run(hub, pool, replayAfter, request.log);
    },
  );
}

export default fp(livePlugin, { name: 'gc-live', fastify: '5.x' });
