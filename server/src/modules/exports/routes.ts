/**
 * The exports (docs/exports.md): the register (GET /api/register.csv, /api/register.xlsx), the case list
 * (GET /api/cases.csv, /api/cases.xlsx, /api/cases.geojson, the filters of GET /api/cases) and the areas
 * (GET /api/areas.geojson?level=…, public like the area routes). Files stream from a cursor with bounded memory; at
 * most `maxRunning` exports run at once and `maxQueued` wait (503 + Retry-After beyond). Case files never carry
 * personal data.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AreaLevel, CaseFilterQuery, type CaseFilterQuery as CaseFilterQueryT } from '@gridcommand/shared/schemas';
import { ERROR_RESPONSES, binaryResponse } from '../../plugins/openapi-shapes.ts';
import type { AuthUser } from '../auth/repository.ts';
import * as cases from '../cases/repository.ts';
import { filtersFrom } from '../cases/routes.ts';
import { present } from '../cases/service.ts';
import { CASE_COLUMNS, REGISTER_COLUMNS, type Column } from './columns.ts';
import { XLSX_MAX_SHEET_ROWS } from './xlsx.ts';
import { XLSX_TYPE, csvWriter, geojsonWriter, xlsxWriter, type FileWriter } from './formats.ts';
import type { ExportLimiter } from './limiter.ts';
import { countAreas, countCases, openAreaCursor, openCaseCursor, type AreaFeatureRow } from './repository.ts';
import { sendExport } from './stream.ts';

const ROLES = ['admin', 'leader', 'dispatcher'] as const;
/** the most rows a CSV or GeoJSON file holds: a year of a large district's register */
export const EXPORT_MAX_ROWS = 2_000_000;
/** the most rows an Excel file holds: one worksheet, less its header row */
export const XLSX_MAX_ROWS = XLSX_MAX_SHEET_ROWS - 1;

export const AreasGeoJsonQuery = Type.Object(
  { level: Type.Optional(AreaLevel) },
  { additionalProperties: false },
);

const ok = (what: string, mime: string) => ({ 200: binaryResponse(what, mime), ...ERROR_RESPONSES });
const CSV = 'text/csv';
const GEOJSON = 'application/geo+json';

export interface ExportRoutesOptions {
  limiter: ExportLimiter;
  /** rows a CSV or GeoJSON file may hold (default EXPORT_MAX_ROWS); Excel: also at most XLSX_MAX_ROWS */
  maxRows?: number;
}

const exportRoutes: FastifyPluginAsyncTypebox<ExportRoutesOptions> = async (app, { limiter, maxRows = EXPORT_MAX_ROWS }) => {
  const fileRows = maxRows;
  const sheetRows = Math.min(maxRows, XLSX_MAX_ROWS);
  /** The filter's cases as the user may see them; the file holds them all (at most `max`) or limit from offset. */
  function caseExport<R extends cases.CaseRow>(user: AuthUser, query: CaseFilterQueryT, name: string, max: number, writer: FileWriter<R>) {
    const w = new cases.Where();
    cases.addScope(w, user);
    cases.addFilters(w, filtersFrom(query));
    const offset = query.offset ?? 0;
    return {
      name,
      maxRows: max,
      writer,
      async open(db: cases.Queryable) {
        const total = await countCases(db, w);
        const matching = Math.max(0, total - offset);
        const rows = Math.min(matching, query.limit ?? max);
        await openCaseCursor(db, w, query.limit ?? max, offset);
        return { rows, matching: query.limit === undefined ? matching : rows };
      },
    };
  }
  const asCase = (user: AuthUser) => (r: cases.CaseRow) => present(r, user, { personal: false });
  const casesRoute = (
    url: string,
    what: string,
    mime: string,
    name: string,
    max: number,
    writerOf: (user: AuthUser) => FileWriter<cases.CaseRow>,
  ) =>
    app.get(url, { schema: { querystring: CaseFilterQuery, response: ok(what, mime) }, config: { roles: ROLES } }, async (request, reply) => {
      const user = request.user!;
      return sendExport(app, limiter, reply, caseExport(user, request.query, name, max, writerOf(user)));
    });
  // the file columns carry no personal field: they read the row itself
  const csvOf = (columns: Column[]) => () => csvWriter(columns);
  const xlsxOf = (sheet: string, columns: Column[]) => () => xlsxWriter(sheet, columns);

  casesRoute('/api/register.csv', 'the register as CSV (UTF-8 with BOM)', CSV, 'register', fileRows, csvOf(REGISTER_COLUMNS));
  casesRoute('/api/register.xlsx', 'the register as an Excel workbook', XLSX_TYPE, 'register', sheetRows, xlsxOf('销号台账', REGISTER_COLUMNS));
  casesRoute('/api/cases.csv', 'the filtered cases as CSV (UTF-8 with BOM)', CSV, 'cases', fileRows, csvOf(CASE_COLUMNS));
  casesRoute('/api/cases.xlsx', 'the filtered cases as an Excel workbook', XLSX_TYPE, 'cases', sheetRows, xlsxOf('案件', CASE_COLUMNS));
  casesRoute('/api/cases.geojson', 'the filtered cases as a GeoJSON FeatureCollection of points', GEOJSON, 'cases', fileRows, (user) => {
    const show = asCase(user);
    return geojsonWriter((r: cases.CaseRow) => {
      const c = show(r);
      return JSON.stringify({ type: 'Feature', id: c.code, geometry: { type: 'Point', coordinates: [r.lon, r.lat] }, properties: c });
    });
  });

  app.get(
    '/api/areas.geojson',
    { schema: { querystring: AreasGeoJsonQuery, response: ok('the areas of a level (default: grid) as a GeoJSON FeatureCollection', GEOJSON) }, config: { roles: 'public' } },
    async (request, reply) => {
      const level = request.query.level ?? 'grid';
      return sendExport(app, limiter, reply, {
        name: `areas-${level}`,
        maxRows: fileRows,
        writer: geojsonWriter((r: AreaFeatureRow) => r.feature),
        async open(db) {
          const n = await countAreas(db, level);
          await openAreaCursor(db, level);
          return { rows: n, matching: n };
        },
      });
    },
  );
};

export default exportRoutes;
