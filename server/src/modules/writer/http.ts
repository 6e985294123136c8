/** The writer seen from a route: the acting party and the idempotency key of a request, and sending an outcome. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from '../../plugins/errors.ts';
import { IDEMPOTENCY_KEY_RE, fingerprintOf, type IdempotencyKey } from './idempotency.ts';
import type { Actor, Outcome } from './tx.ts';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';

function scopeOf(actor: Actor): string {
  if (actor.kind === 'user') return `user:${actor.user.id}`;
  if (actor.kind === 'device') return `team:${actor.teamId}`;
  return `system:${actor.name}`;
}

/** The request's Idempotency-Key (null without one); a malformed key is refused with 400. */
export function idempotencyKeyOf(request: FastifyRequest, actor: Actor): IdempotencyKey | null {
  const raw = request.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return null;
  if (Array.isArray(raw) || !IDEMPOTENCY_KEY_RE.test(raw)) {
    throw badRequest('BAD_IDEMPOTENCY_KEY', 'header "Idempotency-Key" must be given once, 1–200 printable ASCII characters (e.g. a UUID)');
  }
  return {
    scope: scopeOf(actor),
    key: raw,
    fingerprint: fingerprintOf({ method: request.method, route: request.routeOptions.url ?? request.url, params: request.params, body: request.body }),
  };
}

export function sendOutcome(reply: FastifyReply, out: Outcome): FastifyReply {
  if (out.replayed) reply.header(REPLAYED_HEADER, 'true');
  return reply.status(out.status).send(out.body);
}
