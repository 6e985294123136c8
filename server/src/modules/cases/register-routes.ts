/**
 * The close-out register (销号台账): GET /api/register (list + summary), GET /api/register.csv and
 * GET /api/register.xlsx (Chinese headers). Registers and exports never carry personal data.
 */
import { ERROR_RESPONSES, binaryResponse } from '../../plugins/openapi-shapes.ts';
import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { CaseFilterQuery, ErrorResponse, RegisterResponse, type Case, type CaseFilterQuery as CaseFilterQueryT } from '@gridcommand/shared/schemas';
import {
  CASE_STATE_LABELS,
  ESCALATION_LABELS,
  LIGHT_LABELS,
  PRIORITY_LABELS,
  SOURCE_LABELS,
  cstDateKey,
  formatCstDateTime,
  labelOf,
} from '@gridcommand/shared/domain';
import { inTransaction } from '../../db/transaction.ts';
import type { AuthUser } from '../auth/repository.ts';
import * as repo from './repository.ts';
import { filtersFrom } from './routes.ts';
import { present } from './service.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
const ROLES = ['admin', 'leader', 'dispatcher'] as const;
/** the most rows one export holds */
export const EXPORT_MAX_ROWS = 100_000;
/** rows read per query while an export streams (memory per export: one page) */
export const EXPORT_PAGE_ROWS = 2_000;

/** CST wall-clock text 'YYYY-MM-DD HH:MM'; empty when there is no instant */
function cst(isoText: string | null): string {
  return isoText ? formatCstDateTime(new Date(isoText)) : '';
}

export const REGISTER_COLUMNS: { header: string; value: (c: Case) => string | number }[] = [
  { header: '案件编号', value: (c) => c.code },
  { header: '来源', value: (c) => labelOf(SOURCE_LABELS, c.source) },
  { header: '大类', value: (c) => c.majorName },
  { header: '小类', value: (c) => c.categoryName },
  { header: '紧急程度', value: (c) => labelOf(PRIORITY_LABELS, c.priority) },
  { header: '标题', value: (c) => c.title },
  { header: '地址', value: (c) => c.address ?? '' },
  { header: '街道', value: (c) => c.streetName },
  { header: '管区', value: (c) => c.zoneName },
  { header: '社区', value: (c) => c.communityName },
  { header: '网格编码', value: (c) => c.gridCode },
  { header: '责任部门', value: (c) => c.departmentName ?? '' },
  { header: '状态', value: (c) => labelOf(CASE_STATE_LABELS, c.status) },
  { header: '信号灯', value: (c) => labelOf(LIGHT_LABELS, c.light) },
  { header: '督办', value: (c) => (c.supervised ? '是' : '否') },
  { header: '处置层级', value: (c) => labelOf(ESCALATION_LABELS, c.escalationLevel) },
  { header: '返工次数', value: (c) => c.reworkCount },
  { header: '上报时间', value: (c) => cst(c.reportedAt) },
  { header: '响应时限', value: (c) => cst(c.respondBy) },
  { header: '办结时限', value: (c) => cst(c.resolveBy) },
  { header: '立案时间', value: (c) => cst(c.filedAt) },
  { header: '派遣时间', value: (c) => cst(c.dispatchedAt) },
  { header: '受理时间', value: (c) => cst(c.acceptedAt) },
  { header: '反馈时间', value: (c) => cst(c.handledAt) },
  { header: '核查时间', value: (c) => cst(c.verifiedAt) },
  { header: '结案时间', value: (c) => cst(c.closedAt) },
];

const valuesOf = (c: Case) => REGISTER_COLUMNS.map((col) => col.value(c));

/** Resolves once `out` can take more (at once when it can now); rejects when it was closed first (the client left). */
async function room(out: Writable): Promise<void> {
  if (out.destroyed || out.writableEnded) throw new Error('the export stream was closed');
  if (!out.writableNeedDrain) return;
  const ac = new AbortController();
  try {
    const closed = once(out, 'close', { signal: ac.signal }).then(() => Promise.reject(new Error('the export stream was closed')));
    await Promise.race([once(out, 'drain', { signal: ac.signal }), closed]);
  } finally {
    ac.abort();
  }
}

/**
 * Starts feeding an export stream: `produce` writes the file, calling `ready()` once the first rows were read.
 * Resolves then (send the stream), or rejects with the error when reading failed before (no byte was sent: the
 * error handler answers). A later failure destroys the stream with the error, which Fastify logs and which ends
 * the response; the client leaving destroys the stream too, and `room` then stops the producer.
 */
function feed(out: Writable, produce: (ready: () => void) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let started = false;
    const ready = () => {
      if (!started) {
        started = true;
        resolve();
      }
    };
    produce(ready).then(ready, (err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      if (started) {
        out.destroy(error);
      } else {
        started = true;
        out.destroy();
        reject(error);
      }
    });
  });
}

const registerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  function whereOf(user: AuthUser, query: CaseFilterQueryT): repo.Where {
    const w = new repo.Where();
    repo.addScope(w, user);
    repo.addFilters(w, filtersFrom(query));
    return w;
  }

  /** The export's rows (at most EXPORT_MAX_ROWS), a page at a time, read in one REPEATABLE READ snapshot. */
  async function eachPage(
    user: AuthUser,
    query: CaseFilterQueryT,
    ready: () => void,
    page: (items: Case[]) => Promise<void>,
  ): Promise<void> {
    const w = whereOf(user, query);
    let left = Math.min(query.limit ?? EXPORT_MAX_ROWS, EXPORT_MAX_ROWS);
    let offset = query.offset ?? 0;
    await inTransaction(
      app.pool,
      async (client) => {
        while (left > 0) {
          const n = Math.min(EXPORT_PAGE_ROWS, left);
          const list = await repo.listCases(client, w, n, offset);
          ready();
          if (list.rows.length > 0) await page(list.rows.map((r) => present(r, user, { personal: false })));
          if (list.rows.length < n) break;
          left -= n;
          offset += n;
        }
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  app.get(
    '/api/register',
    { schema: { querystring: CaseFilterQuery, response: { 200: RegisterResponse, ...errors } }, config: { roles: ROLES } },
    async (request) => {
      const user = request.user!;
      const limit = Math.min(request.query.limit ?? 50, 500);
      const offset = request.query.offset ?? 0;
      const w = whereOf(user, request.query);
      const list = await repo.listCases(app.pool, w, limit, offset);
      const s = await repo.registerSummary(app.pool, w);
      return {
        items: list.rows.map((r) => present(r, user, { personal: false })),
        total: list.total,
        limit,
        offset,
        summary: {
          reported: s.reported,
          closed: s.closed,
          fixedOnSpot: s.fixed_on_spot,
          inProgress: s.in_progress,
          escalated: s.escalated,
          overdue: s.overdue,
          void: s.void,
          parked: s.parked,
        },
      };
    },
  );

  const fileName = (ext: string) => `register-${cstDateKey(new Date())}.${ext}`;

  // RFC 4180 (CRLF, quotes where needed), a BOM so that spreadsheet programs read the Chinese headers as UTF-8,
  // and cells a spreadsheet would run as a formula (= + - @ tab CR, also full-width) prefixed with ' as text
  app.get(
    '/api/register.csv',
    { schema: { querystring: CaseFilterQuery, response: { 200: binaryResponse('the register as CSV (UTF-8 with BOM)', 'text/csv'), ...ERROR_RESPONSES } }, config: { roles: ROLES } },
    async (request, reply) => {
      const csv = stringify({
        bom: true,
        header: true,
        columns: REGISTER_COLUMNS.map((c) => c.header),
        record_delimiter: 'windows',
        escape_formulas: true,
      });
      await feed(csv, async (ready) => {
        await eachPage(request.user!, request.query, ready, async (items) => {
          for (const c of items) {
            await room(csv);
            csv.write(valuesOf(c));
          }
        });
        csv.end();
      });
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${fileName('csv')}"`)
        .send(csv);
    },
  );

  app.get(
    '/api/register.xlsx',
    { schema: { querystring: CaseFilterQuery, response: { 200: binaryResponse('the register as an Excel workbook', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), ...ERROR_RESPONSES } }, config: { roles: ROLES } },
    async (request, reply) => {
      const out = new PassThrough();
      // the streaming writer: rows are written out as they are committed, not kept
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
      wb.creator = 'GridCommand';
      const ws = wb.addWorksheet('销号台账', { views: [{ state: 'frozen', ySplit: 1 }] });
      ws.columns = REGISTER_COLUMNS.map((c) => ({ header: c.header, width: Math.max(10, c.header.length * 3) }));
      const header = ws.getRow(1);
      header.font = { bold: true };
      header.commit();
      await feed(out, async (ready) => {
        await eachPage(request.user!, request.query, ready, async (items) => {
          for (const c of items) ws.addRow(valuesOf(c)).commit();
          // let the zip catch up with the page, then wait while the client is slower than the database
          await new Promise((resolve) => setImmediate(resolve));
          await room(out);
        });
        ws.commit();
        await wb.commit();
      });
      return reply
        .header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', `attachment; filename="${fileName('xlsx')}"`)
        .send(out);
    },
  );
};

export default registerRoutes;
