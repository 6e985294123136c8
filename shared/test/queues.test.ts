import { describe, expect, it } from 'vitest';
import {
  QUEUE_TABS,
  actsOnHeldCase,
  areaColumnOf,
  holderOf,
  inQueueTab,
  queueTabsFor,
  unitContains,
  type CaseState,
  type EscalationLevel,
  type QueueCase,
  type QueueTab,
  type UnitRef,
} from '../src/domain/index.ts';

// one district 370102, street …001, zone …00101, communities …001001 / …001002, another street …002
const COMMUNITY: UnitRef = { kind: 'community', code: '370102001001' };
const ZONE: UnitRef = { kind: 'zone', code: '37010200101' };
const STREET: UnitRef = { kind: 'street', code: '370102001' };
const DISTRICT: UnitRef = { kind: 'district', code: '370102' };
const DEPT: UnitRef = { kind: 'department', code: 'CGJ' };

function c(status: CaseState, level: EscalationLevel = 'grid', over: Partial<QueueCase> = {}): QueueCase {
  return {
    status,
    escalationLevel: level,
    communityCode: '370102001001',
    zoneCode: '37010200101',
    streetCode: '370102001',
    departmentCode: null,
    returnedBy: null,
    helperDepartments: [],
    ...over,
  };
}

describe('holderOf: the unit that holds a case at its level (小事不出村、大事不出镇、难事不出区)', () => {
  it.each<[EscalationLevel, string]>([
    ['grid', '370102001001'],
    ['zone', '37010200101'],
    ['street', '370102001'],
    ['district', '370102'],
  ])('%s level → %s', (level, holder) => expect(holderOf(c('filed', level))).toBe(holder));
});

describe('queue tabs per unit kind', () => {
  it.each([
    ['community', ['holding', 'returns', 'to_verify', 'to_close', 'escalated_up']],
    ['zone', ['holding', 'returns', 'to_verify', 'to_close', 'escalated_up']],
    ['street', ['holding', 'returns', 'to_verify', 'to_close', 'escalated_up']],
    ['district', ['holding', 'returns', 'to_verify', 'to_close']],
    ['department', ['to_sign', 'handling', 'assisting', 'returned_by_us']],
  ] as const)('%s: %j', (kind, tabs) => expect(queueTabsFor(kind)).toEqual(tabs));
});

// which tabs of which unit a case is in
const TABLE: [string, QueueCase, Partial<Record<'community' | 'zone' | 'street' | 'district' | 'department', QueueTab[]>>][] = [
  ['a new report', c('reported'), { community: ['holding'] }],
  ['filed at grid level', c('filed'), { community: ['holding'] }],
  ['escalated to the zone', c('filed', 'zone'), { zone: ['holding'], community: ['escalated_up'] }],
  ['escalated to the street', c('in_progress', 'street'), { street: ['holding'], zone: ['escalated_up'], community: ['escalated_up'] }],
  ['escalated to the district', c('filed', 'district'), { district: ['holding'], street: ['escalated_up'], zone: ['escalated_up'], community: ['escalated_up'] }],
  ['dispatched to the department', c('dispatched', 'grid', { departmentCode: 'CGJ' }), { community: ['holding'], department: ['to_sign'] }],
  ['signed for', c('in_progress', 'grid', { departmentCode: 'CGJ' }), { community: ['holding'], department: ['handling'] }],
  ['returned by the department', c('returned', 'grid', { departmentCode: 'CGJ', returnedBy: 'CGJ' }), { community: ['returns'], district: ['returns'], department: ['returned_by_us'] }],
  ['returned, at zone level', c('returned', 'zone', { departmentCode: 'CGJ', returnedBy: 'CGJ' }), { zone: ['returns'], community: ['escalated_up'], district: ['returns'], department: ['returned_by_us'] }],
  ['handled, to verify', c('handled', 'grid', { departmentCode: 'CGJ' }), { community: ['to_verify'] }],
  ['verified, to close', c('verified', 'zone'), { zone: ['to_close'], community: ['escalated_up'] }],
  ['closed: in no queue', c('closed', 'street'), {}],
  ['void: in no queue', c('void'), {}],
  ['parked: on the long-term register, in no queue', c('parked', 'zone'), {}],
  ['another street’s case', c('filed', 'zone', { streetCode: '370102002', zoneCode: '37010200201', communityCode: '370102002001' }), {}],
  ['another department’s case', c('dispatched', 'grid', { departmentCode: 'SJJ', communityCode: '370102001002' }), {}],
  ['another department’s case we help on (协办)', c('in_progress', 'grid', { departmentCode: 'SJJ', helperDepartments: ['CGJ'] }), { community: ['holding'], department: ['assisting'] }],
  ['helped on, now handled: no longer in 协办', c('handled', 'grid', { departmentCode: 'SJJ', helperDepartments: ['CGJ'] }), { community: ['to_verify'] }],
];

describe('inQueueTab', () => {
  const units = { community: COMMUNITY, zone: ZONE, street: STREET, district: DISTRICT, department: DEPT } as const;
  it.each(TABLE)('%s', (_label, kase, expected) => {
    for (const [name, unit] of Object.entries(units) as [keyof typeof units, UnitRef][]) {
      const got = QUEUE_TABS.filter((t) => queueTabsFor(unit.kind).includes(t) && inQueueTab(t, unit, kase));
      expect(got, name).toEqual(expected[name] ?? []);
    }
  });

  it('a tab a unit does not have holds nothing', () => {
    expect(inQueueTab('to_sign', COMMUNITY, c('dispatched', 'grid', { departmentCode: '370102001001' }))).toBe(false);
    expect(inQueueTab('escalated_up', DISTRICT, c('filed', 'district'))).toBe(false);
    expect(inQueueTab('holding', DEPT, c('filed', 'grid', { departmentCode: 'CGJ' }))).toBe(false);
  });
});

describe('areas and acting', () => {
  it.each([
    [COMMUNITY, true],
    [ZONE, true],
    [STREET, true],
    [DISTRICT, true],
    [DEPT, false],
    [{ kind: 'street', code: '370102002' } as UnitRef, false],
  ] as const)('unitContains(%j)', (unit, inside) => expect(unitContains(unit, c('filed'))).toBe(inside));

  it.each([
    ['community', 'community_code'],
    ['zone', 'zone_code'],
    ['street', 'street_code'],
    ['district', null],
    ['department', null],
  ] as const)('areaColumnOf(%s) = %s', (kind, column) => expect(areaColumnOf(kind)).toBe(column));

  it.each([
    [null, '370102001001', true],
    [DISTRICT, '37010200101', true],
    [DEPT, '370102001001', true],
    [COMMUNITY, '370102001001', true],
    [COMMUNITY, '37010200101', false],
    [ZONE, '37010200101', true],
    [ZONE, '370102001', false],
    [STREET, '370102001', true],
    [STREET, '370102', false],
  ] as const)('actsOnHeldCase(%j, %s) = %s', (unit, holder, may) => expect(actsOnHeldCase(unit, holder)).toBe(may));
});
