/**
 * The grid worker's phone app (/field/): its own page and bundle. Opens the phone's database, loads what was kept
 * offline into react-query, starts the outbox and the patrol, draws, then registers the service worker that keeps
 * the app itself for use with no connection.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { QueryClient } from '@tanstack/react-query';
import { QueryClientProvider } from '@tanstack/react-query';
import { fieldI18n } from './i18n.ts';
import { fieldDb } from './offline/db.ts';
import { Outbox } from './offline/outbox.ts';
import { httpSender } from './offline/sender.ts';
import { hydrate, persistQueries } from './offline/persist.ts';
import { PatrolController } from './patrol.ts';
import { RuntimeProvider } from './runtime.tsx';
import { FieldApp } from './FieldApp.tsx';
import { exposeFieldHooks, fieldTestState } from './testHooks.ts';
import { ApiError } from '../api/http.ts';
import './field.css';

async function start(): Promise<void> {
  const root = document.getElementById('root');
  if (!root) throw new Error('#root missing from field/index.html');
  const db = await fieldDb();
  const outbox = new Outbox(db, httpSender);
  const patrol = new PatrolController(db, outbox);
  await patrol.load();
  const qc = new QueryClient({
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: true,
        // kept answers stay on screen while offline; a query waits for the connection instead of failing
        networkMode: 'online',
        gcTime: 24 * 3_600_000,
        retry: (n, err) => !(err instanceof ApiError && err.statusCode >= 400 && err.statusCode < 500) && n < 2,
      },
    },
  });
  await hydrate(qc, db);
  persistQueries(qc, db);
  exposeFieldHooks({
    ready: () => fieldTestState.ready,
    signedIn: () => fieldTestState.userId,
    outbox: () => {
      const s = outbox.getSnapshot();
      return { pending: s.pending, failed: s.failed, sending: s.sending, sent: s.sentCount };
    },
    liveConnected: () => fieldTestState.live,
    swControlled: () => !!navigator.serviceWorker?.controller,
  });
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={fieldI18n}>
        <QueryClientProvider client={qc}>
          <RuntimeProvider runtime={{ db, outbox, patrol }}>
            <FieldApp />
          </RuntimeProvider>
        </QueryClientProvider>
      </I18nextProvider>
    </StrictMode>,
  );
  if (import.meta.env.PROD && 'serviceWorker' in navigator) {
    const { Workbox } = await import('workbox-window');
    void new Workbox('/field/sw.js', { scope: '/field/' }).register().catch((err: unknown) => console.warn('service worker not registered', err));
  }
}

void start();
