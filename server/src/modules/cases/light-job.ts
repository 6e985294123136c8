/**
 * The light job: lights change as time passes, not only when someone reads a case. Every interval it takes
 * the cases whose next_light_at has come (partial index), recomputes their light with the shared rules,
 * stores it with the next instant to look again, bumps the version when the light changed, opens or closes
 * supervision records, and appends case.light / supervision.* events — one transaction per batch.
 * `FOR UPDATE SKIP LOCKED` lets several server processes run it side by side without doing a case twice.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Light } from '@gridcommand/shared/domain';
import { appendEvents, type NewEvent } from '../live/events.ts';
import { currentLight, nextLightAt, settleLight, type LightInput } from './lights.ts';
import { inTransaction } from './service.ts';

export interface LightJobResult {
  checked: number;
  changed: number;
  events: number;
}

const BATCH = 500;

interface DueRow extends LightInput {
  light: Light;
  street_code: string;
  lon: number;
  lat: number;
}

async function runBatch(pool: pg.Pool, now: Date): Promise<LightJobResult> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<DueRow>(
      `SELECT id, status, accepted_at, respond_by, respond_warn_at, respond_red_at, resolve_by, resolve_warn_at, resolve_red_at,
              light, street_code, ST_X(location) AS lon, ST_Y(location) AS lat
       FROM cases WHERE next_light_at <= $1
       ORDER BY next_light_at LIMIT $2
       FOR UPDATE SKIP LOCKED`,
      [now, BATCH],
    );
    const events: NewEvent[] = [];
    let changed = 0;
    for (const r of rows) {
      const light = currentLight(r, now);
      const next = nextLightAt(r, now);
      const bump = light !== r.light;
      await client.query(
        `UPDATE cases SET light = $2, next_light_at = $3${bump ? ', version = version + 1, updated_at = $4' : ''} WHERE id = $1`,
        bump ? [r.id, light, next, now] : [r.id, light, next],
      );
      if (!bump) continue;
      changed++;
      events.push(
        ...(await settleLight(client, {
          caseId: r.id, streetCode: r.street_code, lon: r.lon, lat: r.lat, status: r.status,
          from: r.light, to: light, now, actorId: null, actorRole: 'system',
        })),
      );
    }
    await appendEvents(client, events);
    return { checked: rows.length, changed, events: events.length };
  });
}

/** Runs the job until no case is due at `now` (tests inject a future `now`). */
export async function runLightJobOnce(pool: pg.Pool, now: Date = new Date()): Promise<LightJobResult> {
  const total: LightJobResult = { checked: 0, changed: 0, events: 0 };
  for (;;) {
    const r = await runBatch(pool, now);
    total.checked += r.checked;
    total.changed += r.changed;
    total.events += r.events;
    if (r.checked < BATCH) return total;
  }
}

/** Starts the periodic job; returns a function that stops it (and waits for a running pass). */
export function startLightJob(app: FastifyInstance, opts: { intervalMs: number }): () => Promise<void> {
  let stopped = false;
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (stopped || running) return;
    running = runLightJobOnce(app.pool)
      .then((r) => {
        if (r.changed > 0) app.log.info({ lights: r }, 'light job');
      })
      .catch((err: unknown) => app.log.warn({ err }, 'light job failed'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  setTimeout(tick, 0).unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
