/**
 * The domain's names (states, priorities, lights, sources, actions, escalation levels, team states and kinds)
 * as i18n resources under `labels.*`, taken from shared/src/domain/labels.ts so that every screen says what the
 * registers and notices say (特急 is 特急 on the wall, the desk and the register).
 */
import {
  ACTION_LABELS,
  CASE_STATE_LABELS,
  ESCALATION_LABELS,
  LIGHT_LABELS,
  PRIORITY_LABELS,
  SOURCE_LABELS,
  TEAM_KIND_LABELS,
  TEAM_STATUS_LABELS,
  type Locale,
} from '@gridcommand/shared/domain';

export function domainLabels(locale: Locale) {
  return {
    state: CASE_STATE_LABELS[locale],
    priority: PRIORITY_LABELS[locale],
    light: LIGHT_LABELS[locale],
    source: SOURCE_LABELS[locale],
    action: ACTION_LABELS[locale],
    escalation: ESCALATION_LABELS[locale],
    teamStatus: TEAM_STATUS_LABELS[locale],
    teamKind: TEAM_KIND_LABELS[locale],
  };
}
