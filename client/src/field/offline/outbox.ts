/**
 * The outbox: every write the worker makes goes here first (IndexedDB), and is sent from here, in the order made,
 * whenever there is a connection. Never lost (it is on disk before the screen says "saved"), never twice (each entry
 * carries its own Idempotency-Key, so a retry after a lost answer writes nothing new), and visible (entries, the
 * last error, failures with the server's message).
 *
 * - Photos travel with the entry that names them: they are uploaded first (each with its own key; the server names a
 *   photo by its bytes), their server ids are remembered, then the write is sent with those ids.
 * - No connection, a timeout, a 5xx, 408 or 429: the entry stays pending and sending stops until the next try
 *   (order is kept). 401: the same, and the app asks the worker to sign in again.
 * - Any other 4xx: the server refused it. The entry is marked failed with the server's message and is not retried by
 *   itself; the worker may retry it (after fixing the cause) or drop it. Sending goes on with the next entry.
 * - A patrol started offline is known by a local id until its start is sent; later entries name it by that id.
 */
import type { Patrol, PhotoUploadResponse } from '@gridcommand/shared/schemas';
import { ApiError } from '../../api/http.ts';
import type { FieldDb, StoredPhoto } from './db.ts';
import type { OutboxEntry, OutboxError, OutboxPayload, PatrolRef } from './types.ts';
import { uuid } from './uuid.ts';

export interface Sender {
  uploadPhoto(blob: Blob, key: string): Promise<Pick<PhotoUploadResponse, 'id'>>;
  post<T>(path: string, body: unknown, key: string): Promise<T>;
  get<T>(path: string): Promise<T>;
}

export interface OutboxSnapshot {
  /** the signed-in worker's entries, pending and failed, in the order made */
  entries: readonly OutboxEntry[];
  pending: number;
  failed: number;
  sending: boolean;
  /** why the last try stopped (no connection, server busy, signed out); null after a try that got through */
  lastError: OutboxError | null;
  /** the server answered 401: the worker must sign in again before anything is sent */
  needsLogin: boolean;
  lastSentAt: number | null;
  /** entries sent since the app started */
  sentCount: number;
}

export type SentListener = (entry: OutboxEntry, result: unknown) => void;

const EMPTY: OutboxSnapshot = {
  entries: [],
  pending: 0,
  failed: 0,
  sending: false,
  lastError: null,
  needsLogin: false,
  lastSentAt: null,
  sentCount: 0,
};

/** A refusal made here, not by the server (a photo gone from the phone, a patrol whose start was refused). */
class LocalRefusal extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The error as the outbox keeps it. */
export function outboxError(err: unknown, now: number): OutboxError {
  if (err instanceof ApiError) return { message: err.message, status: err.statusCode, code: err.code, at: now };
  if (err instanceof LocalRefusal) return { message: err.message, status: 400, code: err.code, at: now };
  return { message: err instanceof Error ? err.message : String(err), status: 0, at: now };
}

/** Whether the server refused the write for good (a retry with the same content would be refused again). */
export function isRefusal(e: OutboxError): boolean {
  if (e.status < 400 || e.status >= 500) return false;
  return e.status !== 401 && e.status !== 408 && e.status !== 425 && e.status !== 429;
}

/** The local photo ids an entry carries. */
export function photosOf(p: OutboxPayload): string[] {
  switch (p.kind) {
    case 'report':
      return [...p.photos, ...(p.fixedOnSpot?.afterPhotos ?? [])];
    case 'attach':
    case 'verify':
    case 'checkin':
      return p.photos;
    case 'visit':
    case 'patrol_start':
    case 'patrol_points':
    case 'patrol_stop':
      return [];
  }
}

const patrolMetaKey = (local: string) => `patrol:${local}`;

export interface OutboxOptions {
  now?: () => number;
}

export class Outbox {
  private snapshot: OutboxSnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private readonly sentListeners = new Set<SentListener>();
  private userId: number | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private readonly now: () => number;

  constructor(
    private readonly db: FieldDb,
    private readonly sender: Sender,
    options: OutboxOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  // ── reading ──

  getSnapshot = (): OutboxSnapshot => this.snapshot;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** Called after each entry the server accepted, with its answer (to refresh what it changed). */
  onSent(fn: SentListener): () => void {
    this.sentListeners.add(fn);
    return () => this.sentListeners.delete(fn);
  }

  private patch(p: Partial<OutboxSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...p };
    for (const fn of this.listeners) fn();
  }

  /** Reads the entries of the signed-in worker from the database into the snapshot. */
  async refresh(): Promise<void> {
    const all = await this.db.getAll('outbox');
    const mine = all.filter((e) => e.userId === this.userId).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    this.patch({
      entries: mine,
      pending: mine.filter((e) => e.status === 'pending').length,
      failed: mine.filter((e) => e.status === 'failed').length,
    });
  }

  /** Whose entries are shown and sent (null: nobody signed in; entries stay on the phone). */
  async setUser(userId: number | null): Promise<void> {
    this.userId = userId;
    this.patch({ needsLogin: false });
    await this.refresh();
  }

  getPhoto(id: string): Promise<StoredPhoto | undefined> {
    return this.db.get('photos', id);
  }

  // ── writing ──

  /**
   * Puts a write in the outbox, with the photos it names (local id → bytes), in one transaction: when this
   * resolves, the write is on disk. Returns the entry as stored.
   */
  async add(summary: string, payload: OutboxPayload, photos: ReadonlyMap<string, Blob> = new Map()): Promise<OutboxEntry> {
    if (this.userId === null) throw new Error('nobody is signed in');
    const now = this.now();
    const entry: OutboxEntry = {
      key: uuid(),
      userId: this.userId,
      createdAt: now,
      status: 'pending',
      attempts: 0,
      lastError: null,
      summary,
      payload,
    };
    const tx = this.db.transaction(['outbox', 'photos'], 'readwrite');
    for (const id of photosOf(payload)) {
      const blob = photos.get(id);
      if (!blob) throw new Error(`photo ${id} not given`);
      await tx.objectStore('photos').put({ id, blob, key: uuid(), createdAt: now, uploadedId: null });
    }
    const seq = await tx.objectStore('outbox').add(entry);
    await tx.done;
    await this.refresh();
    return { ...entry, seq };
  }

  /** Drops an entry (and its photos) without sending it. */
  async drop(seq: number): Promise<void> {
    await this.remove(seq);
    await this.refresh();
  }

  /**
   * Sends a failed entry again. A verification refused because the case changed meanwhile takes the case's
   * current version when the case still waits for verification (the worker's finding on site stands).
   */
  async retry(seq: number): Promise<void> {
    const e = await this.db.get('outbox', seq);
    if (!e) return;
    if (e.payload.kind === 'verify' && e.lastError?.status === 409) {
      try {
        const c = await this.sender.get<{ status: string; version: number }>(`/api/cases/${e.payload.caseId}`);
        if (c.status === 'handled') e.payload = { ...e.payload, version: c.version };
      } catch {
        /* sent as it is; the server says again what is wrong */
      }
    }
    await this.db.put('outbox', { ...e, status: 'pending' });
    await this.refresh();
    await this.flush();
  }

  private async remove(seq: number): Promise<void> {
    const tx = this.db.transaction(['outbox', 'photos'], 'readwrite');
    const e = await tx.objectStore('outbox').get(seq);
    if (e) for (const id of photosOf(e.payload)) await tx.objectStore('photos').delete(id);
    await tx.objectStore('outbox').delete(seq);
    await tx.done;
  }

  // ── sending ──

  /** Sends what is pending, in order. Concurrent calls share one run (and ask for one more pass if needed). */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.withLock(() => this.pass());
        } while (this.again && !this.snapshot.lastError);
      } finally {
        this.running = null;
        this.patch({ sending: false });
      }
    })();
    return this.running;
  }

  /** One page of the app sends at a time (the same outbox is open in every tab). */
  private async withLock(fn: () => Promise<void>): Promise<void> {
    const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
    if (!locks) return fn();
    await locks.request('gc-field-outbox', () => fn());
  }

  private async pass(): Promise<void> {
    if (this.userId === null) return;
    const all = await this.db.getAll('outbox');
    const due = all.filter((e) => e.userId === this.userId && e.status === 'pending').sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    if (due.length === 0) {
      this.patch({ lastError: null });
      return;
    }
    this.patch({ sending: true });
    for (const queued of due) {
      // dropped or retried meanwhile (another tab, the worker)
      const e = await this.db.get('outbox', queued.seq!);
      if (!e || e.status !== 'pending') continue;
      let result: unknown;
      try {
        result = await this.send(e);
      } catch (err) {
        const info = outboxError(err, this.now());
        if (isRefusal(info)) {
          await this.db.put('outbox', { ...e, status: 'failed', attempts: e.attempts + 1, lastError: info });
          await this.refresh();
          continue;
        }
        await this.db.put('outbox', { ...e, attempts: e.attempts + 1, lastError: info });
        this.patch({ lastError: info, needsLogin: info.status === 401 });
        await this.refresh();
        return;
      }
      await this.remove(e.seq!);
      this.patch({ lastError: null, needsLogin: false, lastSentAt: this.now(), sentCount: this.snapshot.sentCount + 1 });
      await this.refresh();
      for (const fn of this.sentListeners) {
        try {
          fn(e, result);
        } catch (err) {
          console.error('outbox listener failed', err);
        }
      }
    }
  }

  /** Uploads the photos not yet on the server; their ids in order, without repeats. */
  private async upload(localIds: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const id of localIds) {
      const rec = await this.db.get('photos', id);
      if (!rec) throw new LocalRefusal('照片已不在本机 / photo no longer on this phone', 'PHOTO_MISSING');
      let serverId = rec.uploadedId;
      if (!serverId) {
        serverId = (await this.sender.uploadPhoto(rec.blob, rec.key)).id;
        await this.db.put('photos', { ...rec, uploadedId: serverId });
      }
      if (!out.includes(serverId)) out.push(serverId);
    }
    return out;
  }

  private async patrolId(ref: PatrolRef): Promise<number> {
    if ('id' in ref) return ref.id;
    const id = await this.db.get('meta', patrolMetaKey(ref.local));
    if (typeof id !== 'number') throw new LocalRefusal('巡查未能开始 / the patrol was not started', 'PATROL_NOT_STARTED');
    return id;
  }

  private async send(e: OutboxEntry): Promise<unknown> {
    const p = e.payload;
    const post = <T>(path: string, body: unknown) => this.sender.post<T>(path, body, e.key);
    switch (p.kind) {
      case 'report': {
        const photos = await this.upload(p.photos);
        const after = p.fixedOnSpot ? await this.upload(p.fixedOnSpot.afterPhotos) : null;
        return post('/api/cases', {
          ...p.body,
          ...(photos.length > 0 ? { photos } : {}),
          ...(after ? { fixedOnSpot: { afterPhotos: after, ...(p.fixedOnSpot?.note ? { note: p.fixedOnSpot.note } : {}) } } : {}),
        });
      }
      case 'attach':
        return post(`/api/cases/${p.caseId}/photos`, { photos: await this.upload(p.photos) });
      case 'verify': {
        const photos = await this.upload(p.photos);
        return post(`/api/cases/${p.caseId}/actions`, {
          action: p.action,
          version: p.version,
          ...(p.reason ? { reason: p.reason } : {}),
          ...(p.position ? { position: p.position } : {}),
          ...(photos.length > 0 ? { photos } : {}),
        });
      }
      case 'checkin': {
        const photos = await this.upload(p.photos);
        const { kind: _kind, photos: _local, ...rest } = p;
        return post('/api/checkins', { ...rest, ...(photos.length > 0 ? { photos } : {}) });
      }
      case 'visit':
        return post('/api/visits', p.body);
      case 'patrol_start': {
        let patrol: Patrol;
        try {
          patrol = await post<Patrol>('/api/patrols', p.position ? { position: p.position } : {});
        } catch (err) {
          // a patrol is already running on the server (started from another phone): carry on with that one
          if (!(err instanceof ApiError) || err.statusCode !== 409) throw err;
          const me = await this.sender.get<{ activePatrol: Patrol | null }>('/api/field/me');
          if (!me.activePatrol) throw err;
          patrol = me.activePatrol;
        }
        await this.db.put('meta', patrol.id, patrolMetaKey(p.local));
        return patrol;
      }
      case 'patrol_points':
        return post(`/api/patrols/${await this.patrolId(p.patrol)}/points`, { points: p.points });
      case 'patrol_stop':
        return post(`/api/patrols/${await this.patrolId(p.patrol)}/stop`, p.position ? { position: p.position } : {});
    }
  }
}
