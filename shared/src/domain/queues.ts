/**
 * The queues of the organisation's units (docs/units.md): which cases a unit holds, signs for, handles, verifies
 * and adjudicates, and which it escalated and still sees. "小事不出村(居)、大事不出镇(街)、难事不出区": a case is held
 * by its community at grid level, by its management zone, its street or the district once escalated that far
 * (`holderOf`, the same rule as the stored column `cases.holder_code`); escalation and hand-down move it between the
 * queues. A department's queue is what is dispatched to it.
 *
 * The server builds each tab's SQL from the same definitions (server/src/modules/queues/repository.ts) and a test
 * compares the two on a seeded set of cases.
 */
import { ESCALATION_LEVELS, type CaseState, type EscalationLevel } from './case-state.ts';
import { levelOfUnitKind, type UnitKind } from './units.ts';

export type AreaUnitKind = Exclude<UnitKind, 'department'>;

export interface UnitRef {
  kind: UnitKind;
  code: string;
}

/** The facts of a case the queues read. */
export interface QueueCase {
  status: CaseState;
  escalationLevel: EscalationLevel;
  communityCode: string;
  zoneCode: string;
  streetCode: string;
  departmentCode: string | null;
  returnedBy: string | null;
  /** helping departments (协办) */
  helperDepartments: readonly string[];
}

export const QUEUE_TABS = ['holding', 'returns', 'to_verify', 'to_close', 'escalated_up', 'to_sign', 'handling', 'assisting', 'returned_by_us'] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];

/** The states a holder works on (本级待办): not yet handled, not waiting for the centre's decision on a return. */
export const HOLDING_STATES: readonly CaseState[] = ['reported', 'filed', 'dispatched', 'in_progress'];
/** The states in which a helping department (协办) has the case in its queue. */
export const ASSISTED_STATES: readonly CaseState[] = ['dispatched', 'in_progress'];
/** The states in which a case escalated above a unit is still followed by it (已上报). */
export const FOLLOWED_STATES: readonly CaseState[] = ['reported', 'filed', 'dispatched', 'returned', 'in_progress', 'handled', 'verified'];

const AREA_TABS: readonly QueueTab[] = ['holding', 'returns', 'to_verify', 'to_close', 'escalated_up'];
const DEPARTMENT_TABS: readonly QueueTab[] = ['to_sign', 'handling', 'assisting', 'returned_by_us'];

/** The tabs of a unit's queue page, in order. The district holds the top of the ladder: nothing is above it. */
export function queueTabsFor(kind: UnitKind): readonly QueueTab[] {
  if (kind === 'department') return DEPARTMENT_TABS;
  return kind === 'district' ? AREA_TABS.filter((t) => t !== 'escalated_up') : AREA_TABS;
}

/** The district code: the first six digits of every area code below it. */
const districtOf = (areaCode: string): string => areaCode.slice(0, 6);

/** The unit that holds a case at its escalation level (cases.holder_code). */
export function holderOf(c: Pick<QueueCase, 'escalationLevel' | 'communityCode' | 'zoneCode' | 'streetCode'>): string {
  switch (c.escalationLevel) {
    case 'grid':
      return c.communityCode;
    case 'zone':
      return c.zoneCode;
    case 'street':
      return c.streetCode;
    case 'district':
      return districtOf(c.streetCode);
  }
}

/** The case column an area unit's scope reads; null for the district (everything) and departments. */
export function areaColumnOf(kind: UnitKind): 'street_code' | 'zone_code' | 'community_code' | null {
  if (kind === 'street') return 'street_code';
  if (kind === 'zone') return 'zone_code';
  if (kind === 'community') return 'community_code';
  return null;
}

/** Does the unit's area contain the case? (A department contains none; the district all.) */
export function unitContains(unit: UnitRef, c: Pick<QueueCase, 'communityCode' | 'zoneCode' | 'streetCode'>): boolean {
  switch (unit.kind) {
    case 'district':
      return districtOf(c.streetCode) === unit.code;
    case 'street':
      return c.streetCode === unit.code;
    case 'zone':
      return c.zoneCode === unit.code;
    case 'community':
      return c.communityCode === unit.code;
    case 'department':
      return false;
  }
}

/** Is the case in this tab of this unit's queue? */
export function inQueueTab(tab: QueueTab, unit: UnitRef, c: QueueCase): boolean {
  const holds = unit.kind !== 'department' && holderOf(c) === unit.code;
  const ours = unit.kind === 'department' && c.departmentCode === unit.code;
  switch (tab) {
    case 'holding':
      return holds && HOLDING_STATES.includes(c.status);
    case 'returns':
      // the holder decides on a return; the district centre may decide on any in the district
      return c.status === 'returned' && (holds || (unit.kind === 'district' && unitContains(unit, c)));
    case 'to_verify':
      return holds && c.status === 'handled';
    case 'to_close':
      return holds && c.status === 'verified';
    case 'escalated_up': {
      const level = levelOfUnitKind(unit.kind);
      if (level === null || unit.kind === 'district') return false;
      return (
        unitContains(unit, c) &&
        ESCALATION_LEVELS.indexOf(c.escalationLevel) > ESCALATION_LEVELS.indexOf(level) &&
        FOLLOWED_STATES.includes(c.status)
      );
    }
    case 'to_sign':
      return ours && c.status === 'dispatched';
    case 'handling':
      return ours && c.status === 'in_progress';
    case 'assisting':
      // helping another department's case (协办) while it is worked
      return unit.kind === 'department' && c.helperDepartments.includes(unit.code) && ASSISTED_STATES.includes(c.status);
    case 'returned_by_us':
      return unit.kind === 'department' && c.returnedBy === unit.code && c.status === 'returned';
  }
}

/**
 * May an account of this unit act on a case held by `holderCode`? The district centre (and accounts without a unit)
 * act on every case; a street, zone or community acts on the cases it holds — it still sees the ones it escalated,
 * but the level above works them now. Departments act on what is dispatched to them (their scope decides).
 */
export function actsOnHeldCase(unit: UnitRef | null, holderCode: string): boolean {
  if (unit === null || unit.kind === 'district' || unit.kind === 'department') return true;
  return holderCode === unit.code;
}
