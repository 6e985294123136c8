/** The units and accounts page in a real browser: the admin picks a 管区 in the tree and creates a dispatcher there. */
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

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
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

describe('accounts page', () => {
  it('sends the anonymous to the login page', async () => {
    await page.goto(`${server.url}/admin/accounts`);
    await page.waitForURL(/\/login\?next=%2Fadmin%2Faccounts/, { timeout: 30_000 });
  });

  it('lets the admin create a 管区 dispatcher', async () => {
    const { rows } = await db.pool.query<{ code: string; name: string; street_code: string }>(
      `SELECT code, name, street_code FROM area WHERE level = 'zone' ORDER BY code LIMIT 1`,
    );
    const zone = rows[0]!;
    expect((await context.request.post(`${server.url}/api/auth/login`, { data: { username: 'admin', password: PASSWORD } })).status()).toBe(200);
    await page.goto(`${server.url}/admin/accounts`);
    await page.locator('[data-testid="accounts-table"] tbody tr').first().waitFor({ timeout: 30_000 });
    // open the zone's street, then pick the zone
    await page.locator(`[data-unit="${zone.street_code}"] .gacc-node__twist`).click();
    await page.locator(`[data-unit="${zone.code}"]`).click();
    await page.waitForFunction((name) => document.querySelector('[data-testid="accounts-unit"]')?.textContent === name, zone.name);
    await page.click('[data-testid="accounts-create"]');
    await page.locator('[data-testid="account-drawer"]').waitFor();
    // a zone holds leaders and dispatchers only
    expect(await page.locator('[data-testid="form-roles"] button').allInnerTexts()).toEqual(['领导', '调度员']);
    await page.fill('[data-testid="form-username"]', 'zone.night');
    await page.fill('[data-testid="form-name"]', '管区夜班调度');
    await page.click('[data-testid="role-dispatcher"]');
    await page.fill('[data-testid="form-password"]', 'night-shift-2026');
    await screenshot(page, 'accounts-drawer');
    await page.click('[data-testid="form-save"]');
    await page.locator('[data-testid="account-drawer"]').waitFor({ state: 'detached' });
    await page.locator('tr[data-username="zone.night"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('tr[data-username="zone.night"]').innerText()).toContain('调度员');
    // the tree's counts are refetched after the save
    await page.waitForFunction((code) => document.querySelector(`[data-unit="${code}"] .gacc-node__count`)?.textContent === '1', zone.code, { timeout: 10_000 });
    await screenshot(page, 'accounts-page');
    const saved = await db.pool.query(`SELECT role, unit_code FROM app_user WHERE username = 'zone.night'`);
    expect(saved.rows).toEqual([{ role: 'dispatcher', unit_code: zone.code }]);
    expect(errors).toEqual([]);
  });

  it("edits the demo worker with the community's grids, in English", async () => {
    await page.click('[data-testid="lang-en"]');
    await page.locator('.gacc-node.is-district').first().click();
    await page.click('[data-testid="edit-worker"]');
    await page.locator('[data-testid="form-grids"] input[type="checkbox"]').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="form-grids"] input:checked').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="form-roles"] button').allInnerTexts()).toEqual(['Leader', 'Dispatcher', 'Grid worker']);
    await screenshot(page, 'accounts-worker-en');
    expect(errors).toEqual([]);
  });
});
