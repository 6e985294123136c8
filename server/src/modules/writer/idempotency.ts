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

/** Claims several keys at once; returns the stored outcome of each key another request claimed first. */
export async function claimKeys(db: Queryable, keys: readonly IdempotencyKey[]): Promise<Map<string, StoredOutcome>> {
  const prior = new Map<string, StoredOutcome>();
  if (keys.length === 0) return prior;
  const { rows: claimed } = await db.query<{ scope: string; key: string }>(
    `INSERT INTO idempotency_key (scope, key, fingerprint)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (scope, key) DO NOTHING RETURNING scope, key`,
    [keys.map((k) => k.scope), keys.map((k) => k.key), keys.map((k) => k.fingerprint)],
  );
  const mine = new Set(claimed.map((r) => keyId(r)));
  const others = keys.filter((k) => !mine.has(keyId(k)));
  if (others.length === 0) return prior;
  const { rows } = await db.query<{ scope: string; key: string; fingerprint: string; status_code: number; response: unknown }>(
    `SELECT i.scope, i.key, i.fingerprint, i.status_code, i.response
     FROM idempotency_key i JOIN unnest($1::text[], $2::text[]) AS k(scope, key) ON i.scope = k.scope AND i.key = k.key`,
    [others.map((k) => k.scope), others.map((k) => k.key)],
  );
  for (const r of rows) prior.set(keyId(r), { fingerprint: r.fingerprint, status: r.status_code, body: r.response });
  return prior;
}

/** Stores the outcomes of several claimed keys. */
export async function completeKeys(db: Queryable, done: readonly { key: IdempotencyKey; status: number; body: unknown }[]): Promise<void> {
  if (done.length === 0) return;
  await db.query(
    `UPDATE idempotency_key i SET status_code = d.status, response = d.body
     FROM jsonb_to_recordset($1::jsonb) AS d(scope text, key text, status smallint, body jsonb)
     WHERE i.scope = d.scope AND i.key = d.key`,
    [JSON.stringify(done.map((d) => ({ scope: d.key.scope, key: d.key.key, status: d.status, body: d.body ?? null })))],
  );
}

/** Gives claimed keys back (their requests were refused: a refused request keeps no key). */
export async function releaseKeys(db: Queryable, keys: readonly IdempotencyKey[]): Promise<void> {
  if (keys.length === 0) return;
  await db.query(
    `DELETE FROM idempotency_key i USING unnest($1::text[], $2::text[]) AS k(scope, key) WHERE i.scope = k.scope AND i.key = k.key`,
    [keys.map((k) => k.scope), keys.map((k) => k.key)],
  );
}

export function keyId(k: { scope: string; key: string }): string {
  return `${k.scope}\u0000${k.key}`;
}
