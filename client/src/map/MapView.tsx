import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as maplibregl from 'maplibre-gl';
import type { Map as MapLibreMap, MapGeoJSONFeature, MapMouseEvent } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Layer } from '@deck.gl/core';
import type { BBox } from '../api/types.ts';
import { areaFeatureId } from '@gridcommand/shared/domain';
import { buildOfflineStyle, GRID_HIGHLIGHTS, UNCOVERED_LAYER_IDS, type GridHighlight } from './style.ts';
import { buildLabelLayers, type Label, type LabelBands } from './layers/labels.ts';
import { DEFAULT_DISTRICT_BBOX, fitPadding, isValidBBox } from './bounds.ts';
import { clearTestApi, exposeTestApi, markReady } from './testHooks.ts';

// The bundled worker has to be told where it lives once vite has fingerprinted it.
maplibregl.setWorkerUrl(workerUrl);

const GRID_SOURCE = 'grid';
const GRID_SOURCE_LAYER = 'grid';

export interface MapLabels {
  streets: Label[];
  zones: Label[];
  communities: Label[];
  grids: Label[];
}

export interface MapViewProps {
  /** district extent to fit once on load; null while it is still loading */
  fitBBox: BBox | null;
  /** the district extent cannot be had from the API: fit the tile bounds (or a built-in default) instead */
  fitFallback: boolean;
  labels: MapLabels;
  selectedGridCode: string | null;
  onSelectGrid(code: string | null): void;
  onMapError(key: string, message: string): void;
  uiScale: number;

  // ── options of the wall and insights pages (all optional; the map page leaves them out) ──
  /** what an unlit grid looks like (see buildOfflineStyle); fixed at creation */
  gridBase?: 'population' | 'neutral';
  /** draw vacancy outlines (default true); fixed at creation */
  showVacancy?: boolean;
  /** deck.gl layers drawn under the labels; keep their ids stable (deck.gl diffs by id) */
  layers?: readonly Layer[];
  /** which boundary level hover and click pick (default 'grid'); clicks report that level's code */
  pickLevel?: 'grid' | 'zone' | 'street';
  /** called once the style is loaded, with the map (to set feature-state, sync views…); null on unmount */
  onMapLoad?(map: MapLibreMap | null): void;
  /** called (once) when the fitted map is idle with grid tiles and labels drawn */
  onReady?(): void;
  /** set window.__GC_READY__ / __GC__ (default true; a second map on the page says false) */
  testHooks?: boolean;
  /** coordinates readout and scale bar (default true) */
  chrome?: boolean;
  /** fit padding in CSS px instead of the map page's (which leaves room for its header) */
  padding?: { top: number; bottom: number; left: number; right: number };
  /** zoom bands of the label tiers (see LABEL_ZOOMS) */
  labelBands?: LabelBands;
  /** label size factor on top of uiScale (the wall reads from across the room) */
  labelScale?: number;
  /**
   * Grid ids per highlight of the dispatch desk (feature-state uncovered / zone / patrol on the grid tiles, drawn
   * by the style's highlight layers). Whether the layers exist is fixed at creation: pass it from the start.
   */
  gridHighlights?: Readonly<Partial<Record<GridHighlight, readonly number[]>>>;
  /** draw every grid outside the `zone` highlight as uncovered (the desk's coverage view; needs gridHighlights) */
  showUncovered?: boolean;
}

type FeatureId = string | number;

function absolutize(url: string): string {
  return url.startsWith('/') ? `${window.location.origin}${url}` : url;
}

function featureId(f: MapGeoJSONFeature | undefined): FeatureId | undefined {
  const id = f?.id;
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
}

/** Full-bleed MapLibre map with the offline style, feature-state interaction and deck.gl text labels. */
export function MapView(props: MapViewProps) {
  const { t } = useTranslation();
  const containerRef = useRef<HTMLDivElement>(null);
  const readoutRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const overlayRef = useRef<MapLibreOverlay | null>(null);
  const [styleLoaded, setStyleLoaded] = useState(false);
  const [zoom, setZoom] = useState(10);
  const [webglFailed, setWebglFailed] = useState(false);

  // latest props for event handlers registered once
  const propsRef = useRef(props);
  propsRef.current = props;

  const fittedRef = useRef(false);
  const labelsOnRef = useRef(false);
  /** the layers handed to deck.gl include a visible text layer with data */
  const labelsVisibleRef = useRef(false);
  const hoverIdRef = useRef<FeatureId | null>(null);
  const selectedIdRef = useRef<FeatureId | null>(null);
  const clickedRef = useRef<{ code: string; id: FeatureId } | null>(null);

  // ── create the map once ───────────────────────────────────────────────
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let map: MapLibreMap;
    const hooks = propsRef.current.testHooks ?? true;
    const level = propsRef.current.pickLevel ?? 'grid';
    try {
      map = new maplibregl.Map({
        container,
        style: buildOfflineStyle({
          origin: window.location.origin,
          gridBase: propsRef.current.gridBase ?? 'population',
          vacancy: propsRef.current.showVacancy ?? true,
          highlights: propsRef.current.gridHighlights !== undefined,
        }),
        bounds: DEFAULT_DISTRICT_BBOX,
        fitBoundsOptions: { padding: fitPadding(container.clientWidth, container.clientHeight) },
        attributionControl: false,
        maplibreLogo: false,
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        maxPitch: 0,
        minZoom: 6,
        maxZoom: 18,
        renderWorldCopies: false,
        fadeDuration: 0,
        transformRequest: (url) => ({ url: absolutize(url) }),
      });
    } catch (error) {
      setWebglFailed(true);
      propsRef.current.onMapError('webgl', error instanceof Error ? error.message : String(error));
      return;
    }
    mapRef.current = map;
    fittedRef.current = false;
    labelsOnRef.current = false;
    if (hooks) exposeTestApi(map, () => propsRef.current.selectedGridCode);

    if (propsRef.current.chrome ?? true) map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 140 }), 'bottom-left');

    const overlay = new MapLibreOverlay({
      interleaved: false,
      layers: [],
      onAfterRender: () => {
        if (!labelsOnRef.current && labelsVisibleRef.current) {
          labelsOnRef.current = true;
          map.triggerRepaint();
        }
      },
    });
    overlayRef.current = overlay;
    map.addControl(overlay);

    let readyCalled = false;
    const checkReady = () => {
      if (readyCalled) return;
      if (!fittedRef.current || !labelsOnRef.current) return;
      if (!map.getSource(GRID_SOURCE) || !map.isSourceLoaded(GRID_SOURCE)) return;
      if (map.querySourceFeatures(GRID_SOURCE, { sourceLayer: GRID_SOURCE_LAYER }).length === 0) return;
      readyCalled = true;
      if (hooks) markReady(true);
      propsRef.current.onReady?.();
    };

    const pickLayer = `${level}-fill`;
    const setHover = (id: FeatureId | null) => {
      const prev = hoverIdRef.current;
      if (prev === id) return;
      if (prev !== null) map.setFeatureState({ source: level, sourceLayer: level, id: prev }, { hover: false });
      if (id !== null) map.setFeatureState({ source: level, sourceLayer: level, id }, { hover: true });
      hoverIdRef.current = id;
    };

    const onMove = (e: MapMouseEvent) => {
      const readout = readoutRef.current;
      if (readout) readout.textContent = `${e.lngLat.lng.toFixed(5)}°E  ${e.lngLat.lat.toFixed(5)}°N`;
      if (!map.getLayer(pickLayer)) return;
      const hit = map.queryRenderedFeatures(e.point, { layers: [pickLayer] })[0];
      const id = featureId(hit);
      setHover(id ?? null);
      map.getCanvas().style.cursor = id !== undefined ? 'pointer' : '';
    };
    const onOut = () => {
      setHover(null);
      map.getCanvas().style.cursor = '';
    };
    const onClick = (e: MapMouseEvent) => {
      if (!map.getLayer(pickLayer)) return;
      const hit = map.queryRenderedFeatures(e.point, { layers: [pickLayer] })[0];
      const id = featureId(hit);
      const code = hit?.properties?.code;
      if (id !== undefined && (typeof code === 'string' || typeof code === 'number')) {
        clickedRef.current = { code: String(code), id };
        propsRef.current.onSelectGrid(String(code));
      } else {
        propsRef.current.onSelectGrid(null);
      }
    };
    const onZoom = () => setZoom(Math.round(map.getZoom() * 10) / 10);
    const onError = (e: { error?: { message?: string; status?: number; url?: string } }) => {
      const err = e.error;
      const key = `map:${err?.status ?? ''}:${err?.message ?? ''}`;
      propsRef.current.onMapError(key, err?.message ?? 'map error');
    };

    map.on('load', () => {
      setStyleLoaded(true);
      onZoom();
      propsRef.current.onMapLoad?.(map);
    });
    map.on('idle', checkReady);
    map.on('mousemove', onMove);
    map.on('mouseout', onOut);
    map.on('click', onClick);
    map.on('zoom', onZoom);
    map.on('error', onError);

    return () => {
      if (hooks) clearTestApi();
      propsRef.current.onMapLoad?.(null);
      overlayRef.current = null;
      mapRef.current = null;
      setStyleLoaded(false);
      map.remove();
    };
  }, []);

  // ── fit the district once ──────────────────────────────────────────────
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded || fittedRef.current) return;
    let target: BBox | null = isValidBBox(props.fitBBox) ? props.fitBBox : null;
    if (!target && props.fitFallback) {
      const src = map.getSource(GRID_SOURCE) as { bounds?: unknown } | undefined;
      target = isValidBBox(src?.bounds) ? src.bounds : DEFAULT_DISTRICT_BBOX;
    }
    if (!target) return;
    const c = map.getContainer();
    map.fitBounds(
      [
        [target[0], target[1]],
        [target[2], target[3]],
      ],
      { padding: props.padding ?? fitPadding(c.clientWidth, c.clientHeight), animate: false },
    );
    fittedRef.current = true;
    map.triggerRepaint();
  }, [styleLoaded, props.fitBBox, props.fitFallback]);

  // ── labels (deck.gl) ───────────────────────────────────────────────────
  const { labels, selectedGridCode, uiScale, labelBands, labelScale } = props;
  const labelLayers = useMemo(
    () => buildLabelLayers({ ...labels, zoom, uiScale: uiScale * (labelScale ?? 1), selectedGridCode, ...(labelBands ? { bands: labelBands } : {}) }),
    [labels, zoom, uiScale, labelScale, selectedGridCode, labelBands],
  );
  const extraLayers = props.layers;
  useEffect(() => {
    labelsVisibleRef.current = labelLayers.some((l) => l.props.visible && Array.isArray(l.props.data) && l.props.data.length > 0);
    overlayRef.current?.setProps({ layers: [...(extraLayers ?? []), ...labelLayers] });
    mapRef.current?.triggerRepaint();
  }, [labelLayers, extraLayers]);

  // ── the desk's highlights via feature-state (only what changed) ──────────
  const highlightRef = useRef<Map<GridHighlight, Set<number>>>(new Map());
  useEffect(() => {
    const map = mapRef.current;
    const wanted = props.gridHighlights;
    if (!map || !styleLoaded || !wanted) return;
    for (const h of GRID_HIGHLIGHTS) {
      const prev = highlightRef.current.get(h) ?? new Set<number>();
      const next = new Set(wanted[h] ?? []);
      for (const id of prev) if (!next.has(id)) map.setFeatureState({ source: GRID_SOURCE, sourceLayer: GRID_SOURCE_LAYER, id }, { [h]: false });
      for (const id of next) if (!prev.has(id)) map.setFeatureState({ source: GRID_SOURCE, sourceLayer: GRID_SOURCE_LAYER, id }, { [h]: true });
      highlightRef.current.set(h, next);
    }
  }, [styleLoaded, props.gridHighlights]);

  // ── uncovered grids: the layers of "no zone", shown or hidden ──────────
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded || !props.gridHighlights) return;
    const visibility = props.showUncovered ? 'visible' : 'none';
    for (const id of Object.values(UNCOVERED_LAYER_IDS)) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visibility);
  }, [styleLoaded, props.showUncovered, props.gridHighlights]);

  // ── selection via feature-state (the tile feature id is the code as a number) ──
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styleLoaded) return;
    const code = props.selectedGridCode;
    let id: FeatureId | null = null;
    if (code !== null) {
      const clicked = clickedRef.current;
      id = clicked && clicked.code === code ? clicked.id : areaFeatureId(code);
    }
    const prev = selectedIdRef.current;
    if (prev === id) return;
    const level = props.pickLevel ?? 'grid';
    if (prev !== null) map.setFeatureState({ source: level, sourceLayer: level, id: prev }, { selected: false });
    if (id !== null) map.setFeatureState({ source: level, sourceLayer: level, id }, { selected: true });
    selectedIdRef.current = id;
  }, [styleLoaded, props.selectedGridCode]);

  return (
    <div className="map-root">
      <div ref={containerRef} className="map-canvas" data-testid="map" />
      {(props.chrome ?? true) ? (
        <div className="map-readout">
          <span className="map-readout__zoom">Z {zoom.toFixed(1)}</span>
          <span ref={readoutRef} className="map-readout__coords" />
        </div>
      ) : null}
      {webglFailed ? <div className="map-fatal">{t('errors.webgl')}</div> : null}
    </div>
  );
}
