import { describe, expect, it } from 'vitest';
import { cstDate } from '../src/domain/china-time.ts';
import { decideCaseAction, type CaseRecord } from '../src/domain/case-decide.ts';

const at = (s: string) => cstDate(s.slice(0, 10), s.slice(11, 16) || '00:00');
const CLOCKS = {
  respondWarnAt: at('2025-03-10 15:24'), respondBy: at('2025-03-10 16:00'), respondRedAt: at('2025-03-11 10:30'),
  resolveWarnAt: at('2025-03-12 15:48'), resolveBy: at('2025-03-13 11:30'), resolveRedAt: at('2025-03-18 11:30'),
};
const led: CaseRecord = {
  id: 9, status: 'in_progress', version: 5, escalationLevel: 'street', parkedFrom: null, parkReason: null, parkReviewDate: null,
  voidReason: null, duplicateOf: null, teamId: null, departmentCode: 'CGJ', reworkCount: 0, signBy: null, returnCount: 0,
  returnedBy: null, returnReason: null, helperDepartments: [], fixedOnSpot: false, light: 'green', nextLightAt: null,
  supervised: false, clocks: CLOCKS, stamps: { respondedAt: at('2025-03-10 12:10') }, updatedAt: at('2025-03-10 12:10'),
};
const NOW = at('2025-03-10 14:00');

describe('first-receiver leads (首接负责): one lead, helping departments (协办)', () => {
  it.each([
    ['a helper joins; state, lead and clocks stay', led, 'SJJ', { ok: true, helpers: ['SJJ'] }],
    ['a second helper', { ...led, helperDepartments: ['SJJ'] }, 'GAJ', { ok: true, helpers: ['SJJ', 'GAJ'] }],
    ['the lead cannot help on its own case', led, 'CGJ', { ok: false, code: 'HELPER_IS_LEAD' }],
    ['a helper cannot join twice', { ...led, helperDepartments: ['SJJ'] }, 'SJJ', { ok: false, code: 'HELPER_EXISTS' }],
  ] as const)('%s', (_l, rec, department, want) => {
    const d = decideCaseAction(rec as CaseRecord, { action: 'add_helper', departmentCode: department }, 'dispatcher', NOW);
    if (want.ok) {
      expect(d.ok).toBe(true);
      if (d.ok) expect(d.after).toMatchObject({ status: rec.status, departmentCode: 'CGJ', helperDepartments: want.helpers, clocks: CLOCKS, version: rec.version + 1 });
    } else {
      expect(d).toMatchObject({ ok: false, reason: 'invalid', code: want.code });
    }
  });

  it('needs a department, and is the centre’s (not a handler’s) to take', () => {
    expect(decideCaseAction(led, { action: 'add_helper' }, 'dispatcher', NOW)).toMatchObject({ ok: false, reason: 'missing_field' });
    expect(decideCaseAction(led, { action: 'add_helper', departmentCode: 'SJJ' }, 'handler', NOW)).toMatchObject({ ok: false, reason: 'forbidden_role' });
    expect(decideCaseAction({ ...led, status: 'handled' }, { action: 'add_helper', departmentCode: 'SJJ' }, 'dispatcher', NOW)).toMatchObject({ ok: false, reason: 'illegal_state' });
  });
});
