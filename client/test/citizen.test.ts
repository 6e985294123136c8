/**
 * The citizen's pages on a phone (390×844), no login: a report with a photo and the receipt's tracking code; a
 * second report 20 m away of the same kind is offered the first ("是不是这些？") and follows it; the tracking page
 * shows the history; once the center has closed the case, 不满意 sends it back to rework, and the dispatcher's desk
 * sees it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { destination } from '@turf/turf';
import type { Case } from '@gridcommand/shared/schemas';
import { pointsForFiled } from '@gridcommand/shared/domain';
import { testDatabase, type TestDatabase } from '../../server/test/helpers.ts';
import { startServer, type ServerProcess } from '../../server/test/server-process.ts';
import { seedDemoUsers } from '../../server/src/modules/auth/seed.ts';
import { REPO_ROOT } from '../../server/src/config.ts';
import { launchBrowser, screenshot } from './browser.ts';
import '../src/dispatch/testHooks.ts';

// (sharp is the server's)
const sharp = createRequire(path.join(REPO_ROOT, 'server/package.json'))('sharp') as typeof import('sharp');

const PASSWORD = 'citizen-pw';
const CATEGORY = '05001'; // 井盖缺失

let db: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let home: { lon: number; lat: number };
const pageErrors: string[] = [];
const cookies: Record<string, string> = {};

async function login(username: string): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

async function api<T>(who: string, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { 'content-type': 'application/json', cookie: cookies[who]!, 'x-gc-csrf': '1' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  expect(res.status, `${method} ${url} as ${who}: ${text}`).toBeLessThan(300);
  return JSON.parse(text) as T;
}

/** A phone at a point: its own browser profile (device id, storage), GPS granted. */
async function phone(at: { lon: number; lat: number }): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    geolocation: { longitude: at.lon, latitude: at.lat, accuracy: 8 },
    permissions: ['geolocation'],
  });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return { ctx, page };
}

async function photo(): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 90, g: 96, b: 104 } } })
    .composite([{ input: Buffer.from('<svg width="1200" height="900"><circle cx="600" cy="450" r="260" fill="#222"/></svg>'), top: 0, left: 0 }])
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** Fills the report form as a citizen: place from GPS, 井盖缺失 from the common problems, a description. */
async function fillReport(page: Page, description: string): Promise<void> {
  await page.goto(`${server.url}/report`, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('place-where').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('place-status').textContent()).toMatch(/精度约 8 米/);
  await page.getByTestId('category-common').getByTestId(`category-${CATEGORY}`).click();
  await page.getByTestId('category-chosen').waitFor();
  await page.getByTestId('description').fill(description);
}

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  server = await startServer({ databaseUrl: db.url, env: { GC_DEMO_PASSWORD: PASSWORD } });
  for (const u of ['worker', 'dispatcher', 'handler']) cookies[u] = await login(u);
  browser = await launchBrowser();
  home = (
    await db.pool.query<{ lon: number; lat: number }>(
      `SELECT ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat FROM area a JOIN app_user u ON a.code = ANY(u.grid_codes)
       WHERE u.username = 'worker' AND a.level = 'grid' ORDER BY a.code LIMIT 1`,
    )
  ).rows[0]!;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('the citizen on a phone', () => {
  it('reports, is offered the same case nearby and follows it, tracks it, and sends it back with 不满意', async () => {
    // ---- the first citizen reports with a photo
    const a = await phone(home);
    await fillReport(a.page, '人行道上的井盖不见了，晚上很危险');
    await a.page.getByTestId('photo-input').setInputFiles({ name: 'manhole.jpg', mimeType: 'image/jpeg', buffer: await photo() });
    await a.page.locator('[data-testid="photos"][data-count="1"]').waitFor();
    await a.page.getByTestId('name').fill('王先生');
    await a.page.getByTestId('phone').fill('138 0013 8000');
    expect(await a.page.getByTestId('privacy').textContent()).toMatch(/绝不公开/);
    await screenshot(a.page, 'citizen-report-form');
    await a.page.getByTestId('submit').click();
    await a.page.getByTestId('receipt').waitFor({ timeout: 30_000 });
    const shown = (await a.page.getByTestId('receipt-code').textContent())!.replace(/\s/g, '');
    expect(shown).toMatch(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
    expect(await a.page.getByTestId('receipt').getAttribute('data-followed')).toBe('false');
    await a.page.getByTestId('receipt-expected').waitFor();
    await screenshot(a.page, 'citizen-receipt');
    const code = shown.replace('-', '');
    const first = (await db.pool.query<{ id: number; code: string; photos: number }>(
      `SELECT c.id, c.code FROM cases c JOIN case_reporter r ON r.case_id = c.id WHERE r.tracking_code = $1`,
      [code],
    )).rows[0]!;
    expect(first).toBeTruthy();

    // ---- a second citizen, 20 m away, same problem: "是不是这些？" → follows it
    const near = destination([home.lon, home.lat], 20, 90, { units: 'meters' }).geometry.coordinates;
    const b = await phone({ lon: near[0]!, lat: near[1]! });
    const mapRequests: string[] = [];
    b.page.on('request', (r) => {
      if (/maplibre-gl|PickMap/.test(r.url())) mapRequests.push(r.url());
    });
    await fillReport(b.page, '这里有个井盖缺了');
    // the map is loaded only when asked for; the pin at its centre is the place
    expect(mapRequests).toEqual([]);
    await b.page.getByTestId('pick-map').click();
    await b.page.getByTestId('pick-sheet').waitFor();
    await b.page.waitForFunction(() => (window as unknown as { __GC_CITIZEN_MAP__?: { loaded(): boolean; areTilesLoaded(): boolean } }).__GC_CITIZEN_MAP__?.loaded() === true, null, { timeout: 60_000 });
    const drawn = await b.page.evaluate(() => (window as unknown as { __GC_CITIZEN_MAP__: { queryRenderedFeatures(o: object): unknown[] } }).__GC_CITIZEN_MAP__.queryRenderedFeatures({ layers: ['grid-fill'] }).length);
    expect(drawn).toBeGreaterThan(0);
    expect(mapRequests.length).toBeGreaterThan(0);
    await screenshot(b.page, 'citizen-pick-map');
    await b.page.getByTestId('pick-use').click();
    await b.page.locator('[data-testid="place"][data-source="map"]').waitFor();
    await b.page.getByTestId('place-where').waitFor();
    const offered = b.page.getByTestId(`nearby-${first.code}`);
    await offered.waitFor({ timeout: 30_000 });
    expect(await offered.textContent()).toMatch(/1 人反映/);
    await screenshot(b.page, 'citizen-nearby');
    await b.page.getByTestId(`follow-${first.code}`).click();
    await b.page.locator('[data-testid="receipt"][data-followed="true"]').waitFor({ timeout: 30_000 });
    await screenshot(b.page, 'citizen-follow-receipt');
    const counts = (await db.pool.query<{ cases: number; reporters: number }>(
      `SELECT (SELECT count(*) FROM cases WHERE category_code = $1) AS cases,
              (SELECT count(*) FROM case_reporter WHERE case_id = $2) AS reporters`,
      [CATEGORY, first.id],
    )).rows[0]!;
    expect(counts).toEqual({ cases: 1, reporters: 2 });

    // ---- the tracking page, from a code typed carelessly
    await a.page.getByTestId('tab-track').click();
    await a.page.getByTestId('track-input').fill(` ${shown.toLowerCase().replace('-', ' ')} `);
    await a.page.getByTestId('track-go').click();
    await a.page.getByTestId('track').waitFor({ timeout: 30_000 });
    expect(new URL(a.page.url()).pathname).toBe(`/track/${code}`);
    expect(await a.page.getByTestId('track-stage').textContent()).toBe('已收到');
    expect(await a.page.getByTestId('track-reporters').textContent()).toMatch(/2 人/);
    expect(await a.page.getByTestId('track-steps').locator('li').count()).toBeGreaterThanOrEqual(1);
    const thumb = a.page.getByTestId('track-photos').locator('img').first();
    await thumb.waitFor();
    const thumbSrc = (await thumb.getAttribute('src'))!;
    await screenshot(a.page, 'citizen-track-received');

    // ---- the center files, dispatches, handles, verifies on site and closes it
    let c = await api<Case>('dispatcher', 'GET', `/api/cases/${first.id}`);
    for (const [who, action, extra] of [
      ['dispatcher', 'file', {}],
      ['dispatcher', 'dispatch', { departmentCode: c.departmentCode }],
      ['handler', 'accept', {}],
      ['handler', 'handle', {}],
      ['worker', 'verify_pass', { position: { lon: home.lon, lat: home.lat, accuracyM: 5, source: 'gps' } }],
      ['dispatcher', 'close', {}],
    ] as const) {
      c = await api<Case>(who, 'POST', `/api/cases/${c.id}/actions`, { action, version: c.version, ...extra });
    }
    expect(c.status).toBe('closed');

    // ---- back on the phone: closed, the history, then 不满意 → rework
    await a.page.reload({ waitUntil: 'domcontentloaded' });
    await a.page.locator('[data-testid="track"][data-stage="closed"]').waitFor({ timeout: 30_000 });
    const steps = await a.page.getByTestId('track-steps').locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')));
    expect(steps[0]).toBe('closed');
    expect(steps).toContain('received');
    await a.page.getByTestId('rating').waitFor();
    await a.page.getByTestId('rate-unsatisfied').click();
    expect(await a.page.getByTestId('rating-reopen-warn').textContent()).toMatch(/重新办理/);
    await a.page.getByTestId('rate-comment').fill('井盖只是用木板盖住了');
    await screenshot(a.page, 'citizen-rate-unsatisfied');
    await a.page.getByTestId('rate-submit').click();
    await a.page.locator('[data-testid="rating-done"][data-reopened="true"]').waitFor({ timeout: 30_000 });
    await screenshot(a.page, 'citizen-rated-reopened');
    const after = (await db.pool.query<{ status: string; rework_count: number }>('SELECT status, rework_count FROM cases WHERE id = $1', [first.id])).rows[0]!;
    expect(after).toEqual({ status: 'in_progress', rework_count: 1 });
    // back in work on the page too, and the points of the filed report are there
    expect(await a.page.getByTestId('track-stage').textContent()).toBe('已派至部门办理');
    const history = await a.page.getByTestId('track-steps').locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')));
    expect(history).toContain('rated');
    expect(await a.page.getByTestId('points').textContent()).toContain(`${pointsForFiled('report')} 分`);
    await a.page.getByTestId('points').scrollIntoViewIfNeeded();
    await screenshot(a.page, 'citizen-points');

    // ---- the dispatcher's desk shows it, back in work
    const desk = await browser.newContext({ viewport: { width: 1680, height: 1000 } });
    await desk.addCookies([{ name: 'gc_session', value: cookies.dispatcher!.split('=')[1]!, url: server.url }]);
    const d = await desk.newPage();
    d.on('pageerror', (e) => pageErrors.push(String(e)));
    await d.goto(`${server.url}/dispatch`, { waitUntil: 'domcontentloaded' });
    await d.waitForFunction(() => window.__GC_DISPATCH__?.ready() === true, null, { timeout: 90_000 });
    const grid = (await db.pool.query<{ grid_code: string }>('SELECT grid_code FROM cases WHERE id = $1', [first.id])).rows[0]!.grid_code;
    await d.evaluate(([id, g]) => window.__GC_DISPATCH__!.selectCase(id as number, g as string), [first.id, grid] as const);
    await d.locator(`[data-testid="focus-case"][data-case-id="${first.id}"]`).waitFor({ timeout: 30_000 });
    expect(await d.getByTestId('focus-case-status').textContent()).toBe("处置中");
    await screenshot(d, 'citizen-rework-on-desk');

    // the history tells that the case was reopened
    await a.page.locator('[data-testid="track-steps"] li[data-stage="reopened"]').waitFor({ timeout: 30_000 });
    // the photos on the tracking page are public (there is no login on it)
    const res = await fetch(new URL(thumbSrc, server.url));
    expect(res.status, `GET ${thumbSrc} without a login`).toBe(200);
    await a.page.getByTestId('track-photos').locator('img').first().waitFor();
    expect(await a.page.getByTestId('track-photos').locator('img').first().evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);

    await Promise.all([a.ctx.close(), b.ctx.close(), desk.close()]);
    expect(pageErrors).toEqual([]);
  });

  it('says plainly when the place is outside the district, and cannot send; speaks English on request', async () => {
    const far = await phone({ lon: home.lon + 1.5, lat: home.lat + 1.5 });
    await far.page.goto(`${server.url}/report`, { waitUntil: 'domcontentloaded' });
    await far.page.getByTestId('place-outside').waitFor({ timeout: 30_000 });
    expect(await far.page.getByTestId('place-outside').textContent()).toMatch(/不在本区服务范围内/);
    expect(await far.page.getByTestId('submit').isDisabled()).toBe(true);
    await far.page.getByTestId('lang').click();
    await far.page.getByTestId('place-outside').filter({ hasText: 'outside the district' }).waitFor();
    await screenshot(far.page, 'citizen-outside-en');
    // a code that cannot be one is told so, in the page's words
    await far.page.goto(`${server.url}/track/NOT-A-CODE`, { waitUntil: 'domcontentloaded' });
    await far.page.getByTestId('track-form').filter({ hasText: '10 letters and digits' }).waitFor();
    await far.ctx.close();
    expect(pageErrors).toEqual([]);
  });
});
