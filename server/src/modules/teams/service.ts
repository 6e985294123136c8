/**
 * The dispatcher's desk, reading side: nearest teams (KNN with an exact geodesic re-rank), positions as devices
 * send them, and patrol zones. Team and case changes go through the writer (../writer).
 */
import type pg from 'pg';
import { etaSeconds } from '@gridcommand/shared/domain';
import type { NearestResponse, PatrolZone } from '@gridcommand/shared/schemas';
import { HttpError, badRequest, notFound } from '../../plugins/errors.ts';
import type { AuthUser } from '../auth/repository.ts';
import * as caseRepo from '../cases/repository.ts';
import type { IdempotencyKey } from '../writer/idempotency.ts';
import { draft } from '../writer/events.ts';
import { userActor, write, writeOnce, type Outcome } from '../writer/tx.ts';
import { mayseeMembers, presentTeam } from './present.ts';
import * as repo from './repository.ts';

// ── nearest teams ───────────────────────────────────────────────────────────

const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LON_EQ = 111_320;
const rad = (d: number) => (d * Math.PI) / 180;

/**
 * The k nearest teams by geodesic distance, ties broken by id. The GiST index orders by planar degrees, which
 * is not the same order as metres (a degree of longitude is shorter than a degree of latitude), so the index
 * supplies 4·k candidates and the result is then proven complete: every team outside the candidates is at least
 * `P · 110,574 m · cos(|lat| + P)` away (P = the largest candidate distance in degrees). When the k-th distance
 * exceeds that bound, a box query around the point fetches every team that could still be closer.
 */
export async function nearestTeams(
  db: repo.Queryable,
  q: { lon: number; lat: number; kind?: string; status?: string; limit: number; hold?: repo.HeldFilter },
): Promise<{ rows: { id: number; m: number }[] }> {
  const k = q.limit;
  const cand = await repo.nearestCandidates(db, { ...q, limit: k * 4 });
  const byDistance = (a: repo.CandidateRow, b: repo.CandidateRow) => a.m - b.m || a.id - b.id;
  cand.sort(byDistance);
  let result = cand;
  if (cand.length === k * 4) {
    const dk = cand[k - 1]!.m;
    const p = Math.max(...cand.map((c) => c.deg));
    const lowerBound = p * M_PER_DEG_LAT * Math.cos(rad(Math.min(89.9, Math.abs(q.lat) + p))) * 0.995;
    if (dk > lowerBound) {
      const dLat = (dk / M_PER_DEG_LAT) * 1.01 + 1e-6;
      const dLon = (dk / (M_PER_DEG_LON_EQ * Math.cos(rad(Math.min(89.9, Math.abs(q.lat) + dLat))))) * 1.01 + 1e-6;
      const box = await repo.teamsInBox(db, { lon: q.lon, lat: q.lat, dLon, dLat, kind: q.kind, status: q.status, hold: q.hold });
      result = box.filter((c) => c.m <= dk).sort(byDistance);
    }
  }
  return { rows: result.slice(0, k).map((c) => ({ id: c.id, m: c.m })) };
}

export async function nearest(
  pool: pg.Pool,
  user: AuthUser | null,
  q: { lon?: number; lat?: number; caseId?: number; kind?: string; status?: string; limit?: number },
): Promise<NearestResponse> {
  let lon: number;
  let lat: number;
  if (q.caseId !== undefined) {
    if (q.lon !== undefined || q.lat !== undefined) throw badRequest('POINT_OR_CASE', 'give either lon and lat or caseId, not both');
    const c = await repo.casePoint(pool, q.caseId);
    if (!c || (user && !caseRepo.inScope(user, c))) throw notFound('CASE_NOT_FOUND', `case ${q.caseId} not found`);
    lon = c.lon;
    lat = c.lat;
  } else {
    if (q.lon === undefined || q.lat === undefined) {
      throw badRequest('POINT_OR_CASE', 'query parameters "lon" and "lat" (or "caseId") are required');
    }
    lon = q.lon;
    lat = q.lat;
  }
  const status = q.status === 'any' ? undefined : (q.status ?? 'available');
  const limit = q.limit ?? 5;
  // available teams held by a reservation for another case are not offered (a reserved team shows for its own case)
  const hold = status === 'available' ? { at: new Date(), caseId: q.caseId ?? null } : undefined;
  const [urban, found] = await Promise.all([
    repo.urbanAt(pool, lon, lat),
    nearestTeams(pool, { lon, lat, kind: q.kind, status, limit, hold }),
  ]);
  const withMembers = mayseeMembers(user);
  const teams = found.rows.length ? await repo.teamsByIds(pool, found.rows.map((r) => r.id), withMembers) : [];
  const byId = new Map(teams.map((t) => [t.id, t]));
  return {
    point: { lon, lat },
    urban,
    items: found.rows
      .filter((r) => byId.has(r.id))
      .map((r) => ({ team: presentTeam(byId.get(r.id)!, withMembers), distanceM: Math.round(r.m * 10) / 10, etaS: etaSeconds(r.m, urban) })),
  };
}

/** Devices' clocks may run a little ahead: up to this much in the future is accepted. */
export const FUTURE_SKEW_MS = 30_000;

export interface PositionItem {
  teamId: number;
  lon: number;
  lat: number;
  at?: string;
  speed?: number;
  heading?: number;
}

export function parsePositions(items: PositionItem[], now: Date): repo.PositionInput[] {
  return items.map((p, i) => {
    const at = p.at === undefined ? now : new Date(p.at);
    const where = items.length > 1 ? `items[${i}].at` : 'at';
    if (!Number.isFinite(at.getTime())) throw badRequest('BAD_TIMESTAMP', `${where} is not a valid date-time (got ${JSON.stringify(p.at)})`);
    if (at.getTime() > now.getTime() + FUTURE_SKEW_MS) {
      throw badRequest('FUTURE_TIMESTAMP', `${where} ${p.at} lies in the future (server time ${now.toISOString()}; 30 s of clock skew allowed)`);
    }
    return { teamId: p.teamId, lon: p.lon, lat: p.lat, at, speed: p.speed ?? null, heading: p.heading ?? null };
  });
}

// ── patrol zones ───────────────────────────────────────────────────────────

/** A grid joins a zone drawn as a polygon when at least this share of its area lies inside the polygon. */
export const ZONE_MIN_OVERLAP = 0.3;
const MAX_SHIFT_MS = 7 * 24 * 3600_000;

export function presentZone(z: repo.PatrolZoneRow): PatrolZone {
  return {
    id: z.id,
    teamId: z.team_id,
    teamCode: z.team_code,
    teamName: z.team_name,
    name: z.name,
    shift: { start: z.shift_start.toISOString(), end: z.shift_end.toISOString() },
    gridCodes: z.grid_codes,
    polygon: z.polygon ? (JSON.parse(z.polygon) as PatrolZone['polygon']) : null,
    createdBy: z.created_by,
    createdAt: z.created_at.toISOString(),
  };
}

export function parseInstant(name: string, v: string | undefined, fallback: Date): Date {
  if (v === undefined) return fallback;
  const d = new Date(v);
  if (!Number.isFinite(d.getTime())) throw badRequest('BAD_DATE', `${name} is not a valid date-time (got ${JSON.stringify(v)})`);
  return d;
}

export async function createZone(
  pool: pg.Pool,
  user: AuthUser,
  body: {
    teamId: number;
    name?: string;
    shift: { start: string; end: string };
    gridCodes?: string[];
    polygon?: { type: 'Polygon'; coordinates: [number, number][][] };
  },
  key: IdempotencyKey | null = null,
): Promise<Outcome<PatrolZone>> {
  const start = parseInstant('shift.start', body.shift.start, new Date());
  const end = parseInstant('shift.end', body.shift.end, new Date());
  if (end.getTime() <= start.getTime()) throw badRequest('BAD_SHIFT', `shift.end (${body.shift.end}) must be after shift.start (${body.shift.start})`);
  if (end.getTime() - start.getTime() > MAX_SHIFT_MS) throw badRequest('BAD_SHIFT', 'a shift lasts at most 7 days');
  if (!body.gridCodes?.length && !body.polygon) throw badRequest('ZONE_EMPTY', 'give gridCodes, a polygon, or both');
  let polygonJson: string | null = null;
  if (body.polygon) {
    body.polygon.coordinates.forEach((ring, i) => {
      const a = ring[0]!;
      const b = ring[ring.length - 1]!;
      if (a[0] !== b[0] || a[1] !== b[1]) throw badRequest('INVALID_POLYGON', `ring ${i} of the polygon is not closed (its last position must equal its first)`);
    });
    polygonJson = JSON.stringify(body.polygon);
    const problem = await repo.polygonProblem(pool, polygonJson);
    if (problem) throw badRequest('INVALID_POLYGON', `the polygon is not valid: ${problem} (is it self-intersecting?)`);
  }
  return writeOnce(pool, userActor(user), key, async (tx) => {
    const client = tx.client;
    const team = await repo.findTeam(client, body.teamId);
    if (!team) throw new HttpError(422, 'TEAM_NOT_FOUND', `team ${body.teamId} not found`);
    const codes = new Set<string>();
    if (body.gridCodes?.length) {
      const unique = [...new Set(body.gridCodes)];
      const found = new Set(await repo.existingGridCodes(client, unique));
      const unknown = unique.filter((c) => !found.has(c));
      if (unknown.length) throw new HttpError(422, 'UNKNOWN_GRID', `unknown grid code${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).join(', ')}`);
      unique.forEach((c) => codes.add(c));
    }
    if (polygonJson) {
      const inside = await repo.gridsInPolygon(client, polygonJson, ZONE_MIN_OVERLAP);
      if (inside.length === 0 && codes.size === 0) {
        throw new HttpError(422, 'ZONE_COVERS_NO_GRID', `the polygon covers no grid by at least ${ZONE_MIN_OVERLAP * 100} % of its area`);
      }
      inside.forEach((c) => codes.add(c));
    }
    const zoneId = await repo.insertZone(client, {
      teamId: body.teamId,
      name: body.name ?? null,
      start,
      end,
      polygon: polygonJson,
      createdBy: user.id,
      gridCodes: [...codes].sort(),
    });
    tx.emit(
      draft('patrol_zone.created', { zoneId, gridCount: codes.size, start: start.toISOString(), end: end.toISOString() }, { teamId: body.teamId, note: body.name ?? null }),
    );
    return { status: 201, body: presentZone((await repo.findZone(client, zoneId))!) };
  });
}

export async function deleteZone(pool: pg.Pool, user: AuthUser, id: number): Promise<void> {
  await write(pool, userActor(user), async (tx) => {
    const zone = await repo.findZone(tx.client, id);
    if (!zone) throw notFound('ZONE_NOT_FOUND', `patrol zone ${id} not found`);
    await repo.deleteZone(tx.client, id);
    tx.emit(draft('patrol_zone.deleted', { zoneId: id }, { teamId: zone.team_id }));
  });
}
