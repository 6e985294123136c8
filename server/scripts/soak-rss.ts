/**
 * Soak: the server's resident memory under live load over a long run (docs/megacity.md, "Memory").
 *
 * Starts the server (bundled as `pnpm start` runs it: scripts/bundle.ts) on a megacity profile database, with no
 * simulator of its own, and loads it from this process as the field does (soak-load.ts): SOAK_CASES_PER_S new
 * reports a second, each worked through the loop by the simulator at SOAK_SIM_SPEED (time compression), and
 * SOAK_POSITIONS_PER_S patrol positions a second; keeps SOAK_WALLS live streams open (as walls do) and, every few
 * seconds, reads what walls and leaders read: the binary open-case snapshot, the grid lights, the overview, a
 * heatmap and tiles at several zooms. Samples the RSS of the server's process tree every 10 s and prints a line a
 * minute (with the server's own account of its heap and buffers, from the admin's health report) and a summary with
 * the rates achieved.
 *
 *   SOAK_DB=gc_megacity_2000000 SOAK_MINUTES=30 SOAK_CASES_PER_S=100 SOAK_POSITIONS_PER_S=1000 npx tsx server/scripts/soak-rss.ts
 *   SOAK_NODE_FLAGS='--max-old-space-size=160' …            (flags for the server's node only)
 */
import { spawn } from 'node:child_process';
import { SERVER_NODE_ENV, SERVER_NODE_FLAGS, buildServerBundle } from './bundle.ts';
import fs from 'node:fs';
import { Simulator } from '../src/modules/demo/simulator.ts';
import { PositionLoad } from './soak-load.ts';
import type { HealthResponse } from '@gridcommand/shared/schemas';

const DB = process.env.SOAK_DB ?? 'gc_megacity_2000000';
const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const CASES_PER_S = Number(process.env.SOAK_CASES_PER_S ?? 100);
const POSITIONS_PER_S = Number(process.env.SOAK_POSITIONS_PER_S ?? 1000);
const SIM_SPEED = Number(process.env.SOAK_SIM_SPEED ?? 1);
const SIM_CONCURRENCY = Number(process.env.SOAK_SIM_CONCURRENCY ?? 16);
const WALLS = Number(process.env.SOAK_WALLS ?? 4);
const PORT = Number(process.env.SOAK_PORT ?? 18_990);
/** node flags for the server process only, after SERVER_NODE_FLAGS (bundle.ts), e.g. SOAK_NODE_FLAGS='--max-old-space-size=160' */
const NODE_FLAGS = (process.env.SOAK_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const PASSWORD = process.env.GC_DEMO_PASSWORD || 'gridcommand-demo';
const base = `http://127.0.0.1:${PORT}`;

function treeRssMb(pid: number): number {
  let kb = 0;
  const walk = (p: number) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      kb = Math.max(kb, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
      for (const t of fs.readdirSync(`/proc/${p}/task`)) {
        const kids = fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim();
        for (const k of kids ? kids.split(/\s+/) : []) walk(Number(k));
      }
    } catch {
      /* exited */
    }
  };
  walk(pid);
  return kb / 1024;
}

async function login(username: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...NODE_FLAGS, await buildServerBundle()], {
    env: { ...SERVER_NODE_ENV, ...process.env, GC_PG_DATABASE: DB, PORT: String(PORT), HOST: '127.0.0.1', GC_DEMO: 'true', GC_SIM_RATE: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      /* starting */
    }
    if (i > 600) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 500));
  }
  const cookie = await login('leader');
  const adminCookie = await login('admin');
  /** the server's own account of its memory (the admin's health report): heap used / reserved, external (tiles) */
  const memory = async (): Promise<string> => {
    try {
      const p = ((await (await fetch(`${base}/api/health`, { headers: { cookie: adminCookie } })).json()) as HealthResponse).process;
      return p ? `${p.heapUsedMb.toFixed(0)} / ${p.heapTotalMb.toFixed(0)}, ${p.externalMb.toFixed(0)} (${p.tileCacheMb.toFixed(0)})` : '—';
    } catch {
      return '—';
    }
  };
  const simulator = new Simulator({ baseUrl: base, password: PASSWORD, rate: CASES_PER_S, speed: SIM_SPEED, concurrency: SIM_CONCURRENCY, teams: false });
  await simulator.start();
  const positions = new PositionLoad(base, PASSWORD, POSITIONS_PER_S);
  const walkers = await positions.start();
  const aborts: AbortController[] = [];
  let events = 0;
  for (let w = 0; w < WALLS; w++) {
    const ac = new AbortController();
    aborts.push(ac);
    void (async () => {
      const res = await fetch(`${base}/api/live`, { headers: { cookie, accept: 'text/event-stream' }, signal: ac.signal });
      if (res.status !== 200) throw new Error(`live stream: ${res.status}`);
      const reader = res.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        events += (new TextDecoder().decode(value).match(/\nid: /g) ?? []).length;
      }
    })().catch((err: unknown) => {
      if ((err as Error).name !== 'AbortError') console.error(`wall ${w}: ${(err as Error).message}`);
    });
  }
  const tile = (z: number, lon: number, lat: number) => {
    const n = 2 ** z;
    const y = Math.floor(((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * n);
    return `/tiles/grid/${z}/${Math.floor(((lon + 180) / 360) * n)}/${y}.mvt`;
  };
  const reads = ['/api/map/open-cases.bin', '/api/map/grid-lights', '/api/stats/overview?period=30d', `/api/stats/heatmap?mode=hex&from=${new Date(Date.now() - 30 * 86_400_000).toISOString()}&to=${new Date().toISOString()}`, tile(8, 120, 36), tile(10, 120, 36), tile(13, 120.01, 36.01)];
  let ok = 0;
  let failed = 0;
  const failures = new Map<string, number>();
  const countFailure = (path: string, why: string) => {
    const key = `${path.split('?')[0]} ${why}`;
    failures.set(key, (failures.get(key) ?? 0) + 1);
  };
  let running = true;
  const reader = (async () => {
    while (running) {
      for (const r of reads) {
        try {
          const res = await fetch(`${base}${r}`, { headers: { cookie, 'accept-encoding': 'gzip' } });
          await res.arrayBuffer();
          if (res.ok) ok++;
          else {
            failed++;
            countFailure(r, String(res.status));
          }
        } catch (err) {
          failed++;
          countFailure(r, (err as Error).message);
        }
      }
      await new Promise((r) => setTimeout(r, 2_000));
    }
  })();

  const samples: number[] = [];
  const t0 = Date.now();
  console.log(
    `soak on ${DB}: ${MINUTES} min; load ${CASES_PER_S} new reports/s (worked at speed ${SIM_SPEED}, ${SIM_CONCURRENCY} requests in flight), ` +
      `${POSITIONS_PER_S} positions/s over ${walkers} teams; ${WALLS} live streams; reads every ~2 s; picked up ${simulator.stats.pickedUp} open cases`,
  );
  console.log('| minute | RSS MB | heap used / reserved, external (tiles) MB | reports/s | actions/s | positions/s | events per wall | reads ok | failed (reads, sim, positions) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  let last = { t: Date.now(), created: 0, actions: 0, positions: 0 };
  while (Date.now() - t0 < MINUTES * 60_000) {
    await new Promise((r) => setTimeout(r, 10_000));
    samples.push(treeRssMb(child.pid!));
    if (samples.length % 6 === 0) {
      const now = { t: Date.now(), created: simulator.stats.created, actions: simulator.stats.actions, positions: positions.stats.accepted };
      const s = (now.t - last.t) / 1000;
      console.log(
        `| ${samples.length / 6} | ${samples.at(-1)!.toFixed(0)} | ${await memory()} | ${((now.created - last.created) / s).toFixed(1)} | ${((now.actions - last.actions) / s).toFixed(1)} | ` +
          `${((now.positions - last.positions) / s).toFixed(0)} | ${Math.round(events / WALLS)} | ${ok} | ${failed}, ${simulator.stats.errors}, ${positions.stats.failed} |`,
      );
      last = now;
    }
  }
  const seconds = (Date.now() - t0) / 1000;
  running = false;
  positions.stop();
  await simulator.stop();
  await reader;
  for (const ac of aborts) ac.abort();
  const half = samples.slice(Math.floor(samples.length / 2));
  const max = Math.max(...samples);
  const st = simulator.stats;
  console.log(`\nRSS MB: first ${samples[0]?.toFixed(0)}, max ${max.toFixed(0)}, last ${samples.at(-1)?.toFixed(0)}, mean of the second half ${(half.reduce((a, b) => a + b, 0) / half.length).toFixed(0)}`);
  console.log(
    `load: ${st.created.toLocaleString('en')} reports (${(st.created / seconds).toFixed(1)}/s; ${st.skipped} skipped while the server was behind), ` +
      `${st.actions.toLocaleString('en')} loop actions (${(st.actions / seconds).toFixed(1)}/s; ${st.conflicts} conflicts, ${st.errors} errors), ` +
      `${positions.stats.accepted.toLocaleString('en')} positions (${(positions.stats.accepted / seconds).toFixed(0)}/s; ${positions.stats.late} ticks late, ${positions.stats.failed} batches failed); ` +
      `${Math.round(events / WALLS).toLocaleString('en')} events streamed to each of ${WALLS} walls; ${ok} reads ok, ${failed} failed`,
  );
  if (failures.size > 0) console.log(`failed reads: ${[...failures].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
