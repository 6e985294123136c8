/**
 * One specialist layer on the MapLibre map: its vector tiles (/tiles/specialist_<code>.json) as a tinted fill and an
 * outline in the layer's legend colour, under the grid interaction outlines. Stable ids; switching replaces them.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { SpecialistLayer } from '@gridcommand/shared/schemas';
import { LAYER_IDS } from '../map/style.ts';

export const SPECIALIST_SOURCE = 'specialist';
export const SPECIALIST_FILL = 'specialist-fill';
export const SPECIALIST_LINE = 'specialist-line';

function clear(map: MapLibreMap): void {
  for (const id of [SPECIALIST_LINE, SPECIALIST_FILL]) if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(SPECIALIST_SOURCE)) map.removeSource(SPECIALIST_SOURCE);
}

/** Shows the layer (null: none). */
export function showSpecialistLayer(map: MapLibreMap, layer: SpecialistLayer | null, origin = window.location.origin): void {
  clear(map);
  if (!layer) return;
  map.addSource(SPECIALIST_SOURCE, { type: 'vector', url: `${origin.replace(/\/+$/, '')}/tiles/${layer.tileLayer}.json` });
  const before = map.getLayer(LAYER_IDS.gridHover) ? LAYER_IDS.gridHover : undefined;
  map.addLayer(
    {
      id: SPECIALIST_FILL,
      type: 'fill',
      source: SPECIALIST_SOURCE,
      'source-layer': layer.tileLayer,
      paint: { 'fill-color': layer.color, 'fill-opacity': ['case', ['==', ['get', 'level'], 2], 0.1, 0.22] },
    },
    before,
  );
  map.addLayer(
    {
      id: SPECIALIST_LINE,
      type: 'line',
      source: SPECIALIST_SOURCE,
      'source-layer': layer.tileLayer,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': layer.color,
        'line-width': ['case', ['==', ['get', 'level'], 2], 1.2, 3],
        'line-opacity': ['case', ['==', ['get', 'level'], 2], 0.6, 0.95],
      },
    },
    before,
  );
}
