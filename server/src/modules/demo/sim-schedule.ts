/**
 * The live simulator's timing, pure: how many reports arrive now and what happens to each case when. Both come
 * from the demo history's own rules, so the live district looks like its past 30 days: the volume and daily rhythm
 * of `historyReportsPerHour` (history-plan.ts) and the per-stage durations of `lifeOf` (history-life.ts), drawn
 * against the case's own limits (an emergency is answered in minutes, a normal case in hours, a few very late).
 *
 * Time compression: at `speed` S one real second is S simulated seconds; reports arrive S times as often and every
 * wait between two steps is S times shorter. The server's clocks and lights keep real time.
 */
import { DAY_MS, LEGAL_FROM, addCstDays, cstDateKey, type CaseAction, type CaseClocks, type CaseCommand, type CaseState, type Role } from '@gridcommand/shared/domain';
import { historyReportsPerHour } from './history-plan.ts';
import { lifeOf, type Step } from './history-life.ts';

/** The history's span, in days (history.ts plans 30). */
export const HISTORY_DAYS = 30;

/** New reports per real second at `atMs` for a district of `monthlyReports` a month, at time compression `speed`. */
export function reportRate(monthlyReports: number, speed: number, atMs: number): number {
  return (historyReportsPerHour(monthlyReports, HISTORY_DAYS, atMs) / 3600) * speed;
}

/** Real milliseconds to the next report of a Poisson stream of `ratePerSecond` (u uniform in [0, 1)). */
export function nextArrivalMs(ratePerSecond: number, u: number): number {
  if (ratePerSecond <= 0) return Infinity;
  return (-Math.log(1 - u) / ratePerSecond) * 1000;
}

/** What the simulator knows of a case: its report instant, its limits and its department (as the API shows them). */
export interface SimCase {
  reportedAt: number;
  respondBy: number;
  resolveBy: number;
  departmentCode: string;
}

/** One step of a case's schedule: its real due instant, the role that takes it and the command. */
export interface PlannedStep {
  due: number;
  role: Role | null;
  cmd: CaseCommand;
}

/** A life's steps are planned this far ahead (voids, escalations and parks are bounded by the planner's "now"). */
const PLAN_HORIZON_MS = 90 * DAY_MS;

/** The life of a case in simulated time, as the history draws it, steps in time order. */
export function caseLife(rand: () => number, c: SimCase): Step[] {
  const respondBy = new Date(c.respondBy);
  const resolveBy = new Date(c.resolveBy);
  // lifeOf reads only the two limits; the warning instants are not part of a life
  const clocks: CaseClocks = { respondBy, respondWarnAt: respondBy, respondRedAt: respondBy, resolveBy, resolveWarnAt: resolveBy, resolveRedAt: resolveBy };
  const steps = lifeOf(rand, { t0: c.reportedAt, clocks, now: c.reportedAt + PLAN_HORIZON_MS, departmentCode: c.departmentCode, duplicateOf: null });
  return steps.sort((a, b) => a.at - b.at);
}

/** Whether a step can be taken by a case in `status` (the shared transition table). */
export function stepApplies(action: CaseAction, status: CaseState): boolean {
  return LEGAL_FROM[action].includes(status);
}

/**
 * The rest of a life for a case found in `status` at real instant `now`: from the first step it can take, each
 * wait as the life draws it (the first one measured from the step before it, or from the report) and compressed by
 * `speed`. A new case is resumed from 'reported' at its report instant; a case found open after a restart, or moved
 * on by someone else, waits its stage's time again from now. Empty when no step of the life applies.
 */
export function resumeLife(life: readonly Step[], t0: number, status: CaseState, now: number, speed: number): PlannedStep[] {
  const i = life.findIndex((s) => stepApplies(s.cmd.action, status));
  if (i < 0) return [];
  const anchor = life[i]!.at;
  const first = now + (anchor - (i > 0 ? life[i - 1]!.at : t0)) / speed;
  return life.slice(i).map((s) => ({ due: first + (s.at - anchor) / speed, role: s.role, cmd: s.cmd }));
}

/** A park's review date counted from the real instant it is taken (the planned one counts from the plan's horizon). */
export function withReviewDate(cmd: CaseCommand, at: number, rand: () => number): CaseCommand {
  return cmd.action === 'park' ? { ...cmd, reviewDate: addCstDays(cstDateKey(at), 10 + Math.floor(rand() * 50)) } : cmd;
}

/** A binary min-heap by due instant: the simulator's schedule. */
export class DueQueue<T> {
  private readonly heap: { due: number; seq: number; item: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** the earliest due instant (Infinity when empty) */
  get nextDue(): number {
    return this.heap[0]?.due ?? Infinity;
  }

  push(due: number, item: T): void {
    const h = this.heap;
    h.push({ due, seq: this.seq++, item });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  /** The earliest item due by `now` (ties in the order they were pushed), or undefined. */
  popDue(now: number): T | undefined {
    const h = this.heap;
    if (h.length === 0 || h[0]!.due > now) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(l, m)) m = l;
        if (r < h.length && this.less(r, m)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top.item;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.due < y.due || (x.due === y.due && x.seq < y.seq);
  }
}
