// Numbers by day for one code or one channel: scans, visitors, adds and net adds as lines.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart, type ChartOption } from '../../components/chart';
import { formatShortDate } from '../../lib/format';
import type { DayStats } from './hooks';

type Metric = 'scans' | 'visitors' | 'adds' | 'net1d' | 'net7d' | 'groupJoins' | 'welcomeFailed';

export function StatsChart({ days, metrics, hidden = [], height = 320 }: { days: DayStats[]; metrics: readonly Metric[]; hidden?: readonly Metric[]; height?: number }) {
  const { t } = useTranslation('liveCodes');
  const option = useMemo<ChartOption>(() => {
    const name = (m: Metric) => t(`stats.${m}`);
    return {
      color: ['#91caff', '#1677ff', '#52c41a', '#faad14', '#13c2c2', '#722ed1', '#ff4d4f'],
      tooltip: { trigger: 'axis' },
      legend: { top: 0, selected: Object.fromEntries(hidden.map((m) => [name(m), false])) },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: days.map((d) => formatShortDate(d.date)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: metrics.map((m) => ({
        name: name(m),
        type: 'line',
        smooth: true,
        smoothMonotone: 'x',
        symbolSize: 5,
        data: days.map((d) => d[m]),
        ...(m === 'scans' ? { areaStyle: { opacity: 0.12 } } : {}),
      })),
    };
  }, [days, metrics, hidden, t]);
  return <Chart option={option} height={height} />;
}
