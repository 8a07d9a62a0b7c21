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
  const { t } = useTranslation();
  const labels = useLabels();
  const navigate = useNavigate();
  const state = useListState(FILTERS);
  const { filters } = state;
  const groups = useGroups(state.query);
  const tiers = useGroupTiers();
  const detailPath = (g: GroupListItem) => `/groups/${encodeURIComponent(g.chatId)}`;

  const columns: ColumnsType<GroupListItem> = [
    {
      title: t('groups.name'),
      key: 'name',
      render: (_, g) => (
        <div>
          <Link to={detailPath(g)} onClick={(e) => e.stopPropagation()}>
            {g.name || t('groups.unnamed')}
          </Link>
          {g.notice ? (
            <Typography.Paragraph type="secondary" ellipsis style={{ fontSize: 12, margin: 0, maxWidth: 320 }}>
              {g.notice}
            </Typography.Paragraph>
          ) : null}
        </div>
      ),
    },
    { title: t('groups.tier'), dataIndex: 'tier', render: (v: string | null | undefined) => (v ? <Tag color="gold">{v}</Tag> : t('common.none')) },
    {
      title: t('groups.labels'),
      dataIndex: 'labels',
      render: (v: string[] | null | undefined) => (v?.length ? v.map((l) => <Tag key={l} style={{ marginBlock: 2 }}>{l}</Tag>) : t('common.none')),
    },
    { title: t('groups.owner'), key: 'owner', render: (_, g) => g.ownerName || g.ownerUserid || t('common.none') },
    { title: t('groups.memberCount'), dataIndex: 'memberCount', align: 'right', render: (v: number) => formatNumber(v) },
    { title: t('groups.customerCount'), dataIndex: 'customerCount', align: 'right', render: (v: number) => formatNumber(v) },
    { title: t('groups.createdAt'), dataIndex: 'createdAt', render: (v: string | null) => formatDateTime(v) },
    {
      title: t('groups.status'),
      dataIndex: 'status',
      render: (s: GroupListItem['status']) => <Badge status={s === 'active' ? 'success' : 'default'} text={labels.groupStatus(s)} />,
    },
  ];

  return (
    <ListPage
      title={t('groups.title')}
      filters={
        <>
          <SearchInput value={filters.q} onSearch={(q) => state.set({ q })} placeholder={t('groups.searchPlaceholder')} testId="groups-search" />
          <StaffSelect value={filters.owner} onChange={(owner) => state.set({ owner })} placeholder={t('groups.ownerPlaceholder')} style={{ width: 180 }} />
          <Select<(typeof STATUSES)[number]>
            value={filters.status ?? 'active'}
            onChange={(status) => state.set({ status: status === 'active' ? null : status })}
            placeholder={t('groups.statusPlaceholder')}
            options={STATUSES.map((s) => ({ value: s, label: labels.groupStatus(s) }))}
            style={{ width: 140 }}
          />
          <Select<string>
            allowClear
            value={filters.tier}
            onChange={(tier) => state.set({ tier: tier ?? null })}
            placeholder={t('groups.tierPlaceholder')}
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
            placeholder={t('groups.labelPlaceholder')}
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
        empty={t('groups.empty')}
        rowTestId="group-row"
        onRowClick={(g) => navigate(detailPath(g))}
        scroll={{ x: 1100 }}
      />
    </ListPage>
  );
}
