import type { ApiErrorBody } from './types.ts';

/** Thrown by every API call that does not answer 2xx, or that cannot be reached at all. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the server could not be reached */
    readonly statusCode: number,
    /** short reason, e.g. "Not Found" */
    readonly error: string,
    message: string,
    readonly url: string,
    /** stable machine-readable code from the error body, e.g. GRID_NOT_FOUND */
    readonly code?: string,
    /** seconds from a 429's Retry-After header */
    readonly retryAfterS?: number,
  ) {
    super(message);
  }

  get isNetwork(): boolean {
    return this.statusCode === 0;
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === 'string' && (typeof v.statusCode === 'number' || typeof v.error === 'string');
}

/**
 * A display token for unattended wall screens (`?token=` in the page URL), kept for the page's life and
 * sent as a Bearer token with every call; other pages use the session cookie.
 */
let displayToken: string | null = (() => {
  try {
    return new URLSearchParams(window.location.search).get('token');
  } catch {
    return null;
  }
})();

export function getDisplayToken(): string | null {
  return displayToken;
}

export function setDisplayToken(token: string | null): void {
  displayToken = token;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface FetchOptions {
  signal?: AbortSignal | undefined;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** sent as JSON */
  body?: unknown;
  /** sent as it is (e.g. the bytes of a photo), with its own type as Content-Type; instead of `body` */
  rawBody?: Blob | undefined;
  /** extra request headers, e.g. `idempotency-key` */
  headers?: Record<string, string> | undefined;
}

/** JSON fetch against our own origin. Resolves with the parsed body or throws an {@link ApiError}. */
export async function apiFetch<T>(path: string, options: FetchOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (displayToken) headers.authorization = `Bearer ${displayToken}`;
  // cookie-authenticated writes carry the CSRF header the server asks for
  if (UNSAFE.has(options.method ?? 'GET')) headers['x-gc-csrf'] = '1';
  let body: string | Blob | undefined;
  if (options.rawBody !== undefined) {
    headers['content-type'] = options.rawBody.type || 'application/octet-stream';
    body = options.rawBody;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: body ?? null,
      signal: options.signal ?? null,
      credentials: 'same-origin',
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'Network Error', cause instanceof Error ? cause.message : String(cause), path);
  }

  const text = await response.text();
  let parsed: unknown = undefined;
  if (text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }

  if (!response.ok) {
    const retry = Number(response.headers.get('retry-after'));
    const retryAfterS = Number.isFinite(retry) && retry > 0 ? Math.ceil(retry) : undefined;
    if (isErrorBody(parsed)) {
      throw new ApiError(parsed.statusCode ?? response.status, parsed.error ?? response.statusText, parsed.message, path, parsed.code, retryAfterS);
    }
    throw new ApiError(response.status, response.statusText || 'Error', `HTTP ${response.status}`, path, undefined, retryAfterS);
  }
  if (parsed === undefined && text.length > 0) {
    throw new ApiError(response.status, 'Invalid Response', 'response is not JSON', path);
  }
  return parsed as T;
}
