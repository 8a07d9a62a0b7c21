import { Card, Flex, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { SearchInput } from '../../components/search-input';
import { formatDateTimeSeconds } from '../../lib/format';
import { PAGE_SIZE_OPTIONS, useSearchState } from '../../lib/use-search-state';
import { useAudit, type AuditEntry } from './hooks';

function hasDetail(detail: unknown): boolean {
  return detail !== null && detail !== undefined && !(typeof detail === 'object' && Object.keys(detail as object).length === 0);
}

export default function AuditPage() {
  const { t } = useTranslation();
  const search = useSearchState();
  const query = { action: search.get('action'), page: search.page, pageSize: search.pageSize };
  const audit = useAudit(query);

  const columns: ColumnsType<AuditEntry> = [
    { title: t('admin.audit.time'), dataIndex: 'createdAt', width: 170, render: (v: string) => formatDateTimeSeconds(v) },
    {
      title: t('admin.audit.actor'),
      dataIndex: 'actorName',
      render: (v: string | null) => v || <Typography.Text type="secondary">{t('admin.audit.system')}</Typography.Text>,
    },
    { title: t('admin.audit.action'), dataIndex: 'action', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    {
      title: t('admin.audit.target'),
      key: 'target',
      render: (_, e) => (e.targetType || e.targetId ? [e.targetType, e.targetId].filter(Boolean).join(' · ') : t('common.none')),
    },
    {
      title: t('admin.audit.detail'),
      dataIndex: 'detail',
      render: (detail: unknown) =>
        hasDetail(detail) ? (
          <Typography.Text type="secondary" ellipsis style={{ maxWidth: 320, fontSize: 12 }}>
            {JSON.stringify(detail)}
          </Typography.Text>
        ) : (
          t('common.none')
        ),
    },
    { title: t('admin.audit.ip'), dataIndex: 'ip', width: 130, render: (v: string | null) => v || t('common.none') },
  ];

  return (
    <>
      <PageHeader title={t('admin.audit.title')} />
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <SearchInput value={query.action} onSearch={(action) => search.update({ action })} placeholder={t('admin.audit.actionPlaceholder')} width={280} />
        </Flex>
        {audit.error ? <QueryError error={audit.error} onRetry={() => void audit.refetch()} /> : null}
        <Table<AuditEntry>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={audit.data?.items}
          loading={audit.isFetching}
          expandable={{
            rowExpandable: (e) => hasDetail(e.detail),
            expandedRowRender: (e) => (
              <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{JSON.stringify(e.detail, null, 2)}</pre>
            ),
          }}
          locale={{ emptyText: t('admin.audit.empty') }}
          pagination={{
            current: search.page,
            pageSize: search.pageSize,
            total: audit.data?.total ?? 0,
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
