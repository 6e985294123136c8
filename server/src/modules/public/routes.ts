/**
 * The citizen's side, no login (docs/public.md):
 *   POST /api/public/photos                   a photo (raw bytes; header x-gc-device), as for the field app
 *   GET  /api/public/nearby?lon&lat&category  open cases of that category within 50 m ("is it one of these?")
 *   POST /api/public/cases                    a report → a tracking code of one's own
 *   POST /api/public/cases/:caseCode/follow   +1 on an open case instead of a new report
 *   GET  /api/public/track/:code              the tracking page
 *   POST /api/public/track/:code/rating       满意 / 基本满意 / 不满意 (不满意 within 7 days reopens the case)
 * and the center's callbacks (回访):
 *   GET  /api/callbacks                       closed public cases to call back (dispatcher, admin)
 *   POST /api/cases/:id/callback              the callback's outcome
 * Every public route is limited per address and, where it names one, per device and phone (429 with Retry-After).
 */
import crypto from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { normalizeTrackingCode } from '@gridcommand/shared/domain';
import {
  CallbackBody,
  CallbackListResponse,
  CaseIdParams,
  ErrorResponse,
  PhotoUploadResponse,
  PublicCaseParams,
  PublicFollowBody,
  PublicNearbyQuery,
  PublicNearbyResponse,
  PublicRatingBody,
  PublicRatingResponse,
  PublicReceipt,
  PublicReportBody,
  PublicTrack,
  TrackingCodeParams,
} from '@gridcommand/shared/schemas';
import { badRequest } from '../../plugins/errors.ts';
import type { AuthUser } from '../auth/repository.ts';
import { acceptPhotoBodies, photoBytes } from '../field/photos-routes.ts';
import { uploadPhoto } from '../field/photos-service.ts';
import type { PhotoStore } from '../field/photos-storage.ts';
import { idempotencyKeyOf, sendOutcome } from '../writer/http.ts';
import { userActor } from '../writer/tx.ts';
import { PublicLimiter, publicLimits } from './limits.ts';
import * as repo from './repository.ts';
import * as svc from './service.ts';
import { settingsRoutes } from './settings.ts';

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

export interface PublicRouteOptions {
  store: PhotoStore;
  maxBytes: number;
  /** reports a minute from one address */
  perMinute: number;
}

const DEVICE_RE = /^[A-Za-z0-9_-]{16,64}$/;

function deviceOf(request: FastifyRequest): string {
  const d = request.headers['x-gc-device'];
  if (typeof d !== 'string' || !DEVICE_RE.test(d)) throw badRequest('BAD_DEVICE', 'header "x-gc-device" must be the device id the page made (16–64 letters, digits, - or _)');
  return d;
}

function codeOf(raw: string): string {
  const code = normalizeTrackingCode(raw);
  if (!code) throw badRequest('BAD_TRACKING_CODE', 'a tracking code has 10 letters and digits, e.g. K7M4Q-2XPRB');
  return code;
}

const publicRoutes: FastifyPluginAsyncTypebox<PublicRouteOptions> = async (app, opts) => {
  acceptPhotoBodies(app, opts.maxBytes);
  await app.register(settingsRoutes);
  const limiter = new PublicLimiter();
  const limits = publicLimits(opts.perMinute);
  let account: AuthUser | null = null;
  const web = async () => (account ??= await repo.serviceAccount(app.pool, 'public-web'));

  app.post(
    '/api/public/photos',
    { bodyLimit: opts.maxBytes, schema: { response: { 200: PhotoUploadResponse, 201: PhotoUploadResponse, ...errors } }, config: { roles: 'public' } },
    async (request, reply) => {
      const device = deviceOf(request);
      limiter.take([
        { key: `photo:ip:${request.ip}`, limit: limits.photosPerAddress },
        { key: `photo:dev:${device}`, limit: limits.photosPerDevice },
      ]);
      const out = await uploadPhoto(app.pool, opts.store, await web(), photoBytes(request.body));
      // where the photo was taken stays with staff: the citizen's own page reads it from the file itself
      return reply.status(out.status).send({ ...out.body, url: out.body.thumbUrl, gps: null });
    },
  );

  app.get(
    '/api/public/nearby',
    { schema: { querystring: PublicNearbyQuery, response: { 200: PublicNearbyResponse, ...errors } }, config: { roles: 'public' } },
    async (request) => {
      limiter.take([{ key: `track:ip:${request.ip}`, limit: limits.tracksPerAddress }]);
      return svc.nearby(app.pool, await web(), request.query);
    },
  );

  app.post(
    '/api/public/cases',
    { schema: { body: PublicReportBody, response: { 201: PublicReceipt, ...errors } }, config: { roles: 'public' } },
    async (request, reply) => {
      const b = request.body;
      const phone = svc.normalizePhone(b.phone);
      const text = `${b.categoryCode}:${b.description.trim().replace(/\s+/g, ' ')}`;
      const textKey = crypto.createHash('sha256').update(text).digest('hex').slice(0, 24);
      limiter.take([
        { key: `report:ip:${request.ip}`, limit: limits.reportsPerAddress },
        { key: `report:dev:${b.deviceId}`, limit: limits.reportsPerDevice },
        ...(phone ? [{ key: `report:phone:${phone}`, limit: limits.reportsPerPhone }] : []),
        { key: `report:text:${textKey}`, limit: limits.sameText },
        // the same photo sent with report after report is a storm too
        ...(b.photos ?? []).map((id) => ({ key: `report:photo:${id}`, limit: limits.samePhoto })),
      ]);
      const acct = await web();
      return sendOutcome(reply, await svc.report(app.pool, acct, b, idempotencyKeyOf(request, userActor(acct))));
    },
  );

  app.post(
    '/api/public/cases/:caseCode/follow',
    { schema: { params: PublicCaseParams, body: PublicFollowBody, response: { 201: PublicReceipt, ...errors } }, config: { roles: 'public' } },
    async (request, reply) => {
      limiter.take([
        { key: `report:ip:${request.ip}`, limit: limits.reportsPerAddress },
        { key: `report:dev:${request.body.deviceId}`, limit: limits.reportsPerDevice },
      ]);
      const acct = await web();
      return sendOutcome(reply, await svc.follow(app.pool, acct, request.params.caseCode, request.body, idempotencyKeyOf(request, userActor(acct))));
    },
  );

  app.get(
    '/api/public/track/:code',
    { schema: { params: TrackingCodeParams, response: { 200: PublicTrack, ...errors } }, config: { roles: 'public' } },
    async (request, reply) => {
      limiter.take([{ key: `track:ip:${request.ip}`, limit: limits.tracksPerAddress }]);
      reply.header('cache-control', 'no-store');
      return svc.track(app.pool, codeOf(request.params.code));
    },
  );

  app.post(
    '/api/public/track/:code/rating',
    { schema: { params: TrackingCodeParams, body: PublicRatingBody, response: { 201: PublicRatingResponse, ...errors } }, config: { roles: 'public' } },
    async (request, reply) => {
      limiter.take([{ key: `rate:ip:${request.ip}`, limit: limits.ratingsPerAddress }]);
      const acct = await web();
      const code = codeOf(request.params.code);
      const out = await svc.rate(app.pool, acct, code, request.body, idempotencyKeyOf(request, userActor(acct)));
      // the page as it is after the commit (a reopening's own step included)
      return sendOutcome(reply, { ...out, body: { ...out.body, track: await svc.track(app.pool, code) } });
    },
  );

  app.get(
    '/api/callbacks',
    {
      schema: { querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })) }, { additionalProperties: false }), response: { 200: CallbackListResponse, ...errors } },
      config: { roles: ['admin', 'dispatcher'] },
    },
    async (request) => {
      const rows = await repo.callbacksDue(app.pool, request.query.days ?? 30, 200);
      return {
        items: rows.map((r) => ({
          caseId: r.case_id, caseCode: r.case_code, title: r.title, closedAt: r.closed_at.toISOString(),
          reporterName: r.reporter_name, reporterPhone: r.reporter_phone, callbacks: r.callbacks, rating: r.rating,
        })),
      };
    },
  );

  app.post(
    '/api/cases/:id/callback',
    { schema: { params: CaseIdParams, body: CallbackBody, response: { 201: Type.Object({ reopened: Type.Boolean() }), ...errors } }, config: { roles: ['admin', 'dispatcher'] } },
    async (request, reply) => {
      const user = request.user!;
      return sendOutcome(reply, await svc.callback(app.pool, user, request.params.id, request.body, idempotencyKeyOf(request, userActor(user))));
    },
  );
};

export default publicRoutes;
