// Numbers per channel (every code's channel label), totals for the range and a chart by day of the
// channel picked in the table.
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Segmented, Skeleton, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { Chart, type ChartOption } from '../../components/chart';
import { ExportButton, ListTable } from '../../components/list-page';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatNumber, formatShortDate } from '../../lib/format';
import { useSearchState } from '../../lib/use-search-state';
import { links, useChannelStats, type ChannelStats, type TotalStats } from './hooks';
import { formatRate, RangeFilter, StatCards, useDateRange } from './stats-widgets';

type Row = ChannelStats['channels'][number];
type Metric = 'scans' | 'adds' | 'net7d' | 'groupJoins';
const METRICS: readonly Metric[] = ['adds', 'scans', 'net7d', 'groupJoins'];

function sumTotals(rows: Row[]): TotalStats {
  const t = rows.reduce<TotalStats>(
    (a, r) => ({
      scans: a.scans + r.total.scans,
      visitors: a.visitors + r.total.visitors,
      adds: a.adds + r.total.adds,
      deletes1d: a.deletes1d + r.total.deletes1d,
      deletes7d: a.deletes7d + r.total.deletes7d,
      net1d: a.net1d + r.total.net1d,
      net7d: a.net7d + r.total.net7d,
      groupJoins: a.groupJoins + r.total.groupJoins,
      welcomeSent: a.welcomeSent + r.total.welcomeSent,
      welcomeFailed: a.welcomeFailed + r.total.welcomeFailed,
      conversion: null,
    }),
    { scans: 0, visitors: 0, adds: 0, deletes1d: 0, deletes7d: 0, net1d: 0, net7d: 0, groupJoins: 0, welcomeSent: 0, welcomeFailed: 0, conversion: null },
  );
  t.conversion = t.visitors ? t.adds / t.visitors : null;
  return t;
}

export default function ChannelStatsPage() {
  const { t } = useTranslation(['liveCodes', 'common']);
  const navigate = useNavigate();
  const search = useSearchState();
  const [range, setRange] = useDateRange();
  const stats = useChannelStats(range);
  const metric: Metric = METRICS.includes(search.get('metric') as Metric) ? (search.get('metric') as Metric) : 'adds';
  const rows = useMemo(() => [...(stats.data?.channels ?? [])].sort((a, b) => b.total.adds - a.total.adds || b.total.scans - a.total.scans), [stats.data]);

  const option = useMemo<ChartOption>(() => {
    const dates = rows[0]?.days.map((d) => d.date) ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: dates.map(formatShortDate) },
      yAxis: { type: 'value', minInterval: 1 },
      series: rows.map((r) => ({ name: r.channel || t('channelStats.unlabelled'), type: 'line', smooth: true, smoothMonotone: 'x', symbolSize: 4, data: r.days.map((d) => d[metric]) })),
    };
  }, [rows, metric, t]);

  const columns: ColumnsType<Row> = [
    {
      title: t('channelStats.channel'),
      dataIndex: 'channel',
      render: (c: string) => (
        <Link to={`/live-codes?q=${encodeURIComponent(c)}`}>
          {c ? c : <Typography.Text type="secondary">{t('channelStats.unlabelled')}</Typography.Text>}
        </Link>
      ),
    },
    { title: t('stats.scans'), key: 'scans', align: 'right', sorter: (a, b) => a.total.scans - b.total.scans, render: (_, r) => formatNumber(r.total.scans) },
    { title: t('stats.visitors'), key: 'visitors', align: 'right', sorter: (a, b) => a.total.visitors - b.total.visitors, render: (_, r) => formatNumber(r.total.visitors) },
    { title: t('stats.adds'), key: 'adds', align: 'right', sorter: (a, b) => a.total.adds - b.total.adds, render: (_, r) => formatNumber(r.total.adds) },
    { title: t('stats.net1d'), key: 'net1d', align: 'right', render: (_, r) => formatNumber(r.total.net1d) },
    { title: t('stats.net7d'), key: 'net7d', align: 'right', sorter: (a, b) => a.total.net7d - b.total.net7d, render: (_, r) => formatNumber(r.total.net7d) },
    {
      title: t('stats.conversion'),
      key: 'conversion',
      align: 'right',
      sorter: (a, b) => (a.total.conversion ?? -1) - (b.total.conversion ?? -1),
      render: (_, r) => formatRate(r.total.conversion),
    },
    { title: t('stats.groupJoins'), key: 'groupJoins', align: 'right', render: (_, r) => formatNumber(r.total.groupJoins) },
    {
      title: t('stats.welcome'),
      key: 'welcome',
      align: 'right',
      render: (_, r) => (
        <span>
          {formatNumber(r.total.welcomeSent)}
          <Typography.Text type={r.total.welcomeFailed ? 'danger' : 'secondary'}> / {formatNumber(r.total.welcomeFailed)}</Typography.Text>
        </span>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        back={<Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('common:back')} onClick={() => navigate('/live-codes')} />}
        title={t('channelStats.title')}
        subtitle={t('channelStats.subtitle')}
        extra={
          <>
            <RangeFilter range={range} onChange={setRange} stats={stats.data} />
            <ExportButton href={links.channelCsv(range)} testId="channel-csv" />
          </>
        }
      />
      <QueryError query={stats} />
      <StatCards total={stats.data ? sumTotals(rows) : undefined} loading={stats.isLoading} />
      <Card
        title={t('channelStats.chart')}
        style={{ marginTop: 16 }}
        extra={
          <Segmented<Metric>
            size="small"
            value={metric}
            onChange={(m) => search.update({ metric: m === 'adds' ? null : m }, { keepPage: true })}
            options={METRICS.map((m) => ({ value: m, label: t(`stats.${m}`) }))}
          />
        }
      >
        <div data-testid="channel-chart">
          {stats.isLoading ? (
            <Skeleton active paragraph={{ rows: 8 }} />
          ) : rows.length === 0 ? (
            <Empty description={t('channelStats.empty')} />
          ) : (
            <Chart option={option} height={320} />
          )}
        </div>
      </Card>
      <Card style={{ marginTop: 16 }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {t('channelStats.tableHelp')}
        </Typography.Paragraph>
        {/* The stats query's error is shown once, at the top of the page. */}
        <ListTable<Row>
          rowKey={(r) => r.channel}
          columns={columns}
          items={rows}
          loading={stats.isFetching}
          rowTestId="channel-row"
          empty={t('channelStats.empty')}
          scroll={{ x: 900 }}
        />
      </Card>
    </>
  );
}
