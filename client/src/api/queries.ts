import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Category } from '@gridcommand/shared/schemas';
import { apiFetch } from './http.ts';
import { keys } from './keys.ts';
import type { AreaDetail, AreaLevel, AreaList, BBox, GridCollection, GridDetail } from './types.ts';

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

/** The properties (codes, names, label points, vacancy) of the grids in a bbox, without their polygons. */
export function fetchGridsIn(bbox: BBox, signal?: AbortSignal): Promise<GridCollection> {
  return apiFetch<GridCollection>(`/api/grids?geometry=none&bbox=${bbox.join(',')}`, { signal });
}

/**
 * The grids in a window of the map (map/bounds.ts gridWindow; null: none) without their polygons — the vector tiles
 * draw those, and feature-state addresses a grid by its code (areaFeatureId). The window follows the view, so a map
 * never reads every grid of the city; the previous window's grids stay shown while the next one loads.
 */
export function useGridsIn(bbox: BBox | null) {
  return useQuery({
    queryKey: keys.gridsIn(bbox ? bbox.join(',') : ''),
    queryFn: ({ signal }) => fetchGridsIn(bbox!, signal),
    enabled: bbox !== null,
    placeholderData: keepPreviousData,
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
