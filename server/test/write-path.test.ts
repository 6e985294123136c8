/**
 * The write path: one writer for every change (the team lock cannot be bypassed), idempotent writes, and events
 * that always belong to the shared vocabulary and name areas as the snapshots do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Compile } from 'typebox/compile';
import { LiveEvent, type Case, type CaseFacts, type DispatchResponse, type OpenCases, type Team } from '@gridcommand/shared/schemas';
import { expectError } from './api-expect.ts';
import { as, caseWorld, createCase, newCaseBody, type CaseWorld } from './cases-helpers.ts';
import { InvalidEventError } from '../src/modules/writer/events.ts';
import { LIGHT_JOB, writeEvents } from '../src/modules/writer/tx.ts';

let w: CaseWorld;
const checkEvent = Compile(LiveEvent);

beforeAll(async () => {
  w = await caseWorld();
});
afterAll(async () => w?.close());

async function availableTeams(n: number): Promise<number[]> {
  const { rows } = await w.db.pool.query<{ id: number }>(`SELECT id FROM team WHERE status = 'available' ORDER BY id LIMIT $1`, [n]);
  expect(rows.length).toBe(n);
  return rows.map((r) => r.id);
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await w.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params);
  return rows[0]!.n;
}

async function filedCase(): Promise<Case> {
  const c = await createCase(w);
  const res = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'file', version: c.version });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Case;
}

describe('one writer: every path that assigns a team holds the team lock', () => {
  it('a case action cannot send a team that POST /api/dispatch already sent elsewhere', async () => {
    const [t] = await availableTeams(1);
    const a = await filedCase();
    const b = await filedCase();
    const sent = await as(w, 'dispatcher', 'POST', '/api/dispatch', { caseId: a.id, teamId: t, caseVersion: a.version });
    expect(sent.statusCode, sent.body).toBe(200);
    expect((sent.json() as DispatchResponse).team).toMatchObject({ status: 'en_route', currentCaseId: a.id });

    const bypass = await as(w, 'dispatcher', 'POST', `/api/cases/${b.id}/actions`, { action: 'dispatch', version: b.version, teamId: t });
    expect(bypass.statusCode, bypass.body).toBe(409);
    expect(bypass.json()).toMatchObject({ code: 'TEAM_BUSY', current: { team: { id: t, status: 'en_route', currentCaseId: a.id } } });

    const bNow = (await as(w, 'dispatcher', 'GET', `/api/cases/${b.id}`)).json() as Case;
    expect(bNow).toMatchObject({ status: 'filed', version: b.version, teamId: null });
    const team = (await as(w, 'dispatcher', 'GET', `/api/teams/${t}`)).json() as Team;
    expect(team.currentCaseId).toBe(a.id);
    expect(await count('dispatch WHERE case_id = $1', [b.id])).toBe(0);
  });

  it('a case action that dispatches to an available team is an assignment: dispatch record, team en route, events', async () => {
    const [u] = await availableTeams(1);
    const c = await filedCase();
    const res = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'dispatch', version: c.version, teamId: u });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'dispatched', teamId: u, version: c.version + 1 });
    const team = (await as(w, 'dispatcher', 'GET', `/api/teams/${u}`)).json() as Team;
    expect(team).toMatchObject({ status: 'en_route', currentCaseId: c.id });
    expect(await count('dispatch WHERE case_id = $1 AND team_id = $2 AND finished_at IS NULL AND cancelled_at IS NULL', [c.id, u])).toBe(1);
    const { rows } = await w.db.pool.query<{ type: string }>('SELECT type FROM event WHERE case_id = $1 ORDER BY id', [c.id]);
    expect(rows.map((r) => r.type)).toEqual(['case.created', 'case.updated', 'case.updated', 'team.status', 'dispatch.created']);
  });

  it('voiding or parking a case stands its team down', async () => {
    const [u] = await availableTeams(1);
    const c = await filedCase();
    const d = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'dispatch', version: c.version, teamId: u });
    const dispatched = d.json() as Case;
    const v = await as(w, 'dispatcher', 'POST', `/api/cases/${c.id}/actions`, { action: 'void', version: dispatched.version, reason: '重复上报' });
    expect(v.statusCode, v.body).toBe(200);
    const team = (await as(w, 'dispatcher', 'GET', `/api/teams/${u}`)).json() as Team;
    expect(team).toMatchObject({ status: 'available', currentCaseId: null });
    expect(await count('dispatch WHERE case_id = $1 AND cancelled_at IS NOT NULL', [c.id])).toBe(1);
  });
});

describe('idempotent writes (Idempotency-Key)', () => {
  const post = (role: 'dispatcher' | 'admin', url: string, body: unknown, key?: string) =>
    w.app.inject({
      method: 'POST',
      url,
      headers: { cookie: w.cookies[role], 'x-gc-csrf': '1', ...(key !== undefined ? { 'idempotency-key': key } : {}) },
      payload: body as object,
    });

  it('a retry of an intake returns the first outcome and writes nothing more', async () => {
    const cases = await count('cases');
    const events = await count('event');
    const body = newCaseBody(w, { title: '重试测试' });
    const first = await post('dispatcher', '/api/cases', body, 'intake-retry-1');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post('dispatcher', '/api/cases', body, 'intake-retry-1');
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await count('cases')).toBe(cases + 1);
    expect(await count('event')).toBe(events + 1);
  });

  it('identical requests at the same time create one case', async () => {
    const before = await count('cases');
    const body = newCaseBody(w, { title: '并发重试' });
    const all = await Promise.all(Array.from({ length: 6 }, () => post('dispatcher', '/api/cases', body, 'intake-race-1')));
    expect(all.map((r) => r.statusCode)).toEqual(Array(6).fill(201));
    expect(new Set(all.map((r) => (r.json() as Case).id)).size).toBe(1);
    expect(all.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(5);
    expect(await count('cases')).toBe(before + 1);
  });

  it('the same key for another request is refused; another caller has keys of their own', async () => {
    const a = await post('dispatcher', '/api/cases', newCaseBody(w, { title: 'A' }), 'shared-key-1');
    expect(a.statusCode).toBe(201);
    const reused = await post('dispatcher', '/api/cases', newCaseBody(w, { title: 'B' }), 'shared-key-1');
    expect(expectError(reused, 422).code).toBe('IDEMPOTENCY_KEY_REUSED');
    const other = await post('admin', '/api/cases', newCaseBody(w, { title: 'A' }), 'shared-key-1');
    expect(other.statusCode).toBe(201);
    expect((other.json() as Case).id).not.toBe((a.json() as Case).id);
  });

  it('a refused request keeps no key: the corrected retry goes through', async () => {
    const bad = await post('dispatcher', '/api/cases', newCaseBody(w, { categoryCode: '99999' }), 'fix-and-retry');
    expect(expectError(bad, 422).code).toBe('UNKNOWN_CATEGORY');
    const good = await post('dispatcher', '/api/cases', newCaseBody(w), 'fix-and-retry');
    expect(good.statusCode, good.body).toBe(201);
  });

  it('a retried action is applied once', async () => {
    const c = await filedCase();
    const body = { action: 'escalate', version: c.version, reason: '需管区协调' };
    const first = await post('dispatcher', `/api/cases/${c.id}/actions`, body, `act-${c.id}`);
    const again = await post('dispatcher', `/api/cases/${c.id}/actions`, body, `act-${c.id}`);
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const now = (await as(w, 'dispatcher', 'GET', `/api/cases/${c.id}`)).json() as Case;
    expect(now).toMatchObject({ version: c.version + 1, escalationLevel: 'zone' });
  });

  it('a retried dispatch is applied once', async () => {
    const [t] = await availableTeams(1);
    const c = await filedCase();
    const body = { caseId: c.id, teamId: t, caseVersion: c.version };
    const first = await post('dispatcher', '/api/dispatch', body, `dispatch-${c.id}`);
    const again = await post('dispatcher', '/api/dispatch', body, `dispatch-${c.id}`);
    expect(first.statusCode, first.body).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(await count('dispatch WHERE case_id = $1', [c.id])).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(201)],
    ['a NUL byte', 'a\u0000b'],
    ['non-ASCII', '重试'],
    ['leading space', ' key'],
  ])('refuses a malformed key (%s) with 400 and writes nothing', async (_label, key) => {
    const before = await count('cases');
    const res = await post('dispatcher', '/api/cases', newCaseBody(w), key).catch(() => null);
    // a header value node itself refuses to send (NUL, non-ASCII) cannot reach the server at all
    if (res) expect(expectError(res, 400).code).toBe('BAD_IDEMPOTENCY_KEY');
    expect(await count('cases')).toBe(before);
  });
});

describe('the intake queue (reports arriving together share a transaction)', () => {
  it('refuses a bad report on its own and writes the others, each as its reporter', async () => {
    const before = await count('cases');
    const good = Array.from({ length: 12 }, (_, i) => as(w, i % 2 ? 'dispatcher' : 'worker', 'POST', '/api/cases', newCaseBody(w, { title: `同批 ${i}`, source: 'grid_worker' })));
    const bad = [
      as(w, 'dispatcher', 'POST', '/api/cases', newCaseBody(w, { categoryCode: '99999' })),
      as(w, 'dispatcher', 'POST', '/api/cases', newCaseBody(w, { lon: 100, lat: 30 })),
      as(w, 'worker', 'POST', '/api/cases', newCaseBody(w, { source: 'hotline' })),
    ];
    const [goods, bads] = await Promise.all([Promise.all(good), Promise.all(bad)]);
    expect(goods.map((r) => r.statusCode)).toEqual(Array(12).fill(201));
    expect(bads.map((r) => [r.statusCode, r.json().code])).toEqual([
      [422, 'UNKNOWN_CATEGORY'],
      [422, 'OUTSIDE_DISTRICT'],
      [403, 'SOURCE_NOT_ALLOWED'],
    ]);
    expect(await count('cases')).toBe(before + 12);
    const ids = goods.map((r) => (r.json() as Case).id);
    const { rows } = await w.db.pool.query<{ id: number; reporter: string; actor: string; role: string }>(
      `SELECT c.id::int AS id, ru.username AS reporter, au.username AS actor, e.actor_role AS role
       FROM cases c JOIN app_user ru ON ru.id = c.reporter_user_id
       JOIN event e ON e.case_id = c.id AND e.type = 'case.created' JOIN app_user au ON au.id = e.actor_id
       WHERE c.id = ANY($1::bigint[]) ORDER BY c.id`,
      [ids],
    );
    expect(rows).toHaveLength(12);
    for (const r of rows) {
      const i = ids.indexOf(r.id);
      const who = i % 2 ? 'dispatcher' : 'worker';
      expect([r.reporter, r.actor, r.role]).toEqual([who, who, who]);
    }
    // they were written in fewer transactions than reports
    const tx = await w.db.pool.query<{ n: number }>(`SELECT count(DISTINCT xid)::int AS n FROM event WHERE type = 'case.created' AND case_id = ANY($1::bigint[])`, [ids]);
    expect(tx.rows[0]!.n).toBeLessThan(12);
  });
});

describe('the event vocabulary', () => {
  it('refuses to append an event outside the vocabulary, and writes nothing', async () => {
    const before = await count('event');
    const bad = { type: 'case.teleported', caseId: null, teamId: null, streetCode: null, fromState: null, toState: null, note: null, lon: null, lat: null, payload: {} };
    await expect(writeEvents(w.db.pool, LIGHT_JOB, [bad as never])).rejects.toBeInstanceOf(InvalidEventError);
    expect(await count('event')).toBe(before);
  });

  it('every event the flows above wrote validates against the shared union', async () => {
    const { rows } = await w.db.pool.query<Record<string, unknown>>(
      `SELECT id::int AS id, at, v, type, case_id::int AS "caseId", team_id AS "teamId", street_code AS "streetCode",
              from_state AS "fromState", to_state AS "toState", note, ST_X(location) AS lon, ST_Y(location) AS lat, payload
       FROM event ORDER BY id`,
    );
    expect(rows.length).toBeGreaterThan(30);
    for (const r of rows) {
      const e = { ...r, at: (r.at as Date).toISOString() };
      expect(checkEvent.Check(e), `${String(r.type)} #${String(r.id)}`).toBe(true);
    }
  });

  it('events and snapshots name a case the same way (CaseFacts, grid codes)', async () => {
    const c = await createCase(w);
    const snap = (await as(w, 'wall', 'GET', '/api/map/open-cases')).json() as OpenCases;
    const inSnap = snap.items.find((i) => i.id === c.id);
    const { rows } = await w.db.pool.query<{ payload: { case: CaseFacts } }>(`SELECT payload FROM event WHERE case_id = $1 AND type = 'case.created'`, [c.id]);
    expect(inSnap).toEqual(rows[0]!.payload.case);
    expect(inSnap!.gridCode).toBe(c.gridCode);
  });
});
