// One check-in campaign: its page link (copy, preview, post into groups as a link attachment), status actions,
// numbers (participants by state, completion rate, check-ins per day, milestones, cash-back, fee orders and GMV),
// its settings, and the participants with their streaks.
import { Button, Card, Col, Descriptions, Row, Select, Statistic, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { Chart, type ChartOption } from '../../components/chart';
import { ListTable } from '../../components/list-page';
import { formatDate, formatDateTime, formatNumber, formatYuan } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { CampaignHeader, campaignWindow, useCampaignFallback } from '../campaigns/campaign-header';
import { CampaignUrlCard, useCopy } from '../campaigns/campaign-url-card';
import { CHECKINS_KEY, useCheckin, useParticipants, type EnrolmentState, type Participant } from './hooks';

const ENROLMENT_COLORS: Record<EnrolmentState, string> = { active: 'processing', completed: 'success', failed: 'error', refunded: 'default' };
const yuan = (fen: number) => formatYuan(fen / 100);

export default function CheckinDetailPage() {
  const { t } = useTranslation(['checkin', 'common']);
  const navigate = useNavigate();
  const id = Number(useParams().id);
  const canWrite = useCanWrite();
  const campaign = useCheckin(id);
  const copy = useCopy();
  const [state, setState] = useState<EnrolmentState | undefined>();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const participants = useParticipants(id, { state, ...paging }, canWrite);
  const c = campaign.data;

  const chart = useMemo<ChartOption | null>(() => (c ? {
    tooltip: { trigger: 'axis' },
    legend: { data: [t('detail.perDayCheckins'), t('detail.perDayMakeups')] },
    grid: { left: 40, right: 16, top: 32, bottom: 24 },
    xAxis: { type: 'category', data: c.numbers.perDay.map((d) => d.day.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('detail.perDayCheckins'), type: 'bar', stack: 'd', data: c.numbers.perDay.map((d) => d.checkins) },
      { name: t('detail.perDayMakeups'), type: 'bar', stack: 'd', data: c.numbers.perDay.map((d) => d.makeups) },
    ],
  } : null), [c, t]);

  const fallback = useCampaignFallback(campaign, { title: t('title'), listPath: '/checkins' });
  if (fallback || !c) return fallback;
  const n = c.numbers;
  const cfg = c.config;

  const attachment = JSON.stringify({ msgtype: 'link', link: { title: c.name, url: c.pageUrl, desc: c.rules.slice(0, 100) } });

  const columns: ColumnsType<Participant> = [
    { title: t('columns.customer'), key: 'customer', render: (_, p) => <a onClick={() => void navigate(`/customers/${encodeURIComponent(p.externalUserid)}`)}>{p.name ?? p.externalUserid}</a> },
    { title: t('columns.state'), dataIndex: 'state', width: 100, render: (s: EnrolmentState) => <Tag color={ENROLMENT_COLORS[s]}>{t(`enrolmentStates.${s}`)}</Tag> },
    { title: t('columns.streak'), dataIndex: 'streak', align: 'right' },
    { title: t('columns.bestStreak'), dataIndex: 'bestStreak', align: 'right' },
    { title: t('columns.days'), dataIndex: 'days', align: 'right' },
    { title: t('columns.lastDay'), dataIndex: 'lastDay', render: (d: string | null) => d ?? t('common:none') },
    { title: t('columns.makeups'), dataIndex: 'makeupsUsed', align: 'right' },
    ...(c.entry.kind === 'paid' ? [
      { title: t('columns.fee'), key: 'fee', align: 'right' as const, render: (_: unknown, p: Participant) => yuan(p.feeFen) },
      { title: t('columns.cashback'), key: 'cashback', render: (_: unknown, p: Participant) => (p.cashbackState ? t(`rewardStates.${p.cashbackState}`) : t('common:none')) },
    ] : []),
    { title: t('columns.joinedAt'), dataIndex: 'joinedAt', render: (v: string) => formatDateTime(v) },
  ];

  return (
    <>
      <CampaignHeader campaign={c} queryKey={CHECKINS_KEY} listPath="/checkins" testId="checkin" endConfirm={t('detail.endConfirm')}
        subtitle={`${t(`modes.${cfg.mode}`)}${cfg.challengeDays ? ` · ${cfg.challengeDays} · ${t(`streakRules.${cfg.streakRule ?? 'consecutive'}`)}` : ''} · ${campaignWindow(c)}`} />

      <CampaignUrlCard url={c.pageUrl} testId="checkin">
        <b>{t('detail.sendInGroups')}</b>: {t('detail.sendInGroupsHelp')}{' '}
        <Button size="small" type="link" onClick={() => void copy(attachment)}>{t('detail.copyAttachment')}</Button>
      </CampaignUrlCard>

      <Card size="small" title={t('detail.numbers')} style={{ marginBottom: 16 }}>
        <Row gutter={[16, 16]}>
          <Col xs={12} md={4}><Statistic title={t('detail.participants')} value={n.participants} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.active')} value={n.active} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.completed')} value={n.completed} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.failed')} value={n.failed} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.refunded')} value={n.refunded} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.completionRate')} value={Math.round(n.completionRate * 1000) / 10} suffix="%" /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.checkins')} value={n.checkins} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.makeups')} value={n.makeups} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.rewards')} value={n.rewards} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.cost')} value={yuan(n.costFen)} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.orders')} value={n.orders} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.gmv')} value={yuan(n.gmvFen)} /></Col>
        </Row>
        {chart ? (
          <>
            <Typography.Title level={5} style={{ marginTop: 16 }}>{t('detail.perDay')}</Typography.Title>
            <Chart option={chart} height={240} />
          </>
        ) : null}
        <Row gutter={16} style={{ marginTop: 8 }}>
          <Col xs={24} md={12}>
            <Typography.Title level={5}>{t('detail.milestones')}</Typography.Title>
            {n.milestones.length ? n.milestones.map((m) => (
              <div key={m.days}>{m.days} · {m.title}: {t('detail.granted', { n: formatNumber(m.granted) })}</div>
            )) : t('common:none')}
          </Col>
          {c.entry.kind === 'paid' ? (
            <Col xs={24} md={12}>
              <Typography.Title level={5}>{t('detail.cashback')}</Typography.Title>
              <div>{t('detail.cashbackPending', { n: n.cashback.pending, amount: yuan(n.cashback.pendingFen) })}</div>
              <div>{t('detail.cashbackPaid', { n: n.cashback.issued, amount: yuan(n.cashback.paidFen) })}</div>
              <div>{t('detail.cashbackVoid', { n: n.cashback.void })}</div>
              <Typography.Text type="secondary">{t('detail.cashbackNote')}</Typography.Text>
            </Col>
          ) : null}
        </Row>
      </Card>

      <Card size="small" title={t('detail.config')} style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('form.mode')}>{t(`modes.${cfg.mode}`)}</Descriptions.Item>
          {cfg.challengeDays ? <Descriptions.Item label={t('form.challengeDays')}>{cfg.challengeDays}</Descriptions.Item> : null}
          <Descriptions.Item label={t('form.streakRule')}>{t(`streakRules.${cfg.streakRule ?? 'consecutive'}`)}</Descriptions.Item>
          {cfg.mode === 'challenge' ? <Descriptions.Item label={t('form.onBreak')}>{t(`onBreak.${cfg.onBreak ?? 'fail'}`)}</Descriptions.Item> : null}
          <Descriptions.Item label={t('form.makeupCards')}>{cfg.makeupCards ?? 0}</Descriptions.Item>
          <Descriptions.Item label={t('form.makeupWindowDays')}>{cfg.makeupWindowDays ?? 3}</Descriptions.Item>
          <Descriptions.Item label={t('form.entryKind')}>
            {t(`entryKinds.${c.entry.kind}`)}{c.entry.kind === 'paid' ? ` · ${c.entry.sku} · ${yuan(c.entry.priceFen)}` : c.entry.kind === 'points' ? ` · ${c.entry.points}` : ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('columns.window')}>{formatDate(c.startsAt)} – {c.endsAt ? formatDate(c.endsAt) : '∞'}</Descriptions.Item>
        </Descriptions>
      </Card>

      {canWrite ? (
        <Card
          size="small"
          title={t('detail.participantsTitle')}
          extra={(
            <Select
              allowClear
              placeholder={t('columns.state')}
              value={state}
              onChange={(v?: EnrolmentState) => { setState(v); setPaging((p) => ({ ...p, page: 1 })); }}
              options={(['active', 'completed', 'failed', 'refunded'] as const).map((s) => ({ value: s, label: t(`enrolmentStates.${s}`) }))}
              style={{ width: 140 }}
            />
          )}
        >
          <ListTable<Participant>
            rowKey="enrolmentId"
            columns={columns}
            query={participants}
            paging={{ ...paging, setPage: (page, pageSize) => setPaging({ page, pageSize }) }}
            rowTestId="checkin-participant"
            scroll={{ x: 900 }}
          />
        </Card>
      ) : null}
    </>
  );
}
