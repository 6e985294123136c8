/**
 * Keeps a district alive through its public API, like real users would: grid workers and the hotline report
 * cases, the command center files and dispatches them, departments accept and handle them, grid workers verify
 * them on site and the center closes them — at human pace. New reports follow the demo history's daily volume and
 * rhythm; each case gets its own schedule when it is reported, drawn from the history's per-stage durations
 * (sim-schedule.ts): minutes to hours, some days; some are answered or handled late, a few parked, voided or
 * escalated, some never worked at all. The schedule is a queue in memory; on start the open cases the server already
 * has are picked up and their next steps scheduled, so a restart carries on. At most `concurrency` requests are in
 * flight. Works against any GridCommand server (`pnpm simulate --speed 60 --url …`).
 */

import { TeamSimulator } from '../teams/simulator.ts';
import { mulberry32 } from '@gridcommand/data';
import type { CaseState } from '@gridcommand/shared/domain';
import type { Step } from './history-life.ts';
import { DueQueue, caseLife, nextArrivalMs, reportRate, resumeLife, stepApplies, withReviewDate, type PlannedStep, type SimCase } from './sim-schedule.ts';
import { Gate, Session, type ApiCase } from './sim-session.ts';

export interface SimulatorOptions {
  baseUrl: string;
  password: string;
  /** time compression: simulated seconds per real second (1 = real time, the default) */
  speed?: number;
  /** fixed new reports per real second, instead of the history's volume at the current hour */
  rate?: number;
  /** the district's reports in 30 days, whose volume and rhythm new reports follow (default 50,000, the history's) */
  monthlyReports?: number;
  seed?: number;
  /** share of new cases nobody works on (they go overdue and red) */
  neglect?: number;
  log?: (line: string) => void;
  /** send the nearest patrol team to some new cases and move teams (default true) */
  teams?: boolean;
  /** requests in flight at most (default 4) */
  concurrency?: number;
  /** open cases picked up from the server at start, at most (default 5,000) */
  pickupLimit?: number;
}

export interface SimulatorStats {
  created: number;
  actions: number;
  conflicts: number;
  errors: number;
  /** open cases found on the server at start and scheduled */
  pickedUp: number;
  /** cases left alone on purpose */
  neglected: number;
  /** reports not sent because the server was slow to answer the earlier ones */
  skipped: number;
}

export const DEFAULT_SIM_SPEED = 1;
export const DEFAULT_MONTHLY_REPORTS = 50_000;
export const DEFAULT_NEGLECT = 0.01;

interface Item {
  caseId: number;
  version: number;
  status: CaseState;
  t0: number;
  life: Step[];
  steps: PlannedStep[];
  retries: number;
}

const TITLES: Record<string, string> = {
  grid_worker: '巡查发现',
  hotline: '热线来电反映',
  public: '群众反映',
  sensor: '视频监控发现',
};

/** The statuses whose cases are picked up at start, earliest in the loop first. */
const PICKUP_STATES: CaseState[] = ['reported', 'filed', 'dispatched', 'in_progress', 'handled', 'verified'];
const PAGE = 500;
/** reports waiting for a request slot before new ones are skipped */
const MAX_PENDING_REPORTS = 8;

export class Simulator {
  readonly stats: SimulatorStats = { created: 0, actions: 0, conflicts: 0, errors: 0, pickedUp: 0, neglected: 0, skipped: 0 };
  readonly speed: number;
  private readonly rand: () => number;
  private readonly gate: Gate;
  private readonly queue = new DueQueue<Item>();
  private grids: { code: string; lon: number; lat: number }[] = [];
  private categories: { code: string; emergency: boolean }[] = [];
  private admin!: Session;
  private dispatcher!: Session;
  private teamSim: TeamSimulator | null = null;
  private arrivalTimer: NodeJS.Timeout | null = null;
  private workTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private active = 0;
  private pendingReports = 0;

  constructor(private readonly opts: SimulatorOptions) {
    this.rand = mulberry32(opts.seed ?? Date.now()).next;
    this.speed = opts.speed ?? DEFAULT_SIM_SPEED;
    if (!(this.speed > 0)) throw new Error('simulator: speed must be above 0');
    this.gate = new Gate(opts.concurrency ?? 4);
  }

  /** cases waiting for their next step */
  get scheduled(): number {
    return this.queue.size;
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  async start(): Promise<void> {
    this.admin = new Session(this.opts.baseUrl, 'admin', this.gate);
    this.dispatcher = new Session(this.opts.baseUrl, 'dispatcher', this.gate);
    await this.admin.login(this.opts.password);
    await this.dispatcher.login(this.opts.password);
    const grids = await this.admin.request<{ features: { properties: { code: string; labelPoint: [number, number] } }[] }>('GET', '/api/grids?geometry=none');
    this.grids = grids.body.features.map((f) => ({ code: f.properties.code, lon: f.properties.labelPoint[0], lat: f.properties.labelPoint[1] }));
    const cats = await this.admin.request<{ items: { code: string; majorName: string }[] }>('GET', '/api/categories');
    this.categories = cats.status === 200 ? cats.body.items.map((c) => ({ code: c.code, emergency: /突发|应急/.test(c.majorName) })) : [];
    if (this.grids.length === 0 || this.categories.length === 0) throw new Error('simulator: the server has no grids or no categories');
    await this.pickUp();
    if (this.stopped) return;
    if (this.opts.teams ?? true) {
      this.teamSim = new TeamSimulator({ baseUrl: this.opts.baseUrl, password: this.opts.password, rand: this.rand, log: (l) => this.log(l) });
      await this.teamSim.start();
    }
    const pace = this.opts.rate !== undefined ? `${this.opts.rate} reports/s` : `the history's volume (${(this.opts.monthlyReports ?? DEFAULT_MONTHLY_REPORTS).toLocaleString('en')} a month)`;
    this.log(`simulator: ${pace} at ${this.speed}× real time against ${this.opts.baseUrl}; ${this.stats.pickedUp} open cases picked up`);
    this.arrive();
    this.pump();
  }

  /** Stops reporting and working; resolves once the requests in flight have been answered. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.teamSim?.stop();
    if (this.arrivalTimer) clearTimeout(this.arrivalTimer);
    if (this.workTimer) clearTimeout(this.workTimer);
    const deadline = Date.now() + 10_000;
    while ((this.active > 0 || this.pendingReports > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  private fail(err: unknown): void {
    this.stats.errors++;
    this.log(`simulator: ${(err as Error).message}`);
  }

  /** The open cases the server has: each gets the rest of a life from where it stands. */
  private async pickUp(): Promise<void> {
    const limit = this.opts.pickupLimit ?? 5000;
    for (const status of PICKUP_STATES) {
      for (let offset = 0; this.stats.pickedUp < limit && !this.stopped; offset += PAGE) {
        const res = await this.admin.request<{ items: ApiCase[] }>('GET', `/api/cases?status=${status}&limit=${PAGE}&offset=${offset}`);
        if (res.status !== 200) throw new Error(`simulator: listing ${status} cases failed: ${res.status}`);
        for (const c of res.body.items.slice(0, limit - this.stats.pickedUp)) {
          this.stats.pickedUp++;
          // a case already red was mostly left waiting for a reason: half of them stay so
          if (this.rand() < (c.light === 'red' ? 0.5 : (this.opts.neglect ?? DEFAULT_NEGLECT))) this.stats.neglected++;
          else this.plan(c, Date.now());
        }
        if (res.body.items.length < PAGE) break;
      }
    }
  }

  /** A fresh life for a case as the API shows it, resumed from its status at `now`. */
  private plan(c: ApiCase, now: number): void {
    const sc: SimCase = { reportedAt: Date.parse(c.reportedAt), respondBy: Date.parse(c.respondBy), resolveBy: Date.parse(c.resolveBy), departmentCode: c.departmentCode ?? '' };
    const life = caseLife(this.rand, sc);
    this.enqueue({ caseId: c.id, version: c.version, status: c.status, t0: sc.reportedAt, life, steps: resumeLife(life, sc.reportedAt, c.status, now, this.speed), retries: 0 });
  }

  private enqueue(item: Item): void {
    const next = item.steps[0];
    if (!next || this.stopped) return;
    this.queue.push(next.due, item);
    if (this.queue.nextDue === next.due) this.arm();
  }

  /** Poisson arrivals at the current rate (the history's volume at this hour, compressed, or the fixed rate). */
  private arrive(): void {
    if (this.stopped) return;
    const rate = this.opts.rate ?? reportRate(this.opts.monthlyReports ?? DEFAULT_MONTHLY_REPORTS, this.speed, Date.now());
    const wait = nextArrivalMs(rate, this.rand());
    // a long wait is drawn again in a minute (the rate follows the hour; arrivals have no memory)
    this.arrivalTimer = setTimeout(() => {
      if (wait <= 60_000 && !this.stopped) {
        if (this.pendingReports >= MAX_PENDING_REPORTS) this.stats.skipped++;
        else {
          this.pendingReports++;
          void this.report()
            .catch((err: unknown) => this.fail(err))
            .finally(() => this.pendingReports--);
        }
      }
      this.arrive();
    }, Math.min(wait, 60_000));
  }

  /** Starts the steps that are due, a few at a time, and wakes up when the next one is. */
  private pump(): void {
    if (this.stopped) return;
    const now = Date.now();
    const max = this.opts.concurrency ?? 4;
    while (this.active < max) {
      const item = this.queue.popDue(now);
      if (!item) break;
      this.active++;
      void this.advance(item)
        .catch((err: unknown) => this.fail(err))
        .finally(() => {
          this.active--;
          this.pump();
        });
    }
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.workTimer) clearTimeout(this.workTimer);
    const due = this.queue.nextDue;
    this.workTimer = due === Infinity ? null : setTimeout(() => this.pump(), Math.max(0, Math.min(due - Date.now(), 60_000)));
  }

  async report(): Promise<void> {
    const g = this.grids[Math.floor(this.rand() * this.grids.length)]!;
    const c = this.categories[Math.floor(this.rand() * this.categories.length)]!;
    const sourceRoll = this.rand();
    const source = sourceRoll < 0.55 ? 'grid_worker' : sourceRoll < 0.75 ? 'hotline' : sourceRoll < 0.92 ? 'public' : 'sensor';
    const priority = c.emergency ? (this.rand() < 0.6 ? 'emergency' : 'urgent') : this.rand() < 0.07 ? 'urgent' : 'normal';
    const res = await this.dispatcher.request<ApiCase>('POST', '/api/cases', {
      categoryCode: c.code,
      priority,
      lon: g.lon,
      lat: g.lat,
      source,
      title: `${TITLES[source] ?? '上报'}问题`,
      description: '现场情况已拍照记录，请尽快处置。',
      ...(source === 'hotline' || source === 'public' ? { reporterName: '市民', reporterPhone: '13800000000' } : {}),
    });
    if (res.status !== 201) throw new Error(`report failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.stats.created++;
    if (this.stopped) return;
    if (this.rand() < (this.opts.neglect ?? DEFAULT_NEGLECT)) {
      this.stats.neglected++;
      return;
    }
    // the case's own schedule, from its report instant on the server's clock
    this.plan(res.body, Date.parse(res.body.reportedAt));
    // the command center sends the nearest patrol team to urgent cases and to some others
    // an emergency draws a lead and one or two supporting teams (by the case id: the random sequence stays as it was)
    const supports = priority === 'emergency' ? 1 + (res.body.id % 2) : 0;
    if (this.teamSim?.hasSpareTeams && (priority !== 'normal' || this.rand() < 0.2)) await this.teamSim.dispatchNearest(res.body.id, supports);
  }

  /** Takes the next step of a case; a case moved on by someone else (a team, a person) gets the rest of a life from there. */
  private async advance(item: Item): Promise<void> {
    const step = item.steps[0]!;
    const now = Date.now();
    if (this.teamSim?.owns(item.caseId)) {
      // a patrol team is on it: look again after this stage's time
      this.enqueue({ ...item, steps: item.steps.map((s) => ({ ...s, due: s.due - step.due + now + (30 * 60_000) / this.speed })) });
      return;
    }
    const { cmd } = step;
    const res = await this.admin.request<ApiCase>('POST', `/api/cases/${item.caseId}/actions`, {
      ...withReviewDate(cmd, now, this.rand),
      ...(cmd.departmentCode ? {} : { departmentCode: undefined }),
      note: cmd.note ?? '模拟处置',
      version: item.version,
    });
    if (res.status === 200) {
      this.stats.actions++;
      this.enqueue({ ...item, version: res.body.version, status: res.body.status, steps: item.steps.slice(1), retries: 0 });
      return;
    }
    if (res.status === 404) return;
    if (res.status !== 409) throw new Error(`${cmd.action} on ${item.caseId} failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.stats.conflicts++;
    // someone else changed the case (the light job, a team, a person): look at it again
    const got = await this.admin.request<ApiCase>('GET', `/api/cases/${item.caseId}`);
    if (got.status !== 200) return;
    const c = got.body;
    if (stepApplies(cmd.action, c.status) && c.allowedActions.includes(cmd.action)) {
      if (item.retries < 3) this.enqueue({ ...item, version: c.version, status: c.status, retries: item.retries + 1 });
    } else if (c.status !== item.status) {
      const steps = resumeLife(item.life, item.t0, c.status, now, this.speed);
      if (steps.length > 0) this.enqueue({ ...item, version: c.version, status: c.status, steps, retries: 0 });
      else this.plan(c, now);
    } else if (item.steps.length > 1) {
      // not allowed here (an escalation past the top, say): the next step instead
      this.enqueue({ ...item, version: c.version, steps: item.steps.slice(1), retries: 0 });
    }
  }
}
