/**
 * The video wall in a real browser against the real server (its own database with 2,000 cases of history):
 * every mode renders, the heatmap mode survives grid-light changes without a console error, a new case appears,
 * a case turning red recolours its grid, and a server restart is survived (stale banner, then recovery and
 * catch-up without a reload). Waits on the page's own flags.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { testDatabase, type TestDatabase } from '../../server/test/helpers.ts';
import { freePort, startServer, type ServerProcess } from '../../server/test/server-process.ts';
import { login, wallToken } from '../../server/test/live-helpers.ts';
import { seedDemoUsers } from '../../server/src/modules/auth/seed.ts';
import { getWorkCalendar } from '../../server/src/modules/calendar/repository.ts';
import { seedHistory } from '../../server/src/modules/demo/history.ts';
import { runLightJobOnce } from '../../server/src/modules/cases/light-job.ts';
import { launchBrowser, nonBackgroundShare, screenshot } from './browser.ts';

const PASSWORD = 'gridcommand-demo';
/** the wall's page background (#060b16) */
const WALL_BG: [number, number, number] = [6, 11, 22];

let db: TestDatabase;
let server: ServerProcess;
let port: number;
let browser: Browser;
let page: Page;
let token: string;
const errors: string[] = [];
/** console errors of the page (MapLibre reports style-expression failures there, e.g. "evaluate is not a function") */
const consoleErrors: string[] = [];

interface GridFeature {
  properties: { id: number; code: string; streetCode: string; population: number; labelPoint: [number, number] };
}
let grids: GridFeature['properties'][] = [];

type WallHook = {
  ready: boolean;
  mode: string;
  lastEventId: number | null;
  caseCount: number;
  gridLight(id: number): string;
  caseLight(id: number): string | null;
  stale: boolean;
};

async function waitWall(fn: string, arg: unknown, timeout = 60_000): Promise<void> {
  await page
    .waitForFunction(
      // eslint-disable-next-line no-new-func
      ([body, a]) => new Function('w', 'arg', `return (${body})`)((window as unknown as { __GC_WALL__?: unknown }).__GC_WALL__, a),
      [fn, arg] as const,
      { timeout, polling: 200 },
    )
    .catch((e: unknown) => {
      throw new Error(`wall condition "${fn}" not met: ${String(e)}\npage errors: ${errors.join('\n')}\nserver: ${server.output().slice(-3000)}`);
    });
}

async function createCaseViaApi(grid: GridFeature['properties'], title: string, priority = 'normal', baseUrl = server.url): Promise<number> {
  const cookie = await login(baseUrl, 'dispatcher', PASSWORD);
  const res = await fetch(`${baseUrl}/api/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-gc-csrf': '1' },
    body: JSON.stringify({
      categoryCode: '01001',
      priority,
      lon: grid.labelPoint[0],
      lat: grid.labelPoint[1],
      title,
      description: 'wall test',
      source: 'hotline',
    }),
  });
  const body = (await res.json()) as { id?: number };
  if (res.status !== 201 || typeof body.id !== 'number') throw new Error(`create case answered ${res.status}: ${JSON.stringify(body)}`);
  return body.id;
}

/**
 * Clicks a mode tab and, as soon as the page has swapped the grid fill's paint for it, changes the light of the
 * grids in view the way the wall does (feature-state), before MapLibre draws the next frame; then restores the
 * wall's own lights. The opacity transition is turned off so that the swapped value applies at once.
 */
async function switchModeWhileLightsChange(mode: string): Promise<void> {
  await page.evaluate(async (m) => {
    type M = {
      getPaintProperty(l: string, p: string): unknown;
      setPaintProperty(l: string, p: string, v: unknown): void;
      querySourceFeatures(s: string, o: object): { id?: string | number }[];
      setFeatureState(f: object, s: object): void;
    };
    const map = (window as unknown as { __GC__: { map: M } }).__GC__.map;
    const wall = (window as unknown as { __GC_WALL__: { gridLight(id: number): string } }).__GC_WALL__;
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    map.setPaintProperty('grid-fill', 'fill-opacity-transition', { duration: 0, delay: 0 });
    await frame();
    const ids = [...new Set(map.querySourceFeatures('grid', { sourceLayer: 'grid' }).map((f) => f.id).filter((id): id is number => typeof id === 'number'))].slice(0, 200);
    const before = JSON.stringify(map.getPaintProperty('grid-fill', 'fill-opacity'));
    (document.querySelector(`[data-testid="wall-tab-${m}"]`) as HTMLElement).click();
    for (let i = 0; i < 500 && JSON.stringify(map.getPaintProperty('grid-fill', 'fill-opacity')) === before; i++) await new Promise((r) => setTimeout(r, 0));
    for (const id of ids) map.setFeatureState({ source: 'grid', sourceLayer: 'grid', id }, { light: 'red' });
    await frame();
    await frame();
    for (const id of ids) map.setFeatureState({ source: 'grid', sourceLayer: 'grid', id }, { light: wall.gridLight(id) });
    await frame();
  }, mode);
  await waitWall('w.mode === arg', mode);
}

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  await seedHistory(db.pool, { calendar: await getWorkCalendar(db.pool), count: 2000, now: new Date(), seed: 1 });
  token = await wallToken(db.pool);
  port = await freePort();
  server = await startServer({ databaseUrl: db.url, port });
  const fc = (await (await fetch(`${server.url}/api/grids`)).json()) as { features: GridFeature[] };
  grids = fc.features.map((f) => f.properties).sort((a, b) => b.population - a.population);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.goto(`${server.url}/wall?token=${encodeURIComponent(token)}&rotate=0&staleAfter=5&reconnectMax=2`, { waitUntil: 'domcontentloaded' });
  await waitWall('w && w.ready === true', null, 120_000);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('video wall', () => {
  const modes = [
    { mode: 'overview', labels: ['态势总览', '街道排行', '今日', '本月', '结案率', '按期结案率', '当前在办'] },
    { mode: 'overdue', labels: ['超期督办', '超期案件', '督办记录'] },
    { mode: 'heatmap', labels: ['热力分布', '近 7 日案件密度'] },
    { mode: 'teams', labels: ['力量调度', '巡逻力量'] },
  ];
  for (const { mode, labels } of modes) {
    it(`renders the ${mode} mode`, async () => {
      await page.click(`[data-testid="wall-tab-${mode}"]`);
      await page.locator(`[data-testid="wall-mode-${mode}"]`).waitFor({ timeout: 10_000 });
      await waitWall('w.mode === arg', mode);
      await page.waitForFunction(() => (window as unknown as { __GC__: { map: { loaded(): boolean } } }).__GC__.map.loaded(), null, { timeout: 60_000 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const { png, file } = await screenshot(page, `wall-${mode}`);
      const text = await page.locator('.wall').innerText();
      expect(text).toContain('青岛西海岸新区 网格化指挥中心');
      for (const l of labels) expect(text, `label ${l}`).toContain(l);
      for (const id of ['kpi-reported', 'kpi-closed', 'kpi-overdue', 'kpi-closureRate']) {
        expect(await page.locator(`[data-testid="${id}"]`).count(), id).toBe(1);
      }
      const share = await nonBackgroundShare(page, png, WALL_BG);
      expect(share, `screenshot ${file}`).toBeGreaterThan(0.25);
      // the map itself: the district drawn, not an empty canvas
      const box = (await page.locator('.wall__map').boundingBox())!;
      const mapShare = await nonBackgroundShare(page, png, [11, 18, 32], {
        x: Math.round(box.x), y: Math.round(box.y), w: Math.round(box.width), h: Math.round(box.height),
      });
      expect(mapShare, `map area of ${file}`).toBeGreaterThan(0.15);
    });
  }

  it('keeps the heatmap mode free of console errors while grid lights change', async () => {
    await page.click('[data-testid="wall-tab-heatmap"]');
    await waitWall('w.mode === arg', 'heatmap');
    const before = consoleErrors.length;
    const pageErrorsBefore = errors.length;
    // a new case lights its grid: a feature-state change on the grid fill that heatmap mode has dimmed
    const grid = grids[5]!;
    const id = await createCaseViaApi(grid, '热力模式测试：井盖缺失');
    await waitWall('w.caseLight(arg) !== null', id);
    await waitWall('w.gridLight(arg) !== "none"', grid.id);
    // every open case long overdue: a burst of light changes streams in while the mode flips between heatmap and
    // the others, so grid feature-state changes land while the tiles are laid out again for the swapped opacity
    const burst = runLightJobOnce(db.pool, new Date(Date.now() + 30 * 86_400_000));
    for (let i = 0; i < 12; i++) {
      await page.click(`[data-testid="wall-tab-${i % 2 === 0 ? 'overview' : 'heatmap'}"]`);
      await page.waitForTimeout(120);
    }
    await burst;
    await waitWall('w.caseLight(arg) === "red"', id);
    // The same on any machine: without the opacity transition the swapped value applies at the next frame, while
    // the tiles are still laid out with the old one (a 4K wall's slow relayout); grid lights change in that frame.
    for (const m of ['overview', 'heatmap', 'overview', 'heatmap'] as const) await switchModeWhileLightsChange(m);
    await waitWall('w.mode === arg', 'heatmap');
    await page.waitForFunction(() => (window as unknown as { __GC__: { map: { loaded(): boolean } } }).__GC__.map.loaded(), null, { timeout: 60_000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const logged = consoleErrors.slice(before);
    const thrown = errors.slice(pageErrorsBefore);
    // MapLibre's failure evaluating the grid fill surfaces as an uncaught error or a console error, depending on where it hits
    expect([...logged, ...thrown].filter((m) => m.includes('evaluate is not a function')), 'MapLibre expression errors').toEqual([]);
    expect(logged, 'console errors in heatmap mode').toEqual([]);
    expect(thrown, 'page errors in heatmap mode').toEqual([]);
    expect(await page.locator('[data-testid="toast"].toast--error').count(), 'error toasts').toBe(0);
    // the contract behind it: heatmap mode dims the grid fill with an expression that still reads feature-state
    const opacity = await page.evaluate(() => (window as unknown as { __GC__: { map: { getPaintProperty(l: string, p: string): unknown } } }).__GC__.map.getPaintProperty('grid-fill', 'fill-opacity'));
    expect(JSON.stringify(opacity)).toContain('feature-state');
    await screenshot(page, 'wall-heatmap-live');
  });

  let created: { id: number; grid: GridFeature['properties'] } | null = null;

  it('shows a case created through the API', async () => {
    await page.click('[data-testid="wall-tab-overview"]');
    const grid = grids[3]!;
    const id = await createCaseViaApi(grid, '墙面测试：占道堆放');
    created = { id, grid };
    await waitWall('w.caseLight(arg) !== null', id);
    expect(await page.evaluate((g) => (window as unknown as { __GC_WALL__: WallHook }).__GC_WALL__.gridLight(g), grid.id)).not.toBe('none');
    await page.locator('[data-testid="wall-ticker"]').getByText('新上报').first().waitFor({ timeout: 10_000 });
  });

  it('recolours the grid of a case that turns red', async () => {
    expect(created).not.toBeNull();
    const { id, grid } = created!;
    // a month later every open case is long overdue
    await runLightJobOnce(db.pool, new Date(Date.now() + 30 * 86_400_000));
    await waitWall('w.caseLight(arg) === "red"', id);
    await waitWall('w.gridLight(arg) === "red"', grid.id);
    // the map has the light as feature-state on the grid's vector tile feature: no geometry was fetched again
    const state = await page.evaluate(
      (gid) => (window as unknown as { __GC__: { map: { getFeatureState(f: object): Record<string, unknown> } } }).__GC__.map.getFeatureState({ source: 'grid', sourceLayer: 'grid', id: gid }),
      grid.id,
    );
    expect(state.light).toBe('red');
    // zoomed out, the grid's community in the tiles' aggregates (grid_agg, id = its code) shows the worst light of its grids
    const aggregate = await page.evaluate(
      (code) => (window as unknown as { __GC__: { map: { getFeatureState(f: object): Record<string, unknown> } } }).__GC__.map.getFeatureState({ source: 'grid', sourceLayer: 'grid_agg', id: code }),
      Number(grid.code.slice(0, 12)),
    );
    expect(aggregate.light).toBe('red');
    await screenshot(page, 'wall-red');
  });

  it('says when the data is stale, then recovers and catches up without a reload', async () => {
    const navigations: string[] = [];
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations.push(f.url());
    });
    await server.stop();
    await page.locator('[data-testid="wall-stale"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="wall-stale"]').innerText()).toMatch(/数据已中断 \d+ 秒/);
    await screenshot(page, 'wall-stale');

    // an event written while the wall's server is down, by another server process on the same database
    const grid = grids[7]!;
    const other = await startServer({ databaseUrl: db.url, port: await freePort() });
    let missedId: number;
    try {
      missedId = await createCaseViaApi(grid, '断线期间的紧急事件', 'emergency', other.url);
    } finally {
      await other.stop();
    }

    server = await startServer({ databaseUrl: db.url, port });
    await waitWall('w.caseLight(arg) !== null', missedId, 90_000);
    await page.locator('[data-testid="wall-stale"]').waitFor({ state: 'detached', timeout: 30_000 });
    await waitWall('w.stale === false', null);
    // the emergency that came in while the wall was cut off is on the banner
    await page.locator('[data-testid="wall-emergency"]').getByText('断线期间的紧急事件').waitFor({ timeout: 10_000 });
    await screenshot(page, 'wall-recovered');
    expect(navigations, 'the page was not reloaded').toEqual([]);
    expect(errors, 'no page errors').toEqual([]);
  });
});
