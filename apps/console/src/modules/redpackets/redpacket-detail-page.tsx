// One planned red-packet rule: its page link (copy, preview, post into groups as a link card), status actions, numbers
// (packets, paid, being paid, failed, cost against the budget), the rounds (when, to whom, how much), the next round
// and the rounds that released packets; the packets themselves are in the reward ledger (linked, filtered).
import { Button, Card, Col, Descriptions, Flex, Progress, Row, Statistic, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { formatDateTime, formatNumber, formatYuan } from '../../lib/format';
import { CampaignHeader, useCampaignFallback } from '../campaigns/campaign-header';
import { CampaignUrlCard } from '../campaigns/campaign-url-card';
import { weekdayKey } from './redpackets-page';
import { REDPACKETS_KEY, useRedpacket, type RedpacketDetail } from './hooks';

const yuan = (fen: number) => formatYuan(fen / 100);
/** A round's end beside its start: the time alone on the same day, 24:00 at the midnight ending it, else the date too. */
function roundEnd(startsAt: string, endsAt: string): string {
  const [sd] = formatDateTime(startsAt).split(' ');
  const [ed, et] = formatDateTime(endsAt).split(' ');
  if (ed === sd) return et;
  return et === '00:00' && new Date(endsAt).getTime() - new Date(startsAt).getTime() <= 86_400_000 ? '24:00' : `${ed} ${et}`;
}
type Occurrence = RedpacketDetail['occurrences'][number];

export default function RedpacketDetailPage() {
  const { t } = useTranslation(['redpackets', 'common']);
  const navigate = useNavigate();
  const id = Number(useParams().id);
  const rule = useRedpacket(id);
  const c = rule.data;
  const fallback = useCampaignFallback(rule, { title: t('title'), listPath: '/redpackets' });
  if (fallback || !c) return fallback;
  const n = c.numbers;
  const cfg = c.config;
  const amount = cfg.amount.mode === 'fixed' ? yuan(cfg.amount.amountFen) : `${yuan(cfg.amount.minFen)} – ${yuan(cfg.amount.maxFen)}`;
  const days = (w: number[] | undefined) => (w?.length ? w.map((d) => t(weekdayKey(d))).join(' ') : t('detail.everyDay'));
  const round = (o: { startsAt: unknown; endsAt: unknown }) => `${formatDateTime(String(o.startsAt))} – ${roundEnd(String(o.startsAt), String(o.endsAt))}`;

  return (
    <>
      <CampaignHeader campaign={c} queryKey={REDPACKETS_KEY} listPath="/redpackets" testId="redpacket" endConfirm={t('detail.endConfirm')} />
      <CampaignUrlCard url={c.pageUrl} testId="redpacket">{t('detail.sendInGroupsHelp')}</CampaignUrlCard>
      <Card size="small" title={t('detail.numbers')} style={{ marginBottom: 16 }}>
        <Row gutter={[16, 16]}>
          <Col xs={12} md={4}><Statistic title={t('detail.participants')} value={n.participants} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.packets')} value={n.packets} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.paid')} value={yuan(n.paidFen)} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.pending')} value={yuan(n.pendingFen)} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.failed')} value={n.failed} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.cost')} value={yuan(n.costFen)} suffix={c.budgetTotalFen !== null ? ` / ${yuan(c.budgetTotalFen)}` : undefined} /></Col>
        </Row>
        {c.budgetTotalFen ? <Progress percent={Math.min(100, Math.round((n.costFen / c.budgetTotalFen) * 100))} style={{ marginTop: 8 }} /> : null}
        <Button type="link" style={{ paddingLeft: 0 }} onClick={() => void navigate(`/rewards?campaignId=${id}`)}>{t('detail.ledger')}</Button>
      </Card>
      <Card size="small" title={t('detail.rule')} style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('form.howMuch')}>{cfg.title} · {amount}{cfg.perCustomerTotal ? ` · ${t('detail.perCustomer', { n: cfg.perCustomerTotal })}` : ''}</Descriptions.Item>
          <Descriptions.Item label={t('form.when')}>
            <Flex vertical>{cfg.slots.map((s, i) => <span key={i} data-testid="redpacket-rule-slot">{days(s.weekdays)} {s.start}–{s.end} · {t('detail.perRound', { n: formatNumber(s.count) })}</span>)}</Flex>
          </Descriptions.Item>
          <Descriptions.Item label={t('detail.next')}>
            <span data-testid="redpacket-next">{c.next ? `${round(c.next)} · ${t('detail.perRound', { n: formatNumber(c.next.count) })}` : t('common:none')}</span>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small" title={t('detail.rounds')}>
        <Table<Occurrence> size="small" rowKey="key" dataSource={c.occurrences} pagination={false} locale={{ emptyText: t('detail.noRounds') }}
          onRow={() => ({ 'data-testid': 'redpacket-round' }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('detail.round'), key: 'when', render: (_, o) => round(o) },
            { title: t('detail.taken'), key: 'taken', render: (_, o) => <Progress size="small" percent={Math.round((o.claimed / o.count) * 100)} format={() => `${o.claimed} / ${o.count}`} /> },
          ]} />
      </Card>
    </>
  );
}
