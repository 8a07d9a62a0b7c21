// The 30-day adds/deletes/net chart, drawn with the shared ECharts wrapper.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart, type ChartOption } from '../../components/chart';
import { formatShortDate } from '../../lib/format';
import type { DailyChange } from './hooks';

export function DailyChart({ daily }: { daily: DailyChange[] }) {
  const { t } = useTranslation('overview');
  const option = useMemo<ChartOption>(
    () => ({
      color: ['#1677ff', '#ff7875', '#52c41a'],
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: daily.map((d) => formatShortDate(d.date)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('adds'), type: 'bar', data: daily.map((d) => d.adds), barMaxWidth: 16 },
        { name: t('deletes'), type: 'bar', data: daily.map((d) => d.deletes), barMaxWidth: 16 },
        { name: t('net'), type: 'line', smooth: true, data: daily.map((d) => d.net), symbolSize: 6 },
      ],
    }),
    [daily, t],
  );
  return <Chart option={option} height={340} />;
}
