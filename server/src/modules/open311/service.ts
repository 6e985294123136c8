/**
 * Open311 rules: API keys and their per-minute limits, the query of GET requests (dates at most 90 days apart,
 * the last 90 days by default), and filing a request as a case through the one writer (createCases), acting as the
 * service account 'open311' with source 'public'.
 */
import { addReporter, holderKeyOf, normalizePhone } from '../public/service.ts';
import type pg from 'pg';
import { parseCstInstant } from '@gridcommand/shared/domain';
import type { CaseCreateBody } from '@gridcommand/shared/schemas';
import { tokenHash } from '../auth/passwords.ts';
import { createCases } from '../writer/intake.ts';
import { userActor, write } from '../writer/tx.ts';
import { badRequest, forbidden, notFound, Open311Error } from './errors.ts';
import * as repo from './repository.ts';
import { statesOf } from './present.ts';

export const MAX_SPAN_DAYS = 90;
export const MAX_REQUESTS = 1000;
const DAY_MS = 86_400_000;

/** "Optional" in GeoReport: an empty parameter is the same as one not sent. */
export function given(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function list(v: string | undefined): string[] | undefined {
  const items = given(v)?.split(',').map((s) => s.trim()).filter(Boolean);
  return items?.length ? [...new Set(items)] : undefined;
}

// ---------------------------------------------------------------- API keys

/**
 * A bucket of `perMinute` requests per key, refilled continuously (perMinute a minute), in this process: a key may
 * spend its whole minute at once, then goes at its steady rate.
 */
export class KeyRateLimiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one request; throws 429 (with the seconds until the next one is allowed) when the key is over its limit. */
  take(keyId: number, perMinute: number): void {
    const t = this.now();
    const perMs = perMinute / 60_000;
    const b = this.buckets.get(keyId) ?? { tokens: perMinute, at: t };
    b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * perMs);
    b.at = t;
    this.buckets.set(keyId, b);
    if (b.tokens < 1) {
      throw new Open311Error(429, `api_key over its limit of ${perMinute} requests a minute: retry later`, Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)));
    }
    b.tokens -= 1;
    if (this.buckets.size > 10_000) for (const [k, x] of this.buckets) if (t - x.at > 60_000) this.buckets.delete(k);
  }
}

/** The live key of an api_key value; 403 when it is missing, unknown or revoked. */
export async function liveKey(db: pg.Pool, apiKey: string | undefined): Promise<repo.ApiKeyRow> {
  const value = given(apiKey);
  if (!value) throw forbidden('api_key is required to create a service request');
  const key = value.length <= 200 ? await repo.keyByHash(db, tokenHash(value)) : null;
  if (!key) throw forbidden('invalid api_key: cannot create the service request');
  if (key.revoked_at) throw forbidden('this api_key has been revoked: cannot create the service request');
  return key;
}

// ---------------------------------------------------------------- GET requests

export interface RequestsQueryInput {
  service_request_id?: string;
  service_code?: string;
  start_date?: string;
  end_date?: string;
  status?: string;
}

function instant(name: string, v: string | undefined, endOfDay: boolean): Date | undefined {
  const s = given(v);
  if (s === undefined) return undefined;
  const d = parseCstInstant(s, endOfDay);
  if (!d) throw badRequest(`${name} must be a w3 date-time with its zone, e.g. 2026-12-01T08:00:00Z or 2026-12-01T16:00:00+08:00 (got "${s}")`);
  return d;
}

export function requestsQuery(q: RequestsQueryInput, now: Date): repo.RequestQuery {
  const codes = list(q.service_request_id);
  if (codes) {
    if (codes.length > MAX_REQUESTS) throw badRequest(`at most ${MAX_REQUESTS} service_request_id at once`);
    return { codes, limit: MAX_REQUESTS };
  }
  const span = MAX_SPAN_DAYS * DAY_MS;
  let from = instant('start_date', q.start_date, false);
  let to = instant('end_date', q.end_date, true);
  if (from && to) {
    if (from.getTime() > to.getTime()) throw badRequest('start_date must not be after end_date');
    if (to.getTime() - from.getTime() > span) throw badRequest(`start_date and end_date may not be more than ${MAX_SPAN_DAYS} days apart`);
  } else if (from) to = new Date(from.getTime() + span);
  else if (to) from = new Date(to.getTime() - span);
  else {
    to = now;
    from = new Date(now.getTime() - span);
  }
  const statuses = list(q.status);
  const bad = statuses?.find((s) => s !== 'open' && s !== 'closed');
  if (bad) throw badRequest(`status must be open or closed, or both comma separated (got "${bad}")`);
  const serviceCodes = list(q.service_code);
  return {
    serviceCodes,
    states: statuses && statuses.length === 1 ? statesOf(statuses[0] as 'open' | 'closed') : undefined,
    from,
    to,
    limit: MAX_REQUESTS,
  };
}

// ---------------------------------------------------------------- POST requests

export interface PostInput {
  api_key?: string;
  service_code?: string;
  lat?: string;
  long?: string;
  address_string?: string;
  address_id?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  email?: string;
  description?: string;
  media_url?: string;
  account_id?: string;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const PHONE = /^[0-9+\- ]{3,30}$/;

function coordinate(name: 'lat' | 'long', v: string, limit: number): number {
  const n = DECIMAL.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || Math.abs(n) > limit) throw badRequest(`${name} must be a WGS84 decimal degree between -${limit} and ${limit} (got "${v}")`);
  return n;
}

function httpUrl(v: string): string {
  let u: URL | null = null;
  try {
    u = new URL(v);
  } catch {
    u = null;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw badRequest(`media_url must be an http or https URL (got "${v.slice(0, 60)}")`);
  return v;
}

/** The case a POST files: checked here (lat & long, contact), routed and clocked by intake. */
export function caseOf(input: PostInput, serviceName: string): { body: CaseCreateBody; mediaUrl: string | null } {
  const latS = given(input.lat);
  const lonS = given(input.long);
  if (latS === undefined || lonS === undefined) {
    if (latS !== undefined || lonS !== undefined) throw badRequest('lat and long must both be sent');
    if (given(input.address_string) || given(input.address_id)) {
      throw badRequest('lat and long are required: this service routes a request by its point and cannot place an address_string or address_id alone');
    }
    throw badRequest('a location is required: send lat and long');
  }
  const lat = coordinate('lat', latS, 90);
  const lon = coordinate('long', lonS, 180);
  const name = [given(input.first_name), given(input.last_name)].filter(Boolean).join(' ');
  const phone = given(input.phone)?.replace(/[().]/g, '');
  if (phone !== undefined && !PHONE.test(phone)) throw badRequest('phone must be a phone number (digits, spaces, + and -)');
  const address = given(input.address_string);
  const mediaUrl = given(input.media_url);
  const body: CaseCreateBody = {
    categoryCode: input.service_code!,
    priority: 'normal',
    lon,
    lat,
    title: serviceName,
    description: input.description?.trim() ?? '',
    source: 'public',
    ...(address ? { address } : {}),
    ...(name ? { reporterName: name } : {}),
    ...(phone ? { reporterPhone: phone } : {}),
  };
  return { body, mediaUrl: mediaUrl ? httpUrl(mediaUrl) : null };
}

/** Files the request: one case and its open311_request row, in one write; returns the case's code. */
export async function fileRequest(pool: pg.Pool, key: repo.ApiKeyRow, input: PostInput): Promise<{ code: string; notice: string | null }> {
  const code = given(input.service_code);
  if (!code) throw badRequest('service_code is required');
  const svc = await repo.service(pool, code);
  if (!svc) throw notFound(`service_code "${code}" not found`);
  const { body, mediaUrl } = caseOf({ ...input, service_code: code }, svc.name);
  const account = await repo.open311Account(pool);
  if (!account) throw new Error('the service account "open311" is missing (migration 011)');
  const row = await write(pool, userActor(account), async (tx) => {
    const [r] = await createCases(tx, [body], { batch: false });
    await repo.insertRequest(tx.client, { caseId: r!.id, apiKeyId: key.id, mediaUrl });
    // its reporter, like a citizen's on the web page: points by phone (or by the app's account), ratings, callbacks
    const phone = body.reporterPhone ? normalizePhone(body.reporterPhone) : null;
    const accountId = given(input.account_id);
    await addReporter(tx, {
      caseId: r!.id, kind: 'report', channel: 'open311', name: body.reporterName ?? null, phone, deviceId: null,
      holderKey: phone ? holderKeyOf(phone, '') : `open311:${key.id}:${accountId ?? r!.code}`,
    });
    return r!;
  });
  return { code: row.code, notice: svc.closing_condition || null };
}
