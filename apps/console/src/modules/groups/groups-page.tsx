import { Badge, Select, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { choice, ListPage, ListTable, text, useListState } from '../../components/list-page';
import { SearchInput } from '../../components/search-input';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { StaffSelect } from '../staff/pickers';
import { useGroups, useGroupTiers, type GroupListItem } from './hooks';

const STATUSES = ['active', 'dismissed'] as const;
// No status means the server's default, active groups.
const FILTERS = { q: text(), owner: text(), status: choice(STATUSES), tier: text(), label: text() };

export default function GroupsPage() {
  const { t } = useTranslation(['groups', 'common']);
  const labels = useLabels();
  const navigate = useNavigate();
  const state = useListState(FILTERS);
  const { filters } = state;
  const groups = useGroups(state.query);
  const tiers = useGroupTiers();
  const detailPath = (g: GroupListItem) => `/groups/${encodeURIComponent(g.chatId)}`;

  const columns: ColumnsType<GroupListItem> = [
    {
      title: t('name'),
      key: 'name',
      render: (_, g) => (
        <div>
          <Link to={detailPath(g)} onClick={(e) => e.stopPropagation()}>
            {g.name || t('unnamed')}
          </Link>
          {g.notice ? (
            <Typography.Paragraph type="secondary" ellipsis style={{ fontSize: 12, margin: 0, maxWidth: 320 }}>
              {g.notice}
            </Typography.Paragraph>
          ) : null}
        </div>
      ),
    },
    { title: t('tier'), dataIndex: 'tier', render: (v: string | null | undefined) => (v ? <Tag color="gold">{v}</Tag> : t('common:none')) },
    {
      title: t('labels'),
      dataIndex: 'labels',
      render: (v: string[] | null | undefined) => (v?.length ? v.map((l) => <Tag key={l} style={{ marginBlock: 2 }}>{l}</Tag>) : t('common:none')),
    },
    { title: t('owner'), key: 'owner', render: (_, g) => g.ownerName || g.ownerUserid || t('common:none') },
    { title: t('memberCount'), dataIndex: 'memberCount', align: 'right', render: (v: number) => formatNumber(v) },
    { title: t('customerCount'), dataIndex: 'customerCount', align: 'right', render: (v: number) => formatNumber(v) },
    { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string | null) => formatDateTime(v) },
    {
      title: t('status'),
      dataIndex: 'status',
      render: (s: GroupListItem['status']) => <Badge status={s === 'active' ? 'success' : 'default'} text={labels.groupStatus(s)} />,
    },
  ];

  return (
    <ListPage
      title={t('title')}
      filters={
        <>
          <SearchInput value={filters.q} onSearch={(q) => state.set({ q })} placeholder={t('searchPlaceholder')} testId="groups-search" />
          <StaffSelect value={filters.owner} onChange={(owner) => state.set({ owner })} placeholder={t('ownerPlaceholder')} style={{ width: 180 }} />
          <Select<(typeof STATUSES)[number]>
            value={filters.status ?? 'active'}
            onChange={(status) => state.set({ status: status === 'active' ? null : status })}
            placeholder={t('statusPlaceholder')}
            options={STATUSES.map((s) => ({ value: s, label: labels.groupStatus(s) }))}
            style={{ width: 140 }}
          />
          <Select<string>
            allowClear
            value={filters.tier}
            onChange={(tier) => state.set({ tier: tier ?? null })}
            placeholder={t('tierPlaceholder')}
            loading={tiers.isLoading}
            options={(tiers.data?.tiers ?? []).map((x) => ({ value: x.tier, label: `${x.tier} (${x.groups})` }))}
            style={{ width: 160 }}
            data-testid="groups-tier-filter"
          />
          <Select<string>
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            value={filters.label}
            onChange={(label) => state.set({ label: label ?? null })}
            placeholder={t('labelPlaceholder')}
            loading={tiers.isLoading}
            options={(tiers.data?.labels ?? []).map((x) => ({ value: x.label, label: `${x.label} (${x.groups})` }))}
            style={{ width: 160 }}
            data-testid="groups-label-filter"
          />
        </>
      }
    >
      <ListTable<GroupListItem>
        rowKey="chatId"
        columns={columns}
        query={groups}
        list={state}
        empty={t('empty')}
        rowTestId="group-row"
        onRowClick={(g) => navigate(detailPath(g))}
        scroll={{ x: 1100 }}
      />
    </ListPage>
  );
}
