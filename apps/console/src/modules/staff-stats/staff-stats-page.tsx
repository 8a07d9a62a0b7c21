// 员工数据 Staff stats: the period's figures per staff member, store or department, the leaderboard (a metric picker),
// the per-day chart, CSV export and the backfill action (admins and operators). Store managers see their stores.
import { DownloadOutlined, HistoryOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Flex, InputNumber, Popover, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { Chart, type ChartOption } from '../../components/chart';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatNumber, formatShortDate, formatYuan } from '../../lib/format';
import { useMe } from '../auth/hooks';
import { STAFF_METRICS, staffStatsCsvUrl, useBackfill, useStaffStats, type StaffMetric, type StaffStatsFilter, type StaffStatsRow } from './hooks';

const DAY_FORMAT = 'YYYY-MM-DD';

export default function StaffStatsPage() {
  const { t } = useTranslation('staffStats');
  const { message } = App.useApp();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const filter: StaffStatsFilter = {
    from: params.get('from') ?? undefined, to: params.get('to') ?? undefined,
    groupBy: (params.get('groupBy') as StaffStatsFilter['groupBy'] | null) ?? 'staff',
    metric: (params.get('metric') as StaffMetric | null) ?? 'added',
  };
  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) if (v) next.set(k, v); else next.delete(k);
    setParams(next, { replace: true });
  };
  const q = useStaffStats(filter);
  const backfill = useBackfill();
  const [days, setDays] = useState(30);
  const canWrite = me.data?.role === 'admin' || me.data?.role === 'operator';
  const data = q.data;

  const chart = useMemo<ChartOption>(() => ({
    color: ['#1677ff', '#ff7875', '#52c41a', '#faad14'],
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: (data?.daily ?? []).map((d) => formatShortDate(d.day)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('chart.added'), type: 'bar', data: (data?.daily ?? []).map((d) => d.added), barMaxWidth: 16 },
      { name: t('chart.deleted'), type: 'bar', data: (data?.daily ?? []).map((d) => d.deleted), barMaxWidth: 16 },
      { name: t('chart.chatCnt'), type: 'line', smooth: true, data: (data?.daily ?? []).map((d) => d.chatCnt) },
      { name: t('chart.orders'), type: 'line', smooth: true, data: (data?.daily ?? []).map((d) => d.orders) },
    ],
  }), [data, t]);

  const show = (m: StaffMetric, v: number | null) => (v === null ? '—' : m === 'gmv' ? formatYuan(v) : formatNumber(v));
  const shown: StaffMetric[] = [filter.metric, ...(['added', 'deletedByCustomer', 'deletedByStaff', 'chatCnt', 'messageCnt', 'replyPercentage', 'avgReplyTime',
    'groupMembers', 'groupMembersSpoke', 'tasksDone', 'tasksOverdue', 'momentsPosted', 'orders', 'gmv'] as StaffMetric[]).filter((m) => m !== filter.metric)];

  return (
    <>
      <PageHeader
        title={t('staffTitle')}
        subtitle={t('staffSubtitle')}
        extra={(
          <Space wrap>
            {data?.through ? <Tag>{t('through', { day: data.through })}</Tag> : null}
            {data?.running ? <Tag color="processing">{t('running', { count: data.running })}</Tag> : null}
            <Button icon={<DownloadOutlined />} href={staffStatsCsvUrl(filter)}>{t('exportCsv')}</Button>
            {canWrite ? (
              <Popover trigger="click" title={t('backfillDays')} content={(
                <Space>
                  <InputNumber min={1} max={180} value={days} onChange={(v) => setDays(v ?? 30)} />
                  <Button type="primary" loading={backfill.isPending} data-testid="backfill-go" onClick={() => backfill.mutate(days, {
                    onSuccess: (r) => { void message.success(t('backfillQueued', r)); },
                    onError: (e) => { void message.error(e.message); },
                  })}>{t('backfill')}</Button>
                </Space>
              )}>
                <Button icon={<HistoryOutlined />}>{t('backfill')}</Button>
              </Popover>
            ) : null}
          </Space>
        )}
      />
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <DatePicker.RangePicker
          allowClear={false}
          value={data ? [dayjs(data.from), dayjs(data.to)] : undefined}
          onChange={(v) => { const r = v as [Dayjs, Dayjs] | null; if (r) set({ from: r[0].format(DAY_FORMAT), to: r[1].format(DAY_FORMAT) }); }}
        />
        <Segmented value={filter.groupBy} onChange={(v) => set({ groupBy: String(v) })}
          options={(['staff', 'store', 'department'] as const).map((g) => ({ value: g, label: t(`groupByOptions.${g}`) }))} />
        <Select style={{ minWidth: 180 }} value={filter.metric} onChange={(v) => set({ metric: v })} data-testid="metric-picker"
          options={STAFF_METRICS.map((m) => ({ value: m, label: t(`metrics.${m}`) }))} />
      </Flex>
      <QueryError query={q} />
      <Card title={t('daily')} style={{ marginBottom: 16 }}>
        <Chart option={chart} height={260} />
      </Card>
      <Card title={`${t('leaderboard')} · ${t(`metrics.${filter.metric}`)}`}>
        <Table<StaffStatsRow>
          data-testid="leaderboard"
          rowKey="key"
          size="small"
          loading={q.isLoading}
          dataSource={data?.rows ?? []}
          locale={{ emptyText: <Typography.Text type="secondary">{t('noData')}</Typography.Text> }}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('rank'), key: 'rank', width: 60, render: (_v, _r, i) => i + 1 },
            { title: t('name'), dataIndex: 'name', fixed: 'left' },
            ...(filter.groupBy === 'staff' ? [{ title: t('store'), dataIndex: 'storeName', render: (v: string | null) => v ?? '—' }] : []),
            ...shown.map((m, i) => ({
              title: t(`metrics.${m}`), key: m, align: 'right' as const,
              render: (_: unknown, r: StaffStatsRow) => (i === 0 ? <b>{show(m, r[m])}</b> : show(m, r[m])),
            })),
          ]}
          summary={() => (data && data.rows.length > 1 ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={filter.groupBy === 'staff' ? 3 : 2}><b>Σ</b></Table.Summary.Cell>
              {shown.map((m, i) => <Table.Summary.Cell key={m} index={i + 3} align="right">{show(m, data.totals[m])}</Table.Summary.Cell>)}
            </Table.Summary.Row>
          ) : null)}
        />
      </Card>
    </>
  );
}
