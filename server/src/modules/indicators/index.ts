/** The assessment indicators (/api/indicators, docs/indicators.md). */
import type { FastifyInstance } from 'fastify';
import indicatorRoutes, { type IndicatorRoutesOptions } from './routes.ts';

export type IndicatorsPluginOptions = IndicatorRoutesOptions;

export default async function indicatorsPlugin(app: FastifyInstance, opts: IndicatorsPluginOptions): Promise<void> {
  await app.register(indicatorRoutes, opts);
}
