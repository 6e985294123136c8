/**
 * The light each grid shows on the wall's map, derived from the board's open cases: the worst light of the open
 * cases in the grid (the same rule as `gridLightsOf` in shared/src/domain/board.ts), kept incrementally from the
 * cases a fold changed, and translated from grid codes to the tile feature ids the map sets feature-state on (the
 * code as a number: areaFeatureId in shared/src/domain/codes.ts, no table of every grid needed).
 *
 * Until the open-case snapshot has arrived, the grid-lights snapshot (GET /api/map/grid-lights) stands in for
 * it: a grid shows the worse of its placeholder and what the cases known so far say. Once the cases are known
 * the placeholder is dropped.
 */
import { areaFeatureId, worstLight, type Light } from '@gridcommand/shared/domain';
import type { CaseFacts, GridLightItem } from '@gridcommand/shared/schemas';

/**
 * A tile's light changed. `code` is the grid's code (for the aggregates zoomed out: map/aggregate-lights.ts); a
 * listener that only needs the tile id may leave it out.
 */
export type TileLightListener = (tileId: number, light: Light, code: string) => void;

export class GridLightIndex {
  /** grid code → ids of the open cases in it */
  private readonly casesByGrid = new Map<string, Set<number>>();
  /** grid code → worst light of its open cases (grids without open cases are absent) */
  private readonly lightByGrid = new Map<string, Light>();
  /** the grid-lights snapshot: grid code → light */
  private readonly placeholder = new Map<string, Light>();
  private placeholderActive = true;
  /** tile id → the light shown (absent: neutral) */
  private readonly shown = new Map<number, Light>();
  /** tile id → the grid code it was lit for */
  private readonly codeOfTile = new Map<number, string>();
  private readonly listeners = new Set<TileLightListener>();

  onChange(fn: TileLightListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  clearListeners(): void {
    this.listeners.clear();
  }

  /** every tile with a light, for a map that (re)attaches */
  forEach(fn: (tileId: number, light: Light, code: string) => void): void {
    for (const [id, l] of this.shown) fn(id, l, this.codeOfTile.get(id) ?? '');
  }

  tileLight(tileId: number): Light {
    return this.shown.get(tileId) ?? 'none';
  }

  /** tile id → light, for every lit tile */
  tileLights(): ReadonlyMap<number, Light> {
    return this.shown;
  }

  /** grid code → worst light of its open cases: what `gridLightsOf(board)` says */
  gridLights(): ReadonlyMap<string, Light> {
    return this.lightByGrid;
  }

  /** The grid-lights snapshot; used while `casesKnown` has not been called. */
  setPlaceholder(items: readonly GridLightItem[], street: string | null): void {
    this.placeholder.clear();
    for (const g of items) {
      if (g.light === 'none' || (street !== null && !g.code.startsWith(street))) continue;
      this.placeholder.set(g.code, g.light);
    }
    if (this.placeholderActive) this.republish();
  }

  /** The open-case snapshot has arrived: from now on the cases alone decide. */
  casesKnown(): void {
    this.placeholderActive = false;
  }

  /** Rebuilds from every open case (after a snapshot). */
  reset(cases: Iterable<CaseFacts>): void {
    this.casesByGrid.clear();
    this.lightByGrid.clear();
    const all = new Map<number, CaseFacts>();
    for (const c of cases) {
      all.set(c.id, c);
      this.add(c);
    }
    for (const code of this.casesByGrid.keys()) this.recompute(code, all);
    this.republish();
  }

  /** Follows the cases a fold changed: `before` and `after` are the board's cases around the fold. */
  update(changed: Iterable<number>, before: ReadonlyMap<number, CaseFacts>, after: ReadonlyMap<number, CaseFacts>): void {
    const touched = new Set<string>();
    for (const id of changed) {
      const old = before.get(id);
      const now = after.get(id);
      if (old) {
        this.casesByGrid.get(old.gridCode)?.delete(id);
        touched.add(old.gridCode);
      }
      if (now) {
        this.add(now);
        touched.add(now.gridCode);
      }
    }
    for (const code of touched) {
      this.recompute(code, after);
      this.publish(code);
    }
  }

  private add(c: CaseFacts): void {
    let set = this.casesByGrid.get(c.gridCode);
    if (!set) this.casesByGrid.set(c.gridCode, (set = new Set()));
    set.add(c.id);
  }

  private recompute(code: string, cases: ReadonlyMap<number, CaseFacts>): void {
    const ids = this.casesByGrid.get(code);
    if (!ids || ids.size === 0) {
      this.casesByGrid.delete(code);
      this.lightByGrid.delete(code);
      return;
    }
    const lights: Light[] = [];
    for (const id of ids) {
      const c = cases.get(id);
      if (c) lights.push(c.light);
    }
    this.lightByGrid.set(code, worstLight(lights));
  }

  private tileOf(code: string): number | undefined {
    return areaFeatureId(code) ?? undefined;
  }

  private wanted(code: string): Light {
    const fromCases = this.lightByGrid.get(code) ?? 'none';
    if (!this.placeholderActive) return fromCases;
    return worstLight([fromCases, this.placeholder.get(code) ?? 'none']);
  }

  private set(tileId: number, light: Light, code: string): void {
    if ((this.shown.get(tileId) ?? 'none') === light) return;
    if (light === 'none') {
      this.shown.delete(tileId);
      this.codeOfTile.delete(tileId);
    } else {
      this.shown.set(tileId, light);
      this.codeOfTile.set(tileId, code);
    }
    for (const fn of this.listeners) fn(tileId, light, code);
  }

  private publish(code: string): void {
    const tile = this.tileOf(code);
    if (tile !== undefined) this.set(tile, this.wanted(code), code);
  }

  /** Recomputes every tile (after a snapshot or the placeholder's end). */
  private republish(): void {
    const next = new Map<number, Light>();
    const codeOf = new Map<number, string>();
    const codes = new Set(this.lightByGrid.keys());
    if (this.placeholderActive) for (const code of this.placeholder.keys()) codes.add(code);
    for (const code of codes) {
      const tile = this.tileOf(code);
      const light = this.wanted(code);
      if (tile !== undefined && light !== 'none') {
        next.set(tile, worstLight([next.get(tile) ?? 'none', light]));
        codeOf.set(tile, code);
      }
    }
    const gone: number[] = [];
    for (const id of this.shown.keys()) if (!next.has(id)) gone.push(id);
    for (const id of gone) this.set(id, 'none', this.codeOfTile.get(id) ?? '');
    for (const [id, light] of next) this.set(id, light, codeOf.get(id)!);
  }
}
