import { describe, expect, it } from 'vitest';
import {
  TEAM_COMMANDS,
  TEAM_STATUSES,
  assignmentActions,
  caseActionsForStep,
  etaSeconds,
  manualStatusCommand,
  teamTransition,
  TEAM_RESERVATION_MS,
  releasesSupport,
  remainingEtaSeconds,
  reservationExpiry,
  reservationFor,
  supportAllowed,
  type ReservationHold,
  type TeamCommand,
  type TeamStatus,
} from '../src/domain/team-state.ts';
import { CASE_STATES, type CaseAction, type CaseState } from '../src/domain/case-state.ts';

describe('teamTransition', () => {
  // every status × command: where it leads (null: refused) and whether the open dispatch closes
  const TABLE: Record<TeamStatus, Record<TeamCommand, [TeamStatus, boolean] | null>> = {
    available: { dispatch: ['en_route', false], arrive: null, finish: null, stand_down: null, go_off_duty: ['off_duty', false], come_on_duty: null },
    en_route: { dispatch: null, arrive: ['on_scene', false], finish: ['available', true], stand_down: ['available', true], go_off_duty: ['off_duty', true], come_on_duty: null },
    on_scene: { dispatch: null, arrive: null, finish: ['available', true], stand_down: ['available', true], go_off_duty: ['off_duty', true], come_on_duty: null },
    off_duty: { dispatch: null, arrive: null, finish: null, stand_down: null, go_off_duty: null, come_on_duty: ['available', false] },
  };
  const cases = TEAM_STATUSES.flatMap((s) => TEAM_COMMANDS.map((c) => [s, c, TABLE[s][c]] as const));
  it.each(cases)('%s + %s', (status, command, expected) => {
    const r = teamTransition(status, command);
    if (expected === null) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toBe(command === 'dispatch' ? 'busy' : 'illegal_state');
    } else {
      expect(r).toEqual({ ok: true, from: status, to: expected[0], closesDispatch: expected[1] });
    }
  });
});

describe('manualStatusCommand', () => {
  it.each<[TeamStatus, TeamStatus, TeamCommand | null]>([
    ['available', 'off_duty', 'go_off_duty'],
    ['en_route', 'off_duty', 'go_off_duty'],
    ['off_duty', 'available', 'come_on_duty'],
    ['en_route', 'available', 'stand_down'],
    ['on_scene', 'available', 'stand_down'],
    ['available', 'available', null],
    ['available', 'en_route', null],
    ['available', 'on_scene', null],
  ])('%s → %s', (from, to, expected) => expect(manualStatusCommand(from, to)).toBe(expected));
});

describe('assignmentActions (the assignment table)', () => {
  const TABLE: Record<CaseState, CaseAction[] | null> = {
    reported: ['file', 'dispatch'],
    filed: ['dispatch'],
    dispatched: ['reassign'],
    returned: null,
    in_progress: ['reassign'],
    handled: null,
    verified: null,
    closed: null,
    void: null,
    parked: null,
  };
  it.each(CASE_STATES)('%s', (s) => expect(assignmentActions(s)).toEqual(TABLE[s]));
});

describe('caseActionsForStep', () => {
  it.each<['arrived' | 'finished', CaseState, CaseAction[]]>([
    ['arrived', 'dispatched', ['accept']],
    ['arrived', 'in_progress', []],
    ['arrived', 'parked', []],
    ['finished', 'dispatched', ['accept', 'handle']],
    ['finished', 'in_progress', ['handle']],
    ['finished', 'handled', []],
    ['finished', 'void', []],
  ])('%s on a %s case', (step, status, expected) => expect(caseActionsForStep(step, status)).toEqual(expected));
});

describe('etaSeconds', () => {
  it.each<[number, boolean, number]>([
    [0, true, 0],
    [1000, true, 156], // 1.3 km at 30 km/h
    [1000, false, 104], // 1.3 km at 45 km/h
    [10_000, true, 1560],
  ])('%d m, urban %s', (m, urban, s) => expect(etaSeconds(m, urban)).toBe(s));
});

describe('several teams on a case', () => {
  it.each(CASE_STATES)('supportAllowed(%s)', (s) => expect(supportAllowed(s)).toBe(s === 'dispatched' || s === 'in_progress'));

  it.each<[CaseState, CaseState, boolean]>([
    ['dispatched', 'in_progress', false], // the lead arrived
    ['in_progress', 'in_progress', false], // lead reassigned
    ['dispatched', 'dispatched', false],
    ['in_progress', 'handled', true], // the lead finished
    ['dispatched', 'handled', true],
    ['in_progress', 'parked', true],
    ['dispatched', 'void', true],
    ['in_progress', 'closed', true],
    ['filed', 'dispatched', false], // a case that had no teams
    ['handled', 'closed', false], // supports already gone
  ])('releasesSupport %s → %s', (a, b, expected) => expect(releasesSupport(a, b)).toBe(expected));
});

describe('reservations', () => {
  const now = new Date('2025-03-01T08:00:00Z');
  const later = new Date(now.getTime() + 60_000).toISOString();
  it.each<[string, ReservationHold | null, number, 'free' | 'expired' | 'own' | 'held']>([
    ['none', null, 7, 'free'],
    ['for this case', { caseId: 7, expiresAt: later }, 7, 'own'],
    ['for another case', { caseId: 8, expiresAt: later }, 7, 'held'],
    ['lapsed', { caseId: 8, expiresAt: now.toISOString() }, 7, 'expired'],
    ['lapsed, same case', { caseId: 7, expiresAt: new Date(now.getTime() - 1) }, 7, 'expired'],
  ])('%s', (_name, hold, caseId, expected) => expect(reservationFor(hold, caseId, now)).toBe(expected));

  it('lasts TEAM_RESERVATION_MS (15 min)', () => {
    expect(TEAM_RESERVATION_MS).toBe(15 * 60_000);
    expect(reservationExpiry(now).toISOString()).toBe('2025-03-01T08:15:00.000Z');
  });
});

describe('remainingEtaSeconds', () => {
  it.each<[TeamStatus, number | null, boolean, number | null]>([
    ['en_route', 1000, true, 156],
    ['en_route', null, true, null],
    ['on_scene', 1000, true, 0],
    ['available', 1000, true, null],
    ['off_duty', 1000, false, null],
  ])('%s at %s m (urban %s)', (s, d, u, expected) => expect(remainingEtaSeconds(s, d, u)).toBe(expected));
});
