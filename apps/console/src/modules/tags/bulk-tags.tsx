import { App, Button, Descriptions, Drawer, Flex, Form, Popconfirm, Progress, Radio, Space, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { FormModal } from '../../components/form-modal';
import { QueryError } from '../../components/query-error';
import { ListTable } from '../../components/list-page';
import { formatDateTime } from '../../lib/format';
import { isRunning, useBulkJob, useBulkJobs, useCancelBulkJob, useCreateBulkJob, type BulkFilter, type BulkJob, type BulkJobDetail } from './bulk-hooks';
import { TagList, TagTreeSelect } from './tag-pickers';

const KNOWN_STATUSES = ['queued', 'running', 'done', 'cancelled', 'failed'] as const;
type KnownStatus = (typeof KNOWN_STATUSES)[number];
const STATUS_COLORS: Record<KnownStatus, string> = { queued: 'default', running: 'processing', done: 'success', cancelled: 'warning', failed: 'error' };

export function BulkStatusTag({ status }: { status: string }) {
  const { t } = useTranslation('tags');
  const known = (KNOWN_STATUSES as readonly string[]).includes(status);
  return <Tag color={known ? STATUS_COLORS[status as KnownStatus] : 'default'}>{known ? t(`bulk.status.${status as KnownStatus}`) : status}</Tag>;
}

export function BulkProgress({ job }: { job: Pick<BulkJob, 'done' | 'failed' | 'total' | 'status'> }) {
  const finished = job.done + job.failed;
  const percent = job.total > 0 ? Math.floor((finished / job.total) * 100) : job.status === 'done' ? 100 : 0;
  return (
    <Flex vertical style={{ minWidth: 160 }}>
      <Progress
        percent={percent}
        success={{ percent: job.total > 0 ? Math.floor((job.done / job.total) * 100) : undefined }}
        status={job.failed > 0 ? 'exception' : isRunning(job.status) ? 'active' : 'normal'}
        size="small"
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {finished} / {job.total}
        {job.failed > 0 ? ` · ✗ ${job.failed}` : ''}
      </Typography.Text>
    </Flex>
  );
}

interface BulkForm {
  action: 'add' | 'remove';
  tagIds: string[];
}

/** Tag or untag every customer matching the list's current filters. */
export function BulkTagModal({ filter, onClose, onCreated }: { filter: BulkFilter; onClose: () => void; onCreated: (jobId: number) => void }) {
  const { t } = useTranslation('tags');
  const { message } = App.useApp();
  const [form] = Form.useForm<BulkForm>();
  const create = useCreateBulkJob();
  const hasFilter = Boolean(filter.q || filter.tagIds?.length || filter.userid || filter.storeId !== undefined || filter.segmentId !== undefined);

  const save = async (values: BulkForm) => {
    const job = await create.mutateAsync({ action: values.action, tagIds: values.tagIds, filter });
    void message.success(t('bulk.created', { total: job.total }));
    onCreated(job.id);
  };

  return (
    <FormModal<BulkForm>
      title={t('bulk.title')}
      okButtonProps={{ 'data-testid': 'bulk-tag-submit' }}
      form={form}
      initialValues={{ action: 'add', tagIds: [] }}
      onSubmit={save}
      onClose={onClose}
    >
      <Typography.Paragraph type={hasFilter ? undefined : 'warning'}>{hasFilter ? t('bulk.filtered') : t('bulk.everyone')}</Typography.Paragraph>
      <Form.Item name="action" label={t('bulk.action')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'add', label: t('bulk.add') },
            { value: 'remove', label: t('bulk.remove') },
          ]}
        />
      </Form.Item>
      <Form.Item name="tagIds" label={t('bulk.tags')} rules={[{ required: true, type: 'array', min: 1, message: t('bulk.tagsRequired') }]}>
        <TagTreeSelect />
      </Form.Item>
    </FormModal>
  );
}

/** Bulk tag jobs with live progress; a job opens its detail with the failures. */
export function BulkJobsDrawer({ initialJobId, onClose }: { initialJobId?: number | null; onClose: () => void }) {
  const { t } = useTranslation(['tags', 'common']);
  const jobs = useBulkJobs();
  const [jobId, setJobId] = useState<number | null>(initialJobId ?? null);

  const columns: ColumnsType<BulkJob> = [
    { title: 'ID', dataIndex: 'id', width: 60 },
    { title: t('bulk.action'), dataIndex: 'action', width: 90, render: (a: BulkJob['action']) => t(a === 'add' ? 'bulk.add' : 'bulk.remove') },
    { title: t('bulk.tags'), dataIndex: 'tagIds', render: (ids: string[]) => <TagList ids={ids} max={3} /> },
    { title: t('bulk.progress'), key: 'progress', render: (_, j) => <BulkProgress job={j} /> },
    { title: t('bulk.statusCol'), dataIndex: 'status', render: (s: string) => <BulkStatusTag status={s} /> },
    { title: t('bulk.createdAt'), dataIndex: 'createdAt', render: formatDateTime },
    {
      title: t('common:actions'),
      key: 'actions',
      render: (_, j) => (
        <Button type="link" size="small" onClick={() => setJobId(j.id)}>
          {t('bulk.detail')}
        </Button>
      ),
    },
  ];

  return (
    <Drawer open onClose={onClose} size="large" title={t('bulk.jobs')}>
      <ListTable<BulkJob>
        rowKey="id"
        size="small"
        columns={columns}
        query={jobs}
        pageSize={20}
        data-testid="bulk-jobs-table"
        empty={t('bulk.noJobs')}
        scroll={{ x: 760 }}
      />
      {jobId !== null ? <BulkJobDetailDrawer id={jobId} onClose={() => setJobId(null)} /> : null}
    </Drawer>
  );
}

export function BulkJobDetailDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation(['tags', 'common']);
  const { message } = App.useApp();
  const job = useBulkJob(id);
  const cancel = useCancelBulkJob();
  return (
    <Drawer
      open
      onClose={onClose}
      size="large"
      title={t('bulk.jobTitle', { id })}
      extra={
        job.data && isRunning(job.data.status) ? (
          <Popconfirm
            title={t('bulk.cancelConfirm')}
            onConfirm={() => cancel.mutateAsync(id).then(() => void message.success(t('bulk.cancelled'))).catch(() => undefined)}
          >
            <Button danger loading={cancel.isPending} data-testid="bulk-job-cancel">
              {t('bulk.cancel')}
            </Button>
          </Popconfirm>
        ) : null
      }
    >
      <QueryError query={job} />
      {job.data ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('bulk.action')}>{t(job.data.action === 'add' ? 'bulk.add' : 'bulk.remove')}</Descriptions.Item>
            <Descriptions.Item label={t('bulk.statusCol')}><BulkStatusTag status={job.data.status} /></Descriptions.Item>
            <Descriptions.Item label={t('bulk.tags')} span={2}><TagList ids={job.data.tagIds} /></Descriptions.Item>
            <Descriptions.Item label={t('bulk.progress')} span={2}><BulkProgress job={job.data} /></Descriptions.Item>
            <Descriptions.Item label={t('bulk.createdAt')}>{formatDateTime(job.data.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('bulk.finishedAt')}>{formatDateTime(job.data.finishedAt)}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ margin: 0 }}>{t('bulk.failures', { n: job.data.failed })}</Typography.Title>
          <ListTable<BulkJobDetail['failures'][number]>
            rowKey={(f) => `${f.externalUserid}:${f.userid}`}
            size="small"
            items={job.data.failures}
            pageSize={20}
            empty={t('bulk.noFailures')}
            columns={[
              { title: t('bulk.customer'), key: 'c', render: (_, f) => <Link to={`/customers/${encodeURIComponent(f.externalUserid)}`}>{f.name || f.externalUserid}</Link> },
              { title: t('bulk.staff'), dataIndex: 'userid' },
              { title: t('bulk.error'), dataIndex: 'error', render: (v: string | null) => v ?? t('common:none') },
            ]}
          />
        </Space>
      ) : null}
    </Drawer>
  );
}
