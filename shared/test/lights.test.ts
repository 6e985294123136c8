import { describe, expect, it } from 'vitest';
import {
  CASE_STATES,
  LIGHTS,
  cstDate,
  lightFor,
  nextLightChangeAt,
  supervisionLevel,
  supervisionRequired,
  worstLight,
  type CaseClocks,
  type CaseState,
  type Light,
} from '../src/domain/index.ts';
import { CN_CALENDAR as cal } from './fixtures/cn-calendar.ts';

function at(s: string): Date {
  const [day, time] = s.split(' ');
  return cstDate(day ?? '', time ?? '00:00');
}

// A normal 两个三 case reported Monday 2025-03-10 11:30 (see sla.test.ts for the arithmetic).
const CLOCKS: CaseClocks = {
  respondWarnAt: at('2025-03-10 15:24'),
  respondBy: at('2025-03-10 16:00'),
  respondRedAt: at('2025-03-11 10:30'),
  resolveWarnAt: at('2025-03-12 15:48'),
  resolveBy: at('2025-03-13 11:30'),
  resolveRedAt: at('2025-03-18 11:30'),
};
const RESPONDED = at('2025-03-10 14:00');

describe('lightFor', () => {
  it.each<[string, CaseState, Date | null, string, Light]>([
    ['just reported', 'reported', null, '2025-03-10 11:31', 'green'],
    ['respond clock: due soon', 'reported', null, '2025-03-10 15:24', 'due_soon'],
    ['respond clock: at the deadline, still on time', 'filed', null, '2025-03-10 16:00', 'due_soon'],
    ['respond clock: overdue (3 h without a response)', 'filed', null, '2025-03-10 16:01', 'yellow'],
    ['respond clock: long overdue', 'dispatched', null, '2025-03-11 10:30', 'red'],
    ['responded: only the resolve clock counts', 'dispatched', RESPONDED, '2025-03-11 10:30', 'green'],
    ['in progress means responded', 'in_progress', null, '2025-03-11 10:30', 'green'],
    ['resolve clock: due soon', 'in_progress', null, '2025-03-12 15:48', 'due_soon'],
    ['resolve clock: at the deadline', 'in_progress', null, '2025-03-13 11:30', 'due_soon'],
    ['resolve clock: overdue', 'in_progress', null, '2025-03-13 11:31', 'yellow'],
    ['resolve clock: one minute before red', 'in_progress', null, '2025-03-18 11:29', 'yellow'],
    ['resolve clock: red', 'in_progress', null, '2025-03-18 11:30', 'red'],
    ['unresponded and unresolved: the worse wins', 'dispatched', null, '2025-03-14 09:00', 'red'],
    ['handled: lights clear', 'handled', RESPONDED, '2025-03-20 09:00', 'none'],
    ['verified: lights clear', 'verified', RESPONDED, '2025-03-20 09:00', 'none'],
    ['closed: lights clear', 'closed', RESPONDED, '2025-03-20 09:00', 'none'],
    ['void: no light', 'void', null, '2025-03-20 09:00', 'none'],
    ['parked: on the long-term register, no light', 'parked', RESPONDED, '2025-03-20 09:00', 'none'],
  ])('%s (%s at %s)', (_label, state, respondedAt, now, expected) => {
    expect(lightFor({ state, respondedAt, clocks: CLOCKS }, at(now))).toBe(expected);
  });

  it.each(CASE_STATES)('%s: long overdue gives red only while open', (state) => {
    const open = ['reported', 'filed', 'dispatched', 'returned', 'in_progress'].includes(state);
    expect(lightFor({ state, clocks: CLOCKS }, at('2026-01-01 00:00'))).toBe(open ? 'red' : 'none');
  });

  it('computes the clocks on the fly when given a calendar instead', () => {
    const c = {
      state: 'in_progress' as const,
      reportedAt: at('2025-03-10 11:30'),
      priority: 'normal' as const,
      category: {
        respondLimit: 3,
        respondUnit: 'hours' as const,
        resolveLimit: 3,
        resolveUnit: 'working_days' as const,
        redFactor: 1,
        warnRatio: 0.8,
      },
    };
    expect(lightFor(c, at('2025-03-13 11:31'), cal)).toBe('yellow');
    expect(lightFor({ ...c, priority: 'urgent' }, at('2025-03-16 11:30'), cal)).toBe('red');
    expect(() => lightFor(c, at('2025-03-13 11:31'))).toThrow(TypeError);
  });
});

describe('nextLightChangeAt', () => {
  it.each<[CaseState, Date | null, string, string | null]>([
    ['reported', null, '2025-03-10 11:30', '2025-03-10 15:24'],
    ['reported', null, '2025-03-10 15:24', '2025-03-10 16:00'], // + 1 ms, see below
    ['in_progress', null, '2025-03-10 15:24', '2025-03-12 15:48'],
    ['dispatched', RESPONDED, '2025-03-12 16:00', '2025-03-13 11:30'],
    ['in_progress', null, '2025-03-14 09:00', '2025-03-18 11:30'],
    ['in_progress', null, '2025-03-18 11:30', null],
    ['handled', RESPONDED, '2025-03-11 09:00', null],
    ['parked', RESPONDED, '2025-03-11 09:00', null],
  ])('%s (responded %s) at %s → %s', (state, respondedAt, now, expected) => {
    const got = nextLightChangeAt({ state, respondedAt, clocks: CLOCKS }, at(now));
    if (expected === null) {
      expect(got).toBeNull();
      return;
    }
    const exp = at(expected).getTime();
    expect([exp, exp + 1]).toContain(got?.getTime());
    // the light really does change there, and not a millisecond before
    if (got) {
      const c = { state, respondedAt, clocks: CLOCKS };
      expect(lightFor(c, new Date(got.getTime() - 1))).not.toBe(lightFor(c, got));
    }
  });
});

describe('worstLight', () => {
  it.each<[Light[], Light]>([
    [[], 'none'],
    [['none'], 'none'],
    [['green', 'none'], 'green'],
    [['green', 'due_soon', 'green'], 'due_soon'],
    [['due_soon', 'yellow'], 'yellow'],
    [['red', 'green', 'yellow'], 'red'],
    [['none', 'red'], 'red'],
  ])('%j → %s', (lights, expected) => {
    expect(worstLight(lights)).toBe(expected);
  });

  it('orders none < green < due_soon < yellow < red', () => {
    expect(LIGHTS).toEqual(['none', 'green', 'due_soon', 'yellow', 'red']);
  });
});

describe('supervision', () => {
  it.each<[Light, boolean, string]>([
    ['none', false, 'none'],
    ['green', false, 'none'],
    ['due_soon', false, 'none'],
    ['yellow', true, 'platform'],
    ['red', true, 'district'],
  ])('%s → required %s, level %s', (light, required, level) => {
    expect(supervisionRequired(light)).toBe(required);
    expect(supervisionLevel(light)).toBe(level);
  });
});
