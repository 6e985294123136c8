/**
 * The OpenAPI document covers the API: every route under /api/, /tiles/ and /open311/ is described, with its path
 * parameters, a success and an error response, and the roles it allows; the reference page is served from here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { isDocumented } from '../src/modules/openapi/index.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';

interface Operation {
  parameters?: { in: string; name: string }[];
  responses?: Record<string, unknown>;
  requestBody?: unknown;
  'x-roles'?: unknown;
}

let db: TestDatabase;
let app: FastifyInstance;
let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };

beforeAll(async () => {
  db = await testDatabase();
  app = await buildApp({ config: { ...loadConfig({}), clientDist: null, lightJobIntervalMs: 0 }, pool: db.pool });
  const res = await app.inject({ url: '/api/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

/** Fastify's '/api/cases/:id' as OpenAPI's '/api/cases/{id}'. */
const openapiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1', () => {
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes every route completely', () => {
    const routes = app.routeList.filter((r) => isDocumented(r.url) && !r.url.startsWith('/api/docs') && r.url !== '/api/openapi.json');
    expect(routes.length).toBeGreaterThan(60);
    const problems: string[] = [];
    for (const r of routes) {
      const path = openapiPath(r.url);
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      if (!op) {
        problems.push(`${r.method} ${r.url}: missing`);
        continue;
      }
      const codes = Object.keys(op.responses ?? {});
      if (!codes.some((c) => /^[23]/.test(c))) problems.push(`${r.method} ${r.url}: no success response`);
      if (!codes.some((c) => c.startsWith('4'))) problems.push(`${r.method} ${r.url}: no error response`);
      if (op['x-roles'] === undefined) problems.push(`${r.method} ${r.url}: no roles`);
      for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)) {
        if (!op.parameters?.some((p) => p.in === 'path' && p.name === name)) problems.push(`${r.method} ${r.url}: path parameter ${name} undescribed`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('serves a reference page with its own assets', async () => {
    const page = await app.inject({ url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const assets = [...page.body.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) {
      expect(a.startsWith('http')).toBe(false);
      const res = await app.inject({ url: `/api/docs/${a.replace(/^\.?\//, '')}` });
      expect(res.statusCode, a).toBe(200);
    }
  });
});
