/** Data of the work queue page: the unit's tab counts, one tab's cases, the departments and a unit's sub-units. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AreaDetail, Department, QueueList, QueueSummary } from '@gridcommand/shared/schemas';
import { apiFetch } from '../api/http.ts';
import { keys } from '../api/keys.ts';

export const PAGE = 50;

const unitQuery = (unit: string) => (unit ? `unit=${encodeURIComponent(unit)}` : '');

export function useQueueSummary(unit: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.queues.summary(unit),
    queryFn: ({ signal }) => apiFetch<QueueSummary>(`/api/queues?${unitQuery(unit)}`, { signal }),
    enabled,
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

export function useQueueTab(tab: string | null, unit: string, limit: number) {
  return useQuery({
    queryKey: keys.queues.tab(tab ?? '', unit, limit),
    queryFn: ({ signal }) => apiFetch<QueueList>(`/api/queues/${tab}?limit=${limit}&${unitQuery(unit)}`, { signal }),
    enabled: tab !== null,
    placeholderData: keepPreviousData,
  });
}

export function useDepartments(enabled: boolean) {
  return useQuery({
    queryKey: keys.queues.departments(),
    queryFn: ({ signal }) => apiFetch<{ items: Department[] }>('/api/departments', { signal }),
    enabled,
    staleTime: 10 * 60_000,
  });
}

/** The sub-units of an area unit (a street's zones, a zone's communities), to look at their queues. */
export function useAreaChildren(code: string | null) {
  return useQuery({
    queryKey: keys.queues.areaChildren(code ?? ''),
    queryFn: ({ signal }) => apiFetch<AreaDetail>(`/api/areas/${code}`, { signal }),
    enabled: code !== null,
    staleTime: 10 * 60_000,
  });
}
