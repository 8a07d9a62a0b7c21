// SOP 剧本: every playbook with its status, trigger, steps, enrolments and sends (in the caller's scope), and the
// actions on it. Admins and operators build and run them; store managers read their stores' numbers.
import { PlusOutlined } from '@ant-design/icons';
import { App, Badge, Button, Card, Flex, Popconfirm, Segmented, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatDateTime } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { usePlaybookAction, usePlaybooks, type PlaybookKind, type PlaybookStatus, type PlaybookSummary } from './hooks';

export const STATUS_BADGE: Record<PlaybookStatus, 'success' | 'default' | 'warning' | 'processing'> = { active: 'success', draft: 'default', paused: 'warning', archived: 'default' };

export function PlaybookActions({ playbook }: { playbook: Pick<PlaybookSummary, 'id' | 'status'> }) {
  const { t } = useTranslation(['playbooks', 'common']);
  const { message } = App.useApp();
  const action = usePlaybookAction();
  const run = async (a: 'activate' | 'pause' | 'archive') => {
    try {
      await action.mutateAsync({ id: playbook.id, action: a });
      void message.success(t(`actions.${a}`));
    } catch (error) {
      void message.error(error instanceof Error ? error.message : String(error));
    }
  };
  if (playbook.status === 'archived') return null;
  return (
    <Flex gap={4} wrap>
      {playbook.status !== 'active' ? (
        <Button size="small" type="primary" loading={action.isPending} onClick={() => void run('activate')} data-testid={`playbook-activate-${playbook.id}`}>{t('actions.activate')}</Button>
      ) : (
        <Button size="small" loading={action.isPending} onClick={() => void run('pause')}>{t('actions.pause')}</Button>
      )}
      <Popconfirm title={t('actions.archiveConfirm')} onConfirm={() => void run('archive')}>
        <Button size="small" danger>{t('actions.archive')}</Button>
      </Popconfirm>
    </Flex>
  );
}

export default function PlaybooksPage() {
  const { t } = useTranslation(['playbooks', 'common']);
  const canWrite = useCanWrite();
  const navigate = useNavigate();
  const [kind, setKind] = useState<PlaybookKind | 'all'>('all');
  const list = usePlaybooks(kind === 'all' ? {} : { kind });
  const columns: ColumnsType<PlaybookSummary> = [
    { title: t('columns.name'), dataIndex: 'name', render: (name: string, r) => <Link to={`/playbooks/${r.id}`}>{name}</Link> },
    { title: t('columns.kind'), dataIndex: 'kind', render: (k: PlaybookKind) => <Tag color={k === 'customer' ? 'blue' : 'purple'}>{t(`kinds.${k}`)}</Tag> },
    { title: t('columns.status'), dataIndex: 'status', render: (s: PlaybookStatus) => <Badge status={STATUS_BADGE[s]} text={t(`statuses.${s}`)} /> },
    { title: t('columns.trigger'), dataIndex: 'triggerType', render: (tt: string | null) => (tt ? t(`triggers.${tt as 'manual'}`) : '—') },
    { title: t('columns.steps'), dataIndex: 'stepCount', align: 'right' },
    { title: t('columns.enrolments'), render: (_, r) => (r.kind === 'customer' ? `${r.enrolments.active} / ${r.enrolments.completed} / ${r.enrolments.exited}` : '—') },
    { title: t('columns.sent'), render: (_, r) => `${r.sent} / ${r.delivered}` },
    { title: t('columns.updatedAt'), dataIndex: 'updatedAt', render: (v: string) => formatDateTime(v) },
    {
      title: t('columns.actions'), render: (_, r) => (
        <Flex gap={4} wrap>
          <Link to={`/playbooks/${r.id}`}>{t('actions.results')}</Link>
          {canWrite && r.status !== 'archived' ? <Link to={`/playbooks/${r.id}/edit`}>{t('actions.edit')}</Link> : null}
          {canWrite ? <PlaybookActions playbook={r} /> : null}
        </Flex>
      ),
    },
  ];
  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        extra={canWrite ? <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/playbooks/new')} data-testid="playbook-new">{t('create')}</Button> : null}
      />
      <Card>
        <Flex vertical gap={12}>
          <Segmented<PlaybookKind | 'all'>
            value={kind}
            onChange={setKind}
            options={[{ value: 'all', label: t('all') }, { value: 'customer', label: t('kinds.customer') }, { value: 'group', label: t('kinds.group') }]}
          />
          <QueryError query={list} />
          <Table<PlaybookSummary>
            rowKey="id"
            size="middle"
            loading={list.isLoading}
            dataSource={list.data?.items ?? []}
            columns={columns}
            pagination={false}
            locale={{ emptyText: <Typography.Text type="secondary">{t('empty')}</Typography.Text> }}
          />
        </Flex>
      </Card>
    </>
  );
}
