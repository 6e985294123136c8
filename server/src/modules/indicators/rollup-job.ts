/**
 * The indicator rollup job (docs/indicators.md#rollups): each pass takes the writes recorded since the last one
 * (marking the periods over that they concern dirty) and drops the days older than DAYS_KEPT, then computes the periods the domain's rollupPlan names —
 * the running ones whose numbers are older than the refresh interval, then the periods over that are missing,
 * were computed while running or are dirty — until its time budget is spent. One process runs it (GC_JOBS).
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { cstDateKey, firstDayKept, rollupPeriods, rollupPlan, type CalendarPeriod } from '@gridcommand/shared/domain';
import { startPeriodic } from '../../plugins/periodic.ts';
import { getWorkCalendar } from '../calendar/repository.ts';
import { computePeriod, consumeTouches, dropDaysBefore, firstReport, storedPeriods } from './rollup-repository.ts';

export interface RollupPassOptions {
  now?: Date;
  /** running periods older than this are computed again */
  refreshMs: number;
  /** stop starting periods after this long (the rest wait for the next pass); Infinity: all */
  budgetMs?: number;
  /** cases per page of the duration cursor (rollup-repository.ts DURATION_PAGE); tests page small */
  durationPage?: number;
}

export interface RollupPassResult {
  dirtied: number;
  /** day periods dropped for being older than DAYS_KEPT */
  dropped: number;
  computed: { kind: CalendarPeriod; start: string; ms: number }[];
  /** periods still due when the budget ran out */
  left: number;
}

export async function runIndicatorRollups(pool: pg.Pool, opts: RollupPassOptions): Promise<RollupPassResult> {
  const now = opts.now ?? new Date();
  const budget = opts.budgetMs ?? Infinity;
  const began = Date.now();
  const dirtied = await consumeTouches(pool);
  const dropped = await dropDaysBefore(pool, firstDayKept(now));
  const first = await firstReport(pool);
  if (!first) return { dirtied, dropped, computed: [], left: 0 };
  const plan = rollupPlan(rollupPeriods(cstDateKey(first), now), await storedPeriods(pool), now, opts.refreshMs);
  const cal = await getWorkCalendar(pool);
  const computed: RollupPassResult['computed'] = [];
  for (const p of plan) {
    if (Date.now() - began >= budget) break;
    const t0 = Date.now();
    const to = p.end.getTime() <= now.getTime() ? p.end : now;
    await computePeriod(pool, { kind: p.kind, start: p.start, from: p.from, end: p.end, to, computedAt: now }, cal, opts.durationPage);
    computed.push({ kind: p.kind, start: p.start, ms: Date.now() - t0 });
  }
  return { dirtied, dropped, computed, left: plan.length - computed.length };
}

/** Starts the periodic job; returns a function that stops it (and waits for a running pass). */
export function startIndicatorRollups(app: FastifyInstance, opts: { intervalMs: number; refreshMs: number; budgetMs: number }): () => Promise<void> {
  return startPeriodic(app, {
    name: 'indicator rollups',
    intervalMs: opts.intervalMs,
    pass: () => runIndicatorRollups(app.pool, { refreshMs: opts.refreshMs, budgetMs: opts.budgetMs }),
    report: (r) => {
      if (r.computed.length > 0) app.log.info({ periods: r.computed.length, left: r.left, ms: r.computed.reduce((a, b) => a + b.ms, 0) }, 'indicator rollups');
    },
  });
}
