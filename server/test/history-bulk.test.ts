/**
 * The bulk path of the demo history loader (history-bulk.ts, docs/megacity.md): the secondary indexes of event,
 * cases and supervision are dropped for the COPY and built again, and the rows are those of the normal path;
 * the cases streamed in several COPYs (bounded memory) are the same as in one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { getWorkCalendar } from '../src/modules/calendar/repository.ts';
import { seedHistory, type HistoryResult } from '../src/modules/demo/history.ts';
import { BULK_TABLES } from '../src/modules/demo/history-bulk.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';

const NOW = new Date('2026-11-20T06:00:00Z');
const COUNT = 300;

/** Every index of the loaded tables, as pg_indexes defines it. */
async function indexes(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ d: string }>(
    `SELECT indexdef AS d FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1::text[]) ORDER BY indexname`,
    [BULK_TABLES],
  );
  return rows.map((r) => r.d);
}

/** Digests of every row of the loaded tables (event.xid names the loading transaction and is left out). */
async function rowsDigest(pool: pg.Pool): Promise<Record<string, string>> {
  const { rows } = await pool.query(
    `SELECT (SELECT md5(string_agg(c::text, ',' ORDER BY id)) FROM cases c) AS cases,
            (SELECT md5(string_agg((to_jsonb(e) - 'xid')::text, ',' ORDER BY id)) FROM event e) AS events,
            (SELECT md5(string_agg(s::text, ',' ORDER BY id)) FROM supervision s) AS supervision,
            (SELECT count(*)::int FROM event) AS n`,
  );
  return rows[0];
}

describe('seedHistory bulk path', () => {
  let normal: TestDatabase;
  let bulk: TestDatabase;
  let before: string[];
  let r1: HistoryResult;
  let r2: HistoryResult;

  beforeAll(async () => {
    [normal, bulk] = await Promise.all([testDatabase(), testDatabase()]);
    before = await indexes(bulk.pool);
    const calendar = await getWorkCalendar(normal.pool);
    r1 = await seedHistory(normal.pool, { calendar, count: COUNT, now: NOW, seed: 5 });
    // bulk, and the cases in COPYs of 70 while the events stream
    r2 = await seedHistory(bulk.pool, { calendar, count: COUNT, now: NOW, seed: 5, bulk: true, casesPerCopy: 70 });
  }, 120_000);

  afterAll(async () => {
    await normal?.drop();
    await bulk?.drop();
  });

  it('builds every index again, as it was defined', async () => {
    expect(before.length).toBeGreaterThan(30);
    expect(await indexes(bulk.pool)).toEqual(before);
    expect(await indexes(normal.pool)).toEqual(before);
    expect(r2.phases.indexes).toBeGreaterThan(0);
    expect(r1.phases.indexes).toBe(0);
  });

  it('loads the same rows as the normal path', async () => {
    expect(r2).toMatchObject({ cases: r1.cases, events: r1.events, supervision: r1.supervision });
    expect(r1.cases).toBe(COUNT);
    const [a, b] = await Promise.all([rowsDigest(normal.pool), rowsDigest(bulk.pool)]);
    expect(b).toEqual(a);
    expect(a.n).toBe(r1.events);
  });

  it('leaves the rebuilt indexes usable: a unique one still refuses a duplicate', async () => {
    const { rows } = await bulk.pool.query<{ case_id: number; level: string }>('SELECT case_id, level FROM supervision WHERE closed_at IS NULL LIMIT 1');
    const open = rows[0];
    expect(open).toBeDefined();
    await expect(
      bulk.pool.query(`INSERT INTO supervision (case_id, notice_no, level, reason) VALUES ($1, 'DB-TEST-DUP', $2, 'dup')`, [open!.case_id, open!.level]),
    ).rejects.toThrow(/supervision_open_level_uniq/);
  });
});
