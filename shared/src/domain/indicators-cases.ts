/**
 * The assessment indicators of a period from the cases themselves (the reference implementation the SQL of
 * server/src/modules/indicators is tested against; definitions in docs/indicators.md). Every rate is a share of a
 * cohort of cases — each case of the cohort either counts (a hit) or not — so that each can be compared with what
 * the unit's case mix predicts (indicators-fair.ts). Period P = [from, to); "an action in P" is a case event of
 * that action whose instant lies in P.
 */
import type { CaseAction, CaseSource, CaseState } from './case-state.ts';
import { HOUR_MS } from './china-time.ts';
import { periodClosureCounts } from './indicators.ts';
import { SATISFIED_RATINGS, type Rating } from './public.ts';
import { workingMillisBetween, type WorkCalendar } from './working-time.ts';

/** The sources that are the public's own reports (监督举报): the citizen's page and the hotline. */
export const PUBLIC_SOURCES: readonly CaseSource[] = ['public', 'hotline'];
/** A handled case is verified on time when its verification comes at most this many (wall-clock) hours later. */
export const VERIFY_WITHIN_HOURS = 24;

/** The rates, each a share of a cohort of cases. */
export const RATE_KEYS = [
  'closure', // 结案率
  'onTimeClosure', // 按期结案率
  'rework', // 返工率
  'onTimeVerification', // 按时核查率
  'publicShare', // 监督举报率
  'missed', // 漏报率
  'signFor', // 及时签收率
  'return', // 回退率
  'redo', // 重办率
  'fixedOnSpot', // 现场处置率
  'response', // 响应率
  'resolution', // 解决率
  'satisfaction', // 满意率
] as const;
export type RateKey = (typeof RATE_KEYS)[number];

/** Which way is better: up (a higher share is better), down, or neither. */
export const RATE_DIRECTION: Readonly<Record<RateKey, 'up' | 'down' | 'none'>> = {
  closure: 'up',
  onTimeClosure: 'up',
  rework: 'down',
  onTimeVerification: 'up',
  publicShare: 'none',
  missed: 'down',
  signFor: 'up',
  return: 'down',
  redo: 'down',
  fixedOnSpot: 'up',
  response: 'up',
  resolution: 'up',
  satisfaction: 'up',
};

/** Plain counts of the period. */
export const COUNT_KEYS = ['reported', 'filed', 'closed', 'escalations', 'supervisions'] as const;
export type CountKey = (typeof COUNT_KEYS)[number];

/** What the indicators need to know about one case. */
export interface IndicatorCase {
  categoryCode: string;
  priority: string;
  source: CaseSource;
  status: CaseState;
  reportedAt: Date;
  filedAt?: Date | null;
  acceptedAt?: Date | null;
  signBy?: Date | null;
  handledAt?: Date | null;
  verifiedAt?: Date | null;
  closedAt?: Date | null;
  respondBy: Date;
  resolveBy: Date;
  fixedOnSpot?: boolean;
  /** the case's grid has a grid worker who should have seen it */
  gridCovered?: boolean;
  /** the case's actions (from its events), any order */
  actions?: readonly { action: CaseAction; at: Date }[];
  /** when supervision records (督办) were opened on it */
  supervisionsOpened?: readonly Date[];
  /** its ratings: by the citizen, or by the centre's callback (回访) */
  ratings?: readonly { at: Date; source: 'citizen' | 'callback'; reached: boolean; rating: Rating | null; reopened: boolean }[];
}

export interface Share {
  /** cases in the cohort */
  n: number;
  /** of those, cases that count */
  hits: number;
}

export type CaseOutcomes = Partial<Record<RateKey, boolean>>;

/** The cohorts one case belongs to in P, and whether it counts in each. */
export function caseOutcomes(c: IndicatorCase, from: Date, to: Date): CaseOutcomes {
  const f = from.getTime();
  const t = to.getTime();
  const inP = (d: Date | null | undefined) => !!d && d.getTime() >= f && d.getTime() < t;
  const acted = (...names: CaseAction[]) => (c.actions ?? []).some((a) => names.includes(a.action) && inP(a.at));
  const out: CaseOutcomes = {};
  const valid = c.status !== 'void';

  const due = periodClosureCounts([{ resolveBy: c.resolveBy, closedAt: c.closedAt ?? null, voided: !valid, parked: c.status === 'parked' }], from, to);
  if (due.dueToClose) {
    out.closure = due.closed === 1;
    out.onTimeClosure = due.closedOnTime === 1;
  }
  if (acted('verify_pass', 'verify_fail')) out.rework = acted('verify_fail');
  if (valid && acted('handle')) {
    const h = c.handledAt?.getTime();
    const v = c.verifiedAt?.getTime();
    const verified = h !== undefined && v !== undefined && v >= h;
    // not verified yet and its limit still ahead at the period's end: not judged yet
    if (verified || h === undefined || h + VERIFY_WITHIN_HOURS * HOUR_MS < t) out.onTimeVerification = verified && v! - h! <= VERIFY_WITHIN_HOURS * HOUR_MS;
  }
  if (valid && inP(c.reportedAt)) {
    const isPublic = PUBLIC_SOURCES.includes(c.source);
    out.publicShare = isPublic;
    if (c.gridCovered) out.missed = isPublic;
    out.fixedOnSpot = !!c.fixedOnSpot;
    // not responded yet and the respond-by still ahead at the period's end: not judged yet
    if (c.acceptedAt || c.respondBy.getTime() < t) out.response = !!c.acceptedAt && c.acceptedAt.getTime() <= c.respondBy.getTime();
  }
  if (acted('dispatch')) {
    // not signed for yet and the deadline still ahead at the period's end: not judged yet
    if (c.signBy && (c.acceptedAt || c.signBy.getTime() < t)) out.signFor = !!c.acceptedAt && c.acceptedAt.getTime() <= c.signBy.getTime();
    out.return = acted('return');
  }
  // closed by an action in P: the centre's close, or a grid worker's fix on the spot
  if (acted('close', 'fix_on_spot')) out.redo = acted('reopen');
  const rated = latestRating(c, f, t);
  if (rated) {
    out.resolution = !rated.reopened;
    out.satisfaction = SATISFIED_RATINGS.includes(rated.rating!);
  }
  return out;
}

/** The latest rating in P that says something: the citizen's, or a callback that reached the reporter, with a rating. */
function latestRating(c: IndicatorCase, f: number, t: number) {
  let best: NonNullable<IndicatorCase['ratings']>[number] | null = null;
  for (const r of c.ratings ?? []) {
    const at = r.at.getTime();
    if (at < f || at >= t || r.rating === null || (r.source === 'callback' && !r.reached)) continue;
    if (!best || at >= best.at.getTime()) best = r;
  }
  return best;
}

/** The plain counts one case adds to P. */
export function caseCounts(c: IndicatorCase, from: Date, to: Date): Record<CountKey, number> {
  const f = from.getTime();
  const t = to.getTime();
  const inP = (d: Date | null | undefined) => (d && d.getTime() >= f && d.getTime() < t ? 1 : 0);
  return {
    reported: inP(c.reportedAt),
    filed: inP(c.filedAt),
    closed: inP(c.closedAt),
    escalations: (c.actions ?? []).filter((a) => a.action === 'escalate' && inP(a.at)).length,
    supervisions: (c.supervisionsOpened ?? []).filter((d) => inP(d)).length,
  };
}

/** Counts and shares of a set of cases, by stratum (category and priority: see stratumOf). */
export interface StratumCounts {
  counts: Record<CountKey, number>;
  shares: Record<RateKey, Share>;
}

export function emptyStratum(): StratumCounts {
  return {
    counts: Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as Record<CountKey, number>,
    shares: Object.fromEntries(RATE_KEYS.map((k) => [k, { n: 0, hits: 0 }])) as Record<RateKey, Share>,
  };
}

/** The stratum of a case for the fair comparison: its category and priority. */
export function stratumOf(c: { categoryCode: string; priority: string }): string {
  return `${c.categoryCode}/${c.priority}`;
}

/** Adds `b` into `a`. */
export function addStratum(a: StratumCounts, b: StratumCounts): StratumCounts {
  for (const k of COUNT_KEYS) a.counts[k] += b.counts[k];
  for (const k of RATE_KEYS) {
    a.shares[k].n += b.shares[k].n;
    a.shares[k].hits += b.shares[k].hits;
  }
  return a;
}

/** The counts and shares of P by stratum, for the cases `inScope` picks (all by default). */
export function stratifiedCounts(
  cases: Iterable<IndicatorCase>,
  from: Date,
  to: Date,
  inScope: (c: IndicatorCase) => boolean = () => true,
): Map<string, StratumCounts> {
  const out = new Map<string, StratumCounts>();
  for (const c of cases) {
    if (!inScope(c)) continue;
    const o = caseOutcomes(c, from, to);
    const n = caseCounts(c, from, to);
    if (Object.keys(o).length === 0 && COUNT_KEYS.every((k) => n[k] === 0)) continue;
    const key = stratumOf(c);
    let s = out.get(key);
    if (!s) out.set(key, (s = emptyStratum()));
    for (const k of COUNT_KEYS) s.counts[k] += n[k];
    for (const k of RATE_KEYS) {
      const hit = o[k];
      if (hit === undefined) continue;
      s.shares[k].n++;
      if (hit) s.shares[k].hits++;
    }
  }
  return out;
}

/** The sum over the strata. */
export function totalOf(strata: Iterable<StratumCounts>): StratumCounts {
  const total = emptyStratum();
  for (const s of strata) addStratum(total, s);
  return total;
}

/**
 * The p-quantile (0 ≤ p ≤ 1) of the values by linear interpolation between closest ranks (PostgreSQL's
 * percentile_cont); null for no values.
 */
export function quantile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError('p must be between 0 and 1');
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface DurationSummary {
  n: number;
  /** mean, in working hours */
  mean: number | null;
  /** 90th percentile, in working hours */
  p90: number | null;
}

/** Mean and 90th percentile of the working hours between each pair's two instants. */
export function workingHoursSummary(pairs: Iterable<{ start: Date; end: Date }>, cal: WorkCalendar): DurationSummary {
  const hours: number[] = [];
  for (const p of pairs) hours.push(Math.max(0, workingMillisBetween(p.start, p.end, cal)) / HOUR_MS);
  const mean = hours.length ? hours.reduce((a, b) => a + b, 0) / hours.length : null;
  return { n: hours.length, mean, p90: quantile(hours, 0.9) };
}

/** Time to respond (reported → accepted, cases accepted in P) and to resolve (reported → closed, closed in P). */
export function durationPairs(cases: Iterable<IndicatorCase>, from: Date, to: Date): { respond: { start: Date; end: Date }[]; resolve: { start: Date; end: Date }[] } {
  const f = from.getTime();
  const t = to.getTime();
  const inP = (d: Date | null | undefined): d is Date => !!d && d.getTime() >= f && d.getTime() < t;
  const respond: { start: Date; end: Date }[] = [];
  const resolve: { start: Date; end: Date }[] = [];
  for (const c of cases) {
    if (inP(c.acceptedAt)) respond.push({ start: c.reportedAt, end: c.acceptedAt });
    if (inP(c.closedAt)) resolve.push({ start: c.reportedAt, end: c.closedAt });
  }
  return { respond, resolve };
}

/** Names of the rates and counts (zh-CN, en): the page, the workbooks. */
export const INDICATOR_LABELS: Readonly<Record<RateKey | CountKey, { 'zh-CN': string; en: string }>> = {
  reported: { 'zh-CN': '上报数', en: 'Reported' },
  filed: { 'zh-CN': '立案数', en: 'Filed' },
  closed: { 'zh-CN': '结案数', en: 'Closed' },
  escalations: { 'zh-CN': '升级次数', en: 'Escalations' },
  supervisions: { 'zh-CN': '督办次数', en: 'Supervision entries' },
  closure: { 'zh-CN': '结案率', en: 'Closure rate' },
  onTimeClosure: { 'zh-CN': '按期结案率', en: 'On-time closure rate' },
  rework: { 'zh-CN': '返工率', en: 'Rework rate' },
  onTimeVerification: { 'zh-CN': '按时核查率', en: 'On-time verification rate' },
  publicShare: { 'zh-CN': '监督举报率', en: 'Public report share' },
  missed: { 'zh-CN': '漏报率', en: 'Missed-report rate' },
  signFor: { 'zh-CN': '及时签收率', en: 'On-time sign-for rate' },
  return: { 'zh-CN': '回退率', en: 'Return rate' },
  redo: { 'zh-CN': '重办率', en: 'Redo rate' },
  fixedOnSpot: { 'zh-CN': '现场处置率', en: 'Fixed on the spot' },
  response: { 'zh-CN': '响应率', en: 'Response rate' },
  resolution: { 'zh-CN': '解决率', en: 'Resolution rate' },
  satisfaction: { 'zh-CN': '满意率', en: 'Satisfaction rate' },
};
