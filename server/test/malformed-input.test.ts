/**
 * Each malformed input found by testing by hand answers 4xx in the one error shape and stores nothing: ids beyond
 * int4, impossible dates, year 0000, text of spaces only, a phone without digits, URLs that are not UTF-8.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './api-expect.ts';
import { act, as, caseWorld, createCase, newCaseBody, type CaseWorld } from './cases-helpers.ts';

let w: CaseWorld;
let teamId: number;

/** Row counts of the tables these requests would write. */
async function counts(): Promise<string> {
  const { rows } = await w.db.pool.query<{ v: string }>(
    `SELECT concat_ws(',', (SELECT count(*) FROM cases), (SELECT count(*) FROM event), (SELECT count(*) FROM patrol_zone),
                      (SELECT count(*) FROM api_key), (SELECT count(*) FROM app_user), (SELECT max(version) FROM cases)) AS v`,
  );
  return rows[0]!.v;
}

beforeAll(async () => {
  w = await caseWorld();
  const { rows } = await w.db.pool.query<{ id: number }>('SELECT id FROM team ORDER BY id LIMIT 1');
  teamId = rows[0]!.id;
});
afterAll(async () => w?.close());

describe('malformed input found by testing', () => {
  it('ids beyond int4, impossible review dates', async () => {
    const c = await act(w, 'dispatcher', await createCase(w), 'file');
    const before = await counts();
    for (const extra of [
      { action: 'void', duplicateOf: 2 ** 31 },
      { action: 'void', duplicateOf: 2 ** 63 },
      { action: 'dispatch', teamId: 2 ** 31 },
      { action: 'dispatch', teamId: 1.5 },
      { action: 'park', reviewDate: '2099-02-30', reason: '等待' },
      { action: 'park', reviewDate: '0000-01-01', reason: '等待' },
      { action: 'dispatch', version: 2 ** 31 },
    ]) {
      const res = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { version: c.version, ...extra });
      expect(res.statusCode, `${JSON.stringify(extra)}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    }
    expect(await counts()).toBe(before);
  });

  it('a position at year 0000 or on a day that does not exist', async () => {
    const before = await counts();
    for (const at of ['0000-01-01T00:00:00Z', '2027-02-30T08:00:00+08:00', '2026-12-01T24:00:00Z']) {
      const body = newCaseBody(w, { position: { accuracyM: 5, at, source: 'gps' } });
      expectError(await as(w, 'worker', 'POST', '/api/cases', body), 400);
    }
    expect(await counts()).toBe(before);
  });

  it('text of spaces only, a phone of dashes', async () => {
    const before = await counts();
    expectError(await as(w, 'dispatcher', 'POST', '/api/cases', newCaseBody(w, { title: '   ' })), 400);
    expectError(await as(w, 'dispatcher', 'POST', '/api/cases', newCaseBody(w, { title: '\t\n' })), 400);
    expectError(await as(w, 'dispatcher', 'POST', '/api/cases', newCaseBody(w, { reporterPhone: '---' })), 400);
    expectError(await as(w, 'admin', 'POST', '/api/admin/wall-tokens', { name: '   ' }), 400);
    expectError(await as(w, 'admin', 'POST', '/api/admin/api-keys', { name: ' \u3000 ', ratePerMinute: 10 }), 400);
    expect(await counts()).toBe(before);
  });

  it('a patrol shift on 2027-02-30 or in year 0000', async () => {
    const before = await counts();
    for (const shift of [
      { start: '2027-02-30T08:00:00+08:00', end: '2027-03-01T08:00:00+08:00' },
      { start: '0000-01-01T08:00:00+08:00', end: '2027-03-01T08:00:00+08:00' },
    ]) {
      expectError(await as(w, 'dispatcher', 'POST', '/api/patrol-zones', { teamId, shift, gridCodes: [w.home.grid] }), 400);
    }
    expectError(await as(w, 'wall', 'GET', '/api/patrol-zones?at=2027-02-30T08:00:00%2B08:00'), 400);
    expect(await counts()).toBe(before);
  });

  it('query dates that do not exist, or in the wrong order', async () => {
    for (const qs of ['from=2099-02-30', 'to=0000-01-01', 'from=2026-11-20&to=2026-11-01']) {
      expectError(await as(w, 'dispatcher', 'GET', `/api/cases?${qs}`), 400);
      expectError(await as(w, 'dispatcher', 'GET', `/api/register?${qs}`), 400);
    }
  });

  it('percent-escapes that are not UTF-8, unknown query parameters', async () => {
    expect(expectError(await as(w, 'dispatcher', 'GET', '/api/register?q=%ED%B0%80'), 400).code).toBe('BAD_URL_ENCODING');
    expect(expectError(await as(w, 'dispatcher', 'GET', '/api/cases?q=%FF'), 400).code).toBe('BAD_URL_ENCODING');
    expectError(await w.app.inject({ url: '/api/grids?noSuch=1' }), 400);
    expectError(await w.app.inject({ url: '/api/areas?level=grid&cachebuster=1' }), 400);
  });

  it('a measured value a PostgreSQL real cannot hold is stored as 0, not a database error', async () => {
    const res = await as(w, 'worker', 'POST', '/api/cases', newCaseBody(w, { source: 'grid_worker', position: { accuracyM: 3.5e-248, source: 'gps' } }));
    expect(res.statusCode, res.body).toBe(201);
  });
});
