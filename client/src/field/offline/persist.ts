/**
 * What the worker last saw, kept in IndexedDB so that it shows with no connection: every query under
 * `keys.field.all()` and the category catalogue. Loaded into react-query before the first render; written back
 * (debounced) whenever the server gives a new answer.
 */
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { keys } from '../../api/keys.ts';
import type { FieldDb } from './db.ts';

const KEEP_MS = 14 * 86_400_000;
const WRITE_DELAY_MS = 500;

export function isPersisted(key: QueryKey): boolean {
  const categories = keys.categories();
  if (key.length === categories.length && key.every((k, i) => k === categories[i])) return true;
  return key[0] === keys.field.all()[0];
}

/** Loads the kept answers into the query client (each with the time the server gave it); drops old ones. */
export async function hydrate(qc: QueryClient, db: FieldDb, now = Date.now()): Promise<number> {
  const rows = await db.getAll('cache');
  let n = 0;
  for (const row of rows) {
    if (now - row.at > KEEP_MS) {
      await db.delete('cache', row.key);
      continue;
    }
    qc.setQueryData(JSON.parse(row.key) as QueryKey, row.data, { updatedAt: row.at });
    n++;
  }
  return n;
}

/** Writes every new successful answer of a kept query to the database. Returns the unsubscribe function. */
export function persistQueries(qc: QueryClient, db: FieldDb): () => void {
  const dirty = new Map<string, { data: unknown; at: number }>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = () => {
    timer = null;
    const rows = [...dirty.entries()];
    dirty.clear();
    const tx = db.transaction('cache', 'readwrite');
    for (const [key, v] of rows) void tx.store.put({ key, data: v.data, at: v.at });
    tx.done.catch((err: unknown) => console.warn('could not keep data offline', err));
  };
  const off = qc.getQueryCache().subscribe((event) => {
    if (event.type !== 'updated' || event.action.type !== 'success') return;
    const q = event.query;
    if (!isPersisted(q.queryKey) || q.state.data === undefined) return;
    dirty.set(JSON.stringify(q.queryKey), { data: q.state.data, at: q.state.dataUpdatedAt });
    timer ??= setTimeout(write, WRITE_DELAY_MS);
  });
  return () => {
    off();
    if (timer) clearTimeout(timer);
  };
}

/** Forgets what was kept (signing out: the next worker on this phone must not see it). The outbox stays. */
export async function clearKept(db: FieldDb): Promise<void> {
  await db.clear('cache');
}
