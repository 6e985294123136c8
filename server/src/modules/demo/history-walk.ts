/**
 * One case of the demo history walked through the shared case rules, as a live case is: every action goes
 * through `decideCaseAction` at its instant with its role, and between actions the light changes as the light
 * job would change it (`settleLight` at each `nextLightAt`). Each step becomes the events a live writer appends
 * (the action, the light change, the supervision records it closes and opens), each carrying the case's facts
 * after the step, so the case row (the walk's final record) is the fold of its events.
 */
import {
  decideCaseAction,
  settleLight,
  type CaseCommand,
  type CaseDecision,
  type CaseRecord,
  type LightChange,
  type Role,
  type SupervisionRecordLevel,
} from '@gridcommand/shared/domain';

export type HistoryEventType =
  | 'case.created'
  | 'case.updated'
  | 'case.escalated'
  | 'case.closed'
  | 'case.light'
  | 'supervision.opened'
  | 'supervision.closed';

/** A supervision record (督办单); id and notice number are given in the order records are opened across the history. */
export interface HistorySupervision {
  id: number;
  noticeNo: string;
  caseId: number;
  level: SupervisionRecordLevel;
  reason: string;
  openedAt: number;
  closedAt: number | null;
  closeNote: string | null;
}

/** What every event of a case shares: the envelope's case columns and the facts that do not change. */
export interface WalkCase {
  id: number;
  streetCode: string;
  /** the grid and the department the event rows name (for each role's stream) */
  gridCode: string;
  departmentCode: string;
  /** the location as COPY text (hex EWKB) */
  point: string;
  /** the unchanging facts as JSON text without its closing brace */
  factsPrefix: string;
}

export interface HistoryEvent {
  at: number;
  type: HistoryEventType;
  case: WalkCase;
  role: string;
  from: string | null;
  to: string | null;
  note: string | null;
  /**
   * Case events: the payload is `head` + the case's facts (its fixed half, then `facts`, the changing half) +
   * `tail`. Kept in parts and joined when the event is written: the facts are most of an event's bytes, and an
   * event waits a while in the plan before its turn comes.
   */
  head: string;
  facts: string;
  tail: string;
  /** supervision events: the record (the payload names it) */
  supervision: HistorySupervision | null;
}

/** JSON text of the changing half of the facts, closing the object that `factsPrefix` opens. */
function factsOf(r: CaseRecord): string {
  return (
    `,"status":"${r.status}","light":"${r.light}","teamId":${r.teamId ?? 'null'},` +
    `"departmentCode":${r.departmentCode === null ? 'null' : JSON.stringify(r.departmentCode)},` +
    `"escalationLevel":"${r.escalationLevel}","supervised":${r.supervised},"version":${r.version}}`
  );
}

/** The fixed facts of a case as the start of a JSON object (see `factsOf`). */
export function factsPrefixOf(f: {
  id: number;
  code: string;
  priority: string;
  source: string;
  categoryCode: string;
  gridCode: string;
  communityCode: string;
  zoneCode: string;
  streetCode: string;
  lon: number;
  lat: number;
  title: string;
  reportedAt: string;
  resolveBy: string;
}): string {
  return JSON.stringify(f).slice(0, -1);
}

/** The payload of an event as JSON text. */
export function payloadOf(e: HistoryEvent): string {
  const s = e.supervision;
  if (s) return `{"supervisionId":${s.id},"noticeNo":${JSON.stringify(s.noticeNo)},"level":"${s.level}"}`;
  return e.head + e.case.factsPrefix + e.facts + e.tail;
}

// Heads hold names of actions and lights only: nothing a COPY needs to escape.
const CREATED_HEAD = '{"case":';
const CLOSE = '}';
const heads = new Map<string, string>();
/** The same few heads over and over: one string each. */
function headOf(key: string, make: () => string): string {
  let h = heads.get(key);
  if (h === undefined) heads.set(key, (h = make()));
  return h;
}

function actionTail(x: CaseDecision['event']): string {
  let tail = '';
  if (x.reason !== undefined) tail += `,"reason":${JSON.stringify(x.reason)}`;
  if (x.duplicateOf !== undefined) tail += `,"duplicateOf":${x.duplicateOf}`;
  if (x.reviewDate !== undefined) tail += `,"reviewDate":${JSON.stringify(x.reviewDate)}`;
  if (x.escalation !== undefined) tail += `,"escalation":{"from":"${x.escalation.from}","to":"${x.escalation.to}"}`;
  if (x.previousTeamId !== undefined) tail += `,"previousTeamId":${x.previousTeamId ?? 'null'}`;
  return tail === '' ? CLOSE : `${tail}}`;
}

export class CaseWalk {
  record: CaseRecord;
  private readonly open = new Map<SupervisionRecordLevel, HistorySupervision>();

  constructor(
    private readonly c: WalkCase,
    intake: CaseRecord,
    createdBy: string,
    title: string,
    private readonly events: HistoryEvent[],
  ) {
    this.record = intake;
    this.emit(intake.updatedAt.getTime(), 'case.created', createdBy, null, 'reported', title, CREATED_HEAD, factsOf(intake), CLOSE);
  }

  /** Time passes until `until`: the light job visits the case at every instant its light may change. */
  passTime(until: number, inclusive: boolean): void {
    for (;;) {
      const next = this.record.nextLightAt?.getTime();
      if (next === undefined || next > until || (next === until && !inclusive)) return;
      const r = settleLight(this.record, new Date(next));
      this.record = r.after;
      if (r.light) this.lightChanged(next, 'system', r.light, factsOf(r.after));
    }
  }

  /** An action at `at` by `role`; the light job has been around first. Throws when the rules refuse it. */
  act(at: number, role: Role, cmd: CaseCommand): void {
    this.passTime(at, false);
    const d = decideCaseAction(this.record, cmd, role, new Date(at));
    if (!d.ok) {
      throw new Error(`demo history: case ${this.c.id} cannot ${cmd.action} as ${role} in ${this.record.status} (${d.reason})`);
    }
    this.record = d.after;
    const facts = factsOf(d.after);
    const head = headOf(d.action, () => `{"action":"${d.action}","case":`);
    this.emit(at, d.event.type, role, d.before.status, d.after.status, cmd.note ?? cmd.reason ?? null, head, facts, actionTail(d.event));
    if (d.light) this.lightChanged(at, role, d.light, facts);
  }

  /** The light event, then the supervision records the change closes and opens (lights.ts, supervisionPlan). */
  private lightChanged(at: number, role: string, change: LightChange, facts: string): void {
    const r = this.record;
    const head = headOf(`${change.from}>${change.to}`, () => `{"from":"${change.from}","to":"${change.to}","case":`);
    this.emit(at, 'case.light', role, r.status, r.status, null, head, facts, CLOSE);
    const plan = change.supervision;
    for (const level of plan.close) {
      const s = this.open.get(level);
      if (!s) continue;
      s.closedAt = at;
      s.closeNote = plan.closeNote;
      this.open.delete(level);
      this.emit(at, 'supervision.closed', role, null, null, plan.closeNote, '', '', '', s);
    }
    if (plan.open && !this.open.has(plan.open.level)) {
      const s: HistorySupervision = {
        id: 0,
        noticeNo: '',
        caseId: this.c.id,
        level: plan.open.level,
        reason: plan.open.reason,
        openedAt: at,
        closedAt: null,
        closeNote: null,
      };
      this.open.set(s.level, s);
      this.emit(at, 'supervision.opened', role, null, null, s.reason, '', '', '', s);
    }
  }

  private emit(
    at: number,
    type: HistoryEventType,
    role: string,
    from: string | null,
    to: string | null,
    note: string | null,
    head: string,
    facts: string,
    tail: string,
    supervision: HistorySupervision | null = null,
  ): void {
    this.events.push({ at, type, case: this.c, role, from, to, note, head, facts, tail, supervision });
  }
}
