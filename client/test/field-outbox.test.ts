/**
 * The phone's outbox on an in-memory IndexedDB: writes are kept in order until sent, photos go first, every retry
 * carries the entry's own Idempotency-Key, a refusal is kept for the worker to see, and a new start of the app
 * finds what was waiting.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/http.ts';
import { openFieldDb } from '../src/field/offline/db.ts';
import { Outbox, type Sender } from '../src/field/offline/outbox.ts';
import type { OutboxPayload } from '../src/field/offline/types.ts';

interface Call {
  kind: 'upload' | 'post';
  path: string;
  key: string;
  body?: unknown;
}

/** A server that records what it got and fails the way it is told to. */
function fakeServer() {
  const calls: Call[] = [];
  let failNext: (() => Error) | null = null;
  let failPath: { path: string; error: () => Error } | null = null;
  let n = 0;
  const sender: Sender = {
    async uploadPhoto(blob, key) {
      calls.push({ kind: 'upload', path: '/api/photos', key, body: blob.size });
      return { id: `${String(++n).padStart(2, '0')}`.padEnd(64, 'a') };
    },
    async post<T>(path: string, body: unknown, key: string) {
      if (failNext) {
        const make = failNext;
        failNext = null;
        throw make();
      }
      if (failPath && failPath.path === path) throw failPath.error();
      calls.push({ kind: 'post', path, key, body });
      return { id: 1, path } as T;
    },
    async get<T>() {
      return { status: 'handled', version: 9 } as T;
    },
  };
  return {
    sender,
    calls,
    failOnce: (e: () => Error) => (failNext = e),
    refuse: (path: string, e: () => Error) => (failPath = { path, error: e }),
    accept: () => (failPath = null),
  };
}

const report = (title: string, photos: string[] = []): OutboxPayload => ({
  kind: 'report',
  body: { categoryCode: '01001', priority: 'normal', lon: 120.1, lat: 36.0, title, description: '', source: 'grid_worker' },
  photos,
});
const jpeg = (s: string) => new Blob([s], { type: 'image/jpeg' });
const offline = () => new ApiError(0, 'Network Error', 'Failed to fetch', '/api/cases');

let dbSeq = 0;
async function setup() {
  const name = `outbox-test-${++dbSeq}`;
  const db = await openFieldDb(name);
  const server = fakeServer();
  const outbox = new Outbox(db, server.sender);
  await outbox.setUser(7);
  return { name, db, server, outbox };
}

describe('field outbox', () => {
  it('uploads photos first, then the write with their ids, each with its own key', async () => {
    const { server, outbox } = await setup();
    await outbox.add('a', report('with photo', ['p1', 'p2']), new Map([['p1', jpeg('one')], ['p2', jpeg('two')]]));
    expect(outbox.getSnapshot().pending).toBe(1);
    await outbox.flush();
    expect(server.calls.map((c) => c.kind)).toEqual(['upload', 'upload', 'post']);
    const keys = server.calls.map((c) => c.key);
    expect(new Set(keys).size).toBe(3);
    const body = server.calls[2]!.body as { photos: string[]; title: string };
    expect(body.title).toBe('with photo');
    expect(body.photos).toHaveLength(2);
    expect(outbox.getSnapshot()).toMatchObject({ pending: 0, failed: 0, sentCount: 1 });
  });

  it('keeps order and the same key across a lost connection; nothing is sent twice', async () => {
    const { server, outbox } = await setup();
    await outbox.add('1', report('first'));
    await outbox.add('2', report('second'));
    server.failOnce(offline);
    await outbox.flush();
    // the first could not go; the second waits behind it
    expect(server.calls).toHaveLength(0);
    expect(outbox.getSnapshot()).toMatchObject({ pending: 2, lastError: { status: 0 } });
    expect(outbox.getSnapshot().entries[0]!.attempts).toBe(1);
    const firstKey = outbox.getSnapshot().entries[0]!.key;
    await outbox.flush();
    expect(server.calls.map((c) => (c.body as { title: string }).title)).toEqual(['first', 'second']);
    expect(server.calls[0]!.key).toBe(firstKey);
    await outbox.flush();
    expect(server.calls).toHaveLength(2);
  });

  it('marks a refused write failed with the message, goes on with the next, retries and drops on request', async () => {
    const { db, server, outbox } = await setup();
    const verify: OutboxPayload = { kind: 'verify', caseId: 5, caseCode: 'X', version: 3, action: 'verify_pass', position: { lon: 120, lat: 36 }, photos: ['v1'] };
    await outbox.add('v', verify, new Map([['v1', jpeg('v')]]));
    await outbox.add('r', report('after'));
    server.refuse('/api/cases/5/actions', () => new ApiError(409, 'Conflict', 'the case changed', '/api/cases/5/actions', 'VERSION_CONFLICT'));
    await outbox.flush();
    const s = outbox.getSnapshot();
    expect(s).toMatchObject({ pending: 0, failed: 1 });
    expect(s.entries[0]!.lastError).toMatchObject({ status: 409, message: 'the case changed' });
    expect(server.calls.filter((c) => c.kind === 'post').map((c) => c.path)).toEqual(['/api/cases']);

    // a retry of a verification refused for the version takes the case's current one
    server.accept();
    await outbox.retry(s.entries[0]!.seq!);
    const sent = server.calls.find((c) => c.path === '/api/cases/5/actions')!;
    expect(sent.body).toMatchObject({ action: 'verify_pass', version: 9, position: { lon: 120, lat: 36 } });
    expect(sent.key).toBe(s.entries[0]!.key);
    // the photo uploaded before is not uploaded again
    expect(server.calls.filter((c) => c.kind === 'upload')).toHaveLength(1);

    server.refuse('/api/visits', () => new ApiError(400, 'Bad Request', 'household missing', '/api/visits'));
    await outbox.add('visit', { kind: 'visit', body: { date: '2026-12-01', household: 'x' } });
    await outbox.flush();
    const failed = outbox.getSnapshot().entries[0]!;
    expect(failed.status).toBe('failed');
    await outbox.drop(failed.seq!);
    expect(outbox.getSnapshot().entries).toHaveLength(0);
    expect(await db.count('photos')).toBe(0);
  });

  it('is found again by the next start of the app, for the same worker only', async () => {
    const { name, server, outbox } = await setup();
    server.failOnce(offline);
    await outbox.add('kept', report('kept', ['k1']), new Map([['k1', jpeg('k')]]));
    await outbox.flush();
    expect(outbox.getSnapshot().pending).toBe(1);

    const again = new Outbox(await openFieldDb(name), server.sender);
    await again.setUser(8);
    expect(again.getSnapshot().pending).toBe(0);
    await again.flush();
    expect(server.calls.filter((c) => c.kind === 'post')).toHaveLength(0);
    await again.setUser(7);
    expect(again.getSnapshot().entries.map((e) => e.summary)).toEqual(['kept']);
    await again.flush();
    expect(server.calls.filter((c) => c.kind === 'post')).toHaveLength(1);
    expect(again.getSnapshot().pending).toBe(0);
  });
});
