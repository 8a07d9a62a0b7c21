import { Badge, Card, Flex, Select, Table, Tag, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { Person } from '../../components/person';
import { QueryError } from '../../components/query-error';
import { SearchInput } from '../../components/search-input';
import { formatNumber } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { PAGE_SIZE_OPTIONS, useSearchState } from '../../lib/use-search-state';
import { useDepartments, useStaffList, type Staff } from './hooks';
import { buildDepartmentTree, StoreSelect } from './pickers';

const STATUS_BADGE: Record<number, 'success' | 'default' | 'warning' | 'error'> = {
  1: 'success',
  2: 'error',
  4: 'warning',
  5: 'default',
};

export default function StaffPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const search = useSearchState();
  const query = {
    q: search.get('q'),
    storeId: search.get('storeId'),
    departmentId: search.get('departmentId'),
    status: search.get('status'),
    page: search.page,
    pageSize: search.pageSize,
  };
  const staff = useStaffList(query);
  const departments = useDepartments();

  const departmentNames = useMemo(
    () => new Map((departments.data?.items ?? []).map((d) => [d.id, d.name])),
    [departments.data],
  );
  const tree = useMemo(() => buildDepartmentTree(departments.data?.items ?? []), [departments.data]);

  const columns: ColumnsType<Staff> = [
    {
      title: t('staff.name'),
      key: 'name',
      render: (_, s) => <Person name={s.name} avatar={s.avatar} sub={s.userid} />,
    },
    { title: t('staff.position'), dataIndex: 'position', render: (v: string | null) => v || t('common.none') },
    { title: t('staff.store'), dataIndex: 'storeName', render: (v: string | null) => v || t('common.none') },
    {
      title: t('staff.department'),
      dataIndex: 'departmentIds',
      render: (ids: number[]) =>
        ids.length ? ids.map((id) => departmentNames.get(id) ?? String(id)).join(' / ') : t('common.none'),
    },
    {
      title: t('staff.status'),
      dataIndex: 'status',
      render: (status: number) => <Badge status={STATUS_BADGE[status] ?? 'default'} text={labels.staffStatus(status)} />,
    },
    {
      title: t('staff.followUser'),
      dataIndex: 'isFollowUser',
      render: (on: boolean) => (on ? <Tag color="green">{t('staff.followUserOn')}</Tag> : <Tag>{t('staff.followUserOff')}</Tag>),
    },
    {
      title: t('staff.customerCount'),
      dataIndex: 'customerCount',
      align: 'right',
      render: (count: number, s) =>
        count > 0 ? <Link to={`/customers?userid=${encodeURIComponent(s.userid)}`}>{formatNumber(count)}</Link> : formatNumber(count),
    },
  ];

  return (
    <>
      <PageHeader title={t('staff.title')} />
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <SearchInput value={query.q} onSearch={(q) => search.update({ q })} placeholder={t('staff.searchPlaceholder')} />
          <StoreSelect
            value={query.storeId}
            onChange={(storeId) => search.update({ storeId })}
            placeholder={t('staff.allStores')}
            style={{ width: 200 }}
          />
          <TreeSelect
            allowClear
            treeDefaultExpandAll
            showSearch={{ treeNodeFilterProp: 'title' }}
            value={query.departmentId}
            onChange={(departmentId?: string) => search.update({ departmentId })}
            treeData={tree}
            placeholder={t('staff.allDepartments')}
            style={{ width: 200 }}
          />
          <Select<string>
            allowClear
            value={query.status}
            onChange={(status) => search.update({ status })}
            placeholder={t('staff.allStatuses')}
            options={['1', '2', '4', '5'].map((s) => ({ value: s, label: labels.staffStatus(s) }))}
            style={{ width: 140 }}
          />
        </Flex>
        {staff.error ? <QueryError error={staff.error} onRetry={() => void staff.refetch()} /> : null}
        <Table<Staff>
          rowKey="userid"
          columns={columns}
          dataSource={staff.data?.items}
          loading={staff.isFetching}
          locale={{ emptyText: <Typography.Text type="secondary">{t('staff.empty')}</Typography.Text> }}
          pagination={{
            current: search.page,
            pageSize: search.pageSize,
            total: staff.data?.total ?? 0,
            pageSizeOptions: PAGE_SIZE_OPTIONS,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: search.setPage,
          }}
          scroll={{ x: 900 }}
        />
      </Card>
    </>
  );
}
