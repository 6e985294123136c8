/**
 * pnpm bench (field) — what the grid worker's phone costs.
 *
 *  1. photo upload: POST /api/photos over real HTTP (session cookie) with phone-sized JPEGs (2048 × 1536, as the app
 *     scales camera pictures before sending), BENCH_PHOTO_CLIENTS in flight (default 1,4,8), BENCH_PHOTOS each
 *     (default 60): photos/s and p50/p99, against the baseline of the same work without HTTP and database (inspect:
 *     sniff + decode + thumbnail + EXIF, then the atomic file writes) at the same concurrency in this process;
 *  2. the offline bundle: what the service worker keeps for /field/ (its precache list), raw and gzip KB;
 *  3. first load of /field/ in headless Chromium on DevTools' 3G profiles (bench-field-load.ts) and unthrottled: time
 *     to the sign-in form, and to a usable Today screen for a signed-in worker.
 * Goals are reported, never enforced.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { buildApp } from '../src/app.ts';
import { loadConfig, REPO_ROOT } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { seedDemoUsers } from '../src/modules/auth/seed.ts';
import { inspectPhoto } from '../src/modules/field/photos-image.ts';
import { PhotoStore } from '../src/modules/field/photos-storage.ts';
import { adminUrlFor, ensureProfileDatabase } from './bench-db.ts';
import { benchFieldLoad } from './bench-field-load.ts';

const PASSWORD = 'bench-field-password';
const CLIENTS = (process.env.BENCH_PHOTO_CLIENTS ?? '1,4,8').split(',').map(Number).filter((n) => n > 0);
const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 60);

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** A photo-like JPEG: smooth noise (compresses like a street scene, not like a flat colour), unique per seed. */
async function phonePhoto(seed: number): Promise<Buffer> {
  const noise = await sharp({ create: { width: 512, height: 384, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 110 + (seed % 40), sigma: 45 } } })
    .png()
    .toBuffer();
  return sharp(noise)
    .resize(2048, 1536, { kernel: 'cubic' })
    .blur(1.2)
    .jpeg({ quality: 82 })
    .withExif({ IFD2: { DateTimeOriginal: '2026:11:30 09:15:00' } })
    .toBuffer();
}

async function runPool(n: number, clients: number, job: (i: number) => Promise<void>): Promise<{ perSecond: number; p50: number; p99: number }> {
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const t = performance.now();
        await job(i);
        times.push(performance.now() - t);
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  return { perSecond: n / wall, p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function benchPhotos(): Promise<void> {
  const config = loadConfig();
  const url = await ensureProfileDatabase(await adminUrlFor(config), 'demo');
  const pool = createPool(url, 12);
  const uploads = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-bench-photos-'));
  const app = await buildApp({ config: { ...config, clientDist: null, uploadDir: uploads, photoRate: 100_000, lightJobIntervalMs: 0 }, pool });
  try {
    await seedDemoUsers(pool, PASSWORD);
    await pool.query('DELETE FROM photo');
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const login = await fetch(`${address}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'worker', password: PASSWORD }),
    });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

    const total = PHOTOS * CLIENTS.length * 2;
    log(`making ${total} photos of 2048 × 1536…`);
    const photos: Buffer[] = [];
    for (let i = 0; i < total; i++) photos.push(await phonePhoto(i));
    const avgKb = photos.reduce((a, b) => a + b.length, 0) / photos.length / 1024;

    const store = new PhotoStore(path.join(uploads, 'bare'));
    let used = 0;
    const rows: string[] = [];
    for (const clients of CLIENTS) {
      const bareSet = photos.slice(used, used + PHOTOS);
      used += PHOTOS;
      const apiSet = photos.slice(used, used + PHOTOS);
      used += PHOTOS;
      const bare = await runPool(PHOTOS, clients, async (i) => {
        const p = await inspectPhoto(bareSet[i]!);
        await store.put(p.id, bareSet[i]!, p.thumb);
      });
      let errors = 0;
      const api = await runPool(PHOTOS, clients, async (i) => {
        const res = await fetch(`${address}/api/photos`, {
          method: 'POST',
          headers: { cookie, 'x-gc-csrf': '1', 'content-type': 'image/jpeg' },
          // a Buffer is a valid fetch body at run time; the DOM typing of BodyInit does not list it
          body: apiSet[i]! as unknown as BodyInit,
        });
        await res.arrayBuffer();
        if (res.status !== 201) errors++;
      });
      rows.push(
        `| ${clients} | ${bare.perSecond.toFixed(1)} | ${api.perSecond.toFixed(1)} | ${(api.perSecond / bare.perSecond).toFixed(2)} | ${api.p50.toFixed(0)} | ${api.p99.toFixed(0)} | ${bare.p99.toFixed(0)} | ${errors} |`,
      );
    }
    console.log(`\nphoto upload (${PHOTOS} photos per row, 2048 × 1536 JPEG, ${avgKb.toFixed(0)} KB on average; ${os.cpus().length} CPUs)\n`);
    console.log('| in flight | bare photos/s | API photos/s | ratio | API p50 ms | API p99 ms | bare p99 ms | errors |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(r);
  } finally {
    await app.close();
    await pool.end();
    fs.rmSync(uploads, { recursive: true, force: true });
  }
}

/** The service worker's precache list for /field/, from the built client. */
function benchBundle(): void {
  const dist = path.join(REPO_ROOT, 'client/dist');
  const sw = ['field/sw.js', 'sw.js'].map((f) => path.join(dist, f)).find((f) => fs.existsSync(f));
  if (!sw) {
    console.log('\noffline bundle: no service worker in client/dist (build the client first)');
    return;
  }
  const text = fs.readFileSync(sw, 'utf8');
  const urls = [...text.matchAll(/url:\s*"([^"]+)"/g)].map((m) => m[1]!);
  let raw = 0;
  let gz = 0;
  const big: [string, number][] = [];
  for (const u of urls) {
    // precache URLs are site paths (/assets/…, /field/…)
    const file = path.join(dist, u.replace(/^\//, ''));
    if (!fs.existsSync(file)) continue;
    const bytes = fs.readFileSync(file);
    const g = zlib.gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += g;
    big.push([u, g]);
  }
  big.sort((a, b) => b[1] - a[1]);
  console.log(`\noffline bundle of /field/ (the service worker's precache list, ${urls.length} files)\n`);
  console.log('| what | raw KB | gzip KB |');
  console.log('|---|---|---|');
  console.log(`| all precached files | ${(raw / 1024).toFixed(0)} | ${(gz / 1024).toFixed(0)} |`);
  for (const [u, g] of big.slice(0, 5)) console.log(`| ${u} | — | ${(g / 1024).toFixed(0)} |`);
}

const only = (process.env.BENCH_FIELD ?? 'photos,bundle,load').split(',');
if (only.includes('photos')) await benchPhotos();
if (only.includes('bundle')) benchBundle();
if (only.includes('load')) await benchFieldLoad(PASSWORD);
