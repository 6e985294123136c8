/**
 * The demo history planner on its own (no database): for any seed and any "now" — a weekday afternoon, a
 * weekend night, the first day of a holiday — every case walks through the shared rules without a refusal,
 * the events come in time order and validate against the event vocabulary, each case's last facts are its
 * record, and supervision records are numbered in the order they were opened.
 */
import { describe, expect, it } from 'vitest';
import { Compile } from 'typebox/compile';
import { LiveEvent, type CaseFacts } from '@gridcommand/shared/schemas';
import { cstDate, lightFor, WEEKENDS_ONLY, type WorkCalendar } from '@gridcommand/shared/domain';
import { planHistory, type CategoryRow, type GridRow } from '../src/modules/demo/history-plan.ts';
import { payloadOf } from '../src/modules/demo/history-walk.ts';

const GRIDS: GridRow[] = [
  { code: '370211001002001', community_code: '370211001002', zone_code: '37021100106', street_code: '370211001', population: 1557, community_name: '海岸社区', street_name: '中山路街道' },
  { code: '370211001003006', community_code: '370211001003', zone_code: '37021100108', street_code: '370211001', population: 1060, community_name: '观海社区', street_name: '中山路街道' },
];
const POINTS = new Map<string, [number, number][]>([
  ['370211001002001', [[120.226166, 36.037068], [120.2265, 36.0372]]],
  ['370211001003006', [[120.213153, 36.016571]]],
]);
const limits = (respondLimit: number, respondUnit: 'hours' | 'working_days', resolveLimit: number, resolveUnit: 'hours' | 'working_days', warnRatio = 0.8) =>
  ({ respondLimit, respondUnit, resolveLimit, resolveUnit, redFactor: 1, warnRatio });
const CATEGORIES: CategoryRow[] = [
  { code: '01001', name: '暴露垃圾', majorName: '市容环境', departmentCode: 'CGJ', ...limits(3, 'hours', 3, 'working_days') },
  { code: '03002', name: '施工扰民', majorName: '施工管理', departmentCode: 'ZJJ', ...limits(3, 'hours', 3, 'working_days') },
  { code: '06008', name: '电梯故障困人', majorName: '安全隐患', departmentCode: 'SJJ', ...limits(0.5, 'hours', 24, 'hours', 0.5) },
  { code: '10001', name: '流动人口未登记', majorName: '出租房屋与流动人口', departmentCode: 'GAJ', ...limits(0.5, 'working_days', 5, 'working_days') },
  { code: '12001', name: '突发火情', majorName: '突发事件', departmentCode: 'YJJ', ...limits(0.5, 'hours', 24, 'hours', 0.5) },
];
const HOLIDAYS: WorkCalendar = { holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'], workdays: ['2026-10-10'] };

const check = Compile(LiveEvent);

function plan(now: Date, seed: number, calendar: WorkCalendar = WEEKENDS_ONLY, count = 1500) {
  return planHistory(GRIDS, POINTS, CATEGORIES, {
    days: 30, count, seed, now, calendar, firstId: 101, firstSeq: 1, firstSupervisionId: 11, firstNoticeSeq: 9990,
  });
}

describe('demo history planner', () => {
  it.each([
    ['a weekday afternoon', cstDate('2026-11-20', '14:30'), 7, WEEKENDS_ONLY],
    ['a Sunday night', cstDate('2026-11-22', '23:59'), 8, WEEKENDS_ONLY],
    ['a national holiday', cstDate('2026-10-03', '09:00'), 9, HOLIDAYS],
    ['the morning a holiday ends', cstDate('2026-10-08', '09:00'), 10, HOLIDAYS],
  ])('plans %s through the rules, in valid events in time order', (_label, now, seed, calendar) => {
    const p = plan(now, seed, calendar);
    expect(p.cases.length).toBe(1500);
    const last = new Map<number, CaseFacts>();
    let previous = -Infinity;
    p.events.forEach((e, i) => {
      expect(e.at).toBeGreaterThanOrEqual(previous);
      expect(e.at).toBeLessThanOrEqual(now.getTime());
      previous = e.at;
      const live = {
        id: i + 1, at: new Date(e.at).toISOString(), v: 1, type: e.type, caseId: e.case.id, teamId: null,
        streetCode: e.case.streetCode, fromState: e.from, toState: e.to, note: e.note, lon: null, lat: null,
        payload: JSON.parse(payloadOf(e)),
      };
      expect(check.Check(live), `${e.type} ${payloadOf(e)}`).toBe(true);
      if ('case' in live.payload) last.set(e.case.id, live.payload.case);
    });
    for (const c of p.cases) {
      const f = last.get(c.id)!;
      const r = c.record;
      expect([f.status, f.light, f.version, f.supervised, f.escalationLevel, f.teamId, f.departmentCode]).toEqual(
        [r.status, r.light, r.version, r.supervised, r.escalationLevel, r.teamId, r.departmentCode],
      );
      expect(r.light).toBe(lightFor({ state: r.status, respondedAt: r.stamps.respondedAt ?? null, clocks: r.clocks }, now));
      if (r.nextLightAt) expect(r.nextLightAt.getTime()).toBeGreaterThan(now.getTime());
    }
    // notice numbers follow the opening order, past 9999 with a fifth digit
    p.supervision.forEach((s, k) => {
      expect(s.id).toBe(11 + k);
      expect(s.noticeNo.endsWith(`-${9990 + k}`)).toBe(true);
      if (k > 0) expect(s.openedAt).toBeGreaterThanOrEqual(p.supervision[k - 1]!.openedAt);
    });
    expect(p.supervision.length).toBeGreaterThan(10);
    const open = new Set(p.supervision.filter((s) => s.closedAt === null).map((s) => s.caseId));
    expect([...open].sort()).toEqual(p.cases.filter((c) => c.record.supervised).map((c) => c.id).sort());
  });

  it('is the same plan for the same inputs', () => {
    const now = cstDate('2026-11-20', '14:30');
    const a = plan(now, 3, WEEKENDS_ONLY, 300);
    const b = plan(now, 3, WEEKENDS_ONLY, 300);
    expect(b.events.map(payloadOf)).toEqual(a.events.map(payloadOf));
    expect(b.cases.map((c) => c.record)).toEqual(a.cases.map((c) => c.record));
  });
});
