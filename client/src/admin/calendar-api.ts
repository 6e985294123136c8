/**
 * The working calendar through react-query: its status (every signed-in role, the wall included), one year's special
 * days, the State Council days the server's `chinese-days` package knows, and saving a year.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CalendarLibraryResponse, CalendarStatusResponse } from '@gridcommand/shared/schemas';
import type { CalendarDayKind } from '@gridcommand/shared/domain';
import { apiFetch } from '../api/http.ts';
import { keys } from '../api/keys.ts';

/** The calendar's query keys, from the one key factory (`calendarKeys.all()` invalidates all of them). */
export const calendarKeys = keys.calendar;

export interface CalendarEntry {
  date: string;
  kind: CalendarDayKind;
  name: string;
}

export interface CalendarYear {
  year: number;
  days: CalendarEntry[];
  hours: { morning: string[]; afternoon: string[] };
}

/** GET /api/calendar/status, refreshed every 10 minutes (and after a save). */
export function useCalendarStatus(options: { enabled?: boolean; refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: calendarKeys.status(),
    queryFn: ({ signal }) => apiFetch<CalendarStatusResponse>('/api/calendar/status', { signal }),
    enabled: options.enabled ?? true,
    staleTime: 60_000,
    refetchInterval: options.refetchInterval ?? 600_000,
  });
}

export function useCalendarYear(year: number, enabled = true) {
  return useQuery({
    queryKey: calendarKeys.year(year),
    queryFn: ({ signal }) => apiFetch<CalendarYear>(`/api/admin/calendar/${year}`, { signal }),
    enabled,
    staleTime: 30_000,
  });
}

export function useCalendarLibrary(year: number, enabled = true) {
  return useQuery({
    queryKey: calendarKeys.library(year),
    queryFn: ({ signal }) => apiFetch<CalendarLibraryResponse>(`/api/admin/calendar/${year}/library`, { signal }),
    enabled,
    staleTime: Infinity,
  });
}

/** PUT /api/admin/calendar/:year: replaces the year; the year and the status are refetched. */
export function useSaveCalendarYear() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ year, days }: { year: number; days: CalendarEntry[] }) =>
      apiFetch<CalendarYear>(`/api/admin/calendar/${year}`, { method: 'PUT', body: { days } }),
    onSuccess: (saved) => {
      qc.setQueryData(calendarKeys.year(saved.year), saved);
      void qc.invalidateQueries({ queryKey: calendarKeys.status() });
    },
  });
}
