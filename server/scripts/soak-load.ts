/**
 * The soak's live load from outside the server (soak-rss.ts), as phones and vehicles send it: new reports worked
 * through the loop by the simulator (its own process here, not the server's), and patrol positions at a fixed rate
 * through POST /api/teams/positions. Each load counts what it sent and what the server refused.
 */
import { M_PER_DEG_LAT, mPerDegLon } from '../src/modules/teams/simulator.ts';
import { Gate, Session } from '../src/modules/demo/sim-session.ts';

export interface PositionLoadStats {
  sent: number;
  accepted: number;
  batches: number;
  failed: number;
  /** ticks skipped because the previous batch had not been answered yet */
  late: number;
}

interface Walker {
  id: number;
  lon: number;
  lat: number;
}

/**
 * `perSecond` positions a second over every team with a position, in `ticksPerSecond` batches (one transaction each),
 * each team walking a few metres per update.
 */
export class PositionLoad {
  readonly stats: PositionLoadStats = { sent: 0, accepted: 0, batches: 0, failed: 0, late: 0 };
  private walkers: Walker[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private readonly session: Session;

  constructor(
    base: string,
    private readonly password: string,
    private readonly perSecond: number,
    private readonly ticksPerSecond = 4,
  ) {
    this.session = new Session(base, 'dispatcher', new Gate(2));
  }

  async start(): Promise<number> {
    await this.session.login(this.password);
    const res = await this.session.request<{ items: { id: number; lon: number | null; lat: number | null }[] }>('GET', '/api/teams');
    if (res.status !== 200) throw new Error(`teams: ${res.status}`);
    this.walkers = res.body.items.filter((t) => t.lon !== null && t.lat !== null).map((t) => ({ id: t.id, lon: t.lon!, lat: t.lat! }));
    if (this.walkers.length === 0 || this.perSecond <= 0) return this.walkers.length;
    const per = Math.max(1, Math.round(this.perSecond / this.ticksPerSecond));
    this.timer = setInterval(() => {
      // two batches waiting means the server is behind: count it rather than pile requests up
      if (this.inFlight >= 2) {
        this.stats.late++;
        return;
      }
      void this.send(per);
    }, 1000 / this.ticksPerSecond);
    return this.walkers.length;
  }

  private async send(n: number): Promise<void> {
    const now = new Date().toISOString();
    const items: { teamId: number; lon: number; lat: number; at: string }[] = [];
    // a batch names each team once (one position per team and instant)
    for (let i = 0; i < Math.min(n, this.walkers.length); i++) {
      const w = this.walkers[this.next]!;
      this.next = (this.next + 1) % this.walkers.length;
      const a = Math.random() * 2 * Math.PI;
      const step = 3 + Math.random() * 12;
      w.lon += (Math.cos(a) * step) / mPerDegLon(w.lat);
      w.lat += (Math.sin(a) * step) / M_PER_DEG_LAT;
      items.push({ teamId: w.id, lon: w.lon, lat: w.lat, at: now });
    }
    this.inFlight++;
    this.stats.sent += items.length;
    try {
      const res = await this.session.request<{ accepted: number }>('POST', '/api/teams/positions', { items });
      if (res.status === 200) {
        this.stats.batches++;
        this.stats.accepted += res.body.accepted;
      } else this.stats.failed++;
    } catch {
      this.stats.failed++;
    } finally {
      this.inFlight--;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
