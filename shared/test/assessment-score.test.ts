import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WEIGHTS,
  DUTIES,
  addMonthsClamped,
  assessedDays,
  attribution,
  dutyFulfilment,
  emptyMeasures,
  infoUpdateOnTime,
  leaveDays,
  longLeaveIn,
  missingItems,
  newcomerOnTime,
  postsOf,
  reviewMonth,
  scorePost,
  weekStart,
  weightsProblem,
  workingDaysAfter,
  type AssessedPerson,
  type Duty,
  type DutyMeasures,
  type Leave,
} from '../src/domain/index.ts';

const cal = { holidays: ['2026-02-16', '2026-02-17'], workdays: ['2026-02-14'] };

describe('default weights', () => {
  it('add up to the maximum of each kind', () => {
    expect(weightsProblem('staff', DEFAULT_WEIGHTS.staff)).toBeNull();
    expect(weightsProblem('head', DEFAULT_WEIGHTS.head)).toBeNull();
  });
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['negative', { ...DEFAULT_WEIGHTS.staff, visits: -1, infoUpdates: 46 }, /visits must be a number/],
    ['sum 99', { ...DEFAULT_WEIGHTS.staff, visits: 29 }, /add up to 99, not 100/],
    ['missing duty', { ...DEFAULT_WEIGHTS.staff, reports: undefined }, /reports must be/],
    ['unknown duty', { ...DEFAULT_WEIGHTS.staff, extra: 0 }, /unknown duties: extra/],
  ])('refuses %s', (_n, w, re) => expect(weightsProblem('staff', w)).toMatch(re));
});

const m = (over: Partial<DutyMeasures>): DutyMeasures => ({ ...emptyMeasures(28), ...over });

describe('dutyFulfilment', () => {
  it.each<[string, Partial<DutyMeasures>, Duty, number, number, number]>([
    // 28 days: 8 visits expected (2 a week), 4 reports (1 a week)
    ['visits 6 of 8', { visits: 6 }, 'visits', 6, 8, 0.75],
    ['visits above target', { visits: 11 }, 'visits', 11, 8, 1],
    ['reports 1 of 4', { reports: 1 }, 'reports', 1, 4, 0.25],
    ['info updates 3 of 4 on time', { infoUpdates: { total: 4, onTime: 3 } }, 'infoUpdates', 3, 4, 0.75],
    ['no info updates: nothing late', {}, 'infoUpdates', 0, 0, 1],
    ['renters 2 of 5 met', { renters: { known: 5, met: 2 } }, 'renterMeetings', 2, 5, 0.4],
    ['newcomers 1 of 2', { newcomers: { total: 2, onTime: 1 } }, 'newcomers', 1, 2, 0.5],
    ['verifications 0 of 1', { verifications: { total: 1, onTime: 0 } }, 'onTimeVerification', 0, 1, 0],
    ['missed 1 of 4', { cases: { total: 4, public: 1 } }, 'missedReports', 1, 4, 0.75],
    ['no cases: nothing missed', {}, 'missedReports', 0, 0, 1],
  ])('%s', (_n, over, duty, done, of, f) => {
    const r = dutyFulfilment(m(over))[duty];
    expect(r).toEqual({ done, of, fulfilment: f });
  });
  it('30 days: 60/7 visits expected', () => {
    expect(dutyFulfilment(emptyMeasures(30)).visits.of).toBe(8.57);
  });
});

describe('scorePost', () => {
  // staff: visits 6/8 → 22.5, info 3/4 → 11.25, renters 2/5 → 6, newcomers 1/2 → 5, reports 1/4 → 2.5,
  // verification 0/1 → 0, missed 1/4 → 7.5: total 54.75 → 70 % of 400 = 280
  const sample = m({ visits: 6, infoUpdates: { total: 4, onTime: 3 }, renters: { known: 5, met: 2 }, newcomers: { total: 2, onTime: 1 }, reports: 1, verifications: { total: 1, onTime: 0 }, cases: { total: 4, public: 1 } });
  it('points, total, bonus', () => {
    const s = scorePost('staff', sample, DEFAULT_WEIGHTS.staff);
    expect(s.lines.map((l) => l.points)).toEqual([22.5, 11.25, 6, 5, 2.5, 0, 7.5]);
    expect(s.total).toBe(54.75);
    expect([s.share, s.yuan, s.consequence]).toEqual([0.7, 280, 'none']);
  });
  it('head: same duties × 1.2', () => {
    const s = scorePost('head', sample, DEFAULT_WEIGHTS.head);
    expect(s.total).toBe(65.7);
    expect([s.share, s.yuan]).toEqual([0.7, 350]);
  });
  it('everything done: full marks', () => {
    const s = scorePost('staff', m({ visits: 8, reports: 4 }), DEFAULT_WEIGHTS.staff);
    expect([s.total, s.share, s.yuan]).toEqual([100, 1, 400]);
  });
  it.each<[string, (number | null)[], string]>([
    ['two earlier below 80', [70, 79.99], 'probation'],
    ['one earlier below', [70], 'none'],
    ['a gap breaks the run', [70, null], 'none'],
    ['a gap before the run', [null, 60, 70], 'probation'],
    ['an earlier month passed', [70, 85], 'none'],
  ])('consequence: %s', (_n, previous, c) => {
    expect(scorePost('staff', sample, DEFAULT_WEIGHTS.staff, previous).consequence).toBe(c);
  });
  it('head below 85 three times → suspension', () => {
    expect(scorePost('head', sample, DEFAULT_WEIGHTS.head, [80, 84]).consequence).toBe('suspension');
  });
});

describe('on time', () => {
  it.each<[string, string, number]>([
    ['2026-02-09', '2026-02-09', 0], // Monday, same day
    ['2026-02-09', '2026-02-13', 4], // Tue–Fri
    ['2026-02-13', '2026-02-23', 5], // Sat 14 a make-up workday, 16–17 holidays: 14, 18, 19, 20, 23
  ])('working days after %s to %s', (a, b, n) => expect(workingDaysAfter(a, b, cal)).toBe(n));
  it.each<[string, string, boolean]>([
    ['2026-02-02', '2026-02-09', true], // 5 working days
    ['2026-02-02', '2026-02-10', false], // 6
    ['2026-02-13', '2026-02-23', true], // 5 with the calendar
    ['2026-02-13', '2026-02-24', false],
  ])('info update %s recorded %s', (a, b, ok) => expect(infoUpdateOnTime(a, b, cal)).toBe(ok));
  it.each<[string, string, boolean]>([
    ['2026-01-15', '2026-02-15', true],
    ['2026-01-15', '2026-02-16', false],
    ['2026-01-31', '2026-02-28', true], // clamped to the month's last day
    ['2026-01-31', '2026-03-01', false],
  ])('newcomer %s registered %s', (a, b, ok) => expect(newcomerOnTime(a, b)).toBe(ok));
  it('months clamp', () => {
    expect(addMonthsClamped('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonthsClamped('2026-12-15', 1)).toBe('2027-01-15');
    expect(addMonthsClamped('2026-01-15', -1)).toBe('2025-12-15');
  });
});

describe('calendar of a month', () => {
  it.each<[string, string, number]>([
    ['2026-02', '2026-03-01T00:00:00+08:00', 28],
    ['2026-02', '2026-02-01T00:00:00+08:00', 1],
    ['2026-02', '2026-02-10T23:59:00+08:00', 10],
    ['2026-02', '2026-01-31T23:59:00+08:00', 0],
  ])('%s at %s: %i days', (month, at, n) => expect(assessedDays(month, new Date(at))).toBe(n));
  it.each([
    ['2026-02-09', '2026-02-09'],
    ['2026-02-15', '2026-02-09'],
    ['2026-02-11', '2026-02-09'],
  ])('week of %s starts %s', (d, w) => expect(weekStart(d)).toBe(w));
});

describe('posts', () => {
  const people: AssessedPerson[] = [
    { id: 1, name: 'A', kind: 'staff', gridCodes: ['g1'], communityCode: 'c1' },
    { id: 2, name: 'B', kind: 'staff', gridCodes: ['g2'], communityCode: 'c1' },
    { id: 9, name: 'H', kind: 'head', gridCodes: [], communityCode: 'c1' },
  ];
  const grids = new Map([
    ['c1', ['g1', 'g2', 'g3']],
    ['c2', ['g4']],
  ]);
  const leave: Leave = { userId: 1, coverUserId: 2, from: '2026-01-20', to: '2026-02-25' }; // 37 days
  it('long leave → the coverer is paid; vacancy → the head; no head → unassigned', () => {
    const { posts, unassigned } = postsOf('2026-02', people, grids, [leave]);
    expect(posts).toEqual([
      { subjectId: 1, kind: 'staff', grids: ['g1'], payeeId: 2, communityCode: 'c1' },
      { subjectId: 2, kind: 'staff', grids: ['g2'], payeeId: 2, communityCode: 'c1' },
      { subjectId: 9, kind: 'head', grids: ['g3'], payeeId: 9, communityCode: 'c1' },
    ]);
    expect(unassigned).toEqual(['g4']);
    const a = attribution(posts);
    expect([a.byUser(2, 'g1'), a.byUser(2, 'g2'), a.byUser(2, null), a.byUser(1, 'g1'), a.byUser(9, 'g3'), a.byUser(9, null), a.byGrid('g1'), a.byGrid('g4')]).toEqual([0, 1, 1, null, 2, 2, 0, null]);
  });
  it.each<[string, Leave, boolean]>([
    ['30 days is not over a month', { ...leave, from: '2026-02-01', to: '2026-03-02' }, false],
    ['31 days is', { ...leave, from: '2026-02-01', to: '2026-03-03' }, true],
    ['no coverer', { ...leave, coverUserId: null }, false],
    ['ended before the month', { ...leave, from: '2025-12-01', to: '2026-01-31' }, false],
  ])('long leave: %s', (_n, l, yes) => expect(longLeaveIn('2026-02', 1, [l]) !== null).toBe(yes));
  it('leave days are inclusive', () => expect(leaveDays({ from: '2026-02-01', to: '2026-02-01' })).toBe(1));
});

describe('missingItems', () => {
  it('what is left', () => {
    const items = missingItems(m({ reports: 1, renters: { known: 3, met: 1 }, infoUpdates: { total: 2, onTime: 1 } }), 28, 1);
    expect(items).toEqual([
      { duty: 'visits', count: 1, period: 'week' },
      { duty: 'reports', count: 3, period: 'month' },
      { duty: 'renterMeetings', count: 2, period: 'month' },
      { duty: 'infoUpdates', count: 1, period: 'month' },
    ]);
    expect(missingItems(m({ reports: 5 }), 28, 2)).toEqual([]);
  });
  it('duties are listed once', () => expect(new Set(DUTIES).size).toBe(7));
});

describe('reviewMonth', () => {
  it.each([
    ['2026-12-02T07:00:00+08:00', '2026-11'],
    ['2026-12-09T23:59:00+08:00', '2026-11'],
    ['2026-12-10T00:00:00+08:00', '2026-12'],
    ['2026-01-03T12:00:00+08:00', '2025-12'],
  ])('at %s: %s', (at, m) => expect(reviewMonth(new Date(at))).toBe(m));
});
