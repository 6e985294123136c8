/**
 * The indicators page in a real browser: signed in as the leader, a street's indicators for this month with the
 * expected values and intervals, the ranking of streets with best and worst named, the Excel link; a screenshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { testDatabase, type TestDatabase } from '../../server/test/helpers.ts';
import { startServer, type ServerProcess } from '../../server/test/server-process.ts';
import { seedDemoUsers } from '../../server/src/modules/auth/seed.ts';
import { getWorkCalendar } from '../../server/src/modules/calendar/repository.ts';
import { seedHistory } from '../../server/src/modules/demo/history.ts';
import { launchBrowser, screenshot } from './browser.ts';

const PASSWORD = 'gridcommand-demo';
let db: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  await seedHistory(db.pool, { calendar: await getWorkCalendar(db.pool), count: 1500, now: new Date(), seed: 7 });
  server = await startServer({ databaseUrl: db.url });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  const res = await context.request.post(`${server.url}/api/auth/login`, { data: { username: 'leader', password: PASSWORD } });
  expect(res.status()).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('indicators page', () => {
  it('shows a street over the year (the 30 days of history) beside its case mix, and the ranking of streets', async () => {
    await page.goto(`${server.url}/insights/indicators`);
    await page.locator('[data-testid="ind-table"] tbody tr').first().waitFor({ timeout: 60_000 });
    await page.click('[data-testid="ind-period-year"]');
    await page.locator('[data-testid="ind-table"] tr[data-rate="onTimeClosure"]').waitFor();
    const row = page.locator('tr[data-rate="onTimeClosure"]');
    await page.waitForFunction(() => /\d+ \/ \d+/.test(document.querySelector('tr[data-rate="onTimeClosure"]')?.textContent ?? ''), null, { timeout: 30_000 });
    expect(await row.innerText()).toContain('按期结案率');
    expect(await page.locator('.ind__bar').count()).toBeGreaterThan(3);
    const ranking = page.locator('[data-testid="ind-ranking"]');
    await ranking.locator('tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await ranking.locator('td.is-best').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="ind-xlsx"]').getAttribute('href')).toMatch(/^\/api\/indicators\.xlsx\?unit=\d{9}&period=year/);
    const { file } = await screenshot(page, 'indicators-street');
    expect(file).toBeTruthy();
    await page.click('[data-testid="ind-rank-department"]');
    await ranking.locator('tbody tr').first().waitFor();
    expect(errors).toEqual([]);
  });
});
