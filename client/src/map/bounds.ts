import type { BBox } from '../api/types.ts';

/** Qingdao West Coast New Area, used until the server tells us the real district extent. */
export const DEFAULT_DISTRICT_BBOX: BBox = [119.6, 35.55, 120.35, 36.1];

export function isValidBBox(b: unknown): b is BBox {
  return (
    Array.isArray(b) &&
    b.length === 4 &&
    b.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    (b[0] as number) < (b[2] as number) &&
    (b[1] as number) < (b[3] as number)
  );
}

/** Padding that keeps the district clear of the header and the legend, scaled to the screen. */
export function fitPadding(width: number, height: number) {
  const s = Math.max(1, Math.min(2, width / 1920));
  const base = Math.round(Math.min(width, height) * 0.04);
  return { top: Math.round(72 * s) + base, bottom: base + Math.round(24 * s), left: base, right: base };
}
