// 抽奖: every lottery with its status, window, entry cost and numbers, and the actions on it (publish, pause,
// resume, end through the shared status route). Admins and operators create and run them.
import { PlusOutlined } from '@ant-design/icons';
import { App, Badge, Button, Flex, Popconfirm, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatDateTime, formatNumber, formatYuan } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { useLotteries, useSetStatus, type CampaignStatus, type EntryCost, type LotterySummary } from './hooks';

export const STATUS_BADGE: Record<CampaignStatus, 'success' | 'default' | 'warning' | 'error'> = { active: 'success', draft: 'default', paused: 'warning', ended: 'error' };

export function useEntryLabel() {
  const { t } = useTranslation('lottery');
  return (e: EntryCost) => (e.kind === 'free' ? t('entryKinds.free') : e.kind === 'points' ? t('entryKinds.points', { points: e.points })
    : t('entryKinds.paid', { price: (e.priceFen / 100).toFixed(2), sku: e.sku }));
}

export function StatusActions({ lottery }: { lottery: Pick<LotterySummary, 'id' | 'status'> }) {
  const { t } = useTranslation('lottery');
  const { message } = App.useApp();
  const set = useSetStatus();
  const run = async (status: CampaignStatus, label: string) => {
    try {
      await set.mutateAsync({ id: lottery.id, status });
      void message.success(label);
    } catch (error) {
      void message.error(error instanceof Error ? error.message : String(error));
    }
  };
  if (lottery.status === 'ended') return null;
  return (
    <Flex gap={4} wrap>
      {lottery.status === 'draft' && <Button size="small" type="primary" loading={set.isPending} data-testid={`lottery-publish-${lottery.id}`} onClick={() => void run('active', t('actions.publish'))}>{t('actions.publish')}</Button>}
      {lottery.status === 'active' && <Button size="small" loading={set.isPending} onClick={() => void run('paused', t('actions.pause'))}>{t('actions.pause')}</Button>}
      {lottery.status === 'paused' && <Button size="small" type="primary" loading={set.isPending} onClick={() => void run('active', t('actions.resume'))}>{t('actions.resume')}</Button>}
      <Popconfirm title={t('actions.endConfirm')} onConfirm={() => void run('ended', t('actions.end'))}>
        <Button size="small" danger>{t('actions.end')}</Button>
      </Popconfirm>
    </Flex>
  );
}

export default function LotteriesPage() {
  const { t } = useTranslation('lottery');
  const canWrite = useCanWrite();
  const navigate = useNavigate();
  const list = useLotteries();
  const entryLabel = useEntryLabel();
  const columns: ColumnsType<LotterySummary> = [
    { title: t('columns.name'), dataIndex: 'name', render: (name: string, r) => <Link to={`/lotteries/${r.id}`} data-testid="lottery-row-link">{name}</Link> },
    { title: t('columns.status'), dataIndex: 'status', width: 100, render: (s: CampaignStatus) => <Badge status={STATUS_BADGE[s]} text={t(`statuses.${s}`)} /> },
    { title: t('columns.window'), key: 'window', render: (_, r) => <Typography.Text type="secondary">{formatDateTime(r.startsAt)} – {r.endsAt ? formatDateTime(r.endsAt) : '∞'}</Typography.Text> },
    { title: t('columns.entry'), key: 'entry', render: (_, r) => entryLabel(r.entry) },
    { title: t('columns.participants'), key: 'participants', align: 'right', render: (_, r) => formatNumber(r.numbers.participants) },
    { title: t('columns.rewards'), key: 'rewards', align: 'right', render: (_, r) => formatNumber(r.numbers.rewards) },
    { title: t('columns.cost'), key: 'cost', align: 'right', render: (_, r) => formatYuan(r.numbers.costFen / 100) },
    { title: t('columns.gmv'), key: 'gmv', align: 'right', render: (_, r) => `${formatNumber(r.numbers.orders)} / ${formatYuan(r.numbers.gmvFen / 100)}` },
    ...(canWrite ? [{ title: t('columns.actions'), key: 'actions', render: (_: unknown, r: LotterySummary) => <StatusActions lottery={r} /> }] : []),
  ];
  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        extra={canWrite && <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/lotteries/new')} data-testid="lottery-create">{t('create')}</Button>}
      />
      {list.error ? <QueryError error={list.error} onRetry={() => void list.refetch()} /> : (
        <Table rowKey="id" size="middle" loading={list.isLoading} columns={columns} dataSource={list.data?.items ?? []} locale={{ emptyText: t('empty') }} pagination={false} />
      )}
    </>
  );
}
