import { useQuery } from '@tanstack/react-query';
import type { Category } from '@gridcommand/shared/schemas';
import { apiFetch } from './http.ts';
import { keys } from './keys.ts';
import type { AreaDetail, AreaLevel, AreaList, GridCollection, GridDetail } from './types.ts';

export function useAreas(level: AreaLevel) {
  return useQuery({
    queryKey: keys.areas(level),
    queryFn: ({ signal }) => apiFetch<AreaList>(`/api/areas?level=${encodeURIComponent(level)}`, { signal }),
    staleTime: 10 * 60_000,
  });
}

export function useArea(code: string) {
  return useQuery({
    queryKey: keys.area(code),
    queryFn: ({ signal }) => apiFetch<AreaDetail>(`/api/areas/${encodeURIComponent(code)}`, { signal }),
    staleTime: 10 * 60_000,
  });
}

/**
 * Every grid's properties (ids for feature-state, codes, names, label points, vacancy) without their polygons: the
 * vector tiles draw those (GET /api/grids?geometry=none; features carry geometry null).
 */
export function useGrids() {
  return useQuery({
    queryKey: keys.grids(),
    queryFn: ({ signal }) => apiFetch<GridCollection>('/api/grids?geometry=none', { signal }),
    staleTime: 60_000,
  });
}

export function useGrid(code: string | null) {
  return useQuery({
    queryKey: keys.grid(code ?? ''),
    queryFn: ({ signal }) => apiFetch<GridDetail>(`/api/grids/${encodeURIComponent(code ?? '')}`, { signal }),
    enabled: code !== null,
    staleTime: 30_000,
  });
}

/** The category catalogue: changes with a deployment, not during a shift. */
export function useCategories() {
  return useQuery({
    queryKey: keys.categories(),
    queryFn: ({ signal }) => apiFetch<{ items: Category[] }>('/api/categories', { signal }),
    staleTime: 60 * 60_000,
  });
}
