/**
 * The names of states, priorities, lights, sources, actions, levels and team states, in Chinese (first) and
 * English: one list for every screen, export and notice, so that a case is 特急 on the wall, the desk and in
 * the register alike.
 */
import type { CaseAction, CaseSource, CaseState, EscalationLevel } from './case-state.ts';
import type { Light } from './lights.ts';
import type { Priority } from './sla.ts';
import type { TeamKind, TeamStatus } from './team-state.ts';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type Labels<K extends string> = Readonly<Record<Locale, Readonly<Record<K, string>>>>;

export const CASE_STATE_LABELS: Labels<CaseState> = {
  'zh-CN': {
    reported: '已上报',
    filed: '已立案',
    dispatched: '已派遣',
    returned: '退单待审定',
    in_progress: '处置中',
    handled: '已处置',
    verified: '已核查',
    closed: '已结案',
    void: '已作废',
    parked: '已挂账',
  },
  en: {
    reported: 'Reported',
    filed: 'Filed',
    dispatched: 'Dispatched',
    returned: 'Returned, awaiting decision',
    in_progress: 'In progress',
    handled: 'Handled',
    verified: 'Verified',
    closed: 'Closed',
    void: 'Void',
    parked: 'Parked',
  },
};

export const PRIORITY_LABELS: Labels<Priority> = {
  'zh-CN': { normal: '一般', urgent: '紧急', emergency: '特急' },
  en: { normal: 'Normal', urgent: 'Urgent', emergency: 'Emergency' },
};

export const LIGHT_LABELS: Labels<Light> = {
  'zh-CN': { none: '无', green: '绿灯', due_soon: '临期', yellow: '黄灯', red: '红灯' },
  en: { none: 'None', green: 'Green', due_soon: 'Due soon', yellow: 'Yellow', red: 'Red' },
};

export const SOURCE_LABELS: Labels<CaseSource> = {
  'zh-CN': { grid_worker: '网格员巡查', public: '群众上报', hotline: '热线', sensor: '感知设备', department: '部门移交' },
  en: { grid_worker: 'Grid worker', public: 'Public', hotline: 'Hotline', sensor: 'Sensor', department: 'Department' },
};

export const ACTION_LABELS: Labels<CaseAction> = {
  'zh-CN': {
    file: '立案',
    dispatch: '派遣',
    accept: '签收',
    handle: '处置完成',
    verify_pass: '核查通过',
    verify_fail: '核查不通过',
    close: '结案',
    void: '作废',
    park: '挂账',
    unpark: '解除挂账',
    escalate: '上报升级',
    hand_down: '下派',
    reassign: '改派',
    fix_on_spot: '举手之劳',
    reopen: '重办',
    return: '退单',
    approve_return: '同意退单',
    reject_return: '驳回退单',
    add_helper: '增加协办部门',
  },
  en: {
    file: 'File',
    dispatch: 'Dispatch',
    accept: 'Sign for',
    handle: 'Mark handled',
    verify_pass: 'Verify: pass',
    verify_fail: 'Verify: fail',
    close: 'Close',
    void: 'Void',
    park: 'Park',
    unpark: 'Unpark',
    escalate: 'Escalate',
    hand_down: 'Hand down',
    reassign: 'Reassign',
    fix_on_spot: 'Fixed on the spot',
    reopen: 'Reopen for rework',
    return: 'Return to the centre',
    approve_return: 'Accept the return',
    reject_return: 'Reject the return',
    add_helper: 'Add a helping department',
  },
};

export const ESCALATION_LABELS: Labels<EscalationLevel> = {
  'zh-CN': { grid: '网格', zone: '管区', street: '街道', district: '区' },
  en: { grid: 'Grid', zone: 'Zone', street: 'Street', district: 'District' },
};

export const TEAM_STATUS_LABELS: Labels<TeamStatus> = {
  'zh-CN': { available: '待命', en_route: '出警中', on_scene: '到场', off_duty: '休班' },
  en: { available: 'Available', en_route: 'En route', on_scene: 'On scene', off_duty: 'Off duty' },
};

export const TEAM_KIND_LABELS: Labels<TeamKind> = {
  'zh-CN': { police_patrol: '巡警', city_management: '城管', grid_team: '网格队', emergency: '应急', market_supervision: '市场监管' },
  en: { police_patrol: 'Police patrol', city_management: 'City management', grid_team: 'Grid team', emergency: 'Emergency', market_supervision: 'Market supervision' },
};

/** A label of any of the lists; the raw value when unknown. */
export function labelOf<K extends string>(labels: Labels<K>, value: string, locale: Locale = 'zh-CN'): string {
  return (labels[locale] as Record<string, string>)[value] ?? value;
}

/**
 * "已派遣 → 处置中": a change of state in words, with the team states for teams and the case states otherwise;
 * null when neither end is known.
 */
export function transitionLabel(objectType: string | null, from: string | null, to: string | null, locale: Locale = 'zh-CN'): string | null {
  if (!from && !to) return null;
  const name = (s: string | null) => (s ? (objectType === 'team' ? labelOf(TEAM_STATUS_LABELS, s, locale) : labelOf(CASE_STATE_LABELS, s, locale)) : '—');
  return `${name(from)} → ${name(to)}`;
}
