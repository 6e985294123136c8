/**
 * The dispatcher's desk: nearest teams (KNN with an exact geodesic re-rank), assignment (case transition, team
 * status and dispatch record in one transaction), arrival and finish, manual team status, positions (AVL) and
 * patrol zones. Every change appends its event rows last in its transaction.
 */
import type pg from 'pg';
import { ETA_MODEL, type Dispatch, type NearestResponse, type PatrolZone, type Team } from '@gridcommand/shared/schemas';
import type { CaseActionBody } from '@gridcommand/shared/schemas';
import { HttpError, badRequest, notFound } from '../../plugins/errors.ts';
import { appendEvents, type NewEvent } from '../live/events.ts';
import type { AuthUser } from '../auth/repository.ts';
import * as caseRepo from '../cases/repository.ts';
import { CaseConflict, StaleCaseVersion, applyCaseAction, inTransaction, present } from '../cases/service.ts';
import * as repo from './repository.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentTeam(row: repo.TeamRow, withMembers: boolean): Team {
  const t: Team = {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind as Team['kind'],
    status: row.status as Team['status'],
    homeZoneCode: row.home_zone_code,
    lon: row.lon,
    lat: row.lat,
    positionAt: iso(row.position_at),
    memberCount: row.member_count,
    currentCaseId: row.current_case_id,
    version: row.version,
  };
  if (withMembers && row.members) t.members = row.members;
  return t;
}

export function presentDispatch(d: repo.DispatchRow): Dispatch {
  return {
    id: d.id,
    caseId: d.case_id,
    teamId: d.team_id,
    dispatcherId: d.dispatcher_id,
    dispatchedAt: d.dispatched_at.toISOString(),
    arrivedAt: iso(d.arrived_at),
    finishedAt: iso(d.finished_at),
    cancelledAt: iso(d.cancelled_at),
    distanceM: d.distance_m === null ? null : Math.round(d.distance_m),
    etaS: d.eta_s,
  };
}

/** Member names are shown to the command center only (admin, dispatcher). */
export const mayseeMembers = (user: AuthUser | null) => user?.role === 'admin' || user?.role === 'dispatcher';

// ── nearest teams ───────────────────────────────────────────────────────────

/** ETA in seconds: straight line × detour factor at the urban or rural speed (documented in docs/dispatch.md). */
export function etaSeconds(distanceM: number, urban: boolean): number {
  const kmh = urban ? ETA_MODEL.urbanKmh : ETA_MODEL.ruralKmh;
  return Math.round((distanceM * ETA_MODEL.detourFactor) / (kmh / 3.6));
}

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
  q: { lon: number; lat: number; kind?: string; status?: string; limit: number },
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
      const box = await repo.teamsInBox(db, { lon: q.lon, lat: q.lat, dLon, dLat, kind: q.kind, status: q.status });
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
  const [urban, found] = await Promise.all([
    repo.urbanAt(pool, lon, lat),
    nearestTeams(pool, { lon, lat, kind: q.kind, status, limit }),
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

// ── assignment ──────────────────────────────────────────────────────────────

async function currentTeam(pool: pg.Pool, id: number, user: AuthUser | null): Promise<Team | null> {
  const row = await repo.findTeam(pool, id, mayseeMembers(user));
  return row ? presentTeam(row, mayseeMembers(user)) : null;
}

/** A refusal about a team, with the team's current state (sent like the cases module's conflicts). */
async function teamConflict(pool: pg.Pool, user: AuthUser | null, id: number, code: string, message: string): Promise<CaseConflict> {
  return new CaseConflict(409, code, message, { current: { team: await currentTeam(pool, id, user) } });
}

async function caseConflict(pool: pg.Pool, user: AuthUser, id: number, code: string, message: string): Promise<CaseConflict> {
  const row = await caseRepo.findCase(pool, id);
  return new CaseConflict(409, code, message, { current: { case: row ? present(row, user, { personal: false }) : null } });
}

const isPgError = (err: unknown, code: string) => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;

function teamStatusEvent(
  teamId: number,
  from: string,
  to: string,
  version: number,
  actor: { id: number | null; role: string },
  extra: Record<string, unknown> = {},
): NewEvent {
  return {
    type: 'team.status',
    teamId,
    actorId: actor.id,
    actorRole: actor.role,
    fromState: from,
    toState: to,
    payload: { status: to, version, ...extra },
  };
}

export interface AssignResult {
  caseId: number;
  teamId: number;
  dispatch: Dispatch;
}

/**
 * Sends a team to a case. In one transaction: the teams involved are locked in id order (the new one, and the
 * case's previous team on a reassignment); the new team must be available (and at teamVersion when given); the
 * case moves through the shared state machine (a reported case is filed first; a filed case is dispatched; a
 * dispatched or in-progress case is reassigned, standing its previous team down); the team goes en route; the
 * dispatch record is written; then the events.
 */
export async function assign(
  pool: pg.Pool,
  user: AuthUser,
  body: { caseId: number; teamId: number; caseVersion: number; teamVersion?: number; note?: string },
  now = new Date(),
): Promise<AssignResult> {
  const pre = await repo.casePoint(pool, body.caseId);
  if (!pre || !caseRepo.inScope(user, pre)) throw notFound('CASE_NOT_FOUND', `case ${body.caseId} not found`);
  const actor = { id: user.id, role: user.role };
  const state: { failure: 'busy' | 'team_version' | null } = { failure: null };
  try {
    return await inTransaction(pool, async (client) => {
      const teamIds = [body.teamId, ...(pre.team_id !== null && pre.team_id !== body.teamId ? [pre.team_id] : [])];
      const locked = await repo.lockTeams(client, teamIds);
      const team = locked.find((t) => t.id === body.teamId);
      if (!team) throw notFound('TEAM_NOT_FOUND', `team ${body.teamId} not found`);
      if (body.teamVersion !== undefined && team.version !== body.teamVersion) {
        state.failure = 'team_version';
        throw new HttpError(409, 'VERSION_CONFLICT', 'stale team version');
      }
      if (team.status !== 'available') {
        state.failure = 'busy';
        throw new HttpError(409, 'TEAM_BUSY', 'team busy');
      }
      const row = await caseRepo.findCase(client, body.caseId);
      if (!row) throw notFound('CASE_NOT_FOUND', `case ${body.caseId} not found`);
      if (row.version !== body.caseVersion || row.team_id !== pre.team_id) throw new StaleCaseVersion();
      const events: NewEvent[] = [];
      let version = body.caseVersion;
      let action: 'dispatch' | 'reassign';
      if (row.status === 'reported') {
        await applyCaseAction(client, user, body.caseId, { action: 'file', version, note: body.note }, now, { events });
        version++;
        action = 'dispatch';
      } else if (row.status === 'filed') {
        action = 'dispatch';
      } else if (row.status === 'dispatched' || row.status === 'in_progress') {
        action = 'reassign';
      } else {
        throw new CaseConflict(409, 'ILLEGAL_TRANSITION', `a ${row.status} case cannot be assigned to a team`, {
          current: { case: present(row, user, { personal: false }) },
        });
      }
      const caseBody: CaseActionBody = { action, version, teamId: body.teamId, ...(body.note !== undefined ? { note: body.note } : {}) };
      await applyCaseAction(client, user, body.caseId, caseBody, now, { events });

      // stand the previous team down (reassignment)
      const previous = await repo.openDispatchOfCase(client, body.caseId);
      if (previous) {
        if (!teamIds.includes(previous.team_id)) throw new StaleCaseVersion();
        await repo.stampDispatch(client, previous.id, 'cancelled_at', now);
        const prevTeam = locked.find((t) => t.id === previous.team_id)!;
        const freed = await repo.setTeamStatus(client, previous.team_id, 'available', ['en_route', 'on_scene']);
        if (freed) {
          events.push(teamStatusEvent(previous.team_id, prevTeam.status, 'available', freed.version, actor, { caseId: body.caseId, reason: 'reassigned' }));
        }
      }

      const moved = await repo.setTeamStatus(client, body.teamId, 'en_route', ['available']);
      if (!moved) {
        state.failure = 'busy';
        throw new HttpError(409, 'TEAM_BUSY', 'team busy');
      }
      const distance = await repo.teamDistanceTo(client, body.teamId, row.lon, row.lat);
      const urban = distance === null ? false : await repo.urbanAt(client, row.lon, row.lat);
      const dispatch = await repo.insertDispatch(client, {
        caseId: body.caseId,
        teamId: body.teamId,
        dispatcherId: user.id,
        at: now,
        distanceM: distance,
        etaS: distance === null ? null : etaSeconds(distance, urban),
        note: body.note ?? null,
      });
      events.push(
        teamStatusEvent(body.teamId, 'available', 'en_route', moved.version, actor, { caseId: body.caseId }),
        {
          type: 'dispatch.created',
          caseId: body.caseId,
          teamId: body.teamId,
          streetCode: row.street_code,
          actorId: user.id,
          actorRole: user.role,
          lon: row.lon,
          lat: row.lat,
          payload: {
            dispatchId: dispatch.id,
            caseCode: row.code,
            distanceM: dispatch.distance_m === null ? null : Math.round(dispatch.distance_m),
            etaS: dispatch.eta_s,
            reassignedFrom: previous?.team_id ?? null,
          },
        },
      );
      await appendEvents(client, events);
      return { caseId: body.caseId, teamId: body.teamId, dispatch: presentDispatch(dispatch) };
    });
  } catch (err) {
    if (err instanceof StaleCaseVersion || (isPgError(err, '23505') && state.failure === null)) {
      throw await caseConflict(pool, user, body.caseId, 'VERSION_CONFLICT', `case ${body.caseId} was changed meanwhile: refresh and try again`);
    }
    if (state.failure === 'busy') {
      throw await teamConflict(pool, user, body.teamId, 'TEAM_BUSY', `team ${body.teamId} is no longer available: another dispatcher sent it, or it is busy`);
    }
    if (state.failure === 'team_version') {
      throw await teamConflict(pool, user, body.teamId, 'VERSION_CONFLICT', `team ${body.teamId} was changed meanwhile: refresh and try again`);
    }
    if (isPgError(err, '40P01')) throw new HttpError(409, 'CONCURRENT_CHANGE', 'a concurrent change collided with this one: try again');
    throw err;
  }
}

// ── arrival, finish, manual status ─────────────────────────────────────────

/** Who reports for a team: a logged-in command-center user, or the team's own device (no user account). */
export interface TeamActor {
  user: AuthUser | null;
  deviceTeamId: number | null;
}

/** The state machine runs as the case's handler on site; scope checks pass for the command center and devices. */
const DEVICE_USER: AuthUser = { id: 0, username: 'team-device', displayName: 'team device', role: 'admin', departmentCode: null, staffId: null, gridCodes: [] };
const actorOf = (a: TeamActor) => (a.user ? { id: a.user.id, role: a.user.role } : { id: null, role: 'team_device' });

export type TeamStep = 'arrived' | 'finished';

/**
 * arrived: en route → on scene; the dispatch gets arrived_at; a dispatched case is accepted (→ in progress).
 * finished: en route/on scene → available; the dispatch gets finished_at (and arrived_at if missing); the case is
 * accepted if still dispatched and handled (→ handled: the grid worker verifies it on site next).
 * A case that moved on meanwhile (voided, parked, reassigned) is left as it is.
 */
export async function teamStep(
  pool: pg.Pool,
  actor: TeamActor,
  teamId: number,
  step: TeamStep,
  body: { caseId?: number; note?: string },
  now = new Date(),
): Promise<{ team: Team; dispatch: Dispatch; caseId: number }> {
  const who = actorOf(actor);
  const state: { failure: string | null } = { failure: null };
  try {
    const result = await inTransaction(pool, async (client) => {
      const [team] = await repo.lockTeams(client, [teamId]);
      if (!team) throw notFound('TEAM_NOT_FOUND', `team ${teamId} not found`);
      const open = await repo.openDispatchOfTeam(client, teamId);
      if (!open || (body.caseId !== undefined && body.caseId !== open.case_id)) {
        state.failure = 'NO_OPEN_DISPATCH';
        throw new HttpError(409, 'NO_OPEN_DISPATCH', open ? `team ${teamId} is dispatched to case ${open.case_id}, not ${body.caseId}` : `team ${teamId} has no open dispatch`);
      }
      const from = step === 'arrived' ? ['en_route'] : ['en_route', 'on_scene'];
      if (!from.includes(team.status)) {
        state.failure = 'ILLEGAL_TRANSITION';
        throw new HttpError(409, 'ILLEGAL_TRANSITION', `team ${teamId} is ${team.status}: it cannot report ${step}`);
      }
      const to = step === 'arrived' ? 'on_scene' : 'available';
      const moved = (await repo.setTeamStatus(client, teamId, to, from))!;
      const dispatch = await repo.stampDispatch(client, open.id, step === 'arrived' ? 'arrived_at' : 'finished_at', now);
      const events: NewEvent[] = [];
      const caseUser = actor.user ?? DEVICE_USER;
      const opts = { role: 'handler' as const, events, actorId: who.id, actorRole: who.role };
      let row = await caseRepo.findCase(client, open.case_id);
      if (row && row.team_id === teamId && row.status === 'dispatched') {
        await applyCaseAction(client, caseUser, row.id, { action: 'accept', version: row.version, ...(body.note ? { note: body.note } : {}) }, now, opts);
        row = await caseRepo.findCase(client, open.case_id);
      }
      if (step === 'finished' && row && row.team_id === teamId && row.status === 'in_progress') {
        await applyCaseAction(client, caseUser, row.id, { action: 'handle', version: row.version, ...(body.note ? { note: body.note } : {}) }, now, opts);
      }
      events.push(teamStatusEvent(teamId, team.status, to, moved.version, who, { caseId: open.case_id, dispatchId: open.id }));
      await appendEvents(client, events);
      return { dispatch: presentDispatch(dispatch), caseId: open.case_id };
    });
    const team = (await currentTeam(pool, teamId, actor.user))!;
    return { ...result, team };
  } catch (err) {
    if (state.failure) throw await teamConflict(pool, actor.user, teamId, state.failure, (err as Error).message);
    if (err instanceof StaleCaseVersion) throw new HttpError(409, 'CONCURRENT_CHANGE', 'the case changed meanwhile: try again');
    throw err;
  }
}

/**
 * Manual status: available or off duty (a team going off shift, or stood down). Standing down a team with an
 * open dispatch cancels the dispatch; the case keeps its state and must be reassigned. En route and on scene are
 * reached only through dispatch and arrival.
 */
export async function setStatus(
  pool: pg.Pool,
  actor: TeamActor,
  teamId: number,
  body: { status: string; version?: number },
  now = new Date(),
): Promise<Team> {
  const who = actorOf(actor);
  const state: { failure: string | null } = { failure: null };
  try {
    await inTransaction(pool, async (client) => {
      const [team] = await repo.lockTeams(client, [teamId]);
      if (!team) throw notFound('TEAM_NOT_FOUND', `team ${teamId} not found`);
      if (body.version !== undefined && body.version !== team.version) {
        state.failure = 'VERSION_CONFLICT';
        throw new HttpError(409, 'VERSION_CONFLICT', `team ${teamId} was changed meanwhile: refresh and try again`);
      }
      if (body.status === 'en_route' || body.status === 'on_scene') {
        state.failure = 'ILLEGAL_TRANSITION';
        throw new HttpError(409, 'ILLEGAL_TRANSITION', `a team becomes ${body.status} through POST /api/dispatch or /arrived, not by setting its status`);
      }
      if (team.status === body.status) return;
      const events: NewEvent[] = [];
      const open = await repo.openDispatchOfTeam(client, teamId);
      if (open) await repo.stampDispatch(client, open.id, 'cancelled_at', now);
      const moved = (await repo.setTeamStatus(client, teamId, body.status, [team.status]))!;
      events.push(teamStatusEvent(teamId, team.status, body.status, moved.version, who, open ? { caseId: open.case_id, reason: 'stood_down' } : {}));
      await appendEvents(client, events);
    });
  } catch (err) {
    if (state.failure) throw await teamConflict(pool, actor.user, teamId, state.failure, (err as Error).message);
    throw err;
  }
  return (await currentTeam(pool, teamId, actor.user))!;
}

// ── positions (AVL) ────────────────────────────────────────────────────────

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

function parsePositions(items: PositionItem[], now: Date): repo.PositionInput[] {
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

/**
 * One position of one team. A position not newer than the team's last stored one is refused with 409
 * STALE_POSITION (devices resend after a network gap: they must send in order).
 */
export async function postPosition(pool: pg.Pool, actor: TeamActor, item: PositionItem, now = new Date()) {
  const [p] = parsePositions([item], now);
  const who = actorOf(actor);
  const state: { stale: Date | null } = { stale: null };
  try {
    return await inTransaction(pool, async (client) => {
      const [team] = await repo.lockTeams(client, [p!.teamId]);
      if (!team) throw notFound('TEAM_NOT_FOUND', `team ${p!.teamId} not found`);
      const last = await repo.lastPositionAt(client, p!.teamId);
      if (last && p!.at.getTime() <= last.getTime()) {
        state.stale = last;
        throw new HttpError(409, 'STALE_POSITION', 'stale');
      }
      const { accepted, moved } = await repo.storePositions(client, [p!]);
      const m = moved[0]!;
      await appendEvents(client, [
        {
          type: 'team.position',
          teamId: m.id,
          actorId: who.id,
          actorRole: who.role,
          lon: m.lon,
          lat: m.lat,
          payload: { at: m.at.toISOString(), status: m.status, speed: m.speed, heading: m.heading },
        },
      ]);
      return { accepted, stale: 0, teamsMoved: moved.length };
    });
  } catch (err) {
    const stale = state.stale;
    if (stale) {
      throw new CaseConflict(409, 'STALE_POSITION', `position at ${p!.at.toISOString()} is not newer than the last stored one (${stale.toISOString()}): send positions in order`, {
        current: { positionAt: stale.toISOString() },
      });
    }
    throw err;
  }
}

/**
 * A batch of up to 1,000 positions of any teams, in one transaction. Positions not newer than a team's last
 * stored one are ignored and counted as stale (a batch from a gateway mixes fresh and resent data). The live
 * stream gets one `team.positions` event per batch with the newest position of each team that moved.
 */
export async function postPositions(pool: pg.Pool, actor: TeamActor, items: PositionItem[], now = new Date()) {
  const parsed = parsePositions(items, now);
  const who = actorOf(actor);
  const ids = [...new Set(parsed.map((p) => p.teamId))].sort((a, b) => a - b);
  return inTransaction(pool, async (client) => {
    const locked = await repo.lockTeams(client, ids);
    if (locked.length !== ids.length) {
      const have = new Set(locked.map((t) => t.id));
      const missing = ids.filter((id) => !have.has(id));
      throw new HttpError(422, 'UNKNOWN_TEAM', `unknown team id${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')}`);
    }
    const { accepted, moved } = await repo.storePositions(client, parsed);
    if (moved.length > 0) {
      await appendEvents(client, [
        {
          type: 'team.positions',
          actorId: who.id,
          actorRole: who.role,
          payload: {
            items: moved.map((m) => ({ teamId: m.id, lon: m.lon, lat: m.lat, at: m.at.toISOString(), status: m.status })),
          },
        },
      ]);
    }
    return { accepted, stale: parsed.length - accepted, teamsMoved: moved.length };
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
): Promise<PatrolZone> {
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
  const id = await inTransaction(pool, async (client) => {
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
    await appendEvents(client, [
      {
        type: 'patrol_zone.created',
        teamId: body.teamId,
        actorId: user.id,
        actorRole: user.role,
        payload: { zoneId, gridCount: codes.size, start: start.toISOString(), end: end.toISOString() },
      },
    ]);
    return zoneId;
  });
  return presentZone((await repo.findZone(pool, id))!);
}

export async function deleteZone(pool: pg.Pool, user: AuthUser, id: number): Promise<void> {
  await inTransaction(pool, async (client) => {
    const zone = await repo.findZone(client, id);
    if (!zone) throw notFound('ZONE_NOT_FOUND', `patrol zone ${id} not found`);
    await repo.deleteZone(client, id);
    await appendEvents(client, [
      { type: 'patrol_zone.deleted', teamId: zone.team_id, actorId: user.id, actorRole: user.role, payload: { zoneId: id } },
    ]);
  });
}
