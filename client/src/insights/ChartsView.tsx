/** Insights: trend charts (by day, by category, by source). */
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useCategories } from '../api/queries.ts';
import { useTrend, type TimeWindow } from '../api/stats.ts';
import { Chart } from '../panels/Chart.tsx';
import '../wall/insights.css';
import { EMPTY, markReady } from './insights-common.ts';

export function ChartsView({ win }: { win: TimeWindow }) {
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
