/**
 * The exports module (docs/exports.md): the limiter (pure), the XML helpers, and on a seeded history every file
 * against the list API (cases CSV / Excel / GeoJSON, areas GeoJSON), roles and bad filters, the queue (N running,
 * the next waits, overflow 503 + Retry-After, a queued client that leaves is dropped) and an Excel export whose
 * client leaves half-way giving its connection and its slot back.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '@gridcommand/shared/schemas';
import { ExportLeft, ExportLimiter, ExportQueueFull } from '../src/modules/exports/limiter.ts';
import { CASE_COLUMNS } from '../src/modules/exports/columns.ts';
import { columnName, xmlText } from '../src/modules/exports/xlsx.ts';
import { exportLimitsFromEnv } from '../src/modules/exports/index.ts';
import { login, sessionCookie } from './cases-helpers.ts';
import { statsWorld, type StatsWorld } from './stats-helpers.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('ExportLimiter', () => {
  it('runs N at once, queues the next in order, refuses beyond the queue', async () => {
    const l = new ExportLimiter(2, 2);
    const a = await l.acquire();
    const b = await l.acquire();
    expect([l.running, l.queued]).toEqual([2, 0]);
    const order: string[] = [];
    const c = l.acquire().then((r) => (order.push('c'), r));
    const d = l.acquire().then((r) => (order.push('d'), r));
    expect([l.running, l.queued]).toEqual([2, 2]);
    await expect(l.acquire()).rejects.toBeInstanceOf(ExportQueueFull);
    a();
    a(); // a second call does nothing
    const rc = await c;
    expect([l.running, l.queued, order]).toEqual([2, 1, ['c']]);
    b();
    const rd = await d;
    expect(order).toEqual(['c', 'd']);
    rc();
    rd();
    expect([l.running, l.queued]).toEqual([0, 0]);
  });

  it('drops a waiter whose signal aborts, and refuses an aborted signal at once', async () => {
    const l = new ExportLimiter(1, 3);
    const a = await l.acquire();
    const ac = new AbortController();
    const left = l.acquire(ac.signal);
    const next = l.acquire();
    expect(l.queued).toBe(2);
    ac.abort();
    await expect(left).rejects.toBeInstanceOf(ExportLeft);
    expect(l.queued).toBe(1);
    a();
    (await next)();
    expect([l.running, l.queued]).toEqual([0, 0]);
    await expect(l.acquire(AbortSignal.abort())).rejects.toBeInstanceOf(ExportLeft);
  });

  it.each([
    [0, 1],
    [1, -1],
    [1.5, 1],
  ])('refuses limits maxRunning=%s maxQueued=%s', (r, q) => {
    expect(() => new ExportLimiter(r, q)).toThrow();
  });

  it('reads its limits from the environment', () => {
    expect(exportLimitsFromEnv({})).toEqual({ maxRunning: 2, maxQueued: 8, maxRows: 2_000_000 });
    expect(exportLimitsFromEnv({ GC_EXPORT_CONCURRENCY: '3', GC_EXPORT_QUEUE: '0', GC_EXPORT_MAX_ROWS: '10' })).toEqual({ maxRunning: 3, maxQueued: 0, maxRows: 10 });
    expect(() => exportLimitsFromEnv({ GC_EXPORT_CONCURRENCY: '0' })).toThrow(/GC_EXPORT_CONCURRENCY/);
  });
});

describe('xlsx helpers', () => {
  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [28, 'AC'],
    [701, 'ZZ'],
    [702, 'AAA'],
  ])('column %i is %s', (i, name) => expect(columnName(i)).toBe(name));

  it.each([
    ['a<b>&"c"', 'a&lt;b&gt;&amp;&quot;c&quot;'],
    ['tab\tline\nok', 'tab\tline\nok'],
    ['bell\u0007nul\u0000', 'bellnul'],
    ['lone \uD800 surrogate', 'lone  surrogate'],
    ['pair 😀', 'pair 😀'],
  ])('xmlText(%j)', (s, want) => expect(xmlText(s)).toBe(want));
});

let w: StatsWorld;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  // one export at a time, one waiting: the queue tests below rely on it
  process.env.GC_EXPORT_CONCURRENCY = '1';
  process.env.GC_EXPORT_QUEUE = '1';
  // the 5,000 cases of the history are one too many for a file here: the limit test below relies on it
  process.env.GC_EXPORT_MAX_ROWS = '4999';
  w = await statsWorld();
  delete process.env.GC_EXPORT_CONCURRENCY;
  delete process.env.GC_EXPORT_QUEUE;
  delete process.env.GC_EXPORT_MAX_ROWS;
  for (const role of ['dispatcher', 'worker', 'handler']) cookies[role] = sessionCookie(await login(w.app, role));
  cookies.leader = w.leader;
});
afterAll(async () => {
  await w?.close();
});

const get = (url: string, role: string | null = 'leader') => w.app.inject({ method: 'GET', url, headers: role ? { cookie: cookies[role]! } : {} });

/** Every item of the list API for a filter, page by page. */
async function listed(filter: string): Promise<Case[]> {
  const out: Case[] = [];
  for (let offset = 0; ; offset += 500) {
    const r = await w.json<{ items: Case[]; total: number }>(`/api/cases?${filter}&limit=500&offset=${offset}`);
    out.push(...r.items);
    if (out.length >= r.total || r.items.length === 0) return out;
  }
}

function csvRecords(body: string): string[][] {
  expect(body.startsWith('\uFEFF')).toBe(true);
  // the test filters hold no quotes or line breaks in their cells; the register test parses the general case
  return body
    .slice(1)
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) => l.split(','));
}

describe('case exports', () => {
  const FILTER = 'status=closed&priority=urgent';

  it('GET /api/cases.csv holds the list API rows, in order, with the case columns', async () => {
    const want = await listed(FILTER);
    expect(want.length).toBeGreaterThan(10);
    const res = await get(`/api/cases.csv?${FILTER}`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="cases-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers['x-export-rows']).toBe(String(want.length));
    const records = csvRecords(res.body);
    expect(records[0]).toEqual(CASE_COLUMNS.map((c) => c.header));
    expect(records.slice(1).map((r) => r[0])).toEqual(want.map((c) => c.code));
    const lonAt = CASE_COLUMNS.findIndex((c) => c.header === '经度');
    expect(records.slice(1).map((r) => Number(r[lonAt]))).toEqual(want.map((c) => c.lon));
  });

  it('GET /api/cases.geojson: a FeatureCollection of the list rows as points, without personal data', async () => {
    const want = await listed(FILTER);
    const res = await get(`/api/cases.geojson?${FILTER}`, 'dispatcher');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/geo+json; charset=utf-8');
    const fc = JSON.parse(res.body) as { type: string; features: { id: string; geometry: { type: string; coordinates: number[] }; properties: Case }[] };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(want.length);
    expect(fc.features.map((f) => f.id)).toEqual(want.map((c) => c.code));
    fc.features.forEach((f, i) => {
      expect(f.geometry).toEqual({ type: 'Point', coordinates: [want[i]!.lon, want[i]!.lat] });
      expect(f.properties.reporterName ?? null).toBeNull();
      expect(f.properties.reporterPhone ?? null).toBeNull();
    });
    expect(res.body).not.toMatch(/1[3-9]\d{9}/);
    const none = await get('/api/cases.geojson?q=no-such-case-anywhere');
    expect(JSON.parse(none.body)).toEqual({ type: 'FeatureCollection', features: [] });
  });

  it('GET /api/cases.xlsx parses with exceljs and has the Chinese headers and the rows', async () => {
    const want = await listed(FILTER);
    const res = await get(`/api/cases.xlsx?${FILTER}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="cases-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('案件')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(CASE_COLUMNS.map((c) => c.header));
    expect(ws.rowCount).toBe(want.length + 1);
    const codes: string[] = [];
    ws.eachRow((row, n) => {
      if (n > 1) codes.push(String(row.getCell(1).value));
    });
    expect(codes).toEqual(want.map((c) => c.code));
    // numbers stay numbers
    expect(ws.getRow(2).getCell(CASE_COLUMNS.length).value).toBe(want[0]!.lat);
  });

  it('a filter holding more rows than a file may hold is 422 before any byte; limit or offset bring it under', async () => {
    const res = await get('/api/register.xlsx');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ statusCode: 422, code: 'EXPORT_TOO_LARGE' });
    expect(res.json().message).toMatch(/5000 rows.*4999/);
    expect((await get('/api/register.csv?offset=1')).headers['x-export-rows']).toBe('4999');
    expect((await get('/api/cases.geojson?limit=500')).statusCode).toBe(200);
    await until(() => w.app.exportLimiter.running === 0, 'the slots to come back');
  });

  it('limit and offset pick a window of the filter', async () => {
    const want = await listed(FILTER);
    const res = await get(`/api/cases.csv?${FILTER}&limit=4&offset=2`);
    expect(csvRecords(res.body).slice(1).map((r) => r[0])).toEqual(want.slice(2, 6).map((c) => c.code));
    expect(res.headers['x-export-rows']).toBe('4');
  });

  it.each([
    ['/api/cases.csv', 'worker', 403],
    ['/api/cases.xlsx', 'handler', 403],
    ['/api/register.csv', 'worker', 403],
    ['/api/cases.geojson', null, 401],
    ['/api/register.xlsx', null, 401],
  ])('%s as %s answers %i', async (url, role, status) => {
    const res = await get(url, role);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ statusCode: status });
  });

  it.each([
    '/api/cases.csv?from=yesterday',
    '/api/cases.xlsx?from=2026-11-10&to=2026-11-01',
    '/api/cases.geojson?status=nope',
    '/api/register.csv?limit=0',
    '/api/register.xlsx?bogus=1',
    '/api/cases.csv?q=%00',
    '/api/areas.geojson?level=planet',
  ])('%s is a 400 in the one error shape', async (url) => {
    const res = await get(url);
    expect(res.statusCode, res.body).toBe(400);
    expect(Object.keys(res.json()).sort()).toEqual(expect.arrayContaining(['error', 'message', 'statusCode']));
  });
});

describe('GET /api/areas.geojson', () => {
  it.each(['grid', 'community', 'street'])('level=%s: every area of the level, public', async (level) => {
    const { rows } = await w.db.pool.query<{ code: string }>(`SELECT code FROM area WHERE level = $1 ORDER BY code`, [level]);
    expect(rows.length).toBeGreaterThan(0);
    const res = await get(`/api/areas.geojson?level=${level}`, null);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="areas-${level}-\\d{4}-\\d{2}-\\d{2}\\.geojson"$`));
    const fc = JSON.parse(res.body) as { features: { id: string; geometry: { type: string }; properties: { level: string; name: string } }[] };
    expect(fc.features.map((f) => f.id)).toEqual(rows.map((r) => r.code));
    for (const f of fc.features) {
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
      expect(f.properties.level).toBe(level);
    }
  });

  it('defaults to the grids', async () => {
    const res = await get('/api/areas.geojson', null);
    const n = (await w.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM area WHERE level = 'grid'`)).rows[0]!.n;
    expect((JSON.parse(res.body) as { features: unknown[] }).features).toHaveLength(n);
  });
});

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick();
  }
}

/** Holds an exclusive lock on cases (exports wait in their count) until `release`. */
async function lockCases(): Promise<{ release(): Promise<void> }> {
  const c = new pg.Client({ connectionString: w.db.url });
  await c.connect();
  await c.query('BEGIN');
  await c.query('LOCK TABLE cases IN ACCESS EXCLUSIVE MODE');
  return {
    async release() {
      await c.query('ROLLBACK');
      await c.end();
    },
  };
}

async function listen(): Promise<number> {
  if (!w.app.server.listening) await w.app.listen({ port: 0, host: '127.0.0.1' });
  return (w.app.server.address() as AddressInfo).port;
}

describe('the export queue (1 running, 1 waiting in this file)', () => {
  it('runs one, queues the next, refuses the third with 503 + Retry-After; both finish whole', async () => {
    const limiter = w.app.exportLimiter;
    const lock = await lockCases();
    const a = get('/api/cases.csv?status=void');
    await until(() => limiter.running === 1, 'the first export to run');
    const b = get('/api/register.csv?status=void');
    await until(() => limiter.queued === 1, 'the second to wait');
    const c = await get('/api/cases.geojson?status=void');
    expect(c.statusCode).toBe(503);
    expect(c.headers['retry-after']).toBeDefined();
    expect(c.json()).toMatchObject({ statusCode: 503, code: 'EXPORT_BUSY' });
    await lock.release();
    const [ra, rb] = await Promise.all([a, b]);
    expect([ra.statusCode, rb.statusCode]).toEqual([200, 200]);
    expect(ra.headers['x-export-rows']).toBe(rb.headers['x-export-rows']);
    // the slot comes back once the transaction has ended, just after the last byte
    await until(() => limiter.running === 0 && limiter.queued === 0, 'the slots to come back');
  });

  it('drops a queued request whose client leaves', async () => {
    const limiter = w.app.exportLimiter;
    const port = await listen();
    const lock = await lockCases();
    const a = get('/api/cases.csv?status=void');
    await until(() => limiter.running === 1, 'the first export to run');
    const req = http.get({ host: '127.0.0.1', port, path: '/api/register.csv', headers: { cookie: cookies.leader! } });
    req.on('error', () => {});
    await until(() => limiter.queued === 1, 'the second to wait');
    req.destroy();
    await until(() => limiter.queued === 0, 'the queue to drop the request that left');
    expect(limiter.running).toBe(1);
    await lock.release();
    expect((await a).statusCode).toBe(200);
    await until(() => limiter.running === 0, 'the slot to come back');
  });

  it('an Excel export whose client leaves half-way ends: its connection and its slot come back', async () => {
    const limiter = w.app.exportLimiter;
    const pool = w.db.pool;
    const port = await listen();
    await new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/register.xlsx?offset=1', headers: { cookie: cookies.leader! } }, (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', () => {
          res.pause();
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    });
    await until(() => pool.totalCount - pool.idleCount === 0 && limiter.running === 0, 'the connection and the slot to come back');
    // no query of the export is left on the server
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE '%gc_export%' AND pid <> pg_backend_pid()`,
    );
    expect(rows[0]!.n).toBe(0);
    const again = await get('/api/register.xlsx?status=void');
    expect(again.statusCode).toBe(200);
  });
});

describe('HEAD of an export', () => {
  it('answers the headers and stops the export', async () => {
    const res = await w.app.inject({ method: 'HEAD', url: '/api/register.csv?status=closed', headers: { cookie: cookies.leader! } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-export-rows']).toMatch(/^\d+$/);
    expect(res.body).toBe('');
    const pool = w.db.pool;
    await until(() => pool.totalCount - pool.idleCount === 0 && w.app.exportLimiter.running === 0, 'the export to stop');
  });
});
