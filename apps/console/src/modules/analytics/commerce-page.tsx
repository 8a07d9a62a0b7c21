// 交易 Commerce: GMV of the pond's customers by first or last touch (channel, code, store, staff, group, campaign),
// buyers, repurchase, frequency, AOV, MAU, and the group comparisons (the pizza chain's 19.1% → 29.4%, ¥98.9 → ¥104.3).
import { Card, Col, Descriptions, Row, Segmented, Skeleton, Statistic, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart, type ChartOption } from '../../components/chart';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatNumber, formatShortDate } from '../../lib/format';
import { FilterBar, pct, yuan } from './filter-bar';
import { useCommerce, useFilters, type Commerce } from './hooks';

const DIMS = ['channel', 'code', 'store', 'staff', 'group', 'campaign'] as const;
const COMMERCE_KEYS = ['by', 'touch'];
type Side = Commerce['withWithout']['joined'];

function Compare({ title, a, b, la, lb }: { title: string; a: Side; b: Side; la: string; lb: string }) {
  const { t } = useTranslation('analytics');
  const rows = [
    [t('customers'), formatNumber(a.customers), formatNumber(b.customers)],
    [t('buyers'), formatNumber(a.buyers), formatNumber(b.buyers)],
    [t('repurchase'), pct(a.repurchaseRate), pct(b.repurchaseRate)],
    [t('frequency'), a.frequency?.toFixed(2) ?? '—', b.frequency?.toFixed(2) ?? '—'],
    [t('aov'), yuan(a.aov), yuan(b.aov)],
    [t('gmv'), yuan(a.gmv), yuan(b.gmv)],
  ];
  return (
    <Card title={title} size="small">
      <Table size="small" pagination={false} rowKey={(r) => r[0]} dataSource={rows}
        columns={[{ title: '', render: (_, r) => r[0] }, { title: la, align: 'right', render: (_, r) => r[1] }, { title: lb, align: 'right', render: (_, r) => r[2] }]} />
    </Card>
  );
}

export default function CommercePage() {
  const { t } = useTranslation('analytics');
  const [f, set] = useFilters(COMMERCE_KEYS);
  const q = useCommerce(f);
  const d = q.data;
  const by = f.by ?? 'channel';
  const option = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: (d?.daily ?? []).map((x) => formatShortDate(x.date)) },
    yAxis: { type: 'value' },
    series: [{ name: t('gmv'), type: 'bar', barMaxWidth: 16, data: (d?.daily ?? []).map((x) => x.gmv) }],
  }), [d, t]);
  return (
    <>
      <PageHeader title={t('commerceTitle')} subtitle={t('commerceSubtitle')} />
      <FilterBar f={f} set={set} period={d}>
        <Segmented value={f.touch ?? 'last'} onChange={(v) => set({ touch: String(v) })} options={(['first', 'last'] as const).map((x) => ({ value: x, label: t(`touch.${x}`) }))} />
        <Segmented value={by} onChange={(v) => set({ by: String(v) })} options={DIMS.map((x) => ({ value: x, label: t(`dims.${x}`) }))} />
      </FilterBar>
      <QueryError query={q} />
      {!d ? <Skeleton active /> : (
        <>
          <Row gutter={[16, 16]}>
            {([['gmv', yuan(d.gmv)], ['orders', formatNumber(d.orders)], ['aov', yuan(d.aov)], ['buyers', formatNumber(d.buyers)],
              ['repurchase', pct(d.repurchaseRate)], ['frequency', d.frequency?.toFixed(2) ?? '—'], ['firstOrders', formatNumber(d.firstOrders)], ['mau', formatNumber(d.mau)]] as const).map(([k, v]) => (
              <Col key={k} xs={12} md={6} lg={3}><Card size="small" data-testid={`commerce-${k}`}><Statistic title={t(k)} value={v} /></Card></Col>
            ))}
          </Row>
          <Card style={{ marginTop: 16 }} title={t('daily')}><Chart option={option} height={240} /></Card>
          <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
            <Col xs={24} lg={12}><Compare title={t('withWithout')} a={d.withWithout.joined} b={d.withWithout.notJoined} la={t('joined')} lb={t('notJoined')} /></Col>
            <Col xs={24} lg={12}><Compare title={t('beforeAfter')} a={d.beforeAfter.before} b={d.beforeAfter.after} la={t('before')} lb={t('after')} /></Col>
          </Row>
          <Card style={{ marginTop: 16 }} title={`${t(`touch.${d.byTouch}`)} · ${t(`dims.${by as 'channel'}`)}`}>
            <Table size="small" rowKey="key" dataSource={d.rows} pagination={{ pageSize: 20 }}
              columns={[
                { title: t(`dims.${by as 'channel'}`), dataIndex: 'name', render: (n: string, r: Commerce['rows'][number]) => (r.key === '' || r.key === '0' ? <Typography.Text type="secondary">{t('none')}</Typography.Text> : n) },
                { title: t('orders'), dataIndex: 'orders', align: 'right', render: (n: number) => formatNumber(n) },
                { title: t('gmv'), dataIndex: 'gmv', align: 'right', render: (n: number) => yuan(n) },
              ]} />
            <Descriptions size="small" style={{ marginTop: 8 }} items={[{ label: t('gmv'), children: yuan(d.gmv) }]} />
          </Card>
        </>
      )}
    </>
  );
}
