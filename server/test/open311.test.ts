/**
 * Open311 GeoReport v2, the contract: every method in JSON and XML, with the spec's field lists; personal data
 * never in a GET; sensitive categories at their grid's centre; a filed request is a case like any other.
 * Errors, keys and limits: open311-errors.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { Case } from '@gridcommand/shared/schemas';
import { as, caseWorld, createCase, type CaseWorld } from './cases-helpers.ts';
import { file, FORMATS, form, get, listOf, newKey, parseXml, PERSON, post, requestFields, V2 } from './open311-helpers.ts';

const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'lat',
  'long',
  'media_url',
].sort();
const W3 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;
const CODE = /^HD\d{8}-\d{6}$/;
/** the instant to the second (w3 date-times carry whole seconds) */
const sec = (v: unknown) => Math.floor(Date.parse(String(v)) / 1000);

let w: CaseWorld;
let key: string;
/** every GET body, to check no personal data is ever in one */
const bodies: string[] = [];
async function read(url: string, headers: Record<string, string> = {}) {
  const res = await get(w, url, headers);
  bodies.push(res.body);
  return res;
}

beforeAll(async () => {
  // absolute URLs come from the configured public URL, never from the caller's Host
  w = await caseWorld({ publicUrl: 'https://city.example' });
  key = (await newKey(w)).key;
}, 120_000);
afterAll(async () => w?.close());

describe('discovery and services', () => {
  it.each(FORMATS)('discovery.%s names the v2 endpoint and both formats', async (fmt) => {
    for (const url of [`/open311/discovery.${fmt}`, `${V2}/discovery.${fmt}`]) {
      const res = await read(url);
      expect(res.statusCode).toBe(200);
      const d = (fmt === 'json' ? res.json() : parseXml(res).discovery) as Record<string, unknown>;
      expect(d.changeset).toMatch(W3);
      const endpoints = fmt === 'json' ? (d.endpoints as Record<string, unknown>[]) : ((d.endpoints as Record<string, unknown>).endpoint as Record<string, unknown>[]);
      expect(endpoints).toHaveLength(1);
      const e = endpoints[0]!;
      expect(e.specification).toBe('http://wiki.open311.org/GeoReport_v2');
      expect(e.url).toMatch(/\/open311\/v2$/);
      expect(e.type).toBe('production');
      const formats = fmt === 'json' ? e.formats : (e.formats as Record<string, unknown>).format;
      expect(formats).toEqual(['text/xml', 'application/json']);
    }
  });

  it.each(FORMATS)('services.%s lists the catalogue with the spec fields', async (fmt) => {
    const res = await read(`${V2}/services.${fmt}?jurisdiction_id=city.example`);
    expect(res.statusCode).toBe(200);
    const list = listOf(res, fmt, 'services', 'service');
    expect(list.length).toBeGreaterThan(50);
    const s = list.find((x) => x.service_code === '01001')!;
    expect(Object.keys(s).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']);
    expect(s.service_name).toBe('暴露垃圾');
    expect(s.group).toBe('市容环境');
    expect(String(s.metadata)).toBe('false');
    expect(s.type).toBe('realtime');
    expect(s.keywords).toBe('Exposed rubbish');
    expect(list.every((x) => /^\d{5}$/.test(String(x.service_code)))).toBe(true);
  });

  it('services in English for an English Accept-Language', async () => {
    const res = await read(`${V2}/services.json`, { 'accept-language': 'en-GB,en;q=0.8' });
    const s = (res.json() as Record<string, unknown>[]).find((x) => x.service_code === '01001')!;
    expect(s.service_name).toBe('Exposed rubbish');
  });

  it.each(FORMATS)('services/{code}.%s is a definition without attributes', async (fmt) => {
    const res = await read(`${V2}/services/01001.${fmt}`);
    expect(res.statusCode).toBe(200);
    if (fmt === 'json') expect(res.json()).toEqual({ service_code: '01001', attributes: [] });
    else expect(parseXml(res)).toEqual({ service_definition: { service_code: '01001', attributes: '' } });
  });
});

describe('POST requests and reading them back', () => {
  it.each(FORMATS)('POST requests.%s files a case and answers its id at once', async (fmt) => {
    const res = await post(w, fmt, form(requestFields(w, key)));
    expect(res.statusCode, res.body).toBe(201);
    const [r, ...rest] = listOf(res, fmt, 'service_requests', 'request');
    expect(rest).toEqual([]);
    expect(Object.keys(r!).sort()).toEqual(['account_id', 'service_notice', 'service_request_id']);
    expect(r!.service_request_id).toMatch(CODE);
    expect(r!.service_notice).toContain('垃圾');
    expect(r!.account_id).toBe('acct-42');
  });

  it.each(FORMATS)('GET requests/{id}.%s has the spec fields and nothing personal', async (fmt) => {
    const id = await file(w, key);
    const res = await read(`${V2}/requests/${id}.${fmt}`);
    expect(res.statusCode).toBe(200);
    const [r] = listOf(res, fmt, 'service_requests', 'request');
    expect(Object.keys(r!).sort()).toEqual(REQUEST_FIELDS);
    expect(r!.service_request_id).toBe(id);
    expect(r!.status).toBe('open');
    expect(r!.status_notes).toBe('已收到');
    expect(r!.service_code).toBe('01001');
    expect(r!.service_name).toBe('暴露垃圾');
    expect(r!.description).toBe('Rubbish & <bags> "left" by the gate');
    expect(r!.agency_responsible).toBeTruthy();
    for (const f of ['requested_datetime', 'updated_datetime', 'expected_datetime']) expect(r![f]).toMatch(W3);
    expect(Date.parse(r!.expected_datetime as string)).toBeGreaterThan(Date.parse(r!.requested_datetime as string));
    expect(r!.address).toBe('测试路 8 号');
    expect(Number(r!.lat)).toBeCloseTo(w.home.lat, 9);
    expect(Number(r!.long)).toBeCloseTo(w.home.lon, 9);
    expect(r!.media_url).toBe('https://media.example.org/p/1.jpg?a=1&b=2');
  });

  it('the expected time is the case\'s resolve-by clock, and the stage follows the case', async () => {
    const id = await file(w, key);
    const cases = (await as(w, 'dispatcher', 'GET', `/api/cases?q=${id}`)).json() as { items: Case[] };
    const c = cases.items[0]!;
    expect(c.code).toBe(id);
    const [r] = (await read(`${V2}/requests/${id}.json`)).json() as Record<string, unknown>[];
    expect(sec(r!.expected_datetime)).toBe(sec(c.resolveBy));
    const act = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'void', version: c.version, reason: 'duplicate' });
    expect(act.statusCode, act.body).toBe(200);
    const [v] = (await read(`${V2}/requests/${id}.json`, { 'accept-language': 'en' })).json() as Record<string, unknown>[];
    expect(v!.status).toBe('closed');
    expect(v!.status_notes).toBe('Not accepted');
    expect(sec(v!.updated_datetime)).toBe(sec((act.json() as Case).voidedAt));
  });

  it('a filed request is a public case for the dispatcher, with its case.created event', async () => {
    const id = await file(w, key);
    const res = await as(w, 'dispatcher', 'GET', `/api/cases?source=public&q=${id}`);
    expect(res.statusCode).toBe(200);
    const c = (res.json() as { items: Case[] }).items[0]!;
    expect(c.code).toBe(id);
    expect(c.source).toBe('public');
    expect(c.gridCode).toBe(w.home.grid);
    expect(c.reporterName).toBe(`${PERSON.first_name} ${PERSON.last_name}`);
    expect(c.reporterPhone).toBe(PERSON.phone);
    const ev = await w.db.pool.query<{ type: string; actor_role: string; username: string }>(
      `SELECT e.type, e.actor_role, u.username FROM event e JOIN app_user u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.id`,
      [c.id],
    );
    expect(ev.rows[0]).toEqual({ type: 'case.created', actor_role: 'public', username: 'open311' });
    const stored = await w.db.pool.query('SELECT media_url FROM open311_request o JOIN cases c ON c.id = o.case_id WHERE c.code = $1', [id]);
    expect(stored.rows[0].media_url).toBe('https://media.example.org/p/1.jpg?a=1&b=2');
  });

  it.each(FORMATS)('GET requests.%s filters by id list, service code, status and dates', async (fmt) => {
    const a = await file(w, key);
    const b = await file(w, key, { service_code: '01002' });
    const byIds = listOf(await read(`${V2}/requests.${fmt}?service_request_id=${a},${b}&status=closed`), fmt, 'service_requests', 'request');
    expect(byIds.map((r) => r.service_request_id).sort()).toEqual([a, b].sort());
    const byCode = listOf(await read(`${V2}/requests.${fmt}?service_code=01002`), fmt, 'service_requests', 'request');
    expect(byCode.map((r) => r.service_request_id)).toContain(b);
    expect(byCode.every((r) => r.service_code === '01002')).toBe(true);
    const open = listOf(await read(`${V2}/requests.${fmt}?status=open`), fmt, 'service_requests', 'request');
    expect(open.map((r) => r.service_request_id)).toEqual(expect.arrayContaining([a, b]));
    expect(open.every((r) => r.status === 'open')).toBe(true);
    const closed = listOf(await read(`${V2}/requests.${fmt}?status=closed&service_code=01002`), fmt, 'service_requests', 'request');
    expect(closed.map((r) => r.service_request_id)).not.toContain(b);
    const now = Date.now();
    const range = `start_date=${new Date(now - 3_600_000).toISOString()}&end_date=${new Date(now + 3_600_000).toISOString()}`;
    const inRange = listOf(await read(`${V2}/requests.${fmt}?${range}`), fmt, 'service_requests', 'request');
    expect(inRange.map((r) => r.service_request_id)).toEqual(expect.arrayContaining([a, b]));
    const past = listOf(await read(`${V2}/requests.${fmt}?end_date=2020-01-01T00:00:00Z`), fmt, 'service_requests', 'request');
    expect(past).toEqual([]);
    // an empty optional parameter is the same as none
    const empty = listOf(await read(`${V2}/requests.${fmt}?status=&service_code=&start_date=`), fmt, 'service_requests', 'request');
    expect(empty.map((r) => r.service_request_id)).toEqual(expect.arrayContaining([a, b]));
  });

  it('a sensitive category (07) is shown at its grid centre, never at its point', async () => {
    const { rows } = await w.db.pool.query<{ lon: number; lat: number; clon: number; clat: number; name: string }>(
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat, ST_X(a.label_point) AS clon, ST_Y(a.label_point) AS clat, a.name
       FROM area a, LATERAL (SELECT ST_GeometryN(ST_GeneratePoints(a.geom, 1, 7), 1) AS p) g WHERE a.code = $1`,
      [w.home.grid],
    );
    const pt = rows[0]!;
    const id = await file(w, key, { service_code: '07001', lat: String(pt.lat), long: String(pt.lon), address_string: '幸福小区 3 栋 502' });
    for (const fmt of FORMATS) {
      const res = await read(`${V2}/requests/${id}.${fmt}`);
      const [r] = listOf(res, fmt, 'service_requests', 'request');
      expect(Number(r!.lat)).toBeCloseTo(pt.clat, 9);
      expect(Number(r!.long)).toBeCloseTo(pt.clon, 9);
      expect(res.body).not.toContain(String(pt.lat));
      expect(res.body).not.toContain(String(pt.lon));
      expect(res.body).not.toContain('502');
      expect(r!.address).toContain(pt.name);
    }
    // staff still see the exact point
    const c = ((await as(w, 'dispatcher', 'GET', `/api/cases?q=${id}`)).json() as { items: Case[] }).items[0]!;
    expect(c.lat).toBeCloseTo(pt.lat, 9);
  });

  it('a case with photos shows its thumbnail as an absolute media_url; its reporter stays hidden', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } }).jpeg().toBuffer();
    const up = await w.app.inject({ method: 'POST', url: '/api/photos', headers: { cookie: w.cookies.dispatcher, 'x-gc-csrf': '1', 'content-type': 'image/jpeg' }, payload: jpeg });
    expect(up.statusCode, up.body).toBeLessThan(300);
    const photo = (up.json() as { id: string }).id;
    const c = await createCase(w, { photos: [photo], reporterName: PERSON.last_name, reporterPhone: PERSON.phone, source: 'public' });
    for (const fmt of FORMATS) {
      const res = await read(`${V2}/requests/${c.code}.${fmt}`, { host: 'city.example' });
      const [r] = listOf(res, fmt, 'service_requests', 'request');
      expect(r!.media_url).toBe(`https://city.example/api/photos/${photo}/thumb`);
    }
  });

  it('lists only what the public filed: a staff-written case is not a public request', async () => {
    const c = await createCase(w, { source: 'hotline' });
    expect((await read(`${V2}/requests/${c.code}.json`)).statusCode).toBe(404);
    const all = (await read(`${V2}/requests.json`)).json() as { service_request_id: string }[];
    expect(all.map((r) => r.service_request_id)).not.toContain(c.code);
  });

  it('text XML cannot carry is left out, and markup is escaped', async () => {
    const id = await file(w, key, { description: 'bell\u0007 ]]> &amp; <b>x</b>' });
    const [x] = listOf(await read(`${V2}/requests/${id}.xml`), 'xml', 'service_requests', 'request');
    expect(x!.description).toBe('bell ]]> &amp; <b>x</b>');
    const [j] = (await read(`${V2}/requests/${id}.json`)).json() as Record<string, unknown>[];
    expect(j!.description).toBe('bell\u0007 ]]> &amp; <b>x</b>');
  });

  it('no GET ever carries the reporter\'s name, phone or email', async () => {
    const all = await read(`${V2}/requests.json`);
    const xml = await read(`${V2}/requests.xml`);
    expect((all.json() as unknown[]).length).toBeGreaterThan(5);
    expect(xml.statusCode).toBe(200);
    expect(bodies.length).toBeGreaterThan(20);
    for (const body of bodies) {
      for (const v of Object.values(PERSON)) expect(body).not.toContain(v);
      expect(body).not.toContain('device-1');
    }
  });
});
