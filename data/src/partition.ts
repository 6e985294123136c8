/** Contiguous partition of a graph of units (Voronoi cells, communities) into regions of target sizes. */
import { distKm } from './geo.ts';

export interface Unit {
  x: number;
  y: number;
  /** size contributed to the region (e.g. 1 per grid) */
  weight: number;
}

class MinHeap {
  private readonly keys: number[] = [];
  private readonly vals: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  push(key: number, val: number): void {
    const k = this.keys, v = this.vals;
    let i = k.length;
    k.push(key);
    v.push(val);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p]! < key || (k[p] === key && v[p]! <= val)) break;
      k[i] = k[p]!;
      v[i] = v[p]!;
      i = p;
    }
    k[i] = key;
    v[i] = val;
  }
  pop(): number {
    const k = this.keys, v = this.vals;
    const top = v[0]!;
    const lastK = k.pop()!;
    const lastV = v.pop()!;
    const n = k.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && (k[r]! < k[l]! || (k[r] === k[l] && v[r]! < v[l]!)) ? r : l;
        if (k[c]! > lastK || (k[c] === lastK && v[c]! > lastV)) break;
        k[i] = k[c]!;
        v[i] = v[c]!;
        i = c;
      }
      k[i] = lastK;
      v[i] = lastV;
    }
    return top;
  }
}

/**
 * Multiplicatively weighted "graph Voronoi": regions grow from their seed units over the adjacency graph in order
 * of distance(seed)/w, so each region is connected. The weights w are adjusted over a few rounds so that region
 * sizes approach their targets. Units unreachable from any seed (e.g. islands) join the region of the nearest
 * owned unit. Returns the region index of every unit.
 */
export function partitionGraph(
  units: readonly Unit[],
  adjacency: readonly (readonly number[])[],
  seeds: readonly number[],
  targets: readonly number[],
  rounds = 40,
): number[] {
  const k = seeds.length;
  const w = Array.from({ length: k }, (): number => 1);
  let best: number[] | null = null;
  let bestErr = Infinity;
  for (let round = 0; round < rounds; round++) {
    const owner = flood(units, adjacency, seeds, w);
    const sizes = Array.from({ length: k }, (): number => 0);
    owner.forEach((o, i) => (sizes[o] = sizes[o]! + units[i]!.weight));
    let err = 0;
    for (let r = 0; r < k; r++) err += Math.abs(sizes[r]! - targets[r]!) / Math.max(1, targets[r]!);
    if (err < bestErr) {
      bestErr = err;
      best = owner;
    }
    for (let r = 0; r < k; r++) {
      const ratio = Math.max(0.25, Math.min(4, targets[r]! / Math.max(0.5, sizes[r]!)));
      w[r] = w[r]! * Math.pow(ratio, 0.5);
    }
  }
  return best!;
}

function flood(
  units: readonly Unit[],
  adjacency: readonly (readonly number[])[],
  seeds: readonly number[],
  w: readonly number[],
): number[] {
  const n = units.length;
  const owner = Array.from({ length: n }, (): number => -1);
  const heap = new MinHeap();
  const k = seeds.length;
  const key = (r: number, u: number): number => {
    const s = units[seeds[r]!]!;
    const t = units[u]!;
    return distKm(s.x, s.y, t.x, t.y) / w[r]!;
  };
  seeds.forEach((s, r) => {
    owner[s] = r;
  });
  seeds.forEach((s, r) => {
    for (const nb of adjacency[s]!) if (owner[nb] === -1) heap.push(key(r, nb), nb * k + r);
  });
  while (heap.size > 0) {
    const code = heap.pop();
    const u = Math.floor(code / k);
    const r = code % k;
    if (owner[u] !== -1) continue;
    owner[u] = r;
    for (const nb of adjacency[u]!) if (owner[nb] === -1) heap.push(key(r, nb), nb * k + r);
  }
  // unreachable units: attach to the nearest owned unit, repeatedly (nearest first)
  for (;;) {
    let bestU = -1, bestV = -1, bestD = Infinity;
    for (let u = 0; u < n; u++) {
      if (owner[u] !== -1) continue;
      for (let v = 0; v < n; v++) {
        if (owner[v] === -1) continue;
        const d = distKm(units[u]!.x, units[u]!.y, units[v]!.x, units[v]!.y);
        if (d < bestD) {
          bestD = d;
          bestU = u;
          bestV = v;
        }
      }
    }
    if (bestU === -1) break;
    owner[bestU] = owner[bestV]!;
  }
  return owner;
}

/** Deterministic k-means (k-means++ style start from a given rng draw list) on unit positions; returns k distinct seed units. */
export function kMeansSeeds(units: readonly Unit[], members: readonly number[], k: number, rand: () => number): number[] {
  if (k >= members.length) return [...members];
  const px = (u: number): number => units[u]!.x * 0.8; // rough km-isotropy (lon degrees are shorter)
  const py = (u: number): number => units[u]!.y;
  const centers: [number, number][] = [];
  const first = members[Math.floor(rand() * members.length)]!;
  centers.push([px(first), py(first)]);
  while (centers.length < k) {
    const d2 = members.map((u) => Math.min(...centers.map((c) => (px(u) - c[0]) ** 2 + (py(u) - c[1]) ** 2)));
    const total = d2.reduce((a, b) => a + b, 0);
    let t = rand() * total;
    let pick = members[members.length - 1]!;
    for (let i = 0; i < members.length; i++) {
      t -= d2[i]!;
      if (t <= 0) {
        pick = members[i]!;
        break;
      }
    }
    centers.push([px(pick), py(pick)]);
  }
  for (let iter = 0; iter < 25; iter++) {
    const sx = Array.from({ length: k }, (): number => 0), sy = Array.from({ length: k }, (): number => 0), sn = Array.from({ length: k }, (): number => 0);
    for (const u of members) {
      let bi = 0, bd = Infinity;
      centers.forEach((c, i) => {
        const d = (px(u) - c[0]) ** 2 + (py(u) - c[1]) ** 2;
        if (d < bd) {
          bd = d;
          bi = i;
        }
      });
      sx[bi] = sx[bi]! + px(u);
      sy[bi] = sy[bi]! + py(u);
      sn[bi] = sn[bi]! + 1;
    }
    centers.forEach((c, i) => {
      if (sn[i]! > 0) {
        c[0] = sx[i]! / sn[i]!;
        c[1] = sy[i]! / sn[i]!;
      }
    });
  }
  // snap each center to the nearest unused member unit
  const used = new Set<number>();
  return centers.map((c) => {
    let bu = -1, bd = Infinity;
    for (const u of members) {
      if (used.has(u)) continue;
      const d = (px(u) - c[0]) ** 2 + (py(u) - c[1]) ** 2;
      if (d < bd) {
        bd = d;
        bu = u;
      }
    }
    used.add(bu);
    return bu;
  });
}
