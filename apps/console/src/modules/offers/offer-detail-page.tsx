// One offer: its status actions (publish, pause, resume, end), the link to its H5 page (preview as the customer
// sees it), its numbers, a daily chart, and — for group-buys and bargains — the groups with their members or the
// bargains with their helpers.
import { Card, Col, Row, Space, Statistic, Table, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { Chart, type ChartOption } from '../../components/chart';
import { Person } from '../../components/person';
import { formatDateTime, formatNumber, formatShortDate, formatYuan } from '../../lib/format';
import { CampaignHeader, useCampaignFallback } from '../campaigns/campaign-header';
import { CampaignUrlCard } from '../campaigns/campaign-url-card';
import { OfferForm } from './offer-form';
import { OFFERS_KEY, useBargains, useGroupbuys, useOffer, type BargainList, type GroupbuyList, type OfferDetail } from './hooks';

function DailyChart({ offer }: { offer: OfferDetail }) {
  const { t } = useTranslation('offers');
  const option = useMemo<ChartOption>(() => {
    const series = offer.kind === 'coupon' ? (['participants', 'claims', 'redeemed'] as const)
      : offer.kind === 'groupbuy' ? (['participants', 'joins', 'claims', 'redeemed'] as const) : (['participants', 'helps'] as const);
    return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: offer.daily.map((d) => formatShortDate(d.day)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map((k, i) => (i === 0
      ? { name: t(`chart.${k}`), type: 'line', smooth: true, data: offer.daily.map((d) => d[k]) }
      : { name: t(`chart.${k}`), type: 'bar', barMaxWidth: 14, data: offer.daily.map((d) => d[k]) })),
    };
  }, [offer.daily, offer.kind, t]);
  return <Chart option={option} height={300} />;
}

function Groupbuys({ id }: { id: number }) {
  const { t } = useTranslation('offers');
  const [page, setPage] = useState(1);
  const q = useGroupbuys(id, true, page);
  type Item = GroupbuyList['items'][number];
  return (
    <Table<Item> rowKey="id" loading={q.isLoading} dataSource={q.data?.items ?? []} data-testid="offer-groupbuys"
      pagination={{ current: page, pageSize: 20, total: q.data?.total ?? 0, onChange: setPage }}
      columns={[
        { title: t('groupbuys.opener'), render: (_, g) => <Link to={`/customers/${encodeURIComponent(g.opener.externalUserid)}`}>{g.opener.name ?? g.opener.externalUserid}</Link> },
        { title: t('groupbuys.progress'), render: (_, g) => `${g.joined}/${g.needed}` },
        { title: t('columns.status'), render: (_, g) => <Tag color={g.state === 'full' ? 'green' : g.state === 'open' ? 'blue' : 'default'}>{t(`groupbuys.state.${g.state}`)}</Tag> },
        { title: t('groupbuys.members'), render: (_, g) => <Space wrap>{g.members.map((m) => <Person key={m.memberKey} name={m.name ?? t('guest')} avatar={m.avatar} size={24} sub={m.couponCode ?? undefined} />)}</Space> },
        { title: t('groupbuys.expiresAt'), render: (_, g) => formatDateTime(String(g.expiresAt)) },
      ]} />
  );
}

function Bargains({ id }: { id: number }) {
  const { t } = useTranslation('offers');
  const [page, setPage] = useState(1);
  const q = useBargains(id, true, page);
  type Item = BargainList['items'][number];
  return (
    <Table<Item> rowKey="id" loading={q.isLoading} dataSource={q.data?.items ?? []} data-testid="offer-bargains"
      pagination={{ current: page, pageSize: 20, total: q.data?.total ?? 0, onChange: setPage }}
      expandable={{
        expandedRowRender: (b) => (
          <Space wrap>{b.helpers.map((h) => <Person key={h.helperKey} name={h.name ?? t('guest')} avatar={h.avatar} size={24} sub={`-${formatYuan(h.cutFen / 100)}`} />)}</Space>
        ),
      }}
      columns={[
        { title: t('bargains.owner'), render: (_, b) => <Link to={`/customers/${encodeURIComponent(b.owner.externalUserid)}`}>{b.owner.name ?? b.owner.externalUserid}</Link> },
        { title: t('bargains.price'), render: (_, b) => `${formatYuan(b.priceFen / 100)} (${formatYuan(b.startFen / 100)} → ${formatYuan(b.floorFen / 100)})` },
        { title: t('bargains.helpers'), render: (_, b) => formatNumber(b.helps) },
        { title: t('columns.status'), render: (_, b) => <Tag color={b.state === 'bought' ? 'green' : b.state === 'expired' ? 'default' : 'blue'}>{t(`bargains.state.${b.state}`)}</Tag> },
        { title: t('groupbuys.expiresAt'), render: (_, b) => formatDateTime(String(b.expiresAt)) },
      ]} />
  );
}

export default function OfferDetailPage() {
  const { t } = useTranslation('offers');
  const id = Number(useParams().id);
  const offer = useOffer(id);
  const [editing, setEditing] = useState(false);
  const fallback = useCampaignFallback(offer, { title: t('title'), listPath: '/offers' });
  const o = offer.data;
  if (fallback || !o) return fallback;
  const n = o.numbers;
  const stat = (title: string, value: number, money = false) => (
    <Col xs={12} sm={8} md={6} lg={4} key={title}><Card size="small"><Statistic title={title} value={money ? formatYuan(value / 100) : formatNumber(value)} /></Card></Col>
  );
  const stats = [
    stat(t('numbers.participants'), n.participants),
    ...(o.kind === 'coupon' ? [stat(t('numbers.claims'), n.claims), stat(t('numbers.redeemed'), n.redeemed)] : []),
    ...(o.kind === 'groupbuy' ? [stat(t('numbers.groupbuysOpen'), n.groupbuysOpen), stat(t('numbers.groupbuysFull'), n.groupbuysFull),
      stat(t('numbers.groupbuysExpired'), n.groupbuysExpired), stat(t('numbers.groupbuyMembers'), n.groupbuyMembers), stat(t('numbers.claims'), n.claims), stat(t('numbers.redeemed'), n.redeemed)] : []),
    ...(o.kind === 'bargain' ? [stat(t('numbers.bargains'), n.bargains), stat(t('numbers.helps'), n.helps), stat(t('numbers.bargainsAtFloor'), n.bargainsAtFloor),
      stat(t('numbers.bargainsBought'), n.bargainsBought)] : []),
    ...(o.pool ? [stat(t('numbers.available'), o.pool.available)] : []),
    stat(t('numbers.rewards'), n.rewards), stat(t('numbers.cost'), n.costFen, true), stat(t('numbers.orders'), n.orders), stat(t('numbers.gmv'), n.gmvFen, true),
  ];
  return (
    <>
      <CampaignHeader campaign={o} queryKey={OFFERS_KEY} listPath="/offers" testId="offer" endConfirm={t('actions.confirmEnd')}
        tags={<Tag>{t(`kinds.${o.kind}`)}</Tag>} onEdit={() => setEditing(true)} />
      <CampaignUrlCard url={o.pageUrl} testId="offer" />
      <Row gutter={[12, 12]} data-testid="offer-numbers">{stats}</Row>
      <Card title={t('chart.title')} size="small" style={{ marginTop: 16 }}><DailyChart offer={o} /></Card>
      {o.kind === 'groupbuy' && <Card title={t('groupbuys.title')} size="small" style={{ marginTop: 16 }}><Groupbuys id={id} /></Card>}
      {o.kind === 'bargain' && <Card title={t('bargains.title')} size="small" style={{ marginTop: 16 }}><Bargains id={id} /></Card>}
      {editing && <OfferForm kind={o.kind} offer={o} onClose={() => setEditing(false)} />}
    </>
  );
}
