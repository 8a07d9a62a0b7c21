import { Badge, Card, Checkbox, InputNumber, Select, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { useGroupTiers } from '../groups/hooks';
import { DateRangeField, MatchModeSelect, OpSelect, StaffField, StoresField } from '../segments/condition-fields';
import { SegmentWorkspace, type SegmentHooks } from '../segments/segment-workspace';
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
  type GroupPreview,
  type GroupRule,
  type GroupSegment,
  type SegmentGroup,
} from './hooks';

const startRule = (): GroupRule => ({ op: 'and', conditions: [newGroupCondition('status')] });
const groupPath = (chatId: string) => `/groups/${encodeURIComponent(chatId)}`;
const hooks: SegmentHooks<GroupCondition, GroupSegment, SegmentGroup, GroupPreview> = {
  useList: useGroupSegments,
  usePreview: useGroupPreview,
  useSave: useSaveGroupSegment,
  useDelete: useDeleteGroupSegment,
  useMembers: useGroupSegmentGroups,
};

export default function GroupSegmentsPage() {
  const { t } = useTranslation(['groupSegments', 'groups', 'common']);
  const labels = useLabels();
  const navigate = useNavigate();
  const columns: ColumnsType<SegmentGroup> = [
    {
      title: t('groups:name'),
      key: 'name',
      render: (_, g) => (
        <Link to={groupPath(g.chatId)} onClick={(e) => e.stopPropagation()} data-testid="segment-member-link">
          {g.name || t('groups:unnamed')}
        </Link>
      ),
    },
    { title: t('groups:tier'), dataIndex: 'tier', render: (v: string | null) => (v ? <Tag color="gold">{v}</Tag> : t('common:none')) },
    { title: t('groups:labels'), dataIndex: 'labels', render: (v: string[]) => (v?.length ? v.map((l) => <Tag key={l}>{l}</Tag>) : t('common:none')) },
    { title: t('groups:owner'), key: 'owner', render: (_, g) => g.ownerName || g.ownerUserid || t('common:none') },
    { title: t('groups:memberCount'), dataIndex: 'memberCount', align: 'right', render: (v: number) => formatNumber(v) },
    { title: t('groups:createdAt'), dataIndex: 'createdAt', render: (v: string | null) => formatDateTime(v) },
    { title: t('groups:status'), dataIndex: 'status', render: (s: SegmentGroup['status']) => <Badge status={s === 'active' ? 'success' : 'default'} text={labels.groupStatus(s)} /> },
  ];
  return (
    <SegmentWorkspace<GroupCondition, GroupSegment, SegmentGroup, GroupPreview>
      hooks={hooks}
      ns="groupSegments"
      unitKey="groupSegments:unit"
      membersTitleKey="groupSegments:groupsOf"
      exportUrl={groupSegmentExportUrl}
      nameMax={60}
      newRule={startRule}
      ruleComplete={groupRuleComplete}
      conditionTypes={GROUP_CONDITION_TYPES}
      typeLabel={(type) => t(`types.${type}`)}
      newCondition={newGroupCondition}
      renderCondition={(c, onChange) => <GroupConditionEditor condition={c} onChange={onChange} />}
      countExtra={(preview) => (
        <Typography.Text type="secondary" style={{ marginLeft: 'auto', fontSize: 12 }} data-testid="group-stats-through">
          {preview.statsThrough ? t('statsThrough', { day: preview.statsThrough }) : t('noStats')}
        </Typography.Text>
      )}
      itemKey={(g) => g.chatId}
      itemPath={(g) => groupPath(g.chatId)}
      renderSampleItem={(g) => (
        <Card size="small" hoverable style={{ width: 200 }} styles={{ body: { padding: '8px 12px' } }}>
          <Typography.Text strong ellipsis style={{ display: 'block' }}>
            {g.name || t('groups:unnamed')}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {g.ownerName || g.ownerUserid || '—'} · {t('members', { n: formatNumber(g.memberCount) })}
          </Typography.Text>
          {g.tier ? (
            <Tag color="gold" style={{ marginLeft: 6 }}>
              {g.tier}
            </Tag>
          ) : null}
        </Card>
      )}
      sampleGap={8}
      memberColumns={columns}
      onMemberClick={(g) => navigate(groupPath(g.chatId))}
    />
  );
}

function GroupConditionEditor({ condition: c, onChange }: { condition: GroupCondition; onChange: (c: GroupCondition) => void }) {
  const { t } = useTranslation(['groupSegments', 'segments']);
  const labels = useLabels();
  const tiers = useGroupTiers();
  const days = (value: number | null, set: (d: number | null) => void, max: number) => (
    <>
      <Typography.Text>{t('segments:withinDays')}</Typography.Text>
      <InputNumber min={1} max={max} precision={0} value={value} onChange={set} style={{ width: 80 }} />
      <Typography.Text>{t('segments:days')}</Typography.Text>
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
          placeholder={t('pickTiers')}
          style={{ minWidth: 260 }}
          data-testid="group-segment-tiers"
        />
      );
    case 'labels':
      return (
        <>
          <MatchModeSelect value={c.mode} onChange={(mode) => onChange({ ...c, mode })} />
          <Select<string[]>
            mode="tags"
            value={c.labels}
            onChange={(l) => onChange({ ...c, labels: l })}
            options={(tiers.data?.labels ?? []).map((x) => ({ value: x.label, label: `${x.label} (${x.groups})` }))}
            labelRender={(p) => p.value}
            placeholder={t('pickLabels')}
            style={{ minWidth: 260 }}
          />
        </>
      );
    case 'owner':
      return <StaffField value={c.userids} onChange={(userids) => onChange({ ...c, userids })} />;
    case 'store':
      return <StoresField value={c.storeIds} onChange={(storeIds) => onChange({ ...c, storeIds })} />;
    case 'memberCount':
      return (
        <>
          <Select
            value={c.of}
            onChange={(of) => onChange({ ...c, of })}
            options={(['all', 'customers'] as const).map((o) => ({ value: o, label: t(`of.${o}`) }))}
            style={{ width: 110 }}
          />
          <InputNumber
            min={0}
            precision={0}
            value={c.min ?? null}
            placeholder={t('min')}
            onChange={(v) => onChange({ ...c, min: v ?? undefined })}
            style={{ width: 90 }}
            data-testid="group-segment-min"
          />
          <Typography.Text>–</Typography.Text>
          <InputNumber min={0} precision={0} value={c.max ?? null} placeholder={t('max')} onChange={(v) => onChange({ ...c, max: v ?? undefined })} style={{ width: 90 }} />
          <Typography.Text>{t('people')}</Typography.Text>
        </>
      );
    case 'growth':
      return (
        <>
          {days(c.days, (d) => onChange({ ...c, days: d }), 3650)}
          <Typography.Text>{t('netGrowth')}</Typography.Text>
          <OpSelect value={c.op} onChange={(op) => onChange({ ...c, op })} />
          <InputNumber min={-100000} max={100000} precision={0} value={c.count} onChange={(count) => onChange({ ...c, count })} style={{ width: 90 }} />
          <Typography.Text>{t('people')}</Typography.Text>
        </>
      );
    case 'activity':
      return (
        <>
          {days(c.days, (d) => onChange({ ...c, days: d }), 180)}
          <Select
            value={c.metric}
            onChange={(metric) => onChange({ ...c, metric })}
            options={(['messages', 'activeMembers'] as const).map((m) => ({ value: m, label: t(`metrics.${m}`) }))}
            style={{ width: 150 }}
          />
          <OpSelect value={c.op} onChange={(op) => onChange({ ...c, op })} />
          <InputNumber min={0} max={1000000} value={c.value} onChange={(value) => onChange({ ...c, value })} style={{ width: 90 }} />
          <Tooltip title={t('activityHelp')}>
            <Typography.Text type="secondary" style={{ cursor: 'help' }}>
              ⓘ
            </Typography.Text>
          </Tooltip>
        </>
      );
    case 'created':
      return <DateRangeField from={c.from} to={c.to} onChange={(range) => onChange({ type: 'created', ...range })} />;
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
