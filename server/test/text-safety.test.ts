/**
 * Text PostgreSQL cannot store (a NUL character, a lone UTF-16 surrogate) is refused with 400 in the one error
 * shape wherever it is sent — body, query, path, field names — and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unsafeText } from '../src/plugins/validation.ts';
import { expectError } from './api-expect.ts';
import { as, caseWorld, newCaseBody, type CaseWorld } from './cases-helpers.ts';

describe('unsafeText', () => {
  it.each([
    ['plain', 'ok 正常 😀', null],
    ['NUL', 'a\u0000b', ''],
    ['lone high surrogate', 'a\uD800', ''],
    ['lone low surrogate', '\uDC00z', ''],
    ['reversed pair', '\uDC00\uD800', ''],
    ['nested', { a: [1, { b: 'x\u0000' }] }, '/a/1/b'],
    ['field name', { ['k\u0000']: 1 }, ''],
    ['numbers and nulls', { a: 1, b: null, c: [true] }, null],
  ] as const)('%s', (_name, value, path) => {
    const r = unsafeText(value);
    if (path === null) expect(r).toBeNull();
    else expect(r?.path).toBe(path);
  });
});

describe('over HTTP', () => {
  let w: CaseWorld;
  beforeAll(async () => {
    w = await caseWorld();
  });
  afterAll(async () => w?.close());

  it('refuses NUL and lone surrogates in bodies, queries and paths, and stores nothing', async () => {
    const count = async () => Number((await w.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM cases')).rows[0]!.n);
    const before = await count();
    for (const extra of [{ title: 'a\u0000b' }, { description: 'x\uD800y' }, { address: '\uDC00' }, { reporterName: '张\u0000三' }]) {
      const e = expectError(await as(w, 'dispatcher', 'POST', '/api/cases', newCaseBody(w, extra)), 400);
      expect(e.message).toMatch(/NUL|surrogate/);
    }
    expectError(await as(w, 'dispatcher', 'GET', '/api/cases?q=a%00b'), 400);
    expectError(await as(w, 'dispatcher', 'GET', '/api/register?q=a%00b'), 400);
    // escapes that are not UTF-8 (a lone surrogate as its three bytes) are refused, not decoded to U+FFFD
    const bytes = await as(w, 'dispatcher', 'GET', '/api/cases?q=%ED%A0%80');
    expectError(bytes, 400);
    expect(bytes.json().code).toBe('BAD_URL_ENCODING');
    const login = await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ad\u0000min', password: 'x' } });
    expectError(login, 400);
    expect(await count()).toBe(before);
  });
});
