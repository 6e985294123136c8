/**
 * The units' work queues in a real browser: a case reported in a community is escalated by the community's desk,
 * arrives in the 管区's queue, is escalated again and arrives in the street's; a department returns a dispatched case
 * in its queue and the community's desk rejects the return, so it is back with the department to sign for.
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
const pages: Record<string, { context: BrowserContext; page: Page }> = {};
let home: { lon: number; lat: number };

async function signIn(user: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'zh-CN' });
  expect((await context.request.post(`${server.url}/api/auth/login`, { data: { username: user, password: PASSWORD } })).status()).toBe(200);
  const page = await context.newPage();
  pages[user] = { context, page };
  return page;
}

async function openQueue(page: Page, tab: string): Promise<void> {
  await page.goto(`${server.url}/queue`);
  await page.locator(`[data-testid="queue-tab-${tab}"]`).click({ timeout: 30_000 });
}

async function actInUi(page: Page, caseId: number, action: string, reason?: string): Promise<void> {
  await page.locator(`[data-testid="case-row-${caseId}"]`).click({ timeout: 30_000 });
  await page.locator(`[data-testid="queue-action-${action}"]`).click();
  if (reason !== undefined) {
    await page.fill('[data-testid="queue-reason"]', reason);
    await page.click('[data-testid="queue-confirm"]');
  }
}

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  const { rows } = await db.pool.query<{ lon: number; lat: number }>(
    `SELECT ST_X(a.label_point) AS lon, ST_Y(a.label_point) AS lat FROM area a JOIN app_user u ON a.code = u.grid_codes[1] WHERE u.username = 'worker'`,
  );
  home = rows[0]!;
  server = await startServer({ databaseUrl: db.url });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

describe('work queues', () => {
  it('community → 管区 → street: each desk receives the escalated case in its queue', async () => {
    const dispatcher = await signIn('dispatcher');
    const created = await dispatcher.request.post(`${server.url}/api/cases`, {
      data: { categoryCode: '01001', priority: 'normal', lon: home.lon, lat: home.lat, title: '楼道堆放杂物堵塞消防通道', description: '三楼楼道堆满纸箱', source: 'hotline' },
      headers: { 'x-gc-csrf': '1' },
    });
    expect(created.status(), await created.text()).toBe(201);
    const id = ((await created.json()) as { id: number }).id;

    const community = await signIn('community');
    await openQueue(community, 'holding');
    await actInUi(community, id, 'escalate', '涉及消防执法，社区无权处置');
    await community.locator('[data-testid="queue-detail-level"]').filter({ hasText: '管区' }).waitFor({ timeout: 30_000 });
    // the community still follows it, under 已上报上级
    await community.locator('[data-testid="queue-tab-escalated_up"]').click();
    await community.locator(`[data-testid="case-row-${id}"]`).waitFor({ timeout: 30_000 });

    const zone = await signIn('zone');
    await openQueue(zone, 'holding');
    await zone.locator(`[data-testid="case-row-${id}"]`).waitFor({ timeout: 30_000 });
    await screenshot(zone, 'queue-zone-received');
    await actInUi(zone, id, 'escalate', '需街道协调消防与城管');

    const street = await signIn('street');
    await openQueue(street, 'holding');
    await street.locator(`[data-testid="case-row-${id}"]`).click({ timeout: 30_000 });
    await street.locator('[data-testid="queue-detail-level"]').filter({ hasText: '街道' }).waitFor({ timeout: 30_000 });
    // the timeline is its own request: wait for it
    await street.locator('[data-testid="queue-timeline"] li').filter({ hasText: '上报升级' }).first().waitFor({ timeout: 30_000 });
    await screenshot(street, 'queue-street-received');

    // the zone now sees it under 已上报上级, without actions
    await openQueue(zone, 'escalated_up');
    await zone.locator(`[data-testid="case-row-${id}"]`).click({ timeout: 30_000 });
    await zone.locator('[data-testid="queue-no-actions"]').waitFor({ timeout: 30_000 });
  });

  it('a department returns a case, the community rejects the return, the department has it to sign for again', async () => {
    const dispatcher = pages.dispatcher!.page;
    const { rows } = await db.pool.query<{ department_code: string }>(`SELECT department_code FROM app_user WHERE username = 'handler'`);
    const dept = rows[0]!.department_code;
    const created = await dispatcher.request.post(`${server.url}/api/cases`, {
      data: { categoryCode: '01001', priority: 'normal', lon: home.lon, lat: home.lat, title: '沿街店铺占道经营', description: '店外摆摊占用人行道', source: 'hotline' },
      headers: { 'x-gc-csrf': '1' },
    });
    let c = (await created.json()) as { id: number; version: number };
    for (const body of [{ action: 'file' }, { action: 'dispatch', departmentCode: dept }]) {
      const res = await dispatcher.request.post(`${server.url}/api/cases/${c.id}/actions`, { data: { ...body, version: c.version }, headers: { 'x-gc-csrf': '1' } });
      expect(res.status(), await res.text()).toBe(200);
      c = (await res.json()) as typeof c;
    }

    const handler = await signIn('handler');
    await openQueue(handler, 'to_sign');
    await handler.locator(`[data-testid="case-row-${c.id}"]`).click({ timeout: 30_000 });
    await handler.locator('[data-testid="queue-detail-signby"]').waitFor();
    await actInUi(handler, c.id, 'return', '占道经营属市场监管职责');
    await handler.locator('[data-testid="queue-detail-status"]').filter({ hasText: '退单待审定' }).waitFor({ timeout: 30_000 });

    const community = pages.community!.page;
    await openQueue(community, 'returns');
    await community.locator(`[data-testid="case-row-${c.id}"]`).click({ timeout: 30_000 });
    expect(await community.locator('[data-testid="queue-detail-return-reason"]').innerText()).toContain('市场监管');
    await screenshot(community, 'queue-return-to-decide');
    await community.locator('[data-testid="queue-action-reject_return"]').click();
    await community.fill('[data-testid="queue-reason"]', '门前三包属城管职责，请签收');
    await community.click('[data-testid="queue-confirm"]');
    await community.locator('[data-testid="queue-detail-status"]').filter({ hasText: '已派遣' }).waitFor({ timeout: 30_000 });

    await openQueue(handler, 'to_sign');
    await handler.locator(`[data-testid="case-row-${c.id}"]`).click({ timeout: 30_000 });
    await handler.locator('[data-testid="queue-action-accept"]').click();
    await handler.locator('[data-testid="queue-detail-status"]').filter({ hasText: '处置中' }).waitFor({ timeout: 30_000 });
    expect(await handler.locator('[data-testid="queue-detail-returns"]').innerText()).toBe('1');
  });
});
