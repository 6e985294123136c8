import pg from 'pg';

// int8 (counts) as JS numbers: every count in this system is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 5_000,
    application_name: 'gridcommand',
    // JIT compiles tile and aggregate queries for seconds and never pays off at these sizes
    // the named statements of the hot write path are planned once per connection (generic plans: their shape does
    // not depend on the values); unnamed statements are planned per call as usual
    options: '-c jit=off -c plan_cache_mode=force_generic_plan',
  });
  // A client losing its connection (database restart) must not crash the process: idle clients report to the
  // pool, checked-out ones to their own listener; the query in flight still fails and answers 503.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
