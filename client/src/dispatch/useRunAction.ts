/**
 * Running a dispatcher's action: busy while it runs, a toast with the result or with a message that says what
 * to do, the team list refreshed after a failure (another dispatcher may have moved first) and the case views
 * refreshed after any outcome.
 */
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http.ts';
import { keys } from '../api/keys.ts';
import { useToasts } from '../panels/Toasts.tsx';
import { navigate } from '../router.tsx';

/** What a failed action tells the dispatcher. */
export function describeFailure(t: TFunction, err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'TEAM_BUSY') return t('dispatch.errors.teamBusy');
    if (err.code === 'TEAM_RESERVED') return t('multiTeam.errors.reserved');
    if (err.code === 'LEAD_TEAM') return t('multiTeam.errors.lead');
    if (err.code === 'VERSION_CONFLICT' || err.code === 'CONCURRENT_CHANGE') return t('dispatch.errors.versionConflict');
    if (err.code === 'ILLEGAL_TRANSITION' || err.code === 'NO_OPEN_DISPATCH') return t('dispatch.errors.illegal');
    if (err.statusCode === 403) return t('dispatch.errors.forbidden');
    if (err.statusCode === 401) return t('dispatch.errors.login');
    if (err.isNetwork) return t('dispatch.errors.network');
  }
  return t('dispatch.errors.generic');
}

export type RunAction = <T>(key: string, fn: () => Promise<T>, ok: (r: T) => string) => Promise<T | null>;

export function useRunAction(afterEach: () => void): { run: RunAction; busy: boolean } {
  const { t } = useTranslation();
  const toasts = useToasts();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const run = useCallback<RunAction>(
    async (key, fn, ok) => {
      setBusy(true);
      try {
        const r = await fn();
        toasts.push({ kind: 'info', title: ok(r), message: '', key: `${key}:${Date.now()}` });
        return r;
      } catch (err) {
        toasts.push({ kind: 'error', title: describeFailure(t, err), message: err instanceof Error ? err.message : String(err), key: `${key}:err:${Date.now()}` });
        if (err instanceof ApiError && err.statusCode === 401) navigate(`/login?next=${encodeURIComponent('/dispatch')}`);
        void qc.invalidateQueries({ queryKey: keys.teams() });
        return null;
      } finally {
        setBusy(false);
        afterEach();
      }
    },
    [toasts, t, qc, afterEach],
  );
  return { run, busy };
}
