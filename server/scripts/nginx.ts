/**
 * nginx in front of the API processes: renders deploy/nginx.conf and runs Debian's nginx as a child process
 * (`nginx -c <conf> -p <dir>`, daemon off). Used by scripts/cluster.ts and the multi-process test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '../src/config.ts';

export const NGINX_BIN = process.env.GC_NGINX || '/usr/sbin/nginx';
export const NGINX_TEMPLATE = path.join(REPO_ROOT, 'deploy', 'nginx.conf');

export interface NginxOptions {
  /** folder of the rendered conf, pid, logs and temporary files */
  dir: string;
  /** the port browsers reach */
  port: number;
  host?: string;
  /** ports of the API processes on 127.0.0.1 */
  upstreams: number[];
  clientDist: string;
  /** answer X-GC-Upstream: the address of the process that served the request (tests) */
  upstreamHeader?: boolean;
}

export interface Nginx {
  url: string;
  child: ChildProcess;
  confPath: string;
  output(): string;
  stop(): Promise<void>;
}

/** Fails loudly when nginx is not installed. */
export function ensureNginx(): void {
  if (spawnSync(NGINX_BIN, ['-v']).status !== 0) {
    throw new Error(`nginx was not found at ${NGINX_BIN}: install it with\n  sudo apt-get install -y nginx\n(or set GC_NGINX to its path)`);
  }
}

export function renderNginxConf(opts: NginxOptions): string {
  const fill: Record<string, string> = {
    PREFIX: opts.dir,
    LISTEN: `${opts.host ?? '127.0.0.1'}:${opts.port}`,
    UPSTREAM_SERVERS: opts.upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n'),
    CLIENT_DIST: opts.clientDist,
    MIME_TYPES: fs.existsSync('/etc/nginx/mime.types') ? '/etc/nginx/mime.types' : path.join(path.dirname(NGINX_BIN), '../conf/mime.types'),
    UPSTREAM_HEADER: opts.upstreamHeader ? '    add_header X-GC-Upstream $upstream_addr always;' : '',
  };
  // the names are filled outside comments only (the template's header describes them)
  const lines = fs.readFileSync(NGINX_TEMPLATE, 'utf8').split('\n');
  return lines
    .map((line) =>
      /^\s*#/.test(line)
        ? line
        : line.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
            const v = fill[name];
            if (v === undefined) throw new Error(`deploy/nginx.conf names an unknown value {{${name}}}`);
            return v;
          }),
    )
    .join('\n');
}

async function listening(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host, () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

export async function startNginx(opts: NginxOptions): Promise<Nginx> {
  ensureNginx();
  fs.mkdirSync(path.join(opts.dir, 'tmp'), { recursive: true });
  const confPath = path.join(opts.dir, 'nginx.conf');
  fs.writeFileSync(confPath, renderNginxConf(opts));
  const test = spawnSync(NGINX_BIN, ['-t', '-q', '-c', confPath, '-p', opts.dir], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx refused ${confPath}:\n${test.stderr}`);
  const child = spawn(NGINX_BIN, ['-c', confPath, '-p', opts.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  const deadline = Date.now() + 10_000;
  while (!(await listening(opts.port, host))) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${out}\n${errorLog(opts.dir)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not listen on ${opts.port} within 10 s:\n${out}\n${errorLog(opts.dir)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://${host}:${opts.port}`,
    child,
    confPath,
    output: () => `${out}${errorLog(opts.dir)}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      // SIGTERM: nginx's fast shutdown (open event streams would hold a graceful one for up to an hour)
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function errorLog(dir: string): string {
  const f = path.join(dir, 'error.log');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').slice(-20).join('\n') : '';
}
