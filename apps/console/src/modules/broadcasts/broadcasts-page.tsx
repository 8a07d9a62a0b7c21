// 群发 Broadcasts: the list (including mass sends made in WeCom itself, read back) and the composer.
import { PlusOutlined } from '@ant-design/icons';
import { Button, Progress, Segmented, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { FilterBar, ListTable, choice, useListState } from '../../components/list-page';
import { PageHeader } from '../../components/page-header';
import { formatDateTime } from '../../lib/format';
import { BroadcastComposer } from './composer';
import { useBroadcasts, type Broadcast } from './hooks';

export const STATUS_COLORS: Record<Broadcast['status'], string> = {
  draft: 'default', scheduled: 'blue', planning: 'processing', sending: 'processing', done: 'success', cancelled: 'default', failed: 'error',
};
const FILTERS = { kind: choice(['customer', 'group'] as const) };

export default function BroadcastsPage() {
  const { t } = useTranslation(['broadcasts', 'common']);
  const navigate = useNavigate();
  const state = useListState(FILTERS);
  const [composing, setComposing] = useState(false);
  const list = useBroadcasts({ kind: state.filters.kind, limit: state.pageSize, offset: (state.page - 1) * state.pageSize });
  const columns: ColumnsType<Broadcast> = [
    { title: t('cols.name'), dataIndex: 'name', render: (v: string, r) => <>{v}{r.origin === 'wecom' ? <Tag style={{ marginLeft: 6 }}>{t('origins.wecom')}</Tag> : null}</> },
    { title: t('cols.kind'), dataIndex: 'kind', width: 120, render: (v: Broadcast['kind']) => t(`kinds.${v}`) },
    { title: t('cols.status'), dataIndex: 'status', width: 110, render: (v: Broadcast['status']) => <Tag color={STATUS_COLORS[v]}>{t(`statuses.${v}`)}</Tag> },
    { title: t('cols.planned'), dataIndex: 'plannedCount', width: 100 },
    { title: t('cols.skipped'), dataIndex: 'skippedCount', width: 90 },
    { title: t('cols.sent'), key: 'sent', width: 100, render: (_, r) => r.results.sent },
    {
      title: t('cols.senders'), key: 'senders', width: 160,
      render: (_, r) => (r.results.senders ? <Progress size="small" percent={Math.round((r.results.confirmedSenders / r.results.senders) * 100)} format={() => `${r.results.confirmedSenders}/${r.results.senders}`} /> : '—'),
    },
    { title: t('cols.scheduledAt'), dataIndex: 'scheduledAt', width: 150, render: (v: string | null) => (v ? formatDateTime(v) : '—') },
    { title: t('cols.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
  ];
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setComposing(true)} data-testid="new-broadcast">{t('create')}</Button>} />
      <FilterBar>
        <Segmented value={state.filters.kind ?? 'all'} onChange={(v) => state.set({ kind: v === 'all' ? null : (v as 'customer' | 'group') })}
          options={[{ value: 'all', label: t('all') }, { value: 'customer', label: t('kinds.customer') }, { value: 'group', label: t('kinds.group') }]} />
      </FilterBar>
      <ListTable<Broadcast> rowKey="id" columns={columns} query={list} list={state} empty={t('empty')} rowTestId="broadcast-row" onRowClick={(r) => navigate(`/broadcasts/${r.id}`)} />
      <BroadcastComposer open={composing} onClose={() => setComposing(false)} />
    </>
  );
}
