/**
 * pnpm bench (open-cases) — the open-case map at BENCH_OPEN_CASES open cases (default 100,000), against a real
 * server process (docs/map-data.md):
 *
 *  1. the snapshot as JSON (GET /api/map/open-cases, plain and gzip as a browser asks for it) against the binary
 *     snapshot (GET /api/map/open-cases.bin): bytes, request time p50/p99 (the JSON row is the baseline), and the
 *     client's decode in this process with the client's own code: JSON.parse, against decodeOpenCases + the map's
 *     typed arrays (CaseColumns) + the board's facts;
 *  2. map update latency: BENCH_OPEN_RATE new cases/s (default 100) through POST /api/cases for
 *     BENCH_OPEN_SECONDS (default 20) while one SSE client (GET /api/live from the snapshot's lastEventId) folds
 *     each event into the typed arrays (LiveCaseMap, as the dispatch desk does). Latency runs from the write to
 *     the moment its case is in the arrays: from the 201 answer (the commit is before it: a lower bound) and from
 *     the request sent (an upper bound); the commit lies between.
 *
 * Database: a scratch `gc_bench_open_cases` (demo district, 50,000 cases of history copied with jitter and
 * reopened up to BENCH_OPEN_CASES, written with the triggers off: its rollups are stale, nothing here reads them),
 * dropped afterwards unless BENCH_KEEP_DB=1 (then reused by the next run). BENCH_OPEN_DB=megacity runs it on the
 * megacity profile instead (docs/megacity.md: 50,000 grids, 2,000,000 cases of history, ~100,000 open; built if
 * missing, never dropped; the run adds its cases to it).
 * The machine is shared: compare rows of one run, not runs.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { decodeOpenCases, openCaseFacts, type LiveEvent } from '@gridcommand/shared/schemas';
import { loadConfig } from '../src/config.ts';
import { createDatabaseIfMissing, dropDatabase } from '../src/db/local.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDistrict } from '../src/db/seed.ts';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { seedHistory } from '../src/modules/demo/history.ts';
import { startServer } from '../test/server-process.ts';
import { CaseColumns, LiveCaseMap } from '../../client/src/wall/case-columns.ts';
import { CASE_PAINT } from '../../client/src/map/layers/case-paint.ts';
import { adminUrlFor, ensureMegacityHistoryDatabase } from './bench-db.ts';
import { ms, pct } from './bench-util.ts';

const OPEN = Number(process.env.BENCH_OPEN_CASES ?? 100_000);
const RATE = Number(process.env.BENCH_OPEN_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_OPEN_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_OPEN_ROUNDS ?? 12);
const KEEP = process.env.BENCH_KEEP_DB === '1';
const DB = 'gc_bench_open_cases';
const MEGACITY = process.env.BENCH_OPEN_DB === 'megacity';
const PASSWORD = 'bench-open-cases-password';
const HISTORY = 50_000;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Whether a kept database from an earlier run already has the open cases. */
async function ready(url: string): Promise<boolean> {
  const pool = createPool(url, 1);
  try {
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases WHERE status = 'in_progress'`);
    return rows[0]!.n >= OPEN;
  } catch {
    return false;
  } finally {
    await pool.end();
  }
}

async function prepare(pool: pg.Pool): Promise<void> {
  const { loadDemoDistrict } = await import('@gridcommand/data');
  await seedDistrict(pool, loadDemoDistrict());
  const h = await seedHistory(pool, { calendar: await getWorkCalendar(pool), count: HISTORY });
  log(`history: ${h.cases} cases, ${h.events} events in ${(h.ms / 1000).toFixed(1)} s`);
  const t = performance.now();
  // this scratch database's own rows, written without the rollup triggers (row by row they take minutes; this
  // bench reads no rollup)
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    await db.query(`SET LOCAL session_replication_role = replica`);
    await copyAndReopen(db);
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  } finally {
    db.release();
  }
  await pool.query('ANALYZE cases');
  log(`${OPEN} open cases written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function copyAndReopen(pool: pg.PoolClient): Promise<void> {
  for (let k = 1; k < Math.ceil(OPEN / HISTORY); k++) {
    await pool.query(
      `INSERT INTO cases (code, source, category_code, priority, title, description, address, location, grid_code,
          community_code, zone_code, street_code, department_code, status, reported_at, respond_by, resolve_by, light, version)
       SELECT 'X' || $1 || '-' || id, source, category_code, priority, title, description, address,
              ST_Translate(location, (random() - 0.5) * 0.002, (random() - 0.5) * 0.002), grid_code, community_code,
              zone_code, street_code, department_code, status, reported_at, respond_by, resolve_by, light, 1
       FROM cases WHERE code NOT LIKE 'X%' LIMIT $2`,
      [k, HISTORY],
    );
  }
  await pool.query(
    `UPDATE cases SET status = 'in_progress', closed_at = NULL, verified_at = NULL, handled_at = NULL,
            light = (ARRAY['green', 'green', 'green', 'due_soon', 'yellow', 'red'])[1 + (id % 6)]
     WHERE id IN (SELECT id FROM cases ORDER BY id LIMIT $1)`,
    [OPEN],
  );
}

async function login(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
}

/** One GET, the whole body read: elapsed ms and the bytes as they came over the wire. */
function get(url: string, headers: Record<string, string>): Promise<{ ms: number; wire: Buffer; encoding: string | undefined }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http
      .get(url, { headers, agent: false }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode} ${Buffer.concat(parts).toString()}`));
          else resolve({ ms: performance.now() - t0, wire: Buffer.concat(parts), encoding: res.headers['content-encoding'] });
        });
      })
      .on('error', reject);
  });
}

function timeSync(fn: () => unknown, rounds: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function snapshots(base: string, cookie: string) {
  const variants: { name: string; path: string; headers: Record<string, string> }[] = [
    { name: 'JSON', path: '/api/map/open-cases', headers: { cookie } },
    { name: 'JSON gzip', path: '/api/map/open-cases', headers: { cookie, 'accept-encoding': 'gzip' } },
    { name: 'binary', path: '/api/map/open-cases.bin', headers: { cookie } },
  ];
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const last = new Map<string, Buffer>();
  // the live hub's first frontier: the snapshots answer 503 until the stream is ready
  for (let tries = 0; ; tries++) {
    const ok = await get(`${base}/api/map/grid-lights`, { cookie }).then(() => true, () => false);
    if (ok) break;
    if (tries > 120) throw new Error('the server never became ready');
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const v of variants) await get(base + v.path, v.headers); // warm
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of variants) {
      const res = await get(base + v.path, v.headers);
      times.get(v.name)!.push(res.ms);
      last.set(v.name, res.wire);
    }
  }
  const json = last.get('JSON')!;
  const bin = last.get('binary')!;
  const base50 = pct(times.get('JSON')!, 50);
  console.log(`\nOpen-case snapshot at ${OPEN.toLocaleString('en')} open cases (${ROUNDS} rounds, request to last byte, one shared machine)`);
  console.table(
    variants.map((v) => {
      const t = times.get(v.name)!;
      const wire = last.get(v.name)!;
      return {
        variant: v.name,
        'bytes on the wire': wire.byteLength,
        'gzip of it': v.name === 'JSON gzip' ? wire.byteLength : zlib.gzipSync(wire, { level: 6 }).byteLength,
        p50: ms(pct(t, 50), 1),
        p99: ms(pct(t, 99), 1),
        'p50 / JSON': Number((pct(t, 50) / base50).toFixed(2)),
      };
    }),
  );

  // the client's decode, with the client's own code
  const jsonText = json.toString('utf8');
  const decodeRounds = Math.max(3, Math.min(ROUNDS, 8));
  const parse = timeSync(() => JSON.parse(jsonText), decodeRounds);
  const decode = timeSync(() => decodeOpenCases(bin), decodeRounds);
  const cols = new CaseColumns(CASE_PAINT);
  const toColumns = timeSync(() => cols.loadDecoded(decodeOpenCases(bin)), decodeRounds);
  const toFacts = timeSync(() => openCaseFacts(decodeOpenCases(bin)), decodeRounds);
  const jsonToColumns = timeSync(() => cols.loadFacts((JSON.parse(jsonText) as { items: import('@gridcommand/shared/schemas').CaseFacts[] }).items), decodeRounds);
  const p50parse = pct(parse, 50);
  const row = (step: string, t: number[]) => ({ step, p50: ms(pct(t, 50), 1), max: ms(Math.max(...t), 1), '/ JSON.parse': Number((pct(t, 50) / p50parse).toFixed(2)) });
  console.log(`\nClient decode in Node (${decodeRounds} rounds; the wall and the desk run the same functions)`);
  console.table([
    row('JSON.parse (baseline)', parse),
    row('JSON.parse + typed arrays', jsonToColumns),
    row('decodeOpenCases (header, dictionary, views)', decode),
    row('binary → typed arrays (the map)', toColumns),
    row('binary → CaseFacts[] (the wall board)', toFacts),
  ]);
  return decodeOpenCases(bin);
}

/** Only the binary snapshot the update run starts from (BENCH_OPEN_SKIP_SNAPSHOTS=1). */
async function snapshotOnly(base: string, cookie: string) {
  for (let tries = 0; ; tries++) {
    const res = await get(`${base}/api/map/open-cases.bin`, { cookie }).catch(() => null);
    if (res) return decodeOpenCases(res.wire);
    if (tries > 120) throw new Error('the server never became ready');
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The SSE client: folds each event into the map's typed arrays and notes when each new case is in them. */
function listen(url: string, cookie: string, map: LiveCaseMap, applied: Map<number, number>): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream', cookie } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`live: ${res.statusCode}`));
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        // one fold per read, as the screens fold what arrived together (the board is copied once per fold)
        const batch: LiveEvent[] = [];
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = frame
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          if (!data) continue;
          batch.push(JSON.parse(data) as LiveEvent);
        }
        if (batch.length === 0) return;
        map.fold(batch);
        const now = performance.now();
        for (const e of batch) if (e.type === 'case.created' && map.columns.slotOf(e.payload.case.id) !== undefined) applied.set(e.payload.case.id, now);
      });
      resolve(req);
    });
    req.on('error', reject);
  });
}

async function updates(base: string, cookie: string, pool: pg.Pool, snapshot: ReturnType<typeof decodeOpenCases>) {
  const map = new LiveCaseMap(CASE_PAINT);
  map.load(snapshot);
  const applied = new Map<number, number>();
  const req = await listen(`${base}/api/live?since=${snapshot.lastEventId}&types=case.*`, cookie, map, applied);
  const { rows: spots } = await pool.query<{ lon: number; lat: number; category: string }>(
    `SELECT ST_X(location) AS lon, ST_Y(location) AS lat, category_code AS category FROM cases ORDER BY id LIMIT 500`,
  );
  const sent = new Map<number, { at: number; answered: number }>();
  let errors = 0;
  let inflight = 0;
  const total = RATE * SECONDS;
  const t0 = performance.now();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inflight >= 64) {
      errors++;
      continue;
    }
    const s = spots[i % spots.length]!;
    inflight++;
    const at = performance.now();
    writes.push(
      fetch(`${base}/api/cases`, {
        method: 'POST',
        headers: { cookie, 'x-gc-csrf': '1', 'content-type': 'application/json' },
        body: JSON.stringify({ categoryCode: s.category, priority: 'normal', lon: s.lon, lat: s.lat, source: 'grid_worker', title: '巡查发现问题', description: '基准测试' }),
      })
        .then(async (res) => {
          const answered = performance.now();
          const body = (await res.json()) as { id?: number };
          if (res.status !== 201 || typeof body.id !== 'number') errors++;
          else sent.set(body.id, { at, answered });
        })
        .catch(() => {
          errors++;
        })
        .finally(() => {
          inflight--;
        }),
    );
  }
  await Promise.all(writes);
  const wrote = (performance.now() - t0) / 1000;
  // the last events on their way
  const deadline = performance.now() + 5_000;
  while (performance.now() < deadline && [...sent.keys()].some((id) => !applied.has(id))) await new Promise((r) => setTimeout(r, 50));
  req.destroy();
  const fromAnswer: number[] = [];
  const fromSent: number[] = [];
  let missing = 0;
  for (const [id, w] of sent) {
    const a = applied.get(id);
    if (a === undefined) {
      missing++;
      continue;
    }
    fromAnswer.push(Math.max(0, a - w.answered));
    fromSent.push(a - w.at);
  }
  console.log(`\nOpen-case map update at ${RATE} new cases/s for ${SECONDS} s (${sent.size} written in ${wrote.toFixed(1)} s, ${errors} refused or skipped, ${missing} never arrived; goal p99 ≤ 500 ms)`);
  console.table([
    { 'latency to the typed arrays': 'from the 201 answer (lower bound)', p50: ms(pct(fromAnswer, 50), 1), p99: ms(pct(fromAnswer, 99), 1), max: ms(Math.max(...fromAnswer), 1) },
    { 'latency to the typed arrays': 'from the request sent (upper bound)', p50: ms(pct(fromSent, 50), 1), p99: ms(pct(fromSent, 99), 1), max: ms(Math.max(...fromSent), 1) },
  ]);
  console.log(`typed arrays after the run: ${map.columns.size} cases in ${map.columns.length} slots (${map.columns.freeSlots} free)`);
}

async function main(): Promise<void> {
  const adminUrl = await adminUrlFor(loadConfig());
  const u = new URL(adminUrl);
  u.pathname = `/${DB}`;
  const url = MEGACITY ? await ensureMegacityHistoryDatabase(adminUrl) : u.toString();
  const reuse = MEGACITY || (KEEP && (await ready(url)));
  if (!reuse) {
    await dropDatabase(adminUrl, DB);
    await createDatabaseIfMissing(adminUrl, DB);
    await migrate(url);
  }
  const pool = createPool(url, 4);
  if (!reuse) await prepare(pool);
  const server = await startServer({ databaseUrl: url, env: { GC_DEMO_PASSWORD: PASSWORD, GC_LIGHT_JOB_MS: '0' } });
  try {
    const cookie = await login(server.url, 'dispatcher');
    const snap = process.env.BENCH_OPEN_SKIP_SNAPSHOTS === '1' ? await snapshotOnly(server.url, cookie) : await snapshots(server.url, cookie);
    await updates(server.url, cookie, pool, snap);
  } finally {
    await server.stop();
    await pool.end();
    if (!KEEP && !MEGACITY) await dropDatabase(adminUrl, DB);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
