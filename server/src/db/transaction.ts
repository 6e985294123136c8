import type pg from 'pg';

/**
 * Runs `fn` in one transaction on a pooled client: COMMIT when it resolves, ROLLBACK when it throws.
 * A connection lost between two queries (database restart) fails this transaction, not the process, and the
 * broken client is discarded instead of going back to the pool.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
