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

/** Degrees a grid window snaps to: panning within one step reads nothing new. */
export const GRID_WINDOW_STEP = 0.05;
/** Widest window (degrees, each side) read for labels: a view wider than this shows no grid labels anyway. */
export const GRID_WINDOW_MAX_SPAN = 1;

/**
 * The window of grids a map reads its grid labels and lookups for (GET /api/grids?bbox=…&geometry=none): the
 * viewport snapped outward to GRID_WINDOW_STEP, or null while the map is zoomed out past `minZoom` (the grid labels'
 * band) or the view is wider than GRID_WINDOW_MAX_SPAN — so a city of 50,000 grids is never read whole.
 */
export function gridWindow(view: BBox, zoom: number, minZoom: number): BBox | null {
  if (!isValidBBox(view) || !Number.isFinite(zoom) || zoom < minZoom) return null;
  const s = GRID_WINDOW_STEP;
  const snap = (v: number, up: boolean) => Number(((up ? Math.ceil(v / s - 1e-9) : Math.floor(v / s + 1e-9)) * s).toFixed(6));
  const w: BBox = [
    Math.max(-180, snap(view[0], false)),
    Math.max(-90, snap(view[1], false)),
    Math.min(180, snap(view[2], true)),
    Math.min(90, snap(view[3], true)),
  ];
  if (w[2] - w[0] > GRID_WINDOW_MAX_SPAN || w[3] - w[1] > GRID_WINDOW_MAX_SPAN) return null;
  return w;
}
