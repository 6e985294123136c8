/**
 * The monthly assessment in a real browser on the demo data (seedAssessmentDemo): the leader's page with a spread of
 * scores, consequences in red and a row opened to what moved it; the phone's 我的考核 at 390×844 with the score,
 * the progress bars and what is missing, and recording a duty. Screenshots of both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { testDatabase, type TestDatabase } from '../../server/test/helpers.ts';
import { startServer, type ServerProcess } from '../../server/test/server-process.ts';
import { seedDemoUsers } from '../../server/src/modules/auth/seed.ts';
import { getWorkCalendar } from '../../server/src/modules/calendar/repository.ts';
import { seedHistory } from '../../server/src/modules/demo/history.ts';
import { seedAssessmentDemo } from '../../server/src/modules/assessment/demo.ts';
import { launchBrowser, screenshot } from './browser.ts';

const PASSWORD = 'gridcommand-demo';
let db: TestDatabase;
let server: ServerProcess;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  await seedHistory(db.pool, { calendar: await getWorkCalendar(db.pool), count: 1200, now: new Date(), seed: 11 });
  const demo = await seedAssessmentDemo(db.pool);
  expect(demo.workers).toBeGreaterThan(2);
  expect((await seedAssessmentDemo(db.pool)).records).toBe(0);
  server = await startServer({ databaseUrl: db.url, env: { GC_DEMO_PASSWORD: PASSWORD } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('monthly assessment', () => {
  it("the leader's review page: a spread of scores, consequences in red, a row's duties", async () => {
    const context = await browser.newContext({ viewport: { width: 1680, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    expect((await context.request.post(`${server.url}/api/auth/login`, { data: { username: 'leader', password: PASSWORD } })).status()).toBe(200);
    await page.goto(`${server.url}/insights/indicators`);
    await page.getByTestId('ind-assessment').click();
    await page.getByTestId('asm-table').waitFor({ timeout: 60_000 });
    const rows = page.locator('[data-testid="asm-table"] tbody tr.asm__row');
    expect(await rows.count()).toBeGreaterThan(3);
    expect(await page.locator('tr.asm__row.is-low').count()).toBeGreaterThan(0);
    expect(await page.locator('tr.asm__row:not(.is-low)').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('asm-flag').count()).toBeGreaterThan(0);
    const flag = page.getByTestId('asm-flag').first();
    expect(await flag.innerText()).toMatch(/留岗查看|停职/);
    expect(await flag.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(220, 38, 38)');
    expect(await page.getByTestId('asm-xlsx').getAttribute('href')).toMatch(/^\/api\/assessment\.xlsx\?month=\d{4}-\d{2}$/);
    await page.locator('tr.asm__row.is-low').first().click();
    await page.getByTestId('asm-moved').waitFor();
    // a district row's duties come from its community's sheet, loaded when the row opens
    await expect.poll(() => page.locator('.asm__line').count(), { timeout: 30_000 }).toBe(7);
    await screenshot(page, 'assessment-leader');
    // approving the month records it
    page.on('dialog', (d) => void d.accept());
    await page.getByTestId('asm-close').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="asm-state"]')?.classList.contains('is-closed'), null, { timeout: 30_000 });
    expect(await page.getByTestId('asm-close').count()).toBe(0);
    await context.close();
    expect(errors).toEqual([]);
  });

  it("the phone's 我的考核 at 390×844: score, bars, what is missing, recording a duty", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/field/`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('field-login').waitFor({ timeout: 60_000 });
    await page.getByTestId('login-username').fill('worker');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('screen-today').waitFor({ timeout: 60_000 });
    await page.getByTestId('tab-me').click();
    await page.getByTestId('me-score').click();
    await page.getByTestId('score-total').waitFor({ timeout: 30_000 });
    expect(await page.locator('.f-score-bar').count()).toBe(7);
    await page.getByTestId('score-missing').waitFor();
    await screenshot(page, 'assessment-phone');
    await page.getByTestId('duty-kind-renter_meeting').click();
    await page.getByTestId('duty-subject').fill('5栋1单元302 李某');
    await page.getByTestId('duty-save').click();
    await page.getByTestId('field-toast').waitFor({ timeout: 15_000 });
    const { rows } = await db.pool.query(`SELECT kind, subject FROM duty_record d JOIN app_user u ON u.id = d.user_id WHERE u.username = 'worker' AND subject = '5栋1单元302 李某'`);
    expect(rows).toEqual([{ kind: 'renter_meeting', subject: '5栋1单元302 李某' }]);
    await page.getByTestId('duty-form').scrollIntoViewIfNeeded();
    await screenshot(page, 'assessment-phone-record');
    await context.close();
    expect(errors).toEqual([]);
  });
});
