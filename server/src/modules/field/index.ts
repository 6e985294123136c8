/**
 * The grid worker's phone as one plugin: photos, patrols, check-ins, household visits, and the worker's own page
 * (GET /api/field/me). Register after the auth plugin:
 * `await app.register(fieldPlugin, { config })`. Rules in docs/field.md.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import meRoutes from './me-routes.ts';
import patrolsRoutes from './patrols-routes.ts';
import photosRoutes from './photos-routes.ts';
import { PhotoStore, isInside } from './photos-storage.ts';
import publicRoutes from '../public/routes.ts';

export default async function fieldPlugin(app: FastifyInstance, opts: { config: Config }): Promise<void> {
  const { config } = opts;
  if (config.clientDist && isInside(config.uploadDir, config.clientDist)) {
    throw new Error(`GC_UPLOAD_DIR (${config.uploadDir}) lies inside the served client (${config.clientDist}): choose a folder outside it`);
  }
  const store = new PhotoStore(config.uploadDir);
  await app.register(photosRoutes, { store, maxBytes: config.photoMaxBytes, perMinute: config.photoRate });
  // the citizen's side shares the photo store (docs/public.md)
  await app.register(publicRoutes, { store, maxBytes: config.photoMaxBytes, perMinute: config.publicRate });
  await app.register(patrolsRoutes);
  await app.register(meRoutes);
}
