/**
 * Demo reports for the zero-report rule (零报制): for the last three periods of every kind and the one running, most
 * units report (some with 本期无情况, a few late), a few do not, chosen by a stable hash of unit, kind and period, so
 * the overview and the bulletins have names to show in red. Runs once: nothing happens when any report exists.
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import { NOTHING_TO_REPORT_TEXT, addCstDays, cstDate, cstDateKey, reportDeadline, reportPeriodStart } from '@gridcommand/shared/domain';
import * as repo from './repository.ts';

const BODIES: Record<string, string[]> = {
  family_planning: ['本月新增出生登记 3 例，流动人口婚育证明查验 12 人，均已录入系统。', '开展优生优育宣传 1 场，发放资料 80 份。'],
  labour_inspection: ['走访辖区小微企业 6 家，发现未签劳动合同 1 起，已督促整改。', '受理欠薪线索 2 条，已移交区劳动保障监察大队。'],
  safety_inspection: ['检查生产经营单位 18 家，发现隐患 5 处，已整改 4 处，1 处限期整改。', '开展燃气安全专项检查，覆盖沿街商户 42 家。'],
  street_quarterly: ['本季度网格化工作运行平稳，案件按期结案率同比提升，重点推进背街小巷整治。'],
};

const hash = (s: string) => crypto.createHash('sha256').update(s).digest().readUInt32BE(0);

export async function seedDemoUnitReports(pool: pg.Pool, now: Date = new Date()): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM unit_report');
  if ((rows[0]?.n ?? 0) > 0) return 0;
  let written = 0;
  for (const k of await repo.listKinds(pool, true)) {
    const units = await repo.unitsOfKind(pool, k.unitKind, { kind: 'all' });
    let start = reportPeriodStart(k.period, cstDateKey(now));
    const periods = [start];
    for (let i = 0; i < 3; i++) periods.push((start = reportPeriodStart(k.period, addCstDays(start, -1))));
    for (const p of periods) {
      const deadline = reportDeadline(k, p).getTime();
      const running = deadline > now.getTime();
      for (const u of units) {
        const h = hash(`${k.code}|${u.code}|${p}`);
        // a few never report; in a period not yet due, half have reported so far
        if (h % 10 === 0 || (running && h % 2 === 0)) continue;
        const late = !running && h % 10 === 1;
        const nothing = h % 4 === 0;
        const hours = 1 + ((h >>> 8) % 240);
        const wanted = late ? deadline + (1 + ((h >>> 8) % 72)) * 3_600_000 : deadline - hours * 3_600_000;
        const submittedAt = new Date(Math.min(wanted, now.getTime() - 60_000));
        if (submittedAt.getTime() < cstDate(p).getTime()) continue;
        const texts = BODIES[k.code] ?? ['本期工作已按要求完成。'];
        const row = await repo.insertReport(pool, {
          kindCode: k.code,
          unitCode: u.code,
          periodStart: p,
          nothingToReport: nothing,
          body: nothing ? NOTHING_TO_REPORT_TEXT : texts[h % texts.length]!,
          counts: {},
          submittedBy: null,
          submittedAt,
        });
        if (row) written++;
      }
    }
  }
  return written;
}
