import { QuestionCircleOutlined, TagsOutlined } from '@ant-design/icons';
import { Button, Checkbox, InputNumber, Select, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { BulkJobsDrawer, BulkTagModal } from '../tags/bulk-tags';
import { useMe } from '../auth/hooks';
import { Person } from '../../components/person';
import { formatDateTime } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { TagTreeSelect } from '../tags/tag-pickers';
import { DateRangeField, MatchModeSelect, OpSelect, RfmBucketsField, StaffField, StoresField } from './condition-fields';
import { SegmentWorkspace, type SegmentHooks } from './segment-workspace';
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
  type Preview,
  type RuleGroup,
  type SampleCustomer,
  type Segment,
  withMetric,
  type OrdersMetric,
} from './hooks';

const emptyRule = (): RuleGroup => ({ op: 'and', conditions: [] });
const customerPath = (id: string) => `/customers/${encodeURIComponent(id)}`;
const hooks: SegmentHooks<Condition, Segment, SampleCustomer, Preview> = {
  useList: useSegments,
  usePreview,
  useSave: useSaveSegment,
  useDelete: useDeleteSegment,
  useMembers: useSegmentMembers,
};

export default function SegmentsPage() {
  const { t } = useTranslation(['segments', 'customers']);
  const labels = useLabels();
  const me = useMe();
  const canWrite = me.data?.role === 'admin' || me.data?.role === 'operator';
  const columns: ColumnsType<SampleCustomer> = [
    {
      title: t('customers:name'),
      key: 'name',
      render: (_, c) => (
        <Link to={customerPath(c.externalUserid)} data-testid="segment-member-link">
          <Person name={c.name} avatar={c.avatar} />
        </Link>
      ),
    },
    { title: t('gender'), dataIndex: 'gender', width: 100, render: (g: number) => labels.gender(g) },
    { title: t('customers:firstAddedAt'), dataIndex: 'firstAddedAt', width: 180, render: (v: string | null) => formatDateTime(v) },
  ];
  return (
    <SegmentWorkspace<Condition, Segment, SampleCustomer, Preview>
      hooks={hooks}
      ns="segments"
      unitKey="segments:people"
      membersTitleKey="segments:members"
      exportUrl={exportUrl}
      exportTestId="segment-export"
      nameMax={64}
      newRule={emptyRule}
      ruleComplete={ruleComplete}
      conditionTypes={CONDITION_TYPES}
      typeLabel={(type) => t(`types.${type}`)}
      newCondition={newCondition}
      renderCondition={(c, onChange) => <ConditionEditor condition={c} onChange={onChange} />}
      adoptSaved={(saved, { name, rule }) =>
        saved && typeof saved === 'object' && 'id' in saved ? { ...saved, rule: saved.rule ?? rule, name: saved.name ?? name } : null
      }
      itemKey={(c) => c.externalUserid}
      itemPath={(c) => customerPath(c.externalUserid)}
      renderSampleItem={(c) => <Person name={c.name} avatar={c.avatar} sub={`${labels.gender(c.gender)} · ${formatDateTime(c.firstAddedAt)}`} />}
      sampleGap={12}
      memberColumns={columns}
      memberActions={(segment) => (canWrite ? <BulkTagAction segment={segment} /> : null)}
    />
  );
}

/** Tags every member of the segment (admin/operator), then follows the job in the jobs drawer. */
function BulkTagAction({ segment }: { segment: Segment }) {
  const { t } = useTranslation('segments');
  const [bulkOpen, setBulkOpen] = useState(false);
  const [jobs, setJobs] = useState<{ jobId: number } | null>(null);
  return (
    <>
      <Button size="small" icon={<TagsOutlined />} onClick={() => setBulkOpen(true)} data-testid="segment-bulk-tag">
        {t('bulkTag')}
      </Button>
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
    </>
  );
}

function ConditionEditor({ condition: c, onChange }: { condition: Condition; onChange: (c: Condition) => void }) {
  const { t } = useTranslation('segments');
  const labels = useLabels();
  switch (c.type) {
    case 'tags':
      return (
        <>
          <MatchModeSelect value={c.mode} onChange={(mode) => onChange({ ...c, mode })} />
          <TagTreeSelect value={c.tagIds} onChange={(tagIds) => onChange({ ...c, tagIds })} placeholder={t('pickTags')} style={{ minWidth: 260 }} />
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
      return <StaffField value={c.userids} onChange={(userids) => onChange({ ...c, userids })} />;
    case 'store':
      return <StoresField value={c.storeIds} onChange={(storeIds) => onChange({ ...c, storeIds })} />;
    case 'channel':
      return (
        <Select<string[]>
          mode="tags"
          value={c.channels}
          onChange={(channels) => onChange({ ...c, channels: channels ?? [] })}
          placeholder={t('channelPlaceholder')}
          style={{ minWidth: 260 }}
          open={false}
          tokenSeparators={[',', '，', ' ']}
        />
      );
    case 'added':
      return <DateRangeField from={c.from} to={c.to} onChange={(range) => onChange({ type: 'added', ...range })} />;
    case 'event':
      return (
        <>
          <Select
            value={c.eventType}
            onChange={(eventType) => onChange({ ...c, eventType })}
            options={EVENT_TYPES.map((e) => ({ value: e, label: labels.eventType(e) }))}
            style={{ width: 170 }}
          />
          <Typography.Text>{t('withinDays')}</Typography.Text>
          <InputNumber min={1} max={3650} precision={0} value={c.days} onChange={(days) => onChange({ ...c, days })} style={{ width: 90 }} />
          <Typography.Text>{t('days')}</Typography.Text>
          <OpSelect value={c.op} onChange={(op) => onChange({ ...c, op })} />
          <InputNumber min={0} max={100000} precision={0} value={c.count} onChange={(count) => onChange({ ...c, count })} style={{ width: 90 }} />
          <Typography.Text>{t('times')}</Typography.Text>
        </>
      );
    case 'orders':
      return (
        <>
          <Select<OrdersMetric>
            value={c.metric}
            onChange={(metric) => onChange(withMetric(c, metric))}
            options={(['recency', 'frequency', 'monetary'] as const).map((m) => ({ value: m, label: t(`orders.metrics.${m}`) }))}
            style={{ width: 120 }}
            data-testid="segment-orders-metric"
          />
          {c.metric === 'recency' ? (
            <>
              <Select
                value={c.op}
                onChange={(op) => onChange({ ...c, op })}
                options={(['within', 'notWithin'] as const).map((op) => ({ value: op, label: t(`orders.${op}`) }))}
                style={{ width: 160 }}
              />
              <InputNumber min={1} max={3650} precision={0} value={c.value} onChange={(value) => onChange({ ...c, value })} style={{ width: 90 }} />
              <Typography.Text>{t('days')}</Typography.Text>
            </>
          ) : (
            <>
              <OpSelect value={c.op} onChange={(op) => onChange({ ...c, op })} />
              <InputNumber
                min={0}
                max={c.metric === 'frequency' ? 100000 : 9_999_999_999.99}
                precision={c.metric === 'frequency' ? 0 : 2}
                value={c.value}
                onChange={(value) => onChange({ ...c, value })}
                style={{ width: 120 }}
                data-testid="segment-orders-value"
              />
              <Typography.Text>{t(c.metric === 'frequency' ? 'orders.ordersUnit' : 'orders.yuanUnit')}</Typography.Text>
            </>
          )}
          <Tooltip title={t('orders.hint')}>
            <QuestionCircleOutlined style={{ color: 'rgba(0,0,0,0.45)', cursor: 'help' }} aria-label={t('orders.hint')} />
          </Tooltip>
        </>
      );
    case 'rfm':
      return <RfmBucketsField value={c.buckets} onChange={(buckets) => onChange({ ...c, buckets })} />;
  }
}
