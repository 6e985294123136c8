import { beforeEach, describe, expect, it } from 'vitest';
import {
  applyEvent,
  applyEvents,
  boardFromSnapshot,
  convergingTeams,
  gridLightsOf,
  lightCountsOf,
  type BoardState,
  type BoardTeamFields,
} from '../src/domain/board.ts';
import { CASE_STATES } from '../src/domain/case-state.ts';
import { LIVE_EVENT_TYPES, type CaseFacts, type LiveEvent } from '../src/schemas/events.ts';
import { OTHER_STREET, STREET, caseEvent, ev, facts, oneOfEach, resetIds } from './fixtures/events.ts';

const TEAM: BoardTeamFields = { id: 7, status: 'available', currentCaseId: null, version: 2, lon: 120, lat: 35.9, positionAt: '2026-12-01T01:00:00.000Z' };

function board(cases: CaseFacts[] = [], street: string | null = null): BoardState {
  return boardFromSnapshot({ cases, teams: [TEAM], lastEventId: 0, street });
}

beforeEach(() => resetIds(100));

describe('applyEvent: case events put open cases on the board and take the others off', () => {
  const OPEN = ['reported', 'filed', 'dispatched', 'returned', 'in_progress'];
  it.each(CASE_STATES)('a case that is now %s', (status) => {
    for (const type of ['case.created', 'case.updated', 'case.escalated', 'case.closed', 'case.light'] as const) {
      const before = board([facts({ version: 1 })]);
      const after = applyEvent(before, caseEvent(type, facts({ status, version: 2 })));
      expect(after.cases.has(1), `${type} → ${status}`).toBe(OPEN.includes(status));
      if (OPEN.includes(status)) expect(after.cases.get(1)?.status).toBe(status);
    }
  });

  it.each<[string, CaseFacts, CaseFacts, boolean, number]>([
    ['a new case appears', facts({ id: 2 }), facts({ id: 2 }), true, 1],
    ['a newer version replaces the case', facts({ light: 'green', version: 1 }), facts({ light: 'red', version: 2 }), true, 2],
    ['an older version is ignored (replay after a snapshot)', facts({ light: 'red', version: 5 }), facts({ light: 'green', version: 4 }), true, 5],
    ['the same version again changes nothing', facts({ version: 3 }), facts({ version: 3 }), true, 3],
    ['handled leaves the board', facts({ status: 'in_progress', version: 4 }), facts({ status: 'handled', light: 'none', version: 5 }), false, 0],
    ['parked leaves the board', facts({ status: 'filed', version: 2 }), facts({ status: 'parked', light: 'none', version: 3 }), false, 0],
    ['rework brings it back', facts({ status: 'handled', version: 5 }), facts({ status: 'in_progress', version: 6 }), true, 6],
  ])('%s', (_label, start, incoming, present, version) => {
    const s0 = board(start.status === 'handled' ? [] : [start]);
    const s1 = applyEvent(s0, caseEvent('case.updated', incoming));
    expect(s1.cases.has(incoming.id)).toBe(present);
    if (present) expect(s1.cases.get(incoming.id)?.version).toBe(version);
  });

  it('a street board ignores other streets and keeps district-wide events out', () => {
    const s0 = board([], STREET);
    const s1 = applyEvent(s0, caseEvent('case.created', facts({ id: 3, streetCode: OTHER_STREET })));
    expect(s1.cases.size).toBe(0);
    const s2 = applyEvent(s1, caseEvent('case.created', facts({ id: 4 })));
    expect([...s2.cases.keys()]).toEqual([4]);
  });

  it('never changes its input', () => {
    const s0 = board([facts()]);
    const copy = new Map(s0.cases);
    applyEvent(s0, caseEvent('case.updated', facts({ status: 'handled', version: 2 })));
    expect(s0.cases).toEqual(copy);
    expect(s0.cases.has(1)).toBe(true);
  });
});

describe('applyEvent: teams', () => {
  it.each<[string, LiveEvent, Partial<BoardTeamFields>]>([
    [
      'team.status sets status, current case and version',
      ev('team.status', { team: { id: 7, status: 'en_route', currentCaseId: 1, version: 3 }, previousStatus: 'available', reason: 'dispatched', dispatchId: 3, caseId: 1 }, { teamId: 7 }),
      { status: 'en_route', currentCaseId: 1, version: 3 },
    ],
    [
      'an older team version is ignored',
      ev('team.status', { team: { id: 7, status: 'off_duty', currentCaseId: null, version: 1 }, previousStatus: 'available', reason: 'manual', dispatchId: null, caseId: null }, { teamId: 7 }),
      { status: 'available', version: 2 },
    ],
    [
      'team.position moves the team when newer',
      ev('team.position', { at: '2026-12-01T02:00:00.000Z', status: 'available', speed: null, heading: null }, { teamId: 7, lon: 120.5, lat: 36 }),
      { lon: 120.5, lat: 36, positionAt: '2026-12-01T02:00:00.000Z' },
    ],
    [
      'an older position is ignored',
      ev('team.position', { at: '2026-12-01T00:00:00.000Z', status: 'available', speed: null, heading: null }, { teamId: 7, lon: 121, lat: 36 }),
      { lon: 120, lat: 35.9 },
    ],
    [
      'team.positions moves every team of the batch',
      ev('team.positions', { items: [{ teamId: 7, lon: 120.3, lat: 35.7, at: '2026-12-01T03:00:00.000Z', status: 'available' }, { teamId: 99, lon: 1, lat: 1, at: '2026-12-01T03:00:00.000Z', status: 'available' }] }),
      { lon: 120.3, lat: 35.7 },
    ],
  ])('%s', (_label, e, expected) => {
    const s1 = applyEvent(board(), e);
    expect(s1.teams.get(7)).toMatchObject(expected);
    expect(s1.teams.has(99)).toBe(false);
  });
});

describe('applyEvent: every event type', () => {
  it('covers the whole vocabulary and advances lastEventId', () => {
    const events = oneOfEach();
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(LIVE_EVENT_TYPES));
    let s = board();
    for (const e of events) {
      s = applyEvent(s, e);
      expect(s.lastEventId).toBe(e.id);
    }
    // created, filed, escalated, yellow, closed, a photo attached to the closed case: gone at the end; the team moved
    expect(s.cases.size).toBe(0);
    expect(s.teams.get(7)).toMatchObject({ status: 'en_route', lon: 120.25, lat: 35.85 });
  });

  it.each(['supervision.opened', 'supervision.closed', 'dispatch.created', 'patrol_zone.created', 'patrol_zone.deleted', 'patrol.started', 'patrol.moved', 'patrol.stopped', 'patrol.checkin', 'visit.logged', 'areas.imported'])(
    '%s changes nothing but lastEventId',
    (type) => {
      const e = oneOfEach().find((x) => x.type === type)!;
      const s0 = board([facts()]);
      const s1 = applyEvent(s0, e);
      expect(s1.cases).toBe(s0.cases);
      expect(s1.teams).toBe(s0.teams);
      expect(s1.lastEventId).toBe(e.id);
    },
  );
});

describe('a board that ran for days equals one loaded now', () => {
  it('folds a long random history to the same board as a fresh snapshot of the final state', () => {
    // the "server": the true state of every case, and the events it emitted
    let seed = 42;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const truth = new Map<number, CaseFacts>();
    const log: LiveEvent[] = [];
    const states = ['reported', 'filed', 'dispatched', 'in_progress', 'handled', 'in_progress', 'handled', 'verified', 'closed'] as const;
    for (let step = 0; step < 5_000; step++) {
      const id = 1 + Math.floor(rand() * 300);
      const prev = truth.get(id);
      if (!prev) {
        const f = facts({ id, gridCode: `3702110010010${String(id % 50).padStart(2, '0')}`, streetCode: rand() < 0.5 ? STREET : OTHER_STREET });
        truth.set(id, f);
        log.push(caseEvent('case.created', f));
        continue;
      }
      if (prev.status === 'closed' || prev.status === 'void') continue;
      const roll = rand();
      const next: CaseFacts =
        roll < 0.3 ? { ...prev, light: (['green', 'due_soon', 'yellow', 'red'] as const)[Math.floor(rand() * 4)]!, version: prev.version + 1 }
        : roll < 0.35 ? { ...prev, status: 'void', light: 'none', version: prev.version + 1 }
        : roll < 0.4 ? { ...prev, status: prev.status === 'parked' ? 'filed' : 'parked', light: 'none', version: prev.version + 1 }
        : { ...prev, status: states[Math.min(states.indexOf(prev.status as (typeof states)[number]) + 1, states.length - 1)] ?? 'filed', version: prev.version + 1 };
      truth.set(id, next);
      log.push(caseEvent(roll < 0.3 ? 'case.light' : 'case.updated', next));
    }
    for (const street of [null, STREET]) {
      const ranForDays = applyEvents(board([], street), log).state;
      // a fresh screen: snapshot of the truth at some point plus the events after it, replayed from an earlier id
      const cut = Math.floor(log.length / 2);
      const snapshotTruth = new Map<number, CaseFacts>();
      for (const e of log.slice(0, cut)) if ('case' in e.payload) snapshotTruth.set(e.payload.case.id, e.payload.case);
      const snap = boardFromSnapshot({ cases: [...snapshotTruth.values()], teams: [TEAM], lastEventId: log[cut - 1]!.id, street });
      // resume a little before the snapshot's position: events it already contains must change nothing
      const fresh = applyEvents(snap, log.slice(cut - 200)).state;
      const now = boardFromSnapshot({ cases: [...truth.values()], teams: [TEAM], lastEventId: 0, street });
      expect(new Map([...ranForDays.cases].sort())).toEqual(new Map([...now.cases].sort()));
      expect(new Map([...fresh.cases].sort())).toEqual(new Map([...now.cases].sort()));
      expect(gridLightsOf(ranForDays)).toEqual(gridLightsOf(now));
      expect(lightCountsOf(fresh)).toEqual(lightCountsOf(now));
    }
  });
});

describe('applyEvents', () => {
  it('reports what changed and copies collections only when needed', () => {
    const s0 = board([facts()]);
    const r = applyEvents(s0, [caseEvent('case.light', facts({ light: 'red', version: 2 })), caseEvent('case.created', facts({ id: 5 }))]);
    expect([...r.changedCases].sort()).toEqual([1, 5]);
    expect(r.changedTeams.size).toBe(0);
    expect(r.state.teams).toBe(s0.teams);
    expect(applyEvents(s0, []).state).toBe(s0);
  });

  it('grid lights and counts follow the cases', () => {
    const s = board([
      facts({ id: 1, gridCode: '370211001001001', light: 'green' }),
      facts({ id: 2, gridCode: '370211001001001', light: 'red' }),
      facts({ id: 3, gridCode: '370211001001002', light: 'due_soon' }),
    ]);
    expect(gridLightsOf(s)).toEqual(new Map([['370211001001001', 'red'], ['370211001001002', 'due_soon']]));
    expect(lightCountsOf(s)).toEqual({ none: 0, green: 1, due_soon: 1, yellow: 0, red: 1 });
  });
});

describe('convergingTeams: several teams on one emergency', () => {
  const team = (id: number, over: Partial<BoardTeamFields> = {}): BoardTeamFields => ({ ...TEAM, id, ...over });
  const fire = facts({ id: 5, status: 'dispatched', priority: 'emergency', teamId: 11, lon: 120.2, lat: 36 });
  it.each<[string, BoardTeamFields[], CaseFacts[], [number, number, boolean][]]>([
    ['lead and two supports en route, lead first', [team(12, { status: 'en_route', currentCaseId: 5 }), team(11, { status: 'en_route', currentCaseId: 5 }), team(13, { status: 'en_route', currentCaseId: 5 })], [fire], [[11, 5, true], [12, 5, false], [13, 5, false]]],
    ['a supporting team on scene has no line', [team(11, { status: 'en_route', currentCaseId: 5 }), team(12, { status: 'on_scene', currentCaseId: 5 })], [fire], [[11, 5, true]]],
    ['a team without a position has no line', [team(11, { status: 'en_route', currentCaseId: 5, lon: null, lat: null })], [fire], []],
    ['a case off the board draws no line', [team(11, { status: 'en_route', currentCaseId: 6 })], [fire], []],
    ['available teams draw nothing', [team(11)], [fire], []],
    ['two cases, ordered by case', [team(21, { status: 'en_route', currentCaseId: 7 }), team(11, { status: 'en_route', currentCaseId: 5 })], [fire, facts({ id: 7, status: 'dispatched', teamId: 21 })], [[11, 5, true], [21, 7, true]]],
  ])('%s', (_label, teams, cases, expected) => {
    const s = boardFromSnapshot({ cases, teams, lastEventId: 0 });
    expect(convergingTeams(s).map((l) => [l.teamId, l.caseId, l.lead])).toEqual(expected);
  });

  it('draws from the team to the case; on scene teams on request', () => {
    const s = boardFromSnapshot({ cases: [fire], teams: [team(12, { status: 'on_scene', currentCaseId: 5 })], lastEventId: 0 });
    expect(convergingTeams(s, { onScene: true })).toEqual([{ teamId: 12, caseId: 5, from: [120, 35.9], to: [120.2, 36], lead: false, status: 'on_scene' }]);
  });

  it('follows team.status events: a supporting team sent keeps the lead', () => {
    const s0 = boardFromSnapshot({ cases: [fire], teams: [team(11, { status: 'en_route', currentCaseId: 5 }), team(12)], lastEventId: 0 });
    const e = ev(
      'team.status',
      { team: { id: 12, status: 'en_route', currentCaseId: 5, version: 3 }, previousStatus: 'available', reason: 'dispatched', dispatchId: 9, caseId: 5 },
      { teamId: 12, caseId: 5 },
    );
    expect(convergingTeams(applyEvent(s0, e)).map((l) => [l.teamId, l.lead])).toEqual([[11, true], [12, false]]);
  });
});
