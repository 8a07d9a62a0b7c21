// Offers: one tab per kind (coupons / limited-time, group-buy, bargain), each a list with its numbers; a new offer is
// made as a draft and published from its page.
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber, formatYuan } from '../../lib/format';
import { CampaignListPage } from '../campaigns/campaign-list-page';
import type { CampaignRow } from '../campaigns/hooks';
import { OfferForm } from './offer-form';
import { OFFERS_KEY, OFFER_KINDS, type OfferKind } from './hooks';

export default function OffersPage() {
  const { t } = useTranslation('offers');
  const [creating, setCreating] = useState<OfferKind | null>(null);
  const columns: ColumnsType<CampaignRow> = [
    { title: t('columns.participants'), key: 'participants', align: 'right', render: (_, r) => formatNumber(r.numbers.participants) },
    { title: t('columns.rewards'), key: 'rewards', align: 'right', render: (_, r) => formatNumber(r.numbers.rewards) },
    { title: t('columns.cost'), key: 'cost', align: 'right', render: (_, r) => formatYuan(r.numbers.costFen / 100) },
    { title: t('columns.orders'), key: 'orders', align: 'right', render: (_, r) => formatNumber(r.numbers.orders) },
    { title: t('columns.gmv'), key: 'gmv', align: 'right', render: (_, r) => formatYuan(r.numbers.gmvFen / 100) },
  ];
  return (
    <CampaignListPage kinds={OFFER_KINDS} kindLabel={(k) => t(`kinds.${k}`)} queryKey={OFFERS_KEY} listPath="/offers" testId="offer" columns={columns}
      title={t('title')} subtitle={t('subtitle')} createLabel={t('create')} empty={t('empty')} endConfirm={t('actions.confirmEnd')} onCreate={setCreating}>
      {creating && <OfferForm kind={creating} onClose={() => setCreating(null)} />}
    </CampaignListPage>
  );
}
