import { Badge, Select, Tag, TreeSelect } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ListPage, ListTable, text, useListState } from '../../components/list-page';
import { Person } from '../../components/person';
import { SearchInput } from '../../components/search-input';
import { formatNumber } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { useDepartments, useStaffList, type Staff } from './hooks';
import { buildDepartmentTree, StoreSelect } from './pickers';

const STATUS_BADGE: Record<number, 'success' | 'default' | 'warning' | 'error'> = {
  1: 'success',
  2: 'error',
  4: 'warning',
  5: 'default',
};

const FILTERS = { q: text(), storeId: text(), departmentId: text(), status: text() };

export default function StaffPage() {
  const { t } = useTranslation(['staff', 'common']);
  const labels = useLabels();
  const state = useListState(FILTERS);
  const { filters } = state;
  const staff = useStaffList(state.query);
  const departments = useDepartments();

  const departmentNames = useMemo(
    () => new Map((departments.data?.items ?? []).map((d) => [d.id, d.name])),
    [departments.data],
  );
  const tree = useMemo(() => buildDepartmentTree(departments.data?.items ?? []), [departments.data]);

  const columns: ColumnsType<Staff> = [
    {
      title: t('name'),
      key: 'name',
      render: (_, s) => <Person name={s.name} avatar={s.avatar} sub={s.userid} />,
    },
    { title: t('position'), dataIndex: 'position', render: (v: string | null) => v || t('common:none') },
    { title: t('store'), dataIndex: 'storeName', render: (v: string | null) => v || t('common:none') },
    {
      title: t('department'),
      dataIndex: 'departmentIds',
      render: (ids: number[]) =>
        ids.length ? ids.map((id) => departmentNames.get(id) ?? String(id)).join(' / ') : t('common:none'),
    },
    {
      title: t('status'),
      dataIndex: 'status',
      render: (status: number) => <Badge status={STATUS_BADGE[status] ?? 'default'} text={labels.staffStatus(status)} />,
    },
    {
      title: t('followUser'),
      dataIndex: 'isFollowUser',
      render: (on: boolean) => (on ? <Tag color="green">{t('followUserOn')}</Tag> : <Tag>{t('followUserOff')}</Tag>),
    },
    {
      title: t('customerCount'),
      dataIndex: 'customerCount',
      align: 'right',
      render: (count: number, s) =>
        count > 0 ? <Link to={`/customers?userid=${encodeURIComponent(s.userid)}`}>{formatNumber(count)}</Link> : formatNumber(count),
    },
  ];

  return (
    <ListPage
      title={t('title')}
      filters={
        <>
          <SearchInput value={filters.q} onSearch={(q) => state.set({ q })} placeholder={t('searchPlaceholder')} />
          <StoreSelect
            value={filters.storeId}
            onChange={(storeId) => state.set({ storeId })}
            placeholder={t('allStores')}
            style={{ width: 200 }}
          />
          <TreeSelect
            allowClear
            treeDefaultExpandAll
            showSearch={{ treeNodeFilterProp: 'title' }}
            value={filters.departmentId}
            onChange={(departmentId?: string) => state.set({ departmentId })}
            treeData={tree}
            placeholder={t('allDepartments')}
            style={{ width: 200 }}
          />
          <Select<string>
            allowClear
            value={filters.status}
            onChange={(status) => state.set({ status })}
            placeholder={t('allStatuses')}
            options={['1', '2', '4', '5'].map((s) => ({ value: s, label: labels.staffStatus(s) }))}
            style={{ width: 140 }}
          />
        </>
      }
    >
      <ListTable<Staff>
        rowKey="userid"
        columns={columns}
        query={staff}
        list={state}
        empty={t('empty')}
        scroll={{ x: 900 }}
      />
    </ListPage>
  );
}
