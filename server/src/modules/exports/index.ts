/**
 * The exports as one plugin (docs/exports.md): the file routes and their limiter, decorated as `app.exportLimiter`
 * (tests and the health of the exports read it). Limits from GC_EXPORT_CONCURRENCY (exports running at once,
 * default 2), GC_EXPORT_QUEUE (exports waiting, default 8) and GC_EXPORT_MAX_ROWS (rows a file may hold, default
 * 2,000,000), or from the options.
 * Register after the auth plugin: `await app.register(exportsPlugin)`.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ExportLimiter } from './limiter.ts';
import exportRoutes, { EXPORT_MAX_ROWS } from './routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    exportLimiter: ExportLimiter;
  }
}

export interface ExportLimits {
  maxRunning: number;
  maxQueued: number;
  /** the most rows a CSV or GeoJSON file holds (Excel: also at most a worksheet's rows) */
  maxRows: number;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  return n;
}

export function exportLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): ExportLimits {
  return {
    maxRunning: intFrom(env, 'GC_EXPORT_CONCURRENCY', 2, 1, 64),
    maxQueued: intFrom(env, 'GC_EXPORT_QUEUE', 8, 0, 1000),
    maxRows: intFrom(env, 'GC_EXPORT_MAX_ROWS', EXPORT_MAX_ROWS, 1, 10_000_000),
  };
}

async function exportsPlugin(app: FastifyInstance, opts: Partial<ExportLimits>): Promise<void> {
  const limits = { ...exportLimitsFromEnv(), ...opts };
  const limiter = new ExportLimiter(limits.maxRunning, limits.maxQueued);
  app.decorate('exportLimiter', limiter);
  await app.register(exportRoutes, { limiter, maxRows: limits.maxRows });
}

// fastify-plugin: the limiter is decorated on the app itself, not only inside the plugin
export default fp(exportsPlugin, { name: 'exports' });
