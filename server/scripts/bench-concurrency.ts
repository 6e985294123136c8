/**
 * pnpm bench (intake, part 2) — concurrent single-case intake against a bare-SQL baseline measured in the same run.
 *
 *  - API:  N concurrent clients, each a loop of sequential POST /api/cases over keep-alive HTTP (node:http Agent,
 *          maxSockets = N), against a real server process (server/src/main.ts) logged in once as the demo
 *          dispatcher (cookie + X-GC-CSRF: 1). Only 201s count; other answers are counted by status.
 *  - bare: N node-postgres clients (one connection each), each looping BEGIN; INSERT INTO cases … routed to its grid
 *          by point-in-polygon in SQL; INSERT one `case.created` row into event; COMMIT. No HTTP, no validation,
 *          no app code: the database doing the same inserts at the same concurrency.
 * Both draw the same sequence of points (a random point inside a random demo grid) and categories. Each run lasts
 * BENCH_INTAKE_SECONDS (default 8) after a BENCH_INTAKE_WARMUP (default 1) s warm-up, at BENCH_INTAKE_CLIENTS
 * (default 1,4,20,50) clients. During the 20-client runs pg_stat_activity is sampled every 250 ms. A batch run
 * (POST /api/cases/batch, 500 a request, 2 in flight) against the same server closes the section.
 *
 * Database: a throw-away `gc_bench_intake` on DATABASE_URL's server, else on the project-local cluster; dropped
 * and rebuilt (demo district) at the start, dropped at the end.
 *
 *   tsx server/scripts/bench-concurrency.ts      (or BENCH_ONLY=intake pnpm bench, which runs it after the batch part)
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { loadDemoDistrict, mulberry32 } from '@gridcommand/data';
import { loadConfig } from '../src/config.ts';
import { createDatabaseIfMissing, dropDatabase } from '../src/db/local.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDistrict } from '../src/db/seed.ts';
import { startServer, type ServerProcess } from '../test/server-process.ts';
import { adminUrlFor } from './bench-db.ts';

const DB = 'gc_bench_intake';
const SERVER_APP_NAME = 'gridcommand';
const BARE_APP_NAME = 'gc-bench-bare';
const BENCH_APP_NAME = 'gc-bench';
const SAMPLE_MS = 250;
const POINTS = 4000;
const SEED = 20_240_601;
const BATCH = 500;

export interface ConcurrencyOptions {
  clients: number[];
  seconds: number;
  warmupSeconds: number;
  /** batch run after the concurrency runs (0: none) */
  batchSeconds: number;
  log?: (line: string) => void;
}

export interface RunStats {
  ok: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: Record<string, number>;
  /** errors that completed outside the measured window (warm-up, or after the deadline) */
  errorsOutside: Record<string, number>;
  /** the first answer body of each error status (trimmed), to tell what went wrong */
  errorBodies: Record<string, string>;
  /** seconds after the start of the run (warm-up included) of the first error of each status */
  errorFirstAt: Record<string, number>;
  /** machine CPU busy during the measured window, 0..1 of all cores */
  cpu: number;
  /** 1-minute load average at the end of the run (other work on the machine shows here) */
  load: number;
}

export interface WaitSample {
  /** `wait_event_type/wait_event` (or `CPU (no wait event)`) */
  event: string;
  /** average number of active backends in that state per sample */
  avg: number;
  /** share of samples in which at least one backend was in that state */
  seen: number;
}

export interface WaitSummary {
  samples: number;
  avgActive: number;
  avgIdleInTx: number;
  top: WaitSample[];
}

export interface ConcurrencyResult {
  rows: Array<{ clients: number; api: RunStats; bare: RunStats }>;
  waits: { api: WaitSummary | null; bare: WaitSummary | null };
  batch: { perSecond: number; cases: number; errors: Record<string, number> } | null;
  notes: string[];
  /** the tail of the server's output (printed when it answered 5xx) */
  serverLog: string;
}

interface Point {
  grid: string;
  lon: number;
  lat: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Busy and total jiffies of the whole machine (Linux); null elsewhere. */
function cpuTimes(): { busy: number; total: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** The same case stream for the API and the bare run: a seeded sequence of (point, category, priority). */
function caseStream(points: Point[], categories: string[]) {
  const rng = mulberry32(SEED);
  let i = 0;
  return () => {
    const p = points[Math.floor(rng.next() * points.length)]!;
    const categoryCode = categories[Math.floor(rng.next() * categories.length)]!;
    const priority = rng.next() < 1 / 12 ? 'urgent' : 'normal';
    const n = i++;
    return {
      categoryCode,
      priority,
      lon: p.lon,
      lat: p.lat,
      title: `热线来电 ${n}`,
      description: '市民来电反映，现场情况需核实处置。',
      source: 'hotline',
      reporterName: '市民',
      reporterPhone: '13800000000',
    };
  };
}
type CaseBody = ReturnType<ReturnType<typeof caseStream>>;

/**
 * Runs `clients` loops of `one()` for warm-up + seconds; counts what completes inside the measured window.
 * `one` resolves with a status: 'ok' counts, anything else is an error of that name.
 */
async function drive(
  clients: number,
  warmupSeconds: number,
  seconds: number,
  one: (worker: number) => Promise<string>,
  hooks: { onMeasure?: () => void } = {},
): Promise<RunStats> {
  const t0 = performance.now();
  const warmEnd = t0 + warmupSeconds * 1000;
  const deadline = warmEnd + seconds * 1000;
  const lat: number[] = [];
  const errors: Record<string, number> = {};
  const errorsOutside: Record<string, number> = {};
  const errorFirstAt: Record<string, number> = {};
  let cpu0: ReturnType<typeof cpuTimes> = null;
  let cpu1: ReturnType<typeof cpuTimes> = null;
  const measureTimer = setTimeout(() => {
    cpu0 = cpuTimes();
    hooks.onMeasure?.();
  }, warmupSeconds * 1000);
  const endTimer = setTimeout(() => (cpu1 = cpuTimes()), (warmupSeconds + seconds) * 1000);
  const worker = async (w: number) => {
    while (performance.now() < deadline) {
      const t = performance.now();
      let status: string;
      try {
        status = await one(w);
      } catch (err) {
        status = `ERR ${(err as NodeJS.ErrnoException).code ?? (err as Error).message.slice(0, 60)}`;
      }
      const end = performance.now();
      if (status !== 'ok') errorFirstAt[status] ??= (end - t0) / 1000;
      if (end < warmEnd || end > deadline) {
        if (status !== 'ok') errorsOutside[status] = (errorsOutside[status] ?? 0) + 1;
        continue;
      }
      if (status === 'ok') lat.push(end - t);
      else errors[status] = (errors[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, w) => worker(w)));
  clearTimeout(measureTimer);
  clearTimeout(endTimer);
  lat.sort((a, b) => a - b);
  const c0 = cpu0 as { busy: number; total: number } | null;
  const c1 = (cpu1 as { busy: number; total: number } | null) ?? cpuTimes();
  return {
    ok: lat.length,
    perSecond: lat.length / seconds,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    errors,
    errorsOutside,
    errorBodies: {},
    errorFirstAt,
    cpu: c0 && c1 && c1.total > c0.total ? (c1.busy - c0.busy) / (c1.total - c0.total) : NaN,
    load: os.loadavg()[0] ?? NaN,
  };
}

/** Samples pg_stat_activity of one application_name every SAMPLE_MS until stopped. */
function startSampler(pool: pg.Pool, appName: string) {
  let stopped = false;
  let samples = 0;
  let active = 0;
  let idleInTx = 0;
  const byEvent = new Map<string, { sum: number; seen: number }>();
  const loop = (async () => {
    while (!stopped) {
      const t = performance.now();
      try {
        const { rows } = await pool.query<{ state: string; ev: string; n: number }>(
          // heavyweight lock waits name the lock: advisory key, or the object class (pg_database = the NOTIFY queue lock)
          `SELECT a.state,
                  CASE WHEN a.wait_event IS NULL THEN 'CPU (no wait event)' ELSE a.wait_event_type || '/' || a.wait_event END
                  || coalesce(' [' || (
                       SELECT CASE l.locktype
                                WHEN 'advisory' THEN 'advisory key ' || ((l.classid::bigint << 32) | l.objid::bigint)
                                WHEN 'object' THEN l.classid::regclass::text || ' ' || l.objid
                                WHEN 'relation' THEN 'relation ' || l.relation::regclass::text
                                ELSE l.locktype END
                       FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted LIMIT 1) || ']', '') AS ev,
                  count(*)::int AS n
           FROM pg_stat_activity a
           WHERE a.application_name = $1 AND a.pid <> pg_backend_pid() AND a.state IN ('active', 'idle in transaction')
           GROUP BY 1, 2`,
          [appName],
        );
        samples++;
        for (const r of rows) {
          if (r.state === 'idle in transaction') {
            idleInTx += r.n;
            continue;
          }
          active += r.n;
          const e = byEvent.get(r.ev) ?? { sum: 0, seen: 0 };
          e.sum += r.n;
          e.seen += 1;
          byEvent.set(r.ev, e);
        }
      } catch {
        /* a missed sample */
      }
      const wait = SAMPLE_MS - (performance.now() - t);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return async (): Promise<WaitSummary> => {
    stopped = true;
    await loop;
    const top = [...byEvent.entries()]
      .map(([event, e]) => ({ event, avg: e.sum / Math.max(1, samples), seen: e.seen / Math.max(1, samples) }))
      .sort((a, b) => b.avg - a.avg)
      .slice(0, 8);
    return { samples, avgActive: active / Math.max(1, samples), avgIdleInTx: idleInTx / Math.max(1, samples), top };
  };
}

function httpPost(agent: http.Agent, port: number, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The bare transaction: routing by point-in-polygon and both inserts in SQL, fixed clock offsets. */
const BARE_CASE_SQL = `
  WITH g AS (
    SELECT code, community_code, zone_code, street_code FROM area
    WHERE level = 'grid' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
    ORDER BY code LIMIT 1
  ), cat AS (SELECT code, department_code FROM category WHERE code = $3)
  INSERT INTO cases (code, source, category_code, priority, title, description, location,
      grid_code, community_code, zone_code, street_code, reporter_name, reporter_phone, reporter_user_id,
      department_code, reported_at, respond_by, respond_warn_at, respond_red_at, resolve_by, resolve_warn_at, resolve_red_at,
      light, next_light_at, updated_at)
  SELECT 'BARE' || nextval('case_code_seq'), 'hotline', cat.code, $4, $5, $6, ST_SetSRID(ST_MakePoint($1, $2), 4326),
         g.code, g.community_code, g.zone_code, g.street_code, $7, $8, $9,
         cat.department_code, now(), now() + interval '2 hours', now() + interval '90 minutes', now() + interval '4 hours',
         now() + interval '2 days', now() + interval '36 hours', now() + interval '4 days',
         'green', now() + interval '90 minutes', now()
  FROM g, cat
  RETURNING id, code, grid_code, street_code`;

const BARE_EVENT_SQL = `
  INSERT INTO event (type, case_id, street_code, actor_id, actor_role, from_state, to_state, note, location, payload)
  VALUES ('case.created', $1, $2, $3, 'dispatcher', NULL, 'reported', $4, ST_SetSRID(ST_MakePoint($5, $6), 4326), $7::jsonb)`;

async function bareRun(
  url: string,
  clients: number,
  opts: ConcurrencyOptions,
  next: () => CaseBody,
  actorId: number,
  payloadBytes: number,
  sampler?: { pool: pg.Pool; out: (w: WaitSummary) => void },
): Promise<RunStats> {
  const conns = await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new pg.Client({ connectionString: url, application_name: BARE_APP_NAME, options: '-c jit=off' });
      c.on('error', () => {});
      await c.connect();
      return c;
    }),
  );
  let stop: (() => Promise<WaitSummary>) | null = null;
  const bareBodies: Record<string, string> = {};
  try {
    const stats = await drive(
      clients,
      opts.warmupSeconds,
      opts.seconds,
      async (w) => {
        const c = conns[w]!;
        const b = next();
        await c.query('BEGIN');
        try {
          const { rows } = await c.query<{ id: string; code: string; grid_code: string; street_code: string }>(BARE_CASE_SQL, [
            b.lon, b.lat, b.categoryCode, b.priority, b.title, b.description, b.reporterName, b.reporterPhone, actorId,
          ]);
          const r = rows[0];
          if (!r) {
            await c.query('ROLLBACK');
            return 'no grid or category';
          }
          const payload = { code: r.code, categoryCode: b.categoryCode, priority: b.priority, source: b.source, gridCode: r.grid_code, light: 'green' };
          const base = JSON.stringify(payload).length;
          const padded = payloadBytes > base + 10 ? { ...payload, pad: 'x'.repeat(payloadBytes - base - 10) } : payload;
          await c.query(BARE_EVENT_SQL, [r.id, r.street_code, actorId, b.title, b.lon, b.lat, JSON.stringify(padded)]);
          await c.query('COMMIT');
          return 'ok';
        } catch (err) {
          await c.query('ROLLBACK').catch(() => {});
          const k = `SQL ${(err as { code?: string }).code ?? 'error'}`;
          bareBodies[k] ??= (err as Error).message.slice(0, 300);
          return k;
        }
      },
      sampler ? { onMeasure: () => (stop = startSampler(sampler.pool, BARE_APP_NAME)) } : {},
    );
    if (stop) sampler!.out(await (stop as () => Promise<WaitSummary>)());
    stats.errorBodies = bareBodies;
    return stats;
  } finally {
    await Promise.all(conns.map((c) => c.end().catch(() => {})));
  }
}

async function apiRun(
  server: ServerProcess,
  cookie: string,
  clients: number,
  opts: ConcurrencyOptions,
  next: () => CaseBody,
  sampler?: { pool: pg.Pool; out: (w: WaitSummary) => void },
): Promise<RunStats> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients, maxFreeSockets: clients });
  const headers = { cookie, 'x-gc-csrf': '1' };
  let stop: (() => Promise<WaitSummary>) | null = null;
  const bodies: Record<string, string> = {};
  try {
    const stats = await drive(
      clients,
      opts.warmupSeconds,
      opts.seconds,
      async () => {
        const res = await httpPost(agent, server.port, '/api/cases', headers, JSON.stringify(next()));
        if (res.status === 201) return 'ok';
        const k = `HTTP ${res.status}`;
        bodies[k] ??= res.text.slice(0, 300);
        return k;
      },
      sampler ? { onMeasure: () => (stop = startSampler(sampler.pool, SERVER_APP_NAME)) } : {},
    );
    if (stop) sampler!.out(await (stop as () => Promise<WaitSummary>)());
    stats.errorBodies = bodies;
    return stats;
  } finally {
    agent.destroy();
  }
}

async function batchRun(server: ServerProcess, cookie: string, seconds: number, next: () => CaseBody) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const headers = { cookie, 'x-gc-csrf': '1' };
  let created = 0;
  const errors: Record<string, number> = {};
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const items = Array.from({ length: BATCH }, () => next());
      try {
        const res = await httpPost(agent, server.port, '/api/cases/batch', headers, JSON.stringify({ items }));
        if (res.status === 201) created += (JSON.parse(res.text) as { count?: number }).count ?? 0;
        else errors[`HTTP ${res.status}`] = (errors[`HTTP ${res.status}`] ?? 0) + 1;
      } catch (err) {
        const k = `ERR ${(err as NodeJS.ErrnoException).code ?? 'request'}`;
        errors[k] = (errors[k] ?? 0) + 1;
      }
    }
  };
  await Promise.all([worker(), worker()]);
  agent.destroy();
  const elapsed = (performance.now() - t0) / 1000;
  return { perSecond: created / elapsed, cases: created, errors };
}

async function startServerWithRetry(url: string, log: (l: string) => void): Promise<ServerProcess> {
  const env = {
    GC_DEMO: 'true',
    GC_DEMO_HISTORY: '0',
    GC_SIM_RATE: '0',
    GC_CLIENT_DIST: '',
    GC_LIGHT_JOB_MS: '0',
    LOG_LEVEL: 'warn',
  };
  const tries = Number(process.env.BENCH_SERVER_TRIES ?? 3);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServer({ databaseUrl: url, env });
    } catch (err) {
      if (attempt >= tries) throw err;
      log(`server did not start (try ${attempt}/${tries}); retrying in 20 s:\n${(err as Error).message.split('\n').slice(0, 8).join('\n')}`);
      await new Promise((r) => setTimeout(r, 20_000));
    }
  }
}

export async function runConcurrencyBench(adminUrl: string, opts: ConcurrencyOptions): Promise<ConcurrencyResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const password = process.env.GC_DEMO_PASSWORD || 'gridcommand-demo';
  const notes: string[] = [];

  await dropDatabase(adminUrl, DB);
  await createDatabaseIfMissing(adminUrl, DB);
  const u = new URL(adminUrl);
  u.pathname = `/${DB}`;
  const url = u.toString();
  const pool = new pg.Pool({ connectionString: url, max: 3, application_name: BENCH_APP_NAME });
  pool.on('error', () => {});
  let server: ServerProcess | null = null;
  try {
    log(`intake concurrency: building ${DB} (demo district)…`);
    const tb = performance.now();
    await migrate(url, () => {});
    await seedDistrict(pool, loadDemoDistrict());
    log(`intake concurrency: ${DB} ready in ${((performance.now() - tb) / 1000).toFixed(1)} s; starting the server…`);
    server = await startServerWithRetry(url, log);

    // log in once as the demo dispatcher
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dispatcher', password }),
    });
    if (login.status !== 200) throw new Error(`login as dispatcher answered ${login.status}: ${await login.text()}`);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const { rows: actor } = await pool.query<{ id: number }>(`SELECT id FROM app_user WHERE username = 'dispatcher'`);
    const actorId = actor[0]!.id;

    // grids and categories as a client sees them; random points inside the grids from PostGIS
    const grids = (await (await fetch(`${server.url}/api/grids`)).json()) as { features: { properties: { code: string } }[] };
    const cats = (await (await fetch(`${server.url}/api/categories`)).json()) as { items: { code: string }[] };
    const categories = cats.items.map((c) => c.code);
    const gridCodes = grids.features.map((f) => f.properties.code);
    if (!gridCodes.length || !categories.length) throw new Error('the server lists no grids or no categories');
    const rng = mulberry32(SEED);
    const picked = Array.from({ length: POINTS }, () => gridCodes[Math.floor(rng.next() * gridCodes.length)]!);
    const { rows: points } = await pool.query<Point>(
      `SELECT p.grid, ST_X(pt.geom) AS lon, ST_Y(pt.geom) AS lat
       FROM unnest($1::text[]) WITH ORDINALITY AS p(grid, i)
       JOIN area a ON a.code = p.grid AND a.level = 'grid'
       CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(a.geom, 1, $2::int + p.i::int)) AS pt`,
      [picked, SEED % 100_000],
    );
    if (points.length < POINTS / 2) throw new Error(`only ${points.length} random points inside grids`);
    const settings = await pool.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'max_connections', 'shared_buffers') ORDER BY name`,
    );
    notes.push(
      `${gridCodes.length} grids, ${categories.length} categories, ${points.length} random points inside grids; ` +
        `PostgreSQL ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')}`,
    );

    const result: ConcurrencyResult = { rows: [], waits: { api: null, bare: null }, batch: null, notes, serverLog: '' };
    let payloadBytes = 600;
    for (const clients of opts.clients) {
      log(`intake concurrency: ${clients} client(s): API…`);
      const api = await apiRun(server, cookie, clients, opts, caseStream(points, categories),
        clients === 20 ? { pool, out: (w) => (result.waits.api = w) } : undefined);
      if (result.rows.length === 0) {
        // the bare event row matches the size of what the server writes for case.created
        const { rows } = await pool.query<{ n: number; bytes: number | null }>(
          `SELECT count(*)::int AS n, avg(octet_length(payload::text))::float8 AS bytes FROM event WHERE type = 'case.created'`,
        );
        if (rows[0]?.bytes) {
          payloadBytes = Math.round(rows[0].bytes);
          notes.push(`server case.created payload: ${payloadBytes} bytes on average (jsonb text, ${rows[0].n} rows); the bare event row is padded to that`);
        } else {
          notes.push(`the server wrote no case.created event in the first run: the bare event payload is padded to a default ${payloadBytes} bytes`);
        }
      }
      log(`intake concurrency: ${clients} client(s): bare SQL…`);
      const bare = await bareRun(url, clients, opts, caseStream(points, categories), actorId, payloadBytes,
        clients === 20 ? { pool, out: (w) => (result.waits.bare = w) } : undefined);
      result.rows.push({ clients, api, bare });
    }

    const { rows: ev } = await pool.query<{ kind: string; cases: number; events: number }>(
      `SELECT CASE WHEN c.code LIKE 'BARE%' THEN 'bare' ELSE 'api' END AS kind, count(DISTINCT c.id)::int AS cases, count(e.id)::int AS events
       FROM cases c LEFT JOIN event e ON e.case_id = c.id GROUP BY 1 ORDER BY 1`,
    );
    const { rows: pda } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM personal_data_access`);
    notes.push(
      `rows written: ${ev.map((r) => `${r.kind} ${r.cases} cases / ${r.events} events`).join(', ')}; personal_data_access rows (API read-back): ${pda[0]!.n}`,
    );

    if (opts.batchSeconds > 0) {
      log(`intake concurrency: batch (${BATCH} per request, 2 in flight, ${opts.batchSeconds} s)…`);
      result.batch = await batchRun(server, cookie, opts.batchSeconds, caseStream(points, categories));
    }
    result.serverLog = server.output().split('\n').slice(-400).join('\n');
    return result;
  } finally {
    await server?.stop().catch(() => {});
    await pool.end().catch(() => {});
    await dropDatabase(adminUrl, DB).catch((err: unknown) => log(`could not drop ${DB}: ${(err as Error).message}`));
  }
}

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

function table(head: string[], body: string[][], firstLeft = false): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const left = (i: number) => firstLeft && i === 0;
  const line = (cells: string[]) => `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (left(i) ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...body.map(line)];
}

/** Distinct error messages of the server's JSON log lines (or its plain lines), with counts. */
function distinctErrors(log: string): string[] {
  const counts = new Map<string, number>();
  for (const line of log.split('\n')) {
    if (!line.trim()) continue;
    let msg = line.trim();
    try {
      const j = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string } };
      msg = j.err ? `${j.err.type ?? 'Error'}: ${j.err.message ?? ''}` : (j.msg ?? msg);
    } catch {
      /* not JSON */
    }
    msg = msg.slice(0, 300);
    counts.set(msg, (counts.get(msg) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([m, n]) => `${n}× ${m}`);
}

const errorText = (e: Record<string, number>) =>
  Object.keys(e).length ? Object.entries(e).map(([k, n]) => `${k} ×${n}`).join(', ') : 'none';

export interface IntakeGoals {
  /** batch figure to judge against the ≥ 10,000 cases/s goal, with where it was measured */
  batch?: { perSecond: number; where: string } | null;
}

export function formatConcurrency(r: ConcurrencyResult, opts: ConcurrencyOptions, goals: IntakeGoals = {}): string {
  const out: string[] = [];
  out.push(
    `Concurrent single-case intake: POST /api/cases (real server process, keep-alive) vs bare SQL (BEGIN; INSERT cases; INSERT event; COMMIT),` +
      ` ${opts.seconds} s per run after ${opts.warmupSeconds} s warm-up; latencies client-measured, ms`,
  );
  out.push(
    ...table(
      ['clients', 'API cases/s', 'API p50', 'API p99', 'bare cases/s', 'bare p50', 'bare p99', 'ratio'],
      r.rows.map((x) => [
        String(x.clients), f0(x.api.perSecond), f1(x.api.p50), f1(x.api.p99),
        f0(x.bare.perSecond), f1(x.bare.p50), f1(x.bare.p99), f2(x.api.perSecond / x.bare.perSecond),
      ]),
    ),
  );
  out.push('ratio = API ÷ bare throughput at the same concurrency');
  out.push('errors by status (measured window):');
  for (const x of r.rows) {
    const outside = [['API', x.api.errorsOutside], ['bare', x.bare.errorsOutside]] as const;
    const extra = outside.filter(([, e]) => Object.keys(e).length).map(([k, e]) => `${k} ${errorText(e)}`);
    out.push(
      `  ${String(x.clients).padStart(2)} clients: API ${errorText(x.api.errors)}; bare ${errorText(x.bare.errors)}` +
        (extra.length ? `   (outside the window, not counted: ${extra.join('; ')})` : ''),
    );
  }
  const firstBodies = new Map<string, string>();
  for (const x of r.rows) {
    for (const [who, st] of [['API', x.api], ['bare', x.bare]] as const) {
      for (const [k, b] of Object.entries(st.errorBodies)) {
        if (firstBodies.has(`${who} ${k}`)) continue;
        const at = st.errorFirstAt[k];
        firstBodies.set(`${who} ${k}`, `${at !== undefined ? `(${x.clients} clients, ${at.toFixed(2)} s into the run) ` : ''}${b}`);
      }
    }
  }
  for (const [k, b] of firstBodies) out.push(`  first ${k} answer ${b.replace(/\s+/g, ' ')}`);
  const server5xx =
    r.rows.some((x) => [...Object.keys(x.api.errors), ...Object.keys(x.api.errorsOutside)].some((k) => k.startsWith('HTTP 5'))) ||
    Object.keys(r.batch?.errors ?? {}).some((k) => k.startsWith('HTTP 5'));
  if (server5xx && r.serverLog.trim()) out.push('  server errors (distinct, from the tail of its log):', ...distinctErrors(r.serverLog).map((l) => `    ${l}`));
  out.push(
    `machine CPU busy in the measured window, % of ${os.cpus().length} cores (1-min load average after the run): ${r.rows
      .map((x) => `${x.clients}c API ${Math.round(x.api.cpu * 100)}% (${f1(x.api.load)}) / bare ${Math.round(x.bare.cpu * 100)}% (${f1(x.bare.load)})`)
      .join(', ')}`,
  );
  if (r.batch) {
    out.push(
      `batch: POST /api/cases/batch, ${BATCH} per request, 2 in flight, same server: ${f0(r.batch.perSecond)} cases/s (${r.batch.cases} cases; errors ${errorText(r.batch.errors)})`,
    );
  }
  for (const n of r.notes) out.push(`note: ${n}`);

  for (const [label, w] of [['API (application_name gridcommand)', r.waits.api], ['bare SQL (its own connections)', r.waits.bare]] as const) {
    if (!w) continue;
    out.push('');
    out.push(
      `pg_stat_activity at 20 clients, ${label}: ${w.samples} samples every ${SAMPLE_MS} ms; ` +
        `avg ${f1(w.avgActive)} active backends, ${f1(w.avgIdleInTx)} idle in transaction`,
    );
    out.push(...table(['wait event of active backends', 'avg backends', 'in % of samples'], w.top.map((t) => [t.event, f2(t.avg), `${Math.round(t.seen * 100)}%`]), true));
  }

  const at = (c: number) => r.rows.find((x) => x.clients === c);
  const mark = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? 'MET' : 'NOT MET');
  const r20 = at(20);
  const r4 = at(4);
  const worst = r.rows.reduce<{ c: number; ratio: number } | null>((w, x) => {
    const ratio = x.api.perSecond / x.bare.perSecond;
    return !w || ratio < w.ratio ? { c: x.clients, ratio } : w;
  }, null);
  const batch = goals.batch !== undefined ? goals.batch : r.batch ? { perSecond: r.batch.perSecond, where: 'real server, 500 per request, 2 in flight' } : null;
  out.push('');
  out.push('Goals (reported, not enforced):');
  out.push(`  ≥ 1,000 cases/s at 20 clients:        ${mark(r20 ? r20.api.perSecond >= 1000 : null)}${r20 ? ` (${f0(r20.api.perSecond)} cases/s)` : ''}`);
  out.push(`  API ÷ bare ≥ 0.5 at every concurrency: ${mark(worst ? worst.ratio >= 0.5 : null)}${worst ? ` (worst ${f2(worst.ratio)} at ${worst.c} clients)` : ''}`);
  out.push(`  single POST p99 ≤ 30 ms at 4 clients:  ${mark(r4 ? r4.api.p99 <= 30 : null)}${r4 ? ` (p99 ${f1(r4.api.p99)} ms)` : ''}`);
  out.push(`  batch ≥ 10,000 cases/s:                ${mark(batch ? batch.perSecond >= 10_000 : null)}${batch ? ` (${f0(batch.perSecond)} cases/s, ${batch.where})` : ''}`);
  return out.join('\n');
}

export function concurrencyOptionsFromEnv(): ConcurrencyOptions {
  const clients = (process.env.BENCH_INTAKE_CLIENTS ?? '1,4,20,50')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  const seconds = Number(process.env.BENCH_INTAKE_SECONDS ?? 8);
  return {
    clients,
    seconds: seconds > 0 ? seconds : 8,
    warmupSeconds: Number(process.env.BENCH_INTAKE_WARMUP ?? 1),
    batchSeconds: seconds > 0 ? seconds : 8,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const opts = concurrencyOptionsFromEnv();
  adminUrlFor(loadConfig())
    .then((adminUrl) => runConcurrencyBench(adminUrl, opts))
    .then((r) => {
      console.log(`\n${formatConcurrency(r, opts)}\n`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
