/**
 * recordAudit: one row of audit_log for an action that is not a case or team event. Awaited by the handler, on its
 * transaction's client when it has one (else on the pool, right after the change). Nothing a client sends can make
 * the insert fail (text is capped and cleaned of NUL, which PostgreSQL text refuses); only a database that is down
 * does, and that is the usual 503. The detail never holds a password, a token or a key: fields with such names are
 * dropped here whatever the caller passes.
 */
import type { FastifyRequest } from 'fastify';
import type { AuditAction } from '@gridcommand/shared/schemas';
import { insertAudit, type Queryable } from './repository.ts';

export interface AuditWho {
  id: number;
  username: string;
  role: string;
}

export interface AuditExtra {
  /** who acted, when the request has no user yet (a login); default request.user */
  user?: AuditWho | null;
  /** the login name tried (a failed login) */
  username?: string;
  objectType?: string;
  objectId?: string | number;
  detail?: Record<string, unknown>;
}

const SECRET_FIELD = /pass|token|secret|key$|hash|cookie/i;
const MAX_TEXT = 200;

/** Text as stored: no NUL, at most MAX_TEXT characters. */
function clean(s: string): string {
  return s.replaceAll('\u0000', '').slice(0, MAX_TEXT);
}

function cleanValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return clean(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean' || v === null) return v;
  if (depth > 3) return null;
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => cleanValue(x, depth + 1));
  if (typeof v === 'object') return cleanDetail(v as Record<string, unknown>, depth + 1);
  return null;
}

export function cleanDetail(detail: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(detail)) {
    if (SECRET_FIELD.test(k) || v === undefined) continue;
    out[clean(k)] = cleanValue(v, depth);
  }
  return out;
}

export async function recordAudit(db: Queryable, request: FastifyRequest, action: AuditAction, extra: AuditExtra = {}): Promise<void> {
  const user = extra.user === undefined ? request.user : extra.user;
  const username = extra.username ?? user?.username ?? null;
  await insertAudit(db, {
    userId: user?.id ?? null,
    username: username === null ? null : clean(username),
    role: user?.role ?? null,
    address: clean(request.ip ?? ''),
    action,
    objectType: extra.objectType ?? null,
    objectId: extra.objectId === undefined ? null : clean(String(extra.objectId)),
    detail: cleanDetail(extra.detail ?? {}),
  });
}
