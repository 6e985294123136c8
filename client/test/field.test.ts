/**
 * The grid worker's phone (/field/) in a real mobile browser against the real server: sign in with a device
 * session, report with a photo, lose the connection, report twice and verify a handled case, reload with no
 * connection (the service worker serves the app, the outbox survives: "3 条待发送"), come back: exactly those three
 * writes arrive, once each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Case } from '@gridcommand/shared/schemas';
import { REPO_ROOT } from '../../server/src/config.ts';
import { testDatabase, type TestDatabase } from '../../server/test/helpers.ts';
import { startServer, type ServerProcess } from '../../server/test/server-process.ts';
import { seedDemoUsers } from '../../server/src/modules/auth/seed.ts';
import { launchBrowser, screenshot } from './browser.ts';

const PASSWORD = 'field-test-pw';
// the image library the server uses, to make real JPEG photos
const sharp = createRequire(path.join(REPO_ROOT, 'server/package.json'))('sharp') as typeof import('sharp');

let db: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let uploadDir: string;
let home: { lon: number; lat: number; grid: string };
let workerId: number;
let handled: Case;
let open: Case;
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

type FieldHooks = { ready(): boolean; signedIn(): number | null; outbox(): { pending: number; failed: number; sending: boolean; sent: number } };

async function photo(color: { r: number; g: number; b: number }, label: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect width="640" height="480" fill="rgb(${color.r},${color.g},${color.b})"/><text x="40" y="260" font-size="64" fill="#fff">${label}</text></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

async function login(username: string): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

async function api<T>(cookie: string, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { cookie, 'x-gc-csrf': '1', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.ok, `${method} ${url}: ${text}`).toBe(true);
  return JSON.parse(text) as T;
}

/** A case in the worker's grid taken to 'handled' by the desk and the department: one to verify on site. */
async function handledCase(): Promise<Case> {
  const dispatcher = await login('dispatcher');
  const handler = await login('handler');
  let c = await api<Case>(dispatcher, 'POST', '/api/cases', {
    categoryCode: '01001', priority: 'normal', lon: home.lon + 0.0003, lat: home.lat, title: '人行道垃圾堆放', description: '热线反映垃圾堆放',
    source: 'hotline', address: '网格内测试路 1 号',
  });
  for (const [who, action, extra] of [
    [dispatcher, 'file', {}],
    [dispatcher, 'dispatch', { departmentCode: c.departmentCode }],
    [handler, 'accept', {}],
    [handler, 'handle', {}],
  ] as const) {
    c = await api<Case>(who, 'POST', `/api/cases/${c.id}/actions`, { action, version: c.version, ...extra });
  }
  expect(c.status).toBe('handled');
  return c;
}

/** A case just reported by the hotline next to the worker: open, so a new report of its kind is asked "is it this?". */
async function openCase(): Promise<Case> {
  const dispatcher = await login('dispatcher');
  return api<Case>(dispatcher, 'POST', '/api/cases', {
    categoryCode: '01001', priority: 'urgent', lon: home.lon, lat: home.lat + 0.0002, title: '小区门口垃圾满溢', description: '垃圾桶满溢',
    source: 'hotline', address: '网格内测试路 3 号',
  });
}

async function waitHooks(fn: string, arg?: unknown, timeout = 60_000): Promise<void> {
  await page
    .waitForFunction(new Function('arg', `const h = window.__GC_FIELD__; return !!h && (${fn});`) as (a: unknown) => boolean, arg, { timeout })
    .catch(async (e: unknown) => {
      await screenshot(page, 'field-stuck');
      const state = await page.evaluate(() => {
        const h = (window as unknown as { __GC_FIELD__?: FieldHooks }).__GC_FIELD__;
        return h ? { ready: h.ready(), user: h.signedIn(), outbox: h.outbox(), url: location.href } : { url: location.href };
      });
      throw new Error(`waiting for ${fn}: ${String(e)} ${JSON.stringify(state)}\npage errors: ${pageErrors.join('\n')}\nserver: ${server.output().slice(-4000)}`);
    });
}

async function workerCases(): Promise<{ id: number; category_code: string; photos: string[]; fixed_on_spot: boolean }[]> {
  const { rows } = await db.pool.query<{ id: number; category_code: string; photos: string[]; fixed_on_spot: boolean }>(
    `SELECT id::int, category_code, photos, fixed_on_spot FROM cases WHERE reporter_user_id = $1 ORDER BY id`,
    [workerId],
  );
  return rows;
}

/** Chooses a category on the report screen by its search box. */
async function chooseCategory(search: string, code: string): Promise<void> {
  const current = page.getByTestId('category-current');
  if (await current.isVisible()) await current.click();
  await page.getByTestId('category-search').fill(search);
  await page.getByTestId(`category-${code}`).click();
}

async function report(opts: { category: [string, string]; text: string; photos: Buffer[] }): Promise<void> {
  await page.getByTestId('tab-report').click();
  await page.getByTestId('screen-report').waitFor();
  await page.locator('[data-testid="report-position"][data-source="gps"]').waitFor({ timeout: 30_000 });
  await chooseCategory(...opts.category);
  await screenshot(page, 'field-report-top');
  await page.getByTestId('report-description').fill(opts.text);
  if (opts.photos.length > 0) {
    await page.getByTestId('report-photos-input').setInputFiles(opts.photos.map((buffer, i) => ({ name: `p${i}.jpg`, mimeType: 'image/jpeg', buffer })));
    await page.locator(`[data-testid="report-photos"][data-count="${opts.photos.length}"]`).waitFor();
  }
}

beforeAll(async () => {
  db = await testDatabase();
  const users = await seedDemoUsers(db.pool, PASSWORD);
  const worker = users.find((u) => u.username === 'worker')!;
  expect(worker.gridCodes.length, 'the demo worker has grids').toBeGreaterThan(0);
  const { rows } = await db.pool.query<{ lon: number; lat: number; grid: string; id: number }>(
    `SELECT ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat, a.code AS grid, u.id
     FROM area a JOIN app_user u ON a.code = ANY(u.grid_codes) WHERE u.username = 'worker' ORDER BY a.code LIMIT 1`,
  );
  home = rows[0]!;
  workerId = rows[0]!.id;
  uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-field-uploads-'));
  server = await startServer({ databaseUrl: db.url, env: { GC_DEMO_PASSWORD: PASSWORD, GC_UPLOAD_DIR: uploadDir } });
  handled = await handledCase();
  open = await openCase();
  browser = await launchBrowser();
  ctx = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    geolocation: { longitude: home.lon, latitude: home.lat, accuracy: 12 },
    permissions: ['geolocation'],
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36',
  });
  page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // failed loads (401 before sign-in, no connection) are expected: kept for the log only
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  // a phone app confirms dropping entries with a dialog; this test drops none
  page.on('dialog', (d) => void d.dismiss());
});

afterAll(async () => {
  if (pageErrors.length + consoleErrors.length > 0) console.log(`field page errors:\n${[...pageErrors, ...consoleErrors].join('\n')}`);
  await browser?.close();
  await server?.stop();
  await db?.drop();
  if (uploadDir) fs.rmSync(uploadDir, { recursive: true, force: true });
});

describe('the grid worker phone app', () => {
  it('is served at /field/ with its service worker and manifest, and leaves the other pages alone', async () => {
    const html = await fetch(`${server.url}/field/`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('/field/manifest.webmanifest');
    const sw = await fetch(`${server.url}/field/sw.js`);
    expect(sw.status).toBe(200);
    expect(sw.headers.get('content-type')).toMatch(/javascript/);
    const manifest = await fetch(`${server.url}/field/manifest.webmanifest`);
    expect(manifest.status).toBe(200);
    expect(((await manifest.json()) as { scope: string }).scope).toBe('/field/');
    const script = /src="(\/assets\/field-[^"]+\.js)"/.exec(await (await fetch(`${server.url}/field/`)).text())?.[1];
    const js = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    console.log(
      `field: sw.js Cache-Control=${sw.headers.get('cache-control')}; manifest ${manifest.headers.get('content-type')}; ` +
        `${script} ${js.headers.get('content-type')} encoding=${js.headers.get('content-encoding')} cache=${js.headers.get('cache-control')}`,
    );
  });

  it('signs in once with a device session and shows my grids and tasks', async () => {
    await page.goto(`${server.url}/field/`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('field-login').waitFor({ timeout: 60_000 });
    await page.getByTestId('login-username').fill('worker');
    await page.getByTestId('login-password').fill(PASSWORD);
    await screenshot(page, 'field-login');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('screen-today').waitFor({ timeout: 60_000 });
    await waitHooks('h.signedIn() !== null && h.ready()');
    const { rows } = await db.pool.query<{ kind: string; device_name: string }>(
      `SELECT s.kind, s.device_name FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE u.username = 'worker'`,
    );
    expect(rows).toEqual([{ kind: 'device', device_name: 'Pixel 8 · Chrome' }]);
    // my grids on the map (drawn from the data, no tiles), the handled case to verify
    expect(Number(await page.getByTestId('grid-map').getAttribute('data-grids'))).toBeGreaterThan(0);
    await page.getByTestId(`task-${handled.id}`).waitFor({ timeout: 30_000 });
    await page.getByTestId(`task-${open.id}`).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('tasks-verify').innerText()).toContain(handled.title);
    // a new case in my grid arrives through the live stream, without a reload
    await page.waitForFunction(() => (window as unknown as { __GC_FIELD__: { liveConnected(): boolean } }).__GC_FIELD__.liveConnected(), null, { timeout: 30_000 });
    const arrived = await api<Case>(await login('dispatcher'), 'POST', '/api/cases', {
      categoryCode: '01002', priority: 'normal', lon: home.lon - 0.0002, lat: home.lat - 0.0002, title: '路灯不亮', description: '夜间路灯不亮',
      source: 'hotline', address: '网格内测试路 5 号',
    });
    await page.getByTestId(`task-${arrived.id}`).waitFor({ timeout: 30_000 });
    // the service worker controls the app (and only the app)
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
    await screenshot(page, 'field-today');
  });

  it('reports a problem with a photo, seeing the open case nearby first', async () => {
    await report({ category: ['01001', '01001'], text: '绿化带内有建筑垃圾', photos: [await photo({ r: 40, g: 120, b: 60 }, 'online')] });
    // an open case of the same category is 20 m away: "是不是这些？"
    await page.getByTestId(`nearby-${open.id}`).waitFor({ timeout: 30_000 });
    await page.getByTestId('report-description').scrollIntoViewIfNeeded();
    await screenshot(page, 'field-report');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('screen-today').waitFor();
    await waitHooks('h.outbox().pending === 0 && h.outbox().sent >= 1');
    const cases = await workerCases();
    expect(cases).toHaveLength(1);
    expect(cases[0]!.photos).toHaveLength(1);
  });

  it('works with no connection: two reports and a verification wait in the outbox, across a reload', async () => {
    // what Today shows is on the phone before the connection goes
    await page.waitForFunction(
      async () =>
        new Promise<boolean>((resolve) => {
          const req = indexedDB.open('gc-field');
          req.onsuccess = () => {
            const tx = req.result.transaction('cache', 'readonly');
            const get = tx.objectStore('cache').getAllKeys();
            get.onsuccess = () => resolve(get.result.some((k) => String(k).includes('"handled"')) && get.result.some((k) => String(k).includes('"me"')));
            get.onerror = () => resolve(false);
          };
          req.onerror = () => resolve(false);
        }),
      null,
      { timeout: 30_000, polling: 500 },
    );
    await ctx.setOffline(true);
    await page.locator('[data-testid="net-status"]', { hasText: '离线' }).waitFor();

    await report({ category: ['01001', '01001'], text: '离线上报一：路面破损', photos: [await photo({ r: 160, g: 60, b: 40 }, 'offline 1')] });
    await page.getByTestId('report-submit').click();
    await waitHooks('h.outbox().pending === 1');
    await report({ category: ['01001', '01001'], text: '离线上报二：井盖缺失', photos: [] });
    await page.getByTestId('report-submit').click();
    await waitHooks('h.outbox().pending === 2');

    // verify the handled case on site, from the list kept on the phone
    await page.getByTestId(`task-${handled.id}`).click();
    await page.getByTestId('screen-task').waitFor();
    await page.locator('[data-testid="task-distance"]', { hasText: '米' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'field-task');
    await page.getByTestId('verify-pass').click();
    await waitHooks('h.outbox().pending === 3');
    await page.locator('[data-testid="outbox-badge"]', { hasText: '3 条待发送' }).waitFor();

    // close and open the app with no connection: the service worker serves it, the outbox is still there
    const res = await page.reload({ waitUntil: 'domcontentloaded' });
    expect(res?.fromServiceWorker()).toBe(true);
    await waitHooks('h.ready() && h.signedIn() !== null');
    await page.locator('[data-testid="outbox-badge"]', { hasText: '3 条待发送' }).waitFor({ timeout: 30_000 });
    // the task screen it was on says its verification waits to be sent
    await page.getByTestId('verify-waiting').waitFor();
    await page.getByTestId('tab-today').click();
    await page.getByTestId(`task-${handled.id}`).waitFor();
    await screenshot(page, 'field-offline-today');
    await page.getByTestId('tab-outbox').click();
    await page.locator('[data-testid="outbox-list"] li').nth(2).waitFor();
    await screenshot(page, 'field-outbox');
    // nothing reached the server meanwhile
    expect(await workerCases()).toHaveLength(1);
  });

  it('sends exactly those three writes, once each, when the connection comes back', async () => {
    await ctx.setOffline(false);
    await waitHooks('h.outbox().pending === 0 && h.outbox().failed === 0 && !h.outbox().sending', undefined, 90_000);
    await page.locator('[data-testid="outbox-badge"]').waitFor({ state: 'detached' });
    const cases = await workerCases();
    expect(cases).toHaveLength(3);
    expect(cases.map((c) => c.photos.length)).toEqual([1, 1, 0]);
    const { rows: v } = await db.pool.query<{ result: string; flagged: boolean; distance_m: number }>(
      `SELECT result, flagged, distance_m FROM verification WHERE case_id = $1`,
      [handled.id],
    );
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ result: 'pass', flagged: false });
    expect(v[0]!.distance_m).toBeLessThan(60);
    const { rows: state } = await db.pool.query<{ status: string }>(`SELECT status FROM cases WHERE id = $1`, [handled.id]);
    expect(state[0]!.status).not.toBe('handled');
    const { rows: photos } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM photo`);
    expect(photos[0]!.n).toBe(2);
    // the lists follow: the verified case leaves 待核查, the two reports made offline show
    await page.getByTestId('tab-today').click();
    await page.getByTestId(`task-${handled.id}`).waitFor({ state: 'detached', timeout: 30_000 });
    for (const c of cases) await page.getByTestId(`task-${c.id}`).waitFor({ timeout: 30_000 });
    await screenshot(page, 'field-back-online');
  });

  it('adds photos to the open case nearby instead of reporting it again', async () => {
    await report({ category: ['01001', '01001'], text: '', photos: [await photo({ r: 30, g: 60, b: 160 }, 'attach')] });
    await page.getByTestId(`attach-${open.id}`).click();
    await page.getByTestId('screen-today').waitFor();
    await waitHooks('h.outbox().pending === 0 && !h.outbox().sending');
    const { rows } = await db.pool.query<{ photos: string[] }>(`SELECT photos FROM cases WHERE id = $1`, [open.id]);
    expect(rows[0]!.photos).toHaveLength(1);
    expect(await workerCases()).toHaveLength(3);
  });

  it('reports 举手之劳 with before and after photos: closed at once', async () => {
    await report({ category: ['01002', '01002'], text: '共享单车倒地，已扶正', photos: [await photo({ r: 120, g: 90, b: 20 }, 'before')] });
    // the worker puts the pin a few metres off on the map instead of the GPS fix
    const map = page.getByTestId('report-map');
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    await map.click({ position: { x: box.width / 2 + 10, y: box.height / 2 - 25 } });
    await page.locator('[data-testid="report-position"][data-source="map"]').waitFor();
    await page.getByTestId('report-fixed').click();
    await page.getByTestId('report-after-input').setInputFiles([{ name: 'after.jpg', mimeType: 'image/jpeg', buffer: await photo({ r: 20, g: 140, b: 120 }, 'after') }]);
    await page.locator('[data-testid="report-after"][data-count="1"]').waitFor();
    await page.getByTestId('report-submit').click();
    await page.getByTestId('screen-today').waitFor();
    await waitHooks('h.outbox().pending === 0 && !h.outbox().sending');
    const cases = await workerCases();
    expect(cases).toHaveLength(4);
    expect(cases[3]).toMatchObject({ category_code: '01002', fixed_on_spot: true });
    const { rows: how } = await db.pool.query<{ location_source: string; status: string }>(`SELECT location_source, status FROM cases WHERE id = $1`, [cases[3]!.id]);
    expect(how[0]).toEqual({ location_source: 'map', status: 'closed' });
    expect(cases[3]!.photos).toHaveLength(2);
  });

  it('patrols with a check-in and a visit, and signs out from 我的', async () => {
    await page.getByTestId('tab-patrol').click();
    await page.getByTestId('patrol-toggle').click();
    await page.locator('[data-testid="screen-patrol"][data-on-patrol="true"]').waitFor();
    await page.getByTestId('patrol-points').filter({ hasText: '1' }).waitFor();
    await page.getByTestId('checkin-place').fill('幸福小区 3 号门');
    await page.getByTestId('checkin-submit').click();
    await page.getByTestId('visit-household').fill('5 栋 2 单元 301');
    await page.getByTestId('visit-submit').click();
    await waitHooks('h.outbox().pending === 0 && !h.outbox().sending');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'field-patrol');
    const sent = await page.evaluate(() => (window as unknown as { __GC_FIELD__: FieldHooks }).__GC_FIELD__.outbox().sent);
    await page.getByTestId('patrol-toggle').click();
    await page.locator('[data-testid="screen-patrol"][data-on-patrol="false"]').waitFor();
    await waitHooks('h.outbox().pending === 0 && h.outbox().sent > arg', sent);
    const { rows } = await db.pool.query<{ patrols: number; ended: number; checkins: number; visits: number }>(
      `SELECT (SELECT count(*)::int FROM patrol WHERE user_id = $1) AS patrols,
              (SELECT count(*)::int FROM patrol WHERE user_id = $1 AND ended_at IS NOT NULL) AS ended,
              (SELECT count(*)::int FROM checkin WHERE user_id = $1) AS checkins,
              (SELECT count(*)::int FROM household_visit WHERE user_id = $1) AS visits`,
      [workerId],
    );
    expect(rows[0]).toEqual({ patrols: 1, ended: 1, checkins: 1, visits: 1 });
    // the track starts where the worker stood
    const { rows: track } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM patrol_point pp JOIN patrol p ON p.id = pp.patrol_id WHERE p.user_id = $1`,
      [workerId],
    );
    expect(track[0]!.n).toBeGreaterThanOrEqual(1);

    await page.getByTestId('tab-me').click();
    await page.getByTestId('screen-me').waitFor();
    await screenshot(page, 'field-me');
    // English is one tap away
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByTestId('tab-today').filter({ hasText: 'Today' }).waitFor();
    await screenshot(page, 'field-me-en');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByTestId('tab-today').filter({ hasText: '今日' }).waitFor();
    await page.getByTestId('logout').click();
    await page.getByTestId('field-login').waitFor();
    // the desk's pages are not the service worker's
    const other = await ctx.newPage();
    await other.goto(`${server.url}/`, { waitUntil: 'domcontentloaded' });
    expect(await other.evaluate(() => navigator.serviceWorker.controller === null)).toBe(true);
    await other.close();
    expect(pageErrors).toEqual([]);
  });
});
