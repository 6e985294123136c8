/** Insights: case density on a fixed scale, one period or two side by side on synced maps. */
import { useCallback, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Layer } from '@deck.gl/core';
import { useHeatmap, useHeatmapScale, type TimeWindow } from '../api/stats.ts';
import { MapView } from '../map/MapView.tsx';
import { buildHeatmapLayer, buildHexLayer } from '../map/layers/live.ts';
import { DensityLegend } from '../wall/overlays.tsx';
import '../wall/insights.css';
import { days, fmtWindow, markReady, noop, previousWindow, useBaseMap, useMapError } from './insights-common.ts';

// ── density ────────────────────────────────────────────────────────

const CELL_KM = 1;
/** from this zoom on, raw points (bbox query) replace the hexagons */
const POINTS_ZOOM = 12.5;

interface View {
  zoom: number;
  bbox: string;
}

export function DensityView({ win, category, compare }: { win: TimeWindow; category: string | null; compare: boolean }) {
  const { t } = useTranslation();
  const base = useBaseMap();
  const onMapError = useMapError();
  const scale = useHeatmapScale(category, { mode: 'hex', cellKm: CELL_KM, days: days(win) });
  const breaks = scale.data?.breaks ?? [1, 2, 5, 10, 20, 50];
  const other = useMemo(() => previousWindow(win), [win]);

  // the two maps move together
  const maps = useRef<(MapLibreMap | null)[]>([null, null]);
  const syncing = useRef(false);
  const [view, setView] = useState<View | null>(null);
  const attach = useCallback((i: number) => (map: MapLibreMap | null) => {
    maps.current[i] = map;
    if (!map) return;
    const report = () => {
      const b = map.getBounds();
      setView({ zoom: map.getZoom(), bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(4)).join(',') });
    };
    map.on('moveend', report);
    map.on('move', () => {
      if (syncing.current) return;
      const peer = maps.current[1 - i];
      if (!peer) return;
      syncing.current = true;
      peer.jumpTo({ center: map.getCenter(), zoom: map.getZoom() });
      syncing.current = false;
    });
    const peer = maps.current[1 - i];
    if (peer) map.jumpTo({ center: peer.getCenter(), zoom: peer.getZoom() });
    report();
  }, []);
  const attachA = useMemo(() => attach(0), [attach]);
  const attachB = useMemo(() => attach(1), [attach]);

  const zoomedIn = (view?.zoom ?? 0) >= POINTS_ZOOM;
  return (
    <div className={`density${compare ? ' density--compare' : ''}`}>
      <DensityMap
        // a new map when the comparison opens or closes: each fits the district into its own (half) width
        key={compare ? 'a-compare' : 'a-single'}
        title={t('insights.periodA')}
        win={win}
        category={category}
        breaks={breaks}
        view={view}
        zoomedIn={zoomedIn}
        base={base}
        onMapError={onMapError}
        onMapLoad={attachA}
        testHooks
        testid="density-a"
      />
      {compare ? (
        <DensityMap
          title={`${t('insights.periodB')} · ${t('insights.previous')}`}
          win={other}
          category={category}
          breaks={breaks}
          view={view}
          zoomedIn={zoomedIn}
          base={base}
          onMapError={onMapError}
          onMapLoad={attachB}
          testHooks={false}
          testid="density-b"
        />
      ) : null}
      <div className="insights-legend card">
        <DensityLegend breaks={breaks} label={t('insights.legendCount')} />
        <div className="muted">{zoomedIn ? t('insights.pointView') : t('insights.hexView')}</div>
      </div>
    </div>
  );
}

function DensityMap(props: {
  title: string;
  win: TimeWindow;
  category: string | null;
  breaks: readonly number[];
  view: View | null;
  zoomedIn: boolean;
  base: ReturnType<typeof useBaseMap>;
  onMapError(key: string, message: string): void;
  onMapLoad(map: MapLibreMap | null): void;
  testHooks: boolean;
  testid: string;
}) {
  const { t } = useTranslation();
  const hex = useHeatmap({ ...props.win, category: props.category, mode: 'hex', cellKm: CELL_KM });
  const points = useHeatmap(props.zoomedIn && props.view ? { ...props.win, category: props.category, mode: 'points', bbox: props.view.bbox } : null);
  const layers = useMemo<Layer[]>(() => {
    if (props.zoomedIn && points.data?.mode === 'points') {
      return [buildHeatmapLayer(`${props.testid}-points`, points.data.points, Math.max(1, (props.breaks.at(-1) ?? 10) / 20), 1)];
    }
    if (hex.data?.mode === 'hex') return [buildHexLayer(`${props.testid}-hex`, hex.data.cells, props.breaks, CELL_KM)];
    return [];
  }, [props.zoomedIn, points.data, hex.data, props.breaks, props.testid]);
  const onReady = useCallback(() => {
    if (props.testHooks) markReady('density');
  }, [props.testHooks]);
  return (
    <section className="density__map" data-testid={props.testid}>
      <MapView
        fitBBox={props.base.bbox}
        fitFallback={props.base.fallback}
        labels={props.base.labels}
        selectedGridCode={null}
        onSelectGrid={noop}
        onMapError={props.onMapError}
        uiScale={1}
        gridBase="neutral"
        showVacancy={false}
        layers={layers}
        onMapLoad={props.onMapLoad}
        onReady={onReady}
        testHooks={props.testHooks}
        chrome={false}
        padding={{ top: 60, bottom: 30, left: 30, right: 30 }}
      />
      <div className="density__title card">
        <strong>{props.title}</strong>
        <span className="mono">{fmtWindow(props.win)}</span>
        {hex.data?.mode === 'hex' ? <span className="muted">{t('insights.total', { n: hex.data.total.toLocaleString('zh-CN') })}</span> : null}
        {hex.isError ? <span className="error-text">{t('insights.failed')}</span> : null}
      </div>
    </section>
  );
}
