// 裂变路径: every path with its model, status, window and funnel (people per step), and the status actions; the
// wizard starts from here.
import { PlusOutlined } from '@ant-design/icons';
import { App, Badge, Button, Flex, Popconfirm, Segmented, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { usePaths, useSetPathStatus, type FissionModel, type FissionPathItem, type FissionStatus } from './hooks';

export const STATUS_BADGE: Record<FissionStatus, 'success' | 'default' | 'warning' | 'error'> = { active: 'success', draft: 'default', paused: 'warning', ended: 'error' };
export const MODEL_COLOR: Record<FissionModel, string> = { spread: 'orange', product: 'blue', service: 'green' };

export function PathStatusActions({ path }: { path: Pick<FissionPathItem, 'id' | 'status'> }) {
  const { t } = useTranslation('fission');
  const { message } = App.useApp();
  const set = useSetPathStatus();
  const run = async (status: FissionStatus, label: string) => {
    try {
      await set.mutateAsync({ id: path.id, status });
      void message.success(label);
    } catch (error) {
      void message.error(error instanceof Error ? error.message : String(error));
    }
  };
  if (path.status === 'ended') return null;
  return (
    <Flex gap={4} wrap>
      {path.status === 'draft' && <Button size="small" type="primary" loading={set.isPending} data-testid={`fission-publish-${path.id}`} onClick={() => void run('active', t('actions.publish'))}>{t('actions.publish')}</Button>}
      {path.status === 'active' && <Button size="small" loading={set.isPending} onClick={() => void run('paused', t('actions.pause'))}>{t('actions.pause')}</Button>}
      {path.status === 'paused' && <Button size="small" type="primary" loading={set.isPending} onClick={() => void run('active', t('actions.resume'))}>{t('actions.resume')}</Button>}
      <Popconfirm title={t('actions.endConfirm')} onConfirm={() => void run('ended', t('actions.end'))}>
        <Button size="small" danger>{t('actions.end')}</Button>
      </Popconfirm>
    </Flex>
  );
}

export default function FissionPage() {
  const { t } = useTranslation('fission');
  const canWrite = useCanWrite();
  const navigate = useNavigate();
  const [model, setModel] = useState<FissionModel | 'all'>('all');
  const list = usePaths(model === 'all' ? undefined : model);
  const columns: ColumnsType<FissionPathItem> = [
    { title: t('columns.name'), dataIndex: 'name', render: (name: string, r) => <Link to={`/fission/${r.id}`} data-testid="fission-row-link">{name}</Link> },
    { title: t('columns.model'), dataIndex: 'model', width: 90, render: (m: FissionModel) => <Tag color={MODEL_COLOR[m]}>{t(`models.${m}.name`)}</Tag> },
    { title: t('columns.status'), dataIndex: 'status', width: 100, render: (s: FissionStatus) => <Badge status={STATUS_BADGE[s]} text={t(`statuses.${s}`)} /> },
    { title: t('columns.window'), key: 'window', render: (_, r) => <Typography.Text type="secondary">{formatDateTime(r.startsAt)} – {r.endsAt ? formatDateTime(r.endsAt) : '∞'}</Typography.Text> },
    {
      title: t('columns.funnel'), key: 'funnel',
      render: (_, r) => (
        <Typography.Text data-testid={`fission-funnel-${r.id}`}>
          {r.steps.map((s) => `${t(`steps.${s.key as 'poster'}`)} ${formatNumber(s.count)}`).join(' → ')}
        </Typography.Text>
      ),
    },
    ...(canWrite ? [{ title: t('columns.actions'), key: 'actions', render: (_: unknown, r: FissionPathItem) => <PathStatusActions path={r} /> }] : []),
  ];
  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        extra={canWrite && <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/fission/new')} data-testid="fission-create">{t('create')}</Button>}
      />
      <Segmented<FissionModel | 'all'> style={{ marginBottom: 12 }} value={model} onChange={setModel}
        options={[{ value: 'all', label: '全部 All' }, ...(['spread', 'product', 'service'] as const).map((m) => ({ value: m, label: t(`models.${m}.name`) }))]} />
      {list.error ? <QueryError query={list} /> : (
        <Table rowKey="id" loading={list.isLoading} columns={columns} dataSource={list.data?.items ?? []} locale={{ emptyText: t('empty') }} data-testid="fission-table" pagination={false} />
      )}
    </>
  );
}
