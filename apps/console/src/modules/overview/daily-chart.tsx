// The 30-day adds/deletes/net chart. ECharts is assembled from echarts/core with only the parts
// drawn here. A small effect-based wrapper stands in for echarts-for-react, whose builds import
// `tslib` without declaring it (hustcc/echarts-for-react#512) and so fail to resolve in this workspace.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatShortDate } from '../../lib/format';
import type { DailyChange } from './hooks';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type ChartOption = ComposeOption<BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

function Chart({ option, height }: { option: ChartOption; height: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const instance = echarts.init(el);
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={ref} style={{ width: '100%', height }} />;
}

export function DailyChart({ daily }: { daily: DailyChange[] }) {
  const { t } = useTranslation();
  const option = useMemo<ChartOption>(
    () => ({
      color: ['#1677ff', '#ff7875', '#52c41a'],
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: daily.map((d) => formatShortDate(d.date)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('overview.adds'), type: 'bar', data: daily.map((d) => d.adds), barMaxWidth: 16 },
        { name: t('overview.deletes'), type: 'bar', data: daily.map((d) => d.deletes), barMaxWidth: 16 },
        { name: t('overview.net'), type: 'line', smooth: true, data: daily.map((d) => d.net), symbolSize: 6 },
      ],
    }),
    [daily, t],
  );
  return <Chart option={option} height={340} />;
}
