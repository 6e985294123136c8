/** The simulator's HTTP side: a signed-in user of the public API, with every request through one shared gate. */
import type { CaseAction, CaseState } from '@gridcommand/shared/domain';

/** A case as GET /api/cases shows it: the fields the simulator reads. */
export interface ApiCase {
  id: number;
  status: CaseState;
  light: string;
  version: number;
  departmentCode: string | null;
  reportedAt: string;
  respondBy: string;
  resolveBy: string;
  allowedActions: CaseAction[];
}

/** At most `max` requests in flight; the others wait their turn in order. */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

export class Session {
  private cookie = '';

  constructor(
    private readonly baseUrl: string,
    readonly username: string,
    private readonly gate: Gate,
  ) {}

  async login(password: string): Promise<void> {
    const res = await this.gate.run(() =>
      fetch(`${this.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: this.username, password }),
      }),
    );
    if (!res.ok) throw new Error(`login as ${this.username} failed: ${res.status} ${await res.text()}`);
    const set = res.headers.getSetCookie?.() ?? [];
    this.cookie = set.map((c) => c.split(';')[0]).join('; ');
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    return this.gate.run(async () => {
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
    });
  }
}
