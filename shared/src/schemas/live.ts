/**
 * The live stream (GET /api/live, Server-Sent Events). Every SSE message is one row of the event table:
 *
 *   id: 1234                 the event id (monotonically increasing; use it as Last-Event-ID)
 *   event: case.light        the event type
 *   data: {…LiveEvent JSON…}
 *
 * The stream starts with `retry: 2000` and carries `: heartbeat` comments while idle.
 */
import { Type, type Static } from 'typebox';

/** Query parameters of GET /api/live. */
export const LiveQuery = Type.Object({
  street: Type.Optional(
    Type.String({
      pattern: '^[0-9]{9}(?:,[0-9]{9})*$',
      errorMessage: 'must be one or more 9-digit street codes separated by commas',
    }),
  ),
  types: Type.Optional(
    Type.String({
      pattern: '^[a-z0-9_.*]+(?:,[a-z0-9_.*]+)*$',
      maxLength: 1000,
      errorMessage: 'must be event types separated by commas (a trailing ".*" matches a prefix, e.g. case.*)',
    }),
  ),
  /** replay from this id on (exclusive); the same as the Last-Event-ID header, for clients that cannot set headers */
  lastEventId: Type.Optional(Type.Integer({ minimum: 0 })),
  /** without Last-Event-ID: start after this id instead of "now" */
  since: Type.Optional(Type.Integer({ minimum: 0 })),
  /** wall display token (checked by the auth plugin) */
  token: Type.Optional(Type.String({ maxLength: 200 })),
});
export type LiveQuery = Static<typeof LiveQuery>;
