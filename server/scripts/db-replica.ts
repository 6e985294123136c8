/** `pnpm db replica start|stop|status`: a streaming replica of the project-local cluster on the next port (docs/deploy.md). */
import type { Config } from '../src/config.ts';
import { localBaseDir, prepareDatabase } from '../src/db/index.ts';
import { createPool } from '../src/db/pool.ts';
import { ReadRouter } from '../src/db/read-pool.ts';
import { ensureReplica, replicaRunning, stopReplica } from '../src/db/replica.ts';

export function replicaBaseDir(config: Config): string {
  return `${localBaseDir(config)}-replica`;
}

/** GC_PG_REPLICA_PORT, else two after the embedded cluster's (the one right after it is the test cluster's, 54330). */
export function replicaPort(config: Config): number {
  const raw = process.env.GC_PG_REPLICA_PORT;
  const port = raw ? Number(raw) : config.localDb.port + 2;
  if (!Number.isInteger(port) || port < 1024 || port > 65535) throw new Error(`GC_PG_REPLICA_PORT must be a port between 1024 and 65535, got "${raw}"`);
  return port;
}

export async function replicaCommand(config: Config, sub: string | undefined): Promise<number> {
  if (config.databaseUrl) {
    console.error('DATABASE_URL is set: `db replica` only manages a replica of the project-local cluster.');
    return 2;
  }
  const baseDir = replicaBaseDir(config);
  const port = replicaPort(config);
  switch (sub) {
    case 'start': {
      const primaryUrl = await prepareDatabase(config);
      const r = await ensureReplica({ primaryBaseDir: localBaseDir(config), primaryPort: config.localDb.port, baseDir, port, database: config.localDb.database });
      console.log(`Replica ${r.started ? 'started' : 'already running'} on 127.0.0.1:${r.port} (${r.baseDir})`);
      await printLag(primaryUrl, r.url, config.readMaxLagMs);
      console.log(`\nRead the lag-tolerant reads from it:\n  DATABASE_READ_URL=${r.url}`);
      return 0;
    }
    case 'stop':
      if (!stopReplica(baseDir)) console.log('The replica is not running.');
      return 0;
    case 'status': {
      if (!replicaRunning(baseDir)) {
        console.log(`The replica (${baseDir}) is not running.`);
        return 1;
      }
      const primaryUrl = await prepareDatabase(config, () => {});
      const r = await ensureReplica({ primaryBaseDir: localBaseDir(config), primaryPort: config.localDb.port, baseDir, port, database: config.localDb.database, log: () => {} });
      console.log(`Replica running on 127.0.0.1:${r.port} (${r.baseDir})\n  DATABASE_READ_URL=${r.url}`);
      await printLag(primaryUrl, r.url, config.readMaxLagMs);
      return 0;
    }
    default:
      console.error('usage: db replica start|stop|status');
      return 2;
  }
}

async function printLag(primaryUrl: string, replicaUrl: string, maxLagMs: number): Promise<void> {
  const primary = createPool(primaryUrl, 1);
  const router = new ReadRouter({ primary, replicaUrl, maxLagMs, max: 1 });
  try {
    await router.probe();
    const s = router.status();
    console.log(`  healthy: ${s.healthy}, lag: ${s.lagMs ?? '—'} ms (${s.lagBytes ?? '—'} bytes of WAL behind)${s.reason ? `, ${s.reason}` : ''}`);
  } finally {
    await router.close();
    await primary.end();
  }
}
