/**
 * Patrols (巡查) of grid workers, as writes: start, append track points, stop, check in. Each runs in one writer
 * transaction (writeOnce: a retry of the phone's offline queue with the same Idempotency-Key gets the first
 * answer and writes nothing) and emits its event last: patrol.started, patrol.moved, patrol.stopped,
 * patrol.checkin. Rules: one running patrol per user; points only from the patrol's owner, only newer than the
 * last stored point, none in the future beyond the clock skew; the length is the sum of the legs (trackLengthM).
 */
import type pg from 'pg';
import { trackLengthM } from '@gridcommand/shared/domain';
import type { Patrol } from '@gridcommand/shared/schemas';
import { HttpError, conflict, notFound } from '../../plugins/errors.ts';
import { gridAtPoint } from '../areas/grid-at-point.ts';
import type { AuthUser } from '../auth/repository.ts';
import { draft } from '../writer/events.ts';
import type { IdempotencyKey } from '../writer/idempotency.ts';
import { userActor, writeOnce, type Outcome, type WriteTx } from '../writer/tx.ts';
import type { PatrolPointsResponse } from './schemas.ts';
import { missingPhotos } from './photos-repository.ts';
import * as repo from './patrols-repository.ts';
import { CLOCK_SKEW_MS, fieldInstant } from './times.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Points drawn per patrol in lists and on the dispatch map (the track is thinned to about this many). */
export const TRACK_DRAW_POINTS = 500;
/** Patrols listed at most (most recently started first). */
export const PATROL_LIST_LIMIT = 200;

export function presentPatrol(r: repo.PatrolRow, track: [number, number][]): Patrol {
  return {
    id: r.id,
    userId: r.user_id,
    userName: r.user_name,
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at ? r.ended_at.toISOString() : null,
    distanceM: r.distance_m,
    points: r.points,
    last: r.last_at !== null && r.last_lon !== null && r.last_lat !== null ? { lon: r.last_lon, lat: r.last_lat, at: r.last_at.toISOString() } : null,
    track,
    checkins: r.checkins,
  };
}

/** Patrols with their thinned tracks. */
export async function presentPatrols(db: Queryable, rows: readonly repo.PatrolRow[]): Promise<Patrol[]> {
  const tracks = await repo.tracksOf(db, rows.map((r) => r.id), TRACK_DRAW_POINTS);
  return rows.map((r) => presentPatrol(r, tracks.get(r.id) ?? []));
}

export async function readPatrol(db: Queryable, id: number): Promise<Patrol | null> {
  const row = await repo.findPatrol(db, id);
  return row ? (await presentPatrols(db, [row]))[0]! : null;
}

/** Who may see a patrol: admin, leader and dispatcher every one; anybody else their own. */
export function maySeeAllPatrols(user: AuthUser): boolean {
  return user.role === 'admin' || user.role === 'leader' || user.role === 'dispatcher';
}

async function streetAt(db: Queryable, p: { lon: number; lat: number } | null): Promise<string | null> {
  if (!p) return null;
  return (await gridAtPoint(db, p.lon, p.lat))?.street_code ?? null;
}

async function mustReadPatrol(db: Queryable, id: number): Promise<Patrol> {
  const p = await readPatrol(db, id);
  if (!p) throw notFound('PATROL_NOT_FOUND', `patrol ${id} not found`);
  return p;
}

// ── start ───────────────────────────────────────────────────────────────────

export interface StartInput {
  position?: { lon: number; lat: number; accuracyM?: number; at?: string };
}

/**
 * Starts the caller's patrol at the position's time (a start queued offline keeps its moment) or now; the start
 * position is the track's first point. 409 PATROL_ACTIVE with the running one as `current`.
 */
export async function startPatrol(pool: pg.Pool, user: AuthUser, body: StartInput, key: IdempotencyKey | null): Promise<Outcome<Patrol>> {
  return writeOnce(pool, userActor(user), key, async (tx) => {
    const pos = body.position ?? null;
    const startedAt = pos?.at !== undefined ? fieldInstant('body field "position.at"', pos.at, tx.now) : tx.now;
    const id = await repo.insertPatrol(tx.client, user.id, startedAt);
    if (id === null) {
      const running = await repo.activePatrolOf(tx.client, user.id);
      throw conflict('PATROL_ACTIVE', 'a patrol is already running: stop it first', { current: running ? (await presentPatrols(tx.client, [running]))[0] : null });
    }
    if (pos) {
      await repo.insertPoints(tx.client, id, [{ lon: pos.lon, lat: pos.lat, at: startedAt, accuracyM: pos.accuracyM ?? null }]);
      await repo.updateTrack(tx.client, id, 0, 1);
    }
    tx.emit(
      draft('patrol.started', { patrolId: id, userId: user.id, userName: user.displayName }, {
        streetCode: await streetAt(tx.client, pos),
        lon: pos?.lon ?? null,
        lat: pos?.lat ?? null,
      }),
    );
    return { status: 201, body: await mustReadPatrol(tx.client, id) };
  });
}

// ── points ──────────────────────────────────────────────────────────────────

export interface PointInput {
  lon: number;
  lat: number;
  at: string;
  accuracyM?: number;
}

/** The owner's patrol, locked; 404 unknown, 403 someone else's. */
async function ownPatrol(tx: WriteTx, user: AuthUser, id: number, opts: { adminMay: boolean }): Promise<repo.LockedPatrol> {
  const p = await repo.lockPatrol(tx.client, id);
  if (!p) throw notFound('PATROL_NOT_FOUND', `patrol ${id} not found`);
  if (p.user_id !== user.id && !(opts.adminMay && user.role === 'admin')) {
    throw new HttpError(403, 'NOT_YOUR_PATROL', `patrol ${id} belongs to another user: only its owner may change it`);
  }
  return p;
}

interface Appended {
  accepted: repo.NewPoint[];
  stale: number;
  distanceM: number;
}

/**
 * Appends the points to a locked patrol: sorted by time, repeats within the batch and points not newer than the
 * last stored one (or older than the start, less the clock skew) counted as stale; a point in the future → 400.
 */
async function appendPoints(tx: WriteTx, p: repo.LockedPatrol, points: readonly PointInput[]): Promise<Appended> {
  const parsed = points.map((pt, i) => ({
    lon: pt.lon,
    lat: pt.lat,
    accuracyM: pt.accuracyM ?? null,
    at: fieldInstant(`body field "points.${i}.at"`, pt.at, tx.now),
  }));
  parsed.sort((a, b) => a.at.getTime() - b.at.getTime());
  const last = await repo.lastPoint(tx.client, p.id);
  let floor = last ? last.at.getTime() : p.started_at.getTime() - CLOCK_SKEW_MS - 1;
  const accepted: repo.NewPoint[] = [];
  for (const pt of parsed) {
    if (pt.at.getTime() <= floor) continue;
    accepted.push(pt);
    floor = pt.at.getTime();
  }
  const stored = await repo.insertPoints(tx.client, p.id, accepted);
  const distanceM = p.distance_m + trackLengthM(last ? [last, ...accepted] : accepted);
  if (stored > 0) await repo.updateTrack(tx.client, p.id, distanceM, p.points + stored);
  return { accepted, stale: points.length - accepted.length, distanceM: stored > 0 ? distanceM : p.distance_m };
}

function movedEvent(user: AuthUser, patrolId: number, accepted: readonly repo.NewPoint[], streetCode: string | null) {
  const newest = accepted[accepted.length - 1]!;
  return draft(
    'patrol.moved',
    { patrolId, userId: user.id, points: accepted.map((pt) => ({ lon: pt.lon, lat: pt.lat, at: pt.at.toISOString() })) },
    { streetCode, lon: newest.lon, lat: newest.lat },
  );
}

export async function addPoints(pool: pg.Pool, user: AuthUser, id: number, points: readonly PointInput[], key: IdempotencyKey | null): Promise<Outcome<PatrolPointsResponse>> {
  return writeOnce(pool, userActor(user), key, async (tx) => {
    const p = await ownPatrol(tx, user, id, { adminMay: false });
    if (p.ended_at) throw conflict('PATROL_ENDED', `patrol ${id} has ended: start a new one`, { current: await mustReadPatrol(tx.client, id) });
    const r = await appendPoints(tx, p, points);
    if (r.accepted.length > 0) {
      const newest = r.accepted[r.accepted.length - 1]!;
      tx.emit(movedEvent(user, id, r.accepted, await streetAt(tx.client, newest)));
    }
    return { status: 200, body: { accepted: r.accepted.length, stale: r.stale, distanceM: r.distanceM } };
  });
}

// ── stop ────────────────────────────────────────────────────────────────────

/**
 * Ends a patrol (its owner, or an admin ending a forgotten one): at the position's time or now, never before its
 * start or its last point; the position, when newer than the last point, is the track's last point.
 * 409 PATROL_ENDED when it had ended.
 */
export async function stopPatrol(pool: pg.Pool, user: AuthUser, id: number, body: StartInput, key: IdempotencyKey | null): Promise<Outcome<Patrol>> {
  return writeOnce(pool, userActor(user), key, async (tx) => {
    const p = await ownPatrol(tx, user, id, { adminMay: true });
    if (p.ended_at) throw conflict('PATROL_ENDED', `patrol ${id} has already ended`, { current: await mustReadPatrol(tx.client, id) });
    const pos = body.position ?? null;
    let endedAt = pos?.at !== undefined ? fieldInstant('body field "position.at"', pos.at, tx.now) : tx.now;
    if (pos && p.user_id === user.id) {
      const r = await appendPoints(tx, p, [{ lon: pos.lon, lat: pos.lat, at: endedAt.toISOString(), ...(pos.accuracyM !== undefined ? { accuracyM: pos.accuracyM } : {}) }]);
      if (r.accepted.length > 0) tx.emit(movedEvent(user, id, r.accepted, await streetAt(tx.client, pos)));
    }
    const last = await repo.lastPoint(tx.client, id);
    const floor = Math.max(p.started_at.getTime(), last?.at.getTime() ?? 0);
    if (endedAt.getTime() < floor) endedAt = new Date(floor);
    await repo.endPatrol(tx.client, id, endedAt);
    const ended = await mustReadPatrol(tx.client, id);
    tx.emit(
      draft('patrol.stopped', { patrolId: id, userId: p.user_id, distanceM: ended.distanceM }, {
        streetCode: await streetAt(tx.client, last),
        lon: last?.lon ?? null,
        lat: last?.lat ?? null,
      }),
    );
    return { status: 200, body: ended };
  });
}

// ── check-ins ───────────────────────────────────────────────────────────────

export interface CheckinInput {
  lon: number;
  lat: number;
  accuracyM?: number;
  at?: string;
  place: string;
  note?: string;
  photos?: string[];
}

export interface CheckinOut {
  id: number;
  patrolId: number | null;
  userId: number;
  at: string;
  lon: number;
  lat: number;
  gridCode: string | null;
  place: string;
  note: string | null;
  photos: string[];
}

/** Photos named by a write must have been uploaded (422 UNKNOWN_PHOTO otherwise). */
export async function requirePhotos(db: Queryable, ids: readonly string[]): Promise<void> {
  const missing = await missingPhotos(db, ids);
  if (missing.length > 0) {
    throw new HttpError(422, 'UNKNOWN_PHOTO', `no uploaded photo with id ${missing.join(', ')}: upload photos with POST /api/photos first`);
  }
}

/** A check-in at a place, on the caller's patrol that was running at that moment (if any). */
export async function checkIn(pool: pg.Pool, user: AuthUser, body: CheckinInput, key: IdempotencyKey | null): Promise<Outcome<CheckinOut>> {
  return writeOnce(pool, userActor(user), key, async (tx) => {
    const at = body.at !== undefined ? fieldInstant('body field "at"', body.at, tx.now) : tx.now;
    const place = body.place.trim();
    if (place === '') throw new HttpError(400, 'MISSING_FIELD', 'body field "place" must not be blank');
    const photos = body.photos ?? [];
    await requirePhotos(tx.client, photos);
    const grid = await gridAtPoint(tx.client, body.lon, body.lat);
    const patrolId = await repo.patrolRunningAt(tx.client, user.id, at);
    const note = body.note?.trim() ? body.note.trim() : null;
    const row = await repo.insertCheckin(tx.client, {
      patrolId,
      userId: user.id,
      at,
      lon: body.lon,
      lat: body.lat,
      accuracyM: body.accuracyM ?? null,
      gridCode: grid?.grid_code ?? null,
      place,
      note,
      photos,
    });
    tx.emit(
      draft('patrol.checkin', { checkinId: row.id, patrolId: row.patrol_id, userId: user.id, place, gridCode: row.grid_code }, {
        streetCode: grid?.street_code ?? null,
        lon: body.lon,
        lat: body.lat,
      }),
    );
    return {
      status: 201,
      body: {
        id: row.id,
        patrolId: row.patrol_id,
        userId: row.user_id,
        at: row.at.toISOString(),
        lon: row.lon,
        lat: row.lat,
        gridCode: row.grid_code,
        place: row.place,
        note: row.note,
        photos: row.photos,
      },
    };
  });
}
