import { DeleteOutlined, DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Badge,
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
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useEffect, useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { showFieldError } from '../../lib/form-errors';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { useGroupTiers } from '../groups/hooks';
import { RuleEditor } from '../segments/rule-editor';
import { StaffMultiSelect, StoresSelect } from '../staff/pickers';
import {
  GROUP_CONDITION_TYPES,
  groupRuleComplete,
  groupSegmentExportUrl,
  newGroupCondition,
  useDeleteGroupSegment,
  useGroupPreview,
  useGroupSegmentGroups,
  useGroupSegments,
  useSaveGroupSegment,
  type GroupCondition,
  type GroupRule,
  type GroupSegment,
  type SegmentGroup,
} from './hooks';

const startRule = (): GroupRule => ({ op: 'and', conditions: [newGroupCondition('status')] });
const groupPath = (chatId: string) => `/groups/${encodeURIComponent(chatId)}`;

export default function GroupSegmentsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const segments = useGroupSegments();
  const save = useSaveGroupSegment();
  const remove = useDeleteGroupSegment();
  const [form] = Form.useForm<{ name: string }>();
  const [rule, setRule] = useState<GroupRule>(startRule);
  const [editing, setEditing] = useState<GroupSegment | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);

  const complete = groupRuleComplete(rule);
  const debounced = useDebouncedValue(complete ? rule : null, 400);
  const preview = useGroupPreview(complete ? debounced : null);

  const startNew = () => {
    setEditing(null);
    setRule(startRule());
    setSaveError(null);
    form.setFieldsValue({ name: '' });
  };
  const open = (s: GroupSegment) => {
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
          setEditing(saved);
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
        title={t('groupSegments.title')}
        subtitle={t('groupSegments.subtitle')}
        extra={
          <Button icon={<PlusOutlined />} onClick={startNew} data-testid="segment-new">
            {t('groupSegments.new')}
          </Button>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={7}>
          <Card title={t('groupSegments.saved')} size="small">
            {segments.error ? <QueryError error={segments.error} onRetry={() => void segments.refetch()} /> : null}
            <List<GroupSegment>
              loading={segments.isLoading}
              dataSource={segments.data ?? []}
              locale={{ emptyText: t('groupSegments.emptySaved') }}
              renderItem={(s) => (
                <List.Item
                  data-testid="segment-item"
                  style={{ background: editing?.id === s.id ? 'rgba(22,119,255,0.06)' : undefined, paddingInline: 8 }}
                  actions={[
                    <Button key="open" type="link" size="small" onClick={() => open(s)} data-testid="segment-open">
                      {t('segments.open')}
                    </Button>,
                    <Button key="csv" type="link" size="small" icon={<DownloadOutlined />} href={groupSegmentExportUrl(s.id)} aria-label={t('segments.exportCsv')} />,
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
              <RuleEditor<GroupCondition>
                group={rule}
                onChange={setRule}
                types={GROUP_CONDITION_TYPES}
                typeLabel={(type) => t(`groupSegments.types.${type}`)}
                newCondition={newGroupCondition}
                renderCondition={(c, onChange) => <GroupConditionEditor condition={c} onChange={onChange} />}
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
                  rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('segments.name') }) }, { max: 60 }]}
                >
                  <Input placeholder={t('groupSegments.namePlaceholder')} style={{ width: 240 }} data-testid="segment-name" maxLength={60} />
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
                  {t('groupSegments.matching')}
                </Typography.Text>
                <Typography.Text strong style={{ fontSize: 28, color: '#1677ff' }} data-testid="segment-count">
                  {complete && preview.data ? preview.data.count : '—'}
                </Typography.Text>
                <Typography.Text>{t('groupSegments.unit')}</Typography.Text>
                {complete && (preview.isFetching || debounced !== rule) ? <Spin size="small" /> : null}
                {preview.data ? (
                  <Typography.Text type="secondary" style={{ marginLeft: 'auto', fontSize: 12 }} data-testid="group-stats-through">
                    {preview.data.statsThrough ? t('groupSegments.statsThrough', { day: preview.data.statsThrough }) : t('groupSegments.noStats')}
                  </Typography.Text>
                ) : null}
              </Flex>
              {complete && preview.data ? <SampleList sample={preview.data.sample} /> : null}
            </Card>
            {editing ? <GroupsCard segment={editing} /> : null}
          </Flex>
        </Col>
      </Row>
    </>
  );
}

function SampleList({ sample }: { sample: SegmentGroup[] }) {
  const { t } = useTranslation();
  if (sample.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('groupSegments.noSample')} />;
  return (
    <>
      <Typography.Text type="secondary" style={{ display: 'block', margin: '12px 0 4px' }}>
        {t('groupSegments.sample')}
      </Typography.Text>
      <Flex wrap gap={8}>
        {sample.map((g) => (
          <Link key={g.chatId} to={groupPath(g.chatId)} data-testid="segment-sample-row">
            <Card size="small" hoverable style={{ width: 200 }} styles={{ body: { padding: '8px 12px' } }}>
              <Typography.Text strong ellipsis style={{ display: 'block' }}>
                {g.name || t('groups.unnamed')}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {g.ownerName || g.ownerUserid || '—'} · {t('groupSegments.members', { n: formatNumber(g.memberCount) })}
              </Typography.Text>
              {g.tier ? (
                <Tag color="gold" style={{ marginLeft: 6 }}>
                  {g.tier}
                </Tag>
              ) : null}
            </Card>
          </Link>
        ))}
      </Flex>
    </>
  );
}

function GroupsCard({ segment }: { segment: GroupSegment }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  useEffect(() => setPage(1), [segment.id]);
  const groups = useGroupSegmentGroups(segment.id, page, pageSize);
  const columns: ColumnsType<SegmentGroup> = [
    {
      title: t('groups.name'),
      key: 'name',
      render: (_, g) => (
        <Link to={groupPath(g.chatId)} onClick={(e) => e.stopPropagation()} data-testid="segment-member-link">
          {g.name || t('groups.unnamed')}
        </Link>
      ),
    },
    { title: t('groups.tier'), dataIndex: 'tier', render: (v: string | null) => (v ? <Tag color="gold">{v}</Tag> : t('common.none')) },
    { title: t('groups.labels'), dataIndex: 'labels', render: (v: string[]) => (v?.length ? v.map((l) => <Tag key={l}>{l}</Tag>) : t('common.none')) },
    { title: t('groups.owner'), key: 'owner', render: (_, g) => g.ownerName || g.ownerUserid || t('common.none') },
    { title: t('groups.memberCount'), dataIndex: 'memberCount', align: 'right', render: (v: number) => formatNumber(v) },
    { title: t('groups.createdAt'), dataIndex: 'createdAt', render: (v: string | null) => formatDateTime(v) },
    { title: t('groups.status'), dataIndex: 'status', render: (s: SegmentGroup['status']) => <Badge status={s === 'active' ? 'success' : 'default'} text={labels.groupStatus(s)} /> },
  ];
  return (
    <Card
      size="small"
      title={t('groupSegments.groupsOf', { name: segment.name })}
      extra={
        <Button size="small" icon={<DownloadOutlined />} href={groupSegmentExportUrl(segment.id)}>
          {t('segments.exportCsv')}
        </Button>
      }
    >
      {groups.error ? <QueryError error={groups.error} onRetry={() => void groups.refetch()} /> : null}
      <Table<SegmentGroup>
        rowKey="chatId"
        size="small"
        columns={columns}
        dataSource={groups.data?.items}
        loading={groups.isFetching}
        onRow={(g) => ({ onClick: () => navigate(groupPath(g.chatId)), style: { cursor: 'pointer' }, 'data-testid': 'segment-member-row' }) as HTMLAttributes<HTMLElement>}
        pagination={{
          current: page,
          pageSize,
          total: groups.data?.total ?? 0,
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

function OpSelect({ value, onChange }: { value: 'atLeast' | 'atMost'; onChange: (v: 'atLeast' | 'atMost') => void }) {
  const { t } = useTranslation();
  return (
    <Select
      value={value}
      onChange={onChange}
      options={[
        { value: 'atLeast', label: t('segments.atLeast') },
        { value: 'atMost', label: t('segments.atMost') },
      ]}
      style={{ width: 90 }}
    />
  );
}

function GroupConditionEditor({ condition: c, onChange }: { condition: GroupCondition; onChange: (c: GroupCondition) => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const tiers = useGroupTiers();
  const days = (value: number | null, set: (d: number | null) => void, max: number) => (
    <>
      <Typography.Text>{t('segments.withinDays')}</Typography.Text>
      <InputNumber min={1} max={max} precision={0} value={value} onChange={set} style={{ width: 80 }} />
      <Typography.Text>{t('segments.days')}</Typography.Text>
    </>
  );
  switch (c.type) {
    case 'tier':
      return (
        <Select<string[]>
          mode="tags"
          value={c.tiers}
          onChange={(tiers) => onChange({ ...c, tiers })}
          options={(tiers.data?.tiers ?? []).map((x) => ({ value: x.tier, label: `${x.tier} (${x.groups})` }))}
          labelRender={(p) => p.value}
          placeholder={t('groupSegments.pickTiers')}
          style={{ minWidth: 260 }}
          data-testid="group-segment-tiers"
        />
      );
    case 'labels':
      return (
        <>
          <Select
            value={c.mode}
            onChange={(mode) => onChange({ ...c, mode })}
            options={(['any', 'all', 'none'] as const).map((m) => ({ value: m, label: t(`segments.tagModes.${m}`) }))}
            style={{ width: 120 }}
          />
          <Select<string[]>
            mode="tags"
            value={c.labels}
            onChange={(l) => onChange({ ...c, labels: l })}
            options={(tiers.data?.labels ?? []).map((x) => ({ value: x.label, label: `${x.label} (${x.groups})` }))}
            labelRender={(p) => p.value}
            placeholder={t('groupSegments.pickLabels')}
            style={{ minWidth: 260 }}
          />
        </>
      );
    case 'owner':
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
    case 'memberCount':
      return (
        <>
          <Select
            value={c.of}
            onChange={(of) => onChange({ ...c, of })}
            options={(['all', 'customers'] as const).map((o) => ({ value: o, label: t(`groupSegments.of.${o}`) }))}
            style={{ width: 110 }}
          />
          <InputNumber
            min={0}
            precision={0}
            value={c.min ?? null}
            placeholder={t('groupSegments.min')}
            onChange={(v) => onChange({ ...c, min: v ?? undefined })}
            style={{ width: 90 }}
            data-testid="group-segment-min"
          />
          <Typography.Text>–</Typography.Text>
          <InputNumber min={0} precision={0} value={c.max ?? null} placeholder={t('groupSegments.max')} onChange={(v) => onChange({ ...c, max: v ?? undefined })} style={{ width: 90 }} />
          <Typography.Text>{t('groupSegments.people')}</Typography.Text>
        </>
      );
    case 'growth':
      return (
        <>
          {days(c.days, (d) => onChange({ ...c, days: d }), 3650)}
          <Typography.Text>{t('groupSegments.netGrowth')}</Typography.Text>
          <OpSelect value={c.op} onChange={(op) => onChange({ ...c, op })} />
          <InputNumber min={-100000} max={100000} precision={0} value={c.count} onChange={(count) => onChange({ ...c, count })} style={{ width: 90 }} />
          <Typography.Text>{t('groupSegments.people')}</Typography.Text>
        </>
      );
    case 'activity':
      return (
        <>
          {days(c.days, (d) => onChange({ ...c, days: d }), 180)}
          <Select
            value={c.metric}
            onChange={(metric) => onChange({ ...c, metric })}
            options={(['messages', 'activeMembers'] as const).map((m) => ({ value: m, label: t(`groupSegments.metrics.${m}`) }))}
            style={{ width: 150 }}
          />
          <OpSelect value={c.op} onChange={(op) => onChange({ ...c, op })} />
          <InputNumber min={0} max={1000000} value={c.value} onChange={(value) => onChange({ ...c, value })} style={{ width: 90 }} />
          <Tooltip title={t('groupSegments.activityHelp')}>
            <Typography.Text type="secondary" style={{ cursor: 'help' }}>
              ⓘ
            </Typography.Text>
          </Tooltip>
        </>
      );
    case 'created':
      return (
        <DatePicker.RangePicker
          allowEmpty={[true, true]}
          value={[c.from ? dayjs(c.from) : null, c.to ? dayjs(c.to) : null]}
          onChange={(range) => {
            const next: GroupCondition = { type: 'created' };
            if (range?.[0]) next.from = range[0].format('YYYY-MM-DD');
            if (range?.[1]) next.to = range[1].format('YYYY-MM-DD');
            onChange(next);
          }}
        />
      );
    case 'status':
      return (
        <Checkbox.Group<'active' | 'dismissed'>
          value={c.values}
          onChange={(values) => onChange({ ...c, values: [...values] })}
          options={(['active', 'dismissed'] as const).map((s) => ({ value: s, label: labels.groupStatus(s) }))}
        />
      );
  }
}
