/** Shared set-up of the Open311 tests: form posts, both formats read back into plain values, API keys. */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { as, type CaseWorld } from './cases-helpers.ts';

export const V2 = '/open311/v2';
export const FORMATS = ['json', 'xml'] as const;
export type Fmt = (typeof FORMATS)[number];

const parser = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['service', 'request', 'error', 'endpoint', 'format'].includes(name),
});

/** The XML body as an object (the declaration checked and dropped). */
export function parseXml(res: LightMyRequestResponse): Record<string, unknown> {
  expect(res.headers['content-type']).toMatch(/^text\/xml; charset=utf-8/);
  expect(res.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  const doc = parser.parse(res.body) as Record<string, unknown>;
  delete doc['?xml'];
  return doc;
}

/** A list answer in either format, as an array of records of strings (XML) or values (JSON). */
export function listOf(res: LightMyRequestResponse, fmt: Fmt, root: string, item: string): Record<string, unknown>[] {
  if (fmt === 'json') {
    expect(res.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
    const body = res.json() as unknown;
    expect(Array.isArray(body)).toBe(true);
    return body as Record<string, unknown>[];
  }
  const doc = parseXml(res);
  expect(Object.keys(doc)).toEqual([root]);
  const inner = doc[root];
  if (inner === '' || inner === undefined) return [];
  return ((inner as Record<string, unknown>)[item] as Record<string, unknown>[]) ?? [];
}

/** Expects an Open311 error list with this HTTP status; returns the descriptions. */
export function expectErrors(res: LightMyRequestResponse, fmt: Fmt, status: number): string[] {
  expect(res.statusCode, res.body).toBe(status);
  const errors = listOf(res, fmt, 'errors', 'error');
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) {
    expect(Object.keys(e).sort()).toEqual(['code', 'description']);
    expect(String(e.code)).toBe(String(status));
    expect(typeof e.description).toBe('string');
    expect((e.description as string).length).toBeGreaterThan(0);
  }
  return errors.map((e) => e.description as string);
}

export function form(fields: Record<string, string | number | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, String(x));
  return p.toString();
}

export function post(w: CaseWorld, fmt: Fmt, payload: string, contentType = 'application/x-www-form-urlencoded; charset=utf-8'): Promise<LightMyRequestResponse> {
  return w.app.inject({ method: 'POST', url: `${V2}/requests.${fmt}`, headers: { 'content-type': contentType }, payload });
}

export function get(w: CaseWorld, url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return w.app.inject({ method: 'GET', url, headers });
}

export async function newKey(w: CaseWorld, name = 'Citizen app', ratePerMinute = 1000): Promise<{ id: number; key: string }> {
  const res = await as(w, 'admin', 'POST', '/api/admin/api-keys', { name, ratePerMinute });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; key: string };
}

/** Personal data sent with the test requests: none of it may appear in any GET. */
export const PERSON = { first_name: 'Xiaoming', last_name: 'Wangpersonal', email: 'xiaoming.private@example.org', phone: '13912345678' };

export function requestFields(w: CaseWorld, key: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    api_key: key,
    jurisdiction_id: 'city.example',
    service_code: '01001',
    lat: String(w.home.lat),
    long: String(w.home.lon),
    address_string: '测试路 8 号',
    description: 'Rubbish & <bags> "left" by the gate',
    media_url: 'https://media.example.org/p/1.jpg?a=1&b=2',
    device_id: 'device-1',
    account_id: 'acct-42',
    ...PERSON,
    ...extra,
  };
}

/** Files a request (JSON answer) and returns its service_request_id. */
export async function file(w: CaseWorld, key: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await post(w, 'json', form(requestFields(w, key, extra)));
  expect(res.statusCode, res.body).toBe(201);
  const [r] = res.json() as { service_request_id: string }[];
  return r!.service_request_id;
}
