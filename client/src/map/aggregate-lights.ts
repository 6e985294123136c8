/**
 * The light of the grid tiles' aggregates (MVT layer grid_agg, zoomed out: server/src/modules/tiles/plan.ts): the
 * worst light of the grids inside, a grid being inside an aggregate when its code starts with the aggregate's code
 * (community 12 digits, street 9, district 6). Kept incrementally from the grid lights a page already has: each
 * change touches the three ancestors of one grid. Listeners get (aggregate code, light); the feature id of an
 * aggregate in grid_agg is its code as a number (style.ts aggregateFeatureId).
 */
import { LIGHTS, lightRank, type Light } from '@gridcommand/shared/domain';

/** Leading digits of a grid code naming its aggregates: community, street, district. */
export const AGGREGATE_PREFIXES = [12, 9, 6] as const;

export type AggregateLightListener = (code: string, light: Light) => void;

export class AggregateLights {
  /** grid code → its light (grids without light are absent) */
  private readonly grid = new Map<string, Light>();
  /** aggregate code → how many of its grids show each light (indexed by lightRank, LIGHTS from best to worst) */
  private readonly counts = new Map<string, number[]>();
  private readonly shown = new Map<string, Light>();

  constructor(private readonly listener: AggregateLightListener) {}

  /** A grid's light changed ('none': unlit). */
  set(gridCode: string, light: Light): void {
    const old = this.grid.get(gridCode) ?? 'none';
    if (old === light) return;
    if (light === 'none') this.grid.delete(gridCode);
    else this.grid.set(gridCode, light);
    for (const n of AGGREGATE_PREFIXES) {
      if (gridCode.length <= n) continue;
      const code = gridCode.slice(0, n);
      let c = this.counts.get(code);
      if (!c) this.counts.set(code, (c = LIGHTS.map(() => 0)));
      if (old !== 'none') c[lightRank(old)]!--;
      if (light !== 'none') c[lightRank(light)]!++;
      let worst = 0;
      for (let i = c.length - 1; i > 0; i--) if (c[i]! > 0) { worst = i; break; }
      if (worst === 0) this.counts.delete(code);
      const next = LIGHTS[worst]!;
      if ((this.shown.get(code) ?? 'none') === next) continue;
      if (next === 'none') this.shown.delete(code);
      else this.shown.set(code, next);
      this.listener(code, next);
    }
  }

  /** aggregate code → light, for every lit aggregate */
  lights(): ReadonlyMap<string, Light> {
    return this.shown;
  }

  /** The worst light of an aggregate's grids. */
  lightOf(code: string): Light {
    return this.shown.get(code) ?? 'none';
  }
}
