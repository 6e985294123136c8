import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { multiPolygonAreaKm2 } from '../src/geo.ts';

export const area = (g: MultiPolygon): number => multiPolygonAreaKm2(g);

export function intersectionArea(a: MultiPolygon, b: MultiPolygon): number {
  const r = turf.intersect(turf.featureCollection<Polygon | MultiPolygon>([turf.feature(a), turf.feature(b)]));
  if (!r) return 0;
  const g = r.geometry;
  return area(g.type === 'Polygon' ? { type: 'MultiPolygon', coordinates: [g.coordinates] } : g);
}

export function unionArea(geoms: MultiPolygon[]): number {
  const r = turf.union(turf.featureCollection(geoms.map((g) => turf.feature(g) as Feature<MultiPolygon>)));
  if (!r) return 0;
  const g = r.geometry;
  return area(g.type === 'Polygon' ? { type: 'MultiPolygon', coordinates: [g.coordinates] } : g);
}
