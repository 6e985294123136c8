/**
 * pnpm --filter @gridcommand/server cluster [-- --processes N]: N API processes behind nginx (docs/deploy.md).
 *
 * Prepares the database once (the embedded cluster or DATABASE_URL: migrations, demo district), then starts the API
 * processes (server/src/main.ts, bundled as `pnpm start` runs it) on the ports after PORT — the first with the background jobs (light job, position
 * pruning, demo simulator), the others with GC_JOBS=false — and nginx on PORT in front of them, serving the built
 * client itself. A process that dies is started again; Ctrl-C stops everything.
 * DATABASE_READ_URL and GC_READ_MAX_LAG_MS pass through to every process (`pnpm db replica start` prints the URL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, REPO_ROOT } from '../src/config.ts';
import { prepareDatabase } from '../src/db/index.ts';
import { SERVER_NODE_ENV, SERVER_NODE_FLAGS, buildServerBundle } from './bundle.ts';
import { ensureNginx, startNginx, type Nginx } from './nginx.ts';

const { values } = parseArgs({
  options: {
    processes: { type: 'string', short: 'n', default: process.env.GC_CLUSTER_PROCESSES || '2' },
    port: { type: 'string', short: 'p' },
  },
});
const processes = Number(values.processes);
if (!Number.isInteger(processes) || processes < 1 || processes > 64) throw new Error(`--processes must be 1…64, got "${values.processes}"`);

const config = loadConfig();
const port = values.port ? Number(values.port) : config.port;
const apiPorts = Array.from({ length: processes }, (_, i) => port + 1 + i);
/** the server as `pnpm start` runs it (scripts/bundle.ts), built once before the first process starts */
let bundle = '';

interface Api {
  port: number;
  jobs: boolean;
  child: ChildProcess | null;
  restarts: number;
}

let stopping = false;
let nginx: Nginx | null = null;
const apis: Api[] = apiPorts.map((p, i) => ({ port: p, jobs: i === 0 && config.jobs, child: null, restarts: 0 }));

function spawnApi(api: Api, databaseUrl: string): void {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, bundle], {
    cwd: REPO_ROOT,
    env: {
      ...SERVER_NODE_ENV,
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(api.port),
      GC_JOBS: String(api.jobs),
      // nginx is the only peer: its X-Forwarded-For names the client (rate limits, audit)
      GC_TRUST_PROXY: process.env.GC_TRUST_PROXY || 'loopback',
      // nginx serves the client
      GC_CLIENT_DIST: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tag = `[api ${api.port}${api.jobs ? ' jobs' : ''}]`;
  const prefix = (d: Buffer) => d.toString().replace(/\n$/, '').split('\n').map((l) => `${tag} ${l}`).join('\n');
  child.stdout?.on('data', (d: Buffer) => console.log(prefix(d)));
  child.stderr?.on('data', (d: Buffer) => console.error(prefix(d)));
  child.on('exit', (code, signal) => {
    api.child = null;
    if (stopping) return;
    api.restarts++;
    console.error(`${tag} exited (${signal ?? code}); starting it again in 1 s`);
    setTimeout(() => !stopping && spawnApi(api, databaseUrl), 1_000).unref();
  });
  api.child = child;
}

async function healthy(apiPort: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${apiPort}/api/health`)).ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`the API process on ${apiPort} did not become healthy within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function shutdown(signal: string, exitCode = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping nginx and ${apis.length} API processes`);
  await nginx?.stop();
  await Promise.all(
    apis.map(
      (a) =>
        new Promise<void>((resolve) => {
          if (!a.child) return resolve();
          a.child.once('exit', () => resolve());
          a.child.kill('SIGTERM');
          setTimeout(() => a.child?.kill('SIGKILL'), 12_000).unref();
        }),
    ),
  );
  process.exit(exitCode);
}

async function main(): Promise<void> {
  ensureNginx();
  const databaseUrl = await prepareDatabase(config);
  bundle = await buildServerBundle();
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // the first process loads the demo history (if any) before the others start
  spawnApi(apis[0]!, databaseUrl);
  await healthy(apis[0]!.port, 30 * 60_000);
  for (const a of apis.slice(1)) spawnApi(a, databaseUrl);
  await Promise.all(apis.slice(1).map((a) => healthy(a.port, 120_000)));
  nginx = await startNginx({
    dir: path.join(REPO_ROOT, '.data', 'nginx'),
    host: config.host,
    port,
    upstreams: apiPorts,
    clientDist: config.clientDist ?? path.join(REPO_ROOT, 'client/dist'),
  });
  nginx.child.on('exit', (code) => {
    if (!stopping) {
      console.error(`nginx exited (${code}):\n${nginx?.output()}`);
      void shutdown('nginx exit', 1);
    }
  });
  const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
  console.log(`\nGridCommand: nginx on http://${shown}:${port} → ${processes} API processes on ${apiPorts.join(', ')} (jobs on ${apis[0]!.jobs ? apiPorts[0] : 'none'})`);
  console.log(config.readDatabaseUrl ? `Lag-tolerant reads on the replica ${config.readDatabaseUrl} (limit ${config.readMaxLagMs} ms)` : 'No DATABASE_READ_URL: every read on the primary');
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await shutdown('error', 1);
});
