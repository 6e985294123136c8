/**
 * What a click on the desk's map means: shift-click on a grid adds it to the patrol selection; a case point within
 * a few pixels wins over the grid under it; else the grid, else nothing.
 */
import type { Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import { LAYER_IDS } from '../map/style.ts';
import type { MapCase } from './queueModel.ts';

export type MapClick =
  | { kind: 'toggle'; code: string }
  | { kind: 'case'; id: number; gridCode: string }
  | { kind: 'grid'; code: string }
  | { kind: 'none' };

/** How close (screen pixels) a click must be to a case point to pick it. */
const CASE_PICK_PX = 9;

export function mapClickOf(map: MapLibreMap, e: MapMouseEvent, cases: readonly MapCase[]): MapClick {
  const hit = map.getLayer(LAYER_IDS.gridFill) ? map.queryRenderedFeatures(e.point, { layers: [LAYER_IDS.gridFill] })[0] : undefined;
  const code = hit?.properties?.code !== undefined ? String(hit.properties.code) : null;
  if (e.originalEvent.shiftKey && code) return { kind: 'toggle', code };
  let best: { id: number; gridCode: string; d: number } | null = null;
  for (const c of cases) {
    const pt = map.project([c.lon, c.lat]);
    const d = Math.hypot(pt.x - e.point.x, pt.y - e.point.y);
    if (d < CASE_PICK_PX && (!best || d < best.d)) best = { id: c.id, gridCode: c.gridCode, d };
  }
  if (best) return { kind: 'case', id: best.id, gridCode: best.gridCode };
  return code ? { kind: 'grid', code } : { kind: 'none' };
}
