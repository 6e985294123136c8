/** Server data of the worker's phone: react-query hooks (kept offline, see offline/persist.ts), sign-in and sign-out. */
import { useQueries, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { Case, CaseListResponse, FieldMe, NearbyResponse } from '@gridcommand/shared/schemas';
import { DUPLICATE_RADIUS_M } from '@gridcommand/shared/domain';
import { ApiError, apiFetch } from '../api/http.ts';
import { keys } from '../api/keys.ts';

export { useCategories } from '../api/queries.ts';

/** a read on a bad network gives up after this long (the kept answer stays on screen) */
const READ_TIMEOUT_MS = 20_000;

function timed(signal: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any !== 'function' || typeof AbortSignal.timeout !== 'function') return signal;
  return AbortSignal.any([signal, AbortSignal.timeout(READ_TIMEOUT_MS)]);
}

const noRetryOn4xx = (failures: number, err: unknown) =>
  !(err instanceof ApiError && err.statusCode >= 400 && err.statusCode < 500) && failures < 2;

export function useFieldMe() {
  return useQuery({
    queryKey: keys.field.me(),
    queryFn: ({ signal }) => apiFetch<FieldMe>('/api/field/me', { signal: timed(signal) }),
    staleTime: 60_000,
    retry: noRetryOn4xx,
  });
}

/** The lists the task screen is made of: to verify (handled), and the open ones of my grids. */
export const TASK_STATUSES = ['handled', 'in_progress', 'dispatched', 'filed', 'reported'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export function useTaskLists(enabled: boolean) {
  return useQueries({
    queries: TASK_STATUSES.map((status) => ({
      queryKey: keys.field.tasks(status),
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        apiFetch<CaseListResponse>(`/api/cases?status=${status}&limit=200`, { signal: timed(signal) }),
      enabled,
      staleTime: 30_000,
      retry: noRetryOn4xx,
    })),
  });
}

/** A case from the task lists already on the phone (a task opened offline). */
export function caseFromLists(qc: QueryClient, id: number): { data: Case; at: number } | undefined {
  for (const status of TASK_STATUSES) {
    const key = keys.field.tasks(status);
    const c = qc.getQueryData<CaseListResponse>(key)?.items.find((x) => x.id === id);
    if (c) return { data: c, at: qc.getQueryState(key)?.dataUpdatedAt ?? 0 };
  }
  return undefined;
}

export function useFieldCase(id: number | null) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: keys.field.case(id ?? 0),
    queryFn: ({ signal }) => apiFetch<Case>(`/api/cases/${id}`, { signal: timed(signal) }),
    enabled: id !== null,
    staleTime: 10_000,
    retry: noRetryOn4xx,
    initialData: () => (id === null ? undefined : caseFromLists(qc, id)?.data),
    initialDataUpdatedAt: () => (id === null ? undefined : caseFromLists(qc, id)?.at),
  });
}

/** Open cases of the category within the duplicate radius of the point ("是不是这些？"); online only. */
export function useNearby(point: { lon: number; lat: number } | null, category: string | null, online: boolean) {
  return useQuery({
    queryKey: keys.field.nearby(point?.lon ?? 0, point?.lat ?? 0, category ?? ''),
    queryFn: ({ signal }) =>
      apiFetch<NearbyResponse>(
        `/api/cases/nearby?lon=${point!.lon.toFixed(6)}&lat=${point!.lat.toFixed(6)}&category=${category}&radiusM=${DUPLICATE_RADIUS_M}`,
        { signal: timed(signal) },
      ),
    enabled: point !== null && category !== null && online,
    staleTime: 30_000,
    retry: false,
  });
}

export async function signIn(username: string, password: string, deviceName: string): Promise<void> {
  await apiFetch('/api/auth/login', { method: 'POST', body: { username, password, device: { name: deviceName } } });
}

export async function signOut(): Promise<void> {
  await apiFetch('/api/auth/logout', { method: 'POST', signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
}

/** The server said who is signed in is nobody. */
export const isSignedOut = (err: unknown) => err instanceof ApiError && err.statusCode === 401;
export const isForbidden = (err: unknown) => err instanceof ApiError && err.statusCode === 403;
