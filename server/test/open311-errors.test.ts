/**
 * Open311 GeoReport v2, the refusals: the spec's error list with the right HTTP status in both formats, API keys
 * (admin routes, revocation, per-key limits), and the rest of the API keeping its own error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, caseWorld, type CaseWorld } from './cases-helpers.ts';
import { expectErrors, FORMATS, form, get, newKey, post, requestFields, V2 } from './open311-helpers.ts';

let w: CaseWorld;
let key: string;

beforeAll(async () => {
  w = await caseWorld();
  key = (await newKey(w)).key;
}, 120_000);
afterAll(async () => w?.close());

describe.each(FORMATS)('errors in %s', (fmt) => {
  const fields = (extra: Record<string, string> = {}) => requestFields(w, key, extra);
  const without = (...names: string[]) => Object.fromEntries(Object.entries(fields()).filter(([k]) => !names.includes(k)));

  it('403 without an api_key, or with an unknown one', async () => {
    expect(expectErrors(await post(w, fmt, form(without('api_key'))), fmt, 403)[0]).toMatch(/api_key/);
    expectErrors(await post(w, fmt, form(fields({ api_key: '' }))), fmt, 403);
    expect(expectErrors(await post(w, fmt, form(fields({ api_key: 'gc311_not-a-key' }))), fmt, 403)[0]).toMatch(/invalid api_key/);
  });

  it('400 without a service_code, 404 for an unknown one', async () => {
    expect(expectErrors(await post(w, fmt, form(without('service_code'))), fmt, 400)[0]).toMatch(/service_code/);
    expect(expectErrors(await post(w, fmt, form(fields({ service_code: '99999' }))), fmt, 404)[0]).toMatch(/99999/);
  });

  it('400 for a bad or missing location', async () => {
    expect(expectErrors(await post(w, fmt, form(without('long'))), fmt, 400)[0]).toMatch(/lat and long/);
    expect(expectErrors(await post(w, fmt, form(fields({ lat: 'abc' }))), fmt, 400)[0]).toMatch(/lat/);
    expectErrors(await post(w, fmt, form(fields({ lat: '95' }))), fmt, 400);
    expectErrors(await post(w, fmt, form(fields({ long: '0x10' }))), fmt, 400);
    // an address alone cannot be placed: we route by point
    expect(expectErrors(await post(w, fmt, form(without('lat', 'long'))), fmt, 400)[0]).toMatch(/address_string/);
    expect(expectErrors(await post(w, fmt, form(without('lat', 'long', 'address_string'))), fmt, 400)[0]).toMatch(/location/);
    // a point outside the district has no grid
    expect(expectErrors(await post(w, fmt, form(fields({ lat: '0', long: '0' }))), fmt, 400)[0]).toMatch(/outside the district/);
  });

  it('400 for bad fields', async () => {
    expect(expectErrors(await post(w, fmt, form(fields({ phone: 'call me maybe' }))), fmt, 400)[0]).toMatch(/phone/);
    expect(expectErrors(await post(w, fmt, form(fields({ media_url: 'javascript:alert(1)' }))), fmt, 400)[0]).toMatch(/media_url/);
    expect(expectErrors(await post(w, fmt, form(fields({ description: 'x'.repeat(4001) }))), fmt, 400)[0]).toMatch(/description/);
  });

  it('400 for a malformed form body and for a wrong content type', async () => {
    // the same field twice
    expect(expectErrors(await post(w, fmt, `${form(fields())}&lat=1`), fmt, 400)[0]).toMatch(/lat/);
    // a NUL character cannot be stored
    expectErrors(await post(w, fmt, `${form(fields())}&description=a%00b`), fmt, 400);
    expect(expectErrors(await post(w, fmt, JSON.stringify(fields()), 'application/json'), fmt, 400)[0]).toMatch(/x-www-form-urlencoded/);
    expectErrors(await post(w, fmt, 'hello', 'text/plain'), fmt, 400);
    expect(expectErrors(await w.app.inject({ method: 'POST', url: `${V2}/requests.${fmt}` }), fmt, 400)[0]).toMatch(/x-www-form-urlencoded body/);
    // a form without fields has no api_key
    expectErrors(await post(w, fmt, ''), fmt, 403);
  });

  it('404 for an unknown request, service or resource; 400 for a bad query', async () => {
    expect(expectErrors(await get(w, `${V2}/requests/HD20200101-000001.${fmt}`), fmt, 404)[0]).toMatch(/HD20200101-000001/);
    expectErrors(await get(w, `${V2}/services/99999.${fmt}`), fmt, 404);
    expectErrors(await get(w, `${V2}/tokens/abc123.${fmt}`), fmt, 404);
    expectErrors(await get(w, `${V2}/nothing-here.${fmt}`), fmt, 404);
    expectErrors(await w.app.inject({ method: 'DELETE', url: `${V2}/requests.${fmt}` }), fmt, 404);
    const far = await get(w, `${V2}/requests.${fmt}?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z`);
    expect(expectErrors(far, fmt, 400)[0]).toMatch(/90 days/);
    expectErrors(await get(w, `${V2}/requests.${fmt}?start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z`), fmt, 400);
    expect(expectErrors(await get(w, `${V2}/requests.${fmt}?start_date=yesterday`), fmt, 400)[0]).toMatch(/start_date/);
    expect(expectErrors(await get(w, `${V2}/requests.${fmt}?status=pending`), fmt, 400)[0]).toMatch(/status/);
    expect(expectErrors(await get(w, `${V2}/requests.${fmt}?status=open&status=closed`), fmt, 400)[0]).toMatch(/status/);
  });
});

describe('unknown formats and the rest of the API', () => {
  it('a resource without .json or .xml is a 404 in XML', async () => {
    expectErrors(await get(w, `${V2}/services/01001.html`), 'xml', 404);
    expectErrors(await get(w, `${V2}/services.yaml`), 'xml', 404);
  });

  it('the rest of the API keeps its own error shape', async () => {
    const res = await get(w, '/api/no-such-thing');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'NO_ROUTE' });
    // JSON bodies are still read outside /open311
    const bad = await as(w, 'admin', 'POST', '/api/admin/api-keys', { name: '', ratePerMinute: 0 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION' });
  });
});

describe('API keys', () => {
  it('only admins manage keys; the key is shown once and only its hash is stored', async () => {
    for (const role of ['dispatcher', 'leader', 'wall'] as const) {
      const res = await as(w, role, 'POST', '/api/admin/api-keys', { name: 'x', ratePerMinute: 5 });
      expect(res.statusCode).toBe(403);
      expect((await as(w, role, 'GET', '/api/admin/api-keys')).statusCode).toBe(403);
    }
    expect((await w.app.inject({ method: 'GET', url: '/api/admin/api-keys' })).statusCode).toBe(401);
    const made = await newKey(w, 'Street app', 30);
    expect(made).toMatchObject({ name: 'Street app', ratePerMinute: 30, revokedAt: null });
    expect(made.key).toMatch(/^gc311_[A-Za-z0-9_-]{40,}$/);
    const list = await as(w, 'admin', 'GET', '/api/admin/api-keys');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(made.key);
    expect((list.json() as { items: { id: number }[] }).items.map((k) => k.id)).toContain(made.id);
    const stored = await w.db.pool.query<{ key_hash: string }>('SELECT key_hash FROM api_key WHERE id = $1', [made.id]);
    expect(stored.rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.rows[0]!.key_hash).not.toContain(made.key);
  });

  it('a revoked key is refused at once', async () => {
    const k = await newKey(w, 'Short-lived app');
    expect((await post(w, 'json', form(requestFields(w, k.key)))).statusCode).toBe(201);
    const del = await as(w, 'admin', 'DELETE', `/api/admin/api-keys/${k.id}`);
    expect(del.statusCode, del.body).toBe(200);
    expect(del.json().revokedAt).toBeTruthy();
    for (const fmt of FORMATS) expect(expectErrors(await post(w, fmt, form(requestFields(w, k.key))), fmt, 403)[0]).toMatch(/revoked/);
    expect((await as(w, 'admin', 'DELETE', '/api/admin/api-keys/999999')).statusCode).toBe(404);
  });

  it('each key has its own per-minute limit: 429 with Retry-After beyond it', async () => {
    const slow = await newKey(w, 'Slow app', 2);
    const other = await newKey(w, 'Other app', 2);
    expect((await post(w, 'json', form(requestFields(w, slow.key)))).statusCode).toBe(201);
    expect((await post(w, 'json', form(requestFields(w, slow.key)))).statusCode).toBe(201);
    for (const fmt of FORMATS) {
      const res = await post(w, fmt, form(requestFields(w, slow.key)));
      expect(expectErrors(res, fmt, 429)[0]).toMatch(/2 requests a minute/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect((await post(w, 'json', form(requestFields(w, other.key)))).statusCode).toBe(201);
  });
});
