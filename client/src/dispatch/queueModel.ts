/**
 * The desk's queues as the dispatcher sees them: open cases only (the shared OPEN_STATES), most pressing first,
 * and the points of the map (every case of a queue or of the selected grid, once, with its light now).
 */
import type { TFunction } from 'i18next';
import { isOpenState, lightRank, PRIORITIES } from '@gridcommand/shared/domain';
import type { Case, CaseListResponse } from '@gridcommand/shared/schemas';
import { caseClock } from './clock.ts';
import type { QueueName } from './api.ts';
import type { QueueSection } from './Queues.tsx';

/** emergency first: PRIORITIES runs from normal to emergency */
const priorityRank = (p: Case['priority']) => PRIORITIES.length - 1 - PRIORITIES.indexOf(p);

/** Most pressing first: emergencies, then worst light, then the oldest. */
export function byUrgency(now: Date) {
  return (a: Case, b: Case) =>
    priorityRank(a.priority) - priorityRank(b.priority) ||
    lightRank(caseClock(b, now).light) - lightRank(caseClock(a, now).light) ||
    Date.parse(a.reportedAt) - Date.parse(b.reportedAt);
}

export function openCasesOf(list: CaseListResponse | undefined): Case[] {
  return (list?.items ?? []).filter((c) => isOpenState(c.status));
}

export function queueSections(t: TFunction, lists: Readonly<Record<QueueName, CaseListResponse | undefined>>, now: Date): QueueSection[] {
  const sorted = (name: QueueName) => openCasesOf(lists[name]).sort(byUrgency(now));
  const overdue = [...openCasesOf(lists.red), ...openCasesOf(lists.yellow)].sort(byUrgency(now));
  return [
    { key: 'emergency', title: t('dispatch.queues.emergency'), items: sorted('emergency'), tone: 'danger' },
    { key: 'reported', title: t('dispatch.queues.reported'), items: sorted('reported') },
    { key: 'filed', title: t('dispatch.queues.filed'), items: sorted('filed') },
    { key: 'overdue', title: t('dispatch.queues.overdue'), items: overdue, tone: 'warn' },
    { key: 'supervised', title: t('dispatch.queues.supervised'), items: sorted('supervised') },
    // closed cases stay here too: a pass given far from the case is the center's to look at
    { key: 'flagged', title: t('dispatch.queues.flagged'), items: [...(lists.flagged?.items ?? [])], tone: 'warn' },
  ];
}

export interface MapCase {
  id: number;
  lon: number;
  lat: number;
  light: ReturnType<typeof caseClock>['light'];
  priority: Case['priority'];
  gridCode: string;
}

export function mapCasesOf(sections: readonly QueueSection[], gridCases: readonly Case[], now: Date): MapCase[] {
  const m = new Map<number, Case>();
  for (const s of sections) for (const c of s.items) if (isOpenState(c.status)) m.set(c.id, c);
  for (const c of gridCases) if (isOpenState(c.status)) m.set(c.id, c);
  return [...m.values()].map((c) => ({ id: c.id, lon: c.lon, lat: c.lat, light: caseClock(c, now).light, priority: c.priority, gridCode: c.gridCode }));
}

/** The header's counters: cases in the reported, filed, overdue and emergency queues, and teams available. */
export function deskCounts(sections: readonly QueueSection[], teams: readonly { status: string }[]) {
  const n = (key: string) => sections.find((s) => s.key === key)?.items.length ?? 0;
  return { reported: n('reported'), filed: n('filed'), overdue: n('overdue'), emergency: n('emergency'), available: teams.filter((x) => x.status === 'available').length };
}
