import { ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Drawer, Flex, Form, Input, Radio, Select, Space, Switch, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { choice, ListTable, useListState } from '../../components/list-page';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { showFieldError } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/format';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { useStaffList, useStaffNames } from '../staff/hooks';
import { StaffSelect } from '../staff/pickers';
import { TagSelect } from '../tags/tag-pickers';
import { useSegments } from '../segments/hooks';
import {
  useHandoverJob,
  useHandoverJobs,
  usePreviewHandover,
  useRefreshHandoverJob,
  useStartHandover,
  useUnassigned,
  type HandoverInput,
  type HandoverItem,
  type HandoverItemStatus,
  type HandoverJob,
  type HandoverKind,
  type HandoverPreview,
  type UnassignedItem,
} from './hooks';

const MESSAGE_MAX = 200;
const ITEM_STATUSES: HandoverItemStatus[] = ['pending', 'waiting', 'done', 'refused', 'limit', 'failed', 'skipped'];
const STATUS_COLORS: Record<HandoverItemStatus, string> = {
  pending: 'default',
  waiting: 'processing',
  done: 'success',
  refused: 'warning',
  limit: 'orange',
  failed: 'error',
  skipped: 'default',
};

const TABS = ['new', 'jobs', 'unassigned'] as const;
const PAGE = { tab: choice(TABS, 'new') };

export default function HandoverPage() {
  const { t } = useTranslation('handover');
  const state = useListState(PAGE);
  const { tab } = state.filters;
  const setTab = (next: string) => state.set({ tab: next as (typeof TABS)[number] });
  const [jobId, setJobId] = useState<number | null>(null);
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'new', label: t('tabNew'), children: <NewHandover onStarted={(id) => { setTab('jobs'); setJobId(id); }} /> },
          { key: 'jobs', label: t('tabJobs'), children: <JobsList onOpen={setJobId} /> },
          { key: 'unassigned', label: t('tabUnassigned'), children: <Unassigned active={tab === 'unassigned'} /> },
        ]}
      />
      {jobId !== null ? <JobDrawer id={jobId} onClose={() => setJobId(null)} /> : null}
    </>
  );
}

function useItemStatusLabel() {
  const { t } = useTranslation('handover');
  return (status: string) => (ITEM_STATUSES.includes(status as HandoverItemStatus) ? t(`itemStatus.${status as HandoverItemStatus}`) : status);
}

function ItemStatusTag({ status }: { status: string }) {
  const label = useItemStatusLabel();
  return <Tag color={STATUS_COLORS[status as HandoverItemStatus] ?? 'default'}>{label(status)}</Tag>;
}

/** Staff who may hand over: active members for on-job, members who left (status 5) for resigned. */
function HandoverStaffSelect({ kind, value, onChange }: { kind: HandoverKind; value?: string; onChange?: (v: string | undefined) => void }) {
  const { t } = useTranslation(['handover', 'staff']);
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search, 250);
  const staff = useStaffList({ q: q || undefined, status: kind === 'resigned' ? '5' : '1', pageSize: 50 });
  const options = (staff.data?.items ?? []).map((s) => ({ value: s.userid, label: `${s.name} (${s.userid}) · ${t('customerCount', { n: s.customerCount })}` }));
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: value });
  return (
    <Select<string>
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      options={options}
      loading={staff.isFetching}
      placeholder={t('staff:pickStaff')}
      data-testid="handover-from"
    />
  );
}

interface FormValues {
  kind: HandoverKind;
  handoverUserid?: string;
  takeoverUserid?: string;
  message?: string;
  tagIds?: string[];
  segmentId?: number;
  includeGroups: boolean;
}

function NewHandover({ onStarted }: { onStarted: (jobId: number) => void }) {
  const { t } = useTranslation(['handover', 'groups', 'common']);
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const kind = Form.useWatch('kind', form) ?? 'onjob';
  const preview = usePreviewHandover();
  const start = useStartHandover();
  const segments = useSegments();
  const [result, setResult] = useState<{ input: HandoverInput; data: HandoverPreview } | null>(null);

  const toInput = (v: FormValues): HandoverInput => ({
    kind: v.kind,
    handoverUserid: v.handoverUserid!,
    takeoverUserid: v.takeoverUserid!,
    message: v.kind === 'onjob' && v.message?.trim() ? v.message.trim() : undefined,
    tagIds: v.tagIds?.length ? v.tagIds : undefined,
    segmentId: v.segmentId ?? undefined,
    includeGroups: v.includeGroups,
  });

  const runPreview = async () => {
    const values = await form.validateFields();
    const input = toInput(values);
    try {
      const data = await preview.mutateAsync(input);
      setResult({ input, data });
    } catch (error) {
      setResult(null);
      showFieldError(form, error);
    }
  };

  const runStart = async () => {
    if (!result) return;
    try {
      const job = await start.mutateAsync(result.input);
      void message.success(t('started'));
      setResult(null);
      onStarted(job.id);
    } catch (error) {
      showFieldError(form, error);
    }
  };

  const eligible = result?.data.customers.filter((c) => c.eligible).length ?? 0;

  return (
    <Flex vertical gap={16}>
      <Card>
        <Form<FormValues>
          form={form}
          layout="vertical"
          initialValues={{ kind: 'onjob', includeGroups: false, tagIds: [] }}
          onValuesChange={() => setResult(null)}
          style={{ maxWidth: 640 }}
        >
          <Form.Item name="kind" label={t('kind')} extra={t(kind === 'onjob' ? 'onjobHelp' : 'resignedHelp')}>
            <Radio.Group
              optionType="button"
              onChange={() => form.setFieldsValue({ handoverUserid: undefined })}
              options={[
                { value: 'onjob', label: t('kinds.onjob') },
                { value: 'resigned', label: t('kinds.resigned') },
              ]}
            />
          </Form.Item>
          <Form.Item name="handoverUserid" label={t('from')} rules={[{ required: true, message: t('common:required', { field: t('from') }) }]}>
            <HandoverStaffSelect kind={kind} />
          </Form.Item>
          <Form.Item name="takeoverUserid" label={t('to')} rules={[{ required: true, message: t('common:required', { field: t('to') }) }]}>
            <StaffSelect followOnly />
          </Form.Item>
          {kind === 'onjob' ? (
            <Form.Item name="message" label={t('message')} extra={t('messageHelp')} rules={[{ max: MESSAGE_MAX, message: t('common:maxChars', { n: MESSAGE_MAX }) }]}>
              <Input.TextArea rows={2} maxLength={MESSAGE_MAX} showCount />
            </Form.Item>
          ) : null}
          <Form.Item name="tagIds" label={t('tagFilter')} extra={t('tagFilterHelp')}>
            <TagSelect />
          </Form.Item>
          <Form.Item name="segmentId" label={t('segmentFilter')} extra={t('segmentFilterHelp')}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              loading={segments.isLoading}
              options={(segments.data ?? []).map((sg) => ({ value: Number(sg.id), label: sg.name }))}
              data-testid="handover-segment"
            />
          </Form.Item>
          <Form.Item name="includeGroups" label={t('includeGroups')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Button type="primary" onClick={() => void runPreview()} loading={preview.isPending} data-testid="handover-preview">
            {t('preview')}
          </Button>
        </Form>
      </Card>
      {result ? (
        <Card
          title={t('previewTitle', { eligible, total: result.data.customers.length, groups: result.data.groups.length })}
          extra={
            <Button type="primary" danger onClick={() => void runStart()} loading={start.isPending} disabled={eligible === 0 && result.data.groups.length === 0} data-testid="handover-start">
              {t('start')}
            </Button>
          }
        >
          <Alert
            type="info"
            showIcon
            title={t('limitsTitle')}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {result.data.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            }
            style={{ marginBottom: 16 }}
          />
          <ListTable<HandoverPreview['customers'][number]>
            rowKey="externalUserid"
            size="small"
            items={result.data.customers}
            data-testid="handover-preview-customers"
            pageSize={20}
            columns={[
              {
                title: t('customer'),
                key: 'name',
                render: (_, c) => <Link to={`/customers/${encodeURIComponent(c.externalUserid)}`}>{c.name || c.externalUserid}</Link>,
              },
              { title: t('transfers90d'), dataIndex: 'transfers90d', align: 'right', width: 140 },
              {
                title: t('eligible'),
                dataIndex: 'eligible',
                width: 120,
                render: (v: boolean) => (v ? <Tag color="success">{t('yes')}</Tag> : <Tag color="error">{t('no')}</Tag>),
              },
              { title: t('reason'), dataIndex: 'reason', render: (v: string | null) => v ?? t('common:none') },
            ]}
          />
          {result.data.groups.length > 0 ? (
            <>
              <Typography.Title level={5}>{t('groups')}</Typography.Title>
              <ListTable<HandoverPreview['groups'][number]>
                rowKey="chatId"
                size="small"
                items={result.data.groups}
                columns={[
                  { title: t('groups:name'), key: 'name', render: (_, g) => <Link to={`/groups/${encodeURIComponent(g.chatId)}`}>{g.name || t('groups:unnamed')}</Link> },
                  { title: t('groups:memberCount'), dataIndex: 'memberCount', align: 'right', render: (v?: number) => v ?? t('common:none') },
                ]}
              />
            </>
          ) : null}
        </Card>
      ) : null}
    </Flex>
  );
}

function Counts({ counts }: { counts: HandoverJob['counts'] }) {
  const label = useItemStatusLabel();
  const entries = ITEM_STATUSES.filter((s) => (counts[s] ?? 0) > 0);
  if (entries.length === 0) return <>—</>;
  return (
    <span>
      {entries.map((s) => (
        <Tag key={s} color={STATUS_COLORS[s]} style={{ marginBlock: 2 }}>
          {label(s)} {counts[s]}
        </Tag>
      ))}
    </span>
  );
}

function useJobStatusLabel() {
  const { t } = useTranslation('handover');
  return (status: string) => {
    const known = ['pending', 'running', 'waiting', 'done', 'failed'] as const;
    return (known as readonly string[]).includes(status) ? t(`jobStatus.${status as (typeof known)[number]}`) : status;
  };
}

function JobsList({ onOpen }: { onOpen: (id: number) => void }) {
  const { t } = useTranslation(['handover', 'common']);
  const jobs = useHandoverJobs();
  const names = useStaffNames();
  const jobStatus = useJobStatusLabel();
  const who = (id: string) => (names.get(id) ? `${names.get(id)} (${id})` : id);
  const columns: ColumnsType<HandoverJob> = [
    { title: 'ID', dataIndex: 'id', width: 70 },
    { title: t('kind'), dataIndex: 'kind', render: (k: HandoverKind) => t(`kinds.${k}`) },
    { title: t('from'), dataIndex: 'handoverUserid', render: who },
    { title: t('to'), dataIndex: 'takeoverUserid', render: who },
    { title: t('status'), dataIndex: 'status', render: (s: string) => <Tag color={s === 'done' ? 'success' : 'processing'}>{jobStatus(s)}</Tag> },
    { title: t('counts'), dataIndex: 'counts', render: (c: HandoverJob['counts']) => <Counts counts={c} /> },
    { title: t('createdAt'), dataIndex: 'createdAt', render: formatDateTime },
    {
      title: t('common:actions'),
      key: 'actions',
      render: (_, j) => (
        <Button type="link" size="small" onClick={() => onOpen(j.id)} data-testid="handover-job-open">
          {t('detail')}
        </Button>
      ),
    },
  ];
  return (
    <Card>
      <ListTable<HandoverJob> rowKey="id" columns={columns} query={jobs} pageSize={20} empty={t('noJobs')} scroll={{ x: 900 }} />
    </Card>
  );
}

function JobDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation(['handover', 'common']);
  const { message } = App.useApp();
  const job = useHandoverJob(id);
  const refresh = useRefreshHandoverJob();
  const names = useStaffNames();
  const jobStatus = useJobStatusLabel();
  const [status, setStatus] = useState<string | undefined>();
  const items = useMemo(() => (job.data?.items ?? []).filter((i) => !status || i.status === status), [job.data, status]);
  const label = useItemStatusLabel();
  const who = (uid: string) => (names.get(uid) ? `${names.get(uid)} (${uid})` : uid);

  return (
    <Drawer
      open
      onClose={onClose}
      size="large"
      title={t('jobTitle', { id })}
      extra={
        <Button
          icon={<ReloadOutlined />}
          loading={refresh.isPending}
          data-testid="handover-refresh"
          onClick={() => refresh.mutateAsync(id).then(() => void message.success(t('refreshed'))).catch(() => undefined)}
        >
          {t('refresh')}
        </Button>
      }
    >
      <QueryError query={job} />
      {job.data ? (
        <Space orientation="vertical" style={{ width: '100%' }} size={16}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('kind')}>{t(`kinds.${job.data.kind}`)}</Descriptions.Item>
            <Descriptions.Item label={t('status')}>{jobStatus(job.data.status)}</Descriptions.Item>
            <Descriptions.Item label={t('from')}>{who(job.data.handoverUserid)}</Descriptions.Item>
            <Descriptions.Item label={t('to')}>{who(job.data.takeoverUserid)}</Descriptions.Item>
            <Descriptions.Item label={t('createdAt')}>{formatDateTime(job.data.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('finishedAt')}>{formatDateTime(job.data.finishedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('message')} span={2}>{job.data.message || t('common:none')}</Descriptions.Item>
            <Descriptions.Item label={t('counts')} span={2}><Counts counts={job.data.counts} /></Descriptions.Item>
          </Descriptions>
          <Select<string>
            allowClear
            value={status}
            onChange={setStatus}
            placeholder={t('filterStatus')}
            options={ITEM_STATUSES.map((s) => ({ value: s, label: label(s) }))}
            style={{ width: 220 }}
          />
          <ListTable<HandoverItem>
            rowKey={(i) => `${i.kind}:${i.id}`}
            size="small"
            items={items}
            loading={job.isFetching}
            pageSize={20}
            columns={[
              { title: t('itemKind'), dataIndex: 'kind', width: 80, render: (k: HandoverItem['kind']) => t(`itemKinds.${k}`) },
              {
                title: t('target'),
                key: 'name',
                render: (_, i) => (
                  <Link to={i.kind === 'customer' ? `/customers/${encodeURIComponent(i.id)}` : `/groups/${encodeURIComponent(i.id)}`}>{i.name || i.id}</Link>
                ),
              },
              { title: t('status'), dataIndex: 'status', render: (s: string) => <ItemStatusTag status={s} /> },
              {
                title: t('errorCol'),
                key: 'error',
                render: (_, i) => [i.errcode ? `errcode ${i.errcode}` : null, i.error].filter(Boolean).join(' · ') || t('common:none'),
              },
              { title: t('takeoverAt'), dataIndex: 'takeoverAt', render: formatDateTime },
            ]}
          />
        </Space>
      ) : null}
    </Drawer>
  );
}

function Unassigned({ active }: { active: boolean }) {
  const { t } = useTranslation(['handover', 'common']);
  const list = useUnassigned(active);
  const names = useStaffNames();
  return (
    <Card>
      <Typography.Paragraph type="secondary">{t('unassignedHelp')}</Typography.Paragraph>
      <ListTable<UnassignedItem>
        rowKey={(i) => `${i.handoverUserid}:${i.externalUserid}`}
        query={list}
        empty={t('unassignedEmpty')}
        pageSize={20}
        columns={[
          {
            title: t('customer'),
            dataIndex: 'externalUserid',
            render: (id: string) => <Link to={`/customers/${encodeURIComponent(id)}`}>{id}</Link>,
          },
          { title: t('from'), dataIndex: 'handoverUserid', render: (id: string) => (names.get(id) ? `${names.get(id)} (${id})` : id) },
          {
            title: t('dimissionTime'),
            dataIndex: 'dimissionTime',
            render: (v: number) => (v ? formatDateTime(new Date(v * 1000).toISOString()) : t('common:none')),
          },
        ]}
      />
    </Card>
  );
}
