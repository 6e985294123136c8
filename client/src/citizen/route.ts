/**
 * Screens by the page's path: /report, /track, /track/K7M4Q-2XPRB. The same paths under /citizen/ also work (the
 * page's own folder in the build), so links keep the prefix the page was opened with.
 */
import { useEffect, useState } from 'react';
import { normalizeTrackingCode } from '@gridcommand/shared/domain';

export type Route = { screen: 'report' } | { screen: 'track'; code: string | null; raw: string | null };

export function basePath(pathname = window.location.pathname): string {
  return pathname === '/citizen' || pathname.startsWith('/citizen/') ? '/citizen' : '';
}

export function parseRoute(pathname: string): Route {
  const p = pathname.slice(basePath(pathname).length).replace(/\/+$/, '');
  const m = /^\/track(?:\/([^/]+))?$/.exec(p);
  if (m) {
    const raw = m[1] ? decodeURIComponent(m[1]) : null;
    return { screen: 'track', code: raw ? normalizeTrackingCode(raw) : null, raw };
  }
  return { screen: 'report' };
}

export function href(path: string): string {
  return `${basePath()}${path}`;
}

export function trackHref(code: string): string {
  return href(`/track/${code}`);
}

export function navigate(path: string): void {
  window.history.pushState(null, '', href(path));
  window.dispatchEvent(new PopStateEvent('popstate'));
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return route;
}
