/** The monthly assessment sheet as an Excel workbook (exceljs): one worksheet per street, Chinese headers. */
import { DUTIES, type Duty } from '@gridcommand/shared/domain';
import type { AssessmentSheet } from '@gridcommand/shared/schemas';

export const DUTY_ZH: Record<Duty, string> = {
  visits: '入户走访',
  infoUpdates: '信息变动',
  renterMeetings: '租房户见面',
  newcomers: '新流入人员',
  reports: '上报',
  onTimeVerification: '按时核查',
  missedReports: '漏报',
};
export const CONSEQUENCE_ZH = { none: '', suspension: '停职', probation: '留岗查看' } as const;

export const SHEET_HEAD = ['街道', '社区', '姓名', '类别', '顶岗/领取人', '网格', ...DUTIES.map((d) => `${DUTY_ZH[d]}得分`), '总分', '满分', '奖金比例 %', '奖金 (元)', '处理', '状态'];

const sheetName = (s: string, used: Set<string>) => {
  let n = s.replace(/[[\]:*?/\\]/g, ' ').slice(0, 28) || '未分街道';
  while (used.has(n)) n = `${n.slice(0, 26)}_${used.size}`;
  used.add(n);
  return n;
};

export async function assessmentWorkbook(sheet: AssessmentSheet): Promise<Buffer> {
  // loaded on first use: exceljs is most of a second of module loading at every start otherwise
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const byStreet = new Map<string, AssessmentSheet['rows']>();
  for (const r of sheet.rows) {
    const k = r.streetName ?? '未分街道';
    const list = byStreet.get(k);
    if (list) list.push(r);
    else byStreet.set(k, [r]);
  }
  if (byStreet.size === 0) byStreet.set(sheet.unit.name, []);
  const used = new Set<string>();
  for (const [street, rows] of byStreet) {
    const ws = wb.addWorksheet(sheetName(street, used), { views: [{ state: 'frozen', ySplit: 2 }] });
    ws.addRow([`${sheet.month} 月度考核 · ${sheet.unit.name}${sheet.closed ? ' (已审定)' : ' (暂定)'}`]);
    ws.addRow(SHEET_HEAD).font = { bold: true };
    for (const r of rows) {
      ws.addRow([
        r.streetName ?? '',
        r.communityName ?? '',
        r.subjectName,
        r.kind === 'head' ? '社区书记/主任' : '网格员',
        r.payeeId === r.subjectId ? '' : r.payeeName,
        r.grids.join(' '),
        ...DUTIES.map((d, i) => (r.lines ? r.lines.find((l) => l.duty === d)?.points : r.points?.[i]) ?? 0),
        r.total,
        r.maxScore,
        Math.round(r.share * 100),
        r.yuan,
        CONSEQUENCE_ZH[r.consequence],
        r.recorded ? '已审定' : '暂定',
      ]);
    }
    ws.columns.forEach((c, i) => (c.width = i === 5 ? 34 : 12));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
