import { DeleteOutlined, HistoryOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/form-modal';
import { ListPage, ListTable } from '../../components/list-page';
import { formatDateTime, formatYuan } from '../../lib/format';
import { useMe } from '../auth/hooks';
import {
  useAllLiveCodes,
  useAutoTagRules,
  useBackfillRule,
  useCreateRule,
  useDeleteRule,
  useGroupOptions,
  useToggleRule,
  type AutoTagRule,
  type BehaviourEvent,
  type RuleKind,
  type RuleParams,
} from './auto-rules-hooks';
import { BulkJobDetailDrawer } from './bulk-tags';
import { TagList, TagTreeSelect } from './tag-pickers';
import { useTextRules } from '../../lib/form-rules';

const KINDS: RuleKind[] = ['code', 'channel', 'group', 'behaviour', 'order'];
const EVENTS: BehaviourEvent[] = ['customer.added', 'group.joined', 'scan'];
const eventKey = (e: BehaviourEvent) => (e === 'customer.added' ? 'customerAdded' : e === 'group.joined' ? 'groupJoined' : 'scan');

export default function AutoRulesPage() {
  const { t } = useTranslation(['tags', 'common']);
  const { message } = App.useApp();
  const me = useMe();
  const canWrite = me.data?.role === 'admin' || me.data?.role === 'operator';
  const rules = useAutoTagRules();
  const toggle = useToggleRule();
  const remove = useDeleteRule();
  const backfill = useBackfillRule();
  const codes = useAllLiveCodes();
  const groups = useGroupOptions();
  const [creating, setCreating] = useState(false);
  const [jobId, setJobId] = useState<number | null>(null);

  const codeName = (id: unknown) => codes.data?.find((c) => c.id === id)?.name ?? String(id);
  const groupName = (id: unknown) => groups.data?.items.find((g) => g.chatId === id)?.name ?? String(id);

  const describe = (r: AutoTagRule) => {
    const p = r.params;
    if (r.kind === 'code') return ((p.codeIds as unknown[]) ?? []).map((id) => <Tag key={String(id)}>{codeName(id)}</Tag>);
    if (r.kind === 'channel') return ((p.channels as string[]) ?? []).map((c) => <Tag key={c}>{c}</Tag>);
    if (r.kind === 'group') {
      const ids = (p.chatIds as string[]) ?? [];
      return ids.length === 0 ? t('autoRules.anyGroup') : ids.map((id) => <Tag key={id}>{groupName(id)}</Tag>);
    }
    if (r.kind === 'order') {
      const period = typeof p.withinDays === 'number' ? t('autoRules.orderWithin', { days: p.withinDays }) : t('autoRules.orderAllTime');
      return t('autoRules.orderSummary', { period, count: p.minCount, total: formatYuan(Number(p.minTotal ?? 0)) });
    }
    const ev = EVENTS.includes(p.eventType as BehaviourEvent) ? t(`autoRules.events.${eventKey(p.eventType as BehaviourEvent)}`) : String(p.eventType);
    return t('autoRules.behaviourSummary', { event: ev, min: p.min, days: p.days });
  };

  const columns: ColumnsType<AutoTagRule> = [
    { title: t('autoRules.name'), dataIndex: 'name' },
    { title: t('autoRules.kind'), dataIndex: 'kind', render: (k: RuleKind) => <Tag color="purple">{t(`autoRules.kinds.${k}`)}</Tag> },
    { title: t('autoRules.condition'), key: 'cond', render: (_, r) => describe(r) },
    { title: t('autoRules.tags'), dataIndex: 'tagIds', render: (ids: string[]) => <TagList ids={ids} max={4} /> },
    {
      title: t('autoRules.enabled'),
      dataIndex: 'enabled',
      render: (v: boolean, r) => (
        <Switch
          checked={v}
          disabled={!canWrite}
          loading={toggle.isPending && toggle.variables?.id === r.id}
          onChange={(enabled) => toggle.mutate({ id: r.id, enabled })}
          data-testid="rule-toggle"
        />
      ),
    },
    { title: t('autoRules.createdAt'), dataIndex: 'createdAt', render: formatDateTime },
    {
      title: t('common:actions'),
      key: 'actions',
      render: (_, r) =>
        canWrite ? (
          <Space size={4}>
            <Popconfirm
              title={t('autoRules.backfillConfirm')}
              onConfirm={() =>
                backfill
                  .mutateAsync(r.id)
                  .then((job) => {
                    void message.success(t('autoRules.backfillStarted', { total: job.total }));
                    setJobId(job.id);
                  })
                  .catch(() => undefined)
              }
            >
              <Button size="small" icon={<HistoryOutlined />} loading={backfill.isPending && backfill.variables === r.id} data-testid="rule-backfill">
                {t('autoRules.backfill')}
              </Button>
            </Popconfirm>
            <Popconfirm
              title={t('autoRules.deleteConfirm', { name: r.name })}
              okButtonProps={{ danger: true }}
              onConfirm={() => remove.mutateAsync(r.id).then(() => void message.success(t('common:deleted'))).catch(() => undefined)}
            >
              <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common:delete')} />
            </Popconfirm>
          </Space>
        ) : null,
    },
  ];

  return (
    <>
      <ListPage
        title={t('autoRules.title')}
        subtitle={t('autoRules.subtitle')}
        actions={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="rule-create">
              {t('autoRules.create')}
            </Button>
          ) : null
        }
      >
        <ListTable<AutoTagRule> rowKey="id" columns={columns} query={rules} empty={t('autoRules.empty')} scroll={{ x: 960 }} />
      </ListPage>
      {creating ? <RuleModal onClose={() => setCreating(false)} /> : null}
      {jobId !== null ? <BulkJobDetailDrawer id={jobId} onClose={() => setJobId(null)} /> : null}
    </>
  );
}

interface RuleForm {
  name: string;
  kind: RuleKind;
  params: {
    codeIds?: number[];
    channels?: string[];
    chatIds?: string[];
    eventType?: BehaviourEvent;
    min?: number;
    days?: number;
    minCount?: number;
    minTotal?: number;
    withinDays?: number | null;
  };
  tagIds: string[];
  enabled: boolean;
}

function RuleModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation(['tags', 'common']);
  const textRules = useTextRules();
  const [form] = Form.useForm<RuleForm>();
  const kind = Form.useWatch('kind', form) ?? 'code';
  const create = useCreateRule();
  const codes = useAllLiveCodes();
  const groups = useGroupOptions();

  const save = async (v: RuleForm) => {
    const p = v.params ?? {};
    const params: RuleParams =
      v.kind === 'code'
        ? { codeIds: p.codeIds ?? [] }
        : v.kind === 'channel'
          ? { channels: (p.channels ?? []).map((c) => c.trim()).filter(Boolean) }
          : v.kind === 'group'
            ? { chatIds: p.chatIds ?? [] }
            : v.kind === 'order'
              ? { minCount: p.minCount ?? 1, minTotal: p.minTotal ?? 0, ...(p.withinDays ? { withinDays: p.withinDays } : {}) }
              : { eventType: p.eventType ?? 'customer.added', min: p.min ?? 1, days: p.days ?? 30 };
    await create.mutateAsync({ name: v.name.trim(), kind: v.kind, params, tagIds: v.tagIds, enabled: v.enabled });
  };

  return (
    <FormModal<RuleForm>
      title={t('autoRules.create')}
      width={600}
      okButtonProps={{ 'data-testid': 'rule-submit' }}
      form={form}
      initialValues={{
        kind: 'code',
        name: '',
        tagIds: [],
        enabled: true,
        params: { eventType: 'customer.added', min: 1, days: 30, channels: [], chatIds: [], codeIds: [], minCount: 1, minTotal: 0, withinDays: null },
      }}
      onSubmit={save}
      success={t('common:created')}
      onClose={onClose}
    >
      <Form.Item name="name" label={t('autoRules.name')} rules={textRules(t('autoRules.name'), 60)}>
        <Input maxLength={60} />
      </Form.Item>
      <Form.Item name="kind" label={t('autoRules.kind')}>
        <Select options={KINDS.map((k) => ({ value: k, label: t(`autoRules.kinds.${k}`) }))} />
      </Form.Item>
      {kind === 'code' ? (
        <Form.Item name={['params', 'codeIds']} label={t('autoRules.codes')} rules={[{ required: true, type: 'array', min: 1, message: t('autoRules.codesRequired') }]}>
          <Select<number[]>
            mode="multiple"
            showSearch={{ optionFilterProp: 'label' }}
            loading={codes.isLoading}
            options={(codes.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
        </Form.Item>
      ) : null}
      {kind === 'channel' ? (
        <Form.Item
          name={['params', 'channels']}
          label={t('autoRules.channels')}
          extra={t('autoRules.channelsHelp')}
          rules={[{ required: true, type: 'array', min: 1, message: t('autoRules.channelsRequired') }]}
        >
          <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，', ' ']} />
        </Form.Item>
      ) : null}
      {kind === 'group' ? (
        <Form.Item name={['params', 'chatIds']} label={t('autoRules.groups')} extra={t('autoRules.groupsHelp')}>
          <Select<string[]>
            mode="multiple"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            loading={groups.isLoading}
            options={(groups.data?.items ?? []).map((g) => ({ value: g.chatId, label: g.name || g.chatId }))}
            placeholder={t('autoRules.anyGroup')}
          />
        </Form.Item>
      ) : null}
      {kind === 'behaviour' ? (
        <Space align="start" wrap>
          <Form.Item name={['params', 'eventType']} label={t('autoRules.eventType')}>
            <Select style={{ width: 180 }} options={EVENTS.map((e) => ({ value: e, label: t(`autoRules.events.${eventKey(e)}`) }))} />
          </Form.Item>
          <Form.Item name={['params', 'min']} label={t('autoRules.min')} rules={[{ required: true, message: t('common:required', { field: t('autoRules.min') }) }]}>
            <InputNumber min={1} max={1000} precision={0} />
          </Form.Item>
          <Form.Item name={['params', 'days']} label={t('autoRules.days')} rules={[{ required: true, message: t('common:required', { field: t('autoRules.days') }) }]}>
            <InputNumber min={1} max={365} precision={0} />
          </Form.Item>
        </Space>
      ) : null}
      {kind === 'order' ? (
        <>
          <Space align="start" wrap>
            <Form.Item name={['params', 'minCount']} label={t('autoRules.minCount')} rules={[{ required: true, message: t('common:required', { field: t('autoRules.minCount') }) }]}>
              <InputNumber min={1} max={100000} precision={0} data-testid="rule-min-count" />
            </Form.Item>
            <Form.Item name={['params', 'minTotal']} label={t('autoRules.minTotal')} rules={[{ required: true, message: t('common:required', { field: t('autoRules.minTotal') }) }]}>
              <InputNumber min={0} max={9_999_999_999.99} precision={2} data-testid="rule-min-total" />
            </Form.Item>
            <Form.Item name={['params', 'withinDays']} label={t('autoRules.withinDays')}>
              <InputNumber min={1} max={3650} precision={0} />
            </Form.Item>
          </Space>
          <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
            {t('autoRules.withinDaysHelp')}
          </Typography.Paragraph>
        </>
      ) : null}
      <Form.Item name="tagIds" label={t('autoRules.tags')} rules={[{ required: true, type: 'array', min: 1, message: t('bulk.tagsRequired') }]}>
        <TagTreeSelect />
      </Form.Item>
      <Form.Item name="enabled" label={t('autoRules.enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormModal>
  );
}
