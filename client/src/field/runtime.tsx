/**
 * What the phone app runs on besides react-query: its IndexedDB, the outbox and the patrol, made once at start
 * (main.tsx) and handed down through a context; the hooks that read them; and the outbox's sending schedule
 * (at start, when the connection comes back, when the app comes to the front, and every RETRY_MS while entries wait).
 */
import { createContext, useContext, useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { keys } from '../api/keys.ts';
import type { FieldDb } from './offline/db.ts';
import type { Outbox, OutboxSnapshot } from './offline/outbox.ts';
import type { LocalPatrol, PatrolController } from './patrol.ts';

export interface FieldRuntime {
  db: FieldDb;
  outbox: Outbox;
  patrol: PatrolController;
}

const Ctx = createContext<FieldRuntime | null>(null);

export function RuntimeProvider({ runtime, children }: { runtime: FieldRuntime; children: ReactNode }) {
  return <Ctx.Provider value={runtime}>{children}</Ctx.Provider>;
}

export function useRuntime(): FieldRuntime {
  const r = useContext(Ctx);
  if (!r) throw new Error('RuntimeProvider missing');
  return r;
}

export function useOutbox(): OutboxSnapshot {
  const { outbox } = useRuntime();
  return useSyncExternalStore(outbox.subscribe, outbox.getSnapshot);
}

export function usePatrolState(): LocalPatrol | null {
  const { patrol } = useRuntime();
  return useSyncExternalStore(patrol.subscribe, patrol.getSnapshot);
}

const onlineSubscribe = (fn: () => void) => {
  window.addEventListener('online', fn);
  window.addEventListener('offline', fn);
  return () => {
    window.removeEventListener('online', fn);
    window.removeEventListener('offline', fn);
  };
};

/** What the browser says about the connection (a cellar may still say "online": writes find out for themselves). */
export function useOnline(): boolean {
  return useSyncExternalStore(onlineSubscribe, () => navigator.onLine);
}

export const RETRY_MS = 15_000;

/** Sends the outbox now unless the browser knows there is no connection (then it goes when the connection is back). */
export function sendSoon(outbox: Outbox): void {
  if (navigator.onLine) void outbox.flush();
}

/** Sends the outbox of `userId` whenever there is a chance, and refreshes what a sent entry changed. */
export function useOutboxSending(userId: number | null): void {
  const { outbox } = useRuntime();
  const qc = useQueryClient();
  useEffect(() => {
    void outbox.setUser(userId).then(() => outbox.flush());
  }, [outbox, userId]);
  useEffect(() => {
    const kick = () => {
      if (navigator.onLine) void outbox.flush();
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') kick();
    };
    window.addEventListener('online', kick);
    document.addEventListener('visibilitychange', onVisible);
    const timer = window.setInterval(() => {
      if (outbox.getSnapshot().pending > 0) kick();
    }, RETRY_MS);
    const offSent = outbox.onSent((entry) => {
      switch (entry.payload.kind) {
        case 'report':
        case 'attach':
        case 'verify':
          void qc.invalidateQueries({ queryKey: keys.field.taskLists() });
          void qc.invalidateQueries({ queryKey: keys.field.cases() });
          break;
        case 'visit':
          void qc.invalidateQueries({ queryKey: keys.field.visitLists() });
          break;
        case 'checkin':
        case 'patrol_start':
        case 'patrol_stop':
          void qc.invalidateQueries({ queryKey: keys.field.me() });
          break;
        case 'patrol_points':
          break;
      }
    });
    return () => {
      window.removeEventListener('online', kick);
      document.removeEventListener('visibilitychange', onVisible);
      window.clearInterval(timer);
      offSent();
    };
  }, [outbox, qc]);
}
