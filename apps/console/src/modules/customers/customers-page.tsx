import { DownloadOutlined, TagsOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Input, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { HTMLAttributes } from 'react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { Person } from '../../components/person';
import { QueryError } from '../../components/query-error';
import { SearchInput } from '../../components/search-input';
import { formatDateTime } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { PAGE_SIZE_OPTIONS, useSearchState } from '../../lib/use-search-state';
import { StaffSelect, StoreSelect } from '../staff/pickers';
import { apiUrl } from '../../api/client';
import { useMe } from '../auth/hooks';
import { BulkJobsDrawer, BulkTagModal } from '../tags/bulk-tags';
import { TagList, TagSelect } from '../tags/tag-pickers';
import { useCustomers, type CustomerListItem } from './hooks';

export default function CustomersPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const navigate = useNavigate();
  const search = useSearchState();
  const query = {
    q: search.get('q'),
    tagIds: search.getList('tagIds'),
    userid: search.get('userid'),
    storeId: search.get('storeId'),
    channel: search.get('channel'),
    page: search.page,
    pageSize: search.pageSize,
  };
  const customers = useCustomers(query);
  const me = useMe();
  const canBulk = Boolean(me.data);
  const [bulkOpen, setBulkOpen] = useState(false);
  const [jobsOpen, setJobsOpen] = useState<{ jobId: number | null } | null>(null);
  const storeNumber = query.storeId !== undefined && query.storeId !== '' ? Number(query.storeId) : undefined;
  const bulkFilter = {
    q: query.q || undefined,
    tagIds: query.tagIds?.length ? query.tagIds : undefined,
    userid: query.userid || undefined,
    storeId: storeNumber !== undefined && Number.isFinite(storeNumber) ? storeNumber : undefined,
  };
  const csvUrl = apiUrl('/customers.csv', { q: query.q, tagIds: query.tagIds, userid: query.userid, storeId: query.storeId, channel: query.channel });

  const open = (c: CustomerListItem) => navigate(`/customers/${encodeURIComponent(c.externalUserid)}`);

  const columns: ColumnsType<CustomerListItem> = [
    {
      title: t('customers.name'),
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
              <Typography.Text style={{ marginLeft: 4, color: '#52c41a' }}>{t('customers.wechatSuffix')}</Typography.Text>
            ) : null
          }
        />
      ),
    },
    {
      title: t('customers.follows'),
      dataIndex: 'follows',
      render: (follows: CustomerListItem['follows']) =>
        follows.length === 0
          ? t('common.none')
          : follows.map((f) => (
              <Tooltip key={f.userid} title={[labels.followStatus(f.status), f.remark].filter(Boolean).join(' · ')}>
                <Tag color={f.status === 'active' ? 'geekblue' : undefined} style={{ marginBlock: 2, opacity: f.status === 'active' ? 1 : 0.6 }}>
                  {f.staffName || f.userid}
                </Tag>
              </Tooltip>
            )),
    },
    {
      title: t('customers.tags'),
      dataIndex: 'tagIds',
      render: (ids: string[]) => <TagList ids={ids} max={4} />,
    },
    {
      title: t('customers.firstAddedAt'),
      dataIndex: 'firstAddedAt',
      width: 160,
      render: (v: string | null) => formatDateTime(v),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('customers.title')}
        extra={
          <>
            <Button icon={<DownloadOutlined />} href={csvUrl} data-testid="customers-export">
              {t('bulkTags.exportCsv')}
            </Button>
            <Button icon={<UnorderedListOutlined />} onClick={() => setJobsOpen({ jobId: null })} data-testid="bulk-jobs-open">
              {t('bulkTags.jobs')}
            </Button>
            {canBulk ? (
              <Button type="primary" icon={<TagsOutlined />} onClick={() => setBulkOpen(true)} data-testid="bulk-tag-open">
                {t('bulkTags.open')}
              </Button>
            ) : null}
          </>
        }
      />
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
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <SearchInput
            value={query.q}
            onSearch={(q) => search.update({ q })}
            placeholder={t('customers.searchPlaceholder')}
            testId="customers-search"
          />
          <TagSelect
            value={query.tagIds}
            onChange={(tagIds) => search.update({ tagIds })}
            placeholder={t('customers.tagsPlaceholder')}
            style={{ minWidth: 220, maxWidth: 360 }}
          />
          <StaffSelect
            value={query.userid}
            onChange={(userid) => search.update({ userid })}
            placeholder={t('customers.staffPlaceholder')}
            style={{ width: 180 }}
          />
          <StoreSelect
            value={query.storeId}
            onChange={(storeId) => search.update({ storeId })}
            placeholder={t('customers.storePlaceholder')}
            style={{ width: 180 }}
          />
          <ChannelInput value={query.channel} onChange={(channel) => search.update({ channel })} />
        </Flex>
        {customers.error ? <QueryError error={customers.error} onRetry={() => void customers.refetch()} /> : null}
        <Table<CustomerListItem>
          rowKey="externalUserid"
          columns={columns}
          dataSource={customers.data?.items}
          loading={customers.isFetching}
          onRow={(c) =>
            ({
              onClick: () => open(c),
              style: { cursor: 'pointer' },
              'data-testid': 'customer-row',
              'data-external-userid': c.externalUserid,
            }) as HTMLAttributes<HTMLElement>
          }
          locale={{ emptyText: <Typography.Text type="secondary">{t('customers.empty')}</Typography.Text> }}
          pagination={{
            current: search.page,
            pageSize: search.pageSize,
            total: customers.data?.total ?? 0,
            pageSizeOptions: PAGE_SIZE_OPTIONS,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: search.setPage,
          }}
          scroll={{ x: 860 }}
        />
      </Card>
    </>
  );
}

/** Free text (a `state` prefix or an add_way number), applied on Enter or blur. */
function ChannelInput({ value, onChange }: { value: string | undefined; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
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
      placeholder={t('customers.channelPlaceholder')}
      style={{ width: 260 }}
    />
  );
}
