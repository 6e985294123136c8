import { describe, expect, it } from 'vitest';
import {
  decideCaseAction,
  eventTypeOfAction,
  initialLight,
  releasesTeam,
  settleLight,
  type CaseCommand,
  type CaseRecord,
} from '../src/domain/case-decide.ts';
import { CASE_ACTIONS, type CaseState, type Role } from '../src/domain/case-state.ts';
import { cstDate } from '../src/domain/china-time.ts';
import type { CaseClocks } from '../src/domain/sla.ts';

const at = (s: string) => cstDate(s.slice(0, 10), s.slice(11, 16) || '00:00');

// a normal case reported Monday 2025-03-10 11:30: respond by 16:00, resolve by Thursday 11:30
const CLOCKS: CaseClocks = {
  respondWarnAt: at('2025-03-10 15:24'),
  respondBy: at('2025-03-10 16:00'),
  respondRedAt: at('2025-03-11 10:30'),
  resolveWarnAt: at('2025-03-12 15:48'),
  resolveBy: at('2025-03-13 11:30'),
  resolveRedAt: at('2025-03-18 11:30'),
};

function rec(over: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id: 10,
    status: 'reported',
    version: 1,
    escalationLevel: 'grid',
    parkedFrom: null,
    parkReason: null,
    parkReviewDate: null,
    voidReason: null,
    duplicateOf: null,
    teamId: null,
    departmentCode: 'CGJ',
    reworkCount: 0,
    signBy: null,
    returnCount: 0,
    returnedBy: null,
    returnReason: null,
    helperDepartments: [],
    fixedOnSpot: false,
    light: 'green',
    nextLightAt: CLOCKS.respondWarnAt,
    supervised: false,
    clocks: CLOCKS,
    stamps: {},
    updatedAt: at('2025-03-10 11:30'),
    ...over,
  };
}

const NOON = at('2025-03-10 12:00');

describe('decideCaseAction: the new state and what follows', () => {
  it.each<[string, Partial<CaseRecord>, CaseCommand, Role, Partial<CaseRecord>, string]>([
    ['file', {}, { action: 'file' }, 'dispatcher', { status: 'filed' }, 'case.updated'],
    ['dispatch to a department', { status: 'filed' }, { action: 'dispatch', departmentCode: 'SCJ' }, 'dispatcher', { status: 'dispatched', departmentCode: 'SCJ', teamId: null }, 'case.updated'],
    ['dispatch to a team keeps the department', { status: 'filed' }, { action: 'dispatch', teamId: 5 }, 'dispatcher', { status: 'dispatched', teamId: 5, departmentCode: 'CGJ' }, 'case.updated'],
    ['accept stops the respond clock', { status: 'dispatched', teamId: 5 }, { action: 'accept' }, 'handler', { status: 'in_progress' }, 'case.updated'],
    ['handle clears the light', { status: 'in_progress', stamps: { respondedAt: NOON } }, { action: 'handle' }, 'handler', { status: 'handled', light: 'none', nextLightAt: null }, 'case.updated'],
    ['verify fail counts a rework', { status: 'handled', light: 'none' }, { action: 'verify_fail', reason: '现场仍有堆物' }, 'worker', { status: 'in_progress', reworkCount: 1 }, 'case.updated'],
    ['escalate moves the level', {}, { action: 'escalate', reason: '需街道协调' }, 'dispatcher', { status: 'reported', escalationLevel: 'zone' }, 'case.escalated'],
    ['close', { status: 'verified', light: 'none' }, { action: 'close' }, 'dispatcher', { status: 'closed', light: 'none' }, 'case.closed'],
    ['void records the reason and the duplicate', {}, { action: 'void', reason: '重复', duplicateOf: 3 }, 'dispatcher', { status: 'void', voidReason: '重复', duplicateOf: 3, light: 'none' }, 'case.updated'],
    ['park from dispatched drops the team', { status: 'dispatched', teamId: 5 }, { action: 'park', reason: '待资金', reviewDate: '2025-04-01' }, 'dispatcher', { status: 'parked', teamId: null, parkedFrom: 'dispatched', parkReviewDate: '2025-04-01', light: 'none' }, 'case.updated'],
    ['unpark to filed', { status: 'parked', parkedFrom: 'dispatched', parkReviewDate: '2025-04-01', light: 'none' }, { action: 'unpark' }, 'dispatcher', { status: 'filed', parkedFrom: null, parkReviewDate: null }, 'case.updated'],
  ])('%s', (_label, start, cmd, role, expected, type) => {
    const d = decideCaseAction(rec(start), cmd, role, NOON);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.after).toMatchObject({ ...expected, version: (start.version ?? 1) + 1, updatedAt: NOON });
    expect(d.event.type).toBe(type);
    expect(d.before).toEqual(rec(start));
  });

  it('stamps the milestone of the action', () => {
    const d = decideCaseAction(rec({ status: 'dispatched' }), { action: 'accept' }, 'handler', NOON);
    expect(d.ok && d.after.stamps.respondedAt).toEqual(NOON);
  });

  it('answering an overdue case lowers its light and closes its supervision', () => {
    const late = at('2025-03-10 16:30'); // respond clock overdue, resolve clock fine
    const d = decideCaseAction(rec({ status: 'dispatched', light: 'yellow', supervised: true }), { action: 'accept' }, 'handler', late);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.after.light).toBe('green');
    expect(d.after.supervised).toBe(false);
    expect(d.light).toMatchObject({ from: 'yellow', to: 'green', supervision: { close: ['yellow', 'red'], open: null } });
  });

  it('an action that does not change the light records no light change', () => {
    const d = decideCaseAction(rec(), { action: 'file' }, 'dispatcher', NOON);
    expect(d.ok && d.light).toBeNull();
  });

  it.each<[string, Partial<CaseRecord>, CaseCommand, Role, string]>([
    ['illegal state', { status: 'closed' }, { action: 'file' }, 'dispatcher', 'illegal_state'],
    ['forbidden role', {}, { action: 'file' }, 'worker', 'forbidden_role'],
    ['missing reason', {}, { action: 'void' }, 'dispatcher', 'missing_field'],
    ['a duplicate of itself', {}, { action: 'void', reason: 'x', duplicateOf: 10 }, 'dispatcher', 'invalid'],
    ['a review date in the past', { status: 'filed' }, { action: 'park', reason: 'x', reviewDate: '2025-03-09' }, 'dispatcher', 'invalid'],
  ])('refuses: %s', (_label, start, cmd, role, reason) => {
    const d = decideCaseAction(rec(start), cmd, role, NOON);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toBe(reason);
  });
});

describe('settleLight (time passing)', () => {
  it.each<[string, CaseState, string, string, boolean]>([
    ['still green', 'reported', '2025-03-10 12:00', 'green', false],
    ['due soon', 'reported', '2025-03-10 15:30', 'due_soon', true],
    ['overdue', 'filed', '2025-03-10 16:30', 'yellow', true],
    ['long overdue', 'filed', '2025-03-11 11:00', 'red', true],
  ])('%s', (_label, status, now, light, changed) => {
    const r = settleLight(rec({ status }), at(now));
    expect(r.after.light).toBe(light);
    expect(r.light !== null).toBe(changed);
    expect(r.after.version).toBe(changed ? 2 : 1);
    if (light === 'red') expect(r.light?.supervision).toMatchObject({ open: { level: 'red' }, close: ['yellow'], supervised: true });
  });

  it('a new case starts green and looks again when its warning starts', () => {
    expect(initialLight(CLOCKS, at('2025-03-10 11:30'))).toEqual({ light: 'green', nextLightAt: CLOCKS.respondWarnAt });
  });
});

describe('releasesTeam', () => {
  it.each<[number | null, CaseState, number | null, CaseState, boolean]>([
    [null, 'filed', 5, 'dispatched', false],
    [5, 'dispatched', 5, 'in_progress', false],
    [5, 'dispatched', 6, 'dispatched', true],
    [5, 'dispatched', null, 'dispatched', true],
    [5, 'dispatched', null, 'parked', true],
    [5, 'dispatched', 5, 'void', true],
    [5, 'in_progress', 5, 'handled', true],
    [5, 'handled', 5, 'verified', true],
    [5, 'verified', 5, 'verified', false],
  ])('team %s (%s) → team %s (%s)', (a, as, b, bs, expected) => {
    expect(releasesTeam({ teamId: a, status: as }, { teamId: b, status: bs })).toBe(expected);
  });
});

describe('eventTypeOfAction', () => {
  it.each(CASE_ACTIONS)('%s', (a) => {
    expect(eventTypeOfAction(a)).toBe(a === 'escalate' ? 'case.escalated' : a === 'close' || a === 'fix_on_spot' ? 'case.closed' : 'case.updated');
  });
});
