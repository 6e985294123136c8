import { describe, expect, it } from 'vitest';
import { CASE_ACTIONS, CASE_SOURCES, CASE_STATES, ESCALATION_LEVELS } from '../src/domain/case-state.ts';
import {
  ACTION_LABELS,
  CASE_STATE_LABELS,
  ESCALATION_LABELS,
  LIGHT_LABELS,
  LOCALES,
  PRIORITY_LABELS,
  SOURCE_LABELS,
  TEAM_KIND_LABELS,
  TEAM_STATUS_LABELS,
  labelOf,
  transitionLabel,
} from '../src/domain/labels.ts';
import { LIGHTS } from '../src/domain/lights.ts';
import { PRIORITIES } from '../src/domain/sla.ts';
import { TEAM_KINDS, TEAM_STATUSES } from '../src/domain/team-state.ts';

const LISTS = [
  ['states', CASE_STATE_LABELS, CASE_STATES],
  ['priorities', PRIORITY_LABELS, PRIORITIES],
  ['lights', LIGHT_LABELS, LIGHTS],
  ['sources', SOURCE_LABELS, CASE_SOURCES],
  ['actions', ACTION_LABELS, CASE_ACTIONS],
  ['levels', ESCALATION_LABELS, ESCALATION_LEVELS],
  ['team statuses', TEAM_STATUS_LABELS, TEAM_STATUSES],
  ['team kinds', TEAM_KIND_LABELS, TEAM_KINDS],
] as const;

describe('labels', () => {
  it.each(LISTS)('%s: every value has a distinct label in every locale', (_name, labels, values) => {
    for (const locale of LOCALES) {
      const l = labels[locale] as Record<string, string>;
      expect(Object.keys(l).sort()).toEqual([...values].sort());
      expect(new Set(Object.values(l)).size).toBe(values.length);
      for (const v of Object.values(l)) expect(v.trim()).not.toBe('');
    }
  });

  it('names the emergency priority the same everywhere and falls back to the raw value', () => {
    expect(labelOf(PRIORITY_LABELS, 'emergency')).toBe('特急');
    expect(labelOf(PRIORITY_LABELS, 'emergency', 'en')).toBe('Emergency');
    expect(labelOf(PRIORITY_LABELS, 'nonsense')).toBe('nonsense');
  });
});

describe('transitionLabel', () => {
  it.each([
    ['case', 'dispatched', 'in_progress', 'zh-CN', `${CASE_STATE_LABELS['zh-CN'].dispatched} → ${CASE_STATE_LABELS['zh-CN'].in_progress}`],
    ['case', null, 'reported', 'en', `— → ${CASE_STATE_LABELS.en.reported}`],
    ['team', 'available', 'en_route', 'zh-CN', '待命 → 出警中'],
    ['team', 'on_scene', null, 'en', `${TEAM_STATUS_LABELS.en.on_scene} → —`],
    ['case', null, null, 'zh-CN', null],
    ['case', 'closed', 'nonsense', 'zh-CN', `${CASE_STATE_LABELS['zh-CN'].closed} → nonsense`],
  ] as const)('%s %s → %s (%s)', (type, from, to, locale, expected) => {
    expect(transitionLabel(type, from, to, locale)).toBe(expected);
  });
});
