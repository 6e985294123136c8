/**
 * The zero-report rule (零报制, docs/bulletins.md#zero-report):
 *   GET  /api/unit-reports/kinds            the report kinds
 *   GET  /api/unit-reports?period&kind      every required unit's status for the period, scoped to the caller's unit
 *   GET  /api/unit-reports/missing?period   the units that did not report by the deadline (missing or late)
 *   POST /api/unit-reports                  a unit's leader or dispatcher reports for its own unit (201; 409 a second
 *                                           time; 400 a period not begun; 403 another unit; 422 a kind not for the unit)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NOTHING_TO_REPORT_TEXT, cstDateKey, formatCstIso, periodHasBegun, reportPeriodStart, reportStatus, submissionProblem } from '@gridcommand/shared/domain';
import {
  ErrorResponse,
  MissingReportsQuery,
  RefusalResponse,
  ReportKindList,
  UnitReport,
  UnitReportBody,
  UnitReportStatusList,
  UnitReportsQuery,
} from '@gridcommand/shared/schemas';
import { ERROR_RESPONSES } from '../../plugins/openapi-shapes.ts';
import { HttpError, badRequest, conflict, notFound } from '../../plugins/errors.ts';
import { forbidden } from '../../plugins/auth.ts';
import { unitOf } from '../cases/scope.ts';
import { idempotencyKeyOf, sendOutcome } from '../writer/http.ts';
import { userActor, writeOnce } from '../writer/tx.ts';
import * as repo from './repository.ts';
import { reportFilterOf, totalsOf, unitReportStatuses } from './status.ts';

export interface UnitReportRoutesOptions {
  now?: () => Date;
}

const READERS = ['admin', 'leader', 'dispatcher'] as const;
const KIND_READERS = ['admin', 'leader', 'dispatcher', 'handler'] as const;
const SUBMITTERS = ['leader', 'dispatcher'] as const;
const refusals = { '4xx': RefusalResponse, '5xx': ErrorResponse };

const present = (r: repo.ReportRow, status: UnitReport['status']): UnitReport => ({
  id: r.id,
  kindCode: r.kindCode,
  unitCode: r.unitCode,
  periodStart: r.periodStart,
  nothingToReport: r.nothingToReport,
  body: r.body ?? NOTHING_TO_REPORT_TEXT,
  counts: r.counts,
  submittedAt: formatCstIso(r.submittedAt),
  status,
});

const unitReportRoutes: FastifyPluginAsyncTypebox<UnitReportRoutesOptions> = async (app, opts) => {
  const now = opts.now ?? (() => new Date());
  const dayOf = (period: string | undefined) => (period ? `${period}-01` : cstDateKey(now()));

  app.get(
    '/api/unit-reports/kinds',
    { config: { roles: KIND_READERS }, schema: { summary: 'The periodic report kinds (零报制)', response: { 200: ReportKindList, ...ERROR_RESPONSES } } },
    async () => ({ items: await repo.listKinds(app.pool) }),
  );

  app.get(
    '/api/unit-reports',
    { config: { roles: READERS }, schema: { summary: 'Who has and has not reported for a period', querystring: UnitReportsQuery, response: { 200: UnitReportStatusList, ...ERROR_RESPONSES } } },
    async (request) => {
      const { period, kind } = request.query;
      if (kind !== undefined && !(await repo.findKind(app.pool, kind))) throw notFound('REPORT_KIND_NOT_FOUND', `report kind ${kind} not found`);
      const items = await unitReportStatuses(app.pool, dayOf(period), reportFilterOf(request.user!), now(), { kindCode: kind, ownUnit: request.user!.unitCode });
      return { period: dayOf(period).slice(0, 7), items, totals: totalsOf(items) };
    },
  );

  app.get(
    '/api/unit-reports/missing',
    { config: { roles: READERS }, schema: { summary: 'The units that did not report by the deadline', querystring: MissingReportsQuery, response: { 200: UnitReportStatusList, ...ERROR_RESPONSES } } },
    async (request) => {
      const day = dayOf(request.query.period);
      const items = (await unitReportStatuses(app.pool, day, reportFilterOf(request.user!), now(), { ownUnit: request.user!.unitCode })).filter((r) => r.status === 'missing' || r.status === 'late');
      return { period: day.slice(0, 7), items, totals: totalsOf(items) };
    },
  );

  app.post(
    '/api/unit-reports',
    {
      config: { roles: SUBMITTERS },
      schema: { summary: "Submit a unit's periodic report (or 本期无情况)", body: UnitReportBody, response: { 201: UnitReport, ...refusals } },
    },
    async (request, reply) => {
      const user = request.user!;
      const b = request.body;
      const unit = unitOf(user);
      if (!unit || unit.kind === 'district') throw forbidden('REPORT_NO_UNIT', 'the district centre files no unit reports; a unit reports for itself');
      if (b.unitCode !== undefined && b.unitCode !== unit.code) throw forbidden('REPORT_OTHER_UNIT', `an account of ${unit.code} reports for its own unit only`);
      const kind = await repo.findKind(app.pool, b.kind);
      if (!kind || !kind.active) throw notFound('REPORT_KIND_NOT_FOUND', `report kind ${b.kind} not found`);
      if (kind.unitKind !== unit.kind) throw new HttpError(422, 'REPORT_NOT_REQUIRED', `${kind.name} is filed by ${kind.unitKind} units, not by a ${unit.kind}`);
      const start = reportPeriodStart(kind.period, `${b.period}-01`);
      const t = now();
      if (!periodHasBegun(start, t)) throw badRequest('BAD_PERIOD', `the period starting ${start} has not begun yet`);
      const problem = submissionProblem(b.nothingToReport, b.body);
      if (problem === 'BODY_REQUIRED') throw new HttpError(422, problem, 'a report needs a body, or nothingToReport: true (本期无情况)');
      if (problem === 'BODY_WITH_NOTHING') throw new HttpError(422, problem, 'a report with nothing to report has no body');
      const actor = userActor(user);
      return sendOutcome(
        reply,
        await writeOnce<UnitReport>(app.pool, actor, idempotencyKeyOf(request, actor), async (tx) => {
          const row = await repo.insertReport(tx.client, {
            kindCode: kind.code,
            unitCode: unit.code,
            periodStart: start,
            nothingToReport: b.nothingToReport,
            body: b.nothingToReport ? NOTHING_TO_REPORT_TEXT : b.body!.trim(),
            counts: b.counts ?? {},
            submittedBy: user.id,
            submittedAt: t,
          });
          if (!row) {
            const current = await repo.findReport(tx.client, kind.code, unit.code, start);
            throw conflict('REPORT_EXISTS', `${unit.code} already reported ${kind.name} for the period starting ${start}`, current ? { current: present(current, reportStatus(kind, start, current.submittedAt, t)) } : undefined);
          }
          return { status: 201, body: present(row, reportStatus(kind, start, row.submittedAt, t)) };
        }),
      );
    },
  );
};

export default unitReportRoutes;
