/**
 * Ordering without a global lock: writers commit concurrently and out of id order, and the live hub still never
 * delivers an id and later finds a smaller one committed (docs/live.md, "Ordering").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createPool } from '../src/db/pool.ts';
import { LiveHub, type HubEvent } from '../src/modules/live/hub.ts';
import { appendEvents, signalCommitted } from '../src/modules/writer/events.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';
import { strictlyIncreasing, testEvents } from './live-helpers.ts';

let db: TestDatabase;
let writers: pg.Pool;

beforeAll(async () => {
  db = await testDatabase();
  writers = createPool(db.url, 60);
});
afterAll(async () => {
  await writers?.end();
  await db?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One write transaction that draws its event ids, then holds them for `holdMs` before it commits (or rolls back). */
async function slowWrite(pool: pg.Pool, n: number, holdMs: number, rollback = false): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const ids = await appendEvents(client, testEvents(n, { tag: 'order' }), { id: null, role: 'system' });
    await sleep(holdMs);
    await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
    if (!rollback) signalCommitted(pool);
    return rollback ? [] : ids;
  } finally {
    client.release();
  }
}

function collect(hub: LiveHub): { ids: number[]; at: Map<number, number> } {
  const out = { ids: [] as number[], at: new Map<number, number>() };
  hub.subscribe({
    deliver(batch: readonly HubEvent[]) {
      const t = performance.now();
      for (const e of batch) {
        out.ids.push(e.id);
        out.at.set(e.id, t);
      }
    },
  });
  return out;
}

describe('the live hub under concurrent writers', () => {
  it('50 concurrent writers committing out of id order: every id once, in order, no gap ever filled later', async () => {
    const hub = new LiveHub({ pool: db.pool, pollMs: 500 });
    await hub.start();
    // xids are the cluster's: a long transaction of another test's database can hold the starting point past the
    // one second start() waits, so wait for it here
    expect(await hub.whenReady(30_000)).toBe(true);
    const seen = collect(hub);
    // each writer: 6 transactions of 1–3 events, holding its ids 0–40 ms before committing; one in ten rolls back
    let seed = 11;
    const rand = () => ((seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647);
    const committed = (
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          const mine: number[] = [];
          for (let t = 0; t < 6; t++) mine.push(...(await slowWrite(writers, 1 + Math.floor(rand() * 3), Math.floor(rand() * 40), rand() < 0.1)));
          return mine;
        }),
      )
    ).flat();
    const deadline = Date.now() + 15_000;
    while (seen.ids.length < committed.length && Date.now() < deadline) await sleep(20);
    await hub.stop();
    expect(committed.length).toBeGreaterThan(300);
    expect(strictlyIncreasing(seen.ids)).toBe(true);
    expect([...seen.ids].sort((a, b) => a - b)).toEqual([...committed].sort((a, b) => a - b));
  });

  it('holds back later commits while an older transaction still holds a smaller id, then delivers both in order', async () => {
    const hub = new LiveHub({ pool: db.pool, pollMs: 500 });
    await hub.start();
    const seen = collect(hub);
    const slow = slowWrite(writers, 1, 600);
    await sleep(100); // the slow writer has drawn its id
    const fast = await slowWrite(writers, 3, 0);
    await sleep(300);
    expect(seen.ids.filter((id) => fast.includes(id))).toEqual([]); // not delivered past the open transaction
    const [held] = await slow;
    const deadline = Date.now() + 5_000;
    while (seen.ids.length < 4 && Date.now() < deadline) await sleep(10);
    await hub.stop();
    expect(held).toBeLessThan(fast[0]!);
    expect(seen.ids).toEqual([held!, ...fast]);
  });

  it('fetches each row once while an older transaction holds the frontier back, paging through what it held', async () => {
    const hub = new LiveHub({ pool: db.pool, pollMs: 500, batchSize: 10 });
    await hub.start();
    const seen = collect(hub);
    const before = hub.stats();
    const slow = slowWrite(writers, 1, 900);
    await sleep(100); // the slow writer has drawn its id
    const fast: number[] = [];
    for (let i = 0; i < 8; i++) {
      fast.push(...(await slowWrite(writers, 7, 0)));
      await sleep(60);
    }
    expect(seen.ids).toEqual([]); // all held behind the open transaction
    const [held] = await slow;
    const deadline = Date.now() + 5_000;
    while (seen.ids.length < fast.length + 1 && Date.now() < deadline) await sleep(10);
    const after = hub.stats();
    await hub.stop();
    expect(seen.ids).toEqual([held!, ...fast]);
    // many reads while it waited, yet every row crossed the connection once
    expect(after.reads - before.reads).toBeGreaterThan(10);
    expect(after.rowsRead - before.rowsRead).toBe(fast.length + 1);
  });

  it('pages through more deliverable events than one read holds', async () => {
    const hub = new LiveHub({ pool: db.pool, pollMs: 500, batchSize: 10 });
    await hub.start();
    const seen = collect(hub);
    const ids = [...(await slowWrite(writers, 35, 0)), ...(await slowWrite(writers, 7, 0))];
    const deadline = Date.now() + 5_000;
    while (seen.ids.length < ids.length && Date.now() < deadline) await sleep(10);
    await hub.stop();
    expect(seen.ids).toEqual(ids);
  });

  it('becomes ready within a second when it starts under writes that never stop overlapping, and misses nothing', async () => {
    // eight writers, each always inside a transaction that holds its id 40 ms: at every instant some write that
    // began before the hub's latest read is still open, so the hub's queue of waiting reads is never empty
    let writing = true;
    const committed: number[] = [];
    const loops = Array.from({ length: 8 }, async (_, i) => {
      await sleep(i * 5);
      while (writing) committed.push(...(await slowWrite(writers, 1, 40)));
    });
    await sleep(300);
    const hub = new LiveHub({ pool: db.pool, pollMs: 500 });
    const seen = collect(hub);
    const t0 = performance.now();
    await hub.start();
    const readyAfter = (await hub.whenReady(5_000)) ? performance.now() - t0 : Infinity;
    await sleep(500);
    writing = false;
    await Promise.all(loops);
    const deadline = Date.now() + 5_000;
    const first = seen.ids[0] ?? Infinity;
    const expected = committed.filter((id) => id >= first).sort((a, b) => a - b);
    while (seen.ids.length < expected.length && Date.now() < deadline) await sleep(10);
    await hub.stop();
    expect(readyAfter).toBeLessThan(1_000);
    expect(seen.ids.length).toBeGreaterThan(20);
    expect(strictlyIncreasing(seen.ids)).toBe(true);
    expect(seen.ids).toEqual(expected);
  });

  it('delivers within milliseconds when writers are quick', async () => {
    const hub = new LiveHub({ pool: db.pool, pollMs: 5_000 });
    await hub.start();
    const seen = collect(hub);
    const t0 = performance.now();
    const ids = await slowWrite(writers, 1, 0);
    const deadline = Date.now() + 3_000;
    while (!seen.at.has(ids[0]!) && Date.now() < deadline) await sleep(2);
    await hub.stop();
    // far below the 5 s safety poll: the commit signal and the hub's quick re-read did it
    expect(seen.at.get(ids[0]!)! - t0).toBeLessThan(1_000);
  });
});
