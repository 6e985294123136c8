import { describe, expect, it } from 'vitest';
import {
  CASE_ACTIONS,
  CASE_STATES,
  ROLES,
  allowedActions,
  escalationIndex,
  escalationLevelAt,
  transition,
  type CaseAction,
  type CaseState,
  type Role,
  type TransitionContext,
} from '../src/domain/index.ts';

/** Everything any action could ask for: only the state decides below. */
const FULL: TransitionContext = {
  escalationLevel: 'zone',
  parkedFrom: 'in_progress',
  reason: '现场核实',
  duplicateOf: 'HD20261126-000001',
  reviewDate: '2026-12-31',
  assignee: 'TEAM-07',
  atIntake: true,
};

// Columns in this order; '·' = illegal in that state; '=' = allowed, state unchanged.
const COLUMNS: readonly CaseAction[] = [
  'file', 'dispatch', 'accept', 'handle', 'verify_pass', 'verify_fail', 'close',
  'void', 'park', 'unpark', 'escalate', 'hand_down', 'reassign', 'fix_on_spot', 'reopen',
  'return', 'approve_return', 'reject_return', 'add_helper',
];

// prettier-ignore
const MATRIX: Record<CaseState, readonly string[]> = {
  //            file     dispatch      accept         handle     verify_pass verify_fail    close     void    park      unpark         escalate hand_down reassign fix_on_spot reopen        return      approve_return reject_return add_helper
  reported:    ['filed', '·',          '·',           '·',       '·',        '·',           '·',      'void', '·',      '·',           '=',     '=',      '·', 'closed', '·',           '·',        '·',      '·', '·'],
  filed:       ['·',     'dispatched', '·',           '·',       '·',        '·',           '·',      'void', 'parked', '·',           '=',     '=',      '·', '·',      '·',           '·',        '·',      '·', '·'],
  dispatched:  ['·',     '·',          'in_progress', '·',       '·',        '·',           '·',      'void', 'parked', '·',           '=',     '=',      '=', '·',      '·',           'returned', '·',      '·', '='],
  returned:    ['·',     '·',          '·',           '·',       '·',        '·',           '·',      'void', '·',      '·',           '·',     '·',      '·', '·',      '·',           '·',        'filed',  'dispatched', '·'],
  in_progress: ['·',     '·',          '·',           'handled', '·',        '·',           '·',      '·',    'parked', '·',           '=',     '=',      '=', '·',      '·',           '·',        '·',      '·', '='],
  handled:     ['·',     '·',          '·',           '·',       'verified', 'in_progress', '·',      '·',    '·',      '·',           '·',     '·',      '·', '·',      '·',           '·',        '·',      '·', '·'],
  verified:    ['·',     '·',          '·',           '·',       '·',        '·',           'closed', '·',    '·',      '·',           '·',     '·',      '·', '·',      '·',           '·',        '·',      '·', '·'],
  closed:      ['·',     '·',          '·',           '·',       '·',        '·',           '·',      '·',    '·',      '·',           '·',     '·',      '·', '·',      'in_progress', '·',        '·',      '·', '·'],
  void:        ['·',     '·',          '·',           '·',       '·',        '·',           '·',      '·',    '·',      '·',           '·',     '·',      '·', '·',      '·',           '·',        '·',      '·', '·'],
  parked:      ['·',     '·',          '·',           '·',       '·',        '·',           '·',      '·',    '·',      'in_progress', '·',     '·',      '·', '·',      '·',           '·',        '·',      '·', '·'],
};

function expectedFor(state: CaseState, action: CaseAction): string {
  const cell = MATRIX[state][COLUMNS.indexOf(action)];
  if (cell === undefined) throw new Error(`matrix has no cell for ${state} × ${action}`);
  return cell === '=' ? state : cell;
}

const PAIRS = CASE_STATES.flatMap((s) => CASE_ACTIONS.map((a) => [s, a, expectedFor(s, a)] as const));

describe('state × action matrix (admin, all fields given)', () => {
  it('covers every state and every action', () => {
    expect(PAIRS).toHaveLength(CASE_STATES.length * CASE_ACTIONS.length);
    expect([...COLUMNS].sort()).toEqual([...CASE_ACTIONS].sort());
    expect(Object.keys(MATRIX).sort()).toEqual([...CASE_STATES].sort());
  });

  it.each(PAIRS)('%s × %s → %s', (state, action, expected) => {
    const r = transition(state, action, 'admin', FULL);
    if (expected === '·') {
      expect(r).toMatchObject({ ok: false, reason: 'illegal_state' });
      if (!r.ok) expect(r.allowed).not.toContain(action);
    } else {
      expect(r).toMatchObject({ ok: true, from: state, to: expected });
    }
  });

  it.each(CASE_STATES)('allowedActions(%s, admin) lists exactly the legal cells', (state) => {
    const legal = COLUMNS.filter((a) => expectedFor(state, a) !== '·');
    expect(allowedActions(state, 'admin', FULL)).toEqual(CASE_ACTIONS.filter((a) => legal.includes(a)));
  });
});

// Which role may take which action ('x' = may).
// prettier-ignore
const ROLE_MATRIX: Record<Role, string> = {
  //           file dispatch accept handle v_pass v_fail close void park unpark escalate hand_down reassign fix reopen return approve_r reject_r helper
  admin:      'x    x        x      x      x      x      x     x    x    x      x        x         x    x   x      x      x         x        x',
  dispatcher: 'x    x        .      .      .      .      x     x    x    x      x        x         x    .   x      .      x         x        x',
  handler:    '.    .        x      x      .      .      .     .    .    .      x        .         .    .   .      x      .         .        .',
  worker:     '.    .        .      .      x      x      .     .    .    .      .        .         .    x   .      .      .         .        .',
  leader:     '.    .        .      .      .      .      .     .    .    .      .        .         .    .   .      .      .         .        .',
  wall:       '.    .        .      .      .      .      .     .    .    .      .        .         .    .   .      .      .         .        .',
  public:     '.    .        .      .      .      .      .     .    .    .      .        .         .    .   x      .      .         .        .',
};

/** A state in which the action is legal, to test the role alone. */
function legalStateFor(action: CaseAction): CaseState {
  const s = CASE_STATES.find((st) => expectedFor(st, action) !== '·');
  if (s === undefined) throw new Error(`no state allows ${action}`);
  return s;
}

const ROLE_CASES = ROLES.flatMap((role) => {
  const cells = ROLE_MATRIX[role].split(/\s+/);
  return COLUMNS.map((action, i) => [role, action, cells[i] === 'x'] as const);
});

describe('fix_on_spot (举手之劳)', () => {
  it('is part of a report only: never a later action on a case', () => {
    const { atIntake: _omit, ...later } = FULL;
    expect(transition('reported', 'fix_on_spot', 'worker', later)).toMatchObject({ ok: false, reason: 'illegal_state' });
    expect(allowedActions('reported', 'worker', later)).not.toContain('fix_on_spot');
    const r = transition('reported', 'fix_on_spot', 'worker', FULL);
    expect(r).toMatchObject({ ok: true, to: 'closed' });
    if (r.ok) {
      expect(r.effects.filter((e) => e.type === 'stamp').map((e) => (e as { field: string }).field)).toEqual(['filedAt', 'respondedAt', 'handledAt', 'verifiedAt', 'closedAt']);
      expect(r.effects).toContainEqual({ type: 'fixed_on_spot' });
    }
  });
});

describe('roles', () => {
  it('the role matrix has a cell for every role and action', () => {
    for (const role of ROLES) expect(ROLE_MATRIX[role].split(/\s+/)).toHaveLength(COLUMNS.length);
  });

  it.each(ROLE_CASES)('%s × %s → may: %s', (role, action, may) => {
    const state = legalStateFor(action);
    const r = transition(state, action, role, FULL);
    if (may) {
      expect(r.ok).toBe(true);
    } else {
      expect(r).toMatchObject({ ok: false, reason: 'forbidden_role' });
    }
    expect(allowedActions(state, role, FULL).includes(action)).toBe(may);
  });

  it.each([
    ['reported', 'dispatcher', ['file', 'void', 'escalate', 'hand_down']],
    ['dispatched', 'dispatcher', ['void', 'park', 'escalate', 'hand_down', 'reassign', 'add_helper']],
    ['dispatched', 'handler', ['accept', 'escalate', 'return']],
    ['returned', 'dispatcher', ['void', 'approve_return', 'reject_return']],
    ['returned', 'handler', []],
    ['in_progress', 'handler', ['handle', 'escalate']],
    ['handled', 'worker', ['verify_pass', 'verify_fail']],
    ['handled', 'dispatcher', []],
    ['verified', 'dispatcher', ['close']],
    ['in_progress', 'leader', []],
    ['reported', 'public', []],
    ['parked', 'dispatcher', ['unpark']],
    ['closed', 'admin', ['reopen']],
    ['closed', 'public', ['reopen']],
    ['closed', 'dispatcher', ['reopen']],
    ['void', 'admin', []],
  ] as const)('allowedActions(%s, %s) = %j', (state, role, expected) => {
    expect(allowedActions(state, role, FULL)).toEqual(expected);
  });

  it('a refusal for the role lists what the role may do instead', () => {
    expect(transition('dispatched', 'dispatch', 'handler', FULL)).toEqual({
      ok: false,
      reason: 'illegal_state',
      allowed: ['accept', 'escalate', 'return'],
    });
    expect(transition('in_progress', 'reassign', 'handler', FULL)).toEqual({
      ok: false,
      reason: 'forbidden_role',
      allowed: ['handle', 'escalate'],
    });
    expect(transition('handled', 'verify_pass', 'leader', FULL)).toEqual({
      ok: false,
      reason: 'forbidden_role',
      allowed: [],
    });
  });
});

describe('required fields', () => {
  it.each([
    ['filed', 'dispatch', {}, ['assignee']],
    ['filed', 'dispatch', { assignee: '   ' }, ['assignee']],
    ['in_progress', 'reassign', {}, ['assignee']],
    ['reported', 'void', {}, ['reason']],
    ['reported', 'void', { reason: ' ' }, ['reason']],
    ['filed', 'park', {}, ['reason', 'reviewDate']],
    ['filed', 'park', { reason: '需专项资金' }, ['reviewDate']],
    ['filed', 'park', { reason: '需专项资金', reviewDate: '2026-13-01' }, ['reviewDate']],
    ['filed', 'park', { reviewDate: '2026-12-31' }, ['reason']],
    ['filed', 'escalate', {}, ['reason']],
    ['handled', 'verify_fail', {}, ['reason']],
    ['dispatched', 'return', {}, ['reason']],
    ['dispatched', 'return', { reason: '  ' }, ['reason']],
    ['returned', 'reject_return', {}, ['reason']],
    ['in_progress', 'add_helper', {}, ['assignee']],
  ] as const)('%s × %s with %j is missing %j', (state, action, ctx, missing) => {
    expect(transition(state, action, 'admin', ctx)).toMatchObject({ ok: false, reason: 'missing_field', missing });
  });

  it.each([
    ['reported', 'file'],
    ['dispatched', 'accept'],
    ['in_progress', 'handle'],
    ['handled', 'verify_pass'],
    ['verified', 'close'],
    ['parked', 'unpark'],
    ['returned', 'approve_return'],
    ['street', 'hand_down'],
  ] as const)('%s × %s needs nothing else', (stateOrLevel, action) => {
    const state: CaseState = stateOrLevel === 'street' ? 'filed' : stateOrLevel;
    const ctx: TransitionContext = stateOrLevel === 'street' ? { escalationLevel: 'street' } : {};
    expect(transition(state, action, 'admin', ctx).ok).toBe(true);
  });

  it('the state is checked before the role, the role before the fields', () => {
    expect(transition('closed', 'void', 'public', {})).toMatchObject({ reason: 'illegal_state' });
    expect(transition('reported', 'void', 'public', {})).toMatchObject({ reason: 'forbidden_role' });
    expect(transition('reported', 'void', 'dispatcher', {})).toMatchObject({ reason: 'missing_field' });
  });
});

describe('escalation ladder grid → zone → street → district', () => {
  it.each([
    ['escalate', 'grid', 'zone'],
    ['escalate', 'zone', 'street'],
    ['escalate', 'street', 'district'],
    ['escalate', 'district', null],
    ['hand_down', 'district', 'street'],
    ['hand_down', 'street', 'zone'],
    ['hand_down', 'zone', 'grid'],
    ['hand_down', 'grid', null],
  ] as const)('%s from %s → %s', (action, from, to) => {
    const r = transition('in_progress', action, 'dispatcher', { escalationLevel: from, reason: '超出处置权限' });
    if (to === null) {
      expect(r).toMatchObject({ ok: false, reason: 'illegal_state' });
      expect(allowedActions('in_progress', 'dispatcher', { escalationLevel: from })).not.toContain(action);
    } else {
      expect(r).toMatchObject({ ok: true, from: 'in_progress', to: 'in_progress' });
      if (r.ok) expect(r.effects).toContainEqual({ type: 'set_escalation_level', from, to });
    }
  });

  it.each([
    ['grid', 0],
    ['zone', 1],
    ['street', 2],
    ['district', 3],
  ] as const)('%s is stored as %s', (level, index) => {
    expect(escalationIndex(level)).toBe(index);
    expect(escalationLevelAt(index)).toBe(level);
  });

  it.each([-1, 4, 1.5])('no level is stored as %s', (index) => {
    expect(escalationLevelAt(index)).toBeNull();
  });

  it('a case without a level starts at grid', () => {
    const r = transition('reported', 'escalate', 'handler', { reason: '涉及多部门' });
    expect(r.ok && r.effects[0]).toEqual({ type: 'set_escalation_level', from: 'grid', to: 'zone' });
    expect(transition('reported', 'hand_down', 'dispatcher', {})).toMatchObject({ ok: false, reason: 'illegal_state' });
  });
});

describe('side paths and effects', () => {
  it.each([
    ['in_progress', 'in_progress'],
    ['dispatched', 'filed'],
    ['filed', 'filed'],
    [null, 'filed'],
    [undefined, 'filed'],
  ] as const)('unpark a case parked from %s → %s', (parkedFrom, to) => {
    const ctx: TransitionContext = parkedFrom === undefined ? {} : { parkedFrom };
    expect(transition('parked', 'unpark', 'dispatcher', ctx)).toMatchObject({ ok: true, to });
  });

  it('parking a dispatched case records where it came from and releases the team', () => {
    const r = transition('dispatched', 'park', 'dispatcher', { reason: '待拆迁统一处理', reviewDate: '2027-03-01' });
    expect(r).toEqual({
      ok: true,
      from: 'dispatched',
      to: 'parked',
      effects: [
        { type: 'park', from: 'dispatched', reviewDate: '2027-03-01' },
        { type: 'record_reason', action: 'park', reason: '待拆迁统一处理' },
        { type: 'clear_assignee' },
      ],
    });
  });

  it('parking a case in progress keeps its team', () => {
    const r = transition('in_progress', 'park', 'dispatcher', { reason: '需专项资金', reviewDate: '2027-03-01' });
    expect(r.ok && r.effects).not.toContainEqual({ type: 'clear_assignee' });
  });

  it('a failed verification sends the case back for rework and counts it', () => {
    const r = transition('handled', 'verify_fail', 'worker', { reason: '垃圾未清运干净' });
    expect(r).toEqual({
      ok: true,
      from: 'handled',
      to: 'in_progress',
      effects: [{ type: 'rework' }, { type: 'record_reason', action: 'verify_fail', reason: '垃圾未清运干净' }],
    });
  });

  it.each([
    ['file', 'reported', 'filedAt'],
    ['dispatch', 'filed', 'dispatchedAt'],
    ['accept', 'dispatched', 'respondedAt'],
    ['handle', 'in_progress', 'handledAt'],
    ['verify_pass', 'handled', 'verifiedAt'],
    ['close', 'verified', 'closedAt'],
    ['void', 'reported', 'voidedAt'],
  ] as const)('%s (from %s) stamps %s', (action, state, field) => {
    const r = transition(state, action, 'admin', FULL);
    expect(r.ok && r.effects).toContainEqual({ type: 'stamp', field });
  });

  it('voiding a duplicate records the original; a plain void does not', () => {
    const dup = transition('reported', 'void', 'dispatcher', { reason: '重复上报', duplicateOf: 'HD20261126-000042' });
    expect(dup.ok && dup.effects).toContainEqual({ type: 'mark_duplicate', of: 'HD20261126-000042' });
    const plain = transition('reported', 'void', 'dispatcher', { reason: '无效信息' });
    expect(plain.ok && plain.effects.some((e) => e.type === 'mark_duplicate')).toBe(false);
  });

  it('dispatch and reassign set the assignee', () => {
    const d = transition('filed', 'dispatch', 'dispatcher', { assignee: ' TEAM-03 ' });
    expect(d.ok && d.effects).toContainEqual({ type: 'set_assignee', assignee: 'TEAM-03' });
    const r = transition('in_progress', 'reassign', 'dispatcher', { assignee: 'TEAM-09' });
    expect(r).toMatchObject({ ok: true, to: 'in_progress' });
    expect(r.ok && r.effects).toContainEqual({ type: 'set_assignee', assignee: 'TEAM-09' });
  });

  it('a whole closed loop, step by step, with the realistic roles', () => {
    const steps: [CaseAction, Role, TransitionContext][] = [
      ['file', 'dispatcher', {}],
      ['dispatch', 'dispatcher', { assignee: 'TEAM-01' }],
      ['accept', 'handler', {}],
      ['handle', 'handler', {}],
      ['verify_fail', 'worker', { reason: '仍有积存垃圾' }],
      ['handle', 'handler', {}],
      ['verify_pass', 'worker', {}],
      ['close', 'dispatcher', {}],
    ];
    let state: CaseState = 'reported';
    const visited: CaseState[] = [state];
    for (const [action, role, ctx] of steps) {
      const r = transition(state, action, role, ctx);
      if (!r.ok) throw new Error(`${action} by ${role} in ${state} refused: ${r.reason}`);
      state = r.to;
      visited.push(state);
    }
    expect(visited).toEqual([
      'reported', 'filed', 'dispatched', 'in_progress', 'handled', 'in_progress', 'handled', 'verified', 'closed',
    ]);
  });
});
