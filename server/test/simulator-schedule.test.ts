/** The live simulator's timing rules (sim-schedule.ts): the history's volume and rhythm, its per-stage durations, compressed. */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@gridcommand/data';
import { HOUR_MS, MINUTE_MS, addCstDays, cstDateKey, cstDate, type CaseState } from '@gridcommand/shared/domain';
import { historyReportsPerHour } from '../src/modules/demo/history-plan.ts';
import { DueQueue, caseLife, nextArrivalMs, reportRate, resumeLife, withReviewDate, type SimCase } from '../src/modules/demo/sim-schedule.ts';
import { Gate } from '../src/modules/demo/sim-session.ts';

const FRIDAY = '2026-11-20';
const SATURDAY = '2026-11-21';
const at = (day: string, hh: number, mm = 30) => cstDate(day, `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`).getTime();
const dayTotal = (day: string, count: number) => Array.from({ length: 24 }, (_, h) => historyReportsPerHour(count, 30, at(day, h))).reduce((a, b) => a + b, 0);

describe('report volume', () => {
  it('gives a weekday the history volume of a weekday, and a weekend day 0.7 of it', () => {
    // 50,000 in 30 days with lighter weekends: about 1,823 a weekday
    expect(dayTotal(FRIDAY, 50_000)).toBeCloseTo(50_000 / (30 * (5 + 1.4) / 7), 6);
    expect(dayTotal(SATURDAY, 50_000) / dayTotal(FRIDAY, 50_000)).toBeCloseTo(0.7, 6);
    // a week has 7 / 30 of the month
    let week = 0;
    for (let d = 0; d < 7; d++) week += dayTotal(addCstDays(FRIDAY, d), 30_000);
    expect(week).toBeCloseTo((30_000 * 7) / 30, 6);
  });

  it.each([
    [3, 10, 5],
    [4, 15, 5],
    [12, 10, 1.5],
  ])('follows the daily rhythm: %i:30 is far quieter than %i:30 (at least %f×)', (quiet, busy, factor) => {
    expect(historyReportsPerHour(50_000, 30, at(FRIDAY, busy))).toBeGreaterThan(factor * historyReportsPerHour(50_000, 30, at(FRIDAY, quiet)));
  });

  it.each([
    // monthly, speed, CST hour, reports/s expected (a Friday)
    [50_000, 1, 10, (50_000 / (30 * 6.4 / 7)) * (5.8 / 56.4) / 3600],
    [50_000, 60, 10, ((50_000 / (30 * 6.4 / 7)) * (5.8 / 56.4) * 60) / 3600],
    [50_000, 60, 3, ((50_000 / (30 * 6.4 / 7)) * (0.15 / 56.4) * 60) / 3600],
    [5_000, 600, 14, ((5_000 / (30 * 6.4 / 7)) * (4.6 / 56.4) * 600) / 3600],
  ])('%i a month at %i× gives at %i:30 the history rate × the compression', (monthly, speed, hour, expected) => {
    expect(reportRate(monthly, speed, at(FRIDAY, hour))).toBeCloseTo(expected, 9);
  });

  it('draws Poisson gaps with the rate as mean', () => {
    const rand = mulberry32(1).next;
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += nextArrivalMs(0.5, rand());
    expect(sum / n).toBeGreaterThan(1900);
    expect(sum / n).toBeLessThan(2100);
    expect(nextArrivalMs(0, 0.5)).toBe(Infinity);
  });
});

/** First instant of each action over many lives of one kind of case, in minutes after the report. */
function sample(c: Omit<SimCase, 'reportedAt' | 'departmentCode'>, n = 4000, seed = 42) {
  const rand = mulberry32(seed).next;
  const firsts = new Map<string, number[]>();
  let late = 0;
  let closedWithinHour = 0;
  for (let i = 0; i < n; i++) {
    const life = caseLife(rand, { ...c, reportedAt: 0, departmentCode: 'D' });
    const seen = new Set<string>();
    for (const s of life) {
      if (seen.has(s.cmd.action)) continue;
      seen.add(s.cmd.action);
      (firsts.get(s.cmd.action) ?? firsts.set(s.cmd.action, []).get(s.cmd.action)!).push(s.at / MINUTE_MS);
      if (s.cmd.action === 'handle' && s.at > c.resolveBy) late++;
      if (s.cmd.action === 'close' && s.at < HOUR_MS) closedWithinHour++;
    }
  }
  const median = (a: string) => {
    const v = [...(firsts.get(a) ?? [])].sort((x, y) => x - y);
    return v[v.length >> 1]!;
  };
  const share = (a: string) => (firsts.get(a)?.length ?? 0) / n;
  return { median, share, late: late / n, closedWithinHour };
}

describe('case schedules', () => {
  const normal = sample({ respondBy: 4 * HOUR_MS, resolveBy: 5 * 24 * HOUR_MS });
  const emergency = sample({ respondBy: 15 * MINUTE_MS, resolveBy: 2 * HOUR_MS });

  it.each([
    // action, median minutes after the report: normal case (4 h to answer, 5 days to resolve) between lo and hi
    ['file', 30, 60],
    ['dispatch', 45, 90],
    ['accept', 80, 140],
    ['handle', 8 * 60, 24 * 60],
    ['close', 12 * 60, 30 * 60],
  ])('a normal case: median time to %s within [%i, %i] minutes', (action, lo, hi) => {
    expect(normal.median(action)).toBeGreaterThanOrEqual(lo);
    expect(normal.median(action)).toBeLessThanOrEqual(hi);
  });

  it.each([
    ['file', 2, 5],
    ['accept', 5, 15],
    ['handle', 25, 60],
    ['close', 120, 400],
  ])('an emergency is worked fast: median time to %s within [%i, %i] minutes', (action, lo, hi) => {
    expect(emergency.median(action)).toBeGreaterThanOrEqual(lo);
    expect(emergency.median(action)).toBeLessThanOrEqual(hi);
  });

  it('leaves a share late, voids, parks, escalates and reworks a few, and never closes within the first hour', () => {
    for (const s of [normal, emergency]) {
      expect(s.late).toBeGreaterThan(0.04);
      expect(s.late).toBeLessThan(0.09);
      expect(s.share('void')).toBeGreaterThan(0.01);
      expect(s.share('void')).toBeLessThan(0.04);
      expect(s.share('park')).toBeGreaterThan(0.005);
      expect(s.share('escalate')).toBeGreaterThan(0.01);
      expect(s.share('verify_fail')).toBeGreaterThan(0.02);
      expect(s.share('close')).toBeGreaterThan(0.9);
      expect(s.closedWithinHour).toBe(0);
    }
  });

  const life = caseLife(mulberry32(7).next, { reportedAt: 1_000_000, respondBy: 1_000_000 + 4 * HOUR_MS, resolveBy: 1_000_000 + 5 * 24 * HOUR_MS, departmentCode: 'D' });

  it('compresses every wait by the speed for a new case', () => {
    const t0 = 1_000_000;
    const real = resumeLife(life, t0, 'reported', t0, 1);
    const fast = resumeLife(life, t0, 'reported', t0, 60);
    expect(real.map((s) => s.cmd.action)).toEqual(life.map((s) => s.cmd.action));
    expect(real.map((s) => s.due)).toEqual(life.map((s) => s.at));
    fast.forEach((s, i) => expect(s.due - t0).toBeCloseTo((real[i]!.due - t0) / 60, 6));
  });

  it.each<[CaseState, string[]]>([
    ['reported', ['file', 'void']],
    ['filed', ['dispatch', 'park', 'escalate', 'void']],
    ['dispatched', ['accept', 'park', 'escalate', 'void']],
    ['in_progress', ['handle', 'park', 'escalate']],
    ['handled', ['verify_pass', 'verify_fail']],
    ['verified', ['close']],
  ])('picks a case found %s up at a step it can take, one stage wait from now', (status, first) => {
    const now = 50_000_000;
    const rest = resumeLife(life, 1_000_000, status, now, 10);
    expect(first).toContain(rest[0]!.cmd.action);
    const i = life.findIndex((s) => s.cmd.action === rest[0]!.cmd.action);
    expect(rest[0]!.due - now).toBeCloseTo((life[i]!.at - (i > 0 ? life[i - 1]!.at : 1_000_000)) / 10, 6);
    for (let k = 1; k < rest.length; k++) expect(rest[k]!.due).toBeGreaterThanOrEqual(rest[k - 1]!.due);
  });

  it('has nothing left for a closed or void case', () => {
    expect(resumeLife(life, 0, 'closed', 0, 1)).toEqual([]);
    expect(resumeLife(life, 0, 'void', 0, 1)).toEqual([]);
  });

  it('dates a park review from the instant it is taken', () => {
    const now = at(FRIDAY, 10);
    const cmd = withReviewDate({ action: 'park', reason: 'r', reviewDate: '2099-01-01' }, now, () => 0.5);
    expect(cmd.reviewDate).toBe(addCstDays(cstDateKey(now), 35));
    expect(withReviewDate({ action: 'file' }, now, () => 0.5)).toEqual({ action: 'file' });
  });
});

describe('due queue and gate', () => {
  it('pops in due order, ties in push order, only what is due', () => {
    const q = new DueQueue<string>();
    const rand = mulberry32(3).next;
    const dues = Array.from({ length: 200 }, () => Math.floor(rand() * 50));
    dues.forEach((d, i) => q.push(d, `${d}:${i}`));
    expect(q.popDue(-1)).toBeUndefined();
    const out: string[] = [];
    for (let x = q.popDue(100); x !== undefined; x = q.popDue(100)) out.push(x);
    const expected = dues.map((d, i) => ({ d, i })).sort((a, b) => a.d - b.d || a.i - b.i).map(({ d, i }) => `${d}:${i}`);
    expect(out).toEqual(expected);
    expect(q.size).toBe(0);
    expect(q.nextDue).toBe(Infinity);
  });

  it('keeps at most its limit of requests in flight', async () => {
    const gate = new Gate(4);
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        gate.run(async () => {
          most = Math.max(most, ++inFlight);
          await new Promise((r) => setTimeout(r, 1 + (i % 5)));
          inFlight--;
        }),
      ),
    );
    expect(most).toBe(4);
  });
});
