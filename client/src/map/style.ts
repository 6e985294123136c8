import type {
  ExpressionSpecification,
  LayerSpecification,
  SourceSpecification,
  StyleSpecification,
} from 'maplibre-gl';
import { palette } from './theme.ts';
import { areaFeatureId } from '@gridcommand/shared/domain';

/** The vector tile layers the server publishes; in each tile the MVT layer is named like the layer. */
export const TILE_LAYERS = ['district', 'street', 'zone', 'community', 'grid'] as const;
export type TileLayer = (typeof TILE_LAYERS)[number];

/** Ids of the style layers other code refers to (hit testing, feature-state). */
export const LAYER_IDS = {
  gridFill: 'grid-fill',
  gridLine: 'grid-line',
  gridHover: 'grid-hover-line',
  gridSelected: 'grid-selected-line',
  gridVacancy: 'grid-vacancy-line',
  /** the aggregates of the grid tiles at z0–12 (MVT layer grid_agg: community / street / district by code) */
  aggregateFill: 'grid-agg-fill',
  aggregateLine: 'grid-agg-line',
} as const;

/**
 * The companion layer of the grid tiles (server/src/modules/tiles/plan.ts): where grids are too small or too many
 * to draw, the community, street or district holding them. Its feature id is its `code` as a number (the code is
 * the prefix of its grids' codes), so a page sets the worst light of those grids on it (map/aggregate-lights.ts).
 * (Not promoteId: MapLibre then reads an absent property as the id of the `grid` features too.)
 */
export const AGGREGATE_SOURCE_LAYER = 'grid_agg';

/** The feature id of an aggregate in grid_agg (as of every area in the tiles): its code as a number. */
export const aggregateFeatureId = (code: string): number => areaFeatureId(code) ?? Number.NaN;

/** Grid highlights of the dispatch desk, each a boolean feature-state on the grid tiles. */
export const GRID_HIGHLIGHTS = ['zone', 'patrol'] as const;
export type GridHighlight = (typeof GRID_HIGHLIGHTS)[number];

/**
 * The grids no zone of the shift covers: every grid without feature-state `zone`, drawn while the desk shows the
 * coverage (the layers' visibility: MapView `showUncovered`). No list of uncovered grids is needed — in a city of
 * 50,000 grids with a few zones it would be nearly all of them.
 */
export const UNCOVERED_LAYER_IDS = { fill: 'grid-uncovered-fill', line: 'grid-uncovered-line' } as const;

type Look = { fill: string; fillOpacity: number; line: string; lineOpacity: number; width: number };

/** Colours of the highlights: fill, outline, outline width. */
const HIGHLIGHT_LOOK: Record<GridHighlight | 'uncovered', Look> = {
  uncovered: { fill: 'rgb(239, 68, 68)', fillOpacity: 0.24, line: 'rgb(248, 113, 113)', lineOpacity: 0.63, width: 1 },
  zone: { fill: 'rgb(45, 212, 191)', fillOpacity: 0.18, line: 'rgb(45, 212, 191)', lineOpacity: 0.78, width: 1.2 },
  patrol: { fill: 'rgb(56, 189, 248)', fillOpacity: 0.35, line: 'rgb(125, 211, 252)', lineOpacity: 1, width: 2 },
};

export const highlightLayerIds = (h: GridHighlight) => ({ fill: `grid-${h}-fill`, line: `grid-${h}-line` });

export interface StyleOptions {
  /** absolute origin of the server, e.g. "http://127.0.0.1:8080" — style source URLs must be absolute */
  origin: string;
  /**
   * What a grid shows when no live state is set on it: 'population' (the map page's density tint) or
   * 'neutral' (the wall and insights, where colour means lights or values).
   */
  gridBase?: 'population' | 'neutral';
  /** draw the dashed 网格真空 outline (default true) */
  vacancy?: boolean;
  /** add the dispatch desk's highlight layers (feature-state uncovered / zone / patrol; default false) */
  highlights?: boolean;
}

/** Fill colours of the traffic lights on the map (feature-state `light`). */
export const LIGHT_FILL = {
  green: '#16a34a',
  due_soon: '#f59e0b',
  yellow: '#facc15',
  red: '#ef4444',
} as const;

/**
 * Sequential ramp of choropleths (feature-state `v`, a value normalised to 0..1 by the page); low → high.
 * Dark teal to hot amber reads on the dark basemap and in print.
 */
export const VALUE_RAMP = ['#0e3a52', '#136f86', '#2aa59a', '#a3c95b', '#f5b83d', '#f0653a'] as const;

const lightState: ExpressionSpecification = ['coalesce', ['feature-state', 'light'], 'none'];
const hasValue: ExpressionSpecification = ['==', ['typeof', ['feature-state', 'v']], 'number'];
const lit: ExpressionSpecification = ['!=', lightState, 'none'];

function valueRamp(): ExpressionSpecification {
  const stops: (string | number)[] = [];
  VALUE_RAMP.forEach((c, i) => stops.push(i / (VALUE_RAMP.length - 1), c));
  return ['interpolate', ['linear'], ['to-number', ['feature-state', 'v'], 0], ...stops] as unknown as ExpressionSpecification;
}

function lightColour(fallback: ExpressionSpecification | string): ExpressionSpecification {
  return ['match', lightState, 'green', LIGHT_FILL.green, 'due_soon', LIGHT_FILL.due_soon, 'yellow', LIGHT_FILL.yellow, 'red', LIGHT_FILL.red, fallback] as unknown as ExpressionSpecification;
}

/**
 * Opacity of the grid fill: by selection, hover, a choropleth value or the light (all feature-state). `dim` (0..1]
 * quietens every fill but the interaction outlines (the wall's heatmap mode).
 *
 * Whatever `dim`, the result reads feature-state. MapLibre keeps a per-tile binder for a feature-state expression
 * and, on every setFeatureState, evaluates the layer's *current* value with it. After a setPaintProperty to a plain
 * number, tiles not yet laid out again still have that binder, and the first grid light that changes on them throws
 * "this.expression.evaluate is not a function" (the 300 ms opacity transition hides it on a fast machine; a 4K wall
 * re-laying out many tiles hits it). Swap this expression for this expression, never for a constant.
 */
export function gridFillOpacity(gridBase: 'population' | 'neutral', dim = 1): ExpressionSpecification {
  const k = Math.max(0.01, Math.min(1, dim));
  const r = (v: number) => Math.round(v * k * 1000) / 1000;
  return [
    'case',
    selected,
    0.22,
    hovered,
    0.3,
    hasValue,
    r(0.85),
    lit,
    ['match', lightState, 'red', r(0.78), 'yellow', r(0.66), 'due_soon', r(0.5), r(0.34)],
    r(gridBase === 'neutral' ? 0.5 : 0.55),
  ] as unknown as ExpressionSpecification;
}

/** Choropleth fill of an upper level (zone, street): drawn only where the page set a value. */
function areaValueFill(layer: 'zone' | 'street'): LayerSpecification {
  return {
    id: `${layer}-fill`,
    type: 'fill',
    source: layer,
    'source-layer': layer,
    paint: {
      'fill-color': ['case', selected, palette.selected, hovered, palette.hover, hasValue, valueRamp(), palette.gridLow],
      'fill-opacity': ['case', selected, 0.55, hovered, 0.75, hasValue, 0.82, 0],
    },
  };
}

const hovered: ExpressionSpecification = ['boolean', ['feature-state', 'hover'], false];
const selected: ExpressionSpecification = ['boolean', ['feature-state', 'selected'], false];
/** the `vacancy` property baked into the grid tile (no responsible person; tiles follow their max-age) */
const vacant: ExpressionSpecification = ['boolean', ['get', 'vacancy'], false];

function source(origin: string, layer: TileLayer): SourceSpecification {
  return { type: 'vector', url: `${origin}/tiles/${layer}.json` };
}

/** The desk's highlights: a fill and an outline per highlight, shown where its feature-state is true. */
function highlightPair(ids: { fill: string; line: string }, look: Look, on: ExpressionSpecification, visible: boolean): LayerSpecification[] {
  const visibility = visible ? 'visible' : 'none';
  return [
    { id: ids.fill, type: 'fill', source: 'grid', 'source-layer': 'grid', layout: { visibility }, paint: { 'fill-color': look.fill, 'fill-opacity': ['case', on, look.fillOpacity, 0] } },
    {
      id: ids.line,
      type: 'line',
      source: 'grid',
      'source-layer': 'grid',
      layout: { 'line-join': 'round', visibility },
      paint: { 'line-color': look.line, 'line-width': look.width, 'line-opacity': ['case', on, look.lineOpacity, 0] },
    },
  ];
}

function highlightLayers(): LayerSpecification[] {
  const zoned: ExpressionSpecification = ['boolean', ['feature-state', 'zone'], false];
  return [
    // beneath the others: uncovered is "no zone", hidden until the desk shows the coverage
    ...highlightPair(UNCOVERED_LAYER_IDS, HIGHLIGHT_LOOK.uncovered, ['!', zoned], false),
    ...GRID_HIGHLIGHTS.flatMap((h) => highlightPair(highlightLayerIds(h), HIGHLIGHT_LOOK[h], ['boolean', ['feature-state', h], false], true)),
  ];
}

/** by zoom: [zoom, value, zoom, value, …] */
function byZoom(...stops: number[]): ExpressionSpecification {
  return ['interpolate', ['linear'], ['zoom'], ...stops] as unknown as ExpressionSpecification;
}

/**
 * The offline dark basemap: nothing but our own boundaries. No glyphs, no sprite, no remote
 * source — text is drawn by deck.gl's TextLayer on top.
 */
export function buildOfflineStyle({ origin, gridBase = 'population', vacancy = true, highlights = false }: StyleOptions): StyleSpecification {
  const base = origin.replace(/\/+$/, '');
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': palette.background } },

    // district: a subtle land tone and a soft glowing edge
    {
      id: 'district-fill',
      type: 'fill',
      source: 'district',
      'source-layer': 'district',
      paint: { 'fill-color': palette.districtFill, 'fill-opacity': 0.9 },
    },

    // grids: tinted by population (map page) or neutral (wall, insights), recoloured by feature-state:
    // `light` (worst light of the open cases) or `v` (a choropleth value 0..1); hover / selection on top
    {
      id: LAYER_IDS.gridFill,
      type: 'fill',
      source: 'grid',
      'source-layer': 'grid',
      paint: {
        'fill-color': [
          'case',
          selected,
          palette.selected,
          hovered,
          palette.hover,
          hasValue,
          valueRamp(),
          lightColour(
            gridBase === 'neutral'
              ? palette.gridLow
              : ([
                  'interpolate',
                  ['linear'],
                  ['coalesce', ['to-number', ['get', 'population'], 0], 0],
                  0,
                  palette.gridLow,
                  2500,
                  palette.gridMid,
                  8000,
                  palette.gridHigh,
                ] as ExpressionSpecification),
          ),
        ],
        'fill-opacity': gridFillOpacity(gridBase),
      },
    },
    // zoomed out where grids are too small or too many (z0–12): their community / street / district, lit by the worst light
    // of its grids (feature-state `light`, on the id aggregateFeatureId(code))
    {
      id: LAYER_IDS.aggregateFill,
      type: 'fill',
      source: 'grid',
      'source-layer': AGGREGATE_SOURCE_LAYER,
      maxzoom: 13,
      paint: { 'fill-color': lightColour(palette.gridLow), 'fill-opacity': gridFillOpacity('neutral') },
    },
    {
      id: LAYER_IDS.aggregateLine,
      type: 'line',
      source: 'grid',
      'source-layer': AGGREGATE_SOURCE_LAYER,
      maxzoom: 13,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': palette.gridLine, 'line-width': 0.4, 'line-opacity': 0.45 },
    },
    areaValueFill('zone'),
    areaValueFill('street'),
    {
      id: LAYER_IDS.gridLine,
      type: 'line',
      source: 'grid',
      'source-layer': 'grid',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': palette.gridLine,
        'line-width': byZoom(9, 0.3, 12, 0.6, 15, 1.2),
        'line-opacity': byZoom(9, 0.35, 12, 0.7, 15, 0.95),
      },
    },
    {
      id: 'community-line',
      type: 'line',
      source: 'community',
      'source-layer': 'community',
      minzoom: 11.5,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': palette.communityLine,
        'line-width': byZoom(11.5, 0.6, 15, 1.4),
        'line-opacity': byZoom(11.5, 0, 12.5, 0.8),
        'line-dasharray': [3, 2],
      },
    },
    {
      id: LAYER_IDS.gridVacancy,
      type: 'line',
      source: 'grid',
      'source-layer': 'grid',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': palette.vacancy,
        'line-width': byZoom(9, 0.8, 13, 1.6, 16, 2.4),
        'line-opacity': vacancy ? ['case', vacant, 0.85, 0] : 0,
        'line-dasharray': [2, 1.5],
      },
    },

    // zones: medium
    {
      id: 'zone-line',
      type: 'line',
      source: 'zone',
      'source-layer': 'zone',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': palette.zoneLine,
        'line-width': byZoom(9, 0.9, 12, 1.5, 15, 2.2),
        'line-opacity': 0.85,
      },
    },

    // streets: bright and thicker, with a faint glow underneath
    {
      id: 'street-glow',
      type: 'line',
      source: 'street',
      'source-layer': 'street',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': palette.streetGlow,
        'line-width': byZoom(9, 4, 13, 8),
        'line-blur': byZoom(9, 3, 13, 6),
        'line-opacity': 0.22,
      },
    },
    {
      id: 'street-line',
      type: 'line',
      source: 'street',
      'source-layer': 'street',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': palette.streetLine,
        'line-width': byZoom(9, 1.3, 12, 2, 15, 3),
        'line-opacity': 0.9,
      },
    },

    // district edge glow on top of everything else
    {
      id: 'district-glow',
      type: 'line',
      source: 'district',
      'source-layer': 'district',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': palette.districtGlow,
        'line-width': byZoom(8, 8, 13, 18),
        'line-blur': byZoom(8, 6, 13, 14),
        'line-opacity': 0.35,
      },
    },
    {
      id: 'district-line',
      type: 'line',
      source: 'district',
      'source-layer': 'district',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': palette.districtLine,
        'line-width': byZoom(8, 1.4, 13, 2.6),
        'line-opacity': 0.95,
      },
    },

    ...(highlights ? highlightLayers() : []),

    // interaction outlines above the boundaries so they always read
    {
      id: LAYER_IDS.gridHover,
      type: 'line',
      source: 'grid',
      'source-layer': 'grid',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': palette.hover,
        'line-width': 1.6,
        'line-opacity': ['case', hovered, 1, 0],
      },
    },
    {
      id: LAYER_IDS.gridSelected,
      type: 'line',
      source: 'grid',
      'source-layer': 'grid',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': palette.selected,
        'line-width': 2.6,
        'line-opacity': ['case', selected, 1, 0],
      },
    },
  ];

  return {
    version: 8,
    name: 'GridCommand offline dark',
    sources: Object.fromEntries(TILE_LAYERS.map((layer) => [layer, source(base, layer)])),
    layers,
  };
}
