// Referral programmes (分销): each one's status, window, participants and referred orders; admins and operators create them.
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { formatNumber, formatYuan } from '../../lib/format';
import { CampaignListPage } from '../campaigns/campaign-list-page';
import type { CampaignRow } from '../campaigns/hooks';
import { REFERRALS_KEY } from './hooks';

export default function ReferralsPage() {
  const { t } = useTranslation('referrals');
  const columns: ColumnsType<CampaignRow> = [
    { title: t('columns.orders'), key: 'orders', align: 'right', render: (_, c) => formatNumber(c.numbers.orders) },
    { title: t('columns.gmv'), key: 'gmv', align: 'right', render: (_, c) => formatYuan(c.numbers.gmvFen / 100) },
  ];
  return (
    <CampaignListPage kinds={['referral']} queryKey={REFERRALS_KEY} listPath="/referrals" testId="referral" columns={columns}
      title={t('title')} subtitle={t('subtitle')} createLabel={t('create')} empty={t('empty')} endConfirm={t('detail.endConfirm')} />
  );
}
