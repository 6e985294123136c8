/** Insights: choropleths of the assessment indicators by grid / zone / street, with the area panel. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { toPercent } from '@gridcommand/shared/domain';
import { useAreaStats, useChoropleth, type ChoroplethLevel, type ChoroplethMetric, type TimeWindow } from '../api/stats.ts';
import { MapView } from '../map/MapView.tsx';
import { VALUE_RAMP } from '../map/style.ts';
import { Chart } from '../panels/Chart.tsx';
import '../wall/insights.css';
import { EMPTY, markReady, useBaseMap, useMapError } from './insights-common.ts';

// ── choropleth ─────────────────────────────────────────────────────

const RATE_METRICS = new Set<ChoroplethMetric>(['overdue_rate', 'closure_rate', 'on_time_rate']);

function fmtValue(metric: ChoroplethMetric, v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (RATE_METRICS.has(metric)) return `${toPercent(v, 1)?.toFixed(1)}%`;
  if (metric === 'per10k') return v.toFixed(2);
  return v.toLocaleString('zh-CN');
}

export function ChoroplethView({ win }: { win: TimeWindow }) {
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
