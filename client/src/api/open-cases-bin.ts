/** GET /api/map/open-cases.bin (docs/map-data.md): the open cases as typed arrays, read once per screen. */
import { useQuery } from '@tanstack/react-query';
import { OPEN_CASES_BIN_TYPE, decodeOpenCases, type DecodedOpenCases } from '@gridcommand/shared/schemas';
import { ApiError, getDisplayToken } from './http.ts';
import { keys } from './keys.ts';

const PATH = '/api/map/open-cases.bin';

/** The binary snapshot, decoded (the columns are views on the response's bytes). */
export async function fetchOpenCasesBin(signal?: AbortSignal): Promise<DecodedOpenCases> {
  const headers: Record<string, string> = { accept: `${OPEN_CASES_BIN_TYPE}, application/json` };
  const token = getDisplayToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(PATH, { headers, credentials: 'same-origin', signal: signal ?? null });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'Network Error', cause instanceof Error ? cause.message : String(cause), PATH);
  }
  if (!res.ok) {
    // errors come in the one JSON error shape
    const body = (await res.json().catch(() => null)) as { error?: string; message?: string; code?: string } | null;
    throw new ApiError(res.status, body?.error ?? res.statusText, body?.message ?? `HTTP ${res.status}`, PATH, body?.code);
  }
  return decodeOpenCases(await res.arrayBuffer());
}

/** Read once: the screen keeps it current from the live stream (a reconnect resumes, it does not re-read). */
export function useOpenCasesBin(enabled = true) {
  return useQuery({ queryKey: keys.openCasesBin(), queryFn: ({ signal }) => fetchOpenCasesBin(signal), staleTime: Infinity, gcTime: Infinity, enabled });
}
