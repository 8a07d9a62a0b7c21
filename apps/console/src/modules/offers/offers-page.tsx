// Offers: one tab per kind (coupons / limited-time, group-buy, bargain), each a list with its numbers; a new offer is
// made as a draft and published from its page.
import { Button, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatDateTime, formatNumber, formatYuan } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { OfferForm } from './offer-form';
import { useOffers, type CampaignListItem, type OfferKind } from './hooks';

export const STATUS_COLORS = { draft: 'default', active: 'green', paused: 'orange', ended: 'red' } as const;

export default function OffersPage() {
  const { t } = useTranslation('offers');
  const canWrite = useCanWrite();
  const [kind, setKind] = useState<OfferKind>('coupon');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const list = useOffers(kind, page, 20);
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')}
        extra={canWrite ? <Button type="primary" data-testid="offer-create" onClick={() => setCreating(true)}>{t('create')}</Button> : null} />
      <Tabs activeKey={kind} onChange={(k) => { setKind(k as OfferKind); setPage(1); }}
        items={(['coupon', 'groupbuy', 'bargain'] as const).map((k) => ({ key: k, label: t(`kinds.${k}`) }))} />
      {list.error ? <QueryError error={list.error} onRetry={() => void list.refetch()} /> : (
        <Table<CampaignListItem> rowKey="id" loading={list.isLoading} dataSource={list.data?.items ?? []} locale={{ emptyText: t('empty') }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage }}
          columns={[
            { title: t('columns.name'), dataIndex: 'name', render: (v: string, r) => <Link to={`/offers/${r.id}`} data-testid="offer-link">{v}</Link> },
            { title: t('columns.status'), dataIndex: 'status', render: (s: CampaignListItem['status']) => <Tag color={STATUS_COLORS[s]}>{t(`statuses.${s}`)}</Tag> },
            { title: t('columns.window'), render: (_, r) => `${formatDateTime(String(r.startsAt))} – ${r.endsAt ? formatDateTime(String(r.endsAt)) : '∞'}` },
            { title: t('columns.participants'), align: 'right', render: (_, r) => formatNumber(r.numbers.participants) },
            { title: t('columns.rewards'), align: 'right', render: (_, r) => formatNumber(r.numbers.rewards) },
            { title: t('columns.cost'), align: 'right', render: (_, r) => formatYuan(r.numbers.costFen / 100) },
            { title: t('columns.orders'), align: 'right', render: (_, r) => formatNumber(r.numbers.orders) },
            { title: t('columns.gmv'), align: 'right', render: (_, r) => formatYuan(r.numbers.gmvFen / 100) },
          ]} />
      )}
      {creating && <OfferForm kind={kind} onClose={() => setCreating(false)} />}
    </>
  );
}
