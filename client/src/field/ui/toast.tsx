/** One short message at the bottom of the screen ("已保存，联网后自动发送"), from anywhere in the app. */
import { useSyncExternalStore } from 'react';

export interface Toast {
  id: number;
  text: string;
  tone: 'ok' | 'warn' | 'error';
}

let current: Toast | null = null;
let seq = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
const listeners = new Set<() => void>();
const emit = () => {
  for (const fn of listeners) fn();
};

export function toast(text: string, tone: Toast['tone'] = 'ok', ms = 2_500): void {
  current = { id: ++seq, text, tone };
  emit();
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    current = null;
    emit();
  }, ms);
}

const subscribe = (fn: () => void) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};

export function ToastHost() {
  const t = useSyncExternalStore(subscribe, () => current);
  if (!t) return null;
  return (
    <div className={`f-toast f-toast-${t.tone}`} role="status" data-testid="field-toast" key={t.id}>
      {t.text}
    </div>
  );
}
