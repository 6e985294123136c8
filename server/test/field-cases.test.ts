/**
 * What the grid worker's phone does to cases: fixed on the spot (举手之劳), verification on site with its position,
 * photos added to a case instead of a duplicate, and the open cases near a new report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { Case, NearbyResponse } from '@gridcommand/shared/schemas';
import { expectError } from './api-expect.ts';
import { as, caseWorld, createCase, newCaseBody, type CaseWorld } from './cases-helpers.ts';

let w: CaseWorld;
let photos: string[];

beforeAll(async () => {
  w = await caseWorld();
  // photos as POST /api/photos leaves them (the writer checks they exist)
  photos = ['before', 'after', 'evidence', 'fail'].map((s) => createHash('sha256').update(s).digest('hex'));
  for (const id of photos) {
    await w.db.pool.query(`INSERT INTO photo (id, mime, bytes, width, height) VALUES ($1, 'image/jpeg', 1000, 640, 480)`, [id]);
  }
});
afterAll(async () => w?.close());

/** A case in the worker's grid moved to 'handled' (ready to be verified on site). */
async function handledCase(): Promise<Case> {
  let c = await createCase(w, { source: 'grid_worker' }, 'worker');
  for (const [role, action, extra] of [
    ['dispatcher', 'file', {}],
    ['dispatcher', 'dispatch', { departmentCode: c.departmentCode }],
    ['handler', 'accept', {}],
    ['handler', 'handle', {}],
  ] as const) {
    const res = await as(w, role, 'POST', `/api/cases/${c.id}/actions`, { action, version: c.version, ...extra });
    expect(res.statusCode, res.body).toBe(200);
    c = res.json() as Case;
  }
  return c;
}

describe('举手之劳: fixed on the spot', () => {
  it('reports and closes in one step, with before and after photos, counted apart', async () => {
    const res = await as(w, 'worker', 'POST', '/api/cases', newCaseBody(w, {
      source: 'grid_worker', photos: [photos[0]], fixedOnSpot: { afterPhotos: [photos[1]], note: '已当场清理' },
    }));
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json() as Case;
    expect(c).toMatchObject({ status: 'closed', light: 'none', fixedOnSpot: true, photos: [photos[0], photos[1]] });
    expect(c.closedAt).not.toBeNull();
    const { rows } = await w.db.pool.query<{ type: string; action: string | null }>(
      `SELECT type, payload->>'action' AS action FROM event WHERE case_id = $1 ORDER BY id`,
      [c.id],
    );
    expect(rows.map((r) => [r.type, r.action])).toEqual([
      ['case.created', null],
      ['case.closed', 'fix_on_spot'],
      ['case.light', null],
    ]);
    const list = (await as(w, 'leader', 'GET', '/api/cases?status=closed')).json() as { items: Case[] };
    expect(list.items.find((x) => x.id === c.id)?.fixedOnSpot).toBe(true);
    const reg = (await as(w, 'leader', 'GET', '/api/register?fixedOnSpot=true')).json() as { total: number; summary: { fixedOnSpot: number } };
    expect(reg.total).toBeGreaterThanOrEqual(1);
    expect(reg.summary.fixedOnSpot).toBe(reg.total);
  });

  it('is refused without a before photo, for roles other than grid workers, and with unknown photos', async () => {
    const noBefore = await as(w, 'worker', 'POST', '/api/cases', newCaseBody(w, { source: 'grid_worker', fixedOnSpot: { afterPhotos: [photos[1]] } }));
    expect(expectError(noBefore, 400).code).toBe('MISSING_FIELD');
    const dispatcher = await as(w, 'dispatcher', 'POST', '/api/cases', newCaseBody(w, { photos: [photos[0]], fixedOnSpot: { afterPhotos: [photos[1]] } }));
    expect(expectError(dispatcher, 403).code).toBe('FORBIDDEN_ACTION');
    const unknown = await as(w, 'worker', 'POST', '/api/cases', newCaseBody(w, { source: 'grid_worker', photos: ['f'.repeat(64)] }));
    expect(expectError(unknown, 422).code).toBe('UNKNOWN_PHOTO');
  });
});

describe('verification on site', () => {
  it('records the position and its distance; close by is fine, 2 km away is flagged', async () => {
    const near = await handledCase();
    const ok = await as(w, 'worker', 'POST', `/api/cases/${near.id}/actions`, {
      action: 'verify_pass', version: near.version, position: { lon: near.lon + 0.0002, lat: near.lat, accuracyM: 8, source: 'gps' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((ok.json() as Case).verification).toMatchObject({ result: 'pass', flagged: false, flagReason: null, byName: expect.any(String) });
    expect((ok.json() as Case).verification!.distanceM).toBeLessThan(30);

    const far = await handledCase();
    const res = await as(w, 'worker', 'POST', `/api/cases/${far.id}/actions`, {
      action: 'verify_fail', version: far.version, reason: '问题仍在', photos: [photos[3]],
      position: { lon: far.lon + 0.022, lat: far.lat, accuracyM: 10, source: 'gps' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json() as Case;
    expect(c.status).toBe('in_progress');
    expect(c.verification).toMatchObject({ result: 'fail', flagged: true, flagReason: 'far' });
    expect(c.verification!.distanceM).toBeGreaterThan(1_900);
    // the center sees it on the case, and in the event
    const seen = (await as(w, 'dispatcher', 'GET', `/api/cases/${far.id}`)).json() as Case;
    expect(seen.verification).toMatchObject({ flagged: true, flagReason: 'far' });
    const { rows } = await w.db.pool.query<{ v: { flagged: boolean; distanceM: number } }>(
      `SELECT payload->'verification' AS v FROM event WHERE case_id = $1 AND payload->>'action' = 'verify_fail'`,
      [far.id],
    );
    expect(rows[0]!.v.flagged).toBe(true);
  });

  it('a grid worker must send a position; the desk may verify without one (flagged)', async () => {
    const c = await handledCase();
    const none = await as(w, 'worker', 'POST', `/api/cases/${c.id}/actions`, { action: 'verify_pass', version: c.version });
    expect(expectError(none, 400).code).toBe('POSITION_REQUIRED');
    const admin = await as(w, 'admin', 'POST', `/api/cases/${c.id}/actions`, { action: 'verify_pass', version: c.version });
    expect(admin.statusCode).toBe(200);
    expect((admin.json() as Case).verification).toMatchObject({ flagged: true, flagReason: 'no_position' });
  });
});

describe('one case, not two', () => {
  it('lists open cases of the category near a report, and photos are added to one instead of a duplicate', async () => {
    const c = await createCase(w, { source: 'grid_worker', categoryCode: '01002' }, 'worker');
    const res = await as(w, 'worker', 'GET', `/api/cases/nearby?lon=${c.lon + 0.0002}&lat=${c.lat}&category=01002`);
    expect(res.statusCode, res.body).toBe(200);
    const near = res.json() as NearbyResponse;
    expect(near.radiusM).toBe(50);
    const hit = near.items.find((i) => i.case.id === c.id);
    expect(hit).toBeTruthy();
    expect(hit!.distanceM).toBeLessThan(50);
    expect(hit!.reporters).toBe(1);
    const far = (await as(w, 'worker', 'GET', `/api/cases/nearby?lon=${c.lon + 0.01}&lat=${c.lat}&category=01002`)).json() as NearbyResponse;
    expect(far.items.find((i) => i.case.id === c.id)).toBeUndefined();
    const other = (await as(w, 'worker', 'GET', `/api/cases/nearby?lon=${c.lon}&lat=${c.lat}&category=01003`)).json() as NearbyResponse;
    expect(other.items.find((i) => i.case.id === c.id)).toBeUndefined();

    const add = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/photos`, { photos: [photos[2]] });
    expect(add.statusCode, add.body).toBe(200);
    expect((add.json() as Case)).toMatchObject({ photos: [photos[2]], version: c.version + 1 });
    const again = (await as(w, 'worker', 'GET', `/api/cases/nearby?lon=${c.lon}&lat=${c.lat}&category=01002`)).json() as NearbyResponse;
    const h2 = again.items.find((i) => i.case.id === c.id)!;
    expect(h2.reporters).toBe(2);
    expect(h2.thumbUrls).toEqual([`/api/photos/${photos[2]}/thumb`]);
  });

  it('refuses bad nearby queries and photos for final or unknown cases', async () => {
    for (const qs of ['lon=200&lat=35&category=01001', 'lon=120&lat=35&category=1', 'lon=120&lat=35&category=01001&radiusM=0', 'lon=120&lat=35']) {
      expectError(await as(w, 'worker', 'GET', `/api/cases/nearby?${qs}`), 400);
    }
    expectError(await as(w, 'worker', 'POST', '/api/cases/999999/photos', { photos: [photos[2]] }), 404);
    const c = await createCase(w);
    expect(expectError(await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/photos`, { photos: ['a'.repeat(64)] }), 422).code).toBe('UNKNOWN_PHOTO');
    expectError(await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/photos`, { photos: [] }), 400);
  });
});
