/**
 * The phone's own database (IndexedDB through `idb`): what the app last read from the server, so that it shows
 * offline, and the outbox of writes waiting for a connection, with the photos they carry as Blobs.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxEntry } from './types.ts';

export interface StoredPhoto {
  /** local id (a UUID): what outbox entries name */
  id: string;
  blob: Blob;
  /** the Idempotency-Key of its upload */
  key: string;
  createdAt: number;
  /** the server's id once uploaded */
  uploadedId: string | null;
}

export interface CachedValue {
  /** JSON of the react-query key */
  key: string;
  data: unknown;
  /** Date.now() when the server gave it */
  at: number;
}

export interface FieldSchema extends DBSchema {
  cache: { key: string; value: CachedValue };
  outbox: { key: number; value: OutboxEntry };
  photos: { key: string; value: StoredPhoto };
  meta: { key: string; value: unknown };
}

export type FieldDb = IDBPDatabase<FieldSchema>;

export const FIELD_DB_NAME = 'gc-field';
const VERSION = 1;

export function openFieldDb(name = FIELD_DB_NAME): Promise<FieldDb> {
  return openDB<FieldSchema>(name, VERSION, {
    upgrade(db) {
      if (!db.objectStoreNames.contains('cache')) db.createObjectStore('cache', { keyPath: 'key' });
      if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
      if (!db.objectStoreNames.contains('photos')) db.createObjectStore('photos', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
    },
  });
}

let shared: Promise<FieldDb> | null = null;

/** The app's one connection. */
export function fieldDb(): Promise<FieldDb> {
  shared ??= openFieldDb();
  return shared;
}
