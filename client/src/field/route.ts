/**
 * Screens of the phone app by the URL's hash (#/report, #/task/12): the page itself is always /field/, the one
 * URL the service worker serves from its cache when there is no connection.
 */
import { useSyncExternalStore } from 'react';

export type FieldRoute =
  | { name: 'today' }
  | { name: 'report' }
  | { name: 'task'; id: number }
  | { name: 'patrol' }
  | { name: 'outbox' }
  | { name: 'me' }
  | { name: 'score' };

export function parseRoute(hash: string): FieldRoute {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  switch (parts[0]) {
    case 'report':
      return { name: 'report' };
    case 'task': {
      const id = Number(parts[1]);
      return Number.isInteger(id) && id > 0 ? { name: 'task', id } : { name: 'today' };
    }
    case 'patrol':
      return { name: 'patrol' };
    case 'outbox':
      return { name: 'outbox' };
    case 'me':
      return { name: 'me' };
    case 'score':
      return { name: 'score' };
    default:
      return { name: 'today' };
  }
}

export function hrefOf(r: FieldRoute): string {
  return r.name === 'today' ? '#/' : r.name === 'task' ? `#/task/${r.id}` : `#/${r.name}`;
}

const subscribe = (fn: () => void) => {
  window.addEventListener('hashchange', fn);
  return () => window.removeEventListener('hashchange', fn);
};

export function useRoute(): FieldRoute {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}

/** screens opened inside the app since it started (so that "back" never leaves the app) */
let depth = 0;

export function go(r: FieldRoute, replace = false): void {
  const href = hrefOf(r);
  if (replace) {
    window.history.replaceState(null, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    depth++;
    window.location.hash = href.slice(1);
  }
}

/** Back to where the worker came from, or to Today. */
export function back(): void {
  if (depth > 0) {
    depth--;
    window.history.back();
  } else go({ name: 'today' }, true);
}
