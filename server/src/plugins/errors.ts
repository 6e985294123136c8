/**
 * One error shape for the whole API: { statusCode, error, message, code? }.
 * Errors are values (HttpError) thrown by routes and turned into HTTP here, in one place.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ErrorResponse } from '@gridcommand/shared/schemas';

export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  /** fields sent next to the error shape (e.g. `allowed` actions, the `current` state of a conflict) */
  readonly extra: Record<string, unknown> | undefined;
  constructor(statusCode: number, code: string, message: string, extra?: Record<string, unknown>) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.extra = extra;
  }
}

/** A refusal that carries the current state (409) or the actions allowed now. */
export const conflict = (code: string, message: string, extra?: Record<string, unknown>) => new HttpError(409, code, message, extra);

export const badRequest = (code: string, message: string) => new HttpError(400, code, message);
export const notFound = (code: string, message: string) => new HttpError(404, code, message);

export function errorBody(statusCode: number, message: string, code?: string): ErrorResponse {
  const body: ErrorResponse = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
  if (code) body.code = code;
  return body;
}

// Node socket errors and PostgreSQL SQLSTATEs meaning "the database cannot be reached right now".
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Connection terminated unexpectedly/i,
  /Client has encountered a connection error/i,
  /Cannot use a pool after calling end/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

/** True when the error means the database is down or unreachable (as opposed to a bad query). */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 3) return false;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof e.code === 'string') {
    if (UNAVAILABLE_NODE_CODES.has(e.code) || UNAVAILABLE_SQLSTATES.has(e.code)) return true;
    // class 08: connection exception — but 08P01 (protocol violation, e.g. a malformed bind) is a bug, not an outage
    if (/^08[0-9A-Z]{3}$/.test(e.code) && e.code !== '08P01') return true;
  }
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.some((re) => re.test(e.message as string))) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}

/**
 * True when the error is the request's own body stream failing: the client closed or reset its connection before its
 * body arrived (Node raises ECONNRESET "aborted" on the request, the code a dropped database socket raises too).
 */
export function isRequestAborted(err: unknown, request: FastifyRequest): boolean {
  const raw = request.raw;
  if (err === raw.errored) return err !== null;
  return raw.readableAborted && (err as { message?: unknown } | null)?.message === 'aborted';
}

const PART_NAMES: Record<string, string> = {
  querystring: 'query parameter',
  params: 'path parameter',
  body: 'body field',
  headers: 'header',
};

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message?: string;
}

function lookupSchema(root: unknown, schemaPath: string): Record<string, unknown> | null {
  let node = root as Record<string, unknown> | undefined;
  for (const seg of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (!node || typeof node !== 'object') return null;
    node = node[decodeURIComponent(seg.replace(/~1/g, '/').replace(/~0/g, '~'))] as Record<string, unknown> | undefined;
  }
  return node && typeof node === 'object' ? node : null;
}

function valueAt(data: unknown, instancePath: string): unknown {
  let node = data;
  for (const seg of instancePath.split('/').filter(Boolean)) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `${v.length} values` : String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** "query parameter "lon" must be <= 180 (got 200)" */
export function describeValidation(
  issues: ValidationIssue[],
  context: string,
  routeSchema: unknown,
  data: unknown,
): string {
  const part = PART_NAMES[context] ?? context;
  const rootSchema = routeSchema && typeof routeSchema === 'object' ? (routeSchema as Record<string, unknown>)[context] : null;
  // anyOf reports each failed branch and then itself: keep the summary only
  const relevant = issues.filter(
    (i) => !issues.some((o) => o !== i && o.keyword === 'anyOf' && i.schemaPath.startsWith(`${o.schemaPath}/anyOf`)),
  );
  const messages = relevant.slice(0, 3).map((i) => {
    if (i.keyword === 'required') {
      const names = (i.params.requiredProperties as string[] | undefined) ?? [];
      return names.map((n) => `${part} "${n}" is required`).join('; ');
    }
    if (i.keyword === 'additionalProperties') {
      const names = (i.params.additionalProperties as string[] | undefined) ?? [];
      return `unknown ${part}${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')}`;
    }
    const field = i.instancePath.split('/').filter(Boolean).join('.');
    const subject = field ? `${part} "${field}"` : context;
    const value = valueAt(data, i.instancePath);
    const got = value === undefined ? '' : ` (got ${show(value)})`;
    const sub = lookupSchema(rootSchema, i.schemaPath);
    if (typeof sub?.errorMessage === 'string') return `${subject} ${sub.errorMessage}${got}`;
    switch (i.keyword) {
      case 'type': {
        const t = String(i.params.type);
        if (Array.isArray(value)) return `${subject} must be given once`;
        return `${subject} must be ${t === 'integer' ? 'an integer' : `a ${t}`}${got}`;
      }
      case 'enum': {
        const allowed = (i.params.allowedValues as unknown[] | undefined) ?? [];
        return `${subject} must be one of ${allowed.join(', ')}${got}`;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        return `${subject} must be ${String(i.params.comparison)} ${String(i.params.limit)}${got}`;
      default:
        return `${subject} ${i.message ?? 'is invalid'}${got}`;
    }
  });
  return messages.join('; ');
}

export interface ErrorsPluginOptions {
  /** answers requests that match no route and are not API or tile paths (the client's SPA fallback) */
  fallback?: (request: FastifyRequest, reply: FastifyReply) => boolean;
}

async function errorsPlugin(app: FastifyInstance, opts: ErrorsPluginOptions): Promise<void> {
  app.setErrorHandler((err: FastifyError | HttpError | Error, request, reply) => {
    if (err instanceof HttpError) {
      if (err.statusCode === 503) reply.header('Retry-After', '5');
      if (err.statusCode === 429 && typeof err.extra?.retryAfter === 'number') reply.header('retry-after', String(err.extra.retryAfter));
      return reply.status(err.statusCode).send({ ...err.extra, ...errorBody(err.statusCode, err.message, err.code) });
    }
    const fe = err as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
    if (fe.validation) {
      const context = fe.validationContext ?? 'request';
      const data =
        context === 'querystring' ? request.query : context === 'params' ? request.params : context === 'body' ? request.body : request.headers;
      const message = describeValidation(fe.validation, context, request.routeOptions.schema, data) || fe.message;
      return reply.status(400).send(errorBody(400, message, 'VALIDATION'));
    }
    if (isRequestAborted(err, request)) {
      // the client went away mid-request: nothing is wrong here, and no one is left to read an answer
      request.log.info({ method: request.method, url: request.url.split('?')[0] }, 'request aborted by the client before its body arrived');
      return reply.status(400).send(errorBody(400, 'the request body was cut off: the client closed the connection', 'REQUEST_ABORTED'));
    }
    if (isDatabaseUnavailable(err)) {
      request.log.warn({ err }, 'database unavailable');
      reply.header('Retry-After', '5');
      return reply.status(503).send(errorBody(503, 'database unavailable, retry shortly', 'DB_UNAVAILABLE'));
    }
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (malformed JSON, body too large, unsupported media type…)
      return reply.status(status).send(errorBody(status, fe.message, fe.code));
    }
    request.log.error({ err }, 'request failed'); if (process.env.GC_DEBUG_ERRORS) console.error(err);
    return reply.status(500).send(errorBody(500, 'internal server error', 'INTERNAL'));
  });

  app.setNotFoundHandler((request, reply) => {
    if (opts.fallback?.(request, reply)) return reply;
    const path = request.url.split('?')[0] ?? request.url;
    return reply.status(404).send(errorBody(404, `no route for ${request.method} ${path}`, 'NO_ROUTE'));
  });
}

export default fp(errorsPlugin, { name: 'gc-errors' });
