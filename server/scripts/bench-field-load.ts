/**
 * Part 3 of bench-field.ts: the first load of /field/ in headless Chromium at 390 × 844, each run in a fresh
 * browser context (empty cache, no service worker yet), unthrottled (the baseline) and on Chrome DevTools' two 3G
 * presets (network emulation: "Fast 3G" 562.5 ms round trip, 1.44 Mbit/s down, 675 kbit/s up; "Slow 3G" 2 s,
 * 400 kbit/s both ways). Time to the sign-in form (`__GC_FIELD__.ready()`), and for a signed-in worker to Today with their grids
 * and tasks; bytes over the wire until then.
 */
import { performance } from 'node:perf_hooks';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { startServer } from '../test/server-process.ts';
import { adminUrlFor, ensureProfileDatabase } from './bench-db.ts';

interface Network {
  name: string;
  latency: number;
  down: number;
  up: number;
}
const NETWORKS: Network[] = [
  { name: 'unthrottled', latency: 0, down: -1, up: -1 },
  // Chrome DevTools' presets (their throughput figures already discounted as DevTools does)
  { name: '3G (DevTools "Fast 3G": 562.5 ms, 1.44 Mbit/s)', latency: 562.5, down: (1.6e6 / 8) * 0.9, up: (750e3 / 8) * 0.9 },
  { name: 'Slow 3G (2 s, 400 kbit/s)', latency: 2000, down: (500e3 / 8) * 0.8, up: (500e3 / 8) * 0.8 },
];

async function loadOnce(browser: Browser, url: string, net: Network, cookie: string | null): Promise<{ ms: number; kb: number }> {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN', serviceWorkers: 'allow' });
  try {
    if (cookie) await ctx.addCookies([{ name: 'gc_session', value: cookie, url }]);
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: net.latency, downloadThroughput: net.down, uploadThroughput: net.up });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength));
    const t0 = performance.now();
    await page.goto(`${url}/field/`, { waitUntil: 'commit' });
    // page-side code as source text: it runs in the browser, not in this (Node) program
    const usable = cookie ? 'f.signedIn() !== null' : 'f.signedIn() === null';
    await page.waitForFunction(`(() => { const f = window.__GC_FIELD__; return !!f && f.ready() && ${usable}; })()`, null, { timeout: 180_000, polling: 50 });
    const ms = performance.now() - t0;
    return { ms, kb: bytes / 1024 };
  } finally {
    await ctx.close();
  }
}

export async function benchFieldLoad(password: string): Promise<void> {
  const config = loadConfig();
  const dbUrl = await ensureProfileDatabase(await adminUrlFor(config), 'demo');
  const pool = createPool(dbUrl, 2);
  await seedDemoUsers(pool, password);
  await pool.end();
  const server = await startServer({ databaseUrl: dbUrl, env: { GC_DEMO_PASSWORD: password, GC_LIGHT_JOB_MS: '0' } });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--use-gl=angle', '--use-angle=gl-egl', '--ignore-gpu-blocklist'],
  });
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'worker', password, device: { name: 'bench phone' } }),
    });
    const cookie = /gc_session=([^;]+)/.exec(login.headers.getSetCookie().join(';'))?.[1] ?? null;
    if (!cookie) throw new Error(`worker login failed: ${login.status}`);
    const rows: string[] = [];
    const base: Record<string, number> = {};
    for (const net of NETWORKS) {
      for (const [what, c] of [['sign-in form', null], ['Today, signed in', cookie]] as const) {
        const runs = [];
        for (let i = 0; i < 3; i++) runs.push(await loadOnce(browser, server.url, net, c));
        runs.sort((a, b) => a.ms - b.ms);
        const med = runs[1]!;
        base[what] ??= med.ms;
        rows.push(`| ${what} | ${net.name} | ${Math.round(med.ms)} | ${(med.ms / base[what]!).toFixed(1)} | ${med.kb.toFixed(0)} |`);
      }
    }
    console.log('\nfirst load of /field/ at 390 × 844 (fresh context each run, median of 3)\n');
    console.log('| time to usable | network | ms | × unthrottled | KB over the wire |');
    console.log('|---|---|---|---|---|');
    for (const r of rows) console.log(r);
  } finally {
    await browser.close();
    await server.stop();
  }
}
