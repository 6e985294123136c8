import { QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './http.ts';

export type ErrorListener = (error: unknown) => void;

/** One QueryClient for the app; every failed query is reported to `onError` (the toast stack). */
export function createQueryClient(onError: ErrorListener): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error) => onError(error) }),
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: false,
        retry: (failureCount, error) => {
          // a 4xx will not get better by asking again
          if (error instanceof ApiError && error.statusCode >= 400 && error.statusCode < 500) return false;
          return failureCount < 2;
        },
        retryDelay: (attempt) => Math.min(1000 * 2 ** attempt, 8000),
      },
    },
  });
}
