/** Text of the printed bulletin (PDF and workbook): zh-CN, as a government bulletin writes it (docs/bulletins.md). */
import { INDICATOR_LABELS, REPORT_STATUS_LABELS } from '@gridcommand/shared/domain';
import type { Bulletin } from '@gridcommand/shared/schemas';

export const SECTION_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export const pct = (v: number | null) => (v === null ? '—' : `${(Math.round(v * 1000) / 10).toFixed(1)}%`);

export const changeText = (c: { delta: number | null; arrow: string | null }, rate: boolean) =>
  c.delta === null ? '—' : `${c.arrow} ${Math.abs(c.delta)}${rate ? ' 个百分点' : ''}`;

export const headlineLabel = (k: Bulletin['headline'][number]['key']) => INDICATOR_LABELS[k]['zh-CN'];

const ymd = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

/** 2026年11月1日—11月30日; a day: 2026年11月30日. */
export function periodText(b: Pick<Bulletin, 'period'>): string {
  const { first, last } = b.period;
  return first === last ? ymd(first) : `${ymd(first)}—${ymd(last).slice(first.slice(0, 4) === last.slice(0, 4) ? 5 : 0)}`;
}

/** 2026年第11期 */
export const issueText = (b: Pick<Bulletin, 'year' | 'issue'>) => `${b.year}年第${b.issue}期`;

/** 'YYYY-MM-DD HH:MM' of a '+08:00' ISO instant (as the bulletin carries them). */
export const cstText = (iso: string) => iso.slice(0, 16).replace('T', ' ');

export const statusText = (s: 'missing' | 'late') => REPORT_STATUS_LABELS[s]['zh-CN'];

/** The sections in order, numbered 一、二、…: the daily bulletin has no trend. */
export function sectionsOf(b: Pick<Bulletin, 'kind'>): { key: SectionKey; title: string }[] {
  const all: { key: SectionKey; title: string }[] = [
    { key: 'headline', title: '总体情况' },
    { key: 'streets', title: '街道（镇）排名' },
    { key: 'departments', title: '职能部门排名' },
    { key: 'overdue', title: '超期案件' },
    { key: 'backlog', title: '遗留超期案件' },
    { key: 'trend', title: '发展趋势' },
    { key: 'zero', title: '零报告制度落实情况' },
  ];
  return all.filter((s) => s.key !== 'trend' || b.kind !== 'daily').map((s, i) => ({ key: s.key, title: `${SECTION_NUMERALS[i]}、${s.title}` }));
}
export type SectionKey = 'headline' | 'streets' | 'departments' | 'overdue' | 'backlog' | 'trend' | 'zero';

export const UNIT_TABLE_HEAD = ['名次', '单位', '上报', '立案', '结案', '结案率', '按期结案率', '响应率', '解决率', '满意率'];
export const OVERDUE_HEAD = ['案件编号', '类别', '街道', '承办单位', '应结时间', '超期 (工作小时)'];
export const BACKLOG_HEAD = ['街道', '期初遗留', '本期结案', '期末仍超期'];
export const ZERO_HEAD = ['报告', '单位', '所属期', '截止日', '情况'];
