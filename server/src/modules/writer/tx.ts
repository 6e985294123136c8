/**
 * One write = one transaction with its events. `write(pool, actor, fn)` opens the transaction, hands `fn` a
 * WriteTx (the client, the acting party, one clock for the whole change, the events to append), appends the
 * events last, commits, and wakes the readers. `writeOnce` is the same with an idempotency key: the first outcome
 * is stored with the write and a retry gets it back.
 */
import type pg from 'pg';
import type { Role } from '@gridcommand/shared/domain';
import { inTransaction } from '../../db/transaction.ts';
import { HttpError } from '../../plugins/errors.ts';
import type { AuthUser } from '../auth/repository.ts';
import { appendEvents, signalCommitted, type EventActor, type EventDraft } from './events.ts';
import { claimKey, completeKey, type IdempotencyKey } from './idempotency.ts';

/** Who is changing something. Every change is made as an acting party; nobody acts as a made-up admin. */
export type Actor =
  | { kind: 'user'; user: AuthUser }
  /** a team's own phone or vehicle unit (device token): it may report for its team only */
  | { kind: 'device'; teamId: number }
  /** time passing (the light job), or the intake queue writing several callers' reports at once */
  | { kind: 'system'; name: 'light_job' | 'intake' };

export function userActor(user: AuthUser): Actor {
  return { kind: 'user', user };
}

export const LIGHT_JOB: Actor = { kind: 'system', name: 'light_job' };
export const INTAKE: Actor = { kind: 'system', name: 'intake' };

export function eventActorOf(a: Actor): EventActor {
  if (a.kind === 'user') return { id: a.user.id, role: a.user.role };
  if (a.kind === 'device') return { id: null, role: 'team_device' };
  return { id: null, role: 'system' };
}

/** The role whose rights a change is checked against (a device and the light job have none of their own). */
export function roleOf(a: Actor): Role | null {
  return a.kind === 'user' ? (a.user.role as Role) : null;
}

export class WriteTx {
  readonly events: EventDraft[] = [];
  /** who caused each event (the acting party, unless emitted for another: an intake of several callers' cases) */
  readonly eventActors: EventActor[] = [];
  constructor(
    readonly pool: pg.Pool,
    readonly client: pg.PoolClient,
    readonly actor: Actor,
    readonly now: Date,
  ) {}

  emit(...events: EventDraft[]): void {
    this.emitAs(eventActorOf(this.actor), ...events);
  }

  emitAs(actor: EventActor, ...events: EventDraft[]): void {
    for (const e of events) {
      this.events.push(e);
      this.eventActors.push(actor);
    }
  }

  get user(): AuthUser | null {
    return this.actor.kind === 'user' ? this.actor.user : null;
  }
}

export interface WriteOptions {
  /** the instant of the change (tests pin it); default now */
  now?: Date;
}

async function run<T>(pool: pg.Pool, actor: Actor, fn: (tx: WriteTx) => Promise<T>, opts: WriteOptions): Promise<{ result: T; eventIds: number[] }> {
  const out = await inTransaction(pool, async (client) => {
    const tx = new WriteTx(pool, client, actor, opts.now ?? new Date());
    const result = await fn(tx);
    const eventIds = await appendEvents(client, tx.events, tx.eventActors);
    return { result, eventIds };
  });
  if (out.eventIds.length > 0) signalCommitted(pool);
  return out;
}

export async function write<T>(pool: pg.Pool, actor: Actor, fn: (tx: WriteTx) => Promise<T>, opts: WriteOptions = {}): Promise<T> {
  return (await run(pool, actor, fn, opts)).result;
}

/** Appends events alone, as one write (tests and benchmarks of the live stream); returns their ids. */
export async function writeEvents(pool: pg.Pool, actor: Actor, events: readonly EventDraft[]): Promise<number[]> {
  return (await run(pool, actor, async (tx) => tx.emit(...events), {})).eventIds;
}

/** What a route answers. */
export interface Outcome<B = unknown> {
  status: number;
  body: B;
  /** true when this is the stored answer of an earlier request with the same Idempotency-Key */
  replayed?: boolean;
}

export async function writeOnce<B>(
  pool: pg.Pool,
  actor: Actor,
  key: IdempotencyKey | null,
  fn: (tx: WriteTx) => Promise<Outcome<B>>,
  opts: WriteOptions = {},
): Promise<Outcome<B>> {
  if (!key) return write(pool, actor, fn, opts);
  return write(
    pool,
    actor,
    async (tx) => {
      const prior = await claimKey(tx.client, key);
      if (prior) {
        if (prior.fingerprint !== key.fingerprint) {
          throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request: use a new key for a new request');
        }
        return { status: prior.status, body: prior.body as B, replayed: true };
      }
      const out = await fn(tx);
      await completeKey(tx.client, key, out.status, out.body);
      return out;
    },
    opts,
  );
}
