/**
 * GET /api/calendar/status: is this year's and next year's working calendar there (any signed-in role, the wall
 * included)? GET /api/admin/calendar/:year/library: the State Council days the `chinese-days` package knows for a
 * year, for the admin to review before saving them with PUT /api/admin/calendar/:year.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { calendarStatus, cstDateKey, DEFAULT_WARN_FROM, parseMonthDay, yearOf } from '@gridcommand/shared/domain';
import { CalendarLibraryResponse, CalendarStatusResponse, CalendarYearParams } from '@gridcommand/shared/schemas';
import { ERROR_RESPONSES } from '../../plugins/openapi-shapes.ts';
import * as repo from './repository.ts';

const calendarStatusRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/calendar/status',
    {
      schema: {
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: CalendarStatusResponse, ...ERROR_RESPONSES },
      },
      config: { roles: 'any' },
    },
    async () => {
      const today = cstDateKey(Date.now());
      const year = yearOf(today);
      const [days, warnFrom] = await Promise.all([repo.calendarYears(app.pool, year, year + 1), repo.calendarWarnFrom(app.pool)]);
      return calendarStatus(today, days, parseMonthDay(warnFrom) ?? DEFAULT_WARN_FROM);
    },
  );

  app.get(
    '/api/admin/calendar/:year/library',
    { schema: { params: CalendarYearParams, response: { 200: CalendarLibraryResponse, ...ERROR_RESPONSES } }, config: { roles: ['admin'] } },
    async (request) => {
      const { year } = request.params;
      const days = repo.libraryDays(year);
      return { year, published: days.some((d) => d.kind === 'holiday'), days };
    },
  );
};

export default calendarStatusRoutes;
