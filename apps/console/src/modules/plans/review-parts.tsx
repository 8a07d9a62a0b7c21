// The review's parts, shared by the review page and its print page: goal and metrics against targets, cost against
// budget, per day (ECharts), per channel, what was sent, the linked items' results, the milestones.
import { Card, Col, Descriptions, Progress, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart, type ChartOption } from '../../components/chart';
import { formatDateTime, formatNumber, formatShortDate, todayInZone } from '../../lib/format';
import type { PlanReview } from './hooks';
import { pct, ResultsTable, roiText, yuan } from './results-page';

type Metric = PlanReview['goal']['metric'];

export function metricValue(metric: Metric, v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (metric === 'gmv' || metric === 'campaign_gmv') return yuan(v);
  if (metric === 'repurchase_rate') return pct(v);
  if (metric === 'roi') return roiText(v);
  return formatNumber(v);
}

export function GoalCard({ r }: { r: PlanReview }) {
  const { t } = useTranslation('plans');
  const g = r.goal;
  return (
    <Card size="small" title={`${t('goal')} · ${t(`metrics.${g.metric}`)}`} data-testid="review-goal">
      <Row gutter={16} align="middle">
        <Col span={8}><Statistic title={t('target')} value={metricValue(g.metric, g.target)} /></Col>
        <Col span={8}><Statistic title={t('actual')} value={metricValue(g.metric, g.actual)} /></Col>
        <Col span={8}><Progress type="circle" size={80} percent={Math.round((g.progress ?? 0) * 100)} status={(g.progress ?? 0) >= 1 ? 'success' : 'normal'} /></Col>
      </Row>
    </Card>
  );
}

export function CostCard({ r }: { r: PlanReview }) {
  const { t } = useTranslation('plans');
  return (
    <Card size="small" title={t('costVsBudget')}>
      <Row gutter={16}>
        <Col span={12}><Statistic title={t('spent')} value={yuan(r.cost.spent)} /></Col>
        <Col span={12}><Statistic title={t('budget')} value={yuan(r.cost.budget)} /></Col>
      </Row>
      {r.cost.ratio !== null && <Progress percent={Math.round(r.cost.ratio * 100)} status={r.cost.ratio > 1 ? 'exception' : 'normal'} />}
    </Card>
  );
}

export function MetricsTable({ r }: { r: PlanReview }) {
  const { t } = useTranslation('plans');
  return (
    <Table size="small" rowKey="metric" pagination={false} dataSource={r.metrics} data-testid="review-metrics"
      columns={[
        { title: '', dataIndex: 'metric', render: (m: Metric) => t(`metrics.${m}`) },
        { title: t('target'), align: 'right', render: (_, m) => metricValue(m.metric, m.target) },
        { title: t('actual'), align: 'right', render: (_, m) => metricValue(m.metric, m.actual) },
        { title: t('progress'), align: 'right', render: (_, m) => (m.progress === null ? '—' : pct(m.progress)) },
      ]} />
  );
}

export function DailyChart({ r, height = 260 }: { r: PlanReview; height?: number }) {
  const { t } = useTranslation('plans');
  const option = useMemo<ChartOption>(() => {
    // Days still to come have no figures yet: their lines stop at today.
    const today = todayInZone().format('YYYY-MM-DD');
    const upTo = <T,>(d: { date: string }, v: T) => (d.date <= today ? v : null);
    return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: r.days.map((d) => formatShortDate(d.date)) },
    yAxis: [{ type: 'value' }, { type: 'value' }],
    series: [
      { name: t('gmv'), type: 'bar', barMaxWidth: 14, data: r.days.map((d) => upTo(d, d.gmv)) },
      { name: t('spent'), type: 'line', data: r.days.map((d) => upTo(d, d.cumulativeCost)) },
      { name: t('newCustomers'), type: 'line', yAxisIndex: 1, data: r.days.map((d) => upTo(d, d.newCustomers)) },
      { name: t('participants'), type: 'line', yAxisIndex: 1, data: r.days.map((d) => upTo(d, d.participants)) },
    ],
    };
  }, [r, t]);
  return <Chart option={option} height={height} />;
}

export function ChannelsTable({ r }: { r: PlanReview }) {
  const { t } = useTranslation('plans');
  return (
    <Table size="small" rowKey="channel" pagination={false} dataSource={r.channels}
      columns={[
        { title: t('fields.channelName'), dataIndex: 'channel', render: (c: string, x) => <>{c || t('none')} {x.planned && <Tag color="blue">{t('planned')}</Tag>}</> },
        { title: t('newCustomers'), dataIndex: 'newCustomers', align: 'right', render: (n: number) => formatNumber(n) },
        { title: t('orders'), dataIndex: 'orders', align: 'right', render: (n: number) => formatNumber(n) },
        { title: t('gmv'), dataIndex: 'gmv', align: 'right', render: (n: number) => yuan(n) },
      ]} />
  );
}

export function SentTable({ r }: { r: PlanReview }) {
  const { t } = useTranslation('plans');
  return (
    <Table size="small" rowKey={(s) => `${s.kind}:${s.id}:${s.day}`} pagination={false} dataSource={r.sent}
      columns={[
        { title: t('at'), dataIndex: 'at', render: (a: string) => formatDateTime(a) },
        { title: t('kind'), dataIndex: 'kind', render: (k: 'broadcast') => t(`sentKinds.${k}`) },
        { title: t('name'), dataIndex: 'name', render: (n: string, s) => <>{n} {s.linked && <Tag color="blue">{t('linkedMark')}</Tag>}</> },
        { title: t('count'), dataIndex: 'count', align: 'right', render: (n: number) => formatNumber(n) },
      ]} />
  );
}

export function MilestoneList({ r }: { r: PlanReview }) {
  const { t } = useTranslation('plans');
  return (
    <Descriptions size="small" column={1} items={r.milestones.map((m, i) => ({
      key: String(i), label: m.date,
      children: <>{m.label} {m.done ? <Tag color="green">{t('fields.milestoneDone')}</Tag> : m.overdue ? <Tag color="red">{t('overdue')}</Tag> : null}</>,
    }))} />
  );
}

export function PlanFacts({ r }: { r: PlanReview }) {
  const { t } = useTranslation('plans');
  const p = r.plan;
  return (
    <Descriptions size="small" bordered column={{ xs: 1, md: 2 }} items={[
      { key: 'period', label: t('period'), children: `${p.startsOn} ~ ${p.endsOn} (${t(`states.${r.state}`)})` },
      { key: 'theme', label: t('sections.theme'), children: p.theme || '—' },
      { key: 'purpose', label: t('sections.purpose'), children: p.purpose || '—' },
      { key: 'reserve', label: t('sections.reserve'), children: p.reserve || '—' },
      { key: 'channels', label: t('sections.channels'), children: p.channels.map((c) => `${c.name}${c.note ? `（${c.note}）` : ''}`).join('、') || '—' },
      { key: 'expected', label: t('sections.expected'), children: p.expectedText || '—' },
    ]} />
  );
}

export function LinkedTable({ r }: { r: PlanReview }) {
  return r.linked.length ? <ResultsTable rows={r.linked} totals={r.linkedTotals} /> : <Typography.Text type="secondary">—</Typography.Text>;
}
