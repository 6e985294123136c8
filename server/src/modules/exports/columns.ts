/**
 * The columns of the case files (register and case exports): Chinese headers, shared labels, CST wall-clock times.
 * Read from the database row itself (no personal field is among them): a file of a million rows skips building
 * the API's Case object and re-parsing its ISO times.
 */
import type { CaseRow } from '../cases/repository.ts';
import {
  CASE_STATE_LABELS,
  ESCALATION_LABELS,
  LIGHT_LABELS,
  PRIORITY_LABELS,
  SOURCE_LABELS,
  escalationLevelOf,
  formatCstDateTime,
  labelOf,
} from '@gridcommand/shared/domain';

export interface Column {
  header: string;
  value: (c: CaseRow) => string | number;
}

/** CST wall-clock text 'YYYY-MM-DD HH:MM'; empty when there is no instant */
function cst(at: Date | null): string {
  return at ? formatCstDateTime(at) : '';
}

export const REGISTER_COLUMNS: Column[] = [
  { header: '案件编号', value: (c) => c.code },
  { header: '来源', value: (c) => labelOf(SOURCE_LABELS, c.source) },
  { header: '大类', value: (c) => c.major_name },
  { header: '小类', value: (c) => c.category_name },
  { header: '紧急程度', value: (c) => labelOf(PRIORITY_LABELS, c.priority) },
  { header: '标题', value: (c) => c.title },
  { header: '地址', value: (c) => c.address ?? '' },
  { header: '街道', value: (c) => c.street_name },
  { header: '管区', value: (c) => c.zone_name },
  { header: '社区', value: (c) => c.community_name },
  { header: '网格编码', value: (c) => c.grid_code },
  { header: '责任部门', value: (c) => c.department_name ?? '' },
  { header: '状态', value: (c) => labelOf(CASE_STATE_LABELS, c.status) },
  { header: '信号灯', value: (c) => labelOf(LIGHT_LABELS, c.light) },
  { header: '督办', value: (c) => (c.supervised ? '是' : '否') },
  { header: '处置层级', value: (c) => labelOf(ESCALATION_LABELS, escalationLevelOf(c.escalation_level)) },
  { header: '返工次数', value: (c) => c.rework_count },
  { header: '上报时间', value: (c) => cst(c.reported_at) },
  { header: '响应时限', value: (c) => cst(c.respond_by) },
  { header: '办结时限', value: (c) => cst(c.resolve_by) },
  { header: '立案时间', value: (c) => cst(c.filed_at) },
  { header: '派遣时间', value: (c) => cst(c.dispatched_at) },
  { header: '受理时间', value: (c) => cst(c.accepted_at) },
  { header: '反馈时间', value: (c) => cst(c.handled_at) },
  { header: '核查时间', value: (c) => cst(c.verified_at) },
  { header: '结案时间', value: (c) => cst(c.closed_at) },
];

/** The case list's file: the register's columns, the handling team and the point (WGS 84). */
export const CASE_COLUMNS: Column[] = [
  ...REGISTER_COLUMNS,
  { header: '处置队伍', value: (c) => c.team_name ?? '' },
  { header: '经度', value: (c) => c.lon },
  { header: '纬度', value: (c) => c.lat },
];

export const valuesOf = (columns: Column[], c: CaseRow): (string | number)[] => columns.map((col) => col.value(c));

/** Column widths in the workbook: about the header's width, at least 10 */
export const widthsOf = (columns: Column[]) => columns.map((c) => ({ header: c.header, width: Math.max(10, c.header.length * 3) }));
