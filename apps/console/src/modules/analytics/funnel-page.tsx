// 漏斗 Funnel: the five stages of the period's new customers, each rate beside the previous period's, their product
// (the seeds' 0.9⁵ = 59%), and the table by channel, code, store, staff, campaign or day.
import { SettingOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Row, Segmented, Skeleton, Statistic, Table, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart, type ChartOption } from '../../components/chart';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatNumber } from '../../lib/format';
import { asOf, FilterBar, pct } from './filter-bar';
import { useCanWrite } from '../auth/hooks';
import { useFilters, useFunnel, type Funnel } from './hooks';
import { StageDefinitions } from './stage-definitions';

const DIMS = ['channel', 'code', 'store', 'staff', 'campaign', 'day'] as const;
const FUNNEL_KEYS = ['by'];
const STAGES = ['acquire', 'activate', 'retain', 'convert', 'spread'] as const;

export default function FunnelPage() {
  const { t } = useTranslation('analytics');
  const [f, set] = useFilters(FUNNEL_KEYS);
  const q = useFunnel(f);
  const d = q.data;
  const canWrite = useCanWrite();
  const [editing, setEditing] = useState(false);
  const option = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: STAGES.map((s) => t(`stages.${s}`)) },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` }, max: 1 },
    series: [
      { name: t('rate'), type: 'bar', barMaxWidth: 48, data: STAGES.map((s) => d?.stages.find((x) => x.stage === s)?.rate ?? 0), label: { show: true, position: 'top', formatter: (p: { value?: unknown }) => pct(Number(p.value)) } },
      { name: t('previous'), type: 'bar', barMaxWidth: 48, data: STAGES.map((s) => d?.stages.find((x) => x.stage === s)?.previousRate ?? 0) },
    ],
  }), [d, t]);
  type R = Funnel['rows'][number];
  const by = f.by ?? 'channel';
  return (
    <>
      <PageHeader title={t('funnelTitle')} subtitle={t('funnelSubtitle')}
        extra={<Button icon={<SettingOutlined />} disabled={!d} onClick={() => setEditing(true)} data-testid="stage-definitions-open">{t('definitions.title')}</Button>} />
      {editing && d ? <StageDefinitions settings={d.settings} canWrite={canWrite} onClose={() => setEditing(false)} /> : null}
      {d?.rebuilding ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={t('definitions.rebuilding')} data-testid="funnel-rebuilding" /> : null}
      <FilterBar f={f} set={set} period={d}>
        <Segmented value={by} onChange={(v) => set({ by: String(v) })} options={DIMS.map((x) => ({ value: x, label: t(`dims.${x}`) }))} data-testid="funnel-by" />
      </FilterBar>
      <QueryError query={q} />
      {!d ? <Skeleton active /> : (
        <>
          <Row gutter={[16, 16]}>
            {d.stages.map((s) => (
              <Col key={s.stage} xs={12} md={8} lg={4}>
                <Card size="small" data-testid={`stage-${s.stage}`}>
                  <Tooltip title={t(`stageHelp.${s.stage}`, { days: s.stage === 'retain' ? d.settings.retainDays : d.settings.activateDays })}>
                    <Statistic title={t(`stages.${s.stage}`)} value={pct(s.rate)} />
                  </Tooltip>
                  <Typography.Text type="secondary">{formatNumber(s.numerator)} / {formatNumber(s.denominator)} · {t('previous')} {pct(s.previousRate)}</Typography.Text>
                </Card>
              </Col>
            ))}
            <Col xs={12} md={8} lg={4}>
              <Card size="small" data-testid="stage-product">
                <Statistic title={t('product')} value={pct(d.product, 3)} />
                <Typography.Text type={d.productChange !== null && d.productChange < 1 ? 'danger' : 'success'}>{t('productChange')} {pct(d.productChange)}</Typography.Text>
              </Card>
            </Col>
          </Row>
          <Card style={{ marginTop: 16 }}><Chart option={option} height={280} /></Card>
          <Card style={{ marginTop: 16 }} extra={<Typography.Text type="secondary">{t('asOf', { at: asOf(d.asOf) })}</Typography.Text>}>
            {d.rows.length === 0 ? <Empty description={t('empty')} /> : (
              <Table<R> size="small" rowKey="key" dataSource={d.rows} pagination={{ pageSize: 20 }} data-testid="funnel-table"
                columns={[
                  { title: t(`dims.${by as 'channel'}`), dataIndex: 'name', render: (n: string, r) => (r.key === '' || r.key === '0' ? <Typography.Text type="secondary">{t('none')}</Typography.Text> : n) },
                  ...(['scanned', 'added', 'activated', 'retained', 'converted', 'spread'] as const).map((k) => ({
                    title: t(`counts.${k}`), key: k, align: 'right' as const, sorter: (a: R, b: R) => a[k] - b[k], render: (_: unknown, r: R) => formatNumber(r[k]),
                  })),
                  ...STAGES.map((s) => ({ title: t(`stages.${s}`), key: `rate-${s}`, align: 'right' as const, render: (_: unknown, r: R) => pct(r.rates[s]) })),
                ]} />
            )}
          </Card>
        </>
      )}
    </>
  );
}
