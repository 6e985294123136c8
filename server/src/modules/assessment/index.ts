/**
 * The monthly assessment (月度考核, docs/assessment.md) as one plugin: the leader's sheet, weights and leaves
 * (routes.ts) and the worker's duty records and score (field-routes.ts). Register after the auth plugin:
 * `await app.register(assessmentPlugin, { now })`.
 */
import type { FastifyInstance } from 'fastify';
import fieldAssessmentRoutes from './field-routes.ts';
import assessmentRoutes, { type AssessmentRoutesOptions } from './routes.ts';

export default async function assessmentPlugin(app: FastifyInstance, opts: AssessmentRoutesOptions): Promise<void> {
  await app.register(assessmentRoutes, opts);
  await app.register(fieldAssessmentRoutes, opts);
}
