/**
 * Partial indexes whose predicate spells out a domain state list (cases_lit_grid_idx: OPEN_STATES,
 * cases_open_light_idx: not TERMINAL_STATES) still match it, and the queries written against them can use them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_STATES, TERMINAL_STATES } from '@gridcommand/shared/domain';
import { PARTIAL_INDEXES, indexPredicate, sqlLiterals, type PartialIndexName } from '../src/modules/stats/partial-indexes.ts';
import { testDatabase, type TestDatabase } from './helpers.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** The operator and the literal list of `column IN (…)` / `NOT IN (…)` as PostgreSQL prints an index predicate. */
function parsePredicate(indexdef: string, column: string): { op: 'IN' | 'NOT IN'; values: string[] } | null {
  // e.g. "WHERE (status = ANY (ARRAY['reported'::text, 'filed'::text]))" or "WHERE (status <> ALL (ARRAY[…]))"
  const m = new RegExp(`WHERE \\(+${column} (= ANY|<> ALL) \\(+ARRAY\\[([^\\]]*)\\]`).exec(indexdef);
  if (!m) return null;
  const values = [...m[2]!.matchAll(/'([^']*)'::text/g)].map((v) => v[1]!);
  return { op: m[1] === '= ANY' ? 'IN' : 'NOT IN', values };
}

describe('partial indexes on case states', () => {
  it('each index named in PARTIAL_INDEXES exists with the predicate its domain constant gives', async () => {
    for (const [name, ix] of Object.entries(PARTIAL_INDEXES)) {
      const { rows } = await db.pool.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 AND indexname = $2`,
        [ix.table, name],
      );
      expect(rows, `${name} is missing`).toHaveLength(1);
      const found = parsePredicate(rows[0]!.indexdef, ix.column);
      expect(found, `${name}: ${rows[0]!.indexdef}`).not.toBeNull();
      expect({ op: found!.op, values: [...found!.values].sort() }, `${name} no longer matches its domain constant`).toEqual({
        op: ix.op,
        values: [...ix.values].sort(),
      });
    }
  });

  it('the registry names the domain constants themselves', () => {
    expect(PARTIAL_INDEXES.cases_lit_grid_idx.values).toBe(OPEN_STATES);
    expect(PARTIAL_INDEXES.cases_open_light_idx.values).toBe(TERMINAL_STATES);
  });

  it.each(Object.keys(PARTIAL_INDEXES) as PartialIndexName[])('a query with indexPredicate(%s) can use the index', async (name) => {
    const ix = PARTIAL_INDEXES[name];
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      // without the other ways in, the planner takes the partial index exactly when it can prove the predicate
      await client.query('SET LOCAL enable_seqscan = off');
      await client.query('SET LOCAL enable_bitmapscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (FORMAT JSON) SELECT c.light FROM ${ix.table} c WHERE ${indexPredicate(name, 'c')} AND c.light IS NOT NULL`,
      );
      expect(JSON.stringify(rows[0]!['QUERY PLAN'])).toContain(`"Index Name":"${name}"`);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('sqlLiterals', () => {
  it('renders allow-listed values as literals', () => {
    expect(sqlLiterals(['reported', 'in_progress'])).toBe(`'reported', 'in_progress'`);
    expect(indexPredicate('cases_lit_grid_idx', 'c')).toBe(`c.status IN ('reported', 'filed', 'dispatched', 'returned', 'in_progress')`);
    expect(indexPredicate('cases_open_light_idx', 'x')).toBe(`x.status NOT IN ('closed', 'void')`);
  });

  it.each([["o'clock"], ['Reported'], ['a b'], [''], ['x;--'], ['é']])('refuses %j', (v) => {
    expect(() => sqlLiterals([v])).toThrow(RangeError);
  });

  it('refuses an empty list and a bad alias', () => {
    expect(() => sqlLiterals([])).toThrow(RangeError);
    expect(() => indexPredicate('cases_lit_grid_idx', 'c; DROP')).toThrow(RangeError);
  });
});
