/**
 * Moves patrol teams plausibly through the public API, for the demo: the nearest available team is sent to some
 * new cases (POST /api/dispatch; an emergency also draws one or two supporting teams, role support), teams en route drive towards their case (POST /api/teams/positions, one batch
 * per tick), report arrival when they are there, stay on scene a while and report finished; idle teams drift
 * slowly around their beat. Used by the demo simulator (modules/demo/simulator.ts).
 *
 * Speeds: en route 40 km/h × `speedup` (default 6, so a 3 km trip takes under a minute on screen); on patrol
 * 5 km/h. Idle teams report every 10 s, moving ones every tick (2 s).
 */

export interface TeamSimOptions {
  baseUrl: string;
  password: string;
  rand?: () => number;
  /** en-route speed factor over 40 km/h (default 6) */
  speedup?: number;
  tickMs?: number;
  log?: (line: string) => void;
}

interface SimTeam {
  id: number;
  status: string;
  lon: number | null;
  lat: number | null;
  currentCaseId: number | null;
  currentRole?: 'lead' | 'support' | null;
}

export const M_PER_DEG_LAT = 110_574;
export const mPerDegLon = (lat: number) => 111_320 * Math.cos((lat * Math.PI) / 180);

export class TeamSimulator {
  readonly stats = { dispatched: 0, arrived: 0, finished: 0, positions: 0, conflicts: 0, errors: 0 };
  private cookie = '';
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;
  private busy = false;
  private readonly rand: () => number;
  private readonly targets = new Map<number, [number, number]>();
  private readonly onSceneUntil = new Map<number, number>();
  /** cases a team was sent to and has not finished: the department loop leaves them alone */
  private readonly owned = new Set<number>();

  constructor(private readonly opts: TeamSimOptions) {
    this.rand = opts.rand ?? Math.random;
  }

  private spare = 1;

  /** Keep a reserve: new cases get a team only while more than 30 % of the teams are available. */
  get hasSpareTeams(): boolean {
    return this.spare > 0.3;
  }

  owns(caseId: number): boolean {
    return this.owned.has(caseId);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.opts.baseUrl}${path}`, {
      method,
      headers: { cookie: this.cookie, 'x-gc-csrf': '1', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async start(): Promise<void> {
    const res = await fetch(`${this.opts.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dispatcher', password: this.opts.password }),
    });
    if (!res.ok) throw new Error(`team simulator: login failed ${res.status}`);
    this.cookie = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      void this.tick()
        .catch((err: unknown) => {
          this.stats.errors++;
          this.opts.log?.(`team simulator: ${(err as Error).message}`);
        })
        .finally(() => (this.busy = false));
    }, this.opts.tickMs ?? 2000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Sends the nearest available team to a case (a reported case is filed on the way) as its lead, then the next
   * `supports` nearest as supporting teams (增援).
   */
  async dispatchNearest(caseId: number, supports = 0): Promise<boolean> {
    const c = await this.request<{ version: number; lon: number; lat: number }>('GET', `/api/cases/${caseId}`);
    if (c.status !== 200) return false;
    const near = await this.request<{ items: { team: { id: number; version: number } }[] }>('GET', `/api/teams/nearest?caseId=${caseId}&limit=${1 + supports}`);
    const team = near.body?.items?.[0]?.team;
    if (near.status !== 200 || !team) return false;
    const res = await this.request<{ case: { version: number } | null }>('POST', '/api/dispatch', {
      caseId, teamId: team.id, caseVersion: c.body.version, teamVersion: team.version, note: '就近派遣',
    });
    if (res.status === 200) {
      this.stats.dispatched++;
      this.targets.set(team.id, [c.body.lon, c.body.lat]);
      this.owned.add(caseId);
      const version = res.body.case?.version ?? c.body.version;
      for (const s of near.body.items.slice(1, 1 + supports)) {
        const r = await this.request('POST', '/api/dispatch', {
          caseId, teamId: s.team.id, caseVersion: version, teamVersion: s.team.version, role: 'support', note: '增援',
        });
        if (r.status === 200) {
          this.stats.dispatched++;
          this.targets.set(s.team.id, [c.body.lon, c.body.lat]);
        } else if (r.status === 409) this.stats.conflicts++;
        else throw new Error(`support ${caseId} → ${s.team.id}: ${r.status} ${JSON.stringify(r.body)}`);
      }
      return true;
    }
    if (res.status === 409) this.stats.conflicts++;
    else throw new Error(`dispatch ${caseId} → ${team.id}: ${res.status} ${JSON.stringify(res.body)}`);
    return false;
  }

  private async tick(): Promise<void> {
    this.ticks++;
    const now = Date.now();
    const list = await this.request<{ items: SimTeam[] }>('GET', '/api/teams');
    if (list.status !== 200) throw new Error(`teams: ${list.status}`);
    const all = list.body.items;
    this.spare = all.length ? all.filter((t) => t.status === 'available').length / all.length : 0;
    const dt = (this.opts.tickMs ?? 2000) / 1000;
    const items: { teamId: number; lon: number; lat: number; at: string }[] = [];
    const steps: (() => Promise<unknown>)[] = [];
    for (const t of list.body.items) {
      if (t.lon === null || t.lat === null) continue;
      if ((t.status === 'en_route' || t.status === 'on_scene') && t.currentCaseId === null) {
        // busy without a dispatch (left so by the seed data or by a stand-down): back on patrol
        steps.push(() => this.request('PUT', `/api/teams/${t.id}/status`, { status: 'available' }));
        continue;
      }
      if (t.status === 'en_route' && t.currentCaseId !== null) {
        let target = this.targets.get(t.id);
        if (!target) {
          const c = await this.request<{ lon: number; lat: number }>('GET', `/api/cases/${t.currentCaseId}`);
          if (c.status !== 200) continue;
          target = [c.body.lon, c.body.lat];
          this.targets.set(t.id, target);
        }
        const dx = (target[0] - t.lon) * mPerDegLon(t.lat);
        const dy = (target[1] - t.lat) * M_PER_DEG_LAT;
        const dist = Math.hypot(dx, dy);
        const step = (40 / 3.6) * (this.opts.speedup ?? 6) * dt;
        if (dist <= Math.max(step, 30)) {
          items.push({ teamId: t.id, lon: target[0], lat: target[1], at: new Date(now).toISOString() });
          const caseId = t.currentCaseId;
          steps.push(() =>
            this.request('POST', `/api/teams/${t.id}/arrived`, {}).then((r) => {
              if (r.status === 200) {
                this.stats.arrived++;
                this.onSceneUntil.set(t.id, Date.now() + (20 + this.rand() * 40) * 1000);
              } else if (r.status !== 409) throw new Error(`arrived ${t.id} (case ${caseId}): ${r.status}`);
            }),
          );
        } else {
          // along the line with a little wobble, as streets are not straight
          const f = step / dist;
          const wob = (this.rand() - 0.5) * 0.3 * step;
          const lon = t.lon + (dx * f + (-dy / dist) * wob) / mPerDegLon(t.lat);
          const lat = t.lat + (dy * f + (dx / dist) * wob) / M_PER_DEG_LAT;
          items.push({ teamId: t.id, lon, lat, at: new Date(now).toISOString() });
        }
      } else if (t.status === 'on_scene') {
        const until = this.onSceneUntil.get(t.id) ?? now + (20 + this.rand() * 40) * 1000;
        this.onSceneUntil.set(t.id, until);
        if (now >= until) {
          // a supporting team leaving does not end the case: only the lead's finish hands it back
          const caseId = t.currentRole === 'support' ? null : t.currentCaseId;
          steps.push(() =>
            this.request('POST', `/api/teams/${t.id}/finished`, { note: '现场处置完毕' }).then((r) => {
              if (r.status === 200) {
                this.stats.finished++;
                this.onSceneUntil.delete(t.id);
                this.targets.delete(t.id);
                if (caseId !== null) this.owned.delete(caseId);
              } else if (r.status !== 409) throw new Error(`finished ${t.id}: ${r.status}`);
            }),
          );
        }
      } else if (t.status === 'available' && this.ticks % 5 === t.id % 5) {
        // on patrol: a slow random walk
        const step = (5 / 3.6) * 10 * (0.3 + this.rand() * 0.7);
        const a = this.rand() * 2 * Math.PI;
        items.push({
          teamId: t.id,
          lon: t.lon + (Math.cos(a) * step) / mPerDegLon(t.lat),
          lat: t.lat + (Math.sin(a) * step) / M_PER_DEG_LAT,
          at: new Date(now).toISOString(),
        });
      }
    }
    for (let i = 0; i < items.length; i += 1000) {
      const res = await this.request<{ accepted: number }>('POST', '/api/teams/positions', { items: items.slice(i, i + 1000) });
      if (res.status !== 200) throw new Error(`positions: ${res.status} ${JSON.stringify(res.body)}`);
      this.stats.positions += res.body.accepted;
    }
    await Promise.all(steps.map((run) => run()));
  }
}
