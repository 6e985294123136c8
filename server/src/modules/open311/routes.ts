/**
 * Open311 GeoReport v2 under /open311 (docs/open311.md); every resource in .json and .xml:
 *   GET  /open311/discovery.{fmt}, /open311/v2/discovery.{fmt}   service discovery
 *   GET  /open311/v2/services.{fmt}                               the catalogue (5-digit categories)
 *   GET  /open311/v2/services/{service_code}.{fmt}                a service definition (no extra attributes)
 *   POST /open311/v2/requests.{fmt}                               file a request (form body, api_key)
 *   GET  /open311/v2/requests.{fmt}                               query requests
 *   GET  /open311/v2/requests/{service_request_id}.{fmt}          one request
 *   GET  /open311/v2/tokens/{token}.{fmt}                         tokens (none are issued: requests are realtime)
 * Errors come in the GeoReport shape (errors.ts), set on this plugin's context only.
 */
import { publicSettings } from '../public/settings.ts';
import { binaryResponse } from '../../plugins/openapi-shapes.ts';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fastifyFormbody from '@fastify/formbody';
import { Type } from 'typebox';
import { notFound, open311ErrorHandler, open311NotFound } from './errors.ts';
import { langOf, originOf, presentRequest, presentService } from './present.ts';
import { splitFile, sendList, sendObject, type Format } from './render.ts';
import * as repo from './repository.ts';
import { fileRequest, given, KeyRateLimiter, liveKey, requestsQuery, type PostInput, type RequestsQueryInput } from './service.ts';

/** Answers are rendered here (JSON or XML text, render.ts); the description names them. */
const answers = (what: string, ok: 200 | 201 = 200) => ({
  response: {
    [ok]: binaryResponse(what, 'application/json', 'text/xml'),
    '4xx': binaryResponse('the GeoReport error list: [{ code, description }] / <errors><error>', 'application/json', 'text/xml'),
    '5xx': binaryResponse('the GeoReport error list', 'application/json', 'text/xml'),
  },
});

const FORMATS: readonly Format[] = ['json', 'xml'];
/** When this interface last changed (discovery's changeset). */
const CHANGESET = '2026-12-01T00:00:00Z';
const SPEC_URL = 'http://wiki.open311.org/GeoReport_v2';

const Text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
/** jurisdiction_id is accepted and ignored: one jurisdiction is served. Unknown parameters are ignored too. */
const Common = { jurisdiction_id: Text(200) };
const PlainQuery = Type.Object(Common, { additionalProperties: true });
const FileParams = Type.Object({ file: Type.String({ minLength: 1, maxLength: 210 }) }, { additionalProperties: false });
const RequestsQuery = Type.Object(
  { ...Common, service_request_id: Text(20_000), service_code: Text(6_000), start_date: Text(40), end_date: Text(40), status: Text(20) },
  { additionalProperties: true },
);
const PostBody = Type.Object(
  {
    ...Common,
    api_key: Text(200),
    service_code: Text(20),
    lat: Text(40),
    long: Text(40),
    address_string: Text(300),
    address_id: Text(200),
    email: Text(200),
    device_id: Text(200),
    account_id: Text(200),
    first_name: Text(50),
    last_name: Text(49),
    phone: Text(40),
    description: Text(4000),
    media_url: Text(2000),
  },
  // attribute[code]=value pairs: no service of ours defines attributes, so they are ignored
  { additionalProperties: true },
);

function fileOf(request: { params: { file: string }; url: string }): { id: string; format: Format } {
  const f = splitFile(request.params.file);
  if (!f) throw notFound(`no such resource: ${request.url.split('?')[0]} (resources end in .json or .xml)`);
  return f;
}

function discovery(reply: FastifyReply, format: Format, origin: string): FastifyReply {
  const endpoint = { specification: SPEC_URL, url: `${origin}/open311/v2`, changeset: CHANGESET, type: 'production' };
  const contact = 'GridCommand city operations centre: ask its administrator for an api_key';
  const keyService = 'API keys are issued by the administrator of GridCommand (POST /api/admin/api-keys)';
  if (format === 'json') {
    return sendObject(reply, format, 'discovery', {
      changeset: CHANGESET,
      contact,
      key_service: keyService,
      endpoints: [{ ...endpoint, formats: ['text/xml', 'application/json'] }],
    });
  }
  return sendObject(reply, format, 'discovery', {
    changeset: CHANGESET,
    contact,
    key_service: keyService,
    endpoints: { endpoint: { ...endpoint, formats: { format: ['text/xml', 'application/json'] } } },
  });
}

const georeportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.setErrorHandler(open311ErrorHandler);
  app.setNotFoundHandler(open311NotFound);
  // a service request is a form post: no other body is read here
  app.removeAllContentTypeParsers();
  await app.register(fastifyFormbody);

  const limiter = new KeyRateLimiter();

  for (const format of FORMATS) {
    for (const path of [`/discovery.${format}`, `/v2/discovery.${format}`]) {
      app.get(path, { schema: { querystring: PlainQuery, ...answers('service discovery') } }, async (request, reply) => discovery(reply, format, originOf(request)));
    }

    app.get(`/v2/services.${format}`, { schema: { querystring: PlainQuery, ...answers('the services') } }, async (request, reply) => {
      const lang = langOf(request);
      return sendList(reply, format, 'services', 'service', (await repo.services(app.readPool)).map((s) => presentService(s, lang)));
    });

    app.post(`/v2/requests.${format}`, { schema: { body: PostBody, ...answers('the new service request', 201) }, bodyLimit: 64 * 1024 }, async (request, reply) => {
      const input = (request.body ?? {}) as PostInput;
      const key = await liveKey(app.pool, input.api_key);
      limiter.take(key.id, key.rate_per_minute);
      const { code, notice } = await fileRequest(app.pool, key, input);
      return sendList(reply, format, 'service_requests', 'request', [{ service_request_id: code, service_notice: notice, account_id: given(input.account_id) ?? null }], 201);
    });

    app.get(`/v2/requests.${format}`, { schema: { querystring: RequestsQuery, ...answers('service requests') } }, async (request, reply) => {
      const q = requestsQuery(request.query as RequestsQueryInput, new Date());
      const rows = await repo.requests(app.readPool, q);
      const lang = langOf(request);
      const origin = originOf(request);
      const majors = (await publicSettings(app.pool)).sensitiveMajors;
      return sendList(reply, format, 'service_requests', 'request', rows.map((r) => presentRequest(r, lang, origin, majors)));
    });
  }

  app.get('/v2/services/:file', { schema: { querystring: PlainQuery, params: FileParams, ...answers('a service definition') } }, async (request, reply) => {
    const { id, format } = fileOf(request);
    const svc = await repo.service(app.readPool, id);
    if (!svc) throw notFound(`service_code "${id}" not found`);
    // metadata is false for every service: the definition has no attributes
    return sendObject(reply, format, 'service_definition', { service_code: svc.code, attributes: format === 'json' ? [] : '' });
  });

  app.get('/v2/requests/:file', { schema: { querystring: PlainQuery, params: FileParams, ...answers('one service request') } }, async (request, reply) => {
    const { id, format } = fileOf(request);
    // a request just filed may not have reached the replica yet: then the primary answers
    const one = { codes: [id], limit: 1 };
    let [row] = await repo.requests(app.readPool, one);
    if (!row && app.readPool !== app.pool) [row] = await repo.requests(app.pool, one);
    if (!row) throw notFound(`service_request_id "${id}" not found`);
    return sendList(reply, format, 'service_requests', 'request', [presentRequest(row, langOf(request), originOf(request), (await publicSettings(app.pool)).sensitiveMajors)]);
  });

  app.get('/v2/tokens/:file', { schema: { querystring: PlainQuery, params: FileParams, ...answers('a token (none are issued)') } }, async (request) => {
    const { id } = fileOf(request);
    throw notFound(`token "${id}" not found: every service here is realtime, so POST requests answers the service_request_id itself and issues no tokens`);
  });
};

export default georeportRoutes;
