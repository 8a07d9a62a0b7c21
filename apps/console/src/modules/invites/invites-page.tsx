// 邀请有礼 (任务宝 / 群裂变): every invite campaign with its status, window and numbers, and the status actions.
import { PlusOutlined } from '@ant-design/icons';
import { App, Badge, Button, Flex, Popconfirm, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatDateTime, formatNumber, formatYuan } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { useInvites, useSetStatus, type CampaignStatus, type InviteSummary } from './hooks';

export const STATUS_BADGE: Record<CampaignStatus, 'success' | 'default' | 'warning' | 'error'> = { active: 'success', draft: 'default', paused: 'warning', ended: 'error' };

export function StatusActions({ campaign }: { campaign: Pick<InviteSummary, 'id' | 'status'> }) {
  const { t } = useTranslation('invites');
  const { message } = App.useApp();
  const set = useSetStatus();
  const run = async (status: CampaignStatus, label: string) => {
    try {
      await set.mutateAsync({ id: campaign.id, status });
      void message.success(label);
    } catch (error) {
      void message.error(error instanceof Error ? error.message : String(error));
    }
  };
  if (campaign.status === 'ended') return null;
  return (
    <Flex gap={4} wrap>
      {campaign.status === 'draft' && <Button size="small" type="primary" loading={set.isPending} data-testid={`invite-publish-${campaign.id}`} onClick={() => void run('active', t('actions.publish'))}>{t('actions.publish')}</Button>}
      {campaign.status === 'active' && <Button size="small" loading={set.isPending} onClick={() => void run('paused', t('actions.pause'))}>{t('actions.pause')}</Button>}
      {campaign.status === 'paused' && <Button size="small" type="primary" loading={set.isPending} onClick={() => void run('active', t('actions.resume'))}>{t('actions.resume')}</Button>}
      <Popconfirm title={t('actions.endConfirm')} onConfirm={() => void run('ended', t('actions.end'))}>
        <Button size="small" danger>{t('actions.end')}</Button>
      </Popconfirm>
    </Flex>
  );
}

export default function InvitesPage() {
  const { t } = useTranslation('invites');
  const canWrite = useCanWrite();
  const navigate = useNavigate();
  const list = useInvites();
  const columns: ColumnsType<InviteSummary> = [
    { title: t('columns.name'), dataIndex: 'name', render: (name: string, r) => <Link to={`/invites/${r.id}`} data-testid="invite-row-link">{name}</Link> },
    { title: t('columns.status'), dataIndex: 'status', width: 100, render: (s: CampaignStatus) => <Badge status={STATUS_BADGE[s]} text={t(`statuses.${s}`)} /> },
    { title: t('columns.window'), key: 'window', render: (_, r) => <Typography.Text type="secondary">{formatDateTime(r.startsAt)} – {r.endsAt ? formatDateTime(r.endsAt) : '∞'}</Typography.Text> },
    { title: t('columns.participants'), key: 'participants', align: 'right', render: (_, r) => formatNumber(r.numbers.participants) },
    { title: t('columns.rewards'), key: 'rewards', align: 'right', render: (_, r) => formatNumber(r.numbers.rewards) },
    { title: t('columns.cost'), key: 'cost', align: 'right', render: (_, r) => formatYuan(r.numbers.costFen / 100) },
    ...(canWrite ? [{ title: t('columns.actions'), key: 'actions', render: (_: unknown, r: InviteSummary) => <StatusActions campaign={r} /> }] : []),
  ];
  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        extra={canWrite && <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/invites/new')} data-testid="invite-create">{t('create')}</Button>}
      />
      {list.error ? <QueryError error={list.error} onRetry={() => void list.refetch()} /> : (
        <Table rowKey="id" size="middle" loading={list.isLoading} columns={columns} dataSource={list.data?.items ?? []} locale={{ emptyText: t('empty') }} pagination={false} />
      )}
    </>
  );
}
