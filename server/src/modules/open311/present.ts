/**
 * How our catalogue and cases look in GeoReport v2. Services are the 5-digit categories, grouped by their major
 * class; a request is a case, by its case code. Nothing personal is ever shown: no reporter, no phone, no team. A
 * case of a sensitive category is shown at its grid's centre, with the grid's name for its address.
 */
import { CASE_STATES, isSensitiveCategory, open311Status, PUBLIC_STAGE_LABELS, publicPoint, publicStage, type CaseState } from '@gridcommand/shared/domain';
import type { FastifyRequest } from 'fastify';
import type { RequestRow, ServiceRow } from './repository.ts';

export type Lang = 'zh-CN' | 'en';

/** English when the caller's first preferred language is English; Chinese otherwise. */
export function langOf(request: FastifyRequest): Lang {
  const h = request.headers['accept-language'];
  const first = typeof h === 'string' ? (h.split(',')[0] ?? '').trim().toLowerCase() : '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}

/** The origin of absolute URLs: the server's public origin (plugins/public-url.ts), never a Host the caller made up. */
export function originOf(request: FastifyRequest): string {
  return request.server.publicOrigin(request);
}

export function presentService(s: ServiceRow, lang: Lang) {
  return {
    service_code: s.code,
    service_name: lang === 'en' ? s.name_en : s.name,
    description: s.closing_condition || null,
    metadata: false,
    type: 'realtime',
    keywords: lang === 'en' ? s.name : s.name_en,
    group: lang === 'en' ? s.major_name_en : s.major_name,
  };
}

/** The case states that GeoReport calls `open` or `closed`. */
export function statesOf(status: 'open' | 'closed'): string[] {
  return CASE_STATES.filter((s) => open311Status(s) === status);
}

const w3 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function mediaUrl(r: RequestRow, origin: string, sensitive: boolean): string | null {
  const photos = Array.isArray(r.photos) ? (r.photos as unknown[]).filter((p): p is string => typeof p === 'string') : [];
  // a photo can show the place and the people of a sensitive case: those keep theirs with staff
  if (photos.length > 0 && !sensitive) return `${origin}/api/photos/${photos[0]}/thumb`;
  return r.media_url;
}

export function presentRequest(r: RequestRow, lang: Lang, origin: string, sensitiveMajors: readonly string[]) {
  const status = r.status as CaseState;
  const sensitive = isSensitiveCategory(r.category_code, sensitiveMajors);
  const gridCentre = r.grid_lon !== null && r.grid_lat !== null ? { lon: r.grid_lon, lat: r.grid_lat } : null;
  const point = publicPoint({ categoryCode: r.category_code, lon: r.lon, lat: r.lat }, gridCentre, sensitiveMajors);
  const closedAt = r.closed_at ?? r.voided_at;
  return {
    service_request_id: r.code,
    status: open311Status(status),
    status_notes: PUBLIC_STAGE_LABELS[lang][publicStage(status)],
    service_name: lang === 'en' ? r.category_name_en : r.category_name,
    service_code: r.category_code,
    // a sensitive category's text (a dispute, a person) stays with staff
    description: sensitive ? null : r.description || null,
    agency_responsible: (lang === 'en' ? r.department_name_en : r.department_name) ?? null,
    service_notice: r.closing_condition || null,
    requested_datetime: w3(r.reported_at),
    updated_datetime: w3(open311Status(status) === 'closed' && closedAt ? closedAt : r.updated_at),
    expected_datetime: w3(r.resolve_by),
    address: sensitive ? [r.grid_name, r.community_name, r.street_name].join(', ') : r.address,
    lat: point?.lat ?? null,
    long: point?.lon ?? null,
    media_url: mediaUrl(r, origin, sensitive),
  };
}
