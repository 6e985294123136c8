/**
 * A bulletin as a PDF (A4, pdfmake): the district's name, the period and the generation time (CST) in the page header,
 * page numbers in the footer, the Chinese font (Noto Sans SC, @fontsource/noto-sans-sc) embedded as a subset.
 * pdfkit under pdfmake reads WOFF with a slow pure-JS inflater, so the WOFF is unwrapped once per process (woff.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import { addCstDays } from '@gridcommand/shared/domain';
import type { Bulletin } from '@gridcommand/shared/schemas';
import { woffToSfnt } from './woff.ts';
import { BACKLOG_HEAD, OVERDUE_HEAD, UNIT_TABLE_HEAD, ZERO_HEAD, changeText, cstText, headlineLabel, issueText, pct, periodText, sectionsOf, statusText } from './format.ts';

const require = createRequire(import.meta.url);
type PdfMake = typeof import('pdfmake') & { virtualfs: { writeFileSync(name: string, content: Buffer): void } };

let ready: PdfMake | null = null;

/** pdfmake with the font registered (once): no file or URL is read while a document is made. */
function pdfmake(): PdfMake {
  if (ready) return ready;
  const pm = require('pdfmake') as PdfMake;
  for (const w of ['400', '700']) {
    const file = require.resolve(`@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-${w}-normal.woff`);
    pm.virtualfs.writeFileSync(`noto-sans-sc-${w}.ttf`, woffToSfnt(readFileSync(file)));
  }
  pm.setFonts({ NotoSansSC: { normal: 'noto-sans-sc-400.ttf', bold: 'noto-sans-sc-700.ttf', italics: 'noto-sans-sc-400.ttf', bolditalics: 'noto-sans-sc-700.ttf' } });
  pm.setUrlAccessPolicy(() => false);
  pm.setLocalAccessPolicy(() => false);
  ready = pm;
  return pm;
}

const RED = '#c0141c';
/** the most zero-report findings the PDF lists */
export const PDF_ZERO_ROWS = 200;
const th = (t: string): TableCell => ({ text: t, style: 'th' });
const num = (v: number | string): TableCell => ({ text: String(v), alignment: 'right' });

function table(head: string[], body: TableCell[][], widths?: (number | '*')[]): Content {
  const none: TableCell[] = [{ text: '无', colSpan: head.length, alignment: 'center', color: '#666' }, ...head.slice(1).map(() => '')];
  return {
    table: { headerRows: 1, widths: widths ?? head.map(() => '*' as const), body: [head.map(th), ...(body.length ? body : [none])] },
    layout: { hLineWidth: () => 0.5, vLineWidth: () => 0.5, hLineColor: () => '#999', vLineColor: () => '#999', paddingTop: () => 2, paddingBottom: () => 2 },
    fontSize: 8.5,
    margin: [0, 2, 0, 8],
  };
}

function unitRows(t: Bulletin['streets']): TableCell[][] {
  return t.items.map((i) => [num(i.rank), i.name, num(i.reported), num(i.filed), num(i.closed), num(pct(i.closure.value)), num(pct(i.onTimeClosure.value)), num(pct(i.response.value)), num(pct(i.resolution.value)), num(pct(i.satisfaction.value))]);
}

function extremes(t: Bulletin['streets']): string {
  const parts: string[] = [];
  const names = { onTimeClosure: '按期结案率', closure: '结案率', response: '响应率', resolution: '解决率', satisfaction: '满意率' } as const;
  for (const k of Object.keys(names) as (keyof typeof names)[]) {
    if (t.best[k] && t.worst[k]) parts.push(`${names[k]}最高${t.best[k]!.name}、最低${t.worst[k]!.name}`);
  }
  return parts.length ? `${parts.join('；')}。` : '本期数据不足，不作排名。';
}

export function bulletinDocument(b: Bulletin): TDocumentDefinitions {
  const sections = sectionsOf(b);
  const content: Content[] = [
    { text: b.title, style: 'title' },
    { text: issueText(b), alignment: 'center', margin: [0, 4, 0, 2] },
    {
      columns: [
        { text: `${b.district.name}网格化服务管理指挥中心`, fontSize: 9 },
        { text: `统计期：${periodText(b)}${b.partial ? '（截至生成时）' : ''}`, alignment: 'right', fontSize: 9 },
      ],
    },
    { canvas: [{ type: 'line', x1: 0, y1: 4, x2: 515, y2: 4, lineWidth: 1.5, lineColor: RED }], margin: [0, 0, 0, 8] },
  ];
  for (const s of sections) {
    content.push({ text: s.title, style: 'h2' });
    if (s.key === 'headline') {
      const h = b.headline;
      const counts = h.filter((x) => !x.rate).map((x) => `${headlineLabel(x.key)} ${x.value} 件（环比 ${changeText(x.change, false)}）`).join('，');
      content.push({ text: `本期全区${counts}。`, margin: [0, 0, 0, 4] });
      content.push(
        table(
          ['指标', '本期', '分子 / 分母', '上期', '环比'],
          h.filter((x) => x.rate).map((x) => [headlineLabel(x.key), num(pct(x.value)), num(`${x.hits} / ${x.n}`), num(pct(x.previous)), num(changeText(x.change, true))]),
        ),
      );
    } else if (s.key === 'streets' || s.key === 'departments') {
      const t = s.key === 'streets' ? b.streets : b.departments;
      content.push({ text: extremes(t), margin: [0, 0, 0, 4] });
      content.push(table(UNIT_TABLE_HEAD, unitRows(t), [22, '*', 28, 28, 28, 38, 44, 36, 36, 36]));
    } else if (s.key === 'overdue') {
      content.push({ text: `期末超期未结案件 ${b.overdue.total} 件，超期时间最长的 ${b.overdue.items.length} 件如下：`, margin: [0, 0, 0, 4] });
      content.push(table(OVERDUE_HEAD, b.overdue.items.map((c) => [c.code, c.categoryName, c.streetName, c.holderName, cstText(c.resolveBy), num(c.overdueHours.toFixed(1))]), [78, '*', 60, 70, 62, 50]));
    } else if (s.key === 'backlog') {
      content.push({ text: `期初遗留超期案件 ${b.backlog.atStart} 件，本期结案 ${b.backlog.closedInPeriod} 件，期末仍有 ${b.backlog.openAtEnd} 件。`, margin: [0, 0, 0, 4] });
      content.push(table(BACKLOG_HEAD, b.backlog.byStreet.filter((r) => r.atStart > 0).map((r) => [r.name, num(r.atStart), num(r.closedInPeriod), num(r.openAtEnd)])));
    } else if (s.key === 'trend') {
      content.push(table([b.kind === 'monthly' ? '日期' : '周', '上报', '结案'], b.trend.map((t) => [t.next === nextDay(t.first) ? t.first.slice(5) : `${t.first.slice(5)}—${prevDay(t.next).slice(5)}`, num(t.reported), num(t.closed)]), ['*', 80, 80]));
    } else {
      const z = b.zeroReport.items;
      content.push({ text: z.length ? `截至 ${cstText(b.zeroReport.asOf)}，以下单位未按期报送（含"本期无情况"零报告）：` : '各单位均已按期报送。', margin: [0, 0, 0, 4] });
      // a megacity's thousands of units would fill dozens of pages: the PDF names the first ones, the workbook all
      if (z.length > PDF_ZERO_ROWS) content.push({ text: `共 ${z.length} 项，以下列出前 ${PDF_ZERO_ROWS} 项，全部名单见 Excel 版。`, margin: [0, 0, 0, 4] });
      if (z.length) content.push(table(ZERO_HEAD, z.slice(0, PDF_ZERO_ROWS).map((r) => [r.kindName, r.unitName, r.periodStart.slice(0, 7), r.deadlineDay, { text: r.status === 'late' ? `${statusText('late')} ${cstText(r.submittedAt!)}` : statusText('missing'), color: RED }])));
    }
  }
  return {
    pageSize: 'A4',
    pageMargins: [40, 56, 40, 48],
    info: { title: `${b.title} ${issueText(b)}`, creator: 'GridCommand', producer: 'GridCommand' },
    defaultStyle: { font: 'NotoSansSC', fontSize: 10, lineHeight: 1.25 },
    styles: {
      title: { fontSize: 20, bold: true, color: RED, alignment: 'center', margin: [0, 4, 0, 0] },
      h2: { fontSize: 12, bold: true, margin: [0, 8, 0, 4] },
      th: { bold: true, fillColor: '#eeeeee' },
    },
    header: () => ({
      columns: [
        { text: b.district.name, fontSize: 8, color: '#555' },
        { text: `${periodText(b)} · 生成于 ${cstText(b.generatedAt)}（北京时间）`, fontSize: 8, color: '#555', alignment: 'right' },
      ],
      margin: [40, 24, 40, 0],
    }),
    footer: (page: number, pages: number) => ({ text: `第 ${page} 页 / 共 ${pages} 页`, alignment: 'center', fontSize: 8, color: '#555', margin: [0, 16, 0, 0] }),
    content,
  };
}

const nextDay = (d: string) => addCstDays(d, 1);
const prevDay = (d: string) => addCstDays(d, -1);

export async function bulletinPdf(b: Bulletin): Promise<Buffer> {
  return pdfmake().createPdf(bulletinDocument(b)).getBuffer();
}
