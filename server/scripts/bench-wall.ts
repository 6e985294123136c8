/**
 * pnpm bench (wall) — the video wall in headless Chromium against a real server.
 *
 *  1. time to first full render of /wall (map idle, data loaded) on the demo district with 50,000 cases of history;
 *  2. soak: the wall open while the simulator drives the server at BENCH_SOAK_RATE reports/s (default 20) for
 *     BENCH_SOAK_SECONDS (default 180): JS heap (after a forced GC), DOM nodes, cases held and the last event id,
 *     sampled every 30 s — heap and DOM must stay bounded;
 *  3. frame time with BENCH_WALL_POINTS open cases on the map (default 100,000; the history's cases are copied with
 *     jitter and reopened, in this bench's own database only), in the overview (points) and heatmap modes.
 * Software WebGL here (Mesa llvmpipe through ANGLE): the frame times compare runs on one machine, they are not
 * what a wall's GPU does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';
import { loadConfig, REPO_ROOT } from '../src/config.ts';
import { createDatabaseIfMissing, dropDatabase } from '../src/db/local.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDistrict } from '../src/db/seed.ts';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { newToken } from '../src/modules/auth/passwords.ts';
import { createWallToken, wallUserId } from '../src/modules/auth/repository.ts';
import { seedHistory } from '../src/modules/demo/history.ts';
import { Simulator } from '../src/modules/demo/simulator.ts';
import { startServer } from '../test/server-process.ts';
import { adminUrlFor } from './bench-db.ts';

const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 180);
const SOAK_RATE = Number(process.env.BENCH_SOAK_RATE ?? 20);
const POINTS = Number(process.env.BENCH_WALL_POINTS ?? 100_000);
const PASSWORD = 'bench-wall-password';
const DB = 'gc_bench_wall';

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

// Page-side code is passed as source text: it runs in the browser, not in this (Node) program.
const DOM_AND_WALL = `(() => {
  const w = window.__GC_WALL__;
  return { dom: document.getElementsByTagName('*').length, cases: w ? w.caseCount : 0, lastEventId: w ? w.lastEventId : 0 };
})()`;

const FRAME_TIMES = (ms: number) => `new Promise((resolve) => {
  const stamps = [];
  const t0 = performance.now();
  const tick = (t) => {
    stamps.push(t);
    if (t - t0 < ${ms}) requestAnimationFrame(tick);
    else {
      const d = stamps.slice(1).map((x, i) => x - stamps[i]).sort((a, b) => a - b);
      const q = (p) => Math.round(d[Math.min(d.length - 1, Math.floor(p * d.length))] * 10) / 10;
      resolve({ frames: d.length, fps: Math.round((d.length / (${ms} / 1000)) * 10) / 10, p50: q(0.5), p95: q(0.95) });
    }
  };
  requestAnimationFrame(tick);
})`;

const READY = 'window.__GC_WALL__ && window.__GC_WALL__.ready === true';
const CASE_COUNT = 'window.__GC_WALL__.caseCount';

async function sample(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  const { dom, cases, lastEventId } = (await page.evaluate(DOM_AND_WALL)) as { dom: number; cases: number; lastEventId: number };
  return { heapMB: Math.round((heap.usedSize / 1048576) * 10) / 10, domNodes: dom, cases, lastEventId };
}

async function frameTimes(page: Page, seconds: number) {
  return (await page.evaluate(FRAME_TIMES(seconds * 1000))) as { frames: number; fps: number; p50: number; p95: number };
}

/** the display token of the bench's wall (made in main: the demo's own is random and printed once) */
let wallToken = '';

async function openWall(page: Page, base: string, params: string): Promise<number> {
  const t = performance.now();
  await page.goto(`${base}/wall?token=${wallToken}&rotate=0&${params}`);
  await page.waitForFunction(READY, null, { timeout: 180_000 });
  return Math.round(performance.now() - t);
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(REPO_ROOT, 'client/dist/index.html'))) {
    log('building the client…');
    spawnSync('pnpm', ['--filter', '@gridcommand/client', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  const adminUrl = await adminUrlFor(loadConfig());
  await dropDatabase(adminUrl, DB);
  await createDatabaseIfMissing(adminUrl, DB);
  const u = new URL(adminUrl);
  u.pathname = `/${DB}`;
  const url = u.toString();
  await migrate(url);
  const pool = createPool(url, 4);
  const { loadDemoDistrict } = await import('@gridcommand/data');
  await seedDistrict(pool, loadDemoDistrict());
  const h = await seedHistory(pool, { calendar: await getWorkCalendar(pool), count: 50_000 });
  log(`history: ${h.cases} cases, ${h.events} events in ${(h.ms / 1000).toFixed(1)} s`);

  const server = await startServer({ databaseUrl: url, env: { GC_DEMO_PASSWORD: PASSWORD, GC_LIGHT_JOB_MS: '5000' } });
  const made = newToken();
  await createWallToken(pool, made.hash, 'bench wall', await wallUserId(pool, `disabled$${newToken().hash}`));
  wallToken = made.token;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-quic', '--use-gl=angle', '--use-angle=gl-egl', '--ignore-gpu-blocklist',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const firstRender = await openWall(page, server.url, 'mode=overview');
    const open = (await page.evaluate(CASE_COUNT)) as number;
    console.log(`\nWall: first full render ${firstRender} ms at 1920×1080 (${open} open cases on the map)`);

    // soak
    const sim = new Simulator({ baseUrl: server.url, rate: SOAK_RATE, password: PASSWORD, seed: 11 });
    await sim.start();
    const rows = [{ t: 0, ...(await sample(page)) }];
    const t0 = Date.now();
    while (Date.now() - t0 < SOAK_SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, Math.min(30_000, SOAK_SECONDS * 1000 - (Date.now() - t0))));
      rows.push({ t: Math.round((Date.now() - t0) / 1000), ...(await sample(page)) });
    }
    sim.stop();
    console.log(
      `\nWall soak: ${SOAK_SECONDS} s with the simulator at ${SOAK_RATE} reports/s (${sim.stats.created} reports, ${sim.stats.actions} actions, ${sim.stats.errors} errors); heap after forced GC`,
    );
    console.table(rows);
    const first = rows[0]!;
    const last = rows[rows.length - 1]!;
    console.log(`heap ${first.heapMB} → ${last.heapMB} MB, DOM nodes ${first.domNodes} → ${last.domNodes}`);

    // many points
    log(`reopening ${POINTS} cases for the frame-time run…`);
    const copies = Math.ceil(POINTS / 50_000);
    for (let k = 1; k < copies; k++) {
      await pool.query(
        `INSERT INTO cases (code, source, category_code, priority, title, description, address, location, grid_code,
            community_code, zone_code, street_code, department_code, status, reported_at, respond_by, resolve_by, light, version)
         SELECT 'X' || $1 || '-' || id, source, category_code, priority, title, description, address,
                ST_Translate(location, (random() - 0.5) * 0.002, (random() - 0.5) * 0.002), grid_code, community_code,
                zone_code, street_code, department_code, status, reported_at, respond_by, resolve_by, light, 1
         FROM cases WHERE code NOT LIKE 'X%' LIMIT 50000`,
        [k],
      );
    }
    await pool.query(
      `UPDATE cases SET status = 'in_progress', closed_at = NULL, verified_at = NULL, handled_at = NULL,
              light = (ARRAY['green', 'green', 'green', 'due_soon', 'yellow', 'red'])[1 + (id % 6)]
       WHERE id IN (SELECT id FROM cases ORDER BY id LIMIT $1)`,
      [POINTS],
    );
    const frames = [];
    for (const mode of ['overview', 'heatmap'] as const) {
      const ms = await openWall(page, server.url, `mode=${mode}`);
      const cases = (await page.evaluate(CASE_COUNT)) as number;
      frames.push({ mode, 'open cases': cases, 'first render ms': ms, ...(await frameTimes(page, 8)) });
    }
    console.log('\nWall frame time, ms per frame (software WebGL; relative numbers)');
    console.table(frames);
  } finally {
    await browser.close();
    await server.stop();
    await pool.end();
    await dropDatabase(adminUrl, DB);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
