/**
 * Two teams on one emergency in a real browser against the real server: a lead and a supporting team are sent
 * (through the API, like another dispatcher); the desk's case detail lists both with their badges, and the wall
 * draws both en route, converging on the scene (a screenshot of each under artifacts/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { testDatabase, type TestDatabase } from '../../server/test/helpers.ts';
import { startServer, type ServerProcess } from '../../server/test/server-process.ts';
import { wallToken } from '../../server/test/live-helpers.ts';
import { seedDemoUsers } from '../../server/src/modules/auth/seed.ts';
import { launchBrowser, screenshot } from './browser.ts';

const PASSWORD = 'multi-team-pw';

let db: TestDatabase;
let server: ServerProcess;
let browser: Browser;
const pageErrors: string[] = [];
let cookie = '';
let theCase: { id: number; code: string; version: number };
let teamIds: [number, number];
let scene: [number, number];

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', cookie, 'x-gc-csrf': '1' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  db = await testDatabase();
  await seedDemoUsers(db.pool, PASSWORD);
  server = await startServer({ databaseUrl: db.url, env: { GC_DEMO_PASSWORD: PASSWORD } });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dispatcher', password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  // an emergency in the most populous grid, two teams placed a few hundred metres away on either side
  const fc = (await (await fetch(`${server.url}/api/grids`)).json()) as { features: { properties: { population: number; labelPoint: [number, number] } }[] };
  const grid = [...fc.features].sort((a, b) => b.properties.population - a.properties.population)[0]!;
  const [lon, lat] = grid.properties.labelPoint;
  scene = [lon, lat];
  theCase = await api('POST', '/api/cases', {
    categoryCode: '01001', priority: 'emergency', lon, lat, title: '仓库起火', description: '仓库冒烟，需多队增援', source: 'hotline', address: '测试路 9 号',
  });
  const { rows } = await db.pool.query<{ id: number }>(`SELECT id FROM team WHERE status = 'available' ORDER BY id LIMIT 2`);
  teamIds = [rows[0]!.id, rows[1]!.id];
  await api('POST', '/api/teams/positions', {
    items: [
      { teamId: teamIds[0], lon: lon - 0.012, lat: lat + 0.006, at: new Date().toISOString() },
      { teamId: teamIds[1], lon: lon + 0.01, lat: lat - 0.008, at: new Date().toISOString() },
    ],
  });
  const lead = await api<{ case: { version: number } }>('POST', '/api/dispatch', { caseId: theCase.id, teamId: teamIds[0], caseVersion: theCase.version });
  await api('POST', '/api/dispatch', { caseId: theCase.id, teamId: teamIds[1], caseVersion: lead.case.version, role: 'support' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1680, height: 1000 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return page;
}

describe('two teams on one emergency', () => {
  it('the desk lists the lead and the supporting team on the case, and who is where', async () => {
    const page = await newPage();
    const login = await page.context().request.post(`${server.url}/api/auth/login`, { data: { username: 'dispatcher', password: PASSWORD } });
    expect(login.status()).toBe(200);
    await page.goto(`${server.url}/dispatch`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId(`case-row-${theCase.id}`).first().click({ timeout: 60_000 });
    const teams = page.getByTestId('case-teams');
    await teams.locator('[data-role="support"]').waitFor({ timeout: 30_000 });
    expect(await teams.locator('[data-role="lead"]').count()).toBe(1);
    expect(await teams.locator('[data-role="support"]').count()).toBe(1);
    const text = await teams.innerText();
    expect(text).toContain('主办');
    expect(text).toContain('增援');
    await screenshot(page, 'multi-team-desk');
    await page.getByTestId('team-tab-where').click();
    await page.getByTestId('who-is-where').locator('tr[data-status="en_route"]').nth(1).waitFor({ timeout: 30_000 });
    await screenshot(page, 'multi-team-board');
    expect(pageErrors).toEqual([]);
  });

  it('the wall draws both teams en route, converging on the scene', async () => {
    const page = await newPage();
    const token = await wallToken(db.pool);
    await page.goto(`${server.url}/wall?token=${encodeURIComponent(token)}&rotate=0&mode=teams`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(
      (caseId) => {
        const w = (window as unknown as { __GC_WALL__?: { ready: boolean; convergence(): { caseId: number }[] } }).__GC_WALL__;
        return w?.ready === true && w.convergence().filter((l) => l.caseId === caseId).length === 2;
      },
      theCase.id,
      { timeout: 120_000, polling: 250 },
    );
    const lines = await page.evaluate(() => (window as unknown as { __GC_WALL__: { convergence(): { teamId: number; lead: boolean }[] } }).__GC_WALL__.convergence());
    expect(lines.map((l) => [l.teamId, l.lead])).toEqual([
      [teamIds[0], true],
      [teamIds[1], false],
    ]);
    await page.waitForFunction(() => (window as unknown as { __GC__?: { map: { loaded(): boolean } } }).__GC__?.map.loaded() === true, null, { timeout: 60_000 });
    // zoom to the scene so that the two lines read in the screenshot
    await page.evaluate(([x, y]) => {
      (window as unknown as { __GC__: { map: { jumpTo(o: object): void } } }).__GC__.map.jumpTo({ center: [x, y], zoom: 14 });
    }, scene);
    await page.waitForFunction(() => (window as unknown as { __GC__: { map: { loaded(): boolean } } }).__GC__.map.loaded(), null, { timeout: 60_000 });
    await page.waitForTimeout(500);
    await screenshot(page, 'multi-team-wall');
    expect(pageErrors).toEqual([]);
  });
});
