/**
 * The fuzzer: every route of the OpenAPI document, every parameter and body field, sent the bad input people and
 * attackers send (server/test/fuzz-schema.ts). No answer may be a 5xx; a refusal comes in the one error shape; what
 * must be refused is refused; and a refused write leaves the database exactly as it was (row count and the newest
 * row version of every table). A deterministic sweep covers every field with every class; fast-check then mixes
 * schema-derived valid values with bad ones at random.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { caseWorld, createCase, type CaseWorld, type TestRole } from './cases-helpers.ts';
import { arbitraryOf, badValues, resolver, type BadValue, type Json, type Schema } from './fuzz-schema.ts';

interface Parameter {
  in: 'query' | 'path' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  'x-roles'?: string | string[];
}
interface Route {
  method: string;
  path: string;
  op: Operation;
  role: TestRole | null;
}
interface Target {
  where: 'query' | 'path' | 'body';
  /** field path (one name for query and path; a path into the body) */
  at: string[];
  schema: Schema;
  required: boolean;
}
interface Finding {
  route: string;
  what: string;
  status: number;
  body: string;
}

/** Routes the fuzzer leaves to their own tests: endless streams and the reference page's assets. */
const SKIP = [/^\/api\/live/, /^\/api\/docs/, /^\/api\/openapi\.json$/];
const WRITES = new Set(['post', 'put', 'patch', 'delete']);

let w: CaseWorld;
let routes: Route[];
let resolve: (s: Schema) => Schema;
let samples: Record<string, Json>;
const findings: Finding[] = [];
/** the database's fingerprint as the last refused write left it (null: unknown, take it again) */
let known: Map<string, string> | null = null;
let knownXid: string | null = null;

/** The next transaction id the database will hand out: it moves with every transaction that writes. */
async function nextXid(): Promise<string> {
  const { rows } = await w.db.pool.query<{ x: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x');
  return rows[0]!.x;
}

/** Row count and newest row version (xmin) of every table: any insert, update or delete changes it. */
async function fingerprint(): Promise<Map<string, string>> {
  const { rows: tables } = await w.db.pool.query<{ t: string }>(
    `SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('pgmigrations', 'spatial_ref_sys') ORDER BY 1`,
  );
  // a session's last-seen time is touched by any request, refused or not: count its rows only; the audit log
  // records refusals that are meant to leave a trace (a failed login), so it is not part of "nothing written"
  const version = (t: string) => (t === 'user_session' ? `''` : `coalesce(max(xmin::text::bigint), 0)::text`);
  const sql = tables
    .filter(({ t }) => t !== 'audit_log')
    .map(({ t }) => `SELECT '${t}' AS t, count(*)::text || ':' || ${version(t)} AS v FROM ${t}`)
    .join(' UNION ALL ');
  const { rows } = await w.db.pool.query<{ t: string; v: string }>(sql);
  return new Map(rows.map((r) => [r.t, r.v]));
}

/** The tables whose fingerprint differs. */
function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((t) => a.get(t) !== b.get(t));
}

function roleFor(roles: Operation['x-roles']): TestRole | null {
  if (roles === 'public' || roles === undefined) return null;
  if (roles === 'any') return 'admin';
  const list = roles as TestRole[];
  return list.includes('admin') ? 'admin' : list[0]!;
}

function bodySchema(op: Operation): Schema | null {
  return op.requestBody?.content['application/json']?.schema ?? null;
}

/** The fields a route takes: query and path parameters, body fields (two levels deep). */
function targetsOf(op: Operation): Target[] {
  const out: Target[] = [];
  for (const p of op.parameters ?? []) if (p.in === 'query' || p.in === 'path') out.push({ where: p.in, at: [p.name], schema: p.schema, required: Boolean(p.required) });
  const body = bodySchema(op);
  if (body) {
    const walk = (s0: Schema, at: string[], depth: number) => {
      const s = resolve(s0);
      const variants = [s, ...(s.anyOf ?? s.oneOf ?? []).map(resolve)];
      const seen = new Set<string>();
      for (const v of variants) {
        const required = new Set(v.required ?? []);
        for (const [k, child] of Object.entries(v.properties ?? {})) {
          if (seen.has(k)) continue;
          seen.add(k);
          out.push({ where: 'body', at: [...at, k], schema: child, required: required.has(k) });
          if (depth < 1) walk(child, [...at, k], depth + 1);
        }
      }
    };
    walk(body, [], 0);
  }
  return out;
}

/** A request: path, query (each value a string, or several for a repeated parameter) and JSON body. */
interface Req {
  path: Record<string, string>;
  query: Record<string, string | string[]>;
  body: Json | undefined;
}

function sampleOf(name: string, s: Schema): Json | undefined {
  if (name in samples) {
    const v = samples[name]!;
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    if (type === 'integer' || type === 'number') return typeof v === 'number' ? v : undefined;
    if (s.pattern && typeof v === 'string' && !new RegExp(s.pattern).test(v)) return undefined;
    if (s.enum && !s.enum.includes(v)) return undefined;
    return v;
  }
  return undefined;
}

/** A base request with valid-looking values: required parameters and, in the body, what the schema generates. */
function baseArbitrary(route: Route): fc.Arbitrary<Req> {
  const params = route.op.parameters ?? [];
  const path = fc.record(Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => [p.name, arbitraryOf(p.schema, resolve, p.name, sampleOf).map(String)])));
  const query = fc.record(Object.fromEntries(params.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, arbitraryOf(p.schema, resolve, p.name, sampleOf).map(String)])));
  const body = bodySchema(route.op);
  return fc.record({
    path: path as fc.Arbitrary<Record<string, string>>,
    query: query as fc.Arbitrary<Record<string, string | string[]>>,
    body: body ? arbitraryOf(body, resolve, '', sampleOf) : fc.constant(undefined),
  });
}

function setAt(body: Json | undefined, at: string[], value: Json): Json {
  const root: Record<string, Json> = body && typeof body === 'object' && !Array.isArray(body) ? structuredClone(body) : {};
  let node = root;
  for (const k of at.slice(0, -1)) {
    const next = node[k];
    node[k] = next && typeof next === 'object' && !Array.isArray(next) ? next : {};
    node = node[k] as Record<string, Json>;
  }
  node[at[at.length - 1]!] = value;
  return root;
}

function withBad(base: Req, t: Target, bad: BadValue): Req {
  if (t.where === 'body') return { ...base, body: setAt(base.body, t.at, bad.value) };
  const text = typeof bad.value === 'string' ? bad.value : JSON.stringify(bad.value);
  if (t.where === 'path') return { ...base, path: { ...base.path, [t.at[0]!]: text } };
  return { ...base, query: { ...base.query, [t.at[0]!]: text } };
}

/** Percent-encoding that also sends lone surrogates (as their WTF-8 bytes, which encodeURIComponent refuses). */
function encode(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) out += `%${(0xe0 | (cp >> 12)).toString(16)}%${(0x80 | ((cp >> 6) & 0x3f)).toString(16)}%${(0x80 | (cp & 0x3f)).toString(16)}`.toUpperCase();
    else out += encodeURIComponent(ch);
  }
  return out;
}

function urlOf(route: Route, req: Req): string {
  const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => encode(req.path[name] ?? '1'));
  const parts: string[] = [];
  for (const [k, v] of Object.entries(req.query)) for (const one of Array.isArray(v) ? v : [v]) parts.push(`${encode(k)}=${encode(one)}`);
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

interface Sent {
  res: LightMyRequestResponse;
}

async function send(route: Route, req: Req, raw?: { payload: string; contentType: string }): Promise<Sent> {
  const headers: Record<string, string> = { 'x-gc-csrf': '1' };
  if (route.role) headers.cookie = w.cookies[route.role];
  let payload: string | undefined;
  if (raw) {
    payload = raw.payload;
    headers['content-type'] = raw.contentType;
  } else if (req.body !== undefined) {
    payload = JSON.stringify(req.body);
    headers['content-type'] = 'application/json';
  }
  const res = await w.app.inject({ method: route.method.toUpperCase() as 'GET', url: urlOf(route, req), headers, ...(payload !== undefined ? { payload } : {}) });
  return { res };
}

function isErrorShape(res: LightMyRequestResponse): boolean {
  try {
    const b = res.json() as Record<string, unknown>;
    return b.statusCode === res.statusCode && typeof b.error === 'string' && typeof b.message === 'string';
  } catch {
    return false;
  }
}

/** Sends one bad request and records what is wrong with the answer; true when nothing was. */
async function probe(route: Route, what: string, req: Req, mustRefuse: boolean, raw?: { payload: string; contentType: string }): Promise<boolean> {
  const write = WRITES.has(route.method);
  const xidBefore = write ? await nextXid() : null;
  const before = write ? (known && knownXid === xidBefore ? known : await fingerprint()) : null;
  known = null;
  const { res } = await send(route, req, raw);
  const name = `${route.method.toUpperCase()} ${route.path}`;
  const record = (problem: string) => {
    findings.push({ route: name, what: `${what}: ${problem}`, status: res.statusCode, body: res.body.slice(0, 200) });
    return false;
  };
  if (res.statusCode >= 500) return record('answered 5xx');
  if (res.statusCode >= 400) {
    if (!isErrorShape(res) && !route.path.startsWith('/open311/')) return record('a refusal not in the one error shape');
    if (before) {
      // no transaction id was handed out meanwhile: nothing can have been written
      const xidAfter = await nextXid();
      const after = xidAfter === xidBefore ? before : await fingerprint();
      const moved = changed(before, after);
      if (moved.length) return record(`refused, but the database changed (${moved.join(', ')})`);
      // unchanged: the next write's "before"
      known = after;
      knownXid = xidAfter;
    }
    return true;
  }
  if (mustRefuse) return record('accepted');
  return true;
}

beforeAll(async () => {
  // limits high enough that the fuzzer reaches validation instead of a 429
  w = await caseWorld({ loginRateLimit: 10_000 });
  const c = await createCase(w);
  const { rows } = await w.db.pool.query<{ street: string; zone: string; community: string; category: string }>(
    `SELECT street_code AS street, zone_code AS zone, community_code AS community, category_code AS category FROM cases WHERE id = $1`,
    [c.id],
  );
  const r = rows[0]!;
  samples = {
    id: c.id,
    caseId: c.id,
    code: w.home.grid,
    grid: w.home.grid,
    gridCode: w.home.grid,
    street: r.street,
    streetCode: r.street,
    zone: r.zone,
    community: r.community,
    caseCode: c.code,
    categoryCode: r.category,
    category: r.category,
    lon: w.home.lon,
    lat: w.home.lat,
    year: 2026,
    z: 14,
    x: 13000,
    y: 6000,
    version: c.version,
  };
  const res = await w.app.inject({ url: '/api/openapi.json' });
  const doc = res.json() as { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };
  resolve = resolver(doc.components?.schemas ?? {});
  routes = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (SKIP.some((re) => re.test(path))) continue;
    for (const [method, op] of Object.entries(ops)) routes.push({ method, path, op, role: roleFor(op['x-roles']) });
  }
}, 120_000);

afterAll(async () => {
  await w?.close();
});

function report(): string {
  return findings.map((f) => `${f.route} — ${f.what} (${f.status}) ${f.body}`).join('\n');
}

describe('the fuzzer', () => {
  it('covers the API', () => {
    expect(routes.length).toBeGreaterThan(80);
    expect(routes.filter((r) => targetsOf(r.op).length > 0).length).toBeGreaterThan(60);
  });

  it('every field of every route, with every class of bad value: 4xx in the one shape, nothing written', async () => {
    findings.length = 0;
    let sent = 0;
    const times: [string, number][] = [];
    for (const route of routes) {
      const t0 = performance.now();
      const [base] = fc.sample(baseArbitrary(route), { numRuns: 1, seed: 11 });
      for (const t of targetsOf(route.op)) {
        for (const bad of badValues(t.schema, resolve, t.at[t.at.length - 1]!, t.where, t.required)) {
          await probe(route, `${t.where} ${t.at.join('.')} = ${bad.kind}`, withBad(base!, t, bad), bad.refuse);
          sent++;
        }
        if (t.where === 'query') {
          await probe(route, `query ${t.at[0]} repeated`, { ...base!, query: { ...base!.query, [t.at[0]!]: ['1', '2'] } }, true);
          sent++;
        }
      }
      if (route.op.parameters?.some((p) => p.in === 'query')) {
        await probe(route, 'unknown query parameter', { ...base!, query: { ...base!.query, noSuchParameter: '1' } }, !route.path.startsWith('/open311/'));
        sent++;
      }
      if (bodySchema(route.op)) {
        await probe(route, 'unknown body field', { ...base!, body: setAt(base!.body, ['noSuchField'], 1) }, true);
        await probe(route, 'malformed JSON', base!, true, { payload: '{"a": 1,', contentType: 'application/json' });
        await probe(route, 'JSON of a string', base!, true, { payload: '"text"', contentType: 'application/json' });
        await probe(route, 'an array body', base!, true, { payload: '[1,2]', contentType: 'application/json' });
        await probe(route, 'wrong content type', base!, true, { payload: JSON.stringify(base!.body), contentType: 'text/plain' });
        await probe(route, 'NUL in a field name', base!, true, { payload: '{"a\\u0000b": 1}', contentType: 'application/json' });
        sent += 6;
      }
      times.push([`${route.method} ${route.path}`, performance.now() - t0]);
    }
    if (process.env.GC_FUZZ_TIMES) console.log(times.sort((x, y) => y[1] - x[1]).slice(0, 15).map(([r, ms]) => `${Math.round(ms)} ms ${r}`).join('\n'));
    console.log(`fuzzer: ${sent} requests to ${routes.length} routes`);
    expect(sent).toBeGreaterThan(1500);
    expect(findings, report()).toEqual([]);
  }, 600_000);

  it('dates in the wrong order are refused', async () => {
    findings.length = 0;
    for (const route of routes) {
      const names = new Set((route.op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
      for (const [from, to] of [['from', 'to'], ['start_date', 'end_date']] as const) {
        if (!names.has(from) || !names.has(to)) continue;
        const [base] = fc.sample(baseArbitrary(route), { numRuns: 1, seed: 3 });
        await probe(route, `${from} after ${to}`, { ...base!, query: { ...base!.query, [from]: '2026-11-20', [to]: '2026-11-01' } }, true);
      }
    }
    expect(findings, report()).toEqual([]);
  }, 120_000);

  it('random mixes of schema-derived values and bad values (fast-check)', async () => {
    findings.length = 0;
    const withTargets = routes.filter((r) => targetsOf(r.op).length > 0);
    const arbitrary = fc.constantFrom(...withTargets).chain((route) => {
      const targets = targetsOf(route.op);
      return fc.record({
        route: fc.constant(route),
        base: baseArbitrary(route),
        hits: fc.array(
          fc.constantFrom(...targets).chain((t) => fc.record({ t: fc.constant(t), bad: fc.constantFrom(...badValues(t.schema, resolve, t.at[t.at.length - 1]!, t.where, t.required)) })),
          { minLength: 1, maxLength: 3 },
        ),
      });
    });
    // fc.check, not fc.assert: the findings list says what failed without printing megabyte counterexamples
    const result = await fc.check(
      fc.asyncProperty(arbitrary, async ({ route, base, hits }) => {
        // a later hit on the same field replaces the earlier one
        const last = [...new Map(hits.map((h) => [`${h.t.where}:${h.t.at.join('.')}`, h])).values()];
        let req = base;
        for (const h of last) req = withBad(req, h.t, h.bad);
        const what = last.map((h) => `${h.t.where} ${h.t.at.join('.')} = ${h.bad.kind}`).join(', ');
        return probe(route, what, req, last.some((h) => h.bad.refuse));
      }),
      { numRuns: 400, seed: 20261201, endOnFailure: true },
    );
    expect(findings, report()).toEqual([]);
    expect(result.failed).toBe(false);
  }, 300_000);
});
