/**
 * The dispatcher's desk in a real browser against the real server: log in, a case arrives, the dispatcher clicks
 * its grid cell, the panel shows the nearest teams, the first one is assigned; the team's new status shows on the
 * board of this page and, through the live stream, on a second dispatcher's page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import * as turf from '@turf/turf';
import type { Feature, LineString, MultiPolygon } from 'geojson';
import { testDatabase, type TestDatabase } from '../../server/test/helpers.ts';
import { startServer, type ServerProcess } from '../../server/test/server-process.ts';
import { seedDemoUsers } from '../../server/src/modules/auth/seed.ts';
import { launchBrowser, screenshot } from './browser.ts';

const PASSWORD = 'dispatch-test-pw';

let db: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let ctxA: BrowserContext;
let ctxB: BrowserContext;
let pageA: Page;
let pageB: Page;
const pageErrors: string[] = [];

type GridFeature = Feature<MultiPolygon, { code: string; population: number; labelPoint: [number, number] }>;

async function waitReady(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () => {
        const d = (window as unknown as { __GC_DISPATCH__?: { ready(): boolean; liveConnected(): boolean } }).__GC_DISPATCH__;
        return d !== undefined && d.ready() && d.liveConnected();
      },
      null,
      { timeout: 90_000 },
    )
    .catch(async (e: unknown) => {
      await screenshot(page, 'dispatch-not-ready');
      const state = await page.evaluate(() => {
        const d = (window as unknown as { __GC_DISPATCH__?: { ready(): boolean; liveConnected(): boolean } }).__GC_DISPATCH__;
        return { url: location.href, hooks: d ? { ready: d.ready(), live: d.liveConnected() } : null };
      });
      throw new Error(`dispatch page never became ready: ${String(e)} ${JSON.stringify(state)}\npage errors: ${pageErrors.join('\n')}\nserver: ${server.output()}`);
    });
}

async function apiLogin(): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dispatcher', password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

beforeAll(async () => {
  db = await testDatabase();
  // demo mode seeds the accounts at start with GC_DEMO_PASSWORD; seed them here too so the test does not depend on it
  await seedDemoUsers(db.pool, PASSWORD);
  server = await startServer({ databaseUrl: db.url, env: { GC_DEMO_PASSWORD: PASSWORD } });
  browser = await launchBrowser();
  ctxA = await browser.newContext({ viewport: { width: 1680, height: 1000 } });
  ctxB = await browser.newContext({ viewport: { width: 1680, height: 1000 } });
  pageA = await ctxA.newPage();
  pageB = await ctxB.newPage();
  for (const p of [pageA, pageB]) p.on('pageerror', (e) => pageErrors.push(String(e)));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('dispatch desk', () => {
  it('logs in through the login page and lands on the desk', async () => {
    await pageA.goto(`${server.url}/dispatch`, { waitUntil: 'domcontentloaded' });
    await pageA.waitForURL(/\/login\?next=%2Fdispatch/, { timeout: 30_000 });
    await pageA.getByTestId('login-form').waitFor();
    await pageA.getByTestId('login-username').fill('dispatcher');
    await pageA.getByTestId('login-password').fill('wrong-password');
    await pageA.getByTestId('login-submit').click();
    await pageA.getByTestId('login-error').waitFor();
    await screenshot(pageA, 'dispatch-login');
    await pageA.getByTestId('login-password').fill(PASSWORD);
    await pageA.getByTestId('login-submit').click();
    await pageA.waitForURL(/\/dispatch$/, { timeout: 30_000 });
    await waitReady(pageA);
    // the second dispatcher, in another browser context (own cookie jar)
    const login = await ctxB.request.post(`${server.url}/api/auth/login`, { data: { username: 'dispatcher', password: PASSWORD } });
    expect(login.status()).toBe(200);
    await pageB.goto(`${server.url}/dispatch`, { waitUntil: 'domcontentloaded' });
    await waitReady(pageB);
  });

  it('clicks a grid, assigns the nearest team, and both pages see the team en route', async () => {
    const fc = (await (await fetch(`${server.url}/api/grids`)).json()) as { features: GridFeature[] };
    const grid = [...fc.features].sort((a, b) => b.properties.population - a.properties.population)[0]!;
    const code = grid.properties.code;
    const [lon, lat] = grid.properties.labelPoint;

    // a hotline case arrives in that grid (through the API, like another operator)
    const cookie = await apiLogin();
    const created = await fetch(`${server.url}/api/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-gc-csrf': '1' },
      body: JSON.stringify({
        categoryCode: '01001', priority: 'urgent', lon, lat, title: '小区门口垃圾堆积', description: '来电反映垃圾三天无人清运',
        source: 'hotline', address: '测试路 8 号', reporterName: '王先生', reporterPhone: '13912345678',
      }),
    });
    expect(created.status).toBe(201);
    const theCase = (await created.json()) as { id: number; code: string };
    // it shows in the queue of both pages through the live stream
    await pageA.getByTestId(`case-row-${theCase.id}`).waitFor({ timeout: 30_000 });
    await pageB.getByTestId(`case-row-${theCase.id}`).waitFor({ timeout: 30_000 });

    // a point well inside the grid, away from the case dot, to click the cell itself
    const poly = grid as unknown as Feature<MultiPolygon>;
    const outline = turf.polygonToLine(turf.polygon(grid.geometry.coordinates[0]!)) as Feature<LineString>;
    const [x0, y0, x1, y1] = turf.bbox(poly);
    let best: { p: [number, number]; score: number } | null = null;
    for (let i = 1; i < 12; i++) {
      for (let j = 1; j < 12; j++) {
        const p: [number, number] = [x0 + ((x1 - x0) * i) / 12, y0 + ((y1 - y0) * j) / 12];
        if (!turf.booleanPointInPolygon(turf.point(p), poly)) continue;
        const edge = turf.pointToLineDistance(turf.point(p), outline, { units: 'meters' });
        const fromCase = turf.distance(turf.point(p), turf.point([lon, lat]), { units: 'meters' });
        const score = Math.min(edge, fromCase);
        if (!best || score > best.score) best = { p, score };
      }
    }
    expect(best, 'a point inside the grid').not.toBeNull();
    await pageA.evaluate(([cx, cy]) => {
      (window as unknown as { __GC__: { map: { jumpTo(o: object): void } } }).__GC__.map.jumpTo({ center: [cx, cy], zoom: 15.5 });
    }, best!.p);
    await pageA.waitForFunction(() => (window as unknown as { __GC__: { map: { loaded(): boolean } } }).__GC__.map.loaded(), null, { timeout: 60_000 });
    await pageA.waitForTimeout(300);
    const [x, y] = await pageA.evaluate(
      ([cx, cy]) => (window as unknown as { __GC__: { project(a: number, b: number): [number, number] } }).__GC__.project(cx, cy),
      best!.p,
    );
    const mapBox = (await pageA.getByTestId('map').boundingBox())!;
    await pageA.mouse.click(mapBox.x + x, mapBox.y + y);

    const panel = pageA.locator('[data-testid="detail-panel"][data-mode="grid"]');
    await panel.waitFor({ timeout: 30_000 });
    expect(await panel.innerText()).toContain(code);
    await panel.locator(`[data-testid="focus-case"][data-case-id="${theCase.id}"]`).waitFor({ timeout: 30_000 });
    await panel.locator('[data-testid="roster"] li').first().waitFor({ timeout: 30_000 });
    const first = panel.locator('[data-testid="nearest-teams"] li').first();
    await first.waitFor({ timeout: 30_000 });
    const teamCode = (await first.getAttribute('data-testid'))!.replace('nearest-', '');
    expect(teamCode.length).toBeGreaterThan(0);
    await expect.poll(() => pageB.getByTestId(`team-row-${teamCode}`).getAttribute('data-status')).toBe('available');
    await screenshot(pageA, 'dispatch-grid-panel');

    const t0 = Date.now();
    await panel.getByTestId('assign-first').click();
    // this page: the case panel shows it dispatched and the board shows the team en route
    await pageA.locator('[data-testid="detail-panel"][data-mode="case"] [data-testid="focus-case-status"]', { hasText: '已派遣' }).waitFor({ timeout: 30_000 });
    await pageA.locator(`[data-testid="team-row-${teamCode}"][data-status="en_route"]`).waitFor({ timeout: 30_000 });
    // the second page: through the live stream, without reloading
    await pageB.locator(`[data-testid="team-row-${teamCode}"][data-status="en_route"]`).waitFor({ timeout: 30_000 });
    const seenAfterMs = Date.now() - t0;
    expect(await pageB.evaluate((c) => (window as unknown as { __GC_DISPATCH__: { teamStatus(c: string): string | null } }).__GC_DISPATCH__.teamStatus(c), teamCode)).toBe('en_route');
    // and on the server
    const team = (await (await fetch(`${server.url}/api/teams?status=en_route`, { headers: { cookie } })).json()) as { items: { code: string; currentCaseId: number | null }[] };
    expect(team.items.find((t) => t.code === teamCode)?.currentCaseId).toBe(theCase.id);
    console.log(`dispatch e2e: team ${teamCode} en route on the second page ${seenAfterMs} ms after the click`);
    await screenshot(pageA, 'dispatch-assigned');
    await screenshot(pageB, 'dispatch-second-page');
  });

  it('opens the hotline intake, the patrol zones with coverage and the keyboard help', async () => {
    await pageA.keyboard.press('Escape');
    await pageA.keyboard.press('n');
    await pageA.getByTestId('intake').waitFor();
    const box = (await pageA.getByTestId('map').boundingBox())!;
    await pageA.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    // the located grid comes back from GET /api/locate
    await pageA.locator('[data-testid="intake-located"]').filter({ hasText: '·' }).waitFor();
    await pageA.getByTestId('intake-category').selectOption({ index: 1 });
    await pageA.getByTestId('intake-title').fill('道路积水');
    await screenshot(pageA, 'dispatch-intake');
    // logging the call creates the case and opens it
    await pageA.getByTestId('intake-submit').click();
    await pageA.locator('[data-testid="detail-panel"][data-mode="case"]', { hasText: '道路积水' }).waitFor({ timeout: 30_000 });
    await pageB.locator('[data-testid="queue-reported"]', { hasText: '道路积水' }).waitFor({ timeout: 30_000 });

    // patrol zone: shift-click two grids, give them to a team for the current shift
    await pageA.keyboard.press('p');
    await pageA.getByTestId('patrol').waitFor();
    const box2 = (await pageA.getByTestId('map').boundingBox())!;
    await pageA.keyboard.down('Shift');
    await pageA.mouse.click(box2.x + box2.width * 0.3, box2.y + box2.height * 0.3);
    await pageA.mouse.click(box2.x + box2.width * 0.7, box2.y + box2.height * 0.7);
    await pageA.keyboard.up('Shift');
    await pageA.getByTestId('patrol-selected').filter({ hasText: '2' }).waitFor();
    await pageA.getByTestId('patrol-team').selectOption({ index: 1 });
    await pageA.getByTestId('patrol-create').click();
    await pageA.locator('[data-testid^="zone-"]').first().waitFor({ timeout: 30_000 });
    await pageA.locator('label.toggle').click();
    await pageA.getByTestId('coverage').filter({ hasText: '2' }).waitFor();
    // zones are feature-state on the grid vector tiles, coverage gaps every grid without it (the uncovered layers
    // shown): no grid polygons and no list of uncovered grids downloaded for them
    await pageA.waitForFunction(
      () => {
        const map = (window as unknown as { __GC__: { map: import('maplibre-gl').Map } }).__GC__.map;
        const zone = new Set<unknown>();
        const uncovered = new Set<unknown>();
        for (const f of map.querySourceFeatures('grid', { sourceLayer: 'grid' })) {
          const st = map.getFeatureState({ source: 'grid', sourceLayer: 'grid', id: f.id! });
          if (st.zone) zone.add(f.id);
          else uncovered.add(f.id);
        }
        return zone.size >= 2 && uncovered.size > 0 && map.getLayoutProperty('grid-uncovered-fill', 'visibility') === 'visible';
      },
      undefined,
      { timeout: 10_000 },
    );
    await pageA.evaluate(() => (window as unknown as { __GC__: { map: { zoomTo(z: number): void } } }).__GC__.map.zoomTo(13.5));
    await pageA.waitForTimeout(800);
    await screenshot(pageA, 'dispatch-patrol');

    // the lasso: a ring dragged over the map picks the grids whose label point it holds, read for the ring's bbox
    const lassoReads: string[] = [];
    const onRequest = (r: import('playwright-core').Request) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/grids') lassoReads.push(u.search);
    };
    pageA.on('request', onRequest);
    const before = Number((await pageA.getByTestId('patrol-selected').innerText()).replace(/[^0-9]/g, ''));
    await pageA.getByTestId('patrol-lasso').click();
    const box3 = (await pageA.getByTestId('map').boundingBox())!;
    const cx = box3.x + box3.width / 2;
    const cy = box3.y + box3.height / 2;
    await pageA.mouse.move(cx - 120, cy - 90);
    await pageA.mouse.down();
    for (const [dx, dy] of [[120, -90], [120, 90], [-120, 90], [-120, -60]]) await pageA.mouse.move(cx + dx!, cy + dy!, { steps: 6 });
    await pageA.mouse.up();
    await pageA.waitForFunction(
      (n) => Number(document.querySelector('[data-testid="patrol-selected"]')?.textContent?.replace(/[^0-9]/g, '') ?? 0) > n,
      before,
      { timeout: 15_000 },
    );
    pageA.off('request', onRequest);
    expect(lassoReads.length).toBeGreaterThan(0);
    for (const q of lassoReads) expect(q).toMatch(/^\?geometry=none&bbox=/);
    await pageA.keyboard.press('?');
    await pageA.getByTestId('help').waitFor();
    await screenshot(pageA, 'dispatch-help');
    await pageA.keyboard.press('Escape');
    expect(pageErrors).toEqual([]);
  });
});
