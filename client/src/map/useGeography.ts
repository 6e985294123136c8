/**
 * The district's reference geography, read once and shared by the map page and the dispatcher's desk (one query
 * cache): the district, its streets, zones and communities as label sets, and the grids of the window the map shows
 * (map/bounds.ts gridWindow) for their labels and lookups by code. Feature-state needs no grid table: a grid's tile
 * feature id is its code as a number (areaFeatureId), so the city's 50,000 grids are never downloaded whole.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useArea, useAreas, useGridsIn } from '../api/queries.ts';
import type { BBox, GridProperties } from '../api/types.ts';
import type { MapLabels } from './MapView.tsx';
import { gridWindow } from './bounds.ts';
import { areaLabels, gridLabels, LABEL_ZOOMS } from './layers/labels.ts';

/** The demo district (青岛西海岸新区). */
export const DISTRICT_CODE = '370211';

const EMPTY: never[] = [];

function sameBBox(a: BBox | null, b: BBox | null): boolean {
  return a === b || (a !== null && b !== null && a.every((v, i) => v === b[i]));
}

/** The district and its areas as the maps draw and label them; the queries too, for counts and states. */
export function useGeography() {
  const district = useArea(DISTRICT_CODE);
  const streets = useAreas('street');
  const zones = useAreas('zone');
  const communities = useAreas('community');

  // the grids of the map's window: set from the map's view on every move end (watchViewport)
  const [view, setView] = useState<BBox | null>(null);
  const windowRef = useRef<BBox | null>(null);
  const watchViewport = useCallback((map: MapLibreMap) => {
    const update = () => {
      const b = map.getBounds();
      const next = gridWindow([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], map.getZoom(), LABEL_ZOOMS.grid[0]);
      if (sameBBox(windowRef.current, next)) return;
      windowRef.current = next;
      setView(next);
    };
    map.on('moveend', update);
    update();
  }, []);
  const grids = useGridsIn(view);
  const gridProps = useMemo<GridProperties[]>(
    () => (view === null ? EMPTY : (grids.data?.features ?? EMPTY).map((f) => f.properties).filter((p): p is GridProperties => p != null)),
    [grids.data, view],
  );
  const gridByCode = useMemo(() => new Map(gridProps.map((p) => [p.code, p])), [gridProps]);
  const labels = useMemo<MapLabels>(
    () => ({
      streets: areaLabels(streets.data?.items ?? EMPTY),
      zones: areaLabels(zones.data?.items ?? EMPTY),
      communities: areaLabels(communities.data?.items ?? EMPTY),
      grids: gridLabels(gridProps),
    }),
    [streets.data, zones.data, communities.data, gridProps],
  );
  return { district, streets, zones, communities, grids, gridByCode, labels, watchViewport };
}
