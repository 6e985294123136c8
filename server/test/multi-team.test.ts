/**
 * Several teams on one emergency: a lead and supporting teams (增援), each with its own state; reservations (预留);
 * a case's teams and the "who is where" board; races; every refused write leaves the database as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardResponse, Case, CaseTeamsResponse, DispatchResponse, NearestResponse, Reservation, Team } from '@gridcommand/shared/schemas';
import type { LightMyRequestResponse } from 'fastify';
import { as, caseWorld, createCase, type CaseWorld } from './cases-helpers.ts';

let w: CaseWorld;

beforeAll(async () => {
  w = await caseWorld();
});

afterAll(async () => {
  await w?.close();
});

let nextTeamIdx = 0;
/** A free team near the home point (available, no open dispatch or reservation), taken in turn. */
async function freeTeam(dLon = 0.01): Promise<number> {
  const { rows } = await w.db.pool.query<{ id: number }>('SELECT id FROM team ORDER BY id');
  const id = rows[nextTeamIdx++ % rows.length]!.id;
  await w.db.pool.query(`UPDATE dispatch SET cancelled_at = now() WHERE team_id = $1 AND finished_at IS NULL AND cancelled_at IS NULL`, [id]);
  await w.db.pool.query(`UPDATE team_reservation SET closed_at = now(), closed_reason = 'released' WHERE team_id = $1 AND closed_at IS NULL`, [id]);
  await w.db.pool.query(
    `UPDATE team SET position = ST_SetSRID(ST_MakePoint($2, $3), 4326), position_at = now() - interval '1 minute', status = 'available' WHERE id = $1`,
    [id, w.home.lon + dLon, w.home.lat + 0.002],
  );
  return id;
}

async function emergency(): Promise<Case> {
  return createCase(w, { priority: 'emergency', title: '仓库起火', description: '仓库冒烟，需多队增援' });
}

function send(role: 'dispatcher' | 'admin' | 'leader', c: Case, teamId: number, extra: Record<string, unknown> = {}) {
  return as(w, role, 'POST', '/api/dispatch', { caseId: c.id, teamId, caseVersion: c.version, ...extra });
}

async function ok<T>(res: Promise<LightMyRequestResponse> | LightMyRequestResponse, status = 200): Promise<T> {
  const r = await res;
  expect(r.statusCode, r.body).toBe(status);
  return r.json() as T;
}

async function caseTeams(caseId: number): Promise<CaseTeamsResponse> {
  return ok<CaseTeamsResponse>(as(w, 'dispatcher', 'GET', `/api/cases/${caseId}/teams`));
}

async function team(id: number): Promise<Team> {
  return ok<Team>(as(w, 'dispatcher', 'GET', `/api/teams/${id}`));
}

/** What a refused write must not change: teams, dispatches, reservations, cases and events. */
async function snapshot(): Promise<string> {
  const q = async (sql: string) => JSON.stringify((await w.db.pool.query(sql)).rows);
  return [
    await q('SELECT id, status, version FROM team ORDER BY id'),
    await q('SELECT id, team_id, case_id, role, arrived_at, finished_at, cancelled_at FROM dispatch ORDER BY id'),
    await q('SELECT id, team_id, case_id, closed_at, closed_reason FROM team_reservation ORDER BY id'),
    await q('SELECT id, status, version, team_id FROM cases ORDER BY id'),
    await q('SELECT max(id) AS id FROM event'),
  ].join('\n');
}

/** Sends a lead and one supporting team to a new emergency; returns the case as it is after. */
async function withTwoTeams(): Promise<{ c: Case; lead: number; support: number }> {
  const c0 = await emergency();
  const [lead, support] = [await freeTeam(), await freeTeam(0.02)];
  const first = await ok<DispatchResponse>(send('dispatcher', c0, lead));
  const second = await ok<DispatchResponse>(send('dispatcher', first.case!, support, { role: 'support' }));
  expect(second.dispatch.role).toBe('support');
  return { c: first.case!, lead, support };
}

describe('a lead and supporting teams', () => {
  it('two teams on one emergency, both en route; the first is never stood down', async () => {
    const { c, lead, support } = await withTwoTeams();
    expect((await team(lead)).status).toBe('en_route');
    expect((await team(support)).status).toBe('en_route');
    const teams = await caseTeams(c.id);
    expect(teams).toMatchObject({ caseId: c.id, leadTeamId: lead, supportAllowed: true });
    expect(teams.items.map((i) => [i.team.id, i.role, i.state])).toEqual([
      [lead, 'lead', 'en_route'],
      [support, 'support', 'en_route'],
    ]);
    for (const i of teams.items) {
      expect(i.distanceM).toBeGreaterThan(0);
      expect(i.etaS).toBeGreaterThan(0);
      expect(Date.parse(i.since)).toBeGreaterThan(0);
    }
    // the case row was not changed by the supporting team
    const row = await w.db.pool.query<{ version: number; team_id: number }>('SELECT version, team_id FROM cases WHERE id = $1', [c.id]);
    expect(row.rows[0]).toEqual({ version: c.version, team_id: lead });
    // events: dispatch.created with the role, and no stand-down of the lead
    const ev = await w.db.pool.query<{ type: string; team_id: number; payload: { role?: string; reason?: string } }>(
      `SELECT type, team_id, payload FROM event WHERE case_id = $1 AND type IN ('dispatch.created', 'team.status') ORDER BY id`,
      [c.id],
    );
    expect(ev.rows.filter((e) => e.type === 'dispatch.created').map((e) => [e.team_id, e.payload.role])).toEqual([
      [lead, 'lead'],
      [support, 'support'],
    ]);
    expect(ev.rows.some((e) => e.payload.reason === 'stood_down' || e.payload.reason === 'reassigned')).toBe(false);
    // a third team joins as support too
    const third = await freeTeam(0.015);
    await ok(send('dispatcher', c, third, { role: 'support' }));
    expect((await caseTeams(c.id)).items.length).toBe(3);
  });

  it('a supporting team arrives and finishes: only its dispatch and state move, the case is unchanged', async () => {
    const { c, lead, support } = await withTwoTeams();
    await ok(as(w, 'dispatcher', 'POST', `/api/teams/${support}/arrived`, {}));
    let row = (await w.db.pool.query<{ status: string; version: number }>('SELECT status, version FROM cases WHERE id = $1', [c.id])).rows[0]!;
    expect(row).toEqual({ status: 'dispatched', version: c.version });
    expect((await team(support)).status).toBe('on_scene');
    expect((await team(lead)).status).toBe('en_route');
    const fin = await ok<{ dispatch: { finishedAt: string; role: string } }>(as(w, 'dispatcher', 'POST', `/api/teams/${support}/finished`, {}));
    expect(fin.dispatch).toMatchObject({ role: 'support', finishedAt: expect.any(String) });
    row = (await w.db.pool.query<{ status: string; version: number }>('SELECT status, version FROM cases WHERE id = $1', [c.id])).rows[0]!;
    expect(row).toEqual({ status: 'dispatched', version: c.version });
    expect((await team(support)).status).toBe('available');
    expect((await team(lead)).status).toBe('en_route');
    const lead0 = await w.db.pool.query('SELECT arrived_at, finished_at FROM dispatch WHERE team_id = $1 AND case_id = $2', [lead, c.id]);
    expect(lead0.rows[0]).toEqual({ arrived_at: null, finished_at: null });
  });

  it('the lead finishes: the case is handled and the supporting teams are stood down', async () => {
    const { c, lead, support } = await withTwoTeams();
    await ok(as(w, 'dispatcher', 'POST', `/api/teams/${lead}/arrived`, {}));
    expect((await w.db.pool.query('SELECT status FROM cases WHERE id = $1', [c.id])).rows[0]).toEqual({ status: 'in_progress' });
    expect((await team(support)).status).toBe('en_route');
    await ok(as(w, 'dispatcher', 'POST', `/api/teams/${lead}/finished`, {}));
    expect((await w.db.pool.query('SELECT status FROM cases WHERE id = $1', [c.id])).rows[0]).toEqual({ status: 'handled' });
    expect((await team(lead)).status).toBe('available');
    expect((await team(support)).status).toBe('available');
    expect((await caseTeams(c.id)).items).toEqual([]);
  });

  it('reassigning the lead replaces only the lead', async () => {
    const { c, lead, support } = await withTwoTeams();
    const next = await freeTeam(0.005);
    const r = await ok<DispatchResponse>(send('dispatcher', c, next));
    expect(r.case!.teamId).toBe(next);
    expect((await team(lead)).status).toBe('available');
    expect((await team(support)).status).toBe('en_route');
    expect((await caseTeams(c.id)).items.map((i) => [i.team.id, i.role])).toEqual([
      [next, 'lead'],
      [support, 'support'],
    ]);
  });

  it('closing the path (void, park) releases every team on the case', async () => {
    for (const action of [{ action: 'void', reason: '误报' }, { action: 'park', reason: '等待天气好转', reviewDate: '2099-01-01' }]) {
      const { c, lead, support } = await withTwoTeams();
      const res = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { ...action, version: c.version });
      expect(res.statusCode, res.body).toBe(200);
      expect((await team(lead)).status).toBe('available');
      expect((await team(support)).status).toBe('available');
      const open = await w.db.pool.query('SELECT 1 FROM dispatch WHERE case_id = $1 AND finished_at IS NULL AND cancelled_at IS NULL', [c.id]);
      expect(open.rowCount).toBe(0);
    }
  });

  it('stands one supporting team down; the lead cannot be stood down this way', async () => {
    const { c, lead, support } = await withTwoTeams();
    const before = await snapshot();
    const refused = await as(w, 'dispatcher', 'DELETE', `/api/cases/${c.id}/teams/${lead}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'LEAD_TEAM' });
    expect(await snapshot()).toBe(before);
    const done = await ok<{ team: Team; dispatch: { cancelledAt: string | null } }>(as(w, 'dispatcher', 'DELETE', `/api/cases/${c.id}/teams/${support}`));
    expect(done.team.status).toBe('available');
    expect(done.dispatch.cancelledAt).not.toBeNull();
    expect((await team(lead)).status).toBe('en_route');
    const again = await as(w, 'dispatcher', 'DELETE', `/api/cases/${c.id}/teams/${support}`);
    expect(again.json()).toMatchObject({ statusCode: 409, code: 'NO_OPEN_DISPATCH' });
    expect((await as(w, 'leader', 'DELETE', `/api/cases/${c.id}/teams/${lead}`)).statusCode).toBe(403);
  });

  it('refuses a supporting team for a case without its lead, changing nothing', async () => {
    const c = await emergency();
    const t = await freeTeam();
    const before = await snapshot();
    const res = await send('dispatcher', c, t, { role: 'support' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    expect(await snapshot()).toBe(before);
  });
});

describe('races', () => {
  it('two dispatchers adding the same supporting team: one wins, the other gets 409 and changes nothing', async () => {
    for (let round = 0; round < 3; round++) {
      const { c } = await withTwoTeams();
      const t = await freeTeam(0.012);
      const results = await Promise.all([send('dispatcher', c, t, { role: 'support' }), send('admin', c, t, { role: 'support' })]);
      expect(results.map((r) => r.statusCode).sort(), results.map((r) => r.body).join('\n')).toEqual([200, 409]);
      expect(results.find((r) => r.statusCode === 409)!.json()).toMatchObject({ code: 'TEAM_BUSY', current: { team: { id: t, status: 'en_route' } } });
      const open = await w.db.pool.query('SELECT 1 FROM dispatch WHERE team_id = $1 AND finished_at IS NULL AND cancelled_at IS NULL', [t]);
      expect(open.rowCount).toBe(1);
    }
  });

  it('two dispatchers adding the same team to two emergencies: one wins', async () => {
    const [a, b] = [await withTwoTeams(), await withTwoTeams()];
    const t = await freeTeam(0.012);
    const results = await Promise.all([send('dispatcher', a.c, t, { role: 'support' }), send('admin', b.c, t, { role: 'support' })]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect((await caseTeams(a.c.id)).items.length + (await caseTeams(b.c.id)).items.length).toBe(5);
  });
});

describe('reservations (预留)', () => {
  it('reserve → another dispatcher does not see the team available → dispatch from the reservation', async () => {
    const c = await emergency();
    const other = await emergency();
    const t = await freeTeam(0.001);
    const r = await ok<Reservation>(as(w, 'dispatcher', 'POST', `/api/teams/${t}/reservation`, { caseId: c.id }), 201);
    expect(r).toMatchObject({ teamId: t, caseId: c.id, caseCode: c.code });
    expect(Date.parse(r.until) - Date.parse(r.reservedAt)).toBe(15 * 60_000);
    // the same request again: the reservation as it is
    await ok<Reservation>(as(w, 'dispatcher', 'POST', `/api/teams/${t}/reservation`, { caseId: c.id }), 200);
    // another dispatcher looking for teams for another case does not get it
    const near = await ok<NearestResponse>(as(w, 'admin', 'GET', `/api/teams/nearest?caseId=${other.id}&limit=50`));
    expect(near.items.some((i) => i.team.id === t)).toBe(false);
    const nearPoint = await ok<NearestResponse>(as(w, 'admin', 'GET', `/api/teams/nearest?lon=${w.home.lon}&lat=${w.home.lat}&limit=50`));
    expect(nearPoint.items.some((i) => i.team.id === t)).toBe(false);
    // for its own case it is offered
    const own = await ok<NearestResponse>(as(w, 'admin', 'GET', `/api/teams/nearest?caseId=${c.id}&limit=50`));
    expect(own.items.some((i) => i.team.id === t)).toBe(true);
    expect((await team(t)).reservation).toMatchObject({ caseId: c.id });
    expect((await caseTeams(c.id)).reservations.map((x) => x.teamId)).toEqual([t]);
    // sending it elsewhere (or reserving it elsewhere) is refused and changes nothing
    const before = await snapshot();
    const refused = await send('admin', other, t);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'TEAM_RESERVED', current: { team: { id: t } } });
    const refused2 = await as(w, 'admin', 'POST', `/api/teams/${t}/reservation`, { caseId: other.id });
    expect(refused2.json()).toMatchObject({ statusCode: 409, code: 'TEAM_RESERVED' });
    expect(await snapshot()).toBe(before);
    // dispatch from the reservation, in one step
    const d = await ok<DispatchResponse>(send('dispatcher', c, t));
    expect(d.team.status).toBe('en_route');
    const row = await w.db.pool.query('SELECT closed_reason FROM team_reservation WHERE id = $1', [r.id]);
    expect(row.rows[0]).toEqual({ closed_reason: 'dispatched' });
    const ev = await w.db.pool.query<{ payload: { reservationId?: number } }>(`SELECT payload FROM event WHERE type = 'dispatch.created' AND team_id = $1 ORDER BY id DESC LIMIT 1`, [t]);
    expect(ev.rows[0]!.payload.reservationId).toBe(r.id);
    expect((await team(t)).reservation).toBeNull();
  });

  it('a reservation lapses by itself and can be released', async () => {
    const c = await emergency();
    const other = await emergency();
    const t = await freeTeam(0.001);
    const r = await ok<Reservation>(as(w, 'dispatcher', 'POST', `/api/teams/${t}/reservation`, { caseId: c.id }), 201);
    await w.db.pool.query(`UPDATE team_reservation SET reserved_at = now() - interval '20 minutes', expires_at = now() - interval '5 minutes' WHERE id = $1`, [r.id]);
    expect((await team(t)).reservation).toBeNull();
    const d = await ok<DispatchResponse>(send('admin', other, t));
    expect(d.team.status).toBe('en_route');
    expect((await w.db.pool.query('SELECT closed_reason FROM team_reservation WHERE id = $1', [r.id])).rows[0]).toEqual({ closed_reason: 'expired' });

    const t2 = await freeTeam(0.001);
    await ok(as(w, 'dispatcher', 'POST', `/api/teams/${t2}/reservation`, { caseId: c.id }), 201);
    expect((await as(w, 'leader', 'DELETE', `/api/teams/${t2}/reservation`)).statusCode).toBe(403);
    expect((await as(w, 'admin', 'DELETE', `/api/teams/${t2}/reservation`)).statusCode).toBe(204);
    const again = await as(w, 'admin', 'DELETE', `/api/teams/${t2}/reservation`);
    expect(again.json()).toMatchObject({ statusCode: 404, code: 'NO_RESERVATION' });
    const ev = await w.db.pool.query<{ type: string }>(`SELECT type FROM event WHERE team_id = $1 AND type LIKE 'team.reserv%' ORDER BY id`, [t2]);
    expect(ev.rows.map((e) => e.type)).toEqual(['team.reserved', 'team.reservation_closed']);
  });

  it('refuses reserving a busy team or for a closed case, changing nothing', async () => {
    const { c, lead } = await withTwoTeams();
    const before = await snapshot();
    expect((await as(w, 'dispatcher', 'POST', `/api/teams/${lead}/reservation`, { caseId: c.id })).json()).toMatchObject({ code: 'TEAM_BUSY' });
    const v = await emergency();
    await ok(as(w, 'dispatcher', 'POST', `/api/cases/${v.id}/actions`, { action: 'void', version: v.version, reason: '误报' }));
    const mid = await snapshot();
    const t = await freeTeam();
    const after = await snapshot();
    expect((await as(w, 'dispatcher', 'POST', `/api/teams/${t}/reservation`, { caseId: v.id })).json()).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    expect((await as(w, 'dispatcher', 'POST', `/api/teams/999999/reservation`, { caseId: c.id })).statusCode).toBe(422);
    expect(await snapshot()).toBe(after);
    expect(before).not.toBe(mid);
  });
});

describe('who is where', () => {
  it('the board: every team with its case, role, place and ETA; no member names; readers only', async () => {
    const { c, lead, support } = await withTwoTeams();
    const board = await ok<BoardResponse>(as(w, 'wall', 'GET', '/api/teams/board'));
    expect(board.items.length).toBe(54);
    const l = board.items.find((t) => t.id === lead)!;
    const s = board.items.find((t) => t.id === support)!;
    expect(l.case).toMatchObject({ id: c.id, code: c.code, role: 'lead', priority: 'emergency' });
    expect(s.case).toMatchObject({ id: c.id, role: 'support' });
    expect(l.etaS).toBeGreaterThan(0);
    expect(l.gridCode).toMatch(/^[0-9]{15}$/);
    expect(l.streetName).toEqual(expect.any(String));
    expect(l.positionAgeS).toBeGreaterThanOrEqual(50);
    expect(JSON.stringify(board)).not.toContain('"members"');
    const sum = board.counts.available + board.counts.en_route + board.counts.on_scene + board.counts.off_duty;
    expect(sum).toBe(54);
    const onlyEnRoute = await ok<BoardResponse>(as(w, 'leader', 'GET', '/api/teams/board?status=en_route'));
    expect(onlyEnRoute.items.every((t) => t.status === 'en_route')).toBe(true);
    expect((await as(w, 'worker', 'GET', '/api/teams/board')).statusCode).toBe(403);
    expect((await as(w, 'dispatcher', 'GET', '/api/teams/board?x=1')).statusCode).toBe(400);
    expect((await w.app.inject({ method: 'GET', url: '/api/teams/board' })).statusCode).toBe(401);
  });
});
