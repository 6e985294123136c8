/** The zero-report rule (零报制): report kinds, submissions, who has and hasn't reported (docs/bulletins.md). */
import type { FastifyInstance } from 'fastify';
import unitReportRoutes, { type UnitReportRoutesOptions } from './routes.ts';

export { missingReports, unitReportStatuses } from './status.ts';

export default async function unitReportsPlugin(app: FastifyInstance, opts: UnitReportRoutesOptions): Promise<void> {
  await app.register(unitReportRoutes, opts);
}
