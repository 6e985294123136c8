/** Pure deck.gl layer builders of the dispatcher's map: patrol grids, coverage gaps, the lasso, the picked point. */
import { GeoJsonLayer, LineLayer, PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { Feature, MultiPolygon } from 'geojson';
import type { Rgba } from '../map/theme.ts';

export type GridShape = Feature<MultiPolygon, { code: string }>;

export interface GridSetLayerInput {
  id: string;
  grids: readonly GridShape[];
  fill: Rgba;
  line: Rgba;
  lineWidth?: number;
}

/** A set of grids filled and outlined (the patrol selection, zones of the shift, uncovered grids). */
export function buildGridSetLayer({ id, grids, fill, line, lineWidth = 1.5 }: GridSetLayerInput): Layer {
  return new GeoJsonLayer<{ code: string }>({
    id,
    data: grids as GridShape[],
    pickable: false,
    stroked: true,
    filled: true,
    getFillColor: fill,
    getLineColor: line,
    lineWidthUnits: 'pixels',
    getLineWidth: lineWidth,
    parameters: { depthCompare: 'always' },
  });
}

export function buildLassoLayer(points: readonly [number, number][]): Layer | null {
  if (points.length < 2) return null;
  return new PathLayer<{ path: [number, number][] }>({
    id: 'dispatch-lasso',
    data: [{ path: [...points, points[0]!] }],
    getPath: (d) => d.path,
    getColor: [56, 189, 248, 255],
    getWidth: 2,
    widthUnits: 'pixels',
    parameters: { depthCompare: 'always' },
  });
}

/** A ring around the selected case or the picked intake point. */
export function buildMarkerLayer(id: string, point: { lon: number; lat: number } | null, colour: Rgba): Layer | null {
  if (!point) return null;
  return new ScatterplotLayer<{ lon: number; lat: number }>({
    id,
    data: [point],
    getPosition: (d) => [d.lon, d.lat],
    radiusUnits: 'pixels',
    getRadius: 13,
    stroked: true,
    filled: true,
    getFillColor: [colour[0], colour[1], colour[2], 40],
    getLineColor: colour,
    lineWidthUnits: 'pixels',
    getLineWidth: 2.5,
    parameters: { depthCompare: 'always' },
  });
}

/** Dashed-looking lines from a case to the candidate teams (the first one brighter). */
export function buildCandidateLines(from: { lon: number; lat: number } | null, to: readonly { lon: number; lat: number }[]): Layer | null {
  if (!from || to.length === 0) return null;
  return new LineLayer<{ s: [number, number]; t: [number, number]; first: boolean }>({
    id: 'dispatch-candidates',
    data: to.map((p, i) => ({ s: [from.lon, from.lat], t: [p.lon, p.lat], first: i === 0 })),
    getSourcePosition: (d) => d.s,
    getTargetPosition: (d) => d.t,
    getColor: (d) => (d.first ? [52, 211, 153, 230] : [148, 163, 184, 140]),
    getWidth: (d) => (d.first ? 2.5 : 1.2),
    widthUnits: 'pixels',
    parameters: { depthCompare: 'always' },
  });
}
