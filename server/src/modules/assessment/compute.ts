/**
 * The monthly sheet of a unit (docs/assessment.md): the grouped measures of repository.ts assigned to their posts
 * (attribution), each post scored by the domain (scorePost); recorded rows of a closed month are returned as they
 * were recorded.
 */
import {
  ASSESSMENT_RULES,
  DEFAULT_WEIGHTS,
  DUTIES,
  PUBLIC_SOURCES,
  RENTER_LOOKBACK_MONTHS,
  VERIFY_WITHIN_HOURS,
  assessedDays,
  attribution,
  clipAt,
  cstDateKey,
  emptyMeasures,
  infoUpdateOnTime,
  monthEnd,
  monthStart,
  monthWindow,
  newcomerOnTime,
  postsOf,
  scorePost,
  shiftMonth,
  type DutyMeasures,
  type DutyWeights,
  type Post,
  type StaffKind,
  type WorkCalendar,
} from '@gridcommand/shared/domain';
import type { AssessmentRow, AssessmentSheet, AssessmentSheetRow, AssessmentWeights } from '@gridcommand/shared/schemas';
import pg from 'pg';
import { badRequest } from '../../plugins/errors.ts';
import * as repo from './repository.ts';

export async function currentWeights(db: repo.Queryable): Promise<AssessmentWeights> {
  const out = { head: { ...DEFAULT_WEIGHTS.head }, staff: { ...DEFAULT_WEIGHTS.staff } } as AssessmentWeights;
  for (const r of await repo.weightRows(db)) if ((DUTIES as readonly string[]).includes(r.duty)) out[r.kind][r.duty as keyof DutyWeights] = r.weight;
  return out;
}

export interface MonthSpan {
  month: string;
  from: Date;
  to: Date;
  days: number;
  /** the last day assessed (CST date) */
  lastDay: string;
}

export function monthSpan(month: string, now: Date): MonthSpan {
  const full = monthWindow(month);
  if (!full) throw badRequest('BAD_DATE', `"month" is not a month (got "${month}")`);
  const w = clipAt(full, now);
  if (!w) throw badRequest('BAD_PERIOD', `the month ${month} has not begun yet`);
  const lastDay = w.to.getTime() < full.to.getTime() ? cstDateKey(now) : monthEnd(month);
  return { month, from: w.from, to: w.to, days: assessedDays(month, now), lastDay };
}

type Results<T extends readonly (() => Promise<unknown>)[]> = { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };

/**
 * Runs independent reads: in parallel on a pool, one after another on a client (a transaction's client runs one
 * query at a time; pg would queue them and warn).
 */
export async function readAll<const T extends readonly (() => Promise<unknown>)[]>(db: repo.Queryable, reads: T): Promise<Results<T>> {
  if (db instanceof pg.Pool) return (await Promise.all(reads.map((r) => r()))) as Results<T>;
  const out: unknown[] = [];
  for (const r of reads) out.push(await r());
  return out as Results<T>;
}

export interface PostMeasures {
  posts: Post[];
  measures: DutyMeasures[];
  unassigned: string[];
  people: Map<number, repo.PersonRow>;
}

/** The measures of every post of a unit in a month: a few grouped queries, whatever the number of workers. */
export async function measurePosts(db: repo.Queryable, unit: string, span: MonthSpan, cal: WorkCalendar): Promise<PostMeasures> {
  const [persons, grids] = await readAll(db, [() => repo.people(db, unit), () => repo.communityGrids(db, unit)]);
  const ids = persons.map((p) => p.id);
  const leaveRows = await repo.leaves(db, monthStart(span.month), monthEnd(span.month), ids);
  const { posts, unassigned } = postsOf(
    span.month,
    persons.map((p) => ({ id: p.id, name: p.name, kind: p.kind, gridCodes: p.gridCodes, communityCode: p.communityCode })),
    grids,
    leaveRows.map((l) => ({ userId: l.userId, coverUserId: l.coverUserId, from: l.from, to: l.to })),
  );
  const actors = [...new Set(posts.map((p) => p.payeeId))];
  const allGrids = posts.flatMap((p) => p.grids);
  const first = monthStart(span.month);
  const lookback = monthStart(shiftMonth(span.month, -RENTER_LOOKBACK_MONTHS));
  const [visits, duties, renters, reports, verifications, cases, entered] = await readAll(db, [
    () => repo.visitCounts(db, first, span.lastDay, actors),
    () => repo.dutyGroups(db, span.from, span.to, actors),
    () => repo.renterCounts(db, lookback, first, span.lastDay, allGrids),
    () => repo.reportCounts(db, span.from, span.to, actors),
    () => repo.verificationCounts(db, span.from, span.to, actors, VERIFY_WITHIN_HOURS),
    () => repo.caseCounts(db, span.from, span.to, allGrids, PUBLIC_SOURCES),
    () => repo.unattributedReports(db, span.from, span.to, allGrids),
  ]);
  const measures = posts.map(() => emptyMeasures(span.days));
  const at = attribution(posts);
  const mine = (userId: number, grid: string | null) => {
    const i = at.byUser(userId, grid);
    return i === null ? null : measures[i]!;
  };
  for (const v of visits) {
    const m = mine(v.userId, v.grid);
    if (m) m.visits += v.n;
  }
  for (const r of reports) {
    const m = mine(r.userId, r.grid);
    if (m) m.reports += r.n;
  }
  for (const v of verifications) {
    const m = mine(v.userId, v.grid);
    if (m) {
      m.verifications.total += v.n;
      m.verifications.onTime += v.onTime;
    }
  }
  // on time depends on the kind and the two days only: judged once per distinct triple (the working-day walk is the
  // costly part on a district's tens of thousands of groups)
  const judged = new Map<string, boolean>();
  const onTime = (kind: string, occurredOn: string, recordedOn: string) => {
    const key = `${kind}|${occurredOn}|${recordedOn}`;
    let ok = judged.get(key);
    if (ok === undefined) {
      ok = kind === 'info_update' ? infoUpdateOnTime(occurredOn, recordedOn, cal) : newcomerOnTime(occurredOn, recordedOn);
      judged.set(key, ok);
    }
    return ok;
  };
  for (const d of duties) {
    const m = mine(d.userId, d.grid);
    if (!m) continue;
    const share = d.kind === 'info_update' ? m.infoUpdates : m.newcomers;
    share.total += d.n;
    if (onTime(d.kind, d.occurredOn, d.recordedOn)) share.onTime += d.n;
  }
  for (const r of renters) {
    const i = at.byGrid(r.grid);
    if (i !== null) {
      measures[i]!.renters.known += r.known;
      measures[i]!.renters.met += r.met;
    }
  }
  for (const r of entered) {
    const i = at.byGrid(r.grid);
    if (i !== null) measures[i]!.reports += r.n;
  }
  for (const c of cases) {
    const i = at.byGrid(c.grid);
    if (i !== null) {
      measures[i]!.cases.total += c.total;
      measures[i]!.cases.public += c.public;
    }
  }
  // a coverer from outside the unit is named too
  const named = new Map(persons.map((p) => [p.id, p]));
  return { posts, measures, unassigned, people: named };
}

/** A row without its lines: each duty's points and fulfilment in DUTIES order (the district's answer). */
export function briefRow(r: AssessmentRow): AssessmentSheetRow {
  return {
    subjectId: r.subjectId,
    subjectName: r.subjectName,
    payeeId: r.payeeId,
    payeeName: r.payeeName,
    kind: r.kind,
    grids: r.grids,
    streetCode: r.streetCode,
    streetName: r.streetName,
    communityCode: r.communityCode,
    communityName: r.communityName,
    points: r.lines.map((l) => l.points),
    fulfilment: r.lines.map((l) => l.fulfilment),
    total: r.total,
    maxScore: r.maxScore,
    share: r.share,
    yuan: r.yuan,
    consequence: r.consequence,
    previous: r.previous,
    recorded: r.recorded,
    closedAt: r.closedAt,
  };
}

type Sheet<R> = Omit<AssessmentSheet, 'rows'> & { rows: R[]; measures: DutyMeasures[] };

/** The sheet: provisional rows scored now, recorded rows as recorded; `detail` false: rows without lines (briefRow). */
export async function buildSheet(
  db: repo.Queryable,
  unit: repo.UnitRow,
  span: MonthSpan,
  cal: WorkCalendar,
  names: (ids: number[]) => Promise<Map<number, string>>,
  detail?: true,
): Promise<Sheet<AssessmentRow>>;
export async function buildSheet(
  db: repo.Queryable,
  unit: repo.UnitRow,
  span: MonthSpan,
  cal: WorkCalendar,
  names: (ids: number[]) => Promise<Map<number, string>>,
  detail: boolean,
): Promise<Sheet<AssessmentSheetRow>>;
export async function buildSheet(
  db: repo.Queryable,
  unit: repo.UnitRow,
  span: MonthSpan,
  cal: WorkCalendar,
  names: (ids: number[]) => Promise<Map<number, string>>,
  detail = true,
): Promise<Sheet<AssessmentSheetRow>> {
  const [pm, weights] = await readAll(db, [() => measurePosts(db, unit.code, span, cal), () => currentWeights(db)]);
  const subjects = pm.posts.map((p) => p.subjectId);
  const before = [shiftMonth(span.month, -2), shiftMonth(span.month, -1)];
  const recorded = await repo.results(db, [...before, span.month], subjects);
  const byKey = new Map(recorded.map((r) => [`${r.month}|${r.userId}`, r]));
  const missingNames = pm.posts.map((p) => p.payeeId).filter((id) => !pm.people.has(id));
  const extra = missingNames.length ? await names(missingNames) : new Map<number, string>();
  const nameOf = (id: number) => pm.people.get(id)?.name ?? extra.get(id) ?? `#${id}`;
  const present = detail ? (r: AssessmentRow): AssessmentSheetRow => r : briefRow;
  const rows = pm.posts.map((post, i): AssessmentSheetRow => {
    const rec = byKey.get(`${span.month}|${post.subjectId}`);
    if (rec) return present({ ...(rec.details as AssessmentRow), recorded: true, closedAt: rec.closedAt.toISOString() });
    // the run of "three in a row" reads the subject's own recorded scores (not months covered by a colleague)
    const previous = before.map((mo) => {
      const r = byKey.get(`${mo}|${post.subjectId}`);
      return r && r.payeeId === post.subjectId ? r.score : null;
    });
    const s = scorePost(post.kind, pm.measures[i]!, weights[post.kind], previous);
    const person = pm.people.get(post.subjectId)!;
    return present({
      subjectId: post.subjectId,
      subjectName: person.name,
      payeeId: post.payeeId,
      payeeName: nameOf(post.payeeId),
      kind: post.kind,
      grids: post.grids,
      streetCode: person.streetCode,
      streetName: person.streetName,
      communityCode: person.communityCode,
      communityName: person.communityName,
      lines: s.lines,
      total: s.total,
      maxScore: ASSESSMENT_RULES[post.kind as StaffKind].maxScore,
      share: s.share,
      yuan: s.yuan,
      consequence: s.consequence,
      previous,
      recorded: false,
      closedAt: null,
    });
  });
  return {
    month: span.month,
    unit: { code: unit.code, kind: unit.kind, name: unit.name },
    from: span.from.toISOString(),
    to: span.to.toISOString(),
    days: span.days,
    closed: rows.length > 0 && rows.every((r) => r.recorded),
    weights,
    rows,
    unassignedGrids: pm.unassigned,
    measures: pm.measures,
  };
}
