// One referral programme: its page link, status actions, numbers (referrers, referees, referred orders and GMV,
// commission by state), its terms, and the referrers, commission (by state) and payouts — with "pay out payable
// commission" and the payouts CSV for the finance team.
import { CopyOutlined, DownloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Descriptions, Flex, Row, Select, Statistic, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { ListTable } from '../../components/list-page';
import { copyText } from '../../lib/clipboard';
import { formatDateTime, formatYuan } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { CampaignHeader, useCampaignFallback } from '../campaigns/campaign-header';
import { CampaignUrlCard } from '../campaigns/campaign-url-card';
import {
  payoutsCsvUrl, REFERRALS_KEY, useCommissions, useCreatePayouts, usePayouts, useProgramme, useReferrers,
  type Commission, type CommissionState, type Payout, type Referrer,
} from './hooks';

const COMMISSION_COLORS: Record<CommissionState, string> = { pending: 'processing', payable: 'warning', paid: 'success', cancelled: 'default' };
const yuan = (fen: number) => formatYuan(fen / 100);
const percent = (bp: number) => `${bp / 100}%`;

export default function ReferralDetailPage() {
  const { t } = useTranslation(['referrals', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const id = Number(useParams().id);
  const canWrite = useCanWrite();
  const programme = useProgramme(id);
  const payout = useCreatePayouts();
  const [state, setState] = useState<CommissionState | undefined>();
  const [refPaging, setRefPaging] = useState({ page: 1, pageSize: 20 });
  const [comPaging, setComPaging] = useState({ page: 1, pageSize: 20 });
  const [payPaging, setPayPaging] = useState({ page: 1, pageSize: 20 });
  const referrers = useReferrers(id, refPaging, canWrite);
  const commissions = useCommissions(id, { state, ...comPaging }, canWrite);
  const payouts = usePayouts(id, payPaging, canWrite);
  const c = programme.data;

  const fallback = useCampaignFallback(programme, { title: t('title'), listPath: '/referrals' });
  if (fallback || !c) return fallback;
  const n = c.numbers;
  const cfg = c.config;

  const pay = async () => {
    try {
      const r = await payout.mutateAsync(id);
      if (r.created.length) void message.success(t('detail.payoutsCreated', { count: r.created.length }));
      else void message.info(t('detail.noPayouts'));
    } catch { /* the client's toast says why */ }
  };

  const referrerColumns: ColumnsType<Referrer> = [
    { title: t('columns.referrer'), key: 'name', render: (_, r) => (r.externalUserid ? <a onClick={() => void navigate(`/customers/${encodeURIComponent(r.externalUserid!)}`)}>{r.name ?? r.externalUserid}</a> : (r.name ?? r.userid)) },
    { title: t('columns.kind'), dataIndex: 'kind', render: (k: Referrer['kind']) => t(`referrerKinds.${k}`) },
    { title: t('columns.code'), dataIndex: 'code', render: (code: string, r) => <Flex gap={4}><Typography.Text code>{code}</Typography.Text><Button size="small" type="text" icon={<CopyOutlined />} onClick={() => void copyText(r.link)} aria-label="copy" /></Flex> },
    { title: t('columns.couponCode'), dataIndex: 'couponCode', render: (v: string | null) => v ?? t('common:none') },
    { title: t('columns.referees'), dataIndex: 'referees', align: 'right' },
    { title: t('columns.orders'), dataIndex: 'orders', align: 'right' },
    { title: t('columns.gmv'), key: 'gmv', align: 'right', render: (_, r) => yuan(r.gmvFen) },
    { title: t('columns.pending'), key: 'pending', align: 'right', render: (_, r) => yuan(r.earnings.pendingFen) },
    { title: t('columns.payable'), key: 'payable', align: 'right', render: (_, r) => yuan(r.earnings.payableFen) },
    { title: t('columns.paid'), key: 'paid', align: 'right', render: (_, r) => yuan(r.earnings.paidFen) },
  ];
  const commissionColumns: ColumnsType<Commission> = [
    { title: t('columns.referrer'), dataIndex: 'referrerName', render: (v: string | null, r) => v ?? `#${r.referrerId}` },
    { title: t('columns.referee'), key: 'referee', render: (_, r) => <a onClick={() => void navigate(`/customers/${encodeURIComponent(r.refereeExternalUserid)}`)}>{r.refereeName ?? r.refereeExternalUserid}</a> },
    { title: t('columns.order'), key: 'order', render: (_, r) => <>{r.orderId} <Tag>{t(`via.${r.via}`)}</Tag></> },
    { title: t('columns.orderAmount'), key: 'orderFen', align: 'right', render: (_, r) => yuan(r.orderFen) },
    { title: t('columns.rate'), key: 'rate', align: 'right', render: (_, r) => `#${r.orderSeq} · ${percent(r.rateBp)}` },
    { title: t('columns.amount'), key: 'amount', align: 'right', render: (_, r) => yuan(r.amountFen) },
    { title: t('columns.clawback'), key: 'clawback', align: 'right', render: (_, r) => (r.clawbackFen ? yuan(r.clawbackFen) : '') },
    { title: t('columns.state'), dataIndex: 'state', render: (s: CommissionState) => <Tag color={COMMISSION_COLORS[s]}>{t(`commissionStates.${s}`)}</Tag> },
    { title: t('columns.paidAt'), dataIndex: 'paidAt', render: (v: string) => formatDateTime(v) },
    { title: t('columns.maturesAt'), dataIndex: 'maturesAt', render: (v: string) => formatDateTime(v) },
  ];
  const payoutColumns: ColumnsType<Payout> = [
    { title: '#', dataIndex: 'id' },
    { title: t('columns.referrer'), dataIndex: 'referrerName', render: (v: string | null, p) => `${v ?? `#${p.referrerId}`} · ${t(`referrerKinds.${p.kind}`)}` },
    { title: t('columns.commissions'), dataIndex: 'commissions', align: 'right' },
    { title: t('columns.amount'), key: 'amount', align: 'right', render: (_, p) => yuan(p.amountFen) },
    { title: t('columns.method'), dataIndex: 'method', render: (m: Payout['method']) => t(`payoutMethods.${m}`) },
    { title: t('columns.state'), dataIndex: 'state' },
    { title: t('columns.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
  ];

  return (
    <>
      <CampaignHeader campaign={c} queryKey={REFERRALS_KEY} listPath="/referrals" testId="referral" endConfirm={t('detail.endConfirm')} />
      <CampaignUrlCard url={c.pageUrl} testId="referral" />

      <Card size="small" style={{ marginBottom: 16 }} data-testid="referral-numbers">
        <Row gutter={[16, 16]}>
          <Col xs={12} md={4}><Statistic title={t('detail.referrers')} value={n.referrers} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.referees')} value={n.referees} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.orders')} value={n.referredOrders} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.gmv')} value={yuan(n.referredGmvFen)} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.commission')} value={yuan(n.commissionFen)} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.pending')} value={yuan(n.earnings.pendingFen)} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.payable')} value={yuan(n.earnings.payableFen)} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.paid')} value={yuan(n.earnings.paidFen)} /></Col>
          <Col xs={12} md={4}><Statistic title={t('detail.cancelled')} value={yuan(n.earnings.cancelledFen)} /></Col>
        </Row>
      </Card>

      <Card size="small" title={t('detail.config')} style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('form.attributionDays')}>{cfg.attributionDays}</Descriptions.Item>
          <Descriptions.Item label={t('form.refundWindowDays')}>{cfg.refundWindowDays}</Descriptions.Item>
          <Descriptions.Item label={t('form.payoutMethod')}>{t(`payoutMethods.${cfg.payoutMethod ?? 'wechatpay'}`)}</Descriptions.Item>
          <Descriptions.Item label={t('form.tiers')}>{(cfg.rateTiers ?? []).map((x) => `≥${x.fromOrder}: ${percent(x.rateBp)}`).join(' · ')}</Descriptions.Item>
          <Descriptions.Item label={t('form.minPayout')}>{yuan(cfg.minPayoutFen ?? 0)}</Descriptions.Item>
          <Descriptions.Item label={t('form.maxPerOrder')}>{cfg.maxPerOrderFen == null ? '∞' : yuan(cfg.maxPerOrderFen)}</Descriptions.Item>
        </Descriptions>
        <Typography.Text type="secondary">{t('detail.staffPaid')}</Typography.Text>
      </Card>

      {canWrite ? (
        <Card size="small">
          <Tabs
            items={[
              {
                key: 'referrers', label: t('detail.referrersTitle'),
                children: <ListTable<Referrer> rowKey="id" columns={referrerColumns} query={referrers} paging={{ ...refPaging, setPage: (page, pageSize) => setRefPaging({ page, pageSize }) }} rowTestId="referral-referrer" scroll={{ x: 1000 }} />,
              },
              {
                key: 'commissions', label: t('detail.commissionsTitle'),
                children: (
                  <>
                    <Select
                      allowClear
                      placeholder={t('columns.state')}
                      value={state}
                      onChange={(v?: CommissionState) => { setState(v); setComPaging((p) => ({ ...p, page: 1 })); }}
                      options={(['pending', 'payable', 'paid', 'cancelled'] as const).map((s) => ({ value: s, label: t(`commissionStates.${s}`) }))}
                      style={{ width: 200, marginBottom: 12 }}
                    />
                    <ListTable<Commission> rowKey="id" columns={commissionColumns} query={commissions} paging={{ ...comPaging, setPage: (page, pageSize) => setComPaging({ page, pageSize }) }} rowTestId="referral-commission" scroll={{ x: 1200 }} />
                  </>
                ),
              },
              {
                key: 'payouts', label: t('detail.payoutsTitle'),
                children: (
                  <>
                    <Flex gap={8} style={{ marginBottom: 12 }}>
                      <Button type="primary" loading={payout.isPending} onClick={() => void pay()} data-testid="referral-payout">{t('detail.createPayouts')}</Button>
                      <Button icon={<DownloadOutlined />} href={payoutsCsvUrl(id)}>{t('detail.exportCsv')}</Button>
                    </Flex>
                    <ListTable<Payout> rowKey="id" columns={payoutColumns} query={payouts} paging={{ ...payPaging, setPage: (page, pageSize) => setPayPaging({ page, pageSize }) }} rowTestId="referral-payout-row" />
                  </>
                ),
              },
            ]}
          />
        </Card>
      ) : null}
    </>
  );
}
