/**
 * The freehand lasso of the patrol panel: while active, dragging on the map draws a ring (the map does not pan);
 * on release the grids whose label point lies inside are picked — read for the ring's bbox only (GET /api/grids
 * ?bbox=…&geometry=none), never the whole city — and the ring itself is kept as the zone's polygon when it does not
 * cross itself.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Map as MapLibreMap } from 'maplibre-gl';
import * as turf from '@turf/turf';
import type { BBox, GridProperties } from '../api/types.ts';
import { fetchGridsIn } from '../api/queries.ts';

type Pt = [number, number];

export interface Lasso {
  active: boolean;
  setActive(on: boolean | ((on: boolean) => boolean)): void;
  /** the ring being drawn (for its layer) */
  points: Pt[];
  /** hooks the mouse handlers to the map once it is loaded */
  attach(map: MapLibreMap): void;
}

/** The grids a closed ring picks, and the ring as a polygon when it is a valid one. */
export function lassoPick(pts: readonly Pt[], grids: readonly GridProperties[]): { codes: string[]; polygon: Pt[] | null } {
  if (pts.length < 3) return { codes: [], polygon: null };
  const poly = turf.polygon([[...pts, pts[0]!]]);
  const codes = grids.filter((g) => turf.booleanPointInPolygon(turf.point(g.labelPoint), poly)).map((g) => g.code);
  // a freehand ring that crosses itself is not a valid polygon: keep only the grids it picked
  return { codes, polygon: turf.kinks(poly).features.length === 0 ? [...pts] : null };
}

export function useLasso(map: MapLibreMap | null, onPicked: (codes: string[], polygon: Pt[] | null) => void, crosshair: boolean, onError?: (e: unknown) => void): Lasso {
  const [active, setActive] = useState(false);
  const [points, setPoints] = useState<Pt[]>([]);
  const ref = useRef({ active: false, drawing: false, pts: [] as Pt[] });
  ref.current.active = active;

  const finish = useRef<(pts: Pt[]) => void>(() => undefined);
  finish.current = (pts) => {
    setActive(false);
    setPoints([]);
    if (pts.length < 3) return;
    fetchGridsIn(turf.bbox(turf.lineString(pts)) as BBox).then(
      (fc) => {
        const grids = fc.features.map((f) => f.properties).filter((p): p is GridProperties => p != null);
        const { codes, polygon } = lassoPick(pts, grids);
        onPicked(codes, polygon);
      },
      (e: unknown) => onError?.(e),
    );
  };

  useEffect(() => {
    if (!map) return;
    if (active) map.dragPan.disable();
    else map.dragPan.enable();
    map.getCanvas().style.cursor = active || crosshair ? 'crosshair' : '';
  }, [map, active, crosshair]);

  const attach = useCallback((m: MapLibreMap) => {
    m.on('mousedown', (e) => {
      if (!ref.current.active) return;
      ref.current.drawing = true;
      ref.current.pts = [[e.lngLat.lng, e.lngLat.lat]];
    });
    m.on('mousemove', (e) => {
      const l = ref.current;
      if (!l.drawing) return;
      const a = m.project(l.pts[l.pts.length - 1]!);
      if (Math.hypot(a.x - e.point.x, a.y - e.point.y) < 5) return;
      l.pts = [...l.pts, [e.lngLat.lng, e.lngLat.lat]];
      setPoints(l.pts);
    });
    m.on('mouseup', () => {
      const l = ref.current;
      if (!l.drawing) return;
      l.drawing = false;
      finish.current(l.pts);
    });
  }, []);

  return { active, setActive, points, attach };
}
