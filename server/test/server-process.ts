/** Runs the real server (server/src/main.ts) as a child process on a free port, for browser and multi-process tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { inject } from 'vitest';
import { REPO_ROOT } from '../src/config.ts';
import { SERVER_NODE_ENV, SERVER_NODE_FLAGS } from '../scripts/bundle.ts';

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The bundle the test run's global setup built; none outside a test run (the benches start the sources). */
function testBundle(): string | undefined {
  try {
    return inject('gcServerBundle');
  } catch {
    // vitest's inject() throws outside a test worker: pnpm bench uses this starter too
    return undefined;
  }
}

export async function startServer(opts: { databaseUrl: string; port?: number; env?: Record<string, string> }): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  // the bundle the run's global setup built (server-bundle.ts), run with the node flags and environment of every
  // production starter (scripts/bundle.ts); else the sources under tsx
  const bundle = testBundle();
  const [command, args] = bundle
    ? [process.execPath, [...SERVER_NODE_FLAGS, bundle]]
    : [path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [path.join(REPO_ROOT, 'server/src/main.ts')]];
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...(bundle ? SERVER_NODE_ENV : {}),
      DATABASE_URL: opts.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // tests bring their own cases; history and the simulator only when a test asks for them
      GC_DEMO_HISTORY: '0',
      GC_SIM_RATE: '0',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy within 120 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    port,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
