/**
 * Live latency benchmark: commit → event in an SSE client (GET /api/live), at a steady write rate with many
 * connected clients, against one server process and against two (clients split across both).
 *
 *   tsx server/scripts/bench-live.ts [--rate 100] [--seconds 10] [--clients 50]
 *
 * Each write is one transaction that appends one event (as a case intake does) through the writer's appender and
 * then wakes the servers as the writer does (one coalesced NOTIFY after the commit). Latency is
 * measured from the moment COMMIT is sent to the moment a client's socket delivers the frame, on one clock (writer
 * and clients share this process; the servers are real child processes running server/src/main.ts). The first
 * row is the baseline measured in the same run: a bare LISTEN connection receiving a NOTIFY sent inside each of
 * the same write transactions (the id as its payload).
 *
 * Database: DATABASE_URL's server (a scratch database `gc_bench_live` is created there), else the project-local
 * cluster that `pnpm start` uses. The scratch database is dropped afterwards.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { localBaseDir } from '../src/db/index.ts';
import { createDatabaseIfMissing, dropDatabase, ensureLocalCluster } from '../src/db/local.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPool } from '../src/db/pool.ts';
import { appendEvents, signalCommitted } from '../src/modules/writer/events.ts';
import { newToken } from '../src/modules/auth/passwords.ts';
import { createWallToken, wallUserId } from '../src/modules/auth/repository.ts';
import { startServer, type ServerProcess } from '../test/server-process.ts';

export interface LiveBenchOptions {
  rate: number;
  seconds: number;
  clients: number;
  log?: (line: string) => void;
}

export interface LiveBenchRow {
  setup: string;
  events: number;
  /** write transactions per second actually achieved */
  rate: number;
  deliveries: number;
  missing: number;
  outOfOrder: number;
  p50: number;
  p99: number;
  max: number;
}

const BENCH_DB = 'gc_bench_live';
const MAX_INFLIGHT = 16;
let lastWriteSeconds = 0;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A lean SSE reader: notes the arrival time of every `id:` line. */
class TimingClient {
  readonly arrivals = new Map<number, number>();
  readonly order: number[] = [];
  private buf = '';
  private req: http.ClientRequest | null = null;

  connect(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.req = http.get(url, { agent: false, headers: { Accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`${url} answered ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const now = performance.now();
          this.buf += chunk;
          let nl: number;
          while ((nl = this.buf.indexOf('\n')) >= 0) {
            const line = this.buf.slice(0, nl);
            this.buf = this.buf.slice(nl + 1);
            if (line.startsWith('id: ')) {
              const id = Number(line.slice(4));
              if (!this.arrivals.has(id)) this.arrivals.set(id, now);
              this.order.push(id);
            }
          }
        });
        res.on('error', () => {});
        resolve();
      });
      this.req.on('error', reject);
    });
  }

  close(): void {
    this.req?.destroy();
  }
}

/** Writes `rate` single-event transactions per second for `seconds`; returns id → COMMIT-sent time. */
async function writeLoad(pool: pg.Pool, rate: number, seconds: number, notifyInTx = false): Promise<Map<number, number>> {
  const sentAt = new Map<number, number>();
  const total = rate * seconds;
  const interval = 1000 / rate;
  const start = performance.now();
  const inflight = new Set<Promise<void>>();
  const one = async (i: number) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const [id] = await appendEvents(
        client,
        [
          {
            type: 'case.created',
            caseId: null,
            teamId: null,
            streetCode: '370211001',
            fromState: null,
            toState: 'reported',
            note: `bench case ${i}`,
            lon: 120.05 + (i % 100) / 1000,
            lat: 35.87 + (i % 37) / 1000,
            payload: {
              case: {
                id: i + 1, code: `HD20261201-${String((i % 999_999) + 1).padStart(6, '0')}`, status: 'reported', light: 'green',
                priority: 'normal', source: 'hotline', categoryCode: '01001', gridCode: '370211001001001', communityCode: '370211001001',
                zoneCode: '37021100101', streetCode: '370211001', lon: 120.05 + (i % 100) / 1000, lat: 35.87 + (i % 37) / 1000,
                title: '占道经营', reportedAt: new Date().toISOString(), resolveBy: new Date().toISOString(), teamId: null,
                departmentCode: null, escalationLevel: 'grid', supervised: false, version: 1,
              },
            },
          },
        ],
        { id: null, role: 'system' },
      );
      if (notifyInTx) await client.query(`SELECT pg_notify('gc_bench', $1)`, [String(id)]);
      const t = performance.now();
      await client.query('COMMIT');
      if (!notifyInTx) signalCommitted(pool);
      sentAt.set(id!, t);
    } finally {
      client.release();
    }
  };
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // the database cannot keep up: wait for a free connection rather than pile up (the achieved rate is reported)
    while (inflight.size >= MAX_INFLIGHT) await Promise.race(inflight);
    const p = one(i).finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  lastWriteSeconds = (performance.now() - start) / 1000;
  return sentAt;
}

function summarise(setup: string, sentAt: Map<number, number>, receivers: Array<{ arrivals: Map<number, number>; order: number[] }>): LiveBenchRow {
  const lat: number[] = [];
  let missing = 0;
  let outOfOrder = 0;
  for (const r of receivers) {
    for (const [id, t0] of sentAt) {
      const t1 = r.arrivals.get(id);
      if (t1 === undefined) missing++;
      else lat.push(Math.max(0, t1 - t0));
    }
    for (let i = 1; i < r.order.length; i++) if (r.order[i]! <= r.order[i - 1]!) outOfOrder++;
  }
  lat.sort((x, y) => x - y);
  return {
    setup,
    events: sentAt.size,
    rate: sentAt.size / (lastWriteSeconds || 1),
    deliveries: lat.length,
    missing,
    outOfOrder,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat[lat.length - 1] ?? NaN,
  };
}

async function settle(receivers: Array<{ arrivals: Map<number, number> }>, ids: number[], timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !receivers.every((r) => ids.every((id) => r.arrivals.has(id)))) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function benchBaseline(url: string, pool: pg.Pool, opts: LiveBenchOptions): Promise<LiveBenchRow> {
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  const r = { arrivals: new Map<number, number>(), order: [] as number[] };
  listener.on('notification', (m) => {
    const id = Number(m.payload);
    r.arrivals.set(id, performance.now());
    r.order.push(id);
  });
  await listener.query('LISTEN gc_bench');
  const sentAt = await writeLoad(pool, opts.rate, opts.seconds, true);
  await settle([r], [...sentAt.keys()]);
  await listener.end();
  return summarise('bare LISTEN/NOTIFY (baseline)', sentAt, [r]);
}

async function benchServers(setup: string, servers: ServerProcess[], token: string, pool: pg.Pool, opts: LiveBenchOptions): Promise<LiveBenchRow> {
  const clients = Array.from({ length: opts.clients }, () => new TimingClient());
  await Promise.all(clients.map((c, i) => c.connect(`${servers[i % servers.length]!.url}/api/live?token=${token}`)));
  // let every stream settle in before the load starts
  await new Promise((r) => setTimeout(r, 500));
  const sentAt = await writeLoad(pool, opts.rate, opts.seconds);
  await settle(clients, [...sentAt.keys()]);
  for (const c of clients) c.close();
  return summarise(setup, sentAt, clients);
}

export async function runLiveBench(opts: LiveBenchOptions): Promise<LiveBenchRow[]> {
  const log = opts.log ?? console.log;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    const config = loadConfig();
    const cluster = await ensureLocalCluster({ baseDir: localBaseDir(config), port: config.localDb.port, database: 'postgres', log });
    adminUrl = cluster.adminUrl;
  }
  await dropDatabase(adminUrl, BENCH_DB);
  await createDatabaseIfMissing(adminUrl, BENCH_DB);
  const u = new URL(adminUrl);
  u.pathname = `/${BENCH_DB}`;
  const url = u.toString();
  await migrate(url);
  const pool = createPool(url, 20);
  const servers: ServerProcess[] = [];
  try {
    const { token, hash } = newToken();
    await createWallToken(pool, hash, 'bench', await wallUserId(pool, `disabled$${newToken().hash}`));
    const env = { GC_DEMO: 'false', GC_CLIENT_DIST: '', LOG_LEVEL: 'warn' };
    const rows: LiveBenchRow[] = [];
    log(`live bench: ${opts.rate} events/s for ${opts.seconds} s, ${opts.clients} SSE clients`);
    rows.push(await benchBaseline(url, pool, opts));
    servers.push(await startServer({ databaseUrl: url, env }));
    rows.push(await benchServers(`1 process, ${opts.clients} clients`, servers, token, pool, opts));
    servers.push(await startServer({ databaseUrl: url, env }));
    const half = Math.ceil(opts.clients / 2);
    rows.push(await benchServers(`2 processes, ${half} + ${opts.clients - half} clients`, servers, token, pool, opts));
    return rows;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await pool.end();
    await dropDatabase(adminUrl, BENCH_DB).catch(() => {});
  }
}

export function formatLiveTable(rows: LiveBenchRow[]): string {
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
  const head = ['setup', 'events', 'events/s', 'deliveries', 'missing', 'out of order', 'p50 ms', 'p99 ms', 'max ms'];
  const body = rows.map((r) => [r.setup, String(r.events), r.rate.toFixed(0), String(r.deliveries), String(r.missing), String(r.outOfOrder), fmt(r.p50), fmt(r.p99), fmt(r.max)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const base = rows[0];
  const ratio = rows
    .slice(1)
    .map((r) => `${r.setup}: p50 ${fmt(r.p50)} ms (baseline +${fmt(r.p50 - (base?.p50 ?? 0))} ms)`)
    .join('\n');
  return [
    'Live: commit → event in an SSE client (target p50 ≤ 100 ms, p99 ≤ 500 ms at 100 cases/s with 50 walls)',
    line(head),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...body.map(line),
    ratio,
  ].join('\n');
}

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runLiveBench({ rate: argValue('rate', 100), seconds: argValue('seconds', 10), clients: argValue('clients', 50) })
    .then((rows) => {
      console.log(`\n${formatLiveTable(rows)}\n`);
      // the baseline's notifications arrive in commit order, which is not id order once writers commit concurrently:
      // that is why the hub orders delivery itself; only the servers' streams must be complete and in order
      process.exit(rows.some((r) => r !== rows[0] && (r.missing > 0 || r.outOfOrder > 0)) ? 1 : 0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
