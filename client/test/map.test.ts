/**
 * The first map, in a real browser against the real server and PostGIS: the grids are drawn, hovering and
 * clicking a grid opens that grid's panel with its roster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { testDatabase, type TestDatabase } from '../../server/test/helpers.ts';
import { startServer, type ServerProcess } from '../../server/test/server-process.ts';
import { launchBrowser, nonBackgroundShare, screenshot } from './browser.ts';

let db: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let page: Page;
/** every GET /api/grids… the page sent: none may read the whole city's grids */
const gridRequests: string[] = [];

interface GridFeature {
  id: string;
  properties: { code: string; displayCode: string; population: number; labelPoint: [number, number] };
}

beforeAll(async () => {
  db = await testDatabase();
  server = await startServer({ databaseUrl: db.url });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/grids') gridRequests.push(u.search);
  });
  await page.goto(server.url, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => (window as unknown as { __GC_READY__?: boolean }).__GC_READY__ === true, null, {
    timeout: 90_000,
  }).catch((e: unknown) => {
    throw new Error(`map never became ready: ${String(e)}\npage errors: ${errors.join('\n')}\nserver: ${server.output()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('first map', () => {
  it('draws the district grids', async () => {
    const { png, file } = await screenshot(page, 'map-district');
    const { background, map } = await page.evaluate(() => {
      const gc = (window as unknown as { __GC__: { map: { getCanvas(): HTMLCanvasElement; getStyle(): { layers: { id: string; type: string; paint?: Record<string, unknown> }[] } } } }).__GC__;
      const bg = gc.map.getStyle().layers.find((l) => l.type === 'background');
      const r = gc.map.getCanvas().getBoundingClientRect();
      return { background: String(bg?.paint?.['background-color'] ?? '#000'), map: { x: r.x, y: r.y, w: r.width, h: r.height } };
    });
    const rgb = await page.evaluate((c) => {
      const el = document.createElement('div');
      el.style.color = c;
      document.body.appendChild(el);
      const m = getComputedStyle(el).color.match(/\d+/g)!.map(Number);
      el.remove();
      return [m[0]!, m[1]!, m[2]!] as [number, number, number];
    }, background);
    const share = await nonBackgroundShare(page, png, rgb, {
      x: Math.round(map.x), y: Math.round(map.y), w: Math.round(map.w), h: Math.round(map.h),
    });
    // The district with 1,549 grid cells fills a good part of the view; an empty map would be ~0.
    expect(share, `screenshot ${file}`).toBeGreaterThan(0.15);
    const rendered = await page.evaluate(
      () => (window as unknown as { __GC__: { map: { querySourceFeatures(s: string, o: object): unknown[] } } }).__GC__.map.querySourceFeatures('grid', { sourceLayer: 'grid' }).length,
    );
    expect(rendered).toBeGreaterThan(500);
    // the header counts come from the district's own counts, not from a list of every grid
    const { rows } = await db.pool.query<{ grids: number; vacant: number }>(
      `SELECT count(*)::int AS grids,
              count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM grid_staff s WHERE s.grid_code = a.code AND s.responsible))::int AS vacant
       FROM area a WHERE level = 'grid'`,
    );
    const shown = async (key: string) => Number((await page.getByTestId(`stat-${key}`).locator('dd').innerText()).replace(/[^0-9]/g, ''));
    expect(await shown('grids')).toBe(rows[0]!.grids);
    expect(await shown('vacant')).toBe(rows[0]!.vacant);
    // zoomed out over the district the page has read no grid list at all (the tiles draw them)
    expect(gridRequests).toEqual([]);
  });

  it('opens the panel of the grid that was clicked', async () => {
    const fc = (await (await fetch(`${server.url}/api/grids`)).json()) as { features: GridFeature[] };
    // the most populous grid: an urban cell, well inside the view
    const grid = [...fc.features].sort((a, b) => b.properties.population - a.properties.population)[0]!;
    const code = grid.properties.code;
    // zoom onto the grid so that the click lands well inside it
    await page.evaluate(([lon, lat]) => {
      const gc = (window as unknown as { __GC__: { map: { jumpTo(o: object): void } } }).__GC__;
      gc.map.jumpTo({ center: [lon, lat], zoom: 14 });
    }, grid.properties.labelPoint);
    await page.waitForFunction(() => (window as unknown as { __GC__: { map: { loaded(): boolean } } }).__GC__.map.loaded(), null, { timeout: 60_000 });
    const [x, y] = await page.evaluate(
      ([lon, lat]) => (window as unknown as { __GC__: { project(a: number, b: number): [number, number] } }).__GC__.project(lon, lat),
      grid.properties.labelPoint,
    );
    await page.mouse.move(x, y);
    await page.mouse.click(x, y);
    const panel = page.locator(`[data-testid="grid-panel"][data-grid-code="${code}"]`);
    await panel.waitFor({ timeout: 30_000 });
    // the roster arrives with the grid's detail request
    await panel.locator('[data-testid="grid-staff"] li').first().waitFor({ timeout: 30_000 });
    // zoomed in, the grid labels are read for the window in view only (bbox), never for the whole city
    expect(gridRequests.length).toBeGreaterThan(0);
    for (const q of gridRequests) expect(q).toMatch(/^\?geometry=none&bbox=-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$/);
    const window = new URLSearchParams(gridRequests.at(-1)!).get('bbox')!.split(',').map(Number);
    expect((window[2]! - window[0]!) * (window[3]! - window[1]!)).toBeLessThan(0.5);
    const text = await panel.innerText();
    expect(text).toContain(code);
    expect(text).toContain(grid.properties.displayCode);
    // the roster: at least five staff rows, each with a role in Chinese
    expect(text).toMatch(/专职网格员|社区民警/);
    await screenshot(page, 'map-grid-panel');
  });
});
