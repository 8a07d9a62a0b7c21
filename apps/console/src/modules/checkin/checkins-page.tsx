// Check-in campaigns: each one's status, mode, window, participants and completions; admins and operators create them.
import { PlusOutlined } from '@ant-design/icons';
import { Button, Select, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { choice, ListPage, ListTable, useListState } from '../../components/list-page';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { useCheckins, type CampaignStatus, type CheckinListItem } from './hooks';

export const CAMPAIGN_STATUSES: CampaignStatus[] = ['draft', 'active', 'paused', 'ended'];
export const STATUS_COLORS: Record<CampaignStatus, string> = { draft: 'default', active: 'success', paused: 'warning', ended: 'default' };
const SPEC = { status: choice(CAMPAIGN_STATUSES) };

export default function CheckinsPage() {
  const { t } = useTranslation(['checkin', 'common']);
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const state = useListState(SPEC);
  const list = useCheckins(state.query);

  const columns: ColumnsType<CheckinListItem> = [
    { title: t('columns.name'), key: 'name', render: (_, c) => <Typography.Text strong>{c.name}</Typography.Text> },
    { title: t('columns.status'), dataIndex: 'status', width: 100, render: (s: CampaignStatus) => <Tag color={STATUS_COLORS[s]}>{t(`statuses.${s}`)}</Tag> },
    { title: t('columns.window'), key: 'window', width: 300, render: (_, c) => `${formatDateTime(c.startsAt)} – ${c.endsAt ? formatDateTime(c.endsAt) : '∞'}` },
    { title: t('columns.participants'), key: 'participants', align: 'right', render: (_, c) => formatNumber(c.numbers.participants) },
    { title: t('detail.orders'), key: 'orders', align: 'right', render: (_, c) => formatNumber(c.numbers.orders) },
  ];

  return (
    <ListPage
      title={t('title')}
      subtitle={t('subtitle')}
      actions={canWrite ? <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/checkins/new')} data-testid="checkin-create">{t('create')}</Button> : null}
      filters={(
        <Select
          allowClear
          placeholder={t('statusFilter')}
          value={state.filters.status}
          onChange={(v?: CampaignStatus) => state.set({ status: v ?? null })}
          options={CAMPAIGN_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
          style={{ width: 140 }}
        />
      )}
    >
      <ListTable<CheckinListItem>
        rowKey="id"
        columns={columns}
        query={list}
        list={state}
        rowTestId="checkin-row"
        empty={t('empty')}
        onRowClick={(c) => void navigate(`/checkins/${c.id}`)}
      />
    </ListPage>
  );
}
