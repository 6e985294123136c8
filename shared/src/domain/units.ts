/**
 * Organisation units (单位) and the accounts that belong to them (docs/units.md). A unit is an area of the district,
 * street (街道/镇), management-zone (管区) or community (社区/村) level, or a department (城管局, 市场监管局 …). An account's
 * role is scoped to its unit's area or department; which roles a unit may hold, the escalation level it answers for
 * and the checks of a new or edited account live here, for the server and the page alike.
 */
import type { EscalationLevel } from './case-state.ts';

export const UNIT_KINDS = ['district', 'street', 'zone', 'community', 'department'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** The roles an admin manages in the accounts page (wall and public accounts have their own scope, and are not). */
export const MANAGED_ROLES = ['admin', 'leader', 'dispatcher', 'handler', 'worker'] as const;
export type ManagedRole = (typeof MANAGED_ROLES)[number];

const ROLES_OF_KIND: Record<UnitKind, readonly ManagedRole[]> = {
  district: ['admin', 'leader', 'dispatcher'],
  street: ['leader', 'dispatcher'],
  zone: ['leader', 'dispatcher'],
  community: ['leader', 'dispatcher', 'worker'],
  department: ['leader', 'handler'],
};

export function isUnitKind(v: unknown): v is UnitKind {
  return typeof v === 'string' && (UNIT_KINDS as readonly string[]).includes(v);
}

export function isManagedRole(v: unknown): v is ManagedRole {
  return typeof v === 'string' && (MANAGED_ROLES as readonly string[]).includes(v);
}

/** The roles an account of a unit of this kind may hold, in the order a form offers them. */
export function rolesForUnitKind(kind: UnitKind): readonly ManagedRole[] {
  return ROLES_OF_KIND[kind];
}

const LEVEL_OF_KIND: Record<UnitKind, EscalationLevel | null> = {
  community: 'grid',
  zone: 'zone',
  street: 'street',
  district: 'district',
  department: null,
};

/**
 * The escalation level whose cases a unit of this kind holds: a community the grid level (小事不出村(居)), a
 * management zone its own, a street its own (大事不出镇(街)), the district centre the top (难事不出区). A department
 * answers for no level: it handles the cases dispatched to it, at any level.
 */
export function levelOfUnitKind(kind: UnitKind): EscalationLevel | null {
  return LEVEL_OF_KIND[kind];
}

/** The unit kind that holds cases at an escalation level (the inverse of levelOfUnitKind). */
export function unitKindOfLevel(level: EscalationLevel): Exclude<UnitKind, 'department'> {
  return level === 'grid' ? 'community' : level;
}

const KIND_LABELS: Record<UnitKind, { 'zh-CN': string; en: string }> = {
  district: { 'zh-CN': '区指挥中心', en: 'District centre' },
  street: { 'zh-CN': '街道/镇', en: 'Street / town' },
  zone: { 'zh-CN': '管区', en: 'Management zone' },
  community: { 'zh-CN': '社区/村', en: 'Community / village' },
  department: { 'zh-CN': '职能部门', en: 'Department' },
};

export type UnitLocale = 'zh-CN' | 'en';

export function unitKindLabel(kind: UnitKind, locale: UnitLocale = 'zh-CN'): string {
  return KIND_LABELS[kind][locale];
}

export const USERNAME_PATTERN = /^[a-z0-9_.-]{2,40}$/;
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

export type AccountField = 'username' | 'role' | 'unitCode' | 'gridCodes' | 'password';

export interface AccountIssue {
  field: AccountField;
  /** stable machine-readable code (the API's error code) */
  code: 'BAD_USERNAME' | 'ROLE_NOT_ALLOWED' | 'GRIDS_REQUIRED' | 'GRIDS_NOT_ALLOWED' | 'GRID_OUTSIDE_UNIT' | 'PASSWORD_TOO_SHORT' | 'PASSWORD_TOO_LONG';
  message: string;
}

export interface AccountDraft {
  /** checked when given (a new account; an edit keeps its username) */
  username?: string;
  role: string;
  unitKind: UnitKind;
  /** the worker's grids (other roles have none) */
  gridCodes: readonly string[];
  /** checked when given (a new account, or a new password of an edit) */
  password?: string;
}

/**
 * The problems of a new or edited account, in the order of the form's fields (empty: it may be saved).
 * `unitGrids` are the grid codes that lie in the unit's area (the caller looks them up); a worker's grids must be
 * among them, and only a worker has grids.
 */
export function validateAccount(draft: AccountDraft, unitGrids: readonly string[]): AccountIssue[] {
  const issues: AccountIssue[] = [];
  if (draft.username !== undefined && !USERNAME_PATTERN.test(draft.username)) {
    issues.push({ field: 'username', code: 'BAD_USERNAME', message: 'username must be 2 to 40 of a-z 0-9 _ . - (lower case)' });
  }
  const allowed = rolesForUnitKind(draft.unitKind);
  if (!(allowed as readonly string[]).includes(draft.role)) {
    issues.push({
      field: 'role',
      code: 'ROLE_NOT_ALLOWED',
      message: `role ${draft.role} is not held in a unit of kind ${draft.unitKind} (allowed: ${allowed.join(', ')})`,
    });
  }
  if (draft.role === 'worker') {
    if (draft.gridCodes.length === 0) issues.push({ field: 'gridCodes', code: 'GRIDS_REQUIRED', message: 'a worker needs at least one grid' });
    const inUnit = new Set(unitGrids);
    const outside = draft.gridCodes.filter((g) => !inUnit.has(g));
    if (outside.length > 0) {
      issues.push({ field: 'gridCodes', code: 'GRID_OUTSIDE_UNIT', message: `grids outside the unit's area: ${outside.slice(0, 5).join(', ')}` });
    }
  } else if (draft.gridCodes.length > 0) {
    issues.push({ field: 'gridCodes', code: 'GRIDS_NOT_ALLOWED', message: 'only a worker has grids' });
  }
  if (draft.password !== undefined) {
    if ([...draft.password].length < PASSWORD_MIN_LENGTH) {
      issues.push({ field: 'password', code: 'PASSWORD_TOO_SHORT', message: `password must have at least ${PASSWORD_MIN_LENGTH} characters` });
    } else if ([...draft.password].length > PASSWORD_MAX_LENGTH) {
      issues.push({ field: 'password', code: 'PASSWORD_TOO_LONG', message: `password must have at most ${PASSWORD_MAX_LENGTH} characters` });
    }
  }
  return issues;
}

/** Whether a change of an account ends its sessions: it is switched off, or its role, unit or password changes. */
export function endsSessions(change: { active?: boolean; roleChanged: boolean; unitChanged: boolean; passwordChanged: boolean }): boolean {
  return change.active === false || change.roleChanged || change.unitChanged || change.passwordChanged;
}
