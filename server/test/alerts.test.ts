/** Public CAP 1.2 alerts of emergency cases: messages along a case's life, the Atom feed, schema validity, no personal data. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import type { Case } from '@gridcommand/shared/schemas';
import { isCapToken } from '@gridcommand/shared/domain';
import { expectError } from './api-expect.ts';
import { act, caseWorld, createCase, type CaseWorld } from './cases-helpers.ts';
import { atomXml, capXml, xmlText } from '../src/modules/alerts/render.ts';
import type { CapMessage } from '../src/modules/alerts/service.ts';

const XSD = readFileSync(join(import.meta.dirname, 'fixtures', 'CAP-v1.2.xsd'), 'utf8');
const SECRETS = { reporterName: '王秘密', reporterPhone: '13912345678', description: '描述秘密XYZ 门牌后院', title: '标题秘密ABC', address: '秘密路 99 号' };

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, attributeNamePrefix: '@_', isArray: (name) => ['entry', 'info', 'polygon', 'geocode', 'link'].includes(name) });

let w: CaseWorld;
let teamId: number;
let bbox: { xmin: number; ymin: number; xmax: number; ymax: number };
/** every XML and JSON body an alert route answered, for the personal-data check */
const seen: string[] = [];

async function get(url: string) {
  const res = await w.app.inject({ method: 'GET', url });
  seen.push(res.body);
  return res;
}

async function validCap(xml: string): Promise<void> {
  const r = await validateXML({ xml: { fileName: 'alert.xml', contents: xml }, schema: { fileName: 'CAP-v1.2.xsd', contents: XSD } });
  expect(r.errors.map((e) => e.message), xml).toEqual([]);
  expect(r.valid).toBe(true);
}

interface Summary {
  identifier: string;
  sent: string;
  msgType: string;
  caseCode: string;
  responseType: string;
  url: string;
}

async function summaries(caseCode: string): Promise<Summary[]> {
  const res = await get('/api/alerts.json?limit=200');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: Summary[] }).items.filter((i) => i.caseCode === caseCode);
}

/** The CAP message of a feed item: fetched, schema-checked and parsed. */
async function message(item: Summary) {
  const res = await get(new URL(item.url).pathname);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/cap\+xml/);
  await validCap(res.body);
  return parser.parse(res.body).alert as Record<string, unknown> & { info: Record<string, unknown>[] };
}

beforeAll(async () => {
  w = await caseWorld();
  const t = await w.db.pool.query<{ id: number }>("SELECT id FROM team WHERE status = 'available' ORDER BY id LIMIT 1");
  teamId = t.rows[0]!.id;
  const b = await w.db.pool.query<{ xmin: number; ymin: number; xmax: number; ymax: number }>(
    "SELECT ST_XMin(geom) AS xmin, ST_YMin(geom) AS ymin, ST_XMax(geom) AS xmax, ST_YMax(geom) AS ymax FROM area WHERE level = 'district'",
  );
  bbox = b.rows[0]!;
});

afterAll(async () => {
  await w?.close();
});

describe('the messages of an emergency case', () => {
  let c: Case;

  it('publishes an Alert when an emergency case is reported', async () => {
    c = await createCase(w, { priority: 'emergency', categoryCode: '04001', ...SECRETS });
    const items = await summaries(c.code);
    expect(items).toHaveLength(1);
    expect(items[0]!.msgType).toBe('Alert');
    const a = await message(items[0]!);
    expect(a).toMatchObject({ '@_xmlns': 'urn:oasis:names:tc:emergency:cap:1.2', status: 'Actual', msgType: 'Alert', scope: 'Public', incidents: c.code });
    expect(a.references).toBeUndefined();
    expect(isCapToken(String(a.identifier)) && isCapToken(String(a.sender))).toBe(true);
    expect(a.sent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(a.info.map((i) => i.language)).toEqual(['zh-CN', 'en']);
    expect(a.info[0]).toMatchObject({ category: 'Fire', event: '火情', urgency: 'Immediate', severity: 'Severe', certainty: 'Likely', responseType: 'Avoid' });
    expect(a.info[1]).toMatchObject({ category: 'Fire', event: 'Fire' });
  });

  it('publishes Updates referencing the earlier messages as the case is filed and dispatched', async () => {
    c = await act(w, 'dispatcher', c, 'file');
    c = await act(w, 'dispatcher', c, 'dispatch', { teamId });
    const items = await summaries(c.code);
    expect(items.map((i) => i.msgType)).toEqual(['Update', 'Update', 'Alert']);
    const [dispatched, filed, first] = items as [Summary, Summary, Summary];
    const a = await message(dispatched);
    const sender = String(a.sender);
    expect(a.references).toBe(`${sender},${first.identifier},${first.sent} ${sender},${filed.identifier},${filed.sent}`);
    expect(a.info[0]).toMatchObject({ certainty: 'Observed', urgency: 'Immediate' });
    expect(String(a.info[0]!.description)).toContain('已派遣');
  });

  it('publishes an AllClear Update when the case is closed', async () => {
    // the handler role sees its own department's cases only; the admin takes every action
    c = await act(w, 'admin', c, 'accept');
    c = await act(w, 'admin', c, 'handle');
    c = await act(w, 'worker', c, 'verify_pass');
    c = await act(w, 'dispatcher', c, 'close');
    const items = await summaries(c.code);
    expect(items).toHaveLength(7);
    expect(items[0]).toMatchObject({ msgType: 'Update', responseType: 'AllClear' });
    const a = await message(items[0]!);
    expect(a.info[0]).toMatchObject({ responseType: 'AllClear', urgency: 'Past' });
    expect(String(a.references).split(' ')).toHaveLength(6);
  });

  it('publishes a Cancel of the earlier messages when a case is voided', async () => {
    let v = await createCase(w, { priority: 'emergency', categoryCode: '04007', ...SECRETS });
    v = await act(w, 'dispatcher', v, 'void', { reason: '误报' });
    const items = await summaries(v.code);
    expect(items.map((i) => i.msgType)).toEqual(['Cancel', 'Alert']);
    const a = await message(items[0]!);
    expect(a.references).toBe(`${String(a.sender)},${items[1]!.identifier},${items[1]!.sent}`);
    expect(a.note).toBeTruthy();
    expect(a.info[0]).toMatchObject({ category: 'Transport', responseType: 'None' });
  });

  it('publishes nothing for a case of normal priority', async () => {
    const n = await createCase(w, { priority: 'normal', categoryCode: '04001' });
    expect(await summaries(n.code)).toEqual([]);
    const { rows } = await w.db.pool.query<{ id: string }>('SELECT id::text FROM event WHERE case_id = $1', [n.id]);
    expectError(await get(`/api/alerts/${n.code}/${rows[0]!.id}`), 404);
  });

  it('gives the grid as a closed ring of lat,lon pairs inside the district, with its code', async () => {
    const [item] = await summaries(c.code);
    const a = await message(item!);
    const area = a.info[0]!.area as { areaDesc: string; polygon: string[]; geocode: { valueName: string; value: string }[] };
    expect(area.areaDesc).toContain(c.gridName);
    expect(area.areaDesc).toContain(c.streetName);
    expect(area.geocode).toContainEqual({ valueName: 'gridcommand:grid', value: c.gridCode });
    expect(area.polygon.length).toBeGreaterThan(0);
    for (const p of area.polygon) {
      const pairs = p.split(' ');
      expect(pairs.length).toBeGreaterThanOrEqual(4);
      expect(pairs[0]).toBe(pairs[pairs.length - 1]);
      for (const pair of pairs) {
        expect(pair).toMatch(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/);
        const [lat, lon] = pair.split(',').map(Number) as [number, number];
        expect(lat).toBeGreaterThanOrEqual(bbox.ymin - 1e-6);
        expect(lat).toBeLessThanOrEqual(bbox.ymax + 1e-6);
        expect(lon).toBeGreaterThanOrEqual(bbox.xmin - 1e-6);
        expect(lon).toBeLessThanOrEqual(bbox.xmax + 1e-6);
      }
    }
    // no exact point anywhere
    expect(JSON.stringify(a)).not.toContain(String(c.lon));
  });
});

describe('the Atom feed', () => {
  it('parses, lists newest first, and every entry links to a valid CAP message', async () => {
    const res = await get('/api/alerts');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
    const feed = parser.parse(res.body).feed as { '@_xmlns': string; id: string; updated: string; title: string; entry: Record<string, unknown>[] };
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(feed.entry.length).toBeGreaterThanOrEqual(9);
    const updated = feed.entry.map((e) => Date.parse(String(e.updated)));
    expect([...updated].sort((a, b) => b - a)).toEqual(updated);
    expect(feed.updated).toBe(feed.entry[0]!.updated);
    for (const e of feed.entry) {
      expect(e.id).toMatch(/^urn:uuid:/);
      const link = (e.link as Record<string, string>[])[0]!;
      expect(link['@_type']).toBe('application/cap+xml');
      const cap = await get(new URL(link['@_href']!).pathname);
      expect(cap.statusCode, link['@_href']).toBe(200);
      await validCap(cap.body);
      expect(parser.parse(cap.body).alert.identifier).toBe(e['cap:identifier']);
    }
  });

  it('honours limit and since', async () => {
    const one = parser.parse((await get('/api/alerts?limit=1')).body).feed;
    expect(one.entry).toHaveLength(1);
    const future = await get('/api/alerts.json?since=2099-01-01T00:00:00%2B08:00');
    expect(future.json().items).toEqual([]);
    const past = await get('/api/alerts.json?since=2000-01-01T00:00:00Z&limit=3');
    expect(past.json().items).toHaveLength(3);
    const empty = parser.parse((await get('/api/alerts?since=2099-01-01T00:00:00Z')).body).feed;
    expect(empty.entry).toBeUndefined();
    expect(empty.updated).toMatch(/^\d{4}-/);
  });

  it('refuses bad input with 400 and unknown messages with 404', async () => {
    for (const q of ['limit=0', 'limit=201', 'limit=abc', 'since=yesterday', 'since=2026-13-40T00:00:00Z', 'since=', 'other=1']) {
      expectError(await get(`/api/alerts?${q}`), 400);
      expectError(await get(`/api/alerts.json?${q}`), 400);
    }
    expectError(await get('/api/alerts/HD20261201-000001/abc'), 400);
    expectError(await get('/api/alerts/not-a-code/1'), 400);
    expectError(await get('/api/alerts/HD20991201-000001/1'), 404);
  });

  it('never carries personal data or free text', async () => {
    const all = seen.join('\n');
    for (const s of Object.values(SECRETS)) expect(all).not.toContain(s);
    expect(all).not.toContain('误报');
  });
});

describe('the XML', () => {
  it('escapes markup and drops characters XML cannot carry', async () => {
    const evil = 'a<b>&"\'c\u0000\u0007\ud800]]>';
    expect(xmlText(evil)).toBe('a<b>&"\'c]]>');
    const texts = { headline: evil, description: evil, instruction: evil };
    const m: CapMessage = {
      identifier: 'gridcommand:000000:HD20261201-000001:1',
      sender: 'gridcommand:000000',
      sent: '2026-12-01T18:10:00+08:00',
      status: 'Actual',
      msgType: 'Alert',
      scope: 'Public',
      note: null,
      references: null,
      incidents: 'HD20261201-000001',
      caseCode: 'HD20261201-000001',
      eventId: '1',
      urgency: 'Immediate',
      severity: 'Severe',
      certainty: 'Observed',
      responseType: 'Avoid',
      category: 'Fire',
      categoryCode: '04001',
      senderName: { 'zh-CN': evil, en: evil },
      event: { 'zh-CN': evil, en: evil },
      texts: { 'zh-CN': texts, en: texts },
      areaDesc: evil,
      gridCode: '000000000000000',
      streetCode: null,
      polygons: ['30,120 30.1,120 30.1,120.1 30,120'],
    };
    const xml = capXml(m);
    await validCap(xml);
    expect(parser.parse(xml).alert.info[0].headline).toBe('a<b>&"\'c]]>');
    const atom = parser.parse(atomXml({ district: { code: '000000', name: evil }, messages: [m] }, 'http://x', 'http://x/api/alerts?a=1&b=2', new Date()));
    expect(atom.feed.link[0]['@_href']).toBe('http://x/api/alerts?a=1&b=2');
    expect(atom.feed.entry[0].title).toBe('a<b>&"\'c]]>');
  });
});
