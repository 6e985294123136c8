/**
 * The leaders' bulletins (快报 / 月报 / 季报, docs/bulletins.md):
 *   GET /api/bulletins/:kind?date=        the whole bulletin as JSON (the period containing date; default the last
 *                                         complete one; a period not begun is 400 BAD_PERIOD)
 *   GET /api/bulletins/:kind.pdf?date=    the same as an A4 PDF with the Chinese font embedded
 *   GET /api/bulletins/:kind.xlsx?date=   the same tables as an Excel workbook
 * Roles: admin, leader, dispatcher — every unit's desk gets the district's bulletin; bulletins name units, never people.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Bulletin, BulletinParams, BulletinQuery } from '@gridcommand/shared/schemas';
import { ERROR_RESPONSES, binaryResponse } from '../../plugins/openapi-shapes.ts';
import { XLSX_TYPE } from '../exports/formats.ts';
import { composeBulletin } from './compose.ts';
import { bulletinPdf } from './pdf.ts';
import { bulletinWorkbook } from './sheet.ts';

export interface BulletinRoutesOptions {
  now?: () => Date;
}

export const BULLETIN_ROLES = ['admin', 'leader', 'dispatcher'] as const;

const bulletinRoutes: FastifyPluginAsyncTypebox<BulletinRoutesOptions> = async (app, opts) => {
  const now = opts.now ?? (() => new Date());
  const config = { roles: BULLETIN_ROLES };
  const file = (b: Bulletin, ext: string) => `attachment; filename="bulletin-${b.kind}-${b.period.first}.${ext}"`;

  app.get(
    '/api/bulletins/:kind',
    { config, schema: { summary: 'A bulletin (快报 / 月报 / 季报)', params: BulletinParams, querystring: BulletinQuery, response: { 200: Bulletin, ...ERROR_RESPONSES } } },
    async (request) => composeBulletin(app.pool, request.params.kind, request.query.date, now()),
  );

  app.get(
    '/api/bulletins/:kind.pdf',
    { config, schema: { summary: 'A bulletin as PDF', params: BulletinParams, querystring: BulletinQuery, response: { 200: binaryResponse('the bulletin, A4', 'application/pdf'), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const b = await composeBulletin(app.pool, request.params.kind, request.query.date, now());
      const pdf = await bulletinPdf(b);
      return reply.header('Content-Type', 'application/pdf').header('Content-Disposition', file(b, 'pdf')).header('Cache-Control', 'no-store').send(pdf);
    },
  );

  app.get(
    '/api/bulletins/:kind.xlsx',
    { config, schema: { summary: 'A bulletin as an Excel workbook', params: BulletinParams, querystring: BulletinQuery, response: { 200: binaryResponse('the bulletin tables', XLSX_TYPE), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const b = await composeBulletin(app.pool, request.params.kind, request.query.date, now());
      const xlsx = await bulletinWorkbook(b);
      return reply.header('Content-Type', XLSX_TYPE).header('Content-Disposition', file(b, 'xlsx')).header('Cache-Control', 'no-store').send(xlsx);
    },
  );
};

export default bulletinRoutes;
