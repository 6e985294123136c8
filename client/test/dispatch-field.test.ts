/**
 * What the grid workers do in the field, seen live on the dispatcher's desk in a real browser: a verification on
 * site given 2 km from its case is flagged (a queue of its own, a badge, the distance in the case panel), and a
 * worker's patrol is drawn with its track.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { destination } from '@turf/turf';
import type { Case } from '@gridcommand/shared/schemas';
import { testDatabase, type TestDatabase } from '../../server/test/helpers.ts';
import { startServer, type ServerProcess } from '../../server/test/server-process.ts';
import { seedDemoUsers } from '../../server/src/modules/auth/seed.ts';
import { launchBrowser, screenshot } from './browser.ts';

const PASSWORD = 'dispatch-field-pw';

let db: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let page: Page;
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

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  server = await startServer({ databaseUrl: db.url, env: { GC_DEMO_PASSWORD: PASSWORD } });
  for (const u of ['worker', 'dispatcher', 'handler']) cookies[u] = await login(u);
  browser = await launchBrowser();
  const ctx = await browser.newContext({ viewport: { width: 1680, height: 1000 } });
  await ctx.addCookies([{ name: 'gc_session', value: cookies.dispatcher!.split('=')[1]!, url: server.url }]);
  page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('the field on the dispatch desk', () => {
  it('flags a verification 2 km from its case and draws a patrol, live', async () => {
    await page.goto(`${server.url}/dispatch`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(
      () => {
        const d = (window as unknown as { __GC_DISPATCH__?: { ready(): boolean; liveConnected(): boolean } }).__GC_DISPATCH__;
        return d !== undefined && d.ready() && d.liveConnected();
      },
      null,
      { timeout: 90_000 },
    );
    const home = (
      await db.pool.query<{ lon: number; lat: number }>(
        `SELECT ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat FROM area a JOIN app_user u ON a.code = ANY(u.grid_codes)
         WHERE u.username = 'worker' ORDER BY a.code LIMIT 1`,
      )
    ).rows[0]!;

    // a worker's report, handled by the department, then "verified" from 2 km away
    let c = await api<Case>('worker', 'POST', '/api/cases', {
      categoryCode: '01001', priority: 'normal', lon: home.lon, lat: home.lat, title: '人行道井盖缺失', description: '井盖缺失，行人易跌落',
      source: 'grid_worker', position: { lon: home.lon, lat: home.lat, accuracyM: 6, source: 'gps' },
    });
    for (const [who, action, extra] of [
      ['dispatcher', 'file', {}],
      ['dispatcher', 'dispatch', { departmentCode: c.departmentCode }],
      ['handler', 'accept', {}],
      ['handler', 'handle', {}],
    ] as const) {
      c = await api<Case>(who, 'POST', `/api/cases/${c.id}/actions`, { action, version: c.version, ...extra });
    }
    const far = destination([home.lon, home.lat], 2, 90, { units: 'kilometers' }).geometry.coordinates;
    c = await api<Case>('worker', 'POST', `/api/cases/${c.id}/actions`, {
      action: 'verify_pass', version: c.version, position: { lon: far[0], lat: far[1], accuracyM: 10, source: 'gps' },
    });
    expect(c.status).toBe('verified');
    expect(c.verification).toMatchObject({ flagged: true, flagReason: 'far' });
    expect(c.verification!.distanceM!).toBeGreaterThan(1900);

    // the desk shows it in the flagged queue, with the distance
    const badge = page.getByTestId(`verification-flag-${c.id}`).first();
    await badge.waitFor({ timeout: 30_000 });
    expect(await badge.textContent()).toMatch(/2\.0 km/);
    await page.locator('[data-testid="queue-flagged"]').getByTestId(`case-row-${c.id}`).click();
    await page.getByTestId('verification-flagged').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('verification-distance').textContent()).toMatch(/2\.0 km/);
    await screenshot(page, 'dispatch-verification-flagged');

    // a patrol: started and moved by the worker's phone, drawn on the desk's map
    const t0 = Date.now() - 120_000;
    const patrol = await api<{ id: number }>('worker', 'POST', '/api/patrols', {
      position: { lon: home.lon, lat: home.lat, at: new Date(t0).toISOString(), accuracyM: 8 },
    });
    await api('worker', 'POST', `/api/patrols/${patrol.id}/points`, {
      points: [1, 2, 3, 4].map((i) => ({ lon: home.lon + i * 0.0008, lat: home.lat + i * 0.0004, at: new Date(t0 + i * 20_000).toISOString() })),
    });
    await page.waitForFunction(
      () => (window as unknown as { __GC_DISPATCH__: { patrolTracks(): number } }).__GC_DISPATCH__.patrolTracks() >= 1,
      null,
      { timeout: 30_000 },
    );
    await page.evaluate(([lon, lat]) => {
      (window as unknown as { __GC__: { map: { jumpTo(o: object): void } } }).__GC__.map.jumpTo({ center: [lon, lat], zoom: 16 });
    }, [home.lon + 0.0016, home.lat + 0.0008]);
    await page.waitForTimeout(1000);
    await screenshot(page, 'dispatch-patrol-track');
    expect(pageErrors).toEqual([]);
  });

  it('calls back a citizen (回访): 不满意 sends the closed case back for rework', async () => {
    const home = (await db.pool.query<{ lon: number; lat: number }>(`SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM area WHERE level = 'grid' ORDER BY code DESC LIMIT 1`)).rows[0]!;
    const res = await fetch(`${server.url}/api/public/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ categoryCode: '05001', lon: home.lon, lat: home.lat, description: '小区路灯坏了一周', name: '赵先生', phone: '13700001234', deviceId: 'device-callback-browser-1' }),
    });
    expect(res.status).toBe(201);
    const caseCode = ((await res.json()) as { caseCode: string }).caseCode;
    const id = (await db.pool.query<{ id: number }>('SELECT id::int AS id FROM cases WHERE code = $1', [caseCode])).rows[0]!.id;
    let c = await api<Case>('dispatcher', 'GET', `/api/cases/${id}`);
    for (const [who, action, extra] of [
      ['dispatcher', 'file', {}],
      ['dispatcher', 'dispatch', { departmentCode: c.departmentCode }],
    ] as const) {
      c = await api<Case>(who, 'POST', `/api/cases/${c.id}/actions`, { action, version: c.version, ...extra });
    }
    // the department of this case handles it (the demo handler's department may differ: the admin acts for it)
    cookies.admin = await login('admin');
    for (const action of ['accept', 'handle'] as const) c = await api<Case>('admin', 'POST', `/api/cases/${c.id}/actions`, { action, version: c.version });
    c = await api<Case>('admin', 'POST', `/api/cases/${c.id}/actions`, { action: 'verify_pass', version: c.version, position: { lon: home.lon, lat: home.lat } });
    c = await api<Case>('dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'close', version: c.version });
    expect(c.status).toBe('closed');

    await page.getByTestId('open-callbacks').click();
    await page.getByTestId(`callback-${id}`).click();
    await screenshot(page, 'dispatch-callbacks');
    await page.getByTestId(`callback-${id}-unsatisfied`).click();
    await page.getByTestId(`callback-${id}`).waitFor({ state: 'detached', timeout: 30_000 });
    const after = await api<Case>('dispatcher', 'GET', `/api/cases/${id}`);
    expect(after).toMatchObject({ status: 'in_progress', reworkCount: 1 });
    expect(pageErrors).toEqual([]);
  });
});
