// Planned red-packet rules: each one's status, window, packets and cost; admins and operators create them.
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { formatNumber, formatYuan } from '../../lib/format';
import { CampaignListPage } from '../campaigns/campaign-list-page';
import type { CampaignRow } from '../campaigns/hooks';
import { REDPACKETS_KEY } from './hooks';

/** The i18n key of a weekday (0 = Sunday). */
export const weekdayKey = (d: number) => `weekdays.d${d}` as `weekdays.d${0 | 1 | 2 | 3 | 4 | 5 | 6}`;

export default function RedpacketsPage() {
  const { t } = useTranslation('redpackets');
  const columns: ColumnsType<CampaignRow> = [
    { title: t('columns.participants'), key: 'participants', align: 'right', render: (_, c) => formatNumber(c.numbers.participants) },
    { title: t('columns.packets'), key: 'packets', align: 'right', render: (_, c) => formatNumber(c.numbers.rewards) },
    { title: t('columns.cost'), key: 'cost', align: 'right', render: (_, c) => formatYuan(c.numbers.costFen / 100) },
  ];
  return (
    <CampaignListPage kinds={['redpacket']} queryKey={REDPACKETS_KEY} listPath="/redpackets" testId="redpacket" columns={columns}
      title={t('title')} subtitle={t('subtitle')} createLabel={t('create')} empty={t('empty')} endConfirm={t('detail.endConfirm')} />
  );
}
