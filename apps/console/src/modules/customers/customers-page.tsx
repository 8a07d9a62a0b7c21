import { TagsOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Button, Input, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { list, ListPage, ListTable, text, useListState } from '../../components/list-page';
import { Person } from '../../components/person';
import { SearchInput } from '../../components/search-input';
import { formatDateTime } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { StaffSelect, StoreSelect } from '../staff/pickers';
import { apiUrl } from '../../api/client';
import { useMe } from '../auth/hooks';
import { BulkJobsDrawer, BulkTagModal } from '../tags/bulk-tags';
import { TagList, TagSelect } from '../tags/tag-pickers';
import { useCustomers, type CustomerListItem } from './hooks';

const FILTERS = { q: text(), tagIds: list(), userid: text(), storeId: text(), channel: text() };

export default function CustomersPage() {
  const { t } = useTranslation(['customers', 'tags', 'common']);
  const labels = useLabels();
  const navigate = useNavigate();
  const state = useListState(FILTERS);
  const { filters } = state;
  const customers = useCustomers(state.query);
  const me = useMe();
  const canBulk = Boolean(me.data);
  const [bulkOpen, setBulkOpen] = useState(false);
  const [jobsOpen, setJobsOpen] = useState<{ jobId: number | null } | null>(null);
  const storeNumber = filters.storeId !== undefined ? Number(filters.storeId) : undefined;
  const bulkFilter = {
    q: filters.q,
    tagIds: filters.tagIds.length ? filters.tagIds : undefined,
    userid: filters.userid,
    storeId: storeNumber !== undefined && Number.isFinite(storeNumber) ? storeNumber : undefined,
  };

  const columns: ColumnsType<CustomerListItem> = [
    {
      title: t('name'),
      key: 'name',
      render: (_, c) => (
        <Person
          name={c.name}
          avatar={c.avatar}
          suffix={
            c.type === 2 && c.corpName ? (
              <Typography.Text type="success" style={{ marginLeft: 4 }}>
                @{c.corpName}
              </Typography.Text>
            ) : c.type === 1 ? (
              <Typography.Text style={{ marginLeft: 4, color: '#52c41a' }}>{t('wechatSuffix')}</Typography.Text>
            ) : null
          }
        />
      ),
    },
    {
      title: t('follows'),
      dataIndex: 'follows',
      render: (follows: CustomerListItem['follows']) =>
        follows.length === 0
          ? t('common:none')
          : follows.map((f) => (
              <Tooltip key={f.userid} title={[labels.followStatus(f.status), f.remark].filter(Boolean).join(' · ')}>
                <Tag color={f.status === 'active' ? 'geekblue' : undefined} style={{ marginBlock: 2, opacity: f.status === 'active' ? 1 : 0.6 }}>
                  {f.staffName || f.userid}
                </Tag>
              </Tooltip>
            )),
    },
    {
      title: t('tags'),
      dataIndex: 'tagIds',
      render: (ids: string[]) => <TagList ids={ids} max={4} />,
    },
    {
      title: t('firstAddedAt'),
      dataIndex: 'firstAddedAt',
      width: 160,
      render: (v: string | null) => formatDateTime(v),
    },
  ];

  return (
    <>
      <ListPage
        title={t('title')}
        exportHref={apiUrl('/customers.csv', filters)}
        exportTestId="customers-export"
        actions={
          <>
            <Button icon={<UnorderedListOutlined />} onClick={() => setJobsOpen({ jobId: null })} data-testid="bulk-jobs-open">
              {t('tags:bulk.jobs')}
            </Button>
            {canBulk ? (
              <Button type="primary" icon={<TagsOutlined />} onClick={() => setBulkOpen(true)} data-testid="bulk-tag-open">
                {t('tags:bulk.open')}
              </Button>
            ) : null}
          </>
        }
        filters={
          <>
            <SearchInput
              value={filters.q}
              onSearch={(q) => state.set({ q })}
              placeholder={t('searchPlaceholder')}
              testId="customers-search"
            />
            <TagSelect
              value={filters.tagIds}
              onChange={(tagIds) => state.set({ tagIds })}
              placeholder={t('tagsPlaceholder')}
              style={{ minWidth: 220, maxWidth: 360 }}
            />
            <StaffSelect
              value={filters.userid}
              onChange={(userid) => state.set({ userid })}
              placeholder={t('staffPlaceholder')}
              style={{ width: 180 }}
            />
            <StoreSelect
              value={filters.storeId}
              onChange={(storeId) => state.set({ storeId })}
              placeholder={t('storePlaceholder')}
              style={{ width: 180 }}
            />
            <ChannelInput value={filters.channel} onChange={(channel) => state.set({ channel })} />
          </>
        }
      >
        <ListTable<CustomerListItem>
          rowKey="externalUserid"
          columns={columns}
          query={customers}
          list={state}
          empty={t('empty')}
          rowTestId="customer-row"
          rowData={(c) => ({ 'data-external-userid': c.externalUserid })}
          onRowClick={(c) => navigate(`/customers/${encodeURIComponent(c.externalUserid)}`)}
          scroll={{ x: 860 }}
        />
      </ListPage>
      {bulkOpen ? (
        <BulkTagModal
          filter={bulkFilter}
          onClose={() => setBulkOpen(false)}
          onCreated={(jobId) => {
            setBulkOpen(false);
            setJobsOpen({ jobId });
          }}
        />
      ) : null}
      {jobsOpen ? <BulkJobsDrawer initialJobId={jobsOpen.jobId} onClose={() => setJobsOpen(null)} /> : null}
    </>
  );
}

/** Free text (a `state` prefix or an add_way number), applied on Enter or blur. */
function ChannelInput({ value, onChange }: { value: string | undefined; onChange: (value: string) => void }) {
  const { t } = useTranslation('customers');
  const [text, setText] = useState(value ?? '');
  // A new value from the URL (back, clear filters) replaces what is typed: adjusted while rendering, not in an effect.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value ?? '');
  }
  const apply = () => {
    if (text.trim() !== (value ?? '')) onChange(text.trim());
  };
  return (
    <Input
      allowClear
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        if (e.type === 'click' && e.target.value === '') onChange(''); // the clear button
      }}
      onPressEnter={apply}
      onBlur={apply}
      placeholder={t('channelPlaceholder')}
      style={{ width: 260 }}
    />
  );
}
