/**
 * Idempotency keys (the `Idempotency-Key` header of every POST that creates or acts). The key is claimed in the
 * write's own transaction, before the write, and completed with the answer before the commit: a retry — even one
 * after a commit whose answer was lost to a database restart — finds the first outcome and writes nothing. Two
 * identical requests at once: the second waits on the first's claim (unique key) and then replays its answer.
 * Keys belong to their caller (scope) and are kept at least 24 hours (`pruneIdempotencyKeys`).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface IdempotencyKey {
  /** who may replay it: 'user:12', 'team:5' */
  scope: string;
  key: string;
  /** hash of the request (method, route, path parameters, body) */
  fingerprint: string;
}

export interface StoredOutcome {
  fingerprint: string;
  status: number;
  body: unknown;
}

/** Printable ASCII without spaces at the ends, 1–200 characters (UUIDs, ULIDs, client-made keys). */
export const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?$/;

/** Keys are kept this long (at least 24 hours, as promised to clients). */
export const IDEMPOTENCY_RETENTION_HOURS = 48;

export function fingerprintOf(parts: { method: string; route: string; params: unknown; body: unknown }): string {
  return createHash('sha256').update(JSON.stringify([parts.method, parts.route, parts.params ?? null, parts.body ?? null])).digest('hex');
}

/** Claims the key; returns null when claimed now, or the outcome stored by the request that claimed it first. */
export async function claimKey(db: Queryable, k: IdempotencyKey): Promise<StoredOutcome | null> {
  const claimed = await db.query(
    `INSERT INTO idempotency_key (scope, key, fingerprint) VALUES ($1, $2, $3) ON CONFLICT (scope, key) DO NOTHING RETURNING 1`,
    [k.scope, k.key, k.fingerprint],
  );
  if ((claimed.rowCount ?? 0) > 0) return null;
  const { rows } = await db.query<{ fingerprint: string; status_code: number; response: unknown }>(
    'SELECT fingerprint, status_code, response FROM idempotency_key WHERE scope = $1 AND key = $2',
    [k.scope, k.key],
  );
  const r = rows[0]!;
  return { fingerprint: r.fingerprint, status: r.status_code, body: r.response };
}

export async function completeKey(db: Queryable, k: IdempotencyKey, status: number, body: unknown): Promise<void> {
  await db.query('UPDATE idempotency_key SET status_code = $3, response = $4::jsonb WHERE scope = $1 AND key = $2', [
    k.scope,
    k.key,
    status,
    JSON.stringify(body ?? null),
  ]);
}

export async function pruneIdempotencyKeys(db: Queryable, hours = IDEMPOTENCY_RETENTION_HOURS): Promise<number> {
  const res = await db.query(`DELETE FROM idempotency_key WHERE created_at < now() - make_interval(hours => $1::int)`, [hours]);
  return res.rowCount ?? 0;
}
