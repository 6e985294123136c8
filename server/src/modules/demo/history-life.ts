/**
 * The life of one demo case as timed actions, each with the role that takes it: filed and dispatched by the
 * center to the category's department, accepted and handled there, verified on site and closed — or voided
 * (some as duplicates of an earlier report), parked (a few taken up again), escalated on the way, reworked once
 * after a failed verification; some are returned by the department (退单) before it signs for them, and the centre
 * rejects most returns (back to the department, whose sign-for deadline still runs) and accepts the others (the case
 * is dispatched again once the responsibility is settled). Spans scale with the case's own limits, so an emergency is answered in minutes
 * and a normal case in hours; most fit them, some are answered late, some handled late, a few very late.
 */
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  addCstDays,
  cstDateKey,
  type CaseClocks,
  type CaseCommand,
  type EscalationLevel,
  type Role,
} from '@gridcommand/shared/domain';

const PARK_REASONS = ['需纳入年度改造计划，暂挂账', '涉及产权争议，待有关部门认定', '需专项资金，待财政批复'];
const ESCALATE_REASONS: Record<EscalationLevel, string> = {
  grid: '',
  zone: '超出网格处置能力，提请管理区协调',
  street: '涉及多个部门，提请街道统筹',
  district: '问题复杂，提请区级协调',
};
const VERIFY_FAIL_REASON = '核查未通过，现场问题仍存在，退回返工';
const DUPLICATE_REASON = '重复上报';
const RETURN_REASONS = ['不属于本部门职责范围', '地址不清，无法定位', '需其他部门先行处置', '涉及多部门职责交叉'];
const REJECT_REASON = '经审定属本部门职责，请签收办理';
const APPROVE_REASON = '同意退单，明确职责后重新派遣';
const UNFOUNDED_REASON = '经核实不属实';

export interface Step {
  at: number;
  /** null: whoever holds the case (the handler once it is in progress, else the center) */
  role: Role | null;
  cmd: CaseCommand;
}

export interface LifeInput {
  t0: number;
  clocks: CaseClocks;
  now: number;
  departmentCode: string;
  /** an earlier report of the same problem, if any */
  duplicateOf: number | null;
  /**
   * The sign-for deadline of a dispatch at this instant (the history knows the priority and the calendar); without
   * it the dispatch carries none and the writer sets it (the live simulator acts through the API).
   */
  signBy?(at: number): Date;
}

function dispatchTo(c: LifeInput, at: number): CaseCommand {
  return c.signBy ? { action: 'dispatch', departmentCode: c.departmentCode, signBy: c.signBy(at) } : { action: 'dispatch', departmentCode: c.departmentCode };
}

/** The actions of one case with their instants (some may lie after now: those have not happened yet). */
export function lifeOf(rand: () => number, c: LifeInput): Step[] {
  const { t0, clocks, now } = c;
  const respondSpan = clocks.respondBy.getTime() - t0;
  const resolveSpan = clocks.resolveBy.getTime() - t0;
  const r = rand();
  const late = r < 0.045; // handled after its limit
  const stuck = r >= 0.045 && r < 0.057; // handled very late, if at all yet
  const voided = r >= 0.057 && r < 0.077;
  const parked = r >= 0.077 && r < 0.087;
  const slowAnswer = rand() < 0.03; // answered late, most of them after the respond limit
  const rework = rand() < 0.04; // verification fails once
  const escalations = rand() < 0.035 ? 1 + Math.floor(rand() * rand() * 3) : 0;
  const returned = rand() < 0.06; // sent back by the department before signing for it
  const f = late ? 1.05 + rand() * 1.2 : stuck ? 1.8 + rand() * 2.5 : 0.02 + 0.45 * rand() * rand();

  if (voided) {
    const at = Math.min(now - MINUTE_MS, t0 + Math.min(respondSpan * (0.1 + 0.6 * rand()), (10 + rand() * 90) * MINUTE_MS));
    const dup = c.duplicateOf !== null && rand() < 0.85;
    const reason = dup ? DUPLICATE_REASON : UNFOUNDED_REASON;
    return [{ at, role: 'dispatcher', cmd: dup ? { action: 'void', reason, duplicateOf: c.duplicateOf! } : { action: 'void', reason } }];
  }

  const filed = t0 + Math.max(2 * MINUTE_MS, respondSpan * (0.04 + 0.3 * rand()));
  const dispatched = filed + Math.max(2 * MINUTE_MS, respondSpan * (0.02 + 0.12 * rand()));
  const steps: Step[] = [
    { at: filed, role: 'dispatcher', cmd: { action: 'file' } },
    { at: dispatched, role: 'dispatcher', cmd: dispatchTo(c, dispatched) },
  ];
  // a return and the centre's decision come before the sign-for; the clocks keep running from intake
  let sentAt = dispatched;
  if (returned) {
    const backAt = dispatched + Math.max(5 * MINUTE_MS, respondSpan * (0.03 + 0.15 * rand()));
    const decided = backAt + (0.3 + 2.5 * rand()) * HOUR_MS;
    steps.push({ at: backAt, role: 'handler', cmd: { action: 'return', reason: RETURN_REASONS[Math.floor(rand() * RETURN_REASONS.length)]! } });
    if (rand() < 0.65) {
      steps.push({ at: decided, role: 'dispatcher', cmd: { action: 'reject_return', reason: REJECT_REASON } });
      sentAt = decided;
    } else {
      sentAt = decided + (5 + 40 * rand()) * MINUTE_MS;
      steps.push({ at: decided, role: 'dispatcher', cmd: { action: 'approve_return', reason: APPROVE_REASON } });
      steps.push({ at: sentAt, role: 'dispatcher', cmd: dispatchTo(c, sentAt) });
    }
  }
  const accepted = slowAnswer
    ? Math.max(sentAt + 3 * MINUTE_MS, t0 + respondSpan * (0.85 + 0.6 * rand()))
    : sentAt + Math.max(3 * MINUTE_MS, respondSpan * (0.04 + 0.25 * rand()));
  const handled = Math.max(accepted + 20 * MINUTE_MS, t0 + resolveSpan * f);
  steps.push({ at: accepted, role: 'handler', cmd: { action: 'accept' } });
  // the rest of the loop from a handling instant: handle, verification (failing once for some), close
  const finish = (from: number) => {
    let handledAt = from;
    steps.push({ at: handledAt, role: 'handler', cmd: { action: 'handle' } });
    if (rework) {
      const failed = handledAt + (0.5 + rand() * 2.5) * HOUR_MS;
      steps.push({ at: failed, role: 'worker', cmd: { action: 'verify_fail', reason: VERIFY_FAIL_REASON } });
      handledAt = failed + (1 + rand() * 7) * HOUR_MS;
      steps.push({ at: handledAt, role: 'handler', cmd: { action: 'handle' } });
    }
    const verified = handledAt + (0.5 + rand() * 5) * HOUR_MS;
    steps.push({ at: verified, role: 'worker', cmd: { action: 'verify_pass' } });
    steps.push({ at: verified + (0.2 + rand() * 1.5) * HOUR_MS, role: 'dispatcher', cmd: { action: 'close' } });
  };

  let workEnds = handled; // escalations happen while the case is still being worked
  if (parked) {
    // parked after a look on site; a few are taken up again days later and finished
    const parkAt = accepted + (handled - accepted) * (0.3 + 0.5 * rand());
    workEnds = parkAt;
    const reviewDate = addCstDays(cstDateKey(now), 10 + Math.floor(rand() * 50));
    steps.push({ at: parkAt, role: 'dispatcher', cmd: { action: 'park', reason: PARK_REASONS[Math.floor(rand() * PARK_REASONS.length)]!, reviewDate } });
    if (rand() < 0.2) {
      const unparkAt = parkAt + (3 + rand() * 9) * DAY_MS;
      steps.push({ at: unparkAt, role: 'dispatcher', cmd: { action: 'unpark', note: '条件具备，恢复处置' } });
      finish(unparkAt + (2 + rand() * 46) * HOUR_MS);
    }
  } else {
    finish(handled);
  }

  if (escalations > 0) {
    // not while a return waits for the centre's decision
    const lo = (returned ? sentAt : filed) + MINUTE_MS;
    const hi = Math.min(workEnds, now) - MINUTE_MS;
    if (hi - lo > escalations * 2 * MINUTE_MS) {
      const levels: EscalationLevel[] = ['zone', 'street', 'district'];
      for (let k = 0; k < escalations; k++) {
        const at = lo + ((hi - lo) * (k + rand())) / escalations;
        steps.push({ at, role: null, cmd: { action: 'escalate', reason: ESCALATE_REASONS[levels[k]!] } });
      }
    }
  }
  return steps;
}
