/**
 * The embedded default database: a project-local PostgreSQL + PostGIS cluster.
 *
 * Finds the PostgreSQL server binaries and PostGIS; installs the Debian/Ubuntu packages when they
 * are missing and we run as root, otherwise stops with the one command to run. Creates the cluster
 * in a git-ignored folder, starts it on a configurable port (TCP on 127.0.0.1 only), creates the
 * database with the postgis extension. Idempotent: a second call finds it running and returns.
 * As root the server runs as the `postgres` OS user (PostgreSQL refuses to run as root).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';

export interface LocalClusterOptions {
  /** folder holding data/ and postgres.log */
  baseDir: string;
  port: number;
  database: string;
  /** throw-away clusters for tests: no fsync */
  fast?: boolean;
  log?: (line: string) => void;
}

export interface LocalCluster {
  url: string;
  adminUrl: string;
  baseDir: string;
  port: number;
  /** true when this call started the server */
  started: boolean;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export class ProvisioningError extends Error {}

interface Binaries {
  bindir: string;
  version: string;
}

function findBinaries(): Binaries | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')) && fs.existsSync(path.join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  const version = versions[0];
  return version ? { bindir: path.join(root, version, 'bin'), version } : null;
}

function hasPostgis(version: string): boolean {
  return fs.existsSync(`/usr/share/postgresql/${version}/extension/postgis.control`);
}

function aptInstall(packages: string[], log: (l: string) => void): void {
  log(`Installing ${packages.join(' ')} with apt-get (running as root on Debian/Ubuntu)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (update.status !== 0) throw new ProvisioningError('apt-get update failed');
  const res = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
  if (res.status !== 0) throw new ProvisioningError(`apt-get install ${packages.join(' ')} failed`);
}

/** Finds (or, as root on Debian/Ubuntu, installs) PostgreSQL with PostGIS. */
export function ensureBinaries(log: (l: string) => void = console.log): Binaries {
  let bins = findBinaries();
  if (bins && hasPostgis(bins.version)) return bins;
  const canApt = isRoot && fs.existsSync('/etc/debian_version') && spawnSync('which', ['apt-get']).status === 0;
  const wanted = bins ? [`postgresql-${bins.version}-postgis-3`] : ['postgresql', 'postgresql-postgis'];
  if (!canApt) {
    throw new ProvisioningError(
      `PostgreSQL with PostGIS was not found. Install it with:\n  sudo apt-get install -y ${bins ? wanted.join(' ') : 'postgresql postgresql-15-postgis-3'}\n` +
        'or set DATABASE_URL to a reachable PostGIS database.',
    );
  }
  if (!bins) {
    aptInstall(['postgresql'], log);
    bins = findBinaries();
    if (!bins) throw new ProvisioningError('PostgreSQL was installed but its server binaries were not found under /usr/lib/postgresql');
  }
  if (!hasPostgis(bins.version)) aptInstall([`postgresql-${bins.version}-postgis-3`], log);
  if (!hasPostgis(bins.version)) throw new ProvisioningError(`PostGIS for PostgreSQL ${bins.version} is still missing after installation`);
  return bins;
}

/** Runs a PostgreSQL binary, as the postgres OS user when we are root. */
/** A PostgreSQL binary of `bins`, run as the postgres OS user when root. */
export function runPg(bins: Binaries, cmd: string, args: string[], opts: { allowFail?: boolean } = {}) {
  const file = path.join(bins.bindir, cmd);
  const res = isRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', file, ...args], { encoding: 'utf8' })
    : spawnSync(file, args, { encoding: 'utf8' });
  if (res.status !== 0 && !opts.allowFail) {
    throw new ProvisioningError(`${cmd} ${args.join(' ')} failed:\n${res.stderr || res.stdout}`);
  }
  return res;
}

/** Can the postgres OS user reach (traverse into) this folder? Ancestors such as /root are often closed. */
function postgresCanReach(dir: string): boolean {
  if (!isRoot) return true;
  return spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', dir]).status === 0;
}

/** The folder actually used for the cluster (falls back outside the repo when the postgres user cannot reach it). */
export function resolveBaseDir(baseDir: string, log: (l: string) => void = () => {}): string {
  fs.mkdirSync(baseDir, { recursive: true });
  if (postgresCanReach(path.dirname(baseDir))) return baseDir;
  const hash = crypto.createHash('sha1').update(path.resolve(baseDir)).digest('hex').slice(0, 12);
  const fallback = path.join('/var/lib/gridcommand', `${path.basename(baseDir)}-${hash}`);
  log(`The postgres OS user cannot reach ${baseDir}; keeping the cluster in ${fallback} instead.`);
  return fallback;
}

export function chownToPostgres(dir: string): void {
  if (!isRoot) return;
  execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  // /var/lib/gridcommand itself must be traversable
  fs.chmodSync(dir, 0o700);
}

export function clusterRunning(bins: Binaries, dataDir: string): boolean {
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return false;
  return runPg(bins, 'pg_ctl', ['-D', dataDir, 'status'], { allowFail: true }).status === 0;
}

export async function ensureLocalCluster(opts: LocalClusterOptions): Promise<LocalCluster> {
  const log = opts.log ?? console.log;
  const bins = ensureBinaries(log);
  const baseDir = resolveBaseDir(opts.baseDir, log);
  const dataDir = path.join(baseDir, 'data');
  const logFile = path.join(baseDir, 'postgres.log');
  let started = false;

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(dataDir, { recursive: true });
    if (isRoot) fs.chmodSync(path.dirname(baseDir), 0o755);
    chownToPostgres(baseDir);
    log(`Creating a PostgreSQL ${bins.version} cluster in ${dataDir}…`);
    runPg(bins, 'initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  }

  // a Unix socket beside the data: local connections skip the loopback TCP stack (cheaper per query); TCP on
  // 127.0.0.1 stays for tools. Socket paths are limited to ~107 bytes.
  const socketDir = path.join(baseDir, 'run');
  const useSocket = prepareSocketDir(socketDir);

  if (!clusterRunning(bins, dataDir)) {
    const settings = [
      `-p ${opts.port}`,
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=${useSocket ? `'${socketDir}'` : "''"}`,
      `-c max_connections=200`,
      `-c shared_buffers=256MB`,
      ...(opts.fast ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
    ].join(' ');
    const res = runPg(bins, 'pg_ctl', ['-D', dataDir, '-l', logFile, '-o', settings, '-w', '-t', '60', 'start'], { allowFail: true });
    if (res.status !== 0) {
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new ProvisioningError(
        `PostgreSQL did not start on port ${opts.port} (is the port taken? set GC_PG_PORT):\n${res.stderr}\n${tail}`,
      );
    }
    started = true;
  }

  // the socket only when the running cluster made one (a cluster started before may listen on TCP only)
  const host = useSocket && fs.existsSync(path.join(socketDir, `.s.PGSQL.${opts.port}`)) ? encodeURIComponent(socketDir) : '127.0.0.1';
  const adminUrl = `postgres://postgres@${host}:${opts.port}/postgres`;
  const url = `postgres://postgres@${host}:${opts.port}/${opts.database}`;
  await createDatabaseIfMissing(adminUrl, opts.database);
  return { url, adminUrl, baseDir, port: opts.port, started };
}

export async function createDatabaseIfMissing(adminUrl: string, database: string, template?: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return false;
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}${template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : ''}`);
  } finally {
    await admin.end();
  }
  if (!template) {
    const db = new pg.Client({ connectionString: adminUrl.replace(/\/[^/]*$/, `/${database}`) });
    await db.connect();
    try {
      await db.query('CREATE EXTENSION IF NOT EXISTS postgis');
    } finally {
      await db.end();
    }
  }
  return true;
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export function stopLocalCluster(baseDirWanted: string, log: (l: string) => void = console.log): boolean {
  const bins = findBinaries();
  if (!bins) return false;
  const baseDir = resolveBaseDir(baseDirWanted);
  const dataDir = path.join(baseDir, 'data');
  if (!clusterRunning(bins, dataDir)) return false;
  runPg(bins, 'pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  log(`PostgreSQL in ${dataDir} stopped.`);
  return true;
}

export function removeLocalCluster(baseDirWanted: string, log: (l: string) => void = console.log): void {
  stopLocalCluster(baseDirWanted, log);
  const baseDir = resolveBaseDir(baseDirWanted);
  fs.rmSync(baseDir, { recursive: true, force: true });
  log(`Removed ${baseDir}.`);
}

/**
 * The folder of a cluster's Unix socket, made (owned by postgres when root) if it can hold one: socket paths are
 * limited to ~107 bytes and PostgreSQL's setting cannot quote every character. False: the cluster listens on TCP only.
 */
export function prepareSocketDir(socketDir: string): boolean {
  const usable = socketDir.length + 20 < 104 && !/['\s]/.test(socketDir);
  if (usable && !fs.existsSync(socketDir)) {
    fs.mkdirSync(socketDir, { recursive: true });
    chownToPostgres(socketDir);
  }
  return usable;
}
