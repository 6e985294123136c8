import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http.ts';

export type ToastKind = 'error' | 'info';

export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  message: string;
  /** equal keys within a short time are shown once */
  key: string;
}

interface ToastApi {
  push(toast: Omit<Toast, 'id'>): void;
  pushError(error: unknown): void;
}

const ToastContext = createContext<ToastApi | null>(null);

const LIFETIME_MS = 6000;
const DEDUPE_MS = 8000;
const MAX_VISIBLE = 4;

/** A stack of transient notices in the lower-left corner. API failures land here instead of crashing a page. */
export function ToastProvider({ children, register }: { children: ReactNode; register?: (api: ToastApi) => void }) {
  const { t } = useTranslation();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const recent = useRef(new Map<string, number>());

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((x) => x.id !== id)), []);

  const push = useCallback(
    (toast: Omit<Toast, 'id'>) => {
      const now = Date.now();
      const last = recent.current.get(toast.key);
      if (last !== undefined && now - last < DEDUPE_MS) return;
      recent.current.set(toast.key, now);
      const id = nextId.current++;
      setToasts((list) => [...list, { ...toast, id }].slice(-MAX_VISIBLE));
      window.setTimeout(() => dismiss(id), LIFETIME_MS);
    },
    [dismiss],
  );

  const pushError = useCallback(
    (error: unknown) => {
      if (error instanceof DOMException && error.name === 'AbortError') return;
      if (error instanceof ApiError) {
        const title = error.isNetwork
          ? t('errors.network')
          : error.statusCode === 404
            ? t('errors.notFound')
            : error.statusCode >= 500
              ? t('errors.server')
              : `${t('errors.title')} · ${error.statusCode}`;
        push({ kind: 'error', title, message: error.isNetwork ? error.url : error.message, key: `${error.statusCode}:${error.url}` });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      push({ kind: 'error', title: t('errors.title'), message, key: message });
    },
    [push, t],
  );

  const api = useMemo<ToastApi>(() => ({ push, pushError }), [push, pushError]);

  useEffect(() => {
    register?.(api);
  }, [api, register]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast--${toast.kind}`} data-testid="toast">
            <div className="toast__bar" />
            <div className="toast__body">
              <div className="toast__title">{toast.title}</div>
              {toast.message ? <div className="toast__message">{toast.message}</div> : null}
            </div>
            <button className="toast__close" onClick={() => dismiss(toast.id)} aria-label={t('errors.dismiss')}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToasts(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToasts outside ToastProvider');
  return api;
}
