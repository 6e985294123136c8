/**
 * A background pass run every interval (and once at start), never two at a time: the light job, the indicator
 * rollups. Returns a function that stops it and waits for a pass under way. A failed pass is logged and the next one
 * runs as usual (a database restart costs one pass).
 */
import type { FastifyInstance } from 'fastify';

export function startPeriodic<T>(
  app: FastifyInstance,
  opts: { name: string; intervalMs: number; pass: () => Promise<T>; report: (result: T) => void },
): () => Promise<void> {
  let stopped = false;
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (stopped || running) return;
    running = opts
      .pass()
      .then(opts.report)
      .catch((err: unknown) => app.log.warn({ err }, `${opts.name} failed`))
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
