import { useQuery } from '@tanstack/react-query';
import { apiFetch } from './http.ts';
import type { AreaDetail, AreaLevel, AreaList, GridCollection, GridDetail } from './types.ts';

/** Query keys in one place so that invalidation (live updates later) hits exactly what it should. */
export const queryKeys = {
  areas: (level: AreaLevel) => ['areas', 'list', level] as const,
  area: (code: string) => ['areas', 'detail', code] as const,
  grids: () => ['grids', 'list'] as const,
  grid: (code: string) => ['grids', 'detail', code] as const,
};

export function useAreas(level: AreaLevel) {
  return useQuery({
    queryKey: queryKeys.areas(level),
    queryFn: ({ signal }) => apiFetch<AreaList>(`/api/areas?level=${encodeURIComponent(level)}`, { signal }),
    staleTime: 10 * 60_000,
  });
}

export function useArea(code: string) {
  return useQuery({
    queryKey: queryKeys.area(code),
    queryFn: ({ signal }) => apiFetch<AreaDetail>(`/api/areas/${encodeURIComponent(code)}`, { signal }),
    staleTime: 10 * 60_000,
  });
}

export function useGrids() {
  return useQuery({
    queryKey: queryKeys.grids(),
    queryFn: ({ signal }) => apiFetch<GridCollection>('/api/grids', { signal }),
    staleTime: 60_000,
  });
}

export function useGrid(code: string | null) {
  return useQuery({
    queryKey: queryKeys.grid(code ?? ''),
    queryFn: ({ signal }) => apiFetch<GridDetail>(`/api/grids/${encodeURIComponent(code ?? '')}`, { signal }),
    enabled: code !== null,
    staleTime: 30_000,
  });
}
