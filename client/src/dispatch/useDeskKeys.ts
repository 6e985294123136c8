/**
 * The desk's keyboard shortcuts (see HelpOverlay): which key means what, ignored while the dispatcher types in a
 * field (Escape always works). The page says what each command does.
 */
import { useEffect, useRef } from 'react';

export type DeskKey = 'escape' | 'help' | 'intake' | 'patrol' | 'search' | 'file' | 'dispatch' | 'next';

const KEYS: Readonly<Record<string, DeskKey>> = { '?': 'help', n: 'intake', p: 'patrol', '/': 'search', f: 'file', d: 'dispatch', j: 'next' };

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  const tag = el?.tagName;
  return (
    el?.isContentEditable === true ||
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    (tag === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes((el as HTMLInputElement).type))
  );
}

/** The command of a key press, or null. */
export function deskKeyOf(e: Pick<KeyboardEvent, 'key' | 'target' | 'ctrlKey' | 'metaKey' | 'altKey'>): DeskKey | null {
  if (e.key === 'Escape') return 'escape';
  if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return null;
  return KEYS[e.key] ?? null;
}

/** Calls `on(command, event)` for every shortcut pressed (the latest `on` is used). */
export function useDeskKeys(on: (key: DeskKey, e: KeyboardEvent) => void): void {
  const ref = useRef(on);
  ref.current = on;
  useEffect(() => {
    const h = (e: KeyboardEvent) => {
      const k = deskKeyOf(e);
      if (k) ref.current(k, e);
    };
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, []);
}
