/**
 * The citizen's side over HTTP on real PostGIS: report without login → a tracking code; outside the district →
 * refused, nothing stored; follow (+1); the tracking page; points when filed, balanced when voided; rating after
 * closing (不满意 within the window reopens the case: 重办); the center's callbacks; limits; no personal data out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Case, PublicReceipt, PublicTrack } from '@gridcommand/shared/schemas';
import { expectError } from './api-expect.ts';
import { act, as, caseWorld, type CaseWorld } from './cases-helpers.ts';

let w: CaseWorld;
let uploads: string;
const DEVICE = 'device-abcdefghijklmnop';

beforeAll(async () => {
  uploads = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-public-'));
  w = await caseWorld({ uploadDir: uploads, publicRate: 1000 });
});
afterAll(async () => {
  await w?.close();
  fs.rmSync(uploads, { recursive: true, force: true });
});

function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  return w.app.inject({ method: 'POST', url, payload: payload as object, headers });
}

const report = (extra: Record<string, unknown> = {}) => ({
  categoryCode: '01001', lon: w.home.lon, lat: w.home.lat, accuracyM: 12, description: '路边垃圾三天没人清理', address: '幸福路 8 号',
  name: '李女士', phone: '138 0013 8000', deviceId: DEVICE, ...extra,
});

async function caseOf(code: string): Promise<Case> {
  const { rows } = await w.db.pool.query<{ id: number }>('SELECT id::int AS id FROM cases WHERE code = $1', [code]);
  return (await as(w, 'dispatcher', 'GET', `/api/cases/${rows[0]!.id}`)).json() as Case;
}

describe('a citizen reports and follows', () => {
  let first: PublicReceipt;

  it('reports without an account and gets a tracking code of their own', async () => {
    const res = await post('/api/public/cases', report(), { 'idempotency-key': 'pub-1' });
    expect(res.statusCode, res.body).toBe(201);
    first = res.json() as PublicReceipt;
    expect(first.trackingCode).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);
    expect(first.trackingCodeDisplay).toBe(`${first.trackingCode.slice(0, 5)}-${first.trackingCode.slice(5)}`);
    expect(first).toMatchObject({ stage: 'received', followed: false });
    expect(res.body).not.toContain('13800138000');
    expect(res.body).not.toContain('李女士');
    // a retry of the same submission files nothing new
    const again = await post('/api/public/cases', report(), { 'idempotency-key': 'pub-1' });
    expect(again.json()).toEqual(first);
    const c = await caseOf(first.caseCode);
    expect(c).toMatchObject({ source: 'public', status: 'reported', reporterPhone: '13800138000', reporterName: '李女士' });
  });

  it('refuses a point outside the district and stores nothing', async () => {
    const before = (await w.db.pool.query('SELECT count(*)::int AS n FROM cases')).rows[0].n;
    const res = await post('/api/public/cases', report({ lon: 100, lat: 30 }));
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect((await w.db.pool.query('SELECT count(*)::int AS n FROM cases')).rows[0].n).toBe(before);
    expect((await w.db.pool.query('SELECT count(*)::int AS n FROM case_reporter')).rows[0].n).toBe(1);
  });

  it('a second citizen 20 m away sees it and follows it instead', async () => {
    const lat = w.home.lat + 20 / 111_320;
    const near = await w.app.inject({ url: `/api/public/nearby?lon=${w.home.lon}&lat=${lat}&category=01001` });
    expect(near.statusCode, near.body).toBe(200);
    const items = near.json().items as { caseCode: string; reporters: number; distanceM: number }[];
    expect(items[0]).toMatchObject({ caseCode: first.caseCode, reporters: 1 });
    expect(items[0]!.distanceM).toBeGreaterThan(15);
    expect(near.body).not.toMatch(/13800138000|李女士|"lon"|"lat"/);
    const f = await post(`/api/public/cases/${first.caseCode}/follow`, { deviceId: 'device-second-citizen-1', phone: '13900001111' });
    expect(f.statusCode, f.body).toBe(201);
    expect(f.json()).toMatchObject({ caseCode: first.caseCode, followed: true });
    expect(expectError(await post(`/api/public/cases/${first.caseCode}/follow`, { deviceId: 'device-second-citizen-1', phone: '13900001111' }), 409).code).toBe('ALREADY_FOLLOWED');
    const again = await w.app.inject({ url: `/api/public/nearby?lon=${w.home.lon}&lat=${lat}&category=01001` });
    expect(again.json().items[0].reporters).toBe(2);
  });

  it('follows the case on the tracking page, earns points when filed, rates after closing, and 不满意 reopens it', async () => {
    const typed = first.trackingCodeDisplay.toLowerCase();
    let t = (await w.app.inject({ url: `/api/public/track/${encodeURIComponent(` ${typed} `)}` })).json() as PublicTrack;
    expect(t).toMatchObject({ caseCode: first.caseCode, stage: 'received', mayRate: false, reporters: 2, points: { balance: 0 } });
    let c = await caseOf(first.caseCode);
    c = await act(w, 'dispatcher', c, 'file');
    t = (await w.app.inject({ url: `/api/public/track/${first.trackingCode}` })).json() as PublicTrack;
    expect(t.points.balance).toBe(15);
    expect(t.points.entries[0]).toMatchObject({ points: 15, reason: 'valid_report', caseCode: first.caseCode });
    expectError(await post(`/api/public/track/${first.trackingCode}/rating`, { rating: 'satisfied' }), 409);
    c = await act(w, 'dispatcher', c, 'dispatch', { departmentCode: c.departmentCode });
    c = await act(w, 'handler', c, 'accept');
    c = await act(w, 'handler', c, 'handle');
    c = await act(w, 'worker', c, 'verify_pass');
    c = await act(w, 'dispatcher', c, 'close');
    t = (await w.app.inject({ url: `/api/public/track/${first.trackingCode}` })).json() as PublicTrack;
    expect(t).toMatchObject({ stage: 'closed', mayRate: true });
    expect(t.rateReopensUntil).not.toBeNull();
    expect(t.steps.map((s) => s.stage)).toEqual(['received', 'filed', 'sent', 'handled', 'verified', 'closed']);
    expect(t.steps[2]!.department).toBeTruthy();
    expect(t.expectedBy).not.toBeNull();
    expect(JSON.stringify(t)).not.toMatch(/13800138000|李女士/);

    const r = await post(`/api/public/track/${first.trackingCode}/rating`, { rating: 'unsatisfied', comment: '垃圾又堆起来了' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ rating: 'unsatisfied', reopened: true, track: { stage: 'sent', mayRate: false, rating: { rating: 'unsatisfied', reopened: true } } });
    c = await caseOf(first.caseCode);
    expect(c).toMatchObject({ status: 'in_progress', reworkCount: 1, closedAt: null, handledAt: null });
    expect(expectError(await post(`/api/public/track/${first.trackingCode}/rating`, { rating: 'satisfied' }), 409).code).toBe('NOT_CLOSED');
    const events = (await w.db.pool.query<{ action: string; actor_role: string }>(`SELECT payload->>'action' AS action, actor_role FROM event WHERE case_id = $1 ORDER BY id DESC LIMIT 2`, [c.id])).rows;
    expect(events.find((e) => e.action === 'reopen')?.actor_role).toBe('public');
  });

  it('voiding a filed public case balances its points in the ledger', async () => {
    const rec = (await post('/api/public/cases', report({ description: '楼道堆放杂物', deviceId: 'device-third-citizen-9', phone: undefined }))).json() as PublicReceipt;
    let c = await caseOf(rec.caseCode);
    c = await act(w, 'dispatcher', c, 'file');
    await act(w, 'dispatcher', c, 'void', { reason: '重复上报' });
    const t = (await w.app.inject({ url: `/api/public/track/${rec.trackingCode}` })).json() as PublicTrack;
    expect(t.points.balance).toBe(0);
    expect(t.points.entries.map((e) => [e.reason, e.points])).toEqual([['adjust', -15], ['valid_report', 15]]);
  });
});

describe('settings the admin changes', () => {
  it('points rules apply to the next filing; unknown categories and other roles are refused', async () => {
    const get = await as(w, 'admin', 'GET', '/api/admin/public-settings');
    expect(get.json()).toMatchObject({ pointRules: { validReport: 10, firstReporter: 5, follow: 2 }, sensitiveMajors: ['04', '07', '10'] });
    expectError(await as(w, 'dispatcher', 'GET', '/api/admin/public-settings'), 403);
    expectError(await as(w, 'admin', 'PUT', '/api/admin/public-settings', { pointRules: { validReport: 10, firstReporter: 5, follow: 2 }, sensitiveMajors: ['99'] }), 422);
    expectError(await as(w, 'admin', 'PUT', '/api/admin/public-settings', { pointRules: { validReport: -1, firstReporter: 5, follow: 2 }, sensitiveMajors: [] }), 400);
    const put = await as(w, 'admin', 'PUT', '/api/admin/public-settings', { pointRules: { validReport: 20, firstReporter: 0, follow: 1 }, sensitiveMajors: ['07'] });
    expect(put.statusCode, put.body).toBe(200);
    try {
      const rec = (await post('/api/public/cases', report({ description: '井盖松动', categoryCode: '05001', deviceId: 'device-settings-000001', phone: '13911112222' }))).json() as PublicReceipt;
      await act(w, 'dispatcher', await caseOf(rec.caseCode), 'file');
      const t = (await w.app.inject({ url: `/api/public/track/${rec.trackingCode}` })).json() as PublicTrack;
      expect(t.points.entries[0]).toMatchObject({ points: 20, reason: 'valid_report' });
    } finally {
      await as(w, 'admin', 'PUT', '/api/admin/public-settings', { pointRules: { validReport: 10, firstReporter: 5, follow: 2 }, sensitiveMajors: ['04', '07', '10'] });
    }
  });
});

describe('callbacks (回访)', () => {
  it('lists closed public cases with a phone, records the callback, and 不满意 reopens', async () => {
    const rec = (await post('/api/public/cases', report({ description: '路灯不亮', categoryCode: '05001', deviceId: 'device-callback-00001' }))).json() as PublicReceipt;
    let c = await caseOf(rec.caseCode);
    for (const [role, action, extra] of [
      ['dispatcher', 'file', {}], ['dispatcher', 'dispatch', { departmentCode: c.departmentCode }], ['handler', 'accept', {}],
      ['handler', 'handle', {}], ['worker', 'verify_pass', {}], ['dispatcher', 'close', {}],
    ] as const) c = await act(w, role, c, action, extra);
    const list = (await as(w, 'dispatcher', 'GET', '/api/callbacks')).json() as { items: { caseId: number; reporterPhone: string }[] };
    expect(list.items.find((i) => i.caseId === c.id)?.reporterPhone).toBe('13800138000');
    expectError(await as(w, 'worker', 'GET', '/api/callbacks'), 403);
    expectError(await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/callback`, { reached: true }), 400);
    expect((await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/callback`, { reached: false })).json()).toEqual({ reopened: false });
    expect((await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/callback`, { reached: true, rating: 'unsatisfied', comment: '灯还是不亮' })).json()).toEqual({ reopened: true });
    expect((await caseOf(rec.caseCode)).status).toBe('in_progress');
  });
});

describe('bad input and abuse', () => {
  it('refuses bad codes, bad phones, blank text, unknown photos, and stores nothing', async () => {
    expectError(await w.app.inject({ url: '/api/public/track/K7M4Q-2XPR0' }), 400);
    expectError(await w.app.inject({ url: '/api/public/track/K7M4Q-2XPRB' }), 404);
    const before = (await w.db.pool.query('SELECT count(*)::int AS n FROM cases')).rows[0].n;
    for (const extra of [{ phone: '---' }, { phone: '0000000' }, { description: '   ' }, { description: 'a\u0000b' }, { deviceId: 'short' }, { photos: ['f'.repeat(64)] }, { categoryCode: '99999' }]) {
      const res = await post('/api/public/cases', report(extra));
      expect(res.statusCode, `${JSON.stringify(extra)} → ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    }
    expect((await w.db.pool.query('SELECT count(*)::int AS n FROM cases')).rows[0].n).toBe(before);
  });

  it('uploads a photo without login (no GPS in the answer) and throttles the same photo in report after report', async () => {
    const sharp = (await import('sharp')).default;
    const jpeg = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#884422' } })
      .jpeg()
      .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '36/1 4/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '120/1 22/1 0/1' } })
      .toBuffer();
    expectError(await w.app.inject({ method: 'POST', url: '/api/public/photos', headers: { 'content-type': 'image/jpeg' }, payload: jpeg }), 400);
    const up = await w.app.inject({ method: 'POST', url: '/api/public/photos', headers: { 'content-type': 'image/jpeg', 'x-gc-device': DEVICE }, payload: jpeg });
    expect(up.statusCode, up.body).toBe(201);
    const photo = up.json() as { id: string; gps: unknown; thumbUrl: string };
    expect(photo.gps).toBeNull();
    expect((await w.app.inject({ url: photo.thumbUrl })).statusCode).toBe(200);
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await post('/api/public/cases', report({ description: `照片风暴 ${i}`, photos: [photo.id], deviceId: `device-photo-storm-0${i}` }))).statusCode);
    expect(codes).toEqual([201, 201, 429]);
  });

  it('limits a storm of the same text with a clear 429 and Retry-After', async () => {
    const storm = report({ description: '同一段文字反复提交', deviceId: 'device-storm-000000001' });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await post('/api/public/cases', { ...storm, deviceId: `device-storm-00000000${i}` })).statusCode);
    expect(codes.slice(0, 2)).toEqual([201, 201]);
    expect(codes[2]).toBe(429);
    const res = await post('/api/public/cases', { ...storm, deviceId: 'device-storm-000000009' });
    expect(expectError(res, 429).code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});
