/** Planar helpers on lon/lat rings: rounding, cleaning, winding, areas, point-in-polygon. */
import type { MultiPolygon, Polygon, Position } from 'geojson';

export type Ring = Position[];

/** Kilometres per degree around latitude 35.9° (local equirectangular approximation). */
export const KM_PER_DEG_LON = 111.32 * Math.cos((35.9 * Math.PI) / 180);
export const KM_PER_DEG_LAT = 110.95;

export const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

export function distKm(ax: number, ay: number, bx: number, by: number): number {
  return Math.hypot((ax - bx) * KM_PER_DEG_LON, (ay - by) * KM_PER_DEG_LAT);
}

/** Signed area of a closed ring in degrees² (positive = counter-clockwise). */
export function ringSignedArea(ring: Ring): number {
  let s = 0;
  for (let i = 0, n = ring.length - 1; i < n; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    s += a[0]! * b[1]! - b[0]! * a[1]!;
  }
  return s / 2;
}

/** Planar area in km² (good enough for ratios and tolerances inside one district). */
export function multiPolygonAreaKm2(mp: MultiPolygon): number {
  let s = 0;
  for (const poly of mp.coordinates) {
    poly.forEach((ring, i) => {
      const a = Math.abs(ringSignedArea(ring));
      s += i === 0 ? a : -a;
    });
  }
  return s * KM_PER_DEG_LON * KM_PER_DEG_LAT;
}

const samePoint = (a: Position, b: Position): boolean => a[0] === b[0] && a[1] === b[1];

/**
 * Round to 6 decimals and clean a ring: drop repeated points, spikes (A-B-A) and collinear points.
 * Returns null when fewer than 3 distinct corners remain. The result is closed.
 */
export function cleanRing(ring: Ring, round = true): Ring | null {
  let pts: Position[] = ring.map((p) => (round ? [round6(p[0]!), round6(p[1]!)] : [p[0]!, p[1]!]));
  if (pts.length > 1 && samePoint(pts[0]!, pts[pts.length - 1]!)) pts.pop();
  let changed = true;
  while (changed && pts.length >= 3) {
    changed = false;
    const out: Position[] = [];
    for (const p of pts) {
      if (out.length > 0 && samePoint(out[out.length - 1]!, p)) {
        changed = true;
        continue;
      }
      out.push(p);
    }
    while (out.length > 1 && samePoint(out[0]!, out[out.length - 1]!)) {
      out.pop();
      changed = true;
    }
    const n = out.length;
    if (n < 3) return null;
    const keep: boolean[] = Array.from({ length: n }, (): boolean => true);
    for (let i = 0; i < n; i++) {
      const a = out[(i - 1 + n) % n]!;
      const b = out[i]!;
      const c = out[(i + 1) % n]!;
      const cross = (b[0]! - a[0]!) * (c[1]! - b[1]!) - (b[1]! - a[1]!) * (c[0]! - b[0]!);
      if (cross === 0) {
        keep[i] = false; // collinear or spike
        changed = true;
        break; // re-scan after each removal: neighbours change
      }
    }
    pts = out.filter((_, i) => keep[i]);
  }
  if (pts.length < 3) return null;
  return [...pts, [pts[0]![0]!, pts[0]![1]!]];
}

/** RFC 7946: exterior rings counter-clockwise, holes clockwise. */
export function orientPolygon(poly: Ring[]): Ring[] {
  return poly.map((ring, i) => {
    const ccw = ringSignedArea(ring) > 0;
    return (i === 0) === ccw ? ring : [...ring].reverse();
  });
}

/** Round, clean and orient a Polygon/MultiPolygon; drops degenerate parts. */
export function normalizeGeometry(g: Polygon | MultiPolygon, round = true): MultiPolygon {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  const out: Ring[][] = [];
  for (const poly of polys) {
    const outer = cleanRing(poly[0]!, round);
    if (!outer || Math.abs(ringSignedArea(outer)) < 1e-12) continue;
    const holes = poly
      .slice(1)
      .map((r) => cleanRing(r, round))
      .filter((r): r is Ring => r !== null && Math.abs(ringSignedArea(r)) >= 1e-12);
    out.push(orientPolygon([outer, ...holes]));
  }
  return { type: 'MultiPolygon', coordinates: out };
}

/** Fast even-odd point-in-polygon over a MultiPolygon, with a bbox per part. */
export class PointIndex {
  private readonly parts: { bbox: [number, number, number, number]; rings: Float64Array[] }[];
  constructor(mp: MultiPolygon) {
    this.parts = mp.coordinates.map((poly) => {
      const outer = poly[0]!;
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (const p of outer) {
        minX = Math.min(minX, p[0]!); maxX = Math.max(maxX, p[0]!);
        minY = Math.min(minY, p[1]!); maxY = Math.max(maxY, p[1]!);
      }
      return { bbox: [minX, minY, maxX, maxY], rings: poly.map((r) => Float64Array.from(r.flatMap((p) => [p[0]!, p[1]!]))) };
    });
  }
  contains(x: number, y: number): boolean {
    for (const part of this.parts) {
      const [a, b, c, d] = part.bbox;
      if (x < a || x > c || y < b || y > d) continue;
      let inside = false;
      for (const r of part.rings) {
        for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
          const xi = r[i]!, yi = r[i + 1]!, xj = r[j]!, yj = r[j + 1]!;
          if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
        }
      }
      if (inside) return true;
    }
    return false;
  }
}

export function bboxOf(mp: MultiPolygon): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const poly of mp.coordinates) for (const p of poly[0]!) {
    minX = Math.min(minX, p[0]!); maxX = Math.max(maxX, p[0]!);
    minY = Math.min(minY, p[1]!); maxY = Math.max(maxY, p[1]!);
  }
  return [minX, minY, maxX, maxY];
}
