/**
 * Specialist layers on the map page in a real browser: the switch in the legend draws a layer's tiles with its key;
 * signed in as the dispatcher, a grid's panel shows the base-data counts and lists one kind's records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { testDatabase, type TestDatabase } from '../../server/test/helpers.ts';
import { startServer, type ServerProcess } from '../../server/test/server-process.ts';
import { seedDemoUsers } from '../../server/src/modules/auth/seed.ts';
import { launchBrowser, screenshot } from './browser.ts';

const PASSWORD = 'gridcommand-demo';
let db: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];

type GcWindow = { __GC__: { map: { loaded(): boolean; getLayer(id: string): unknown; querySourceFeatures(s: string, o: object): unknown[]; jumpTo(o: object): void }; project(a: number, b: number): [number, number] } };

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  server = await startServer({ databaseUrl: db.url });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const res = await context.request.post(`${server.url}/api/auth/login`, { data: { username: 'dispatcher', password: PASSWORD } });
  expect(res.status()).toBe(200);
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => (window as unknown as { __GC_READY__?: boolean }).__GC_READY__ === true, null, { timeout: 90_000 }).catch((e: unknown) => {
    throw new Error(`map never became ready: ${String(e)}\n${errors.join('\n')}\n${server.output().slice(-2000)}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('specialist layers on the map', () => {
  it('switches the patrol layer on with its key, and back off', async () => {
    await page.locator('[data-testid="specialist-patrol"]').click();
    await page.locator('[data-testid="specialist-legend"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      () => {
        const m = (window as unknown as GcWindow).__GC__.map;
        return m.getLayer('specialist-line') !== undefined && m.loaded() && m.querySourceFeatures('specialist', { sourceLayer: 'specialist_patrol' }).length > 0;
      },
      null,
      { timeout: 60_000 },
    );
    expect(await page.locator('[data-testid="specialist-legend"]').innerText()).toContain('治安巡防区');
    await screenshot(page, 'specialist-patrol');
    await page.locator('[data-testid="specialist-labour"]').click();
    await page.waitForFunction(() => (window as unknown as GcWindow).__GC__.map.querySourceFeatures('specialist', { sourceLayer: 'specialist_labour' }).length > 0, null, { timeout: 60_000 });
    expect(await page.locator('[data-testid="specialist-legend"]').innerText()).toMatch(/一级[\s\S]*二级/);
    await page.locator('[data-testid="specialist-none"]').click();
    expect(await page.evaluate(() => (window as unknown as GcWindow).__GC__.map.getLayer('specialist-line') === undefined)).toBe(true);
  });

  it('shows the base data of a clicked grid; the dispatcher lists its records', async () => {
    const fc = (await (await fetch(`${server.url}/api/grids`)).json()) as { features: { properties: { code: string; population: number; labelPoint: [number, number] } }[] };
    const grid = [...fc.features].sort((a, b) => b.properties.population - a.properties.population)[0]!.properties;
    await page.evaluate(([lon, lat]) => (window as unknown as GcWindow).__GC__.map.jumpTo({ center: [lon, lat], zoom: 14 }), grid.labelPoint);
    await page.waitForFunction(() => (window as unknown as GcWindow).__GC__.map.loaded(), null, { timeout: 60_000 });
    const [x, y] = await page.evaluate(([lon, lat]) => (window as unknown as GcWindow).__GC__.project(lon, lat), grid.labelPoint);
    await page.mouse.click(x, y);
    const base = page.locator(`[data-testid="grid-panel"][data-grid-code="${grid.code}"] [data-testid="grid-base"]`);
    await base.waitFor({ timeout: 30_000 });
    expect(await base.innerText()).toMatch(/出租房屋[\s\S]*关爱对象/);
    await base.locator('[data-testid="base-shop"]').click();
    await base.locator('[data-testid="base-records"] li').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'specialist-grid-base');
    const { rows } = await db.pool.query(`SELECT subject FROM personal_data_access WHERE route = 'GET /api/grids/:code/base'`);
    expect(rows).toEqual([{ subject: `base:${grid.code}:shop` }]);
    expect(errors).toEqual([]);
  });
});
