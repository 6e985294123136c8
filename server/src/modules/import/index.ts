/**
 * The admin import of areas as one plugin: `await app.register(importPlugin, { tileCache })` after the auth plugin.
 * After an import commits the tile cache is emptied; the writer has already woken the live readers, whose screens
 * read their areas again on `areas.imported` (docs/import.md).
 */
import type { FastifyInstance } from 'fastify';
import type { TileCache } from '../tiles/cache.ts';
import importRoutes from './routes.ts';

export interface ImportPluginOptions {
  tileCache: TileCache;
}

export default async function importPlugin(app: FastifyInstance, opts: ImportPluginOptions): Promise<void> {
  await app.register(importRoutes, { onImported: () => opts.tileCache.invalidate() });
}
