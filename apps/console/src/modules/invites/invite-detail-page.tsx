// One invite campaign: participants, friends scanned / added / counted / holding / in review / voided, K-factor, cost
// per new customer, rewards, tiers reached and why credits were voided; the leaderboard, the review queue (approve or
// reject flagged credits) and every credit.
import { App, Button, Card, Col, Flex, Row, Statistic, Table, Tabs, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { QueryError } from '../../components/query-error';
import { formatDateTime, formatNumber, formatYuan } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { CampaignHeader, campaignWindow, useCampaignFallback } from '../campaigns/campaign-header';
import { CampaignUrlCard } from '../campaigns/campaign-url-card';
import { INVITES_KEY, useCredits, useInvite, useParticipants, useReview, type Credit, type CreditStatus, type Participant } from './hooks';

function Leaderboard({ id }: { id: number }) {
  const { t } = useTranslation('invites');
  const [page, setPage] = useState({ limit: 20, offset: 0 });
  const list = useParticipants(id, page);
  const columns: ColumnsType<Participant> = [
    { title: '#', key: 'rank', width: 50, render: (_, __, i) => page.offset + i + 1 },
    { title: t('participants.name'), key: 'name', render: (_, p) => <Link to={`/customers/${encodeURIComponent(p.externalUserid)}`}>{p.name ?? p.externalUserid}</Link> },
    { title: t('participants.staff'), dataIndex: 'userid' },
    { title: t('participants.credited'), dataIndex: 'credited', align: 'right' },
    { title: t('participants.pending'), dataIndex: 'pending', align: 'right' },
    { title: t('participants.voided'), dataIndex: 'voided', align: 'right' },
    { title: t('participants.tiers'), dataIndex: 'tiersReached', align: 'right' },
  ];
  if (list.error) return <QueryError query={list} />;
  return (
    <Table rowKey="externalUserid" size="small" data-testid="invite-leaderboard" loading={list.isLoading} columns={columns} dataSource={list.data?.items ?? []}
      pagination={{ pageSize: page.limit, current: page.offset / page.limit + 1, total: list.data?.total ?? 0, onChange: (p, size) => setPage({ limit: size, offset: (p - 1) * size }) }} />
  );
}

function Credits({ id, status }: { id: number; status?: CreditStatus }) {
  const { t } = useTranslation('invites');
  const { message } = App.useApp();
  const canWrite = useCanWrite();
  const [page, setPage] = useState({ limit: 20, offset: 0 });
  const list = useCredits(id, { ...page, status });
  const review = useReview(id);
  const decide = async (creditId: number, decision: 'approve' | 'reject') => {
    try {
      await review.mutateAsync({ creditId, decision });
      void message.success(t(`actions.${decision}`));
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    }
  };
  const columns: ColumnsType<Credit> = [
    { title: t('credits.inviter'), key: 'inviter', render: (_, k) => <Link to={`/customers/${encodeURIComponent(k.inviterExternalUserid)}`}>{k.inviterName ?? k.inviterExternalUserid}</Link> },
    { title: t('credits.invitee'), key: 'invitee', render: (_, k) => k.inviteeName ?? k.inviteeExternalUserid },
    { title: t('credits.kind'), dataIndex: 'kind', render: (v: 'add' | 'group') => t(`credits.kinds.${v}`) },
    { title: t('credits.status'), dataIndex: 'status', render: (s: CreditStatus) => <Tag color={s === 'credited' ? 'green' : s === 'voided' ? 'default' : s === 'review' ? 'orange' : 'blue'}>{t(`creditStatuses.${s}`)}</Tag> },
    { title: t('credits.reason'), key: 'reason', render: (_, k) => [...new Set([k.reason, ...k.flags].filter((x): x is string => !!x))].map((r) => t(`reasons.${r as 'unknown'}`, { defaultValue: r })).join('、') },
    { title: t('credits.ip'), dataIndex: 'ip' },
    { title: t('credits.at'), dataIndex: 'eventAt', render: (v: string) => formatDateTime(v) },
    { title: t('credits.holdUntil'), dataIndex: 'holdUntil', render: (v: string) => formatDateTime(v) },
    ...(canWrite ? [{
      title: t('columns.actions'), key: 'actions', render: (_: unknown, k: Credit) => (k.status === 'review' ? (
        <Flex gap={4}>
          <Button size="small" type="primary" data-testid={`invite-approve-${k.id}`} loading={review.isPending} onClick={() => void decide(k.id, 'approve')}>{t('actions.approve')}</Button>
          <Button size="small" danger data-testid={`invite-reject-${k.id}`} loading={review.isPending} onClick={() => void decide(k.id, 'reject')}>{t('actions.reject')}</Button>
        </Flex>
      ) : null),
    }] : []),
  ];
  if (list.error) return <QueryError query={list} />;
  return (
    <Table rowKey="id" size="small" data-testid={status === 'review' ? 'invite-review' : 'invite-credits'} loading={list.isLoading} columns={columns} dataSource={list.data?.items ?? []}
      pagination={{ pageSize: page.limit, current: page.offset / page.limit + 1, total: list.data?.total ?? 0, onChange: (p, size) => setPage({ limit: size, offset: (p - 1) * size }) }} />
  );
}

export default function InviteDetailPage() {
  const id = Number(useParams().id);
  const { t } = useTranslation('invites');
  const invite = useInvite(id);
  const fallback = useCampaignFallback(invite, { title: t('title'), listPath: '/invites' });
  const c = invite.data;
  if (fallback || !c) return fallback;
  const n = c.numbers;
  const stats: [string, string, string][] = [
    ['participants', t('numbers.participants'), formatNumber(n.participants)],
    ['scanned', t('numbers.scanned'), formatNumber(n.scanned)],
    ['invitees', t('numbers.invitees'), formatNumber(n.invitees)],
    ['credited', t('numbers.credited'), formatNumber(n.credited)],
    ['pending', t('numbers.pending'), formatNumber(n.pending)],
    ['review', t('numbers.review'), formatNumber(n.review)],
    ['voided', t('numbers.voided'), formatNumber(n.voided)],
    ['kFactor', t('numbers.kFactor'), n.kFactor.toFixed(2)],
    ['costPerNew', t('numbers.costPerNew'), n.costPerNewFen === null ? '–' : formatYuan(n.costPerNewFen / 100)],
    ['rewards', t('numbers.rewards'), formatNumber(n.rewards)],
    ['cost', t('numbers.cost'), formatYuan(n.costFen / 100)],
  ];
  return (
    <>
      <CampaignHeader campaign={c} queryKey={INVITES_KEY} listPath="/invites" testId="invite" endConfirm={t('actions.endConfirm')}
        subtitle={`${t(`rules.${c.config.rule}`)} · ${campaignWindow(c)}`} />
      <CampaignUrlCard url={c.pageUrl} testId="invite" />
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
        {stats.map(([k, label, value]) => <Col key={k} xs={12} md={6} lg={4}><Card size="small"><Statistic title={label} value={value} data-testid={`invite-stat-${k}`} /></Card></Col>)}
      </Row>
      <Card size="small" title={t('tabs.tiers')} style={{ marginBottom: 16 }}>
        <Flex gap={16} wrap>
          {n.tiers.map((tier) => <Tag key={tier.friends} color="orange">{tier.friends} · {tier.title}: {formatNumber(tier.reached)}</Tag>)}
          {n.voidReasons.map((r) => <Tag key={r.reason}>{t(`reasons.${r.reason as 'unknown'}`, { defaultValue: r.reason })}: {r.n}</Tag>)}
        </Flex>
      </Card>
      <Tabs items={[
        { key: 'board', label: t('tabs.participants'), children: <Leaderboard id={id} /> },
        { key: 'review', label: `${t('tabs.review')} (${n.review})`, children: <Credits id={id} status="review" /> },
        { key: 'credits', label: t('tabs.credits'), children: <Credits id={id} /> },
      ]} />
    </>
  );
}
