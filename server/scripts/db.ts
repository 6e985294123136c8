/** pnpm db:start | db:stop | db:reset | db:psql | db replica start|stop|status — the project-local PostgreSQL cluster. */
import { spawnSync } from 'node:child_process';
import { replicaCommand } from './db-replica.ts';
import { loadConfig } from '../src/config.ts';
import { localBaseDir, prepareDatabase } from '../src/db/index.ts';
import { removeLocalCluster, stopLocalCluster } from '../src/db/local.ts';

const config = loadConfig();
const cmd = process.argv[2];

async function run(): Promise<void> {
  switch (cmd) {
    case 'start': {
      const url = await prepareDatabase(config);
      console.log(`Database ready: ${url}`);
      break;
    }
    case 'stop':
      if (config.databaseUrl) return console.log('DATABASE_URL is set: nothing local to stop.');
      if (!stopLocalCluster(localBaseDir(config))) console.log('The local cluster is not running.');
      break;
    case 'reset': {
      if (config.databaseUrl) throw new Error('db:reset only manages the project-local cluster; unset DATABASE_URL.');
      removeLocalCluster(localBaseDir(config));
      const url = await prepareDatabase(config);
      console.log(`Database recreated: ${url}`);
      break;
    }
    case 'psql': {
      const url = await prepareDatabase(config, () => {});
      const res = spawnSync('psql', [url, ...process.argv.slice(3)], { stdio: 'inherit' });
      process.exitCode = res.status ?? 1;
      break;
    }
    case 'replica':
      process.exitCode = await replicaCommand(config, process.argv[3]);
      break;
    default:
      console.error('usage: db start|stop|reset|psql | db replica start|stop|status');
      process.exitCode = 2;
  }
}

run().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
