// Check-in campaigns: each one's status, mode, window, participants and completions; admins and operators create them.
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../lib/format';
import { CampaignListPage } from '../campaigns/campaign-list-page';
import type { CampaignRow } from '../campaigns/hooks';
import { CHECKINS_KEY } from './hooks';

export default function CheckinsPage() {
  const { t } = useTranslation('checkin');
  const columns: ColumnsType<CampaignRow> = [
    { title: t('columns.participants'), key: 'participants', align: 'right', render: (_, c) => formatNumber(c.numbers.participants) },
    { title: t('detail.orders'), key: 'orders', align: 'right', render: (_, c) => formatNumber(c.numbers.orders) },
  ];
  return (
    <CampaignListPage kinds={['checkin']} queryKey={CHECKINS_KEY} listPath="/checkins" testId="checkin" columns={columns}
      title={t('title')} subtitle={t('subtitle')} createLabel={t('create')} empty={t('empty')} endConfirm={t('detail.endConfirm')} />
  );
}
