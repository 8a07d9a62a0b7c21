// 邀请有礼 (任务宝 / 群裂变): every invite campaign with its status, window and numbers, and the status actions.
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { formatNumber, formatYuan } from '../../lib/format';
import { CampaignListPage } from '../campaigns/campaign-list-page';
import type { CampaignRow } from '../campaigns/hooks';
import { INVITES_KEY } from './hooks';

export default function InvitesPage() {
  const { t } = useTranslation('invites');
  const columns: ColumnsType<CampaignRow> = [
    { title: t('columns.participants'), key: 'participants', align: 'right', render: (_, r) => formatNumber(r.numbers.participants) },
    { title: t('columns.rewards'), key: 'rewards', align: 'right', render: (_, r) => formatNumber(r.numbers.rewards) },
    { title: t('columns.cost'), key: 'cost', align: 'right', render: (_, r) => formatYuan(r.numbers.costFen / 100) },
  ];
  return (
    <CampaignListPage kinds={['invite']} queryKey={INVITES_KEY} listPath="/invites" testId="invite" columns={columns}
      title={t('title')} subtitle={t('subtitle')} createLabel={t('create')} empty={t('empty')} endConfirm={t('actions.endConfirm')} />
  );
}
