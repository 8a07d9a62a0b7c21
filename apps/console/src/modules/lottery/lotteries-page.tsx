// 抽奖: every lottery with its status, window, entry cost and numbers, and the actions on it (publish, pause,
// resume, end through the shared status route). Admins and operators create and run them.
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { formatNumber, formatYuan } from '../../lib/format';
import { CampaignListPage } from '../campaigns/campaign-list-page';
import type { CampaignRow } from '../campaigns/hooks';
import { LOTTERIES_KEY } from './hooks';

export function useEntryLabel() {
  const { t } = useTranslation('lottery');
  return (e: CampaignRow['entry']) => (e.kind === 'free' ? t('entryKinds.free') : e.kind === 'points' ? t('entryKinds.points', { points: e.points })
    : t('entryKinds.paid', { price: (e.priceFen / 100).toFixed(2), sku: e.sku }));
}

export default function LotteriesPage() {
  const { t } = useTranslation('lottery');
  const entryLabel = useEntryLabel();
  const columns: ColumnsType<CampaignRow> = [
    { title: t('columns.entry'), key: 'entry', render: (_, r) => entryLabel(r.entry) },
    { title: t('columns.participants'), key: 'participants', align: 'right', render: (_, r) => formatNumber(r.numbers.participants) },
    { title: t('columns.rewards'), key: 'rewards', align: 'right', render: (_, r) => formatNumber(r.numbers.rewards) },
    { title: t('columns.cost'), key: 'cost', align: 'right', render: (_, r) => formatYuan(r.numbers.costFen / 100) },
    { title: t('columns.gmv'), key: 'gmv', align: 'right', render: (_, r) => `${formatNumber(r.numbers.orders)} / ${formatYuan(r.numbers.gmvFen / 100)}` },
  ];
  return (
    <CampaignListPage kinds={['lottery']} queryKey={LOTTERIES_KEY} listPath="/lotteries" testId="lottery" columns={columns}
      title={t('title')} subtitle={t('subtitle')} createLabel={t('create')} empty={t('empty')} endConfirm={t('actions.endConfirm')} />
  );
}
