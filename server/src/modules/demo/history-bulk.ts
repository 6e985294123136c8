/**
 * Bulk loads (the megacity profile, docs/megacity.md): the secondary indexes of the tables the history fills are
 * dropped inside the loading transaction and built again once the rows are in — one sorted build per index instead
 * of millions of scattered insertions. DDL is transactional: a failed load rolls the drop back with the rows.
 * Primary keys and the indexes behind unique constraints stay (the code relies on them, and ids and codes arrive
 * in order, so they cost little); every other index, unique ones included, is rebuilt from its own definition.
 */
import type pg from 'pg';

/** The tables a history load writes. */
export const BULK_TABLES = ['event', 'cases', 'supervision'] as const;

export interface DroppedIndex {
  table: string;
  name: string;
  definition: string;
}

/** The secondary indexes of `tables` (not behind a constraint), as pg_indexes defines them, in name order. */
export async function secondaryIndexes(client: pg.PoolClient, tables: readonly string[]): Promise<DroppedIndex[]> {
  const { rows } = await client.query<DroppedIndex>(
    `SELECT i.tablename AS table, i.indexname AS name, i.indexdef AS definition
     FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
     ORDER BY i.tablename, i.indexname`,
    [tables],
  );
  return rows;
}

/** Drops the secondary indexes of `tables` (inside the caller's transaction) and returns how to build them again. */
export async function dropSecondaryIndexes(client: pg.PoolClient, tables: readonly string[]): Promise<DroppedIndex[]> {
  const dropped = await secondaryIndexes(client, tables);
  if (dropped.length) {
    // names from pg_indexes, quoted as identifiers
    await client.query(`DROP INDEX ${dropped.map((d) => `"${d.name.replace(/"/g, '""')}"`).join(', ')}`);
  }
  return dropped;
}

/** Builds the dropped indexes again, with room to sort in memory and the parallel workers the server allows. */
export async function recreateIndexes(client: pg.PoolClient, dropped: readonly DroppedIndex[]): Promise<void> {
  if (dropped.length === 0) return;
  await client.query(`SET LOCAL maintenance_work_mem = '1GB'`);
  await client.query(`SET LOCAL max_parallel_maintenance_workers = 2`);
  for (const d of dropped) await client.query(d.definition);
}
