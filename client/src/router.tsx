import { useSyncExternalStore, type ReactNode } from 'react';

/** A tiny path router: enough for a handful of full-screen pages served with an SPA fallback. */
const NAV_EVENT = 'gc:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAV_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAV_EVENT, onChange);
  };
}

function getPath(): string {
  const p = window.location.pathname.replace(/\/+$/, '');
  return p === '' ? '/' : p;
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, getPath);
}

export function navigate(path: string, replace = false): void {
  if (path === window.location.pathname) return;
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAV_EVENT));
}

export interface Route {
  path: string;
  render: () => ReactNode;
}

/** Renders the first route whose path equals the current one; unknown paths fall back to `fallback`. */
export function Router({ routes, fallback }: { routes: Route[]; fallback: () => ReactNode }) {
  const path = usePath();
  const match = routes.find((r) => r.path === path);
  return <>{match ? match.render() : fallback()}</>;
}
