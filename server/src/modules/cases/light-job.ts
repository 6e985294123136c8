/**
 * The light job: lights change as time passes, not only when someone reads a case. Every interval it takes
 * the cases whose next_light_at has come (partial index), recomputes their light with the shared rules,
 * stores it with the next instant to look again, bumps the version when the light changed, opens or closes
 * supervision records, and appends case.light / supervision.* events — one transaction per batch, through the
 * case writer (../writer/cases.ts) as the acting party `light_job`.
 * `FOR UPDATE SKIP LOCKED` lets several server processes run it side by side without doing a case twice.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { startPeriodic } from '../../plugins/periodic.ts';
import { settleDueLights } from '../writer/cases.ts';
import { LIGHT_JOB, write } from '../writer/tx.ts';

export interface LightJobResult {
  checked: number;
  changed: number;
}

const BATCH = 500;

async function runBatch(pool: pg.Pool, now: Date): Promise<LightJobResult> {
  return write(pool, LIGHT_JOB, (tx) => settleDueLights(tx, BATCH), { now });
}

/** Runs the job until no case is due at `now` (tests inject a future `now`). */
export async function runLightJobOnce(pool: pg.Pool, now: Date = new Date()): Promise<LightJobResult> {
  const total: LightJobResult = { checked: 0, changed: 0 };
  for (;;) {
    const r = await runBatch(pool, now);
    total.checked += r.checked;
    total.changed += r.changed;
    if (r.checked < BATCH) return total;
  }
}

/** Starts the periodic job; returns a function that stops it (and waits for a running pass). */
export function startLightJob(app: FastifyInstance, opts: { intervalMs: number }): () => Promise<void> {
  return startPeriodic(app, {
    name: 'light job',
    intervalMs: opts.intervalMs,
    pass: () => runLightJobOnce(app.pool),
    report: (r) => {
      if (r.changed > 0) app.log.info({ lights: r }, 'light job');
    },
  });
}
