/**
 * The bulletins page in a real browser: the leader's daily and monthly bulletins in Chinese (红头, 第N期, sections
 * 一、二、…, register links), the print view without the app's chrome, and a community desk submitting 本期无情况
 * under the zero-report rule; screenshots of each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { testDatabase, type TestDatabase } from '../../server/test/helpers.ts';
import { startServer, type ServerProcess } from '../../server/test/server-process.ts';
import { seedDemoUsers } from '../../server/src/modules/auth/seed.ts';
import { getWorkCalendar } from '../../server/src/modules/calendar/repository.ts';
import { seedHistory } from '../../server/src/modules/demo/history.ts';
import { seedDemoUnitReports } from '../../server/src/modules/unit-reports/demo.ts';
import { launchBrowser, screenshot } from './browser.ts';

const PASSWORD = 'gridcommand-demo';
let db: TestDatabase;
let server: ServerProcess;
let browser: Browser;
const errors: string[] = [];

async function signedIn(username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1100 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  const res = await context.request.post(`${server.url}/api/auth/login`, { data: { username, password: PASSWORD } });
  expect(res.status()).toBe(200);
  return { context, page };
}

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  await seedHistory(db.pool, { calendar: await getWorkCalendar(db.pool), count: 1500, now: new Date(), seed: 11 });
  await seedDemoUnitReports(db.pool);
  // the community desk has not reported yet this time round: its form is open
  await db.pool.query(`DELETE FROM unit_report WHERE unit_code = (SELECT unit_code FROM app_user WHERE username = 'community')`);
  server = await startServer({ databaseUrl: db.url });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('bulletin page', () => {
  it('the leader reads the daily and the monthly bulletin, and prints it', async () => {
    const { page } = await signedIn('leader');
    await page.goto(`${server.url}/insights/bulletin`);
    const title = page.locator('[data-testid="bulletin-title"]');
    await title.waitFor({ timeout: 60_000 });
    expect(await title.innerText()).toMatch(/网格化服务管理工作快报$/);
    expect(await page.locator('.bul__issue').innerText()).toMatch(/^\d{4}年第\d+期$/);
    expect(await page.locator('.bul__h2').first().innerText()).toBe('一、总体情况');
    await page.click('[data-testid="bul-kind-monthly"]');
    await page.waitForFunction(() => (document.querySelector('[data-testid="bulletin-title"]')?.textContent ?? '').endsWith('月报'), null, { timeout: 30_000 });
    await page.locator('[data-testid="bul-trend"]').waitFor();
    const h2 = await page.locator('.bul__h2').allInnerTexts();
    expect(h2).toEqual(['一、总体情况', '二、街道（镇）排名', '三、职能部门排名', '四、超期案件', '五、遗留超期案件', '六、发展趋势', '七、零报告制度落实情况']);
    expect(await page.locator('[data-testid="bul-streets"] tbody tr').count()).toBeGreaterThan(1);
    expect(await page.locator('[data-testid="bul-reported-link"]').getAttribute('href')).toMatch(/^\/api\/register\.xlsx\?from=.+&to=/);
    const overdue = page.locator('[data-testid="bul-overdue"] tbody a');
    if ((await overdue.count()) > 0) expect(await overdue.first().getAttribute('href')).toMatch(/^\/api\/register\.xlsx\?q=/);
    expect(await page.locator('[data-testid="bul-pdf"]').getAttribute('href')).toBe('/api/bulletins/monthly.pdf');
    expect(await page.locator('[data-testid="bul-zero"] tbody tr').count()).toBeGreaterThan(0);
    await page.locator('[data-testid="reports-overview"] li').first().waitFor();
    // two months back every monthly deadline has passed: the units that did not report are in red
    const month = await page.locator('[data-testid="reports-month"]').inputValue();
    const [y, m] = month.split('-').map(Number) as [number, number];
    await page.fill('[data-testid="reports-month"]', m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`);
    await page.locator('.bul__st--missing').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'bulletin-monthly');

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.insights__head').isVisible()).toBe(false);
    expect(await page.locator('[data-testid="unit-reports"]').isVisible()).toBe(false);
    expect(await title.isVisible()).toBe(true);
    await screenshot(page, 'bulletin-print');
    await page.emulateMedia({ media: 'screen' });
    const pdf = await page.request.get(`${server.url}/api/bulletins/monthly.pdf`);
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a community desk submits 本期无情况', async () => {
    const { page } = await signedIn('community');
    await page.goto(`${server.url}/insights/bulletin`);
    const mine = page.locator('[data-testid="reports-mine"]');
    await mine.waitFor({ timeout: 60_000 });
    const own = mine.locator('.bul__own').first();
    const kind = await own.getAttribute('data-kind');
    await page.check(`[data-testid="nothing-${kind}"]`);
    await page.click(`[data-testid="submit-${kind}"]`);
    await mine.locator(`.bul__own[data-kind="${kind}"] .bul__own-body`).waitFor({ timeout: 30_000 });
    expect(await mine.locator(`.bul__own[data-kind="${kind}"] .bul__own-body`).innerText()).toBe('本期无情况');
    await screenshot(page, 'bulletin-reports');
    expect(errors).toEqual([]);
  });
});
