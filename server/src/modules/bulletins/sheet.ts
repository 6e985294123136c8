/**
 * A bulletin as an Excel workbook: one worksheet with the bulletin's tables one below the other, each under its bold
 * section title, numbers as numbers (rates in percent). Written with the exports' streaming writer (exports/xlsx.ts).
 */
import { PassThrough } from 'node:stream';
import type { Bulletin } from '@gridcommand/shared/schemas';
import { XlsxWriter } from '../exports/xlsx.ts';
import { BACKLOG_HEAD, OVERDUE_HEAD, UNIT_TABLE_HEAD, ZERO_HEAD, cstText, headlineLabel, issueText, periodText, sectionsOf, statusText } from './format.ts';

const BOLD = ' s="1"';
const p100 = (v: number | null) => (v === null ? '' : Math.round(v * 10_000) / 100);

export async function bulletinWorkbook(b: Bulletin): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => out.on('end', resolve));
  const widths = [10, 22, 12, 12, 12, 12, 12, 12, 12, 12];
  const xlsx = new XlsxWriter(out, issueText(b), widths.map((width, i) => ({ header: i === 0 ? b.title : '', width })));
  await xlsx.start();
  await xlsx.rows([[`${issueText(b)}  统计期：${periodText(b)}  生成于 ${cstText(b.generatedAt)}（北京时间）`]]);
  for (const s of sectionsOf(b)) {
    await xlsx.rows([[''], [s.title]], BOLD);
    if (s.key === 'headline') {
      await xlsx.rows([['指标', '本期', '分子', '分母', '上期', '环比 (件 / 百分点)']], BOLD);
      await xlsx.rows(b.headline.map((h) => [headlineLabel(h.key), h.rate ? p100(h.value) : (h.value ?? ''), h.hits ?? '', h.n ?? '', h.rate ? p100(h.previous) : (h.previous ?? ''), h.change.delta ?? '']));
    } else if (s.key === 'streets' || s.key === 'departments') {
      const t = s.key === 'streets' ? b.streets : b.departments;
      await xlsx.rows([UNIT_TABLE_HEAD.map((h, i) => (i >= 5 ? `${h} %` : h))], BOLD);
      await xlsx.rows(t.items.map((i) => [i.rank, i.name, i.reported, i.filed, i.closed, p100(i.closure.value), p100(i.onTimeClosure.value), p100(i.response.value), p100(i.resolution.value), p100(i.satisfaction.value)]));
    } else if (s.key === 'overdue') {
      await xlsx.rows([[`期末超期未结 ${b.overdue.total} 件`], OVERDUE_HEAD], BOLD);
      await xlsx.rows(b.overdue.items.map((c) => [c.code, c.categoryName, c.streetName, c.holderName, cstText(c.resolveBy), c.overdueHours]));
    } else if (s.key === 'backlog') {
      await xlsx.rows([BACKLOG_HEAD], BOLD);
      await xlsx.rows([...b.backlog.byStreet.map((r) => [r.name, r.atStart, r.closedInPeriod, r.openAtEnd]), ['合计', b.backlog.atStart, b.backlog.closedInPeriod, b.backlog.openAtEnd]]);
    } else if (s.key === 'trend') {
      await xlsx.rows([['自', '至', '上报', '结案']], BOLD);
      await xlsx.rows(b.trend.map((t) => [t.first, t.next, t.reported, t.closed]));
    } else {
      await xlsx.rows([ZERO_HEAD], BOLD);
      await xlsx.rows(b.zeroReport.items.map((r) => [r.kindName, r.unitName, r.periodStart.slice(0, 7), r.deadlineDay, r.status === 'late' ? `${statusText('late')} ${cstText(r.submittedAt!)}` : statusText('missing')]));
    }
  }
  await xlsx.end();
  await done;
  return Buffer.concat(chunks);
}
