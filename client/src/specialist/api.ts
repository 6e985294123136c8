/** Server data of the specialist layers and the base data per grid (docs/specialist.md), through react-query. */
import { useQuery } from '@tanstack/react-query';
import type { CaseSpecialist, GridBase, SpecialistLayerList } from '@gridcommand/shared/schemas';
import type { BaseKind } from '@gridcommand/shared/domain';
import { ApiError, apiFetch } from '../api/http.ts';
import { keys } from '../api/keys.ts';

/** A refusal (no login, another role) is an answer here, not an error for the toast stack: null. */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && (e.statusCode === 401 || e.statusCode === 403)) return null;
    throw e;
  }
}

export function useSpecialistLayers() {
  return useQuery({
    queryKey: keys.specialistLayers(),
    queryFn: ({ signal }) => apiFetch<SpecialistLayerList>('/api/specialist/layers', { signal }),
    staleTime: 60 * 60_000,
  });
}

/** Counts per kind (kind null), or one kind's records (each read is logged on the server: fetch on demand only). */
export function useGridBase(code: string, kind: BaseKind | null) {
  return useQuery({
    queryKey: keys.gridBase(code, kind),
    queryFn: ({ signal }) =>
      orNull(apiFetch<GridBase>(`/api/grids/${encodeURIComponent(code)}/base${kind ? `?records=${kind}` : ''}`, { signal })),
    staleTime: 60_000,
    retry: false,
  });
}

export function useCaseSpecialist(id: number) {
  return useQuery({
    queryKey: keys.caseSpecialist(id),
    queryFn: ({ signal }) => orNull(apiFetch<CaseSpecialist>(`/api/cases/${id}/specialist`, { signal })),
    staleTime: 5 * 60_000,
    retry: false,
  });
}
