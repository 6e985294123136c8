/**
 * Photos:
 *   POST /api/photos              the image bytes as the body (image/jpeg, image/png, image/webp or
 *                                 application/octet-stream; the type is read from the bytes) → 201, or 200 when the
 *                                 same bytes were stored before. Limited in size (GC_PHOTO_MAX_BYTES → 413) and in
 *                                 rate per user (GC_PHOTO_RATE a minute → 429 with Retry-After).
 *   GET  /api/photos/:id          the photo as uploaded, EXIF included: staff roles only (never the wall display)
 *   GET  /api/photos/:id/thumb    a small re-encoded copy without any metadata: anyone (a citizen's tracking page, an
 *                                 Open311 client); the id is the SHA-256 of the bytes, so only who has the link sees it
 * Files are named by the photo's content hash; nothing the client sends becomes part of a path.
 */
import { binaryResponse } from '../../plugins/openapi-shapes.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorResponse, PhotoIdParams, PhotoUploadResponse, PHOTO_MIME_TYPES } from '@gridcommand/shared/schemas';
import type { UserRole } from '@gridcommand/shared/schemas';
import { HttpError, notFound } from '../../plugins/errors.ts';
import { findPhoto } from './photos-repository.ts';
import { uploadPhoto } from './photos-service.ts';
import type { PhotoStore, PhotoVariant } from './photos-storage.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

/** Roles that take photos (and may read originals with their EXIF); the wall display gets thumbnails only. */
export const PHOTO_STAFF: UserRole[] = ['admin', 'leader', 'dispatcher', 'handler', 'worker'];

/** Content-addressed: the bytes behind an id never change. */
const IMMUTABLE = 'private, max-age=31536000, immutable';
/** Thumbnails carry no metadata and are public: shared caches may keep them. */
const IMMUTABLE_PUBLIC = 'public, max-age=31536000, immutable';

export interface PhotoRouteOptions {
  store: PhotoStore;
  maxBytes: number;
  perMinute: number;
}

function rateKey(request: FastifyRequest): string {
  return request.user ? `photo:user:${request.user.id}` : `photo:ip:${request.ip}`;
}

/** Raw image bodies, only inside the calling plugin: everywhere else a JSON API. */
export function acceptPhotoBodies(app: FastifyInstance, maxBytes: number): void {
  for (const type of [...PHOTO_MIME_TYPES, 'application/octet-stream']) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: maxBytes }, (_req, body, done) => done(null, body));
  }
}

/** The body of a photo upload, or 415. */
export function photoBytes(body: unknown): Buffer {
  if (!Buffer.isBuffer(body)) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `send the photo's bytes with Content-Type ${PHOTO_MIME_TYPES.join(', ')} or application/octet-stream`);
  }
  return body;
}

const photosRoutes: FastifyPluginAsyncTypebox<PhotoRouteOptions> = async (app, opts) => {
  acceptPhotoBodies(app, opts.maxBytes);

  app.post(
    '/api/photos',
    {
      bodyLimit: opts.maxBytes,
      schema: { response: { 200: PhotoUploadResponse, 201: PhotoUploadResponse, ...errors } },
      config: {
        roles: PHOTO_STAFF,
        rateLimit: {
          max: opts.perMinute,
          timeWindow: 60_000,
          hook: 'onRequest',
          keyGenerator: rateKey,
          errorResponseBuilder: (_req, ctx) => new HttpError(429, 'RATE_LIMITED', `too many photo uploads; retry in ${ctx.after}`),
        },
      },
    },
    async (request, reply) => {
      const out = await uploadPhoto(app.pool, opts.store, request.user!, photoBytes(request.body));
      return reply.status(out.status).send(out.body);
    },
  );

  async function send(reply: FastifyReply, id: string, variant: PhotoVariant) {
    const row = await findPhoto(app.pool, id);
    const file = row ? await opts.store.open(id, variant) : null;
    if (!row || !file) throw notFound('PHOTO_NOT_FOUND', `photo ${id} not found`);
    reply.header('cache-control', variant === 'thumb' ? IMMUTABLE_PUBLIC : IMMUTABLE);
    reply.header('content-length', file.size);
    reply.header('content-disposition', 'inline');
    return reply.type(variant === 'thumb' ? 'image/jpeg' : row.mime).send(file.stream);
  }

  app.get(
    '/api/photos/:id',
    { schema: { params: PhotoIdParams, response: { 200: binaryResponse('the photo as uploaded', ...PHOTO_MIME_TYPES), ...errors } }, config: { roles: PHOTO_STAFF } },
    async (request, reply) => send(reply, request.params.id, 'original'),
  );
  app.get(
    '/api/photos/:id/thumb',
    { schema: { params: PhotoIdParams, response: { 200: binaryResponse('a JPEG thumbnail without metadata', 'image/jpeg'), ...errors } }, config: { roles: 'public' } },
    async (request, reply) => send(reply, request.params.id, 'thumb'),
  );
};

export default photosRoutes;
