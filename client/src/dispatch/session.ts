import { apiFetch } from '../api/http.ts';

/** Ends the session and goes to the login page (back to the desk afterwards). */
export async function logout(): Promise<void> {
  await apiFetch('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
  window.location.assign(`/login?next=${encodeURIComponent('/dispatch')}`);
}
