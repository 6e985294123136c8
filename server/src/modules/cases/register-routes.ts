/**
 * The close-out register (销号台账): GET /api/register (list + summary), GET /api/register.csv and
 * GET /api/register.xlsx (Chinese headers). Registers and exports never carry personal data.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import ExcelJS from 'exceljs';
import { CaseFilterQuery, ErrorResponse, RegisterResponse, type Case, type CaseFilterQuery as CaseFilterQueryT } from '@gridcommand/shared/schemas';
import { cstDateKey } from '@gridcommand/shared/domain';
import * as repo from './repository.ts';
import { filtersFrom } from './routes.ts';
import { present } from './service.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
const ROLES = ['admin', 'leader', 'dispatcher'] as const;
/** the most rows one export holds */
export const EXPORT_MAX_ROWS = 100_000;

const STATUS_ZH: Record<string, string> = {
  reported: '已上报',
  filed: '已立案',
  dispatched: '已派遣',
  in_progress: '处置中',
  handled: '已反馈',
  verified: '已核查',
  closed: '已结案',
  void: '已作废',
  parked: '挂账',
};
const SOURCE_ZH: Record<string, string> = {
  grid_worker: '网格员巡查',
  public: '群众上报',
  hotline: '热线',
  sensor: '视频/感知',
  department: '部门',
};
const PRIORITY_ZH: Record<string, string> = { normal: '一般', urgent: '紧急', emergency: '特急' };
const LIGHT_ZH: Record<string, string> = { none: '无', green: '绿灯', due_soon: '临期', yellow: '黄灯', red: '红灯' };
const LEVEL_ZH: Record<string, string> = { grid: '网格', zone: '管区', street: '街道', district: '区' };

/** CST wall-clock text 'YYYY-MM-DD HH:MM' */
function cst(isoText: string | null): string {
  if (!isoText) return '';
  return new Date(new Date(isoText).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

export const REGISTER_COLUMNS: { header: string; value: (c: Case) => string | number }[] = [
  { header: '案件编号', value: (c) => c.code },
  { header: '来源', value: (c) => SOURCE_ZH[c.source] ?? c.source },
  { header: '大类', value: (c) => c.majorName },
  { header: '小类', value: (c) => c.categoryName },
  { header: '紧急程度', value: (c) => PRIORITY_ZH[c.priority] ?? c.priority },
  { header: '标题', value: (c) => c.title },
  { header: '地址', value: (c) => c.address ?? '' },
  { header: '街道', value: (c) => c.streetName },
  { header: '管区', value: (c) => c.zoneName },
  { header: '社区', value: (c) => c.communityName },
  { header: '网格编码', value: (c) => c.gridCode },
  { header: '责任部门', value: (c) => c.departmentName ?? '' },
  { header: '状态', value: (c) => STATUS_ZH[c.status] ?? c.status },
  { header: '信号灯', value: (c) => LIGHT_ZH[c.light] ?? c.light },
  { header: '督办', value: (c) => (c.supervised ? '是' : '否') },
  { header: '处置层级', value: (c) => LEVEL_ZH[c.escalationLevel] ?? c.escalationLevel },
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

function csvField(v: string | number): string {
  let s = String(v);
  // cells that a spreadsheet would run as a formula are quoted as text
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const registerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function rows(user: NonNullable<Parameters<typeof repo.addScope>[1]>, query: CaseFilterQueryT, max: number) {
    const w = new repo.Where();
    repo.addScope(w, user);
    repo.addFilters(w, filtersFrom(query));
    const limit = Math.min(query.limit ?? max, max);
    const offset = query.offset ?? 0;
    const list = await repo.listCases(app.pool, w, limit, offset);
    return { w, limit, offset, total: list.total, items: list.rows.map((r) => present(r, user, { personal: false })) };
  }

  app.get(
    '/api/register',
    { schema: { querystring: CaseFilterQuery, response: { 200: RegisterResponse, ...errors } }, config: { roles: ROLES } },
    async (request) => {
      const q = { ...request.query, limit: request.query.limit ?? 50 };
      const { w, limit, offset, total, items } = await rows(request.user!, q, 500);
      const s = await repo.registerSummary(app.pool, w);
      return {
        items,
        total,
        limit,
        offset,
        summary: {
          reported: s.reported,
          closed: s.closed,
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

  app.get(
    '/api/register.csv',
    { schema: { querystring: CaseFilterQuery }, config: { roles: ROLES } },
    async (request, reply) => {
      const { items } = await rows(request.user!, request.query, EXPORT_MAX_ROWS);
      const lines = [REGISTER_COLUMNS.map((c) => csvField(c.header)).join(',')];
      for (const c of items) lines.push(REGISTER_COLUMNS.map((col) => csvField(col.value(c))).join(','));
      reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${fileName('csv')}"`);
      // the BOM lets spreadsheet programs read the Chinese headers as UTF-8
      return `\uFEFF${lines.join('\r\n')}\r\n`;
    },
  );

  app.get(
    '/api/register.xlsx',
    { schema: { querystring: CaseFilterQuery }, config: { roles: ROLES } },
    async (request, reply) => {
      const { items } = await rows(request.user!, request.query, EXPORT_MAX_ROWS);
      const wb = new ExcelJS.Workbook();
      wb.creator = 'GridCommand';
      const ws = wb.addWorksheet('销号台账');
      ws.columns = REGISTER_COLUMNS.map((c) => ({ header: c.header, width: Math.max(10, c.header.length * 3) }));
      ws.getRow(1).font = { bold: true };
      ws.views = [{ state: 'frozen', ySplit: 1 }];
      for (const c of items) ws.addRow(REGISTER_COLUMNS.map((col) => col.value(c)));
      const buf = Buffer.from(await wb.xlsx.writeBuffer());
      return reply
        .header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', `attachment; filename="${fileName('xlsx')}"`)
        .send(buf);
    },
  );
};

export default registerRoutes;
