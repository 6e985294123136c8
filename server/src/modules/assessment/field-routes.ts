/**
 * The worker's side of the assessment (docs/assessment.md):
 *   POST /api/field/duties          record an information change, a renter household meeting or a newcomer (own grids)
 *   GET  /api/field/duties?month=   my records of a month
 *   GET  /api/field/me/score?month= my score, what moved it and what is still missing
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { cstDateKey, missingItems, monthDays, monthWindow, weekStart } from '@gridcommand/shared/domain';
import { DutyList, DutyListQuery, DutyRecord, DutyRecordBody, MyScore, MyScoreQuery } from '@gridcommand/shared/schemas';
import { ERROR_RESPONSES } from '../../plugins/openapi-shapes.ts';
import { getWorkCalendar } from '../calendar/repository.ts';
import { idempotencyKeyOf, sendOutcome } from '../writer/http.ts';
import { userActor } from '../writer/tx.ts';
import { buildSheet, monthSpan } from './compute.ts';
import * as repo from './repository.ts';
import { addDuty, names, presentDuty } from './service.ts';
import type { AssessmentRoutesOptions } from './routes.ts';

const WORKER = { roles: ['worker'] as const };

const fieldAssessmentRoutes: FastifyPluginAsyncTypebox<AssessmentRoutesOptions> = async (app, opts) => {
  const now = opts.now ?? (() => new Date());

  app.post(
    '/api/field/duties',
    { config: WORKER, schema: { body: DutyRecordBody, response: { 201: DutyRecord, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const user = request.user!;
      return sendOutcome(reply, await addDuty(app.pool, user, request.body, await getWorkCalendar(app.pool), now(), idempotencyKeyOf(request, userActor(user))));
    },
  );

  app.get(
    '/api/field/duties',
    { config: WORKER, schema: { querystring: DutyListQuery, response: { 200: DutyList, ...ERROR_RESPONSES } } },
    async (request) => {
      const t = now();
      const month = request.query.month ?? cstDateKey(t).slice(0, 7);
      monthSpan(month, t); // refuses a month not begun
      const whole = monthWindow(month)!;
      const [rows, cal] = await Promise.all([repo.listDutyRecords(app.pool, request.user!.id, whole.from, whole.to, request.query.kind ?? null), getWorkCalendar(app.pool)]);
      return { items: rows.map((r) => presentDuty(r, cal)) };
    },
  );

  app.get(
    '/api/field/me/score',
    { config: WORKER, schema: { querystring: MyScoreQuery, response: { 200: MyScore, ...ERROR_RESPONSES } } },
    async (request) => {
      const user = request.user!;
      const t = now();
      const month = request.query.month ?? cstDateKey(t).slice(0, 7);
      const span = monthSpan(month, t);
      const empty = { month, days: span.days, rows: [], missing: [], weekVisits: 0 };
      const me = await repo.findAccount(app.pool, user.id);
      const place = me?.place ? await repo.findUnit(app.pool, me.place.slice(0, 12)) : null;
      // my street holds my post and, nearly always, the posts I cover
      const unitCode = place?.street ?? place?.code;
      const unit = unitCode ? await repo.findUnit(app.pool, unitCode) : null;
      if (!unit) return empty;
      const sheet = await buildSheet(app.pool, unit, span, await getWorkCalendar(app.pool), names(app.pool));
      const rows = sheet.rows.filter((r) => r.payeeId === user.id);
      const ownIndex = sheet.rows.findIndex((r) => r.subjectId === user.id && r.payeeId === user.id);
      const open = span.lastDay === cstDateKey(t);
      let weekVisits = 0;
      if (open) {
        const today = cstDateKey(t);
        weekVisits = (await repo.visitCounts(app.pool, weekStart(today), today, [user.id])).reduce((s, v) => s + v.n, 0);
      }
      const missing = open && ownIndex >= 0 ? missingItems(sheet.measures[ownIndex]!, monthDays(month), weekVisits) : [];
      return { month, days: span.days, rows, missing, weekVisits };
    },
  );
};

export default fieldAssessmentRoutes;
