/** GET/PUT /api/admin/calendar/:year: the statutory holidays and make-up workdays of one year. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CalendarPutBody, CalendarYearParams, CalendarYearResponse, ErrorResponse } from '@gridcommand/shared/schemas';
import { badRequest } from '../../plugins/errors.ts';
import * as repo from './repository.ts';
import { recordAudit } from '../audit/record.ts';
import calendarStatusRoutes from './status-routes.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

const calendarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(calendarStatusRoutes);
  const answer = async (year: number) => {
    const hours = await repo.workHours(app.pool);
    return { year, days: await repo.calendarYear(app.pool, year), hours: { morning: [...hours.morning], afternoon: [...hours.afternoon] } };
  };

  app.get(
    '/api/admin/calendar/:year',
    { schema: { params: CalendarYearParams, response: { 200: CalendarYearResponse, ...errors } }, config: { roles: ['admin'] } },
    async (request) => answer(request.params.year),
  );

  app.put(
    '/api/admin/calendar/:year',
    {
      schema: { params: CalendarYearParams, body: CalendarPutBody, response: { 200: CalendarYearResponse, ...errors } },
      config: { roles: ['admin'] },
    },
    async (request) => {
      const { year } = request.params;
      const seen = new Set<string>();
      for (const d of request.body.days) {
        const parsed = new Date(`${d.date}T00:00:00Z`);
        if (!Number.isFinite(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== d.date) {
          throw badRequest('BAD_DATE', `body field "days": ${d.date} is not a calendar date`);
        }
        if (parsed.getUTCFullYear() !== year) throw badRequest('DATE_OUTSIDE_YEAR', `body field "days": ${d.date} is not in ${year}`);
        if (seen.has(d.date)) throw badRequest('DUPLICATE_DATE', `body field "days": ${d.date} is listed twice`);
        seen.add(d.date);
      }
      await repo.replaceCalendarYear(
        app.pool,
        year,
        request.body.days.map((d) => ({ date: d.date, kind: d.kind, name: d.name ?? '' })),
      );
      await recordAudit(app.pool, request, 'calendar.update', { objectType: 'calendar', objectId: year, detail: { days: request.body.days.length, holidays: request.body.days.filter((d) => d.kind === 'holiday').length } });
      return answer(year);
    },
  );
};

export default calendarRoutes;
