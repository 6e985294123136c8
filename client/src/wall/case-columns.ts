/**
 * The open cases as GPU-ready columns (deck.gl binary attributes): one slot per case id, freed slots kept on a
 * free list and reused, so a live event rewrites a few bytes in place instead of rebuilding 100,000 objects.
 *
 * What is on the map is decided by the board's fold (`applyEvents`, shared/src/domain/board.ts), never here:
 * `syncColumns` copies what the fold says changed, and a binary snapshot (docs/map-data.md) fills the columns
 * straight from its typed arrays. A free slot draws nothing (radius 0, transparent).
 */
import { LIGHTS, applyEvents, boardFromSnapshot, emptyBoard, type BoardState, type Light } from '@gridcommand/shared/domain';
import { COORD_SCALE, openCaseFacts, type CaseFacts, type DecodedOpenCases, type LiveEvent } from '@gridcommand/shared/schemas';

export type ShowMode = 'all' | 'overdue';
type Rgba = readonly [number, number, number, number];

export interface ColumnPaint {
  fill: Readonly<Record<Light, Rgba>>;
  line: Rgba;
  /** point radius in pixels by light */
  radius: Readonly<Record<Light, number>>;
}

const LIGHT_CODE = new Map<string, number>(LIGHTS.map((l, i) => [l, i]));
const YELLOW = LIGHT_CODE.get('yellow')!;
const RED = LIGHT_CODE.get('red')!;
const MIN_CAPACITY = 1024;

/** deck.gl's `data` for a layer drawn from the columns: a new object whenever a byte changed. */
export interface ColumnLayerData {
  length: number;
  attributes: {
    getPosition: { value: Float32Array; size: 2 };
    getFillColor: { value: Uint8Array; size: 4; normalized: true };
    getLineColor: { value: Uint8Array; size: 4; normalized: true };
    getRadius: { value: Float32Array; size: 1 };
  };
}

export class CaseColumns {
  /** slots in use or freed: the layer draws `length` instances */
  length = 0;
  /** bumps on every change of a byte (the layer's data is rebuilt from it) */
  version = 0;
  private capacity = 0;
  ids = new Uint32Array(0);
  positions = new Float32Array(0);
  lights = new Uint8Array(0);
  fill = new Uint8Array(0);
  line = new Uint8Array(0);
  radius = new Float32Array(0);
  private readonly slots = new Map<number, number>();
  private free: number[] = [];
  private show: ShowMode = 'all';
  private data: ColumnLayerData | null = null;

  constructor(private readonly paint: ColumnPaint) {}

  get size(): number {
    return this.slots.size;
  }
  slotOf(id: number): number | undefined {
    return this.slots.get(id);
  }
  /** slots on the free list (reused before the columns grow) */
  get freeSlots(): number {
    return this.free.length;
  }

  /** Starts over from a binary snapshot, keeping only the rows `keep` accepts (the wall's street). */
  loadDecoded(d: DecodedOpenCases, keep: (row: number) => boolean = () => true): void {
    this.clear(d.count);
    const c = d.columns;
    for (let i = 0; i < d.count; i++) {
      if (!keep(i)) continue;
      this.write(this.take(c.id[i]!), c.id[i]!, c.lon[i]! / COORD_SCALE, c.lat[i]! / COORD_SCALE, c.light[i]!);
    }
    this.touch();
  }

  /** Starts over from facts (a JSON snapshot, or the board after a snapshot). */
  loadFacts(items: Iterable<CaseFacts>, sizeHint = 0): void {
    this.clear(sizeHint);
    for (const f of items) this.put(f);
    this.touch();
  }

  /** Puts a case into its slot (a new one from the free list when it had none). */
  put(f: Pick<CaseFacts, 'id' | 'lon' | 'lat' | 'light'>): void {
    const slot = this.slots.get(f.id) ?? this.take(f.id);
    this.write(slot, f.id, f.lon, f.lat, LIGHT_CODE.get(f.light) ?? 0);
  }

  /** Empties a case's slot and puts it on the free list. */
  drop(id: number): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    this.slots.delete(id);
    this.ids[slot] = 0;
    this.radius[slot] = 0;
    this.fill.fill(0, slot * 4, slot * 4 + 4);
    this.line.fill(0, slot * 4, slot * 4 + 4);
    this.free.push(slot);
  }

  /** Repaints every slot for a show mode (only when the mode changed). */
  setShow(show: ShowMode): void {
    if (show === this.show) return;
    this.show = show;
    for (let s = 0; s < this.length; s++) if (this.ids[s] !== 0) this.repaint(s);
    this.touch();
  }

  /** Marks the columns changed (after put/drop): the next `layerData()` is a new object. */
  touch(): void {
    this.version++;
    this.data = null;
  }

  layerData(): ColumnLayerData {
    this.data ??= {
      length: this.length,
      attributes: {
        getPosition: { value: this.positions, size: 2 },
        getFillColor: { value: this.fill, size: 4, normalized: true },
        getLineColor: { value: this.line, size: 4, normalized: true },
        getRadius: { value: this.radius, size: 1 },
      },
    };
    return this.data;
  }

  private clear(capacity: number): void {
    this.slots.clear();
    this.free = [];
    this.length = 0;
    this.allocate(Math.max(MIN_CAPACITY, capacity));
  }

  private take(id: number): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.length === this.capacity) this.allocate(Math.ceil(this.capacity * 1.5));
      slot = this.length++;
    }
    this.slots.set(id, slot);
    return slot;
  }

  private write(slot: number, id: number, lon: number, lat: number, light: number): void {
    this.ids[slot] = id;
    this.positions[slot * 2] = lon;
    this.positions[slot * 2 + 1] = lat;
    this.lights[slot] = light;
    this.repaint(slot);
  }

  private repaint(slot: number): void {
    const code = this.lights[slot]!;
    const light = LIGHTS[code] ?? 'none';
    const visible = this.show === 'all' || code === YELLOW || code === RED;
    const fill = this.paint.fill[light];
    const o = slot * 4;
    for (let k = 0; k < 4; k++) {
      this.fill[o + k] = visible ? fill[k]! : 0;
      this.line[o + k] = visible ? this.paint.line[k]! : 0;
    }
    this.radius[slot] = visible ? this.paint.radius[light] : 0;
  }

  /** Grows (or first sizes) every array, keeping what is there; new arrays, so the layer re-reads them. */
  private allocate(capacity: number): void {
    const grow = <T extends Float32Array | Uint8Array | Uint32Array>(old: T, make: (n: number) => T, per: number): T => {
      const next = make(capacity * per);
      next.set(old.subarray(0, Math.min(old.length, capacity * per)));
      return next;
    };
    this.ids = grow(this.ids, (n) => new Uint32Array(n), 1);
    this.positions = grow(this.positions, (n) => new Float32Array(n), 2);
    this.lights = grow(this.lights, (n) => new Uint8Array(n), 1);
    this.fill = grow(this.fill, (n) => new Uint8Array(n), 4);
    this.line = grow(this.line, (n) => new Uint8Array(n), 4);
    this.radius = grow(this.radius, (n) => new Float32Array(n), 1);
    this.capacity = capacity;
  }
}

/**
 * Copies what the board's fold changed into the columns: a case on the board after the fold is put in its
 * slot, one that left is dropped (first: the newcomers reuse its slot). Returns how many cases changed.
 */
export function syncColumns(cols: CaseColumns, changed: Iterable<number>, after: ReadonlyMap<number, CaseFacts>): number {
  const puts: CaseFacts[] = [];
  let n = 0;
  // drops first, so that the cases that came in the same batch take the slots that were freed
  for (const id of changed) {
    const c = after.get(id);
    if (c) puts.push(c);
    else cols.drop(id);
    n++;
  }
  for (const c of puts) cols.put(c);
  if (n > 0) cols.touch();
  return n;
}

/**
 * The open cases of a map that only draws them (the dispatch desk): a board of cases folded by `applyEvents`
 * and its columns. Seeded from the binary snapshot; events older than it are dropped by version.
 */
export class LiveCaseMap {
  board: BoardState = emptyBoard();
  readonly columns: CaseColumns;
  /** events folded before the snapshot came, to fold again onto it */
  private early: LiveEvent[] = [];
  private loaded = false;

  constructor(paint: ColumnPaint) {
    this.columns = new CaseColumns(paint);
  }

  load(snapshot: DecodedOpenCases): void {
    const fresh = boardFromSnapshot({ cases: openCaseFacts(snapshot), teams: [], lastEventId: snapshot.lastEventId });
    const { state, changedCases } = applyEvents(fresh, this.early.filter((e) => e.id > snapshot.lastEventId));
    this.board = state;
    this.early = [];
    this.loaded = true;
    this.columns.loadDecoded(snapshot);
    syncColumns(this.columns, changedCases, state.cases);
  }

  /** Folds a batch; says whether anything the map draws changed. */
  fold(events: readonly LiveEvent[]): boolean {
    if (!this.loaded) {
      for (const e of events) this.early.push(e);
      return false;
    }
    const { state, changedCases } = applyEvents(this.board, events);
    this.board = state;
    return syncColumns(this.columns, changedCases, state.cases) > 0;
  }
}
