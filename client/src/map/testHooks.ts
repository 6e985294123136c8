import type { Map as MapLibreMap } from 'maplibre-gl';

/**
 * Hooks the browser tests read. They are part of the client's contract: keep their names and meaning.
 * - `__GC_READY__` turns true once the style, the grid tiles and the text labels are on screen.
 * - `__GC__.project(lon, lat)` gives CSS pixels relative to the map container (which fills the viewport).
 */
export interface GridCommandTestApi {
  map: MapLibreMap;
  project(lon: number, lat: number): [number, number];
  selectedGridCode(): string | null;
}

declare global {
  interface Window {
    __GC_READY__?: boolean;
    __GC__?: GridCommandTestApi;
  }
}

export function exposeTestApi(map: MapLibreMap, selectedGridCode: () => string | null): void {
  window.__GC_READY__ = false;
  window.__GC__ = {
    map,
    project(lon, lat) {
      const p = map.project([lon, lat]);
      return [p.x, p.y];
    },
    selectedGridCode,
  };
}

export function markReady(ready: boolean): void {
  window.__GC_READY__ = ready;
}

export function clearTestApi(): void {
  window.__GC_READY__ = false;
  delete window.__GC__;
}
