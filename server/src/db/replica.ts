/**
 * A streaming replica of the project-local cluster (db/local.ts): `pnpm db replica start|stop|status`.
 *
 * Sets the primary up for streaming (wal_level replica, WAL senders, kept WAL, a replication entry in pg_hba — trust
 * on 127.0.0.1, like the local cluster itself), copies it with `pg_basebackup -R -X stream` into its own folder and
 * starts it as a hot standby on its own port. Same binaries and the same rule as the local cluster: as root, the
 * PostgreSQL programs run as the `postgres` OS user. Idempotent: a second start finds the replica and (re)starts it.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ProvisioningError, chownToPostgres, clusterRunning, ensureBinaries, prepareSocketDir, resolveBaseDir, runPg } from './local.ts';

export interface ReplicaOptions {
  /** base folder of the primary local cluster (its data/ inside), as given to ensureLocalCluster */
  primaryBaseDir: string;
  primaryPort: number;
  /** base folder of the replica: data/, postgres.log, run/ */
  baseDir: string;
  port: number;
  database: string;
  /** throw-away replicas for tests: no fsync */
  fast?: boolean;
  log?: (line: string) => void;
}

export interface Replica {
  /** DATABASE_READ_URL */
  url: string;
  baseDir: string;
  port: number;
  /** true when this call made the copy */
  created: boolean;
  /** true when this call started the server */
  started: boolean;
}

type Binaries = ReturnType<typeof ensureBinaries>;

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** WAL the primary keeps for a replica that was stopped a while (no slot: a forgotten replica never fills the disk) */
const WAL_KEEP = '1GB';


function logTail(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '';
}

/** wal_level, WAL senders, kept WAL and a replication entry in pg_hba; restarts the primary when a setting needs it. */
async function prepareStreaming(bins: Binaries, primaryBase: string, port: number, log: (l: string) => void): Promise<void> {
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  let restart = false;
  try {
    const { rows } = await admin.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name = ANY($1::text[])",
      [['wal_level', 'max_wal_senders', 'hba_file']],
    );
    const setting = (n: string) => rows.find((r) => r.name === n)?.setting ?? '';
    if (setting('wal_level') === 'minimal') {
      await admin.query("ALTER SYSTEM SET wal_level = 'replica'");
      restart = true;
    }
    if (Number(setting('max_wal_senders')) < 4) {
      await admin.query('ALTER SYSTEM SET max_wal_senders = 10');
      restart = true;
    }
    await admin.query(`ALTER SYSTEM SET wal_keep_size = '${WAL_KEEP}'`);
    const hba = setting('hba_file');
    const text = fs.readFileSync(hba, 'utf8');
    const hasEntry = text.split('\n').some((l) => /^\s*host\s+replication\s+\S+\s+127\.0\.0\.1\/32\s+trust\b/.test(l));
    if (!hasEntry) {
      log(`Adding a local replication entry to ${hba}`);
      fs.appendFileSync(hba, '\n# streaming replica of the local cluster (server/src/db/replica.ts)\nhost    replication     all     127.0.0.1/32    trust\n');
    }
    await admin.query('SELECT pg_reload_conf()');
  } finally {
    await admin.end();
  }
  if (restart) {
    log('Restarting the primary for streaming replication (wal_level, max_wal_senders)…');
    // pg_ctl restart reuses the primary's own start options (postmaster.opts)
    runPg(bins, 'pg_ctl', ['-D', path.join(primaryBase, 'data'), '-l', path.join(primaryBase, 'postgres.log'), '-m', 'fast', '-w', '-t', '60', 'restart']);
  }
}

export async function ensureReplica(opts: ReplicaOptions): Promise<Replica> {
  const log = opts.log ?? console.log;
  const bins = ensureBinaries(log);
  const primaryBase = resolveBaseDir(opts.primaryBaseDir);
  if (!clusterRunning(bins, path.join(primaryBase, 'data'))) {
    throw new ProvisioningError(`The primary cluster in ${primaryBase} is not running: start it first (pnpm db start).`);
  }
  const baseDir = resolveBaseDir(opts.baseDir, log);
  const dataDir = path.join(baseDir, 'data');
  const logFile = path.join(baseDir, 'postgres.log');
  let created = false;
  let started = false;

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await prepareStreaming(bins, primaryBase, opts.primaryPort, log);
    fs.mkdirSync(baseDir, { recursive: true });
    if (isRoot) fs.chmodSync(path.dirname(baseDir), 0o755);
    fs.rmSync(dataDir, { recursive: true, force: true });
    chownToPostgres(baseDir);
    log(`Copying the primary (127.0.0.1:${opts.primaryPort}) into ${dataDir} with pg_basebackup…`);
    runPg(bins, 'pg_basebackup', ['-D', dataDir, '-h', '127.0.0.1', '-p', String(opts.primaryPort), '-U', 'postgres', '-R', '-X', 'stream', '-c', 'fast']);
    created = true;
  } else if (!fs.existsSync(path.join(dataDir, 'standby.signal'))) {
    throw new ProvisioningError(`${dataDir} holds a cluster that is not a standby (no standby.signal): remove it to make a new replica.`);
  }

  const socketDir = path.join(baseDir, 'run');
  const useSocket = prepareSocketDir(socketDir);

  if (!clusterRunning(bins, dataDir)) {
    const settings = [
      `-p ${opts.port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${useSocket ? `'${socketDir}'` : "''"}`,
      '-c max_connections=200',
      '-c hot_standby=on',
      // the primary keeps the rows a long replica read still needs (fewer reads cancelled by replay)
      '-c hot_standby_feedback=on',
      ...(opts.fast ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
    ].join(' ');
    const res = runPg(bins, 'pg_ctl', ['-D', dataDir, '-l', logFile, '-o', settings, '-w', '-t', '60', 'start'], { allowFail: true });
    if (res.status !== 0) {
      throw new ProvisioningError(`The replica did not start on port ${opts.port}:\n${res.stderr}\n${logTail(logFile)}`);
    }
    started = true;
  }

  const host = useSocket && fs.existsSync(path.join(socketDir, `.s.PGSQL.${opts.port}`)) ? encodeURIComponent(socketDir) : '127.0.0.1';
  return { url: `postgres://postgres@${host}:${opts.port}/${opts.database}`, baseDir, port: opts.port, created, started };
}

/**
 * Stops the cluster in a base folder (the replica's, or a throw-away primary's): fast shutdown, or immediate (no
 * checkpoint: for clusters about to be deleted). False when it was not running.
 */
export function stopCluster(baseDirWanted: string, opts: { immediate?: boolean; log?: (l: string) => void } = {}): boolean {
  const log = opts.log ?? console.log;
  const bins = ensureBinaries(log);
  const dataDir = path.join(resolveBaseDir(baseDirWanted), 'data');
  if (!clusterRunning(bins, dataDir)) return false;
  runPg(bins, 'pg_ctl', ['-D', dataDir, '-m', opts.immediate ? 'immediate' : 'fast', '-w', 'stop']);
  log(`PostgreSQL in ${dataDir} stopped.`);
  return true;
}

/** Stops the replica (fast shutdown); false when it was not running. */
export function stopReplica(baseDirWanted: string, log: (l: string) => void = console.log): boolean {
  return stopCluster(baseDirWanted, { log });
}

export function replicaRunning(baseDirWanted: string): boolean {
  const bins = ensureBinaries(() => {});
  return clusterRunning(bins, path.join(resolveBaseDir(baseDirWanted), 'data'));
}

export function removeReplica(baseDirWanted: string, log: (l: string) => void = console.log, immediate = false): void {
  stopCluster(baseDirWanted, { log, immediate });
  const baseDir = resolveBaseDir(baseDirWanted);
  fs.rmSync(baseDir, { recursive: true, force: true });
  log(`Removed ${baseDir}.`);
}
