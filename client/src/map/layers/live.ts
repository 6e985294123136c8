/**
 * Pure deck.gl layer builders of live data (wall, insights). Same input → same layers with stable ids, so
 * deck.gl only diffs; colour changes in place travel through `updateTriggers` (a version number), never by
 * re-creating the data array.
 */
import { ColumnLayer, IconLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { Layer } from '@deck.gl/core';
import type { Light } from '@gridcommand/shared/domain';
import { CJK_FONT_STACK, hexToRgba, palette, type Rgba } from '../theme.ts';
import type { CaseColumns, ShowMode } from '../../wall/case-columns.ts';
import { CASE_RIM, LIGHT_RADIUS, LIGHT_RGBA } from './case-paint.ts';

export { LIGHT_RGBA };

export interface CasePoint {
  id: number;
  lon: number;
  lat: number;
  light: Light;
  priority: string;
}

export interface CaseLayerInput<T extends CasePoint> {
  data: T[];
  /** bump when a light changed in place */
  colourVersion: number;
  /** 'overdue' leaves only yellow and red visible */
  show: 'all' | 'overdue';
  /** 1 at 1080p */
  scale: number;
}

const hidden: Rgba = [0, 0, 0, 0];

/** Open cases as points coloured by light, with a dark rim so they read on any grid colour. */
export function buildCaseLayer<T extends CasePoint>({ data, colourVersion, show, scale }: CaseLayerInput<T>): Layer {
  const visible = (d: T) => show === 'all' || d.light === 'yellow' || d.light === 'red';
  return new ScatterplotLayer<T>({
    id: 'live-cases',
    data,
    pickable: false,
    radiusUnits: 'pixels',
    getPosition: (d) => [d.lon, d.lat],
    getRadius: (d) => (!visible(d) ? 0 : LIGHT_RADIUS[d.light]),
    radiusScale: scale,
    getFillColor: (d) => (visible(d) ? LIGHT_RGBA[d.light] : hidden),
    stroked: true,
    getLineColor: (d) => (visible(d) ? CASE_RIM : hidden),
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    lineWidthScale: scale,
    updateTriggers: { getFillColor: [colourVersion, show], getRadius: [colourVersion, show], getLineColor: [colourVersion, show] },
    parameters: { depthCompare: 'always' },
  });
}

export interface CaseColumnsLayerInput {
  /** 'live-cases' unless given */
  id?: string;
  columns: CaseColumns;
  /** the columns' version: bumps whenever a byte changed (the layer's data is a new object then) */
  version: number;
  show: ShowMode;
  scale: number;
}

/**
 * Open cases drawn straight from typed arrays (deck.gl binary attributes, docs/map-data.md): positions, colours
 * and radii are the columns' own buffers, rewritten in place by live events; no object per case.
 */
export function buildCaseColumnsLayer({ id = 'live-cases', columns, version, show, scale }: CaseColumnsLayerInput): Layer {
  columns.setShow(show);
  void version;
  return new ScatterplotLayer({
    id,
    data: columns.layerData(),
    pickable: false,
    radiusUnits: 'pixels',
    radiusScale: scale,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    lineWidthScale: scale,
    parameters: { depthCompare: 'always' },
  });
}

/**
 * Emergencies: a solid core and two expanding rings. `phase` (0..1, advanced by the page on a timer) drives
 * only uniforms (radiusScale, opacity): no attribute is recomputed while the rings pulse.
 */
export function buildEmergencyLayers<T extends CasePoint>(data: T[], phase: number, scale: number): Layer[] {
  if (data.length === 0) return [];
  const ring = (id: string, p: number) =>
    new ScatterplotLayer<T>({
      id,
      data,
      pickable: false,
      radiusUnits: 'pixels',
      getPosition: (d) => [d.lon, d.lat],
      getRadius: 10,
      radiusScale: scale * (1 + 3.2 * p),
      stroked: true,
      filled: true,
      getFillColor: [239, 68, 68, 40],
      getLineColor: [255, 90, 90, 255],
      lineWidthUnits: 'pixels',
      getLineWidth: 2.5 * scale,
      opacity: Math.max(0, 1 - p) * 0.95,
      parameters: { depthCompare: 'always' },
    });
  return [
    ring('emergency-ring-a', phase),
    ring('emergency-ring-b', (phase + 0.5) % 1),
    new ScatterplotLayer<T>({
      id: 'emergency-core',
      data,
      pickable: false,
      radiusUnits: 'pixels',
      getPosition: (d) => [d.lon, d.lat],
      getRadius: 7 * scale,
      getFillColor: [255, 59, 48, 255],
      stroked: true,
      getLineColor: [255, 255, 255, 255],
      lineWidthUnits: 'pixels',
      getLineWidth: 2 * scale,
      parameters: { depthCompare: 'always' },
    }),
  ];
}

export interface TeamPoint {
  id: number;
  name: string;
  status: string;
  lon: number | null;
  lat: number | null;
}

export const TEAM_STATUS_RGBA: Record<string, Rgba> = {
  available: [52, 211, 153, 255],
  en_route: [56, 189, 248, 255],
  on_scene: [251, 146, 60, 255],
  off_duty: [100, 116, 139, 220],
};

/** A shield with a person, drawn as a mask (coloured per team by getColor). */
const TEAM_ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="72" viewBox="0 0 64 72">' +
  '<path d="M32 2 L60 12 V34 C60 52 47 64 32 70 C17 64 4 52 4 34 V12 Z" fill="#fff"/>' +
  '<circle cx="32" cy="26" r="9" fill="#000" fill-opacity="0.55"/>' +
  '<path d="M16 52 C18 42 25 38 32 38 C39 38 46 42 48 52 Z" fill="#000" fill-opacity="0.55"/>' +
  '</svg>';
const TEAM_ICON = {
  id: 'team-shield',
  url: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(TEAM_ICON_SVG)}`,
  width: 64,
  height: 72,
  anchorY: 72,
  mask: true,
};

/** Patrol teams as shield icons coloured by status; names when `labels` (the teams mode). */
export function buildTeamLayers<T extends TeamPoint>(data: T[], version: number, scale: number, emphasis: boolean, labels = emphasis): Layer[] {
  const placed = data.filter((t) => t.lon !== null && t.lat !== null);
  const layers: Layer[] = [
    new IconLayer<T>({
      id: 'live-teams',
      data: placed,
      pickable: false,
      getIcon: () => TEAM_ICON,
      getPosition: (d) => [d.lon as number, d.lat as number],
      getColor: (d) => TEAM_STATUS_RGBA[d.status] ?? TEAM_STATUS_RGBA.off_duty!,
      getSize: emphasis ? 24 : 15,
      sizeUnits: 'pixels',
      sizeScale: scale,
      opacity: emphasis ? 1 : 0.85,
      updateTriggers: { getColor: version, getPosition: version },
      parameters: { depthCompare: 'always' },
    }),
  ];
  if (labels && placed.length > 0) {
    layers.push(
      new TextLayer<T>({
        id: 'live-team-names',
        data: placed,
        pickable: false,
        getPosition: (d) => [d.lon as number, d.lat as number],
        getText: (d) => d.name,
        getColor: [226, 232, 240, 255],
        getSize: 13 * scale,
        sizeUnits: 'pixels',
        getPixelOffset: [0, 10 * scale],
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'top',
        characterSet: 'auto',
        fontFamily: CJK_FONT_STACK,
        fontWeight: 600,
        fontSettings: { sdf: true, fontSize: 64, buffer: 6, radius: 12, cutoff: 0.22 },
        outlineWidth: 0.3,
        outlineColor: hexToRgba(palette.labelOutline, 235),
        updateTriggers: { getPosition: version },
        parameters: { depthCompare: 'always' },
      }),
    );
  }
  return layers;
}

// ── density ─────────────────────────────────────────────────────────

/** Colours of the fixed density scale, one per class (breaks.length + 1 classes). */
export const DENSITY_COLOURS: Rgba[] = [
  [30, 64, 110, 150],
  [35, 120, 160, 175],
  [60, 170, 160, 195],
  [170, 205, 90, 210],
  [250, 190, 60, 225],
  [245, 110, 50, 235],
  [220, 38, 38, 245],
];

/** Class of a value against ascending breaks: 0 below the first break … breaks.length at or above the last. */
export function classOf(value: number, breaks: readonly number[]): number {
  let k = 0;
  while (k < breaks.length && value >= breaks[k]!) k++;
  return k;
}

export function densityColour(value: number, breaks: readonly number[]): Rgba {
  const k = classOf(value, breaks);
  // spread the classes over the palette when there are fewer than colours
  const n = breaks.length + 1;
  const idx = n <= 1 ? DENSITY_COLOURS.length - 1 : Math.round((k / (n - 1)) * (DENSITY_COLOURS.length - 1));
  return DENSITY_COLOURS[idx]!;
}

export interface HexCellLike {
  lon: number;
  lat: number;
  count: number;
}

/** Hexagon aggregates from the API as flat hexagonal columns, coloured on the fixed scale. */
export function buildHexLayer(id: string, cells: HexCellLike[], breaks: readonly number[], cellKm: number): Layer {
  return new ColumnLayer<HexCellLike>({
    id,
    data: cells,
    diskResolution: 6,
    // the API's cellKm is the hexagon's edge (= circumradius) on the ground; its hexagons are flat-topped
    radius: cellKm * 1000,
    angle: 0,
    extruded: false,
    coverage: 0.94,
    pickable: true,
    getPosition: (d) => [d.lon, d.lat],
    getFillColor: (d) => densityColour(d.count, breaks),
    updateTriggers: { getFillColor: breaks.join(',') },
    parameters: { depthCompare: 'always' },
  });
}

/** Raw points as a heatmap (zoomed in). The colour domain is fixed by the caller: same scale for two periods. */
export function buildHeatmapLayer(id: string, points: [number, number, number][], domainMax: number, scale: number): Layer {
  return new HeatmapLayer<[number, number, number]>({
    id,
    data: points,
    getPosition: (d) => [d[0], d[1]],
    getWeight: (d) => d[2],
    radiusPixels: 28 * scale,
    intensity: 1,
    threshold: 0.04,
    colorDomain: [0, Math.max(1, domainMax)],
    aggregation: 'SUM',
    colorRange: DENSITY_COLOURS.slice(1).map((c) => [c[0], c[1], c[2], 255] as Rgba),
  });
}
