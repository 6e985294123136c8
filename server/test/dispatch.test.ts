/**
 * The dispatcher's desk: nearest teams against an independent distance computation (turf), assignment in one
 * transaction, two dispatchers racing, arrival and finish, roles, positions (AVL) and patrol zones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as turf from '@turf/turf';
import type { Case, DispatchResponse, NearestResponse, PatrolZone, Team, TeamListResponse } from '@gridcommand/shared/schemas';
import { ETA_MODEL } from '@gridcommand/shared/domain';
import { expectError } from './api-expect.ts';
import { as, caseWorld, createCase, type CaseWorld } from './cases-helpers.ts';

let w: CaseWorld;
let district: { minLon: number; minLat: number; maxLon: number; maxLat: number };

beforeAll(async () => {
  w = await caseWorld();
  const { rows } = await w.db.pool.query<{ minlon: number; minlat: number; maxlon: number; maxlat: number }>(
    `SELECT ST_XMin(e) AS minlon, ST_YMin(e) AS minlat, ST_XMax(e) AS maxlon, ST_YMax(e) AS maxlat
     FROM (SELECT ST_Extent(geom)::geometry AS e FROM area WHERE level = 'district') x`,
  );
  const r = rows[0]!;
  district = { minLon: r.minlon, minLat: r.minlat, maxLon: r.maxlon, maxLat: r.maxlat };
});

afterAll(async () => {
  await w?.close();
});

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Makes a team available at a place (and frees it from any open dispatch). */
async function placeTeam(id: number, lon: number, lat: number, status = 'available'): Promise<void> {
  await w.db.pool.query(`UPDATE dispatch SET cancelled_at = now() WHERE team_id = $1 AND finished_at IS NULL AND cancelled_at IS NULL`, [id]);
  await w.db.pool.query(
    `UPDATE team SET position = ST_SetSRID(ST_MakePoint($2, $3), 4326), position_at = now() - interval '1 minute', status = $4::team_status WHERE id = $1`,
    [id, lon, lat, status],
  );
}

async function teamsWithPositions(status = 'available'): Promise<{ id: number; lon: number; lat: number }[]> {
  const { rows } = await w.db.pool.query<{ id: number; lon: number; lat: number }>(
    `SELECT id, ST_X(position) AS lon, ST_Y(position) AS lat FROM team WHERE position IS NOT NULL AND status = $1::team_status`,
    [status],
  );
  return rows;
}

async function getTeam(id: number): Promise<Team> {
  const res = await as(w, 'dispatcher', 'GET', `/api/teams/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Team;
}

/** A free team id (available, no open dispatch), taken in turn so that tests do not share teams. */
let nextTeamIdx = 0;
async function freeTeam(): Promise<number> {
  const { rows } = await w.db.pool.query<{ id: number }>('SELECT id FROM team ORDER BY id');
  const id = rows[nextTeamIdx++ % rows.length]!.id;
  await placeTeam(id, w.home.lon + 0.01, w.home.lat + 0.005);
  return id;
}

describe('teams list', () => {
  it('lists teams with positions; member names for the dispatcher only', async () => {
    const res = await as(w, 'dispatcher', 'GET', '/api/teams');
    expect(res.statusCode).toBe(200);
    const body = res.json() as TeamListResponse;
    expect(body.items.length).toBe(54);
    const t = body.items[0]!;
    expect(t).toMatchObject({ id: expect.any(Number), code: expect.any(String), kind: expect.any(String), status: expect.any(String) });
    expect(t.members?.length).toBe(t.memberCount);
    const wall = (await as(w, 'wall', 'GET', '/api/teams')).json() as TeamListResponse;
    expect(wall.items.length).toBe(54);
    expect(wall.items.every((x) => x.members === undefined)).toBe(true);
    const filtered = (await as(w, 'leader', 'GET', '/api/teams?status=available&kind=police_patrol')).json() as TeamListResponse;
    expect(filtered.items.every((x) => x.status === 'available' && x.kind === 'police_patrol')).toBe(true);
    expectError(await w.app.inject({ method: 'GET', url: '/api/teams' }), 401);
    expectError(await as(w, 'dispatcher', 'GET', '/api/teams?status=busy'), 400);
  });
});

describe('nearest teams', () => {
  /** Checks one answer against turf's great-circle distances to every candidate team. */
  async function checkAgainstTurf(lon: number, lat: number, limit: number): Promise<NearestResponse> {
    const res = await as(w, 'dispatcher', 'GET', `/api/teams/nearest?lon=${lon}&lat=${lat}&limit=${limit}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as NearestResponse;
    const all = await teamsWithPositions('available');
    const dist = new Map(all.map((t) => [t.id, turf.distance(turf.point([lon, lat]), turf.point([t.lon, t.lat]), { units: 'meters' })]));
    expect(body.items.length).toBe(Math.min(limit, all.length));
    // (a) each distance agrees with turf's (spheroid vs sphere: within 0.5 %)
    for (const item of body.items) {
      const d = dist.get(item.team.id)!;
      expect(Math.abs(item.distanceM - d)).toBeLessThanOrEqual(d * 0.005 + 0.5);
      expect(item.team.status).toBe('available');
      const eta = (item.distanceM * ETA_MODEL.detourFactor) / ((body.urban ? ETA_MODEL.urbanKmh : ETA_MODEL.ruralKmh) / 3.6);
      expect(Math.abs(item.etaS - eta)).toBeLessThanOrEqual(1);
    }
    // (b) ranked by distance, ties by id
    for (let i = 1; i < body.items.length; i++) {
      const a = body.items[i - 1]!;
      const b = body.items[i]!;
      expect(a.distanceM < b.distanceM || (a.distanceM === b.distanceM && a.team.id < b.team.id) || Math.abs(a.distanceM - b.distanceM) < 0.2).toBe(true);
    }
    // (c) no team left out is closer than the last one returned (beyond the model difference)
    const returned = new Set(body.items.map((i) => i.team.id));
    const last = body.items.at(-1)!.distanceM;
    for (const t of all) if (!returned.has(t.id)) expect(dist.get(t.id)!).toBeGreaterThanOrEqual(last * 0.995 - 0.5);
    // turf's own top-k agrees on all but near-equal distances
    const turfTop = [...all].sort((a, b) => dist.get(a.id)! - dist.get(b.id)! || a.id - b.id).slice(0, limit);
    turfTop.forEach((t, i) => {
      const ours = body.items[i]!;
      if (ours.team.id !== t.id) expect(Math.abs(dist.get(ours.team.id)! - dist.get(t.id)!)).toBeLessThan(dist.get(t.id)! * 0.01 + 1);
    });
    return body;
  }

  it('agrees with turf on random points in the district, near its edge and outside it', async () => {
    const rand = prng(42);
    const { minLon, minLat, maxLon, maxLat } = district;
    for (let i = 0; i < 25; i++) {
      await checkAgainstTurf(minLon + rand() * (maxLon - minLon), minLat + rand() * (maxLat - minLat), 1 + Math.floor(rand() * 8));
    }
    // along the edges of the district's box, and a little outside
    for (let i = 0; i < 12; i++) {
      const side = i % 4;
      const f = rand();
      const lon = side === 0 ? minLon - 0.02 : side === 1 ? maxLon + 0.02 : minLon + f * (maxLon - minLon);
      const lat = side === 2 ? minLat - 0.02 : side === 3 ? maxLat + 0.02 : minLat + f * (maxLat - minLat);
      await checkAgainstTurf(lon, lat, 5);
    }
  });

  it('finds a team outside the district for a point at its edge (no filtering by district)', async () => {
    const outside = await freeTeam();
    const lon = district.minLon - 0.05;
    const lat = (district.minLat + district.maxLat) / 2;
    await placeTeam(outside, lon - 0.001, lat);
    const body = await checkAgainstTurf(lon, lat, 3);
    expect(body.items[0]!.team.id).toBe(outside);
  });

  it('breaks ties by id (two teams at the same spot)', async () => {
    const a = await freeTeam();
    const b = await freeTeam();
    const lon = (district.minLon + district.maxLon) / 2 + 0.0123;
    const lat = (district.minLat + district.maxLat) / 2 - 0.0077;
    await placeTeam(a, lon + 0.0004, lat + 0.0003);
    await placeTeam(b, lon + 0.0004, lat + 0.0003);
    const body = await checkAgainstTurf(lon, lat, 4);
    const [first, second] = body.items;
    expect(new Set([first!.team.id, second!.team.id])).toEqual(new Set([a, b]));
    expect(first!.distanceM).toBe(second!.distanceM);
    expect(first!.team.id).toBe(Math.min(a, b));
  });

  it('is exact where the index order (degrees) and metres disagree', async () => {
    // far from everything: four teams 0.010° north, one team 0.012° east (closer in metres at 36°N)
    const lon = 100;
    const lat = 36;
    const north = [await freeTeam(), await freeTeam(), await freeTeam(), await freeTeam()];
    for (const id of north) await placeTeam(id, lon, lat + 0.01);
    const east = await freeTeam();
    await placeTeam(east, lon + 0.012, lat);
    const res = await as(w, 'dispatcher', 'GET', `/api/teams/nearest?lon=${lon}&lat=${lat}&limit=1`);
    const body = res.json() as NearestResponse;
    expect(body.items[0]!.team.id).toBe(east);
    await checkAgainstTurf(lon, lat, 1);
    await checkAgainstTurf(lon, lat, 3);
  });

  it('answers for a case, filters by kind, and refuses bad input', async () => {
    const c = await createCase(w);
    const res = await as(w, 'dispatcher', 'GET', `/api/teams/nearest?caseId=${c.id}&kind=police_patrol&limit=3`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as NearestResponse;
    expect(body.point).toEqual({ lon: c.lon, lat: c.lat });
    expect(body.items.every((i) => i.team.kind === 'police_patrol')).toBe(true);
    expectError(await as(w, 'dispatcher', 'GET', '/api/teams/nearest?lon=200&lat=36'), 400);
    expectError(await as(w, 'dispatcher', 'GET', '/api/teams/nearest?lon=120'), 400);
    expectError(await as(w, 'dispatcher', 'GET', '/api/teams/nearest?lon=abc&lat=36'), 400);
    expectError(await as(w, 'dispatcher', 'GET', '/api/teams/nearest?lon=120&lat=36&limit=0'), 400);
    expectError(await as(w, 'dispatcher', 'GET', '/api/teams/nearest?lon=120&lat=36&kind=army'), 400);
    expectError(await as(w, 'dispatcher', 'GET', `/api/teams/nearest?lon=120&lat=36&caseId=${c.id}`), 400);
    expect(expectError(await as(w, 'dispatcher', 'GET', '/api/teams/nearest?caseId=999999'), 404).code).toBe('CASE_NOT_FOUND');
  });
});

describe('assignment', () => {
  async function dispatch(role: 'dispatcher' | 'admin' | 'leader', c: Case, teamId: number, extra: Record<string, unknown> = {}) {
    return as(w, role, 'POST', '/api/dispatch', { caseId: c.id, teamId, caseVersion: c.version, ...extra });
  }

  it('files and dispatches a reported case, sends the team en route, and writes the record and events in one go', async () => {
    const c = await createCase(w);
    const teamId = await freeTeam();
    const before = await getTeam(teamId);
    const res = await dispatch('dispatcher', c, teamId, { teamVersion: before.version });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as DispatchResponse;
    expect(body.case).toMatchObject({ id: c.id, status: 'dispatched', teamId, version: c.version + 2 });
    expect(body.team).toMatchObject({ id: teamId, status: 'en_route', currentCaseId: c.id, version: before.version + 1 });
    expect(body.dispatch).toMatchObject({ caseId: c.id, teamId, arrivedAt: null, finishedAt: null });
    expect(body.dispatch.distanceM).toBeGreaterThan(0);
    expect(body.dispatch.etaS).toBeGreaterThan(0);
    const ev = await w.db.pool.query<{ type: string }>(
      `SELECT type FROM event WHERE (case_id = $1 OR team_id = $2) AND type IN ('case.updated', 'team.status', 'dispatch.created') ORDER BY id`,
      [c.id, teamId],
    );
    expect(ev.rows.map((r) => r.type)).toEqual(['case.updated', 'case.updated', 'team.status', 'dispatch.created']);
  });

  it('two dispatchers sending the same team at once: exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const [c1, c2] = [await createCase(w), await createCase(w)];
      const teamId = await freeTeam();
      const results = await Promise.all([dispatch('dispatcher', c1, teamId), dispatch('admin', c2, teamId)]);
      const codes = results.map((r) => r.statusCode).sort();
      expect(codes, results.map((r) => r.body).join('\n')).toEqual([200, 409]);
      const lost = results.find((r) => r.statusCode === 409)!.json() as { code: string; current: { team: Team } };
      expect(lost.code).toBe('TEAM_BUSY');
      expect(lost.current.team).toMatchObject({ id: teamId, status: 'en_route' });
      const open = await w.db.pool.query('SELECT 1 FROM dispatch WHERE team_id = $1 AND finished_at IS NULL AND cancelled_at IS NULL', [teamId]);
      expect(open.rowCount).toBe(1);
      // the losing case was not touched (no half-written file)
      const loser = results[0]!.statusCode === 409 ? c1 : c2;
      const { rows } = await w.db.pool.query<{ status: string; version: number }>('SELECT status, version FROM cases WHERE id = $1', [loser.id]);
      expect(rows[0]).toEqual({ status: 'reported', version: 1 });
    }
  });

  it('two dispatchers sending different teams to the same case at once: exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const c = await createCase(w);
      const [t1, t2] = [await freeTeam(), await freeTeam()];
      const results = await Promise.all([dispatch('dispatcher', c, t1), dispatch('admin', c, t2)]);
      expect(results.map((r) => r.statusCode).sort(), results.map((r) => r.body).join('\n')).toEqual([200, 409]);
      const lost = results.find((r) => r.statusCode === 409)!.json() as { code: string; current: { case: Case } };
      expect(lost.code).toBe('VERSION_CONFLICT');
      expect(lost.current.case.status).toBe('dispatched');
      const loserTeam = results[0]!.statusCode === 409 ? t1 : t2;
      expect((await getTeam(loserTeam)).status).toBe('available');
    }
  });

  it('refuses a busy team, a stale version, a closed path, unknown ids and other roles', async () => {
    const c = await createCase(w);
    const teamId = await freeTeam();
    expect((await dispatch('dispatcher', c, teamId)).statusCode).toBe(200);
    const c2 = await createCase(w);
    const busy = await dispatch('dispatcher', c2, teamId);
    expect(busy.statusCode).toBe(409);
    expect(busy.json()).toMatchObject({ statusCode: 409, code: 'TEAM_BUSY', error: 'Conflict' });
    const other = await freeTeam();
    const stale = await dispatch('dispatcher', c, other);
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'VERSION_CONFLICT', current: { case: { id: c.id, status: 'dispatched' } } });
    const staleTeam = await dispatch('dispatcher', c2, other, { teamVersion: 999 });
    expect(staleTeam.json()).toMatchObject({ code: 'VERSION_CONFLICT', current: { team: { id: other } } });
    // a voided case cannot be assigned
    const v = await as(w, 'dispatcher', 'POST', `/api/cases/${c2.id}/actions`, { action: 'void', version: c2.version, reason: '重复' });
    expect(v.statusCode, v.body).toBe(200);
    const voided = await dispatch('dispatcher', v.json() as Case, other);
    expect(voided.json()).toMatchObject({ statusCode: 409, code: 'ILLEGAL_TRANSITION' });
    expect(expectError(await dispatch('dispatcher', { ...c, id: 99_999_999 }, other), 404).code).toBe('CASE_NOT_FOUND');
    const c3 = await createCase(w);
    expect(expectError(await dispatch('dispatcher', c3, 999_999), 404).code).toBe('TEAM_NOT_FOUND');
    // roles: a leader reads but never writes; handlers do not dispatch; nobody anonymous
    expect(expectError(await dispatch('leader', c3, other), 403).code).toBe('FORBIDDEN_ROLE');
    expectError(await as(w, 'handler', 'POST', '/api/dispatch', { caseId: c3.id, teamId: other, caseVersion: 1 }), 403);
    expectError(await w.app.inject({ method: 'POST', url: '/api/dispatch', payload: { caseId: c3.id, teamId: other, caseVersion: 1 } }), 401);
    // bad input: 400, never 500
    expectError(await as(w, 'dispatcher', 'POST', '/api/dispatch', { caseId: 'x', teamId: other, caseVersion: 1 }), 400);
    expectError(await as(w, 'dispatcher', 'POST', '/api/dispatch', { caseId: c3.id }), 400);
    expectError(await as(w, 'dispatcher', 'POST', '/api/dispatch', { caseId: c3.id, teamId: other, caseVersion: 1, extra: 1 }), 400);
    const malformed = await w.app.inject({
      method: 'POST', url: '/api/dispatch', headers: { cookie: w.cookies.dispatcher, 'x-gc-csrf': '1', 'content-type': 'application/json' }, payload: '{"caseId":',
    });
    expectError(malformed, 400);
    // nothing changed for c3 and the other team
    expect((await getTeam(other)).status).toBe('available');
  });

  it('reassigns: the previous team stands down, the new one goes en route', async () => {
    const c = await createCase(w);
    const [a, b] = [await freeTeam(), await freeTeam()];
    const first = (await dispatch('dispatcher', c, a)).json() as DispatchResponse;
    const res = await dispatch('dispatcher', first.case!, b);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as DispatchResponse).case).toMatchObject({ status: 'dispatched', teamId: b });
    expect((await getTeam(a)).status).toBe('available');
    expect((await getTeam(b)).status).toBe('en_route');
    const { rows } = await w.db.pool.query<{ team_id: number; cancelled: boolean }>(
      'SELECT team_id, cancelled_at IS NOT NULL AS cancelled FROM dispatch WHERE case_id = $1 ORDER BY id',
      [c.id],
    );
    expect(rows).toEqual([{ team_id: a, cancelled: true }, { team_id: b, cancelled: false }]);
  });

  it('arrived and finished move the team and the case along the loop', async () => {
    const c = await createCase(w);
    const teamId = await freeTeam();
    expect((await dispatch('dispatcher', c, teamId)).statusCode).toBe(200);
    expect(expectError(await as(w, 'leader', 'POST', `/api/teams/${teamId}/arrived`, {}), 403).code).toBe('FORBIDDEN_ROLE');
    const arrived = await as(w, 'dispatcher', 'POST', `/api/teams/${teamId}/arrived`, {});
    expect(arrived.statusCode, arrived.body).toBe(200);
    expect(arrived.json()).toMatchObject({ team: { status: 'on_scene' }, caseId: c.id });
    expect((arrived.json() as { dispatch: { arrivedAt: string } }).dispatch.arrivedAt).toBeTruthy();
    let row = (await as(w, 'dispatcher', 'GET', `/api/cases/${c.id}`)).json() as Case;
    expect(row.status).toBe('in_progress');
    const again = await as(w, 'dispatcher', 'POST', `/api/teams/${teamId}/arrived`, {});
    expect(again.json()).toMatchObject({ statusCode: 409, code: 'ILLEGAL_TRANSITION' });
    const finished = await as(w, 'dispatcher', 'POST', `/api/teams/${teamId}/finished`, { note: '已清理完毕' });
    expect(finished.statusCode, finished.body).toBe(200);
    expect(finished.json()).toMatchObject({ team: { status: 'available', currentCaseId: null } });
    row = (await as(w, 'dispatcher', 'GET', `/api/cases/${c.id}`)).json() as Case;
    expect(row.status).toBe('handled');
    const none = await as(w, 'dispatcher', 'POST', `/api/teams/${teamId}/finished`, {});
    expect(none.json()).toMatchObject({ statusCode: 409, code: 'NO_OPEN_DISPATCH' });
  });

  it('sets a team off duty and back; en route only through dispatch', async () => {
    const teamId = await freeTeam();
    const t = await getTeam(teamId);
    const off = await as(w, 'dispatcher', 'PUT', `/api/teams/${teamId}/status`, { status: 'off_duty', version: t.version });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ status: 'off_duty', version: t.version + 1 });
    const stale = await as(w, 'dispatcher', 'PUT', `/api/teams/${teamId}/status`, { status: 'available', version: t.version });
    expect(stale.json()).toMatchObject({ statusCode: 409, code: 'VERSION_CONFLICT' });
    const enRoute = await as(w, 'dispatcher', 'PUT', `/api/teams/${teamId}/status`, { status: 'en_route' });
    expect(enRoute.json()).toMatchObject({ statusCode: 409, code: 'ILLEGAL_TRANSITION' });
    expectError(await as(w, 'dispatcher', 'PUT', `/api/teams/${teamId}/status`, { status: 'asleep' }), 400);
    expectError(await as(w, 'dispatcher', 'PUT', '/api/teams/999999/status', { status: 'available' }), 404);
    expectError(await as(w, 'leader', 'PUT', `/api/teams/${teamId}/status`, { status: 'available' }), 403);
    expect((await as(w, 'dispatcher', 'PUT', `/api/teams/${teamId}/status`, { status: 'available' })).statusCode).toBe(200);
  });
});

describe('positions (AVL)', () => {
  it('stores a position, moves the team, emits team.position; refuses future, out of range and stale', async () => {
    const teamId = await freeTeam();
    const at = new Date(Date.now() - 5_000).toISOString();
    const res = await as(w, 'dispatcher', 'POST', `/api/teams/${teamId}/position`, { lon: 120.1, lat: 35.95, at, speed: 32, heading: 90 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ accepted: 1, stale: 0, teamsMoved: 1 });
    const t = await getTeam(teamId);
    expect(t).toMatchObject({ lon: 120.1, lat: 35.95, positionAt: at });
    const ev = await w.db.pool.query<{ type: string; payload: { at: string } }>(
      `SELECT type, payload FROM event WHERE team_id = $1 AND type = 'team.position' ORDER BY id DESC LIMIT 1`,
      [teamId],
    );
    expect(ev.rows[0]?.payload.at).toBe(at);
    const stale = await as(w, 'dispatcher', 'POST', `/api/teams/${teamId}/position`, { lon: 120.2, lat: 35.9, at });
    expect(stale.json()).toMatchObject({ statusCode: 409, code: 'STALE_POSITION', current: { positionAt: at } });
    const future = new Date(Date.now() + 120_000).toISOString();
    expect(expectError(await as(w, 'dispatcher', 'POST', `/api/teams/${teamId}/position`, { lon: 120.2, lat: 35.9, at: future }), 400).code).toBe('FUTURE_TIMESTAMP');
    // a little clock skew is fine
    const skew = await as(w, 'dispatcher', 'POST', `/api/teams/${teamId}/position`, { lon: 120.2, lat: 35.9, at: new Date(Date.now() + 10_000).toISOString() });
    expect(skew.statusCode, skew.body).toBe(200);
    expectError(await as(w, 'dispatcher', 'POST', `/api/teams/${teamId}/position`, { lon: 200, lat: 35.9 }), 400);
    expectError(await as(w, 'dispatcher', 'POST', `/api/teams/${teamId}/position`, { lon: 120, lat: -91 }), 400);
    expectError(await as(w, 'dispatcher', 'POST', `/api/teams/${teamId}/position`, { lon: 120, lat: 36, at: 'yesterday' }), 400);
    expectError(await as(w, 'dispatcher', 'POST', '/api/teams/999999/position', { lon: 120, lat: 36 }), 404);
    expectError(await as(w, 'leader', 'POST', `/api/teams/${teamId}/position`, { lon: 120, lat: 36 }), 403);
    expectError(await w.app.inject({ method: 'POST', url: `/api/teams/${teamId}/position`, payload: { lon: 120, lat: 36 } }), 401);
    const hist = await w.db.pool.query('SELECT 1 FROM team_position WHERE team_id = $1', [teamId]);
    expect(hist.rowCount).toBe(2);
  });

  it('takes a batch in one transaction: newest per team moves it, stale ones are counted, one live event', async () => {
    const [a, b] = [await freeTeam(), await freeTeam()];
    // one second after the teams' stored positions (about a minute ago), read from the database's own clock
    const { rows: last } = await w.db.pool.query<{ ms: number }>(
      `SELECT extract(epoch FROM max(position_at)) * 1000 AS ms FROM team WHERE id = ANY($1::int[])`,
      [[a, b]],
    );
    const t0 = Math.ceil(Number(last[0]!.ms)) + 1_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const items = [
      { teamId: a, lon: 120.01, lat: 35.9, at: iso(t0) },
      { teamId: a, lon: 120.02, lat: 35.91, at: iso(t0 + 10_000) },
      { teamId: b, lon: 120.03, lat: 35.92, at: iso(t0 + 5_000) },
      { teamId: a, lon: 120.015, lat: 35.905, at: iso(t0 + 5_000) },
    ];
    const before = await w.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM event WHERE type = 'team.positions'`);
    const res = await as(w, 'dispatcher', 'POST', '/api/teams/positions', { items });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ accepted: 4, stale: 0, teamsMoved: 2 });
    expect(await getTeam(a)).toMatchObject({ lon: 120.02, lat: 35.91 });
    const after = await w.db.pool.query<{ n: number; items: unknown[] }>(
      `SELECT count(*) OVER ()::int AS n, payload->'items' AS items FROM event WHERE type = 'team.positions' ORDER BY id DESC LIMIT 1`,
    );
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n + 1);
    expect(after.rows[0]!.items).toHaveLength(2);
    // resent: all stale, nothing moves, no event
    const again = await as(w, 'dispatcher', 'POST', '/api/teams/positions', { items });
    expect(again.json()).toEqual({ accepted: 0, stale: 4, teamsMoved: 0 });
    // unknown team, future, too many, out of range: refused as a whole
    expect(expectError(await as(w, 'dispatcher', 'POST', '/api/teams/positions', { items: [{ ...items[0]!, at: iso(Date.now() - 1000) }, { teamId: 999_999, lon: 120, lat: 36, at: iso(t0) }] }), 422).code).toBe('UNKNOWN_TEAM');
    expect((await getTeam(a)).lon).toBe(120.02);
    expect(expectError(await as(w, 'dispatcher', 'POST', '/api/teams/positions', { items: [{ teamId: a, lon: 120, lat: 36, at: iso(Date.now() + 3_600_000) }] }), 400).code).toBe('FUTURE_TIMESTAMP');
    const many = Array.from({ length: 1001 }, (_, i) => ({ teamId: a, lon: 120, lat: 36, at: iso(t0 + 20_000 + i) }));
    expectError(await as(w, 'dispatcher', 'POST', '/api/teams/positions', { items: many }), 400);
    expectError(await as(w, 'dispatcher', 'POST', '/api/teams/positions', { items: [] }), 400);
    expectError(await as(w, 'dispatcher', 'POST', '/api/teams/positions', { items: [{ teamId: a, lon: 181, lat: 36, at: iso(t0) }] }), 400);
  });

  it('a team device writes for its own team only', async () => {
    const [mine, other] = [await freeTeam(), await freeTeam()];
    const issued = await as(w, 'admin', 'POST', `/api/teams/${mine}/device-token`);
    expect(issued.statusCode, issued.body).toBe(201);
    const token = (issued.json() as { token: string }).token;
    expectError(await as(w, 'dispatcher', 'POST', `/api/teams/${mine}/device-token`), 403);
    const device = (url: string, payload: unknown, t = token) =>
      w.app.inject({ method: 'POST', url, headers: { 'x-gc-device-token': t }, payload: payload as object });
    const ok = await device(`/api/teams/${mine}/position`, { lon: 120.05, lat: 35.95 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(expectError(await device(`/api/teams/${other}/position`, { lon: 120.05, lat: 35.95 }), 403).code).toBe('DEVICE_OTHER_TEAM');
    expectError(await device(`/api/teams/${mine}/position`, { lon: 120.05, lat: 35.95 }, 'x'.repeat(43)), 401);
    const batch = await device('/api/teams/positions', { items: [{ teamId: other, lon: 120, lat: 36, at: new Date().toISOString() }] });
    expectError(batch, 403);
    // the device reports arrival for its dispatch
    const c = await createCase(w);
    expect((await as(w, 'dispatcher', 'POST', '/api/dispatch', { caseId: c.id, teamId: mine, caseVersion: c.version })).statusCode).toBe(200);
    const arrived = await device(`/api/teams/${mine}/arrived`, {});
    expect(arrived.statusCode, arrived.body).toBe(200);
    const ev = await w.db.pool.query<{ actor_role: string; actor_id: number | null }>(
      `SELECT actor_role, actor_id FROM event WHERE case_id = $1 AND to_state = 'in_progress'`,
      [c.id],
    );
    expect(ev.rows[0]).toEqual({ actor_role: 'team_device', actor_id: null });
  });

  it('prunes history past the retention', async () => {
    const teamId = await freeTeam();
    await w.db.pool.query(
      `INSERT INTO team_position (team_id, at, position) VALUES ($1, now() - interval '30 days', ST_SetSRID(ST_MakePoint(120, 36), 4326))`,
      [teamId],
    );
    const { prunePositions } = await import('../src/modules/teams/index.ts');
    expect(await prunePositions(w.db.pool, 7)).toBeGreaterThanOrEqual(1);
    const left = await w.db.pool.query(`SELECT 1 FROM team_position WHERE at < now() - interval '7 days'`);
    expect(left.rowCount).toBe(0);
  });
});

describe('patrol zones', () => {
  const shift = { start: '2030-01-01T08:00:00+08:00', end: '2030-01-01T16:00:00+08:00' };
  const during = encodeURIComponent('2030-01-01T10:00:00+08:00');

  it('makes a zone from a drawn polygon (the grids it covers) and shows the coverage', async () => {
    const grid = (await as(w, 'dispatcher', 'GET', `/api/grids/${w.home.grid}`)).json() as { bbox: [number, number, number, number] };
    const [x0, y0, x1, y1] = grid.bbox;
    const pad = 0.0005;
    const polygon = {
      type: 'Polygon',
      coordinates: [[[x0 - pad, y0 - pad], [x1 + pad, y0 - pad], [x1 + pad, y1 + pad], [x0 - pad, y1 + pad], [x0 - pad, y0 - pad]]],
    };
    const teamId = await freeTeam();
    const before = (await as(w, 'dispatcher', 'GET', `/api/patrol-zones/coverage?at=${during}`)).json() as { totalGrids: number; coveredGrids: number; uncoveredGrids: number };
    expect(before.coveredGrids).toBe(0);
    expect(before.uncoveredGrids).toBe(before.totalGrids);
    const res = await as(w, 'dispatcher', 'POST', '/api/patrol-zones', { teamId, shift, polygon, name: '早班巡区' });
    expect(res.statusCode, res.body).toBe(201);
    const zone = res.json() as PatrolZone;
    expect(zone.gridCodes).toContain(w.home.grid);
    expect(zone.polygon?.type).toBe('Polygon');
    const byCodes = await as(w, 'dispatcher', 'POST', '/api/patrol-zones', { teamId, shift, gridCodes: [w.home.grid] });
    expect(byCodes.statusCode, byCodes.body).toBe(201);
    const list = (await as(w, 'wall', 'GET', `/api/patrol-zones?at=${during}`)).json() as { items: PatrolZone[] };
    expect(list.items.map((z) => z.id)).toEqual(expect.arrayContaining([zone.id]));
    const outside = (await as(w, 'dispatcher', 'GET', `/api/patrol-zones?at=${encodeURIComponent('2030-01-01T17:00:00+08:00')}`)).json() as { items: PatrolZone[] };
    expect(outside.items).toHaveLength(0);
    const cov = (await as(w, 'dispatcher', 'GET', `/api/patrol-zones/coverage?at=${during}`)).json() as {
      coveredGrids: number; uncoveredGrids: number; totalGrids: number; uncovered: { code: string }[]; zones: number;
    };
    expect(cov.coveredGrids).toBe(zone.gridCodes.length);
    expect(cov.uncoveredGrids).toBe(cov.totalGrids - zone.gridCodes.length);
    expect(cov.uncovered.some((g) => g.code === w.home.grid)).toBe(false);
    // the list stops at 1,000 grids by code (the count stays exact): 1,549 grids would be sent whole otherwise
    expect(cov.uncoveredGrids).toBeGreaterThan(1_000);
    expect(cov.uncovered).toHaveLength(1_000);
    expect(cov.uncovered.map((g) => g.code)).toEqual(cov.uncovered.map((g) => g.code).sort());
    expect(cov.zones).toBe(2);
    // delete both: coverage back to none
    expect((await as(w, 'dispatcher', 'DELETE', `/api/patrol-zones/${zone.id}`)).statusCode).toBe(204);
    expect((await as(w, 'dispatcher', 'DELETE', `/api/patrol-zones/${(byCodes.json() as PatrolZone).id}`)).statusCode).toBe(204);
    expectError(await as(w, 'dispatcher', 'DELETE', `/api/patrol-zones/${zone.id}`), 404);
    const after = (await as(w, 'dispatcher', 'GET', `/api/patrol-zones/coverage?at=${during}`)).json() as { coveredGrids: number };
    expect(after.coveredGrids).toBe(0);
  });

  it('refuses self-intersecting and open polygons, bad shifts, unknown grids and teams, and leaders', async () => {
    const teamId = await freeTeam();
    const { lon, lat } = w.home;
    const bowtie = { type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.01, lat + 0.01], [lon + 0.01, lat], [lon, lat + 0.01], [lon, lat]]] };
    expect(expectError(await as(w, 'dispatcher', 'POST', '/api/patrol-zones', { teamId, shift, polygon: bowtie }), 400).code).toBe('INVALID_POLYGON');
    const open = { type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01]]] };
    expect(expectError(await as(w, 'dispatcher', 'POST', '/api/patrol-zones', { teamId, shift, polygon: open }), 400).code).toBe('INVALID_POLYGON');
    expectError(await as(w, 'dispatcher', 'POST', '/api/patrol-zones', { teamId, shift, polygon: { type: 'Polygon', coordinates: 'x' } }), 400);
    expectError(await as(w, 'dispatcher', 'POST', '/api/patrol-zones', { teamId, shift, polygon: { type: 'Point', coordinates: [lon, lat] } }), 400);
    expect(expectError(await as(w, 'dispatcher', 'POST', '/api/patrol-zones', { teamId, shift: { start: shift.end, end: shift.start }, gridCodes: [w.home.grid] }), 400).code).toBe('BAD_SHIFT');
    expect(expectError(await as(w, 'dispatcher', 'POST', '/api/patrol-zones', { teamId, shift }), 400).code).toBe('ZONE_EMPTY');
    expect(expectError(await as(w, 'dispatcher', 'POST', '/api/patrol-zones', { teamId, shift, gridCodes: ['370211999999999'] }), 422).code).toBe('UNKNOWN_GRID');
    expect(expectError(await as(w, 'dispatcher', 'POST', '/api/patrol-zones', { teamId: 999_999, shift, gridCodes: [w.home.grid] }), 422).code).toBe('TEAM_NOT_FOUND');
    const far = { type: 'Polygon', coordinates: [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0]]] };
    expect(expectError(await as(w, 'dispatcher', 'POST', '/api/patrol-zones', { teamId, shift, polygon: far }), 422).code).toBe('ZONE_COVERS_NO_GRID');
    expectError(await as(w, 'leader', 'POST', '/api/patrol-zones', { teamId, shift, gridCodes: [w.home.grid] }), 403);
    expectError(await as(w, 'dispatcher', 'GET', '/api/patrol-zones?at=tomorrow'), 400);
    const { rows } = await w.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM patrol_zone');
    expect(rows[0]!.n).toBe(0);
  });
});

describe('grid roster for the dispatcher', () => {
  it('shows phones in full to the dispatcher (logged) and masked to the leader', async () => {
    const d = await as(w, 'dispatcher', 'GET', `/api/dispatch/grids/${w.home.grid}/roster`);
    expect(d.statusCode, d.body).toBe(200);
    const body = d.json() as { phonesVisible: boolean; staff: { phone: string }[] };
    expect(body.phonesVisible).toBe(true);
    expect(body.staff.length).toBeGreaterThanOrEqual(5);
    expect(body.staff[0]!.phone).toMatch(/^1\d{10}$/);
    const l = (await as(w, 'leader', 'GET', `/api/dispatch/grids/${w.home.grid}/roster`)).json() as { staff: { phone: string }[] };
    expect(l.staff[0]!.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    expectError(await as(w, 'wall', 'GET', `/api/dispatch/grids/${w.home.grid}/roster`), 403);
    expectError(await as(w, 'dispatcher', 'GET', '/api/dispatch/grids/370211999999999/roster'), 404);
    const logged = await w.db.pool.query(`SELECT 1 FROM personal_data_access WHERE subject = $1`, [`grid:${w.home.grid}`]);
    expect(logged.rowCount).toBeGreaterThanOrEqual(1);
  });
});
