/**
 * The wall's map: the shared MapView with lights by feature-state (set straight from the store, by grid id),
 * open cases, pulsing emergencies, teams and the density layer of the heatmap mode.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Layer } from '@deck.gl/core';
import type { Light } from '@gridcommand/shared/domain';
import type { BBox } from '../api/types.ts';
import { MapView, type MapLabels } from '../map/MapView.tsx';
import { AGGREGATE_SOURCE_LAYER, aggregateFeatureId, gridFillOpacity, LAYER_IDS } from '../map/style.ts';
import { AggregateLights } from '../map/aggregate-lights.ts';
import { buildCaseColumnsLayer, buildEmergencyLayers, buildHeatmapLayer, buildHexLayer, buildTeamLayers } from '../map/layers/live.ts';
import type { LabelBands } from '../map/layers/labels.ts';
import type { HeatmapResponse } from '../api/stats.ts';
import type { WallStore } from './store.ts';
import { buildConvergenceLayer, convergenceLines } from './convergence.ts';
import type { WallMode } from './params.ts';

const GRID = { source: 'grid', sourceLayer: 'grid' } as const;
const AGGREGATE = { source: 'grid', sourceLayer: AGGREGATE_SOURCE_LAYER } as const;

/**
 * The wall reads from across the room: street names at district zoom, zone names once a street fills the view.
 * A 4K panel fits the district one zoom level higher than a 1080p one, so the bands move with the screen.
 */
function wallLabelBands(uiScale: number): LabelBands {
  const k = Math.log2(Math.max(1, uiScale));
  return {
    street: [0, 12.4 + k],
    zone: [10.8 + k, 13.4 + k],
    community: [12.9 + k, 14.2 + k],
    grid: [13.6 + k, 24],
  };
}

export interface WallMapProps {
  store: WallStore;
  mode: WallMode;
  labels: MapLabels;
  fitBBox: BBox | null;
  fitFallback: boolean;
  uiScale: number;
  heat: HeatmapResponse | null;
  heatBreaks: readonly number[];
  heatCellKm: number;
  onReady(): void;
  onMapError(key: string, message: string): void;
}

const NO_POINTS: ReturnType<WallStore['casePoints']> = [];
/** how much the heatmap mode quietens the grid fills (the density layer reads on top) */
const HEATMAP_GRID_DIM = 0.24;

export function WallMap(props: WallMapProps) {
  const { store, mode, uiScale } = props;
  const mapRef = useRef<MapLibreMap | null>(null);
  const [mapLoaded, setMapLoaded] = useState(false);

  // membership / colour / team versions, published at most once per frame by the store
  const versions = useSyncExternalStore(
    store.subscribe,
    () => `${store.version}:${store.columns.version}:${store.teamVersion}:${store.emergencyCount}`,
  );
  const [version, columnsVersion, teamVersion] = versions.split(':').map(Number) as [number, number, number];

  // ── grid lights: feature-state by id, straight from the store (no React round trip); zoomed out, the
  // aggregates of the grid tiles (by code) show the worst light of their grids ──
  const aggregates = useMemo(
    () => new AggregateLights((code, light) => mapRef.current?.setFeatureState({ ...AGGREGATE, id: aggregateFeatureId(code) }, { light })),
    [store],
  );
  const onMapLoad = useCallback(
    (map: MapLibreMap | null) => {
      mapRef.current = map;
      setMapLoaded(map !== null);
      if (!map) return;
      store.forEachGridLight((id: number, light: Light, code?: string) => {
        map.setFeatureState({ ...GRID, id }, { light });
        if (code) aggregates.set(code, light);
      });
      for (const [code, light] of aggregates.lights()) map.setFeatureState({ ...AGGREGATE, id: aggregateFeatureId(code) }, { light });
    },
    [store, aggregates],
  );
  useEffect(
    () =>
      store.onGridLight((id: number, light: Light, code?: string) => {
        mapRef.current?.setFeatureState({ ...GRID, id }, { light });
        if (code) aggregates.set(code, light);
      }),
    [store, aggregates],
  );

  // heatmap mode quietens the grid fills (a paint property: nothing is downloaded again). Both values are
  // feature-state expressions: see gridFillOpacity for why a constant here breaks the grid lights.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !mapLoaded || !map.getLayer(LAYER_IDS.gridFill)) return;
    for (const id of [LAYER_IDS.gridFill, LAYER_IDS.aggregateFill]) {
      if (map.getLayer(id)) map.setPaintProperty(id, 'fill-opacity', gridFillOpacity('neutral', mode === 'heatmap' ? HEATMAP_GRID_DIM : 1));
    }
  }, [mode, mapLoaded]);

  // ── emergency pulse: a phase advanced ~15 times a second only while there is an emergency ──
  const emergencies = useMemo(() => store.activeEmergencies(), [store, versions]);
  const [phase, setPhase] = useState(0);
  useEffect(() => {
    // with reduced motion (the OS setting) the rings stand still: no redraw 15 times a second
    if (emergencies.length === 0 || prefersReducedMotion()) return;
    let raf = 0;
    let last = 0;
    const start = performance.now();
    const loop = (t: number) => {
      raf = requestAnimationFrame(loop);
      if (t - last < 66) return;
      last = t;
      setPhase(((t - start) / 1600) % 1);
    };
    raf = requestAnimationFrame(loop);
    return () => cancelAnimationFrame(raf);
  }, [emergencies.length]);

  const scale = Math.max(1, Math.min(2.4, uiScale));
  const labelBands = useMemo(() => wallLabelBands(uiScale), [uiScale]);
  // the case points draw from the store's typed arrays; an object per case only for the open-case heatmap
  const points = useMemo(() => (mode === 'heatmap' ? store.casePoints() : NO_POINTS), [store, version, mode]);
  const teams = useMemo(() => [...store.teams.values()], [store, teamVersion]);
  // every team on its way to an open case, lead and supporting teams converging on the scene
  const lines = useMemo(() => convergenceLines(store.state), [store, teamVersion, version]);

  const baseLayers = useMemo<Layer[]>(() => {
    const layers: Layer[] = [];
    if (mode === 'heatmap') {
      const heat = props.heat;
      if (heat && heat.mode === 'hex') layers.push(buildHexLayer('wall-heat-hex', heat.cells, props.heatBreaks, props.heatCellKm));
      else if (heat && heat.mode === 'points') layers.push(buildHeatmapLayer('wall-heat-points', heat.points, props.heatBreaks.at(-1) ?? 10, scale));
      else layers.push(buildHeatmapLayer('wall-heat-open', points.map((p) => [p.lon, p.lat, 1] as [number, number, number]), 8, scale));
    }
    layers.push(
      buildCaseColumnsLayer({
        columns: store.columns,
        version: columnsVersion,
        show: mode === 'overdue' ? 'overdue' : 'all',
        scale: mode === 'heatmap' || mode === 'teams' ? scale * 0.7 : scale,
      }),
    );
    if (mode !== 'heatmap') {
      layers.push(buildConvergenceLayer(lines, teamVersion + version, scale));
      layers.push(...buildTeamLayers(teams, teamVersion, scale, mode === 'teams', false));
    }
    return layers;
  }, [mode, points, store, columnsVersion, teams, lines, teamVersion, version, scale, props.heat, props.heatBreaks, props.heatCellKm]);

  const layers = useMemo(() => [...baseLayers, ...buildEmergencyLayers(emergencies, phase, scale)], [baseLayers, emergencies, phase, scale]);

  return (
    <MapView
      fitBBox={props.fitBBox}
      fitFallback={props.fitFallback}
      labels={props.labels}
      selectedGridCode={null}
      onSelectGrid={noop}
      onMapError={props.onMapError}
      uiScale={uiScale}
      gridBase="neutral"
      showVacancy={false}
      layers={layers}
      onMapLoad={onMapLoad}
      onReady={props.onReady}
      chrome={false}
      padding={{ top: 24 * scale, bottom: 24 * scale, left: 24 * scale, right: 24 * scale }}
      labelBands={labelBands}
      labelScale={1.15}
    />
  );
}

function noop() {
  /* the wall is not clicked */
}

function prefersReducedMotion(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}
