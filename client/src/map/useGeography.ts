/**
 * The district's reference geography, read once and shared by the map page and the dispatcher's desk (one query
 * cache): the district, its streets, zones, communities and grids, as label sets and lookups by grid code.
 */
import { useMemo } from 'react';
import { useArea, useAreas, useGrids } from '../api/queries.ts';
import type { GridProperties } from '../api/types.ts';
import type { MapLabels } from './MapView.tsx';
import { areaLabels, gridLabels } from './layers/labels.ts';

/** The demo district (青岛西海岸新区). */
export const DISTRICT_CODE = '370211';

const EMPTY: never[] = [];

/** The district and its areas as the maps draw and label them; the queries too, for counts and states. */
export function useGeography() {
  const district = useArea(DISTRICT_CODE);
  const streets = useAreas('street');
  const zones = useAreas('zone');
  const communities = useAreas('community');
  const grids = useGrids();
  const gridProps = useMemo<GridProperties[]>(
    () => (grids.data?.features ?? EMPTY).map((f) => f.properties).filter((p): p is GridProperties => p != null),
    [grids.data],
  );
  const gridByCode = useMemo(() => new Map(gridProps.map((p) => [p.code, p])), [gridProps]);
  const gridIdByCode = useMemo(() => new Map(gridProps.map((p) => [p.code, p.id])), [gridProps]);
  const labels = useMemo<MapLabels>(
    () => ({
      streets: areaLabels(streets.data?.items ?? EMPTY),
      zones: areaLabels(zones.data?.items ?? EMPTY),
      communities: areaLabels(communities.data?.items ?? EMPTY),
      grids: gridLabels(gridProps),
    }),
    [streets.data, zones.data, communities.data, gridProps],
  );
  return { district, streets, zones, communities, grids, gridProps, gridByCode, gridIdByCode, labels };
}
