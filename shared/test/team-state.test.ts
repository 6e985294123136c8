import { describe, expect, it } from 'vitest';
import {
  TEAM_COMMANDS,
  TEAM_STATUSES,
  assignmentActions,
  caseActionsForStep,
  etaSeconds,
  manualStatusCommand,
  teamTransition,
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
