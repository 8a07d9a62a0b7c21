// Planned red-packet rules: each one's status, window, packets and cost; admins and operators create them.
import { PlusOutlined } from '@ant-design/icons';
import { Button, Select, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { choice, ListPage, ListTable, useListState } from '../../components/list-page';
import { formatDateTime, formatNumber, formatYuan } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { useRedpackets, type CampaignStatus, type RedpacketListItem } from './hooks';

export const CAMPAIGN_STATUSES: CampaignStatus[] = ['draft', 'active', 'paused', 'ended'];
export const STATUS_COLORS: Record<CampaignStatus, string> = { draft: 'default', active: 'success', paused: 'warning', ended: 'default' };
const SPEC = { status: choice(CAMPAIGN_STATUSES) };
/** The i18n key of a weekday (0 = Sunday). */
export const weekdayKey = (d: number) => `weekdays.d${d}` as `weekdays.d${0 | 1 | 2 | 3 | 4 | 5 | 6}`;

export default function RedpacketsPage() {
  const { t } = useTranslation(['redpackets', 'common']);
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const state = useListState(SPEC);
  const list = useRedpackets(state.query);

  const columns: ColumnsType<RedpacketListItem> = [
    { title: t('columns.name'), key: 'name', render: (_, c) => <Typography.Text strong>{c.name}</Typography.Text> },
    { title: t('columns.status'), dataIndex: 'status', width: 100, render: (s: CampaignStatus) => <Tag color={STATUS_COLORS[s]}>{t(`statuses.${s}`)}</Tag> },
    { title: t('columns.window'), key: 'window', width: 300, render: (_, c) => `${formatDateTime(c.startsAt)} – ${c.endsAt ? formatDateTime(c.endsAt) : '∞'}` },
    { title: t('columns.participants'), key: 'participants', align: 'right', render: (_, c) => formatNumber(c.numbers.participants) },
    { title: t('columns.packets'), key: 'packets', align: 'right', render: (_, c) => formatNumber(c.numbers.rewards) },
    { title: t('columns.cost'), key: 'cost', align: 'right', render: (_, c) => formatYuan(c.numbers.costFen / 100) },
  ];

  return (
    <ListPage
      title={t('title')}
      subtitle={t('subtitle')}
      actions={canWrite ? <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/redpackets/new')} data-testid="redpacket-create">{t('create')}</Button> : null}
      filters={(
        <Select allowClear placeholder={t('statusFilter')} value={state.filters.status} onChange={(v?: CampaignStatus) => state.set({ status: v ?? null })}
          options={CAMPAIGN_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))} style={{ width: 140 }} />
      )}
    >
      <ListTable<RedpacketListItem> rowKey="id" columns={columns} query={list} list={state} rowTestId="redpacket-row" empty={t('empty')}
        onRowClick={(c) => void navigate(`/redpackets/${c.id}`)} />
    </ListPage>
  );
}
