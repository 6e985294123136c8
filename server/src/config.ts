/** One typed configuration object, read once from the environment (env > defaults) and validated. */
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import path from 'node:path';

export interface Config {
  host: string;
  port: number;
  /** an explicit PostGIS connection string; when absent a project-local cluster is provisioned */
  databaseUrl: string | null;
  /** DATABASE_READ_URL: a streaming replica for lag-tolerant reads (tiles, OGC, Open311 GETs); null: all reads on the primary */
  readDatabaseUrl: string | null;
  /** GC_READ_MAX_LAG_MS: replay lag beyond which the lag-tolerant reads go back to the primary */
  readMaxLagMs: number;
  /** GC_JOBS: this process runs the background jobs (light job, position pruning, demo simulator); off on all but one of several API processes */
  jobs: boolean;
  /** project-local PostgreSQL cluster settings (used when databaseUrl is null) */
  localDb: { port: number; database: string; dataDir: string | null };
  /** demo mode: seed the demo district (and later simulated activity) */
  demo: boolean;
  /** directory of the built client served at / (null: do not serve the client) */
  clientDist: string | null;
  logLevel: string;
  repoRoot: string;
  /** the live stream (GET /api/live) */
  live: LiveConfig;
  /** demo mode: cases of history to load into an empty database (0: none) */
  demoHistoryCases: number;
  /** demo mode: simulated new reports per second (0: no simulator) */
  simRate: number;
  /** demo mode: the simulator's time compression, simulated seconds per real second (GC_SIM_SPEED; 1 = real time) */
  simSpeed: number;
  /** demo mode: GC_SIM_RATE when set: fixed reports per second instead of the history's volume (null: follow it) */
  simRateOverride: number | null;
  /** password of the demo accounts (demo mode only) */
  demoPassword: string;
  /** session cookies get the Secure flag: 'auto' = when the request arrived over https */
  cookieSecure: boolean | 'auto';
  /** session lifetime in hours */
  sessionHours: number;
  /** login attempts allowed per minute for one client address and username */
  loginRateLimit: number;
  /** failed logins allowed from one client address (any usernames) per loginAddressWindowMs; then 429 */
  loginAddressLimit: number;
  loginAddressWindowMs: number;
  /**
   * which peers are trusted proxies whose X-Forwarded-For/-Proto/-Host are believed: false (none, the default), a
   * hop count, or addresses/CIDRs (with the names loopback, linklocal, uniquelocal)
   */
  trustProxy: TrustProxy;
  /** the public origin (and path prefix) of this server, e.g. https://gc.example.org, for absolute URLs it hands out */
  publicUrl: string | null;
  /** how often the light job re-evaluates case lights, in ms; 0 disables it (tests run it by hand) */
  lightJobIntervalMs: number;
  /**
   * how often the indicator rollup job runs and the running periods' numbers are refreshed (each kind at its own pace,
   * shared/src/domain/indicators-rollup.ts), in ms; 0 disables it. It runs beside the light job: a process that does not
   * run the light job (GC_JOBS=false, the tests that drive the jobs by hand) does not run it either, yet reads what it stores.
   */
  indicatorRollupMs: number;
  /** team position history (AVL) older than this many days is pruned hourly; 0 keeps everything */
  positionRetentionDays: number;
  /** folder of uploaded photos (absolute); never inside the built client */
  uploadDir: string;
  /** largest photo upload in bytes */
  photoMaxBytes: number;
  /** photo uploads allowed per minute for one user */
  photoRate: number;
  /** lifetime of a device session (a phone that stays signed in), in days */
  deviceSessionDays: number;
  /** public reports a minute from one address (the citizen's page) */
  publicRate: number;
  /** the in-process tile cache's budget of rendered tiles, in bytes (outside the V8 heap); 0 turns it off */
  tileCacheBytes: number;
}

export interface LiveConfig {
  /** SSE heartbeat comment interval while a stream is idle */
  heartbeatMs: number;
  /** safety poll of the event table, in case a notification is lost */
  pollMs: number;
  /** events queued for a client whose socket is full before it is dropped (it reconnects and replays) */
  maxQueue: number;
}

export type TrustProxy = false | number | string[];

/** lifetime of a device session when GC_DEVICE_SESSION_DAYS is not set */
export const DEFAULT_DEVICE_SESSION_DAYS = 90;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

function boolFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

const PROXY_NAMES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

function parseSubnet(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', bits, ...rest] = entry.split('/');
  const v = net.isIP(address);
  if (v === 0 || rest.length > 0) return null;
  const max = v === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!/^\d{1,3}$/.test(bits ?? String(max)) || prefix > max) return null;
  return { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

/** GC_TRUST_PROXY: empty (none), a hop count, or a comma-separated list of addresses, CIDRs and proxy names. */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const text = (raw ?? '').trim();
  if (text === '' || /^(0|false|no|off|none)$/i.test(text)) return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 10) throw new Error(`GC_TRUST_PROXY as a hop count must be between 0 and 10, got "${raw}"`);
    return hops;
  }
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  for (const e of entries) {
    if (!(e.toLowerCase() in PROXY_NAMES) && !parseSubnet(e)) {
      throw new Error(`GC_TRUST_PROXY must be a hop count or addresses/CIDRs (or loopback, linklocal, uniquelocal), got "${e}"`);
    }
  }
  return entries;
}

/**
 * The trust function of a TrustProxy for Fastify's trustProxy option: (peer address, hop) → is it a trusted proxy.
 * hop 0 is the socket's peer, 1 the address it forwarded for, …
 */
export function proxyTrust(trust: TrustProxy): (address: string, hop: number) => boolean {
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_a, hop) => hop < trust;
  const list = new net.BlockList();
  for (const e of trust.flatMap((x) => PROXY_NAMES[x.toLowerCase()] ?? [x])) {
    const s = parseSubnet(e)!;
    list.addSubnet(s.address, s.prefix, s.family);
  }
  return (address) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const a = mapped ?? address;
    const v = net.isIP(a);
    return v !== 0 && list.check(a, v === 4 ? 'ipv4' : 'ipv6');
  };
}

/** GC_PUBLIC_URL: an http(s) origin with an optional path prefix, normalised without a trailing slash. */
export function parsePublicUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new Error(`GC_PUBLIC_URL must be an absolute http(s) URL such as https://gc.example.org, got "${raw}"`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || u.search || u.hash) {
    throw new Error(`GC_PUBLIC_URL must be an http(s) URL without credentials, query or fragment, got "${raw}"`);
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config: Config = {
    host: env.HOST || '0.0.0.0',
    port: intFromEnv(env, 'PORT', 8080, 0, 65535),
    databaseUrl: env.DATABASE_URL || null,
    readDatabaseUrl: env.DATABASE_READ_URL || null,
    readMaxLagMs: intFromEnv(env, 'GC_READ_MAX_LAG_MS', 10_000, 0, 3_600_000),
    jobs: boolFromEnv(env, 'GC_JOBS', true),
    localDb: {
      port: intFromEnv(env, 'GC_PG_PORT', 54329, 1024, 65535),
      database: env.GC_PG_DATABASE || 'gridcommand',
      dataDir: env.GC_PG_DIR || null,
    },
    demo: boolFromEnv(env, 'GC_DEMO', true),
    clientDist: env.GC_CLIENT_DIST ?? path.join(REPO_ROOT, 'client/dist'),
    logLevel: env.LOG_LEVEL || 'warn',
    repoRoot: REPO_ROOT,
    live: {
      heartbeatMs: intFromEnv(env, 'GC_LIVE_HEARTBEAT_MS', 15_000, 50, 600_000),
      pollMs: intFromEnv(env, 'GC_LIVE_POLL_MS', 2_000, 50, 600_000),
      maxQueue: intFromEnv(env, 'GC_LIVE_MAX_QUEUE', 10_000, 10, 10_000_000),
    },
    demoPassword: env.GC_DEMO_PASSWORD || 'gridcommand-demo',
    demoHistoryCases: intFromEnv(env, 'GC_DEMO_HISTORY', 50_000, 0, 10_000_000),
    simRate: Number(env.GC_SIM_RATE ?? 1),
    simSpeed: intFromEnv(env, 'GC_SIM_SPEED', 1, 1, 3600),
    simRateOverride: env.GC_SIM_RATE ? Number(env.GC_SIM_RATE) : null,
    cookieSecure: !env.GC_COOKIE_SECURE || env.GC_COOKIE_SECURE === 'auto' ? 'auto' : boolFromEnv(env, 'GC_COOKIE_SECURE', false),
    sessionHours: intFromEnv(env, 'GC_SESSION_HOURS', 12, 1, 24 * 30),
    loginRateLimit: intFromEnv(env, 'GC_LOGIN_RATE_LIMIT', 10, 1, 10_000),
    loginAddressLimit: intFromEnv(env, 'GC_LOGIN_ADDRESS_LIMIT', 20, 1, 100_000),
    loginAddressWindowMs: intFromEnv(env, 'GC_LOGIN_ADDRESS_WINDOW_MIN', 15, 1, 24 * 60) * 60_000,
    trustProxy: parseTrustProxy(env.GC_TRUST_PROXY),
    publicUrl: parsePublicUrl(env.GC_PUBLIC_URL),
    lightJobIntervalMs: intFromEnv(env, 'GC_LIGHT_JOB_MS', 15_000, 0, 3_600_000),
    indicatorRollupMs: intFromEnv(env, 'GC_INDICATOR_ROLLUP_MS', 60_000, 0, 3_600_000),
    positionRetentionDays: intFromEnv(env, 'GC_POSITION_RETENTION_DAYS', 7, 0, 3650),
    uploadDir: path.resolve(REPO_ROOT, env.GC_UPLOAD_DIR || '.data/uploads'),
    photoMaxBytes: intFromEnv(env, 'GC_PHOTO_MAX_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    photoRate: intFromEnv(env, 'GC_PHOTO_RATE', 120, 1, 100_000),
    deviceSessionDays: intFromEnv(env, 'GC_DEVICE_SESSION_DAYS', DEFAULT_DEVICE_SESSION_DAYS, 1, 3650),
    publicRate: intFromEnv(env, 'GC_PUBLIC_RATE', 10, 1, 100_000),
    tileCacheBytes: intFromEnv(env, 'GC_TILE_CACHE_MB', 64, 0, 4096) * 1024 * 1024,
  };
  // GC_JOBS=false: an extra API process beside the one that runs the jobs (docs/deploy.md)
  return config.jobs ? config : { ...config, lightJobIntervalMs: 0, positionRetentionDays: 0, simRate: 0, simRateOverride: null };
}
