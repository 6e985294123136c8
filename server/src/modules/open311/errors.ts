/**
 * Open311 errors: a list of { code, description } (XML <errors><error><code>…</code><description>…</description>),
 * in the format of the request's path. HTTP statuses: 404 for what does not exist, 403 for a missing, unknown or
 * revoked api_key, 429 over a key's per-minute limit, 400 for any other request that cannot be fulfilled (bad or
 * missing fields, a wrong content type, a malformed body). `code` is the HTTP status. These handlers serve the
 * /open311/ routes only; the rest of the API keeps its own error shape.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { describeValidation, HttpError, isDatabaseUnavailable } from '../../plugins/errors.ts';
import { formatOfUrl, sendList } from './render.ts';

const FORM_ONLY = 'a service request is posted as an application/x-www-form-urlencoded body';

export class Open311Error extends Error {
  constructor(
    readonly statusCode: 400 | 403 | 404 | 429,
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'Open311Error';
  }
}

export const badRequest = (description: string) => new Open311Error(400, description);
export const notFound = (description: string) => new Open311Error(404, description);
export const forbidden = (description: string) => new Open311Error(403, description);

function sendErrors(request: FastifyRequest, reply: FastifyReply, status: number, description: string): FastifyReply {
  return sendList(reply, formatOfUrl(request.url), 'errors', 'error', [{ code: status, description }], status);
}

type ValidationError = FastifyError & {
  validation?: Parameters<typeof describeValidation>[0];
  validationContext?: string;
};

export function open311ErrorHandler(err: Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof Open311Error) {
    if (err.retryAfterS !== undefined) reply.header('Retry-After', String(err.retryAfterS));
    return sendErrors(request, reply, err.statusCode, err.message);
  }
  const fe = err as unknown as ValidationError;
  if (fe.validation) {
    const context = fe.validationContext ?? 'request';
    if (context === 'body' && (request.body === undefined || request.body === null)) return sendErrors(request, reply, 400, FORM_ONLY);
    const data = context === 'querystring' ? request.query : context === 'params' ? request.params : context === 'body' ? request.body : request.headers;
    return sendErrors(request, reply, 400, describeValidation(fe.validation, context, request.routeOptions.schema, data) || fe.message);
  }
  if (isDatabaseUnavailable(err)) {
    request.log.warn({ err }, 'database unavailable');
    reply.header('Retry-After', '5');
    return sendErrors(request, reply, 503, 'the service is unavailable for a moment: retry shortly');
  }
  if (err instanceof HttpError) {
    // refusals of the case rules (outside the district, an unknown category…): the request cannot be fulfilled
    const status = err.statusCode === 403 || err.statusCode === 404 || err.statusCode === 429 ? err.statusCode : err.statusCode >= 500 ? 500 : 400;
    if (status === 500) request.log.error({ err }, 'open311 request failed');
    return sendErrors(request, reply, status, status === 500 ? 'internal service error' : err.message);
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors: an unsupported content type, a malformed or too large body
    const description =
      fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? FORM_ONLY
        : fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'the request body is too large'
          : fe.message;
    return sendErrors(request, reply, status === 403 || status === 404 || status === 429 ? status : 400, description);
  }
  request.log.error({ err }, 'open311 request failed');
  return sendErrors(request, reply, 500, 'internal service error');
}

export function open311NotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? request.url;
  return sendErrors(request, reply, 404, `no such resource: ${request.method} ${path} (see /open311/v2/discovery.xml)`);
}
