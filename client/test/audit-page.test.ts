/** The audit log page in a real browser: anonymous to the login page, a dispatcher refused, the admin's table and filters. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  await seedHistory(db.pool, { calendar: await getWorkCalendar(db.pool), count: 300, now: new Date(), seed: 3 });
  server = await startServer({ databaseUrl: db.url });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('audit page', () => {
  it('sends the anonymous to the login page', async () => {
    await page.goto(`${server.url}/admin/audit`);
    await page.waitForURL(/\/login\?next=%2Fadmin%2Faudit/, { timeout: 30_000 });
  });

  it('refuses a dispatcher', async () => {
    expect((await context.request.post(`${server.url}/api/auth/login`, { data: { username: 'dispatcher', password: PASSWORD } })).status()).toBe(200);
    await page.goto(`${server.url}/admin/audit`);
    await page.locator('[data-testid="audit-unauthorized"]').waitFor({ timeout: 30_000 });
  });

  it('shows the admin the timeline, filters it and links the CSV', async () => {
    await context.request.post(`${server.url}/api/auth/login`, { data: { username: 'nobody', password: 'wrong-one' } });
    expect((await context.request.post(`${server.url}/api/auth/login`, { data: { username: 'admin', password: PASSWORD } })).status()).toBe(200);
    await page.goto(`${server.url}/admin/audit`);
    await page.locator('[data-testid="audit-table"] tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.audit').innerText()).toContain('审计日志');
    await screenshot(page, 'audit-page');
    await page.selectOption('[data-testid="audit-action"]', 'auth.');
    await page.click('[data-testid="audit-apply"]');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')].every((r) => r.getAttribute('data-action')?.startsWith('auth.')));
    expect(await page.locator('[data-testid="audit-table"]').innerText()).toContain('登录失败');
    expect(await page.locator('[data-testid="audit-csv"]').getAttribute('href')).toBe('/api/admin/audit.csv?action=auth.');
    await screenshot(page, 'audit-page-auth');
  });
});
