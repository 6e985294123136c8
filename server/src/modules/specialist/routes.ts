/**
 * Specialist grid layers and base data per grid (docs/specialist.md):
 *   GET  /api/specialist/layers               the layers with their legend colours and tile layers (everyone)
 *   GET  /api/specialist/layers/:code/grids   a layer's grids as GeoJSON; officer names for staff roles only
 *   GET  /api/cases/:id/specialist            the specialist grids of the case's category that cover its grid, with the
 *                                              responsible officer (phone for the roles that see the case's personal data)
 *   GET  /api/grids/:code/base                counts per kind; ?records=KIND the records (admin, dispatcher, own worker)
 *   POST /api/admin/base-data/import          CSV of records, all or nothing (?dryRun=true checks only)
 * Every read of a phone or of records is logged in personal_data_access.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BASE_KINDS, countsOf, layerCovers, mayReadBaseRecords, maySeeOfficerPhone, personalFieldsOf, readBaseCsv } from '@gridcommand/shared/domain';
import {
  BASE_IMPORT_BODY_LIMIT,
  BASE_RECORDS_MAX,
  BaseImportBody,
  BaseImportQuery,
  BaseImportRefusal,
  BaseImportResult,
  BaseParams,
  BaseQuery,
  CaseSpecialist,
  GridBase,
  SpecialistCaseParams,
  SpecialistLayerList,
  SpecialistLayerParams,
  type UserRole,
} from '@gridcommand/shared/schemas';
import { HttpError, notFound } from '../../plugins/errors.ts';
import { forbidden } from '../../plugins/auth.ts';
import { ERROR_RESPONSES, binaryResponse } from '../../plugins/openapi-shapes.ts';
import { recordAudit } from '../audit/record.ts';
import { inScope } from '../cases/repository.ts';
import { idempotencyKeyOf, sendOutcome } from '../writer/http.ts';
import { userActor, writeOnce } from '../writer/tx.ts';
import * as repo from './repository.ts';

/** The roles that work with staff: they see officers' names. */
const STAFF_ROLES: UserRole[] = ['admin', 'leader', 'dispatcher', 'handler', 'worker'];
/** Every role that may see a grid's counts (the public sees none). */
const COUNT_ROLES: UserRole[] = ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'wall'];
const MAX_LISTED = 200;

const specialistRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: BASE_IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.get(
    '/api/specialist/layers',
    { config: { roles: 'public' }, schema: { summary: 'Specialist grid layers and their legend', response: { 200: SpecialistLayerList, ...ERROR_RESPONSES } } },
    async () => ({ items: await repo.listLayers(app.pool) }),
  );

  app.get(
    '/api/specialist/layers/:code/grids',
    {
      config: { roles: 'public' },
      schema: { summary: "A specialist layer's grids (GeoJSON)", params: SpecialistLayerParams, response: { 200: binaryResponse('the grids as a GeoJSON FeatureCollection', 'application/geo+json'), ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const user = await app.authenticate(request);
      const staff = user !== null && STAFF_ROLES.includes(user.role);
      const body = await repo.layerGridsGeoJson(app.pool, request.params.code, staff);
      return reply
        .type('application/geo+json; charset=utf-8')
        .header('Cache-Control', staff ? 'private, max-age=60' : 'public, max-age=60')
        .header('Vary', 'Cookie, Authorization')
        .send(body);
    },
  );

  app.get(
    '/api/cases/:id/specialist',
    { config: { roles: STAFF_ROLES }, schema: { summary: "The specialist grids and officers of a case's category", params: SpecialistCaseParams, response: { 200: CaseSpecialist, ...ERROR_RESPONSES } } },
    async (request) => {
      const user = request.user!;
      const c = await repo.caseRef(app.pool, request.params.id);
      if (!c || !inScope(user, c)) throw notFound('CASE_NOT_FOUND', `case ${request.params.id} not found`);
      const layers = (await repo.layerRules(app.pool)).filter((l) => layerCovers(l, c.category_code)).map((l) => l.code);
      const rows = await repo.specialistGridsOf(app.pool, c.grid_code, layers);
      const phone = maySeeOfficerPhone(user, c.department_code);
      if (phone) {
        const ids = rows.filter((r) => r.officerId !== null).map((r) => `specialist_officer:${r.officerId}`);
        await repo.logRead(app.pool, user.id, ids, ['officerPhone'], 'GET /api/cases/:id/specialist');
      }
      return {
        caseId: c.id,
        categoryCode: c.category_code,
        items: rows.map((r) => ({
          layer: r.layer as 'labour' | 'food' | 'patrol',
          layerName: r.layerName,
          layerNameEn: r.layerNameEn,
          color: r.color,
          code: r.code,
          name: r.name,
          level: r.level,
          officer: r.officerName === null ? null : { name: r.officerName, title: r.officerTitle ?? '', ...(phone && r.officerPhone ? { phone: r.officerPhone } : {}) },
        })),
      };
    },
  );

  app.get(
    '/api/grids/:code/base',
    { config: { roles: COUNT_ROLES }, schema: { summary: 'Base data of a grid: counts, and records for the roles that need them', params: BaseParams, querystring: BaseQuery, response: { 200: GridBase, ...ERROR_RESPONSES } } },
    async (request) => {
      const user = request.user!;
      const { code } = request.params;
      if (!(await repo.gridExists(app.pool, code))) throw notFound('GRID_NOT_FOUND', `grid ${code} not found`);
      const may = mayReadBaseRecords(user, code);
      const counts = await repo.baseCounts(app.pool, code, BASE_KINDS);
      const kind = request.query.records;
      if (kind === undefined) return { gridCode: code, counts, mayReadRecords: may };
      if (!may) throw forbidden('RECORDS_FORBIDDEN', `role ${user.role} may not read the base-data records of grid ${code}`);
      const records = await repo.baseRecords(app.pool, code, kind, BASE_RECORDS_MAX);
      await repo.logRead(app.pool, user.id, records.length > 0 ? [`base:${code}:${kind}`] : [], personalFieldsOf(kind), 'GET /api/grids/:code/base');
      return { gridCode: code, counts, mayReadRecords: may, records };
    },
  );

  app.post(
    '/api/admin/base-data/import',
    {
      bodyLimit: BASE_IMPORT_BODY_LIMIT,
      config: { roles: ['admin'] },
      schema: {
        summary: 'Import base-data records from CSV (all or nothing)',
        querystring: BaseImportQuery,
        body: BaseImportBody,
        response: { 200: BaseImportResult, 422: BaseImportRefusal, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const parsed = readBaseCsv(request.body);
      const problems = [...parsed.problems];
      if (problems.length === 0) {
        const missing = new Set(await repo.missingGrids(app.pool, [...new Set(parsed.rows.map((r) => r.gridCode))]));
        for (const r of parsed.rows) if (missing.has(r.gridCode)) problems.push({ line: r.line, column: 'grid_code', problem: `grid ${r.gridCode} does not exist` });
      }
      if (problems.length > 0) {
        throw new HttpError(422, 'BAD_ROWS', `the file is refused: ${problems.length} problem(s), nothing was written`, { problems: problems.slice(0, MAX_LISTED), total: problems.length });
      }
      const counts = countsOf(parsed.rows);
      const result = { rows: parsed.rows.length, pairs: counts.length, grids: new Set(counts.map((c) => c.gridCode)).size };
      if (request.query.dryRun) return { dryRun: true, ...result };
      const actor = userActor(request.user!);
      const out = await writeOnce(app.pool, actor, idempotencyKeyOf(request, actor), async (tx) => {
        await repo.replaceBase(tx.client, parsed.rows, counts);
        return { status: 200, body: { dryRun: false, ...result } };
      });
      if (!out.replayed) await recordAudit(app.pool, request, 'base_data.import', { detail: result });
      return sendOutcome(reply, out);
    },
  );
};

export default specialistRoutes;
