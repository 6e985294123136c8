/** A thin React wrapper around Apache ECharts (tree-shaken: line, bar, pie; canvas renderer). */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, TitleComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, TitleComponent, CanvasRenderer]);

/** Shared look of the dark theme. */
export const CHART_TEXT = { color: '#94a3b8', fontFamily: "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" };
export const CHART_COLOURS = ['#38bdf8', '#22c55e', '#f59e0b', '#ef4444', '#a78bfa', '#2dd4bf', '#f472b6', '#facc15'];

export function Chart({ option, className, testid }: { option: EChartsCoreOption; className?: string; testid?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    chartRef.current?.setOption({ color: CHART_COLOURS, textStyle: CHART_TEXT, backgroundColor: 'transparent', ...option }, { notMerge: true });
  }, [option]);

  return <div ref={ref} className={className ?? 'chart'} data-testid={testid} />;
}
