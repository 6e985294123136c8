/** The assessment indicators (/api/indicators, docs/indicators.md) and their rollup job (docs/indicators.md#rollups). */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import { startIndicatorRollups } from './rollup-job.ts';
import indicatorRoutes, { type IndicatorRoutesOptions } from './routes.ts';

export type IndicatorsPluginOptions = IndicatorRoutesOptions & { config: Config };

/** A pass stops starting periods after this long; the rest wait for the next pass. */
const PASS_BUDGET_MS = 20_000;

export default async function indicatorsPlugin(app: FastifyInstance, opts: IndicatorsPluginOptions): Promise<void> {
  await app.register(indicatorRoutes, { now: opts.now, refreshMs: opts.config.indicatorRollupMs });
  const { indicatorRollupMs, lightJobIntervalMs } = opts.config;
  if (indicatorRollupMs > 0 && lightJobIntervalMs > 0) {
    let stop: (() => Promise<void>) | null = null;
    app.addHook('onReady', async () => {
      stop = startIndicatorRollups(app, { intervalMs: indicatorRollupMs, refreshMs: indicatorRollupMs, budgetMs: PASS_BUDGET_MS });
    });
    app.addHook('onClose', async () => {
      await stop?.();
    });
  }
}
