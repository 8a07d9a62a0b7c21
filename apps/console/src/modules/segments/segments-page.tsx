import { DeleteOutlined, DownloadOutlined, PlusOutlined, TagsOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  List,
  Popconfirm,
  Row,
  Select,
  Space,
  Spin,
  Table,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { PageHeader } from '../../components/page-header';
import { BulkJobsDrawer, BulkTagModal } from '../tags/bulk-tags';
import { useMe } from '../auth/hooks';
import { Person } from '../../components/person';
import { QueryError } from '../../components/query-error';
import { showFieldError } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { StaffMultiSelect, StoresSelect } from '../staff/pickers';
import { TagTreeSelect } from '../tags/tag-pickers';
import { RuleEditor } from './rule-editor';
import {
  CONDITION_TYPES,
  EVENT_TYPES,
  exportUrl,
  newCondition,
  ruleComplete,
  useDeleteSegment,
  usePreview,
  useSaveSegment,
  useSegmentMembers,
  useSegments,
  type Condition,
  type RuleGroup,
  type SampleCustomer,
  type Segment,
} from './hooks';

const emptyRule = (): RuleGroup => ({ op: 'and', conditions: [] });
const customerPath = (id: string) => `/customers/${encodeURIComponent(id)}`;

export default function SegmentsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const segments = useSegments();
  const save = useSaveSegment();
  const remove = useDeleteSegment();
  const [form] = Form.useForm<{ name: string }>();
  const [rule, setRule] = useState<RuleGroup>(emptyRule);
  const [editing, setEditing] = useState<Segment | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);

  const complete = ruleComplete(rule);
  const debounced = useDebouncedValue(complete ? rule : null, 400);
  const preview = usePreview(complete ? debounced : null);

  const startNew = () => {
    setEditing(null);
    setRule(emptyRule());
    setSaveError(null);
    form.setFieldsValue({ name: '' });
  };

  const open = (s: Segment) => {
    setEditing(s);
    setRule(s.rule);
    setSaveError(null);
    form.setFieldsValue({ name: s.name });
  };

  const onSave = async () => {
    const { name } = await form.validateFields();
    setSaveError(null);
    save.mutate(
      { id: editing?.id ?? null, name: name.trim(), rule },
      {
        onSuccess: (saved) => {
          void message.success(t('common.saved'));
          if (saved && typeof saved === 'object' && 'id' in saved) setEditing({ ...saved, rule: saved.rule ?? rule, name: saved.name ?? name });
        },
        onError: (err) => {
          if (!showFieldError(form, err) || (err instanceof ApiError && err.field?.startsWith('rule'))) {
            setSaveError(err instanceof Error ? err.message : String(err));
          }
        },
      },
    );
  };

  const previewError = preview.error instanceof Error ? preview.error.message : null;

  return (
    <>
      <PageHeader
        title={t('segments.title')}
        subtitle={t('segments.subtitle')}
        extra={
          <Button icon={<PlusOutlined />} onClick={startNew} data-testid="segment-new">
            {t('segments.new')}
          </Button>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={7}>
          <Card title={t('segments.saved')} size="small">
            {segments.error ? <QueryError error={segments.error} onRetry={() => void segments.refetch()} /> : null}
            <List<Segment>
              loading={segments.isLoading}
              dataSource={segments.data ?? []}
              locale={{ emptyText: t('segments.emptySaved') }}
              renderItem={(s) => (
                <List.Item
                  data-testid="segment-item"
                  style={{ background: editing?.id === s.id ? 'rgba(22,119,255,0.06)' : undefined, paddingInline: 8 }}
                  actions={[
                    <Button key="open" type="link" size="small" onClick={() => open(s)} data-testid="segment-open">
                      {t('segments.open')}
                    </Button>,
                    <Button key="csv" type="link" size="small" icon={<DownloadOutlined />} href={exportUrl(s.id)} aria-label={t('segments.exportCsv')} data-testid="segment-export" />,
                    <Popconfirm
                      key="delete"
                      title={t('segments.deleteConfirm', { name: s.name })}
                      onConfirm={() =>
                        remove.mutate(s.id, {
                          onSuccess: () => {
                            void message.success(t('common.deleted'));
                            if (editing?.id === s.id) startNew();
                          },
                        })
                      }
                    >
                      <Button type="link" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="segment-delete" />
                    </Popconfirm>,
                  ]}
                >
                  <Typography.Text ellipsis style={{ maxWidth: 140 }}>
                    {s.name}
                  </Typography.Text>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} lg={17}>
          <Flex vertical gap={16}>
            <Card title={editing ? t('segments.editing', { name: editing.name }) : t('segments.builder')} size="small">
              <RuleEditor<Condition>
                group={rule}
                onChange={setRule}
                types={CONDITION_TYPES}
                typeLabel={(type) => t(`segments.types.${type}`)}
                newCondition={newCondition}
                renderCondition={(c, onChange) => <ConditionEditor condition={c} onChange={onChange} />}
              />
              {!complete && rule.conditions.length > 0 ? (
                <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
                  {t('segments.incomplete')}
                </Typography.Text>
              ) : null}
              {previewError && complete ? <Alert type="error" showIcon title={previewError} style={{ marginTop: 12 }} /> : null}
              {saveError ? <Alert type="error" showIcon title={saveError} style={{ marginTop: 12 }} data-testid="segment-error" /> : null}
              <Form form={form} layout="inline" style={{ marginTop: 16 }} initialValues={{ name: '' }}>
                <Form.Item
                  name="name"
                  label={t('segments.name')}
                  rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('segments.name') }) }, { max: 64 }]}
                >
                  <Input placeholder={t('segments.namePlaceholder')} style={{ width: 240 }} data-testid="segment-name" maxLength={64} />
                </Form.Item>
                <Form.Item>
                  <Button type="primary" onClick={() => void onSave()} loading={save.isPending} disabled={!complete} data-testid="segment-save">
                    {editing ? t('segments.update') : t('segments.saveNew')}
                  </Button>
                </Form.Item>
              </Form>
            </Card>
            <Card size="small">
              <Flex align="baseline" gap={8} wrap>
                <Typography.Text strong style={{ fontSize: 16 }}>
                  {t('segments.matching')}
                </Typography.Text>
                <Typography.Text strong style={{ fontSize: 28, color: '#1677ff' }} data-testid="segment-count">
                  {complete && preview.data ? preview.data.count : '—'}
                </Typography.Text>
                <Typography.Text>{t('segments.people')}</Typography.Text>
                {complete && (preview.isFetching || debounced !== rule) ? <Spin size="small" /> : null}
              </Flex>
              {complete && preview.data ? <SampleList sample={preview.data.sample} /> : null}
            </Card>
            {editing ? <MembersCard segment={editing} /> : null}
          </Flex>
        </Col>
      </Row>
    </>
  );
}

function SampleList({ sample }: { sample: SampleCustomer[] }) {
  const { t } = useTranslation();
  const labels = useLabels();
  if (sample.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('segments.noSample')} />;
  return (
    <>
      <Typography.Text type="secondary" style={{ display: 'block', margin: '12px 0 4px' }}>
        {t('segments.sample')}
      </Typography.Text>
      <Flex wrap gap={12}>
        {sample.map((c) => (
          <Link key={c.externalUserid} to={customerPath(c.externalUserid)} data-testid="segment-sample-row">
            <Person name={c.name} avatar={c.avatar} sub={`${labels.gender(c.gender)} · ${formatDateTime(c.firstAddedAt)}`} />
          </Link>
        ))}
      </Flex>
    </>
  );
}

function MembersCard({ segment }: { segment: Segment }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  useEffect(() => setPage(1), [segment.id]);
  const members = useSegmentMembers(segment.id, page, pageSize);
  const me = useMe();
  const canWrite = me.data?.role === 'admin' || me.data?.role === 'operator';
  const [bulkOpen, setBulkOpen] = useState(false);
  const [jobs, setJobs] = useState<{ jobId: number } | null>(null);
  const columns: ColumnsType<SampleCustomer> = [
    {
      title: t('customers.name'),
      key: 'name',
      render: (_, c) => (
        <Link to={customerPath(c.externalUserid)} data-testid="segment-member-link">
          <Person name={c.name} avatar={c.avatar} />
        </Link>
      ),
    },
    { title: t('segments.gender'), dataIndex: 'gender', width: 100, render: (g: number) => labels.gender(g) },
    { title: t('customers.firstAddedAt'), dataIndex: 'firstAddedAt', width: 180, render: (v: string | null) => formatDateTime(v) },
  ];
  return (
    <Card
      size="small"
      title={t('segments.members', { name: segment.name })}
      extra={
        <Space>
          {canWrite ? (
            <Button size="small" icon={<TagsOutlined />} onClick={() => setBulkOpen(true)} data-testid="segment-bulk-tag">
              {t('segments.bulkTag')}
            </Button>
          ) : null}
          <Button size="small" icon={<DownloadOutlined />} href={exportUrl(segment.id)}>
            {t('segments.exportCsv')}
          </Button>
        </Space>
      }
    >
      {bulkOpen ? (
        <BulkTagModal
          filter={{ segmentId: Number(segment.id) }}
          onClose={() => setBulkOpen(false)}
          onCreated={(jobId) => {
            setBulkOpen(false);
            setJobs({ jobId });
          }}
        />
      ) : null}
      {jobs ? <BulkJobsDrawer initialJobId={jobs.jobId} onClose={() => setJobs(null)} /> : null}
      {members.error ? <QueryError error={members.error} onRetry={() => void members.refetch()} /> : null}
      <Table<SampleCustomer>
        rowKey="externalUserid"
        size="small"
        columns={columns}
        dataSource={members.data?.items}
        loading={members.isFetching}
        onRow={() => ({ 'data-testid': 'segment-member-row' }) as React.HTMLAttributes<HTMLElement>}
        pagination={{
          current: page,
          pageSize,
          total: members.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
          onChange: (p, s) => {
            setPage(s !== pageSize ? 1 : p);
            setPageSize(s);
          },
        }}
      />
    </Card>
  );
}

function ConditionEditor({ condition: c, onChange }: { condition: Condition; onChange: (c: Condition) => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  switch (c.type) {
    case 'tags':
      return (
        <>
          <Select
            value={c.mode}
            onChange={(mode) => onChange({ ...c, mode })}
            options={(['any', 'all', 'none'] as const).map((m) => ({ value: m, label: t(`segments.tagModes.${m}`) }))}
            style={{ width: 120 }}
          />
          <TagTreeSelect value={c.tagIds} onChange={(tagIds) => onChange({ ...c, tagIds })} placeholder={t('segments.pickTags')} style={{ minWidth: 260 }} />
        </>
      );
    case 'gender':
      return (
        <Checkbox.Group<number>
          value={c.values}
          onChange={(values) => onChange({ ...c, values: [...values].sort() })}
          options={[0, 1, 2].map((g) => ({ value: g, label: labels.gender(g) }))}
        />
      );
    case 'staff':
      return (
        <div style={{ minWidth: 260 }}>
          <StaffMultiSelect value={c.userids} onChange={(userids) => onChange({ ...c, userids })} style={{ width: 280 }} />
        </div>
      );
    case 'store':
      return (
        <div style={{ minWidth: 260 }}>
          <StoresSelect value={c.storeIds} onChange={(storeIds) => onChange({ ...c, storeIds })} placeholder={t('segments.pickStores')} />
        </div>
      );
    case 'channel':
      return (
        <Select<string[]>
          mode="tags"
          value={c.channels}
          onChange={(channels) => onChange({ ...c, channels: channels ?? [] })}
          placeholder={t('segments.channelPlaceholder')}
          style={{ minWidth: 260 }}
          open={false}
          tokenSeparators={[',', '，', ' ']}
        />
      );
    case 'added':
      return (
        <DatePicker.RangePicker
          allowEmpty={[true, true]}
          value={[c.from ? dayjs(c.from) : null, c.to ? dayjs(c.to) : null]}
          onChange={(range) => {
            const next: Condition = { type: 'added' };
            if (range?.[0]) next.from = range[0].format('YYYY-MM-DD');
            if (range?.[1]) next.to = range[1].format('YYYY-MM-DD');
            onChange(next);
          }}
        />
      );
    case 'event':
      return (
        <>
          <Select
            value={c.eventType}
            onChange={(eventType) => onChange({ ...c, eventType })}
            options={EVENT_TYPES.map((e) => ({ value: e, label: labels.eventType(e) }))}
            style={{ width: 170 }}
          />
          <Typography.Text>{t('segments.withinDays')}</Typography.Text>
          <InputNumber min={1} max={3650} precision={0} value={c.days} onChange={(days) => onChange({ ...c, days })} style={{ width: 90 }} />
          <Typography.Text>{t('segments.days')}</Typography.Text>
          <Select
            value={c.op}
            onChange={(op) => onChange({ ...c, op })}
            options={[
              { value: 'atLeast', label: t('segments.atLeast') },
              { value: 'atMost', label: t('segments.atMost') },
            ]}
            style={{ width: 90 }}
          />
          <InputNumber min={0} max={100000} precision={0} value={c.count} onChange={(count) => onChange({ ...c, count })} style={{ width: 90 }} />
          <Typography.Text>{t('segments.times')}</Typography.Text>
        </>
      );
  }
}
