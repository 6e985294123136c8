/**
 * The monthly assessment of grid workers and heads of community (月度考核, docs/assessment.md):
 *   GET  /api/assessment?month=&unit=        the sheet of a unit's posts (open month: provisional; closed: as recorded)
 *   GET  /api/assessment.xlsx?month=&unit=   the same as a workbook, one worksheet per street
 *   POST /api/assessment/close {month, unit} the leader's review: records the sheet (409 ALREADY_CLOSED)
 *   GET  /api/assessment/weights, PUT (admin) the duties' weights
 *   POST /api/assessment/leaves, GET          sick leaves with the covering colleague
 * A unit's account (street, zone or community desk or leader) sees its own area only (cases/scope.ts unitOf).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { cstDateKey, monthEnd, monthStart } from '@gridcommand/shared/domain';
import { AssessmentCloseBody, AssessmentCloseResult, AssessmentQuery, AssessmentSheet, AssessmentWeights, LeaveBody, LeaveList, LeaveQuery, LeaveRow } from '@gridcommand/shared/schemas';
import { ERROR_RESPONSES, binaryResponse } from '../../plugins/openapi-shapes.ts';
import type { AuthUser } from '../auth/repository.ts';
import { getWorkCalendar } from '../calendar/repository.ts';
import { XLSX_TYPE } from '../exports/formats.ts';
import { exportFileName } from '../exports/stream.ts';
import { idempotencyKeyOf, sendOutcome } from '../writer/http.ts';
import { userActor } from '../writer/tx.ts';
import { buildSheet, currentWeights, monthSpan } from './compute.ts';
import { addLeave, closeMonth, listLeaves, names, putWeights, resolveUnit } from './service.ts';
import { assessmentWorkbook } from './xlsx.ts';

export interface AssessmentRoutesOptions {
  /** the current time (tests pin it) */
  now?: () => Date;
}

const READ = { roles: ['admin', 'leader', 'dispatcher'] as const };
const REVIEW = { roles: ['admin', 'leader'] as const };

const assessmentRoutes: FastifyPluginAsyncTypebox<AssessmentRoutesOptions> = async (app, opts) => {
  const now = opts.now ?? (() => new Date());

  /** The sheet; `detail` false: rows without lines (the JSON answer's default for the district). */
  async function sheetOf(q: AssessmentQuery, user: AuthUser, detail: (kind: string) => boolean): Promise<AssessmentSheet> {
    const t = now();
    const span = monthSpan(q.month ?? cstDateKey(t).slice(0, 7), t);
    const unit = await resolveUnit(app.pool, user, q.unit);
    const { measures: _m, ...sheet } = await buildSheet(app.pool, unit, span, await getWorkCalendar(app.pool), names(app.pool), detail(unit.kind));
    return sheet;
  }

  app.get(
    '/api/assessment',
    { config: READ, schema: { querystring: AssessmentQuery, response: { 200: AssessmentSheet, ...ERROR_RESPONSES } } },
    // tens of thousands of rows: the district's answer carries each duty's points and fulfilment, not the lines
    async (request) => sheetOf(request.query, request.user!, (kind) => request.query.detail ?? kind !== 'district'),
  );

  app.get(
    '/api/assessment.xlsx',
    { config: READ, schema: { querystring: AssessmentQuery, response: { 200: binaryResponse('the monthly assessment sheet as an Excel workbook', XLSX_TYPE), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      // the workbook is always complete
      const sheet = await sheetOf(request.query, request.user!, () => true);
      const body = await assessmentWorkbook(sheet);
      return reply
        .header('Content-Type', XLSX_TYPE)
        .header('Content-Disposition', `attachment; filename="${exportFileName(`assessment-${sheet.unit.code}-${sheet.month}`, 'xlsx', now())}"`)
        .send(body);
    },
  );

  app.post(
    '/api/assessment/close',
    { config: REVIEW, schema: { body: AssessmentCloseBody, response: { 201: AssessmentCloseResult, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const user = request.user!;
      const out = await closeMonth(app.pool, request, user, request.body, now(), await getWorkCalendar(app.pool), idempotencyKeyOf(request, userActor(user)));
      return sendOutcome(reply, out);
    },
  );

  app.get(
    '/api/assessment/weights',
    { config: READ, schema: { response: { 200: AssessmentWeights, ...ERROR_RESPONSES } } },
    async () => currentWeights(app.pool),
  );

  app.put(
    '/api/assessment/weights',
    { config: { roles: ['admin'] as const }, schema: { body: AssessmentWeights, response: { 200: AssessmentWeights, ...ERROR_RESPONSES } } },
    async (request) => {
      await putWeights(app.pool, request, request.user!, request.body);
      return currentWeights(app.pool);
    },
  );

  app.post(
    '/api/assessment/leaves',
    { config: REVIEW, schema: { body: LeaveBody, response: { 201: LeaveRow, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const user = request.user!;
      return sendOutcome(reply, await addLeave(app.pool, user, request.body, idempotencyKeyOf(request, userActor(user))));
    },
  );

  app.get(
    '/api/assessment/leaves',
    { config: READ, schema: { querystring: LeaveQuery, response: { 200: LeaveList, ...ERROR_RESPONSES } } },
    async (request) => {
      const month = request.query.month ?? cstDateKey(now()).slice(0, 7);
      return { items: await listLeaves(app.pool, request.user!, monthStart(month), monthEnd(month), request.query.user) };
    },
  );
};

export default assessmentRoutes;
