/**
 * Keeps a district alive through its public API, like real users would: grid workers and the hotline
 * report cases, the command center files and dispatches them, departments accept and handle them,
 * grid workers verify them on site and the center closes them. Some cases are left alone, go overdue
 * and turn red. Works against any GridCommand server (`pnpm simulate --rate N --url …`).
 */

import { TeamSimulator } from '../teams/simulator.ts';
import { mulberry32 } from '@gridcommand/data';

export interface SimulatorOptions {
  baseUrl: string;
  /** new reports per second */
  rate: number;
  password: string;
  seed?: number;
  /** share of cases nobody works on (they go overdue) */
  neglect?: number;
  log?: (line: string) => void;
  /** send the nearest patrol team to some new cases and move teams (default true) */
  teams?: boolean;
}

interface GridPoint {
  code: string;
  lon: number;
  lat: number;
}

interface CaseSummary {
  id: number;
  status: string;
  version: number;
  departmentCode: string | null;
  allowedActions?: string[];
}

export interface SimulatorStats {
  created: number;
  actions: number;
  conflicts: number;
  errors: number;
}

class Session {
  private cookie = '';
  constructor(
    private readonly baseUrl: string,
    readonly username: string,
  ) {}

  async login(password: string): Promise<void> {
    const res = await fetch(`${this.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.username, password }),
    });
    if (!res.ok) throw new Error(`login as ${this.username} failed: ${res.status} ${await res.text()}`);
    const set = res.headers.getSetCookie?.() ?? [];
    this.cookie = set.map((c) => c.split(';')[0]).join('; ');
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        cookie: this.cookie,
        'x-gc-csrf': '1',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
}


const TITLES: Record<string, string> = {
  grid_worker: '巡查发现',
  hotline: '热线来电反映',
  public: '群众反映',
  sensor: '视频监控发现',
};

/** The next step a department or the center takes on a case, with the role that takes it. */
const NEXT: Record<string, string> = {
  reported: 'file',
  filed: 'dispatch',
  dispatched: 'accept',
  in_progress: 'handle',
  handled: 'verify_pass',
  verified: 'close',
};

export class Simulator {
  readonly stats: SimulatorStats = { created: 0, actions: 0, conflicts: 0, errors: 0 };
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly rand: () => number;
  private grids: GridPoint[] = [];
  private categories: { code: string; emergency: boolean }[] = [];
  private admin!: Session;
  private dispatcher!: Session;
  private neglected = new Set<number>();
  private teamSim: TeamSimulator | null = null;

  constructor(private readonly opts: SimulatorOptions) {
    this.rand = mulberry32(opts.seed ?? Date.now()).next;
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  async start(): Promise<void> {
    this.admin = new Session(this.opts.baseUrl, 'admin');
    this.dispatcher = new Session(this.opts.baseUrl, 'dispatcher');
    await this.admin.login(this.opts.password);
    await this.dispatcher.login(this.opts.password);
    const grids = await this.admin.request<{ features: { properties: { code: string; labelPoint: [number, number] } }[] }>('GET', '/api/grids');
    this.grids = grids.body.features.map((f) => ({ code: f.properties.code, lon: f.properties.labelPoint[0], lat: f.properties.labelPoint[1] }));
    const cats = await this.admin.request<{ items: { code: string; majorName: string }[] }>('GET', '/api/categories');
    this.categories = cats.status === 200 ? cats.body.items.map((c) => ({ code: c.code, emergency: /突发|应急/.test(c.majorName) })) : [];
    if (this.grids.length === 0 || this.categories.length === 0) throw new Error('simulator: the server has no grids or no categories');
    if (this.opts.teams ?? true) {
      this.teamSim = new TeamSimulator({ baseUrl: this.opts.baseUrl, password: this.opts.password, rand: this.rand, log: (l) => this.log(l) });
      await this.teamSim.start();
    }
    this.log(`simulator: ${this.opts.rate} reports/s against ${this.opts.baseUrl}`);
    this.schedule();
  }

  private inFlight = 0;
  private workTimer: NodeJS.Timeout | null = null;
  private working = false;

  private schedule(): void {
    if (this.stopped) return;
    // Poisson arrivals at the configured rate; reports do not wait for each other (bounded concurrency)
    const wait = (-Math.log(1 - this.rand()) / this.opts.rate) * 1000;
    this.timer = setTimeout(() => {
      if (this.inFlight < 64) {
        this.inFlight++;
        void this.report()
          .catch((err: unknown) => this.fail(err))
          .finally(() => this.inFlight--);
      }
      this.schedule();
    }, Math.min(wait, 30_000));
    // once a second every stage of the loop moves on about as many cases as arrive
    this.workTimer ??= setInterval(() => {
      if (this.working || this.stopped) return;
      this.working = true;
      const perStage = Math.max(1, Math.round(this.opts.rate * (0.9 + this.rand() * 0.3)));
      void this.work(perStage)
        .catch((err: unknown) => this.fail(err))
        .finally(() => (this.working = false));
    }, 1000);
  }

  private fail(err: unknown): void {
    this.stats.errors++;
    this.log(`simulator: ${(err as Error).message}`);
  }

  async report(): Promise<void> {
    const g = this.grids[Math.floor(this.rand() * this.grids.length)]!;
    const c = this.categories[Math.floor(this.rand() * this.categories.length)]!;
    const sourceRoll = this.rand();
    const source = sourceRoll < 0.55 ? 'grid_worker' : sourceRoll < 0.75 ? 'hotline' : sourceRoll < 0.92 ? 'public' : 'sensor';
    const priority = c.emergency ? (this.rand() < 0.5 ? 'emergency' : 'urgent') : this.rand() < 0.08 ? 'urgent' : 'normal';
    const res = await this.dispatcher.request<{ id: number; code: string }>('POST', '/api/cases', {
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
    if (this.rand() < (this.opts.neglect ?? 0.04)) this.neglected.add(res.body.id);
    // the command center sends the nearest patrol team to urgent cases and to some others
    else if (this.teamSim?.hasSpareTeams && (priority !== 'normal' || this.rand() < 0.2)) await this.teamSim.dispatchNearest(res.body.id);
  }

  /** Moves every stage of the loop forward a little: the oldest cases first, as a real center would. */
  async work(perStage: number): Promise<void> {
    await Promise.all(
      Object.entries(NEXT).map(async ([status, action]) => {
        const list = await this.admin.request<{ items: CaseSummary[]; total: number }>('GET', `/api/cases?status=${status}&limit=${Math.min(500, perStage * 4)}`);
        if (list.status !== 200) throw new Error(`list failed: ${list.status} ${JSON.stringify(list.body)}`);
        const candidates = list.body.items.filter((c) => !this.neglected.has(c.id) && !this.teamSim?.owns(c.id));
        const picked: CaseSummary[] = [];
        while (picked.length < perStage && candidates.length) picked.push(candidates.splice(Math.floor(this.rand() * candidates.length), 1)[0]!);
        // a few at a time, like several people working the same queue
        for (let i = 0; i < picked.length && !this.stopped; i += 8) {
          await Promise.all(
            picked.slice(i, i + 8).map(async (c) => {
              const res = await this.admin.request('POST', `/api/cases/${c.id}/actions`, {
                action,
                version: c.version,
                note: '模拟处置',
                // dispatching needs an assignee: the category's department
                ...(action === 'dispatch' ? { departmentCode: c.departmentCode ?? undefined } : {}),
              });
              if (res.status === 200) this.stats.actions++;
              else if (res.status === 409) this.stats.conflicts++;
              else throw new Error(`${action} on ${c.id} failed: ${res.status} ${JSON.stringify(res.body)}`);
            }),
          );
        }
      }),
    );
  }

  stop(): void {
    this.stopped = true;
    this.teamSim?.stop();
    if (this.timer) clearTimeout(this.timer);
    if (this.workTimer) clearInterval(this.workTimer);
  }
}
