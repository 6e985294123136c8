/**
 * Who is signed in (GET /api/auth/me, one cache entry for every page) and the one way a page sends a visitor without
 * a session to the login page and back.
 */
import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { SessionResponse } from '@gridcommand/shared/schemas';
import { apiFetch, ApiError } from './http.ts';
import { keys } from './keys.ts';
import { navigate } from '../router.tsx';

export function useSession() {
  return useQuery({
    queryKey: keys.me(),
    queryFn: ({ signal }) => apiFetch<SessionResponse>('/api/auth/me', { signal }),
    retry: false,
    staleTime: 60_000,
  });
}

/** Sends a visitor whose request answered 401 to the login page, to come back to `next`; true while it does. */
export function useLoginRedirect(error: unknown, next: string): boolean {
  const anonymous = error instanceof ApiError && error.statusCode === 401;
  useEffect(() => {
    if (anonymous) navigate(`/login?next=${encodeURIComponent(next)}`, true);
  }, [anonymous, next]);
  return anonymous;
}
