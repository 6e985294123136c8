import { describe, expect, it } from 'vitest';
import { ESCALATION_LEVELS } from '../src/domain/case-state.ts';
import {
  MANAGED_ROLES,
  UNIT_KINDS,
  endsSessions,
  levelOfUnitKind,
  rolesForUnitKind,
  unitKindLabel,
  unitKindOfLevel,
  validateAccount,
  type AccountDraft,
  type UnitKind,
} from '../src/domain/index.ts';

describe('roles per unit kind', () => {
  it.each([
    ['district', ['admin', 'leader', 'dispatcher']],
    ['street', ['leader', 'dispatcher']],
    ['zone', ['leader', 'dispatcher']],
    ['community', ['leader', 'dispatcher', 'worker']],
    ['department', ['leader', 'handler']],
  ] as [UnitKind, string[]][])('%s holds %j', (kind, roles) => {
    expect(rolesForUnitKind(kind)).toEqual(roles);
  });

  it('every managed role is held by some kind; wall and public by none', () => {
    const held = new Set(UNIT_KINDS.flatMap((k) => rolesForUnitKind(k)));
    expect([...held].sort()).toEqual([...MANAGED_ROLES].sort());
    expect(held.has('wall' as never)).toBe(false);
    expect(held.has('public' as never)).toBe(false);
  });
});

describe('escalation level of a unit kind', () => {
  it.each([
    ['community', 'grid'],
    ['zone', 'zone'],
    ['street', 'street'],
    ['district', 'district'],
    ['department', null],
  ] as [UnitKind, string | null][])('%s answers for %s', (kind, level) => {
    expect(levelOfUnitKind(kind)).toBe(level);
  });

  it('is inverted by unitKindOfLevel for every level', () => {
    for (const level of ESCALATION_LEVELS) expect(levelOfUnitKind(unitKindOfLevel(level))).toBe(level);
  });
});

describe('labels', () => {
  it.each([
    ['district', '区指挥中心', 'District centre'],
    ['street', '街道/镇', 'Street / town'],
    ['zone', '管区', 'Management zone'],
    ['community', '社区/村', 'Community / village'],
    ['department', '职能部门', 'Department'],
  ] as [UnitKind, string, string][])('%s: %s / %s', (kind, zh, en) => {
    expect(unitKindLabel(kind, 'zh-CN')).toBe(zh);
    expect(unitKindLabel(kind)).toBe(zh);
    expect(unitKindLabel(kind, 'en')).toBe(en);
  });
});

describe('validateAccount', () => {
  const GRIDS = ['110101001001001', '110101001001002'];
  const base: AccountDraft = { username: 'li.ming', role: 'dispatcher', unitKind: 'zone', gridCodes: [], password: 'long-enough-1' };
  const codes = (d: Partial<AccountDraft>, grids: readonly string[] = GRIDS) => validateAccount({ ...base, ...d }, grids).map((i) => i.code);

  it.each([
    ['a valid zone dispatcher', {}, []],
    ['a valid community worker', { role: 'worker', unitKind: 'community', gridCodes: [GRIDS[0]!] }, []],
    ['an edit without username and password', { username: undefined, password: undefined }, []],
    ['upper case username', { username: 'LiMing' }, ['BAD_USERNAME']],
    ['one-letter username', { username: 'l' }, ['BAD_USERNAME']],
    ['41-letter username', { username: 'a'.repeat(41) }, ['BAD_USERNAME']],
    ['username with a space', { username: 'li ming' }, ['BAD_USERNAME']],
    ['40-letter username', { username: 'a'.repeat(40) }, []],
    ['worker in a zone', { role: 'worker' as const, gridCodes: [GRIDS[0]!] }, ['ROLE_NOT_ALLOWED']],
    ['admin in a street', { role: 'admin', unitKind: 'street' }, ['ROLE_NOT_ALLOWED']],
    ['handler in a community', { role: 'handler', unitKind: 'community' }, ['ROLE_NOT_ALLOWED']],
    ['dispatcher in a department', { role: 'dispatcher', unitKind: 'department' }, ['ROLE_NOT_ALLOWED']],
    ['handler in a department', { role: 'handler', unitKind: 'department' }, []],
    ['wall anywhere', { role: 'wall', unitKind: 'district' }, ['ROLE_NOT_ALLOWED']],
    ['worker without grids', { role: 'worker', unitKind: 'community' }, ['GRIDS_REQUIRED']],
    ['worker with a grid elsewhere', { role: 'worker', unitKind: 'community', gridCodes: ['110101009009009'] }, ['GRID_OUTSIDE_UNIT']],
    ['dispatcher with grids', { gridCodes: [GRIDS[0]!] }, ['GRIDS_NOT_ALLOWED']],
    ['9-character password', { password: '123456789' }, ['PASSWORD_TOO_SHORT']],
    ['10-character password', { password: '1234567890' }, []],
    ['10 Chinese characters', { password: '一二三四五六七八九十' }, []],
    ['201-character password', { password: 'x'.repeat(201) }, ['PASSWORD_TOO_LONG']],
    ['everything wrong', { username: '', role: 'worker', gridCodes: [], password: 'x' }, ['BAD_USERNAME', 'ROLE_NOT_ALLOWED', 'GRIDS_REQUIRED', 'PASSWORD_TOO_SHORT']],
  ] as [string, Partial<AccountDraft>, string[]][])('%s', (_name, d, expected) => {
    expect(codes(d)).toEqual(expected);
  });

  it('names the grids outside the unit and the allowed roles', () => {
    const [grid] = validateAccount({ ...base, role: 'worker', unitKind: 'community', gridCodes: ['110101009009009'] }, GRIDS);
    expect(grid).toMatchObject({ field: 'gridCodes', message: expect.stringContaining('110101009009009') });
    const [role] = validateAccount({ ...base, role: 'admin' }, GRIDS);
    expect(role).toMatchObject({ field: 'role', message: expect.stringContaining('leader, dispatcher') });
  });
});

describe('endsSessions', () => {
  it.each([
    [{ active: false, roleChanged: false, unitChanged: false, passwordChanged: false }, true],
    [{ active: true, roleChanged: false, unitChanged: false, passwordChanged: false }, false],
    [{ roleChanged: true, unitChanged: false, passwordChanged: false }, true],
    [{ roleChanged: false, unitChanged: true, passwordChanged: false }, true],
    [{ roleChanged: false, unitChanged: false, passwordChanged: true }, true],
    [{ roleChanged: false, unitChanged: false, passwordChanged: false }, false],
  ])('%j → %s', (change, ends) => {
    expect(endsSessions(change)).toBe(ends);
  });
});
