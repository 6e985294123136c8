/**
 * Leaders' insights (/insights): case density on a FIXED scale (one period, or two side by side on synced
 * maps), choropleths of the assessment indicators by grid / zone / street (feature-state by id on the vector
 * tiles), and trend charts. Needs a signed-in user (leader, admin, dispatcher); a 401 shows a link to log in.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Layer } from '@deck.gl/core';
import { addCstDays, cstDateKey, DAY_MS, toPercent } from '@gridcommand/shared/domain';
import { ApiError } from '../api/http.ts';
import { useSession } from '../api/session.ts';
import { useArea, useAreas, useCategories } from '../api/queries.ts';
import {
  customWindow,
  presetWindow,
  useAreaStats,
  useChoropleth,
  useHeatmap,
  useHeatmapScale,
  useTrend,
  type ChoroplethLevel,
  type ChoroplethMetric,
  type TimeWindow,
} from '../api/stats.ts';
import { MapView, type MapLabels } from '../map/MapView.tsx';
import { areaLabels } from '../map/layers/labels.ts';
import { buildHeatmapLayer, buildHexLayer } from '../map/layers/live.ts';
import { isValidBBox } from '../map/bounds.ts';
import { VALUE_RAMP } from '../map/style.ts';
import { Chart } from '../panels/Chart.tsx';
import { useToasts } from '../panels/Toasts.tsx';
import { DensityLegend } from '../wall/overlays.tsx';
import { DISTRICT_CODE } from './MapPage.tsx';
import { ExportLinks } from '../panels/ExportLinks.tsx';
import { LanguageSwitch } from '../panels/LanguageSwitch.tsx';
import { LockedPanel } from '../panels/LockedPanel.tsx';
import '../wall/insights.css';

type Tab = 'density' | 'choropleth' | 'charts';
type Preset = 'today' | '7d' | '30d' | 'custom';
const CELL_KM = 1;
/** from this zoom on, raw points (bbox query) replace the hexagons */
const POINTS_ZOOM = 12.5;
const EMPTY: never[] = [];
const NO_GRIDS = new Map<string, number>();

declare global {
  interface Window {
    __GC_INSIGHTS__?: { ready: boolean; tab: Tab };
  }
}

function windowOf(preset: Preset, custom: { from: string; to: string }): TimeWindow {
  return preset === 'custom' ? customWindow(custom.from, custom.to) : presetWindow(preset);
}

/** The window of the same length just before `w` (for "compare with the previous period"). */
function previousWindow(w: TimeWindow): TimeWindow {
  const from = Date.parse(w.from);
  const to = Date.parse(w.to);
  const len = to - from;
  return { from: new Date(from - len).toISOString(), to: new Date(from).toISOString() };
}

function days(w: TimeWindow): number {
  return Math.max(1, Math.round((Date.parse(w.to) - Date.parse(w.from)) / DAY_MS));
}

export function InsightsPage() {
  const { t, i18n } = useTranslation();
  const me = useSession();
  const [tab, setTab] = useState<Tab>('density');
  const [preset, setPreset] = useState<Preset>('7d');
  const today = cstDateKey(Date.now());
  const [custom, setCustom] = useState({ from: addCstDays(today, -13), to: today });
  const [category, setCategory] = useState<string>('');
  const [compare, setCompare] = useState(false);
  const win = useMemo(() => windowOf(preset, custom), [preset, custom]);

  const categories = useCategories();
  const majors = useMemo(() => {
    const m = new Map<string, string>();
    for (const c of categories.data?.items ?? EMPTY) m.set(c.majorCode, i18n.language === 'en' ? c.majorNameEn : c.majorName);
    return [...m.entries()];
  }, [categories.data, i18n.language]);

  const unauthorized = me.error instanceof ApiError && (me.error.statusCode === 401 || me.error.statusCode === 403);

  useEffect(() => {
    window.__GC_INSIGHTS__ = { ready: false, tab };
    return () => {
      delete window.__GC_INSIGHTS__;
    };
  }, [tab]);

  if (unauthorized) {
    return <LockedPanel title={t('insights.title')} message={t('insights.unauthorized')} next="/insights" login={t('insights.login')} testId="insights-unauthorized" />;
  }

  return (
    <div className="insights" data-testid={`insights-${tab}`}>
      <header className="insights__head">
        <div className="insights__brand">
          <h1>{t('insights.title')}</h1>
          <span>{t('insights.subtitle')}</span>
        </div>
        <nav className="seg">
          {(['density', 'choropleth', 'charts'] as const).map((k) => (
            <button key={k} type="button" className={`seg__btn${tab === k ? ' is-active' : ''}`} data-testid={`insights-tab-${k}`} onClick={() => setTab(k)}>
              {t(`insights.tabs.${k}`)}
            </button>
          ))}
        </nav>
        <div className="insights__filters">
          <label className="field">
            <span>{t('insights.window')}</span>
            <select value={preset} onChange={(e) => setPreset(e.target.value as Preset)} data-testid="insights-window">
              {(['today', '7d', '30d', 'custom'] as const).map((p) => (
                <option key={p} value={p}>
                  {t(`insights.windows.${p}`)}
                </option>
              ))}
            </select>
          </label>
          {preset === 'custom' ? (
            <>
              <label className="field">
                <span>{t('insights.from')}</span>
                <input type="date" value={custom.from} max={custom.to} onChange={(e) => e.target.value && setCustom((c) => ({ ...c, from: e.target.value }))} />
              </label>
              <label className="field">
                <span>{t('insights.to')}</span>
                <input type="date" value={custom.to} min={custom.from} max={today} onChange={(e) => e.target.value && setCustom((c) => ({ ...c, to: e.target.value }))} />
              </label>
            </>
          ) : null}
          {tab === 'density' ? (
            <>
              <label className="field">
                <span>{t('insights.category')}</span>
                <select value={category} onChange={(e) => setCategory(e.target.value)} data-testid="insights-category">
                  <option value="">{t('insights.allCategories')}</option>
                  {majors.map(([code, name]) => (
                    <optgroup key={code} label={name}>
                      <option value={code}>{name}</option>
                      {(categories.data?.items ?? EMPTY)
                        .filter((c) => c.majorCode === code)
                        .map((c) => (
                          <option key={c.code} value={c.code}>
                            　{i18n.language === 'en' ? c.nameEn : c.name}
                          </option>
                        ))}
                    </optgroup>
                  ))}
                </select>
              </label>
              <label className="check">
                <input type="checkbox" checked={compare} onChange={(e) => setCompare(e.target.checked)} data-testid="insights-compare" />
                <span>{t('insights.compare')}</span>
              </label>
            </>
          ) : null}
          <ExportLinks base="/api/register" formats={['csv', 'xlsx']} what="register" query={{ from: win.from, to: win.to, category: tab === 'density' ? category : '' }} />
          <a className="seg__btn" href="/insights/indicators" data-testid="insights-indicators-link">{t('indicators.link')}</a>
          <LanguageSwitch />
        </div>
      </header>
      <main className="insights__body">
        {tab === 'density' ? <DensityView win={win} category={category || null} compare={compare} /> : null}
        {tab === 'choropleth' ? <ChoroplethView win={win} /> : null}
        {tab === 'charts' ? <ChartsView win={win} /> : null}
      </main>
    </div>
  );
}

// ── shared map bits ────────────────────────────────────────────────

function useBaseMap() {
  const district = useArea(DISTRICT_CODE);
  const streets = useAreas('street');
  const labels = useMemo<MapLabels>(
    () => ({ streets: areaLabels(streets.data?.items ?? EMPTY), zones: EMPTY, communities: EMPTY, grids: EMPTY }),
    [streets.data],
  );
  const bbox = district.data && isValidBBox(district.data.bbox) ? district.data.bbox : null;
  return { labels, bbox, fallback: district.isError };
}

function useMapError() {
  const toasts = useToasts();
  const { t } = useTranslation();
  return useCallback((key: string, message: string) => toasts.push({ kind: 'error', title: t('errors.map'), message, key }), [toasts, t]);
}

function markReady(tab: Tab) {
  window.__GC_INSIGHTS__ = { ready: true, tab };
}

// ── density ────────────────────────────────────────────────────────

interface View {
  zoom: number;
  bbox: string;
}

function DensityView({ win, category, compare }: { win: TimeWindow; category: string | null; compare: boolean }) {
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

function fmtWindow(w: TimeWindow): string {
  const a = cstDateKey(Date.parse(w.from));
  const b = cstDateKey(Date.parse(w.to) - 1);
  return a === b ? a : `${a} — ${b}`;
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
        vacantGridIds={EMPTY}
        gridIdByCode={NO_GRIDS}
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

function noop() {
  /* selection is handled by the page */
}

// ── choropleth ─────────────────────────────────────────────────────

const RATE_METRICS = new Set<ChoroplethMetric>(['overdue_rate', 'closure_rate', 'on_time_rate']);

function fmtValue(metric: ChoroplethMetric, v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (RATE_METRICS.has(metric)) return `${toPercent(v, 1)?.toFixed(1)}%`;
  if (metric === 'per10k') return v.toFixed(2);
  return v.toLocaleString('zh-CN');
}

function ChoroplethView({ win }: { win: TimeWindow }) {
  const { t } = useTranslation();
  const base = useBaseMap();
  const onMapError = useMapError();
  const [level, setLevel] = useState<ChoroplethLevel>('street');
  const [metric, setMetric] = useState<ChoroplethMetric>('on_time_rate');
  const [selected, setSelected] = useState<string | null>(null);
  const data = useChoropleth(level, metric, win);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [mapVersion, setMapVersion] = useState(0);
  const applied = useRef<{ level: string; ids: number[] }>({ level: 'grid', ids: [] });

  const onMapLoad = useCallback((map: MapLibreMap | null) => {
    mapRef.current = map;
    setMapVersion((v) => v + 1);
  }, []);

  // values → feature-state `v` (0..1) on the level's vector tiles, by id; previous values cleared
  useEffect(() => {
    const map = mapRef.current;
    const d = data.data;
    if (!map || !d || d.level !== level) return;
    const prev = applied.current;
    for (const id of prev.ids) map.removeFeatureState({ source: prev.level, sourceLayer: prev.level, id }, 'v');
    const lo = d.min ?? 0;
    const hi = d.max ?? 1;
    const span = hi - lo || 1;
    const ids: number[] = [];
    for (const it of d.items) {
      if (it.value === null) continue;
      // for overdue, lower is better: the ramp still reads "more = hotter"
      map.setFeatureState({ source: level, sourceLayer: level, id: it.id }, { v: (it.value - lo) / span });
      ids.push(it.id);
    }
    applied.current = { level, ids };
    map.triggerRepaint();
  }, [data.data, level, mapVersion]);

  const byCode = useMemo(() => new Map((data.data?.items ?? EMPTY).map((i) => [i.code, i])), [data.data]);
  const onReady = useCallback(() => markReady('choropleth'), []);
  const ranked = useMemo(() => [...(data.data?.items ?? EMPTY)].filter((i) => i.value !== null).sort((a, b) => (b.value ?? 0) - (a.value ?? 0)), [data.data]);

  return (
    <div className="choro">
      <section className="choro__map">
        <MapView
          key={level}
          fitBBox={base.bbox}
          fitFallback={base.fallback}
          labels={base.labels}
          vacantGridIds={EMPTY}
          gridIdByCode={NO_GRIDS}
          selectedGridCode={selected}
          onSelectGrid={setSelected}
          onMapError={onMapError}
          uiScale={1}
          gridBase="neutral"
          showVacancy={false}
          pickLevel={level}
          onMapLoad={onMapLoad}
          onReady={onReady}
          chrome={false}
          padding={{ top: 60, bottom: 30, left: 30, right: 30 }}
        />
        <div className="choro__controls card">
          <label className="field">
            <span>{t('insights.level')}</span>
            <select value={level} onChange={(e) => { setSelected(null); setLevel(e.target.value as ChoroplethLevel); }} data-testid="choro-level">
              {(['grid', 'zone', 'street'] as const).map((l) => (
                <option key={l} value={l}>{t(`insights.levels.${l}`)}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('insights.metric')}</span>
            <select value={metric} onChange={(e) => setMetric(e.target.value as ChoroplethMetric)} data-testid="choro-metric">
              {(['open', 'overdue_rate', 'closure_rate', 'on_time_rate', 'per10k'] as const).map((m) => (
                <option key={m} value={m}>{t(`insights.metrics.${m}`)}</option>
              ))}
            </select>
          </label>
          <div className="ramp">
            <div className="ramp__bar" style={{ background: `linear-gradient(90deg, ${VALUE_RAMP.join(', ')})` }} />
            <div className="ramp__ends mono">
              <span>{fmtValue(metric, data.data?.min)}</span>
              <span>{fmtValue(metric, data.data?.max)}</span>
            </div>
          </div>
          <div className="muted">{t('insights.clickHint')}</div>
        </div>
      </section>
      <aside className="choro__side card">
        {selected ? (
          <AreaPanel code={selected} win={win} metric={metric} value={byCode.get(selected)?.value ?? null} onClose={() => setSelected(null)} />
        ) : (
          <>
            <h2 className="card__title">{t(`insights.metrics.${metric}`)} · {t(`insights.levels.${level}`)}</h2>
            <ol className="rank">
              {ranked.slice(0, 30).map((i, k) => (
                <li key={i.code} className="rank__row" onClick={() => setSelected(i.code)}>
                  <span className="rank__k mono">{k + 1}</span>
                  <span className="rank__name">{i.name}</span>
                  <span className="mono">{fmtValue(metric, i.value)}</span>
                </li>
              ))}
              {data.isLoading ? <li className="muted">{t('insights.loading')}</li> : null}
              {data.isError ? <li className="error-text">{t('insights.failed')}</li> : null}
            </ol>
          </>
        )}
      </aside>
    </div>
  );
}

function AreaPanel({ code, win, metric, value, onClose }: { code: string; win: TimeWindow; metric: ChoroplethMetric; value: number | null; onClose(): void }) {
  const { t } = useTranslation();
  const q = useAreaStats(code, win);
  const a = q.data;
  const option = useMemo(
    () => ({
      grid: { left: 40, right: 12, top: 30, bottom: 28 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: { color: '#cbd5e1' } },
      xAxis: { type: 'category', data: (a?.trend ?? EMPTY).map((d) => d.day.slice(5)), axisLine: { lineStyle: { color: '#334155' } } },
      yAxis: { type: 'value', splitLine: { lineStyle: { color: 'rgba(148,163,184,0.15)' } } },
      series: [
        { name: t('insights.charts.reported'), type: 'line', smooth: true, showSymbol: false, areaStyle: { opacity: 0.15 }, data: (a?.trend ?? EMPTY).map((d) => d.reported) },
        { name: t('insights.charts.closed'), type: 'line', smooth: true, showSymbol: false, data: (a?.trend ?? EMPTY).map((d) => d.closed) },
      ],
    }),
    [a, t],
  );
  return (
    <div className="area" data-testid="insights-area" data-code={code}>
      <div className="area__head">
        <h2>{a?.name ?? code}</h2>
        <button type="button" className="panel__close" onClick={onClose} aria-label={t('insights.area.close')}>
          ×
        </button>
      </div>
      <div className="area__value">
        <span className="muted">{t(`insights.metrics.${metric}`)}</span>
        <strong className="mono">{fmtValue(metric, value)}</strong>
      </div>
      {q.isError ? <div className="error-text">{t('insights.failed')}</div> : null}
      <dl className="area__kv">
        <div><dt>{t('insights.area.population')}</dt><dd className="mono">{a ? a.population?.toLocaleString('zh-CN') ?? '—' : '…'}</dd></div>
        <div><dt>{t('insights.area.reported')}</dt><dd className="mono">{a?.reported ?? '…'}</dd></div>
        <div><dt>{t('insights.area.closed')}</dt><dd className="mono">{a?.closed ?? '…'}</dd></div>
        <div><dt>{t('insights.area.open')}</dt><dd className="mono">{a?.open ?? '…'}</dd></div>
        <div><dt>{t('insights.area.overdue')}</dt><dd className="mono">{a?.overdue ?? '…'}</dd></div>
        <div><dt>{t('insights.area.closureRate')}</dt><dd className="mono">{a ? fmtValue('closure_rate', a.closureRate) : '…'}</dd></div>
        <div><dt>{t('insights.area.onTimeClosureRate')}</dt><dd className="mono">{a ? fmtValue('on_time_rate', a.onTimeClosureRate) : '…'}</dd></div>
        <div><dt>{t('insights.area.per10k')}</dt><dd className="mono">{a ? fmtValue('per10k', a.per10k) : '…'}</dd></div>
      </dl>
      <h3 className="card__title">{t('insights.area.trend')}</h3>
      <Chart option={option} className="chart chart--small" testid="area-trend" />
    </div>
  );
}

// ── charts ─────────────────────────────────────────────────────────

function ChartsView({ win }: { win: TimeWindow }) {
  const { t, i18n } = useTranslation();
  const categories = useCategories();
  const en = i18n.language === 'en';
  const majorEn = useMemo(() => new Map((categories.data?.items ?? EMPTY).map((c) => [c.majorCode, c.majorNameEn])), [categories.data]);
  const byDay = useTrend('day', win);
  const byCategory = useTrend('category', win);
  const bySource = useTrend('source', win);
  useEffect(() => {
    if (byDay.isSuccess || byDay.isError) markReady('charts');
  }, [byDay.isSuccess, byDay.isError]);
  const axis = { axisLine: { lineStyle: { color: '#334155' } }, splitLine: { lineStyle: { color: 'rgba(148,163,184,0.15)' } } };

  const dayOption = useMemo(() => {
    const items = byDay.data?.items ?? EMPTY;
    return {
      grid: { left: 50, right: 20, top: 40, bottom: 30 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: { color: '#cbd5e1' } },
      xAxis: { type: 'category', data: items.map((i) => (en ? i.key.slice(5) : i.label || i.key)), ...axis },
      yAxis: { type: 'value', ...axis },
      series: [
        { name: t('insights.charts.reported'), type: 'line', smooth: true, showSymbol: false, areaStyle: { opacity: 0.18 }, data: items.map((i) => i.reported) },
        { name: t('insights.charts.closed'), type: 'line', smooth: true, showSymbol: false, data: items.map((i) => i.closed) },
        { name: t('insights.charts.overdue'), type: 'bar', barMaxWidth: 10, itemStyle: { color: '#ef4444' }, data: items.map((i) => i.overdue) },
      ],
    };
  }, [byDay.data, t, en]);

  const catOption = useMemo(() => {
    const items = [...(byCategory.data?.items ?? EMPTY)].sort((a, b) => a.reported - b.reported);
    return {
      grid: { left: 110, right: 20, top: 30, bottom: 20 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, textStyle: { color: '#cbd5e1' } },
      xAxis: { type: 'value', ...axis },
      yAxis: { type: 'category', data: items.map((i) => (en ? (majorEn.get(i.key) ?? i.label) : i.label) || i.key), ...axis },
      series: [
        { name: t('insights.charts.reported'), type: 'bar', data: items.map((i) => i.reported) },
        { name: t('insights.charts.closed'), type: 'bar', data: items.map((i) => i.closed) },
      ],
    };
  }, [byCategory.data, t, en, majorEn]);

  const sourceOption = useMemo(() => {
    const items = bySource.data?.items ?? EMPTY;
    return {
      tooltip: { trigger: 'item' },
      legend: { bottom: 0, textStyle: { color: '#cbd5e1' } },
      series: [
        {
          type: 'pie',
          radius: ['42%', '70%'],
          center: ['50%', '45%'],
          itemStyle: { borderColor: '#0b1220', borderWidth: 2 },
          label: { color: '#e2e8f0', formatter: '{b}\n{d}%' },
          data: items.map((i) => ({ name: t(`labels.source.${i.key}`, { defaultValue: i.label || i.key }), value: i.reported })),
        },
      ],
    };
  }, [bySource.data, t]);

  return (
    <div className="charts">
      <section className="card charts__wide">
        <h2 className="card__title">{t('insights.charts.byDay')}</h2>
        <Chart option={dayOption} testid="chart-day" />
      </section>
      <section className="card">
        <h2 className="card__title">{t('insights.charts.byCategory')}</h2>
        <Chart option={catOption} testid="chart-category" />
      </section>
      <section className="card">
        <h2 className="card__title">{t('insights.charts.bySource')}</h2>
        <Chart option={sourceOption} testid="chart-source" />
      </section>
    </div>
  );
}
