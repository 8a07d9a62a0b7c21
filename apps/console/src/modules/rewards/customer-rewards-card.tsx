// The customer page's rewards card: their points balance and latest rewards (the trail opens in the ledger's drawer).
import { Card, Empty, Skeleton, Statistic, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ListTable } from '../../components/list-page';
import { QueryError } from '../../components/query-error';
import { formatDateTime } from '../../lib/format';
import { useCustomerRewards, type Reward } from './hooks';
import { RewardDrawer, RewardValue, STATE_COLORS } from './rewards-page';

export function CustomerRewardsCard({ externalUserid }: { externalUserid: string }) {
  const { t } = useTranslation(['rewards', 'common']);
  const q = useCustomerRewards(externalUserid);
  const [open, setOpen] = useState<number | null>(null);
  const columns: ColumnsType<Reward> = [
    { title: t('cols.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
    { title: t('cols.title'), dataIndex: 'title' },
    { title: t('cols.value'), key: 'value', render: (_, r) => <RewardValue r={r} /> },
    { title: t('cols.state'), dataIndex: 'state', width: 100, render: (v: Reward['state']) => <Tag color={STATE_COLORS[v]}>{t(`states.${v}`)}</Tag> },
  ];
  return (
    <Card title={t('card.title')} data-testid="customer-rewards-card"
      extra={q.data?.total ? <Link to={`/rewards?externalUserid=${encodeURIComponent(externalUserid)}`}>{t('card.all')}</Link> : null}>
      <QueryError query={q} />
      {!q.data && !q.error ? <Skeleton active paragraph={{ rows: 2 }} /> : null}
      {q.data ? (
        <>
          <Statistic title={t('card.points')} value={q.data.points} style={{ marginBottom: 12 }} />
          {q.data.items.length
            ? <ListTable<Reward> rowKey="id" columns={columns} items={q.data.items} pageSize={5} compact size="small" onRowClick={(r) => setOpen(r.id)} />
            : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('card.none')} />}
        </>
      ) : null}
      <RewardDrawer id={open} onClose={() => setOpen(null)} />
    </Card>
  );
}
