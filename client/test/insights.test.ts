/**
 * Leaders' insights in a real browser: without a session a clean sign-in message; signed in as the leader,
 * the density maps (two periods on one fixed scale), a choropleth with its area panel, and the charts render.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { testDatabase, type TestDatabase } from '../../server/test/helpers.ts';
import { startServer, type ServerProcess } from '../../server/test/server-process.ts';
import { seedDemoUsers } from '../../server/src/modules/auth/seed.ts';
import { getWorkCalendar } from '../../server/src/modules/calendar/repository.ts';
import { seedHistory } from '../../server/src/modules/demo/history.ts';
import { launchBrowser, nonBackgroundShare, screenshot } from './browser.ts';

const PASSWORD = 'gridcommand-demo';
let db: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];

async function waitReady(tab: string): Promise<void> {
  await page.waitForFunction(
    (t) => {
      const w = (window as unknown as { __GC_INSIGHTS__?: { ready: boolean; tab: string } }).__GC_INSIGHTS__;
      return w?.ready === true && w.tab === t;
    },
    tab,
    { timeout: 90_000 },
  ).catch((e: unknown) => {
    throw new Error(`insights ${tab} never ready: ${String(e)}\n${errors.join('\n')}\n${server.output().slice(-2000)}`);
  });
}

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  await seedHistory(db.pool, { calendar: await getWorkCalendar(db.pool), count: 2000, now: new Date(), seed: 2 });
  server = await startServer({ databaseUrl: db.url });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('leaders insights', () => {
  it('asks for a sign-in without a session', async () => {
    await page.goto(`${server.url}/insights`);
    const box = page.locator('[data-testid="insights-unauthorized"]');
    await box.waitFor({ timeout: 30_000 });
    expect(await box.innerText()).toContain('需要登录');
    expect(await box.locator('a').getAttribute('href')).toBe('/login?next=/insights');
  });

  it('compares two periods on one fixed scale', async () => {
    const res = await context.request.post(`${server.url}/api/auth/login`, { data: { username: 'leader', password: PASSWORD } });
    expect(res.status()).toBe(200);
    await page.goto(`${server.url}/insights`);
    await waitReady('density');
    await page.click('[data-testid="insights-compare"]');
    await page.locator('[data-testid="density-b"]').waitFor();
    // both maps have their hexagons (the totals are shown once each period's aggregate arrived)
    await page.locator('.density__title').filter({ hasText: '合计' }).nth(1).waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => (window as unknown as { __GC__: { map: { loaded(): boolean } } }).__GC__.map.loaded(), null, { timeout: 60_000 });
    const { png, file } = await screenshot(page, 'insights-density-compare');
    expect(await nonBackgroundShare(page, png, [7, 13, 25]), file).toBeGreaterThan(0.2);
    expect(await page.locator('.insights').innerText()).toContain('固定色阶');
  });

  it('colours a choropleth and opens an area', async () => {
    await page.click('[data-testid="insights-tab-choropleth"]');
    await waitReady('choropleth');
    const first = page.locator('.rank__row').first();
    await first.waitFor({ timeout: 30_000 });
    await first.click();
    const area = page.locator('[data-testid="insights-area"]');
    await area.waitFor();
    await area.getByText('每日趋势').waitFor();
    await page.locator('[data-testid="area-trend"] canvas').waitFor({ timeout: 30_000 });
    await screenshot(page, 'insights-choropleth');
  });

  it('draws the charts', async () => {
    await page.click('[data-testid="insights-tab-charts"]');
    await waitReady('charts');
    for (const id of ['chart-day', 'chart-category', 'chart-source']) await page.locator(`[data-testid="${id}"] canvas`).waitFor({ timeout: 30_000 });
    await screenshot(page, 'insights-charts');
    expect(errors).toEqual([]);
  });
});
