import { Badge, Card, Flex, Select, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { SearchInput } from '../../components/search-input';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { PAGE_SIZE_OPTIONS, useSearchState } from '../../lib/use-search-state';
import { StaffSelect } from '../staff/pickers';
import { useGroups, useGroupTiers, type GroupListItem } from './hooks';

export default function GroupsPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const navigate = useNavigate();
  const search = useSearchState();
  const query = {
    q: search.get('q'),
    owner: search.get('owner'),
    status: search.get('status'),
    tier: search.get('tier'),
    label: search.get('label'),
    page: search.page,
    pageSize: search.pageSize,
  };
  const groups = useGroups(query);
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
    <>
      <PageHeader title={t('groups.title')} />
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <SearchInput value={query.q} onSearch={(q) => search.update({ q })} placeholder={t('groups.searchPlaceholder')} testId="groups-search" />
          <StaffSelect value={query.owner} onChange={(owner) => search.update({ owner })} placeholder={t('groups.ownerPlaceholder')} style={{ width: 180 }} />
          <Select<string>
            value={query.status ?? 'active'}
            onChange={(status) => search.update({ status: status === 'active' ? null : status })}
            placeholder={t('groups.statusPlaceholder')}
            options={(['active', 'dismissed'] as const).map((s) => ({ value: s, label: labels.groupStatus(s) }))}
            style={{ width: 140 }}
          />
          <Select<string>
            allowClear
            value={query.tier}
            onChange={(tier) => search.update({ tier: tier ?? null })}
            placeholder={t('groups.tierPlaceholder')}
            loading={tiers.isLoading}
            options={(tiers.data?.tiers ?? []).map((x) => ({ value: x.tier, label: `${x.tier} (${x.groups})` }))}
            style={{ width: 160 }}
            data-testid="groups-tier-filter"
          />
          <Select<string>
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            value={query.label}
            onChange={(label) => search.update({ label: label ?? null })}
            placeholder={t('groups.labelPlaceholder')}
            loading={tiers.isLoading}
            options={(tiers.data?.labels ?? []).map((x) => ({ value: x.label, label: `${x.label} (${x.groups})` }))}
            style={{ width: 160 }}
            data-testid="groups-label-filter"
          />
        </Flex>
        {groups.error ? <QueryError error={groups.error} onRetry={() => void groups.refetch()} /> : null}
        <Table<GroupListItem>
          rowKey="chatId"
          columns={columns}
          dataSource={groups.data?.items}
          loading={groups.isFetching}
          onRow={(g) =>
            ({ onClick: () => navigate(detailPath(g)), style: { cursor: 'pointer' }, 'data-testid': 'group-row' }) as HTMLAttributes<HTMLElement>
          }
          locale={{ emptyText: <Typography.Text type="secondary">{t('groups.empty')}</Typography.Text> }}
          pagination={{
            current: search.page,
            pageSize: search.pageSize,
            total: groups.data?.total ?? 0,
            pageSizeOptions: PAGE_SIZE_OPTIONS,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: search.setPage,
          }}
          scroll={{ x: 1100 }}
        />
      </Card>
    </>
  );
}
