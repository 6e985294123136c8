/**
 * The patrol on this phone: started, tracked and stopped offline as well as online. The state (which patrol, the
 * track buffer, the line drawn on the map) is kept in IndexedDB, so that closing the app loses no point; every
 * start, batch of points and stop is an outbox entry, sent in order.
 */
import type { FieldPosition, Patrol } from '@gridcommand/shared/schemas';
import type { FieldDb } from './offline/db.ts';
import type { Outbox } from './offline/outbox.ts';
import type { PatrolRef } from './offline/types.ts';
import { drainTrack, EMPTY_TRACK, trackFix, type TrackerState } from './offline/tracker.ts';
import { uuid } from './offline/uuid.ts';
import type { Fix } from './position.ts';

export interface LocalPatrol {
  ref: PatrolRef;
  startedAt: number;
  track: TrackerState;
  /** the kept points, for the map ([lon, lat]) */
  line: [number, number][];
  checkins: number;
}

const META_KEY = 'patrol';
const MAX_LINE = 3_000;

export class PatrolController {
  private state: LocalPatrol | null = null;
  private readonly listeners = new Set<() => void>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: FieldDb,
    private readonly outbox: Outbox,
  ) {
    outbox.onSent((entry, result) => {
      const s = this.state;
      if (entry.payload.kind !== 'patrol_start' || !s || !('local' in s.ref) || s.ref.local !== entry.payload.local) return;
      this.set({ ...s, ref: { id: (result as Patrol).id } });
    });
  }

  getSnapshot = (): LocalPatrol | null => this.state;
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private set(s: LocalPatrol | null): void {
    this.state = s;
    for (const fn of this.listeners) fn();
    void this.db.put('meta', s, META_KEY);
  }

  /** One change at a time (fixes arrive while a start is being written). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async load(): Promise<void> {
    const s = (await this.db.get('meta', META_KEY)) as LocalPatrol | null | undefined;
    this.state = s ?? null;
    for (const fn of this.listeners) fn();
  }

  /**
   * Squares the phone with the server: a patrol the server has running (started on this phone earlier, or on
   * another) is taken up; one the phone thinks is running with a known id but the server has ended is let go.
   * Nothing is let go while the outbox still holds entries about the patrol.
   */
  reconcile(server: Patrol | null, outboxBusy: boolean): void {
    const s = this.state;
    if (!s && server) {
      this.set({ ref: { id: server.id }, startedAt: Date.parse(server.startedAt), track: EMPTY_TRACK, line: server.track, checkins: server.checkins });
    } else if (s && 'id' in s.ref && !outboxBusy && (!server || server.id !== s.ref.id)) {
      this.set(server ? { ref: { id: server.id }, startedAt: Date.parse(server.startedAt), track: EMPTY_TRACK, line: server.track, checkins: server.checkins } : null);
    }
  }

  start(position: FieldPosition | undefined): Promise<void> {
    return this.serial(async () => {
      if (this.state) return;
      const local = uuid();
      await this.outbox.add('', { kind: 'patrol_start', local, ...(position ? { position } : {}) });
      this.set({ ref: { local }, startedAt: Date.now(), track: EMPTY_TRACK, line: [], checkins: 0 });
      void this.outbox.flush();
    });
  }

  /** A position from the phone while on patrol. */
  fix(f: Fix): Promise<void> {
    return this.serial(async () => {
      const s = this.state;
      if (!s) return;
      const step = trackFix(s.track, f);
      if (step.state === s.track) return;
      if (step.batch.length > 0) await this.outbox.add('', { kind: 'patrol_points', patrol: s.ref, points: step.batch });
      const kept = step.state.last !== s.track.last;
      const line = kept ? [...s.line, [f.lon, f.lat] as [number, number]].slice(-MAX_LINE) : s.line;
      this.set({ ...s, track: step.state, line });
      if (step.batch.length > 0) void this.outbox.flush();
    });
  }

  stop(position: FieldPosition | undefined): Promise<void> {
    return this.serial(async () => {
      const s = this.state;
      if (!s) return;
      const rest = drainTrack(s.track);
      if (rest.batch.length > 0) await this.outbox.add('', { kind: 'patrol_points', patrol: s.ref, points: rest.batch });
      await this.outbox.add('', { kind: 'patrol_stop', patrol: s.ref, ...(position ? { position } : {}) });
      this.set(null);
      void this.outbox.flush();
    });
  }

  checkedIn(): void {
    if (this.state) this.set({ ...this.state, checkins: this.state.checkins + 1 });
  }

  /** The patrol as later entries name it. */
  ref(): PatrolRef | null {
    return this.state?.ref ?? null;
  }
}
