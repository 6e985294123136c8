import { TextLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { AreaSummary, GridProperties, LonLat } from '../../api/types.ts';
import { CJK_FONT_STACK, hexToRgba, palette, type Rgba } from '../theme.ts';

/** One text label: a position and what to write there. */
export interface Label {
  id: string;
  position: LonLat;
  text: string;
}

/** Zoom bands of each label tier: [from, to). Bands overlap a little so that one tier hands over to the next. */
export const LABEL_ZOOMS = {
  street: [0, 12.2],
  zone: [11.6, 13.4],
  community: [12.9, 14.2],
  grid: [13.6, 24],
} as const satisfies Record<string, readonly [number, number]>;

export type LabelBands = { [K in keyof typeof LABEL_ZOOMS]: readonly [number, number] };

export interface LabelInput {
  /** keep these arrays referentially stable between calls (deck.gl diffs data by reference) */
  streets: Label[];
  zones: Label[];
  communities: Label[];
  grids: Label[];
  /** current map zoom, usually rounded to 0.1 by the caller */
  zoom: number;
  /** 1 on a 1080p screen, up to 2 on a 4K wall at device pixel ratio 1 */
  uiScale: number;
  selectedGridCode: string | null;
  /** zoom bands of the tiers (default LABEL_ZOOMS) */
  bands?: LabelBands;
}

const OUTLINE = hexToRgba(palette.labelOutline, 235);
const FONT_SETTINGS = { sdf: true, fontSize: 64, buffer: 6, radius: 12, cutoff: 0.22 };

function inBand(zoom: number, band: readonly [number, number]): boolean {
  return zoom >= band[0] && zoom < band[1];
}

function isLonLat(p: unknown): p is LonLat {
  return Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]);
}

/** Area list → labels, dropping rows without a usable label point. */
export function areaLabels(items: readonly AreaSummary[]): Label[] {
  const out: Label[] = [];
  for (const a of items) {
    const text = a.shortName || a.name;
    if (isLonLat(a.labelPoint) && text) out.push({ id: a.code, position: [a.labelPoint[0], a.labelPoint[1]], text });
  }
  return out;
}

/** Grid list → labels with the short display code ("A1"). */
export function gridLabels(grids: readonly GridProperties[]): Label[] {
  const out: Label[] = [];
  for (const g of grids) {
    const text = g.displayCode || g.code;
    if (isLonLat(g.labelPoint) && text) out.push({ id: g.code, position: [g.labelPoint[0], g.labelPoint[1]], text });
  }
  return out;
}

interface TierStyle {
  id: string;
  size: number;
  color: Rgba;
  weight: number | string;
  outline: number;
}

function textLayer(data: Label[], style: TierStyle, visible: boolean, extra: Partial<ConstructorParameters<typeof TextLayer<Label>>[0]> = {}) {
  return new TextLayer<Label>({
    id: style.id,
    data,
    visible,
    pickable: false,
    getPosition: (d) => d.position,
    getText: (d) => d.text,
    getColor: style.color,
    getSize: style.size,
    sizeUnits: 'pixels',
    characterSet: 'auto',
    fontFamily: CJK_FONT_STACK,
    fontWeight: style.weight,
    fontSettings: FONT_SETTINGS,
    outlineWidth: style.outline,
    outlineColor: OUTLINE,
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    billboard: true,
    parameters: { depthCompare: 'always' },
    ...extra,
  });
}

/**
 * Text labels of the map, pure: the same input gives the same layers (stable ids, so deck.gl only
 * diffs). Street names at low zoom, zone names at mid zoom, community names and grid display
 * codes close in.
 */
export function buildLabelLayers(input: LabelInput): Layer[] {
  const { zoom, uiScale, selectedGridCode } = input;
  const bands = input.bands ?? LABEL_ZOOMS;
  const s = Math.max(1, Math.min(3, uiScale));

  const { streets: streetLabels, zones: zoneLabels, communities: communityLabels, grids } = input;

  const selectedColor = hexToRgba(palette.selected);
  const gridColor = hexToRgba(palette.labelGrid, 230);

  const layers = [
    textLayer(
      communityLabels,
      { id: 'labels-community', size: 13 * s, color: hexToRgba(palette.labelCommunity, 230), weight: 500, outline: 0.28 },
      inBand(zoom, bands.community),
    ),
    textLayer(
      zoneLabels,
      { id: 'labels-zone', size: 15 * s, color: hexToRgba(palette.labelZone, 245), weight: 600, outline: 0.3 },
      inBand(zoom, bands.zone),
    ),
    textLayer(
      streetLabels,
      { id: 'labels-street', size: 18 * s, color: hexToRgba(palette.labelStreet), weight: 700, outline: 0.3 },
      inBand(zoom, bands.street),
    ),
    textLayer(
      grids,
      { id: 'labels-grid', size: 13 * s, color: gridColor, weight: 600, outline: 0.3 },
      inBand(zoom, bands.grid),
      {
        getColor: (d: Label) => (d.id === selectedGridCode ? selectedColor : gridColor),
        getSize: (d: Label) => (d.id === selectedGridCode ? 16 * s : 13 * s),
        updateTriggers: { getColor: selectedGridCode, getSize: [selectedGridCode, s] },
      },
    ),
  ];
  // an empty TextLayer still builds a (zero-sized) font atlas: leave such layers out
  return layers.filter((layer) => Array.isArray(layer.props.data) && layer.props.data.length > 0);
}
