// One lottery's numbers: participants, draws, wins, cost, orders and GMV (paid entries), per prize won and stock
// left, draws per day, and the winners (reward state, a gift's address) with the CSV export (the fulfilment list).
import { Button, Card, Col, Row, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { Chart, type ChartOption } from '../../components/chart';
import { QueryError } from '../../components/query-error';
import { formatDateTime, formatNumber, formatYuan } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { CampaignHeader, campaignWindow, useCampaignFallback } from '../campaigns/campaign-header';
import { CampaignUrlCard } from '../campaigns/campaign-url-card';
import { LOTTERIES_KEY, useLottery, useWinners, winnersCsvUrl, type LotteryDetail, type Winner } from './hooks';
import { useEntryLabel } from './lotteries-page';

function address(a: Record<string, unknown> | null): string | null {
  if (!a) return null;
  return ['name', 'phone', 'province', 'city', 'district', 'detail', 'address'].map((k) => a[k]).filter((v) => typeof v === 'string' && v).join(' ');
}

function Winners({ id }: { id: number }) {
  const { t } = useTranslation('lottery');
  const [page, setPage] = useState({ limit: 20, offset: 0 });
  const winners = useWinners(id, page);
  const columns: ColumnsType<Winner> = [
    { title: t('detail.customer'), key: 'customer', render: (_, w) => <Link to={`/customers/${encodeURIComponent(w.externalUserid)}`}>{w.customerName ?? w.externalUserid}</Link> },
    { title: t('detail.prize'), key: 'prize', render: (_, w) => <>{w.prizeName} <Tag>{t(`kinds.${w.prizeKind}`)}</Tag></> },
    { title: t('detail.drawnAt'), dataIndex: 'drawnAt', render: (v: string) => formatDateTime(v) },
    { title: t('detail.state'), dataIndex: 'rewardState', render: (s: string | null) => (s ? t(`rewardStates.${s as 'pending'}`, { defaultValue: s }) : '') },
    { title: t('detail.code'), key: 'code', render: (_, w) => w.couponCode ?? (w.points ? `${w.points}` : w.amountFen ? formatYuan(w.amountFen / 100) : '') },
    { title: t('detail.address'), key: 'address', render: (_, w) => (w.prizeKind === 'gift' ? address(w.address) ?? <Typography.Text type="secondary">{t('detail.noAddress')}</Typography.Text> : '') },
  ];
  if (winners.error) return <QueryError query={winners} />;
  return (
    <Table rowKey="entryId" size="small" data-testid="lottery-winners" loading={winners.isLoading} columns={columns} dataSource={winners.data?.items ?? []}
      pagination={{ pageSize: page.limit, current: page.offset / page.limit + 1, total: winners.data?.total ?? 0, onChange: (p, size) => setPage({ limit: size, offset: (p - 1) * size }) }} />
  );
}

function DrawsChart({ data }: { data: LotteryDetail['drawsPerDay'] }) {
  const { t } = useTranslation('lottery');
  const option = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis' }, legend: {}, grid: { left: 40, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: data.map((d) => d.day) }, yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: t('detail.draws'), data: data.map((d) => d.draws) }, { type: 'line', name: t('detail.winners'), data: data.map((d) => d.winners) }],
  }), [data, t]);
  return <Chart option={option} height={260} />;
}

export default function LotteryDetailPage() {
  const id = Number(useParams().id);
  const { t } = useTranslation('lottery');
  const canWrite = useCanWrite();
  const lottery = useLottery(id);
  const entryLabel = useEntryLabel();
  const fallback = useCampaignFallback(lottery, { title: t('title'), listPath: '/lotteries' });
  const l = lottery.data;
  if (fallback || !l) return fallback;
  const n = l.numbers;
  const stats: [string, string, string][] = [
    ['participants', t('detail.participants'), formatNumber(n.participants)], ['draws', t('detail.draws'), formatNumber(n.draws)],
    ['winners', t('detail.winners'), formatNumber(n.winners)], ['cost', t('detail.cost'), formatYuan(n.costFen / 100)],
    ['orders', t('detail.orders'), formatNumber(n.orders)], ['gmv', t('detail.gmv'), formatYuan(n.gmvFen / 100)],
  ];
  return (
    <>
      <CampaignHeader campaign={l} queryKey={LOTTERIES_KEY} listPath="/lotteries" testId="lottery" endConfirm={t('actions.endConfirm')}
        subtitle={`${entryLabel(l.entry)} · ${campaignWindow(l)}`}
        extra={canWrite && <Button href={winnersCsvUrl(l.id)} data-testid="lottery-export">{t('actions.export')}</Button>} />
      <CampaignUrlCard url={l.pageUrl} testId="lottery" />
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {stats.map(([k, label, value]) => (
          <Col key={k} xs={12} md={4}><Card size="small"><Statistic title={label} value={value} data-testid={`lottery-stat-${k}`} /></Card></Col>
        ))}
      </Row>
      {l.entry.kind === 'paid' && (
        <Typography.Paragraph type="secondary">{t('detail.unused')}: {n.entriesUnused} · {t('detail.revoked')}: {n.entriesRevoked}</Typography.Paragraph>
      )}
      <Row gutter={12}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('detail.perPrize')} style={{ marginBottom: 12 }}>
            <Table rowKey="prizeId" size="small" pagination={false} dataSource={l.perPrize} columns={[
              { title: t('detail.prize'), key: 'name', render: (_, p) => <>{p.name} <Tag>{t(`kinds.${p.kind}`)}</Tag></> },
              { title: t('detail.won'), dataIndex: 'won', align: 'right' },
              { title: t('detail.stockLeft'), dataIndex: 'stockLeft', align: 'right', render: (v: number | null) => (v === null ? t('detail.unlimited') : v) },
              { title: t('detail.cost'), dataIndex: 'costFen', align: 'right', render: (v: number) => formatYuan(v / 100) },
            ]} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('detail.drawsPerDay')} style={{ marginBottom: 12 }}><DrawsChart data={l.drawsPerDay} /></Card>
        </Col>
      </Row>
      <Card size="small" title={t('detail.winnersTitle')}><Winners id={l.id} /></Card>
    </>
  );
}
