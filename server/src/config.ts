/** One typed configuration object, read once from the environment (env > defaults) and validated. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface Config {
  host: string;
  port: number;
  /** an explicit PostGIS connection string; when absent a project-local cluster is provisioned */
  databaseUrl: string | null;
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
  /** password of the demo accounts (demo mode only) */
  demoPassword: string;
  /** session cookies get the Secure flag: 'auto' = when the request arrived over https */
  cookieSecure: boolean | 'auto';
  /** session lifetime in hours */
  sessionHours: number;
  /** login attempts allowed per minute for one client address and username */
  loginRateLimit: number;
  /** how often the light job re-evaluates case lights, in ms; 0 disables it (tests run it by hand) */
  lightJobIntervalMs: number;
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
}

export interface LiveConfig {
  /** SSE heartbeat comment interval while a stream is idle */
  heartbeatMs: number;
  /** safety poll of the event table, in case a notification is lost */
  pollMs: number;
  /** events queued for a client whose socket is full before it is dropped (it reconnects and replays) */
  maxQueue: number;
}

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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    host: env.HOST || '0.0.0.0',
    port: intFromEnv(env, 'PORT', 8080, 0, 65535),
    databaseUrl: env.DATABASE_URL || null,
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
    cookieSecure: !env.GC_COOKIE_SECURE || env.GC_COOKIE_SECURE === 'auto' ? 'auto' : boolFromEnv(env, 'GC_COOKIE_SECURE', false),
    sessionHours: intFromEnv(env, 'GC_SESSION_HOURS', 12, 1, 24 * 30),
    loginRateLimit: intFromEnv(env, 'GC_LOGIN_RATE_LIMIT', 10, 1, 10_000),
    lightJobIntervalMs: intFromEnv(env, 'GC_LIGHT_JOB_MS', 15_000, 0, 3_600_000),
    positionRetentionDays: intFromEnv(env, 'GC_POSITION_RETENTION_DAYS', 7, 0, 3650),
    uploadDir: path.resolve(REPO_ROOT, env.GC_UPLOAD_DIR || '.data/uploads'),
    photoMaxBytes: intFromEnv(env, 'GC_PHOTO_MAX_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    photoRate: intFromEnv(env, 'GC_PHOTO_RATE', 120, 1, 100_000),
    deviceSessionDays: intFromEnv(env, 'GC_DEVICE_SESSION_DAYS', DEFAULT_DEVICE_SESSION_DAYS, 1, 3650),
    publicRate: intFromEnv(env, 'GC_PUBLIC_RATE', 10, 1, 100_000),
  };
}
