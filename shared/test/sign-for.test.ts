import { describe, expect, it } from 'vitest';
import { cstDate } from '../src/domain/china-time.ts';
import { decideCaseAction, type CaseRecord } from '../src/domain/case-decide.ts';
import { SIGN_FOR_LIMIT_HOURS, signForDeadline, signForOverdue, signedOnTime } from '../src/domain/sign-for.ts';
import { WEEKENDS_ONLY } from '../src/domain/working-time.ts';

const at = (s: string) => cstDate(s.slice(0, 10), s.slice(11, 16) || '00:00');

describe('signForDeadline (签收时限, from the dispatch)', () => {
  it.each([
    // Monday 2025-03-10; working hours 09:00–12:00, 13:30–17:30 (DEFAULT_WORK_HOURS)
    ['normal, Monday 09:00: 2 working hours', 'normal', '2025-03-10 09:00', '2025-03-10 11:00'],
    ['normal, Monday 11:00: over the lunch break', 'normal', '2025-03-10 11:00', '2025-03-10 14:30'],
    ['normal, Friday 17:00: into Monday', 'normal', '2025-03-14 17:00', '2025-03-17 10:30'],
    ['urgent: one wall-clock hour, even at night', 'urgent', '2025-03-10 23:30', '2025-03-11 00:30'],
    ['emergency: 15 minutes', 'emergency', '2025-03-15 03:00', '2025-03-15 03:15'],
  ] as const)('%s', (_l, priority, from, to) => {
    expect(signForDeadline(priority, at(from), WEEKENDS_ONLY).toISOString()).toBe(at(to).toISOString());
  });

  it('limits per priority', () => expect(SIGN_FOR_LIMIT_HOURS).toEqual({ normal: 2, urgent: 1, emergency: 0.25 }));
  it('refuses an invalid instant', () => expect(() => signForDeadline('normal', new Date(NaN), WEEKENDS_ONLY)).toThrow(RangeError));
});

describe('signedOnTime and signForOverdue', () => {
  it.each([
    [null, null, null],
    ['2025-03-10 11:00', null, null],
    [null, '2025-03-10 10:00', null],
    ['2025-03-10 11:00', '2025-03-10 10:59', true],
    ['2025-03-10 11:00', '2025-03-10 11:00', true],
    ['2025-03-10 11:00', '2025-03-10 11:01', false],
  ] as const)('deadline %s, signed %s → %s', (by, signed, expected) => {
    expect(signedOnTime(by ? at(by) : null, signed ? at(signed) : null)).toBe(expected);
  });
  it.each([
    [null, '2025-03-10 12:00', false],
    ['2025-03-10 11:00', '2025-03-10 11:00', false],
    ['2025-03-10 11:00', '2025-03-10 11:01', true],
  ] as const)('deadline %s at %s → overdue %s', (by, now, expected) => expect(signForOverdue(by ? at(by) : null, at(now))).toBe(expected));
});

describe('return and its decision in the case rules', () => {
  const CLOCKS = {
    respondWarnAt: at('2025-03-10 15:24'), respondBy: at('2025-03-10 16:00'), respondRedAt: at('2025-03-11 10:30'),
    resolveWarnAt: at('2025-03-12 15:48'), resolveBy: at('2025-03-13 11:30'), resolveRedAt: at('2025-03-18 11:30'),
  };
  const base: CaseRecord = {
    id: 7, status: 'filed', version: 3, escalationLevel: 'grid', parkedFrom: null, parkReason: null, parkReviewDate: null,
    voidReason: null, duplicateOf: null, teamId: null, departmentCode: null, reworkCount: 0, signBy: null, returnCount: 0,
    returnedBy: null, returnReason: null, helperDepartments: [], fixedOnSpot: false, light: 'green', nextLightAt: null, supervised: false, clocks: CLOCKS,
    stamps: { filedAt: at('2025-03-10 11:40') }, updatedAt: at('2025-03-10 11:40'),
  };
  const T1 = at('2025-03-10 12:00');
  const SIGN_BY = at('2025-03-10 15:30');

  function run(r: CaseRecord, cmd: Parameters<typeof decideCaseAction>[1], role: Parameters<typeof decideCaseAction>[2]): CaseRecord {
    const d = decideCaseAction(r, cmd, role, T1);
    if (!d.ok) throw new Error(`${cmd.action} refused: ${d.reason}`);
    return d.after;
  }

  it('a dispatch to a department carries its deadline; a team gets none', () => {
    expect(run(base, { action: 'dispatch', departmentCode: 'CGJ', signBy: SIGN_BY }, 'dispatcher')).toMatchObject({ status: 'dispatched', departmentCode: 'CGJ', signBy: SIGN_BY });
    expect(run(base, { action: 'dispatch', teamId: 4, signBy: SIGN_BY }, 'dispatcher')).toMatchObject({ teamId: 4, signBy: null });
  });

  it('return → reject keeps the deadline and the clocks; return → approve takes the department off', () => {
    const sent = run(base, { action: 'dispatch', departmentCode: 'CGJ', signBy: SIGN_BY }, 'dispatcher');
    const back = run(sent, { action: 'return', reason: '非本部门职责' }, 'handler');
    expect(back).toMatchObject({ status: 'returned', returnCount: 1, returnedBy: 'CGJ', returnReason: '非本部门职责', departmentCode: 'CGJ', signBy: SIGN_BY });
    const rejected = run(back, { action: 'reject_return', reason: '属本部门职责' }, 'dispatcher');
    expect(rejected).toMatchObject({ status: 'dispatched', departmentCode: 'CGJ', signBy: SIGN_BY, clocks: CLOCKS, returnCount: 1 });
    const approved = run(back, { action: 'approve_return' }, 'dispatcher');
    expect(approved).toMatchObject({ status: 'filed', departmentCode: null, teamId: null, signBy: null, returnedBy: 'CGJ', clocks: CLOCKS });
    // the light keeps running while the centre decides
    expect(back.light).toBe('green');
  });
});
