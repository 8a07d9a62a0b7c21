// Referral programmes (分销): each one's status, window, participants and referred orders; admins and operators create them.
import { PlusOutlined } from '@ant-design/icons';
import { Button, Select, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { choice, ListPage, ListTable, useListState } from '../../components/list-page';
import { formatDateTime, formatNumber, formatYuan } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { useReferralProgrammes, type CampaignStatus, type ReferralListItem } from './hooks';

export const CAMPAIGN_STATUSES: CampaignStatus[] = ['draft', 'active', 'paused', 'ended'];
export const STATUS_COLORS: Record<CampaignStatus, string> = { draft: 'default', active: 'success', paused: 'warning', ended: 'default' };
const SPEC = { status: choice(CAMPAIGN_STATUSES) };

export default function ReferralsPage() {
  const { t } = useTranslation(['referrals', 'common']);
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const state = useListState(SPEC);
  const list = useReferralProgrammes(state.query);

  const columns: ColumnsType<ReferralListItem> = [
    { title: t('columns.name'), key: 'name', render: (_, c) => <Typography.Text strong>{c.name}</Typography.Text> },
    { title: t('columns.status'), dataIndex: 'status', width: 100, render: (s: CampaignStatus) => <Tag color={STATUS_COLORS[s]}>{t(`statuses.${s}`)}</Tag> },
    { title: t('columns.window'), key: 'window', width: 300, render: (_, c) => `${formatDateTime(c.startsAt)} – ${c.endsAt ? formatDateTime(c.endsAt) : '∞'}` },
    { title: t('columns.orders'), key: 'orders', align: 'right', render: (_, c) => formatNumber(c.numbers.orders) },
    { title: t('columns.gmv'), key: 'gmv', align: 'right', render: (_, c) => formatYuan(c.numbers.gmvFen / 100) },
  ];

  return (
    <ListPage
      title={t('title')}
      subtitle={t('subtitle')}
      actions={canWrite ? <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/referrals/new')} data-testid="referral-create">{t('create')}</Button> : null}
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
      <ListTable<ReferralListItem>
        rowKey="id"
        columns={columns}
        query={list}
        list={state}
        rowTestId="referral-row"
        empty={t('empty')}
        onRowClick={(c) => void navigate(`/referrals/${c.id}`)}
      />
    </ListPage>
  );
}
