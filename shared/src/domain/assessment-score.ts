/**
 * The monthly score of a post (月度考核, docs/assessment.md): the duties, each one's fulfilment (0..1) from what was
 * measured, its points (weight × fulfilment), the total, the bonus (bonusFor) and the consequence of the last three
 * months (consequenceFor). Also who answers for a post (sick leave over a month → the covering colleague; a vacant
 * grid → the head of its community) and what a worker still has to do this week / month.
 */
import { ASSESSMENT_RULES, bonusFor, consequenceFor, type Consequence, type StaffKind } from './assessment.ts';
import { DAY_MS, addCstDays, cstDate, cstDateKey, cstWeekday, type DateKey } from './china-time.ts';
import { daysInMonth } from './calendar-status.ts';
import { isWorkingDay, type WorkCalendar } from './working-time.ts';

export const DUTIES = ['visits', 'infoUpdates', 'renterMeetings', 'newcomers', 'reports', 'onTimeVerification', 'missedReports'] as const;
export type Duty = (typeof DUTIES)[number];
export type DutyWeights = Record<Duty, number>;

/** Default weights: staff out of 100; heads the same duties scaled to 120 (× 1.2). */
export const DEFAULT_WEIGHTS: Readonly<Record<StaffKind, Readonly<DutyWeights>>> = {
  staff: { visits: 30, infoUpdates: 15, renterMeetings: 15, newcomers: 10, reports: 10, onTimeVerification: 10, missedReports: 10 },
  head: { visits: 36, infoUpdates: 18, renterMeetings: 18, newcomers: 12, reports: 12, onTimeVerification: 12, missedReports: 12 },
};

/** Household visits (入户走访) a week. */
export const VISITS_PER_WEEK = 2;
/** Cases reported (上报) a week. */
export const REPORTS_PER_WEEK = 1;
/** An information change is recorded at most this many working days after it happened. */
export const INFO_UPDATE_WORKING_DAYS = 5;
/** A newcomer (新流入人员) is registered at most this many months after arriving. */
export const NEWCOMER_MONTHS = 1;
/** The renter households (租房户) of a grid: those met in this month or the RENTER_LOOKBACK_MONTHS months before it. */
export const RENTER_LOOKBACK_MONTHS = 3;
/** A sick leave longer than this many days moves the post (and its bonus) to the covering colleague. */
export const LONG_LEAVE_DAYS = 30;

export const DUTY_RECORD_KINDS = ['info_update', 'renter_meeting', 'newcomer'] as const;
export type DutyRecordKind = (typeof DUTY_RECORD_KINDS)[number];

export interface OnTimeShare {
  total: number;
  onTime: number;
}

/** What was measured for one post in the assessed days of a month. */
export interface DutyMeasures {
  /** days of the month assessed: the whole month, or the days begun so far in the running month */
  days: number;
  visits: number;
  infoUpdates: OnTimeShare;
  /** renter households known in the post's grids and those met this month */
  renters: { known: number; met: number };
  newcomers: OnTimeShare;
  reports: number;
  verifications: OnTimeShare;
  /** valid cases reported in the post's grids, and those first reported by the public (漏报) */
  cases: { total: number; public: number };
}

export const emptyMeasures = (days: number): DutyMeasures => ({
  days,
  visits: 0,
  infoUpdates: { total: 0, onTime: 0 },
  renters: { known: 0, met: 0 },
  newcomers: { total: 0, onTime: 0 },
  reports: 0,
  verifications: { total: 0, onTime: 0 },
  cases: { total: 0, public: 0 },
});

export interface DutyLine {
  duty: Duty;
  /** what was done (visits, reports, on-time records, households met; missed reports for missedReports) */
  done: number;
  /** what was expected (a target, or the number of records, households or cases) */
  of: number;
  fulfilment: number;
  weight: number;
  points: number;
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const shareOf = (s: OnTimeShare) => (s.total === 0 ? 1 : s.onTime / s.total);
const upTo = (done: number, target: number) => (target <= 0 ? 1 : Math.min(1, done / target));

export const visitTarget = (days: number) => (VISITS_PER_WEEK * days) / 7;
export const reportTarget = (days: number) => (REPORTS_PER_WEEK * days) / 7;

/** Each duty's done / of and fulfilment (0..1). */
export function dutyFulfilment(m: DutyMeasures): Record<Duty, { done: number; of: number; fulfilment: number }> {
  return {
    visits: { done: m.visits, of: round2(visitTarget(m.days)), fulfilment: upTo(m.visits, visitTarget(m.days)) },
    infoUpdates: { done: m.infoUpdates.onTime, of: m.infoUpdates.total, fulfilment: shareOf(m.infoUpdates) },
    renterMeetings: { done: m.renters.met, of: m.renters.known, fulfilment: m.renters.known === 0 ? 1 : Math.min(1, m.renters.met / m.renters.known) },
    newcomers: { done: m.newcomers.onTime, of: m.newcomers.total, fulfilment: shareOf(m.newcomers) },
    reports: { done: m.reports, of: round2(reportTarget(m.days)), fulfilment: upTo(m.reports, reportTarget(m.days)) },
    onTimeVerification: { done: m.verifications.onTime, of: m.verifications.total, fulfilment: shareOf(m.verifications) },
    missedReports: { done: m.cases.public, of: m.cases.total, fulfilment: m.cases.total === 0 ? 1 : 1 - m.cases.public / m.cases.total },
  };
}

/** Weights a kind may have: every duty, each finite and ≥ 0, adding up to the kind's maximum score; else why not. */
export function weightsProblem(kind: StaffKind, w: Partial<Record<string, unknown>>, rules = ASSESSMENT_RULES): string | null {
  let sum = 0;
  for (const d of DUTIES) {
    const v = w[d];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return `${kind}.${d} must be a number ≥ 0`;
    sum += v;
  }
  const extra = Object.keys(w).filter((k) => !(DUTIES as readonly string[]).includes(k));
  if (extra.length > 0) return `${kind} has unknown duties: ${extra.join(', ')}`;
  if (Math.abs(sum - rules[kind].maxScore) > 1e-6) return `the weights of ${kind} add up to ${round2(sum)}, not ${rules[kind].maxScore}`;
  return null;
}

export interface PostScore {
  lines: DutyLine[];
  total: number;
  share: number;
  yuan: number;
  consequence: Consequence;
}

/**
 * The score of a post: points = weight × fulfilment rounded to 0.01, total = the sum of the points (never above the
 * maximum); bonus by bonusFor; consequence by consequenceFor over the previous months' recorded scores (oldest
 * first, null for a month without one: a gap breaks the run) and this one.
 */
export function scorePost(kind: StaffKind, m: DutyMeasures, weights: DutyWeights, previous: readonly (number | null)[] = [], rules = ASSESSMENT_RULES): PostScore {
  const f = dutyFulfilment(m);
  const lines = DUTIES.map((duty) => ({ duty, ...f[duty], weight: weights[duty], points: round2(weights[duty] * f[duty].fulfilment) }));
  const total = Math.min(rules[kind].maxScore, round2(lines.reduce((s, l) => s + l.points, 0)));
  const bonus = bonusFor(kind, total, rules);
  const run: number[] = [];
  for (const s of previous) {
    if (s === null) run.length = 0;
    else run.push(s);
  }
  return { lines, total, share: bonus.share, yuan: bonus.yuan, consequence: consequenceFor(kind, [...run, total], rules) };
}

/** Working days after `from` up to and including `to` (0 when `to` ≤ `from`). */
export function workingDaysAfter(from: DateKey, to: DateKey, cal: WorkCalendar): number {
  let n = 0;
  for (let d = addCstDays(from, 1); d <= to; d = addCstDays(d, 1)) if (isWorkingDay(d, cal)) n++;
  return n;
}

/** An information change (信息变动) is on time when recorded within INFO_UPDATE_WORKING_DAYS working days. */
export function infoUpdateOnTime(occurredOn: DateKey, recordedOn: DateKey, cal: WorkCalendar): boolean {
  return workingDaysAfter(occurredOn, recordedOn, cal) <= INFO_UPDATE_WORKING_DAYS;
}

/** The same day `months` later, clamped to the month's last day (01-31 + 1 month = 02-28). */
export function addMonthsClamped(day: DateKey, months: number): DateKey {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const idx = y * 12 + (m - 1) + months;
  const ny = Math.floor(idx / 12);
  const nm = (idx % 12) + 1;
  const last = monthDays(`${ny}-${String(nm).padStart(2, '0')}`);
  return `${ny}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** A newcomer is registered on time within NEWCOMER_MONTHS of arriving. */
export function newcomerOnTime(arrivedOn: DateKey, recordedOn: DateKey): boolean {
  return recordedOn <= addMonthsClamped(arrivedOn, NEWCOMER_MONTHS);
}

export function monthDays(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return daysInMonth(y, m);
}

export const monthStart = (month: string): DateKey => `${month}-01`;
export const monthEnd = (month: string): DateKey => `${month}-${String(monthDays(month)).padStart(2, '0')}`;
export const shiftMonth = (month: string, n: number): string => addMonthsClamped(monthStart(month), n).slice(0, 7);

/** Days of the month assessed at `now`: all of them once it has ended, the days begun so far while it runs, 0 before. */
export function assessedDays(month: string, now: Date): number {
  const today = cstDateKey(now);
  if (today > monthEnd(month)) return monthDays(month);
  if (today < monthStart(month)) return 0;
  return Math.round((cstDate(today).getTime() - cstDate(monthStart(month)).getTime()) / DAY_MS) + 1;
}

/** Days into a month before a review page opens on it (earlier, it opens on the month before). */
export const REVIEW_FROM_DAY = 10;

/** The month a leader reviews by default at `now`: this one from its REVIEW_FROM_DAY-th day on, else the one before. */
export function reviewMonth(now: Date): string {
  const today = cstDateKey(now);
  return Number(today.slice(8, 10)) >= REVIEW_FROM_DAY ? today.slice(0, 7) : shiftMonth(today.slice(0, 7), -1);
}

/** The Monday of the CST week of a day. */
export function weekStart(day: DateKey): DateKey {
  return addCstDays(day, -((cstWeekday(cstDate(day)) + 6) % 7));
}

// --- who answers for a post ---

export interface AssessedPerson {
  id: number;
  name: string;
  kind: StaffKind;
  /** a worker's grids; a head's community is `communityCode` */
  gridCodes: readonly string[];
  communityCode: string | null;
}

export interface Leave {
  userId: number;
  coverUserId: number | null;
  from: DateKey;
  to: DateKey;
}

/** Inclusive length of a leave in days. */
export const leaveDays = (l: Pick<Leave, 'from' | 'to'>) => Math.round((cstDate(l.to).getTime() - cstDate(l.from).getTime()) / DAY_MS) + 1;

/** The sick leave over LONG_LEAVE_DAYS days overlapping the month with a covering colleague (the latest), or null. */
export function longLeaveIn(month: string, userId: number, leaves: readonly Leave[]): Leave | null {
  const hits = leaves.filter((l) => l.userId === userId && l.coverUserId !== null && l.from <= monthEnd(month) && l.to >= monthStart(month) && leaveDays(l) > LONG_LEAVE_DAYS);
  return hits.sort((a, b) => (a.from < b.from ? 1 : -1))[0] ?? null;
}

export interface Post {
  /** whose post it is */
  subjectId: number;
  kind: StaffKind;
  /** the grids the post answers for: a worker's own, a head's vacant ones */
  grids: string[];
  /** who does the work and gets the bonus: the subject, or the colleague covering a long sick leave */
  payeeId: number;
  communityCode: string | null;
}

/**
 * The posts of a month: one per worker and per head. A worker's grids are their own; a community's grids that no
 * worker holds are vacant and answered for by the community's head (the lowest id when there are several; none: they
 * stay unassigned). A subject on a long sick leave with a covering colleague: the colleague is the payee.
 */
export function postsOf(
  month: string,
  people: readonly AssessedPerson[],
  communityGrids: ReadonlyMap<string, readonly string[]>,
  leaves: readonly Leave[],
): { posts: Post[]; unassigned: string[] } {
  const held = new Set(people.filter((p) => p.kind === 'staff').flatMap((p) => p.gridCodes));
  const headOf = new Map<string, number>();
  for (const p of [...people].sort((a, b) => a.id - b.id)) if (p.kind === 'head' && p.communityCode && !headOf.has(p.communityCode)) headOf.set(p.communityCode, p.id);
  const unassigned: string[] = [];
  const vacant = new Map<string, string[]>();
  for (const [community, grids] of communityGrids) {
    for (const g of grids) {
      if (held.has(g)) continue;
      if (headOf.has(community)) vacant.set(community, [...(vacant.get(community) ?? []), g]);
      else unassigned.push(g);
    }
  }
  const posts = people.map((p) => {
    const leave = longLeaveIn(month, p.id, leaves);
    const grids = p.kind === 'staff' ? [...p.gridCodes] : headOf.get(p.communityCode ?? '') === p.id ? (vacant.get(p.communityCode!) ?? []) : [];
    return { subjectId: p.id, kind: p.kind, grids: grids.sort(), payeeId: leave?.coverUserId ?? p.id, communityCode: p.communityCode };
  });
  return { posts, unassigned: unassigned.sort() };
}

/**
 * Where a record goes: a record of user u in grid g goes to the post u answers for g (their own, or one they cover);
 * else to u's own post when u answers for it; else nowhere. Grid-only measures (renter households, cases) go to the
 * post that holds the grid.
 */
export function attribution(posts: readonly Post[]): { byUser: (userId: number, grid: string | null) => number | null; byGrid: (grid: string) => number | null } {
  const pair = new Map<string, number>();
  const home = new Map<number, number>();
  const grid = new Map<string, number>();
  posts.forEach((p, i) => {
    for (const g of p.grids) {
      pair.set(`${p.payeeId}|${g}`, i);
      grid.set(g, i);
    }
    if (p.payeeId === p.subjectId) home.set(p.subjectId, i);
  });
  return {
    byUser: (u, g) => (g !== null ? pair.get(`${u}|${g}`) : undefined) ?? home.get(u) ?? null,
    byGrid: (g) => grid.get(g) ?? null,
  };
}

// --- what is still missing ---

export interface MissingItem {
  duty: Duty;
  count: number;
  period: 'week' | 'month';
}

/**
 * What a worker still has to do in the running month: visits this week (VISITS_PER_WEEK − this week's), reports to
 * the month's target, renter households not yet met; and what was late (information changes, newcomers) or verified
 * late, which can no longer be mended this month.
 */
export function missingItems(m: DutyMeasures, monthDays: number, weekVisits: number): MissingItem[] {
  const out: MissingItem[] = [];
  if (weekVisits < VISITS_PER_WEEK) out.push({ duty: 'visits', count: VISITS_PER_WEEK - weekVisits, period: 'week' });
  const reports = Math.ceil(reportTarget(monthDays) - 1e-9) - m.reports;
  if (reports > 0) out.push({ duty: 'reports', count: reports, period: 'month' });
  if (m.renters.known > m.renters.met) out.push({ duty: 'renterMeetings', count: m.renters.known - m.renters.met, period: 'month' });
  if (m.infoUpdates.total > m.infoUpdates.onTime) out.push({ duty: 'infoUpdates', count: m.infoUpdates.total - m.infoUpdates.onTime, period: 'month' });
  if (m.newcomers.total > m.newcomers.onTime) out.push({ duty: 'newcomers', count: m.newcomers.total - m.newcomers.onTime, period: 'month' });
  if (m.verifications.total > m.verifications.onTime) out.push({ duty: 'onTimeVerification', count: m.verifications.total - m.verifications.onTime, period: 'month' });
  return out;
}
