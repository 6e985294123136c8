/** Brings a database up for the server: the explicit DATABASE_URL or the project-local cluster, migrated and (demo) seeded. */
import path from 'node:path';
import type { Config } from '../config.ts';
import { ensureLocalCluster } from './local.ts';
import { migrate } from './migrate.ts';
import { createPool } from './pool.ts';
import { isSeeded, seedDistrict } from './seed.ts';

export function localBaseDir(config: Config): string {
  return config.localDb.dataDir ?? path.join(config.repoRoot, '.data', 'pg');
}

export async function prepareDatabase(config: Config, log: (l: string) => void = console.log): Promise<string> {
  let url = config.databaseUrl;
  if (!url) {
    const cluster = await ensureLocalCluster({
      baseDir: localBaseDir(config),
      port: config.localDb.port,
      database: config.localDb.database,
      log,
    });
    url = cluster.url;
    log(`PostgreSQL ${cluster.started ? 'started' : 'already running'} on 127.0.0.1:${cluster.port} (${cluster.baseDir})`);
  }
  await migrate(url, log);
  if (config.demo) {
    const pool = createPool(url, 2);
    try {
      if (!(await isSeeded(pool))) {
        log('Loading the demo district (黄岛区 / Qingdao West Coast New Area)…');
        const { loadDemoDistrict } = await import('@gridcommand/data');
        await seedDistrict(pool, loadDemoDistrict());
      }
    } finally {
      await pool.end();
    }
  }
  return url;
}
