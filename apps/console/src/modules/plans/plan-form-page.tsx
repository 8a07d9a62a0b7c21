// Create or edit an activity plan, in the seeds' checklist order: purpose (the goal: a metric and a target), theme,
// reserve and budget, promotion channels, time nodes (days and milestones), expected output, and what it uses (the
// data review reads their results). The server checks every field again; its 400 lands under the field it names.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, DatePicker, Flex, Form, Input, InputNumber, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { PLAN_METRICS } from '@pond/contracts/plans';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { PageSpinner } from '../../components/results';
import { pickerNow } from '../../lib/format';
import { showFieldError } from '../../lib/form-errors';
import { StoreSelect } from '../staff/pickers';
import { useLinkOptions, usePlan, useSavePlan, type Plan, type PlanInput } from './hooks';

type Metric = (typeof PLAN_METRICS)[number];
interface Values {
  name: string; purpose?: string; theme?: string; goalMetric: Metric; goalTarget: number; reserve?: string; budgetYuan?: number | null;
  channels?: { name: string; note?: string }[]; period: [Dayjs, Dayjs]; milestones?: { date: Dayjs; label: string; done?: boolean }[];
  expected?: { metric: Metric; target: number }[]; expectedText?: string; storeId?: string; notes?: string;
  campaignIds?: number[]; liveCodeIds?: number[]; broadcastIds?: number[]; playbookIds?: number[];
}

function toBody(v: Values): PlanInput {
  return {
    name: v.name, purpose: v.purpose ?? '', theme: v.theme ?? '', goal: { metric: v.goalMetric, target: v.goalTarget }, reserve: v.reserve ?? '',
    budgetFen: v.budgetYuan === null || v.budgetYuan === undefined ? null : Math.round(v.budgetYuan * 100),
    channels: (v.channels ?? []).map((c) => ({ name: c.name, note: c.note ?? '' })),
    startsOn: v.period[0].format('YYYY-MM-DD'), endsOn: v.period[1].format('YYYY-MM-DD'),
    milestones: (v.milestones ?? []).map((m) => ({ date: m.date.format('YYYY-MM-DD'), label: m.label, done: !!m.done })),
    expected: (v.expected ?? []).map((e) => ({ metric: e.metric, target: e.target })), expectedText: v.expectedText ?? '',
    storeId: v.storeId ? Number(v.storeId) : null, notes: v.notes ?? '',
    links: { campaignIds: v.campaignIds ?? [], liveCodeIds: v.liveCodeIds ?? [], broadcastIds: v.broadcastIds ?? [], playbookIds: v.playbookIds ?? [] },
  };
}

function toValues(p: Plan): Values {
  return {
    name: p.name, purpose: p.purpose, theme: p.theme, goalMetric: p.goal.metric, goalTarget: p.goal.target, reserve: p.reserve,
    budgetYuan: p.budgetFen === null ? null : p.budgetFen / 100, channels: p.channels, period: [dayjs(p.startsOn), dayjs(p.endsOn)],
    milestones: p.milestones.map((m) => ({ ...m, date: dayjs(m.date) })), expected: p.expected, expectedText: p.expectedText,
    storeId: p.storeId ? String(p.storeId) : undefined, notes: p.notes, ...p.links,
  };
}

/** Server field paths → the form's fields (the goal and the days are split differently here). */
const FIELD_MAP: Record<string, string> = { 'goal.metric': 'goalMetric', 'goal.target': 'goalTarget', startsOn: 'period', endsOn: 'period', budgetFen: 'budgetYuan',
  'links.campaignIds': 'campaignIds', 'links.liveCodeIds': 'liveCodeIds', 'links.broadcastIds': 'broadcastIds', 'links.playbookIds': 'playbookIds' };

export default function PlanFormPage() {
  const { t } = useTranslation('plans');
  const { message } = App.useApp();
  const navigate = useNavigate();
  const params = useParams();
  const id = params.id ? Number(params.id) : null;
  const [form] = Form.useForm<Values>();
  const existing = usePlan(id);
  const save = useSavePlan();
  const opts = useLinkOptions();

  useEffect(() => { if (existing.data) form.setFieldsValue(toValues(existing.data)); }, [existing.data, form]);
  if (id !== null && existing.isLoading) return <PageSpinner />;
  if (id !== null && existing.error) return <QueryError query={existing} />;

  const metricOptions = PLAN_METRICS.map((m) => ({ value: m, label: t(`metrics.${m}`) }));
  const submit = async (v: Values) => {
    try {
      const saved = await save.mutateAsync({ id, body: toBody(v) });
      message.success(t('saved'));
      void navigate(`/plans/${saved.id}`);
    } catch (e) {
      const err = e as { field?: string };
      const field = err.field ? Object.entries(FIELD_MAP).find(([k]) => err.field === k || err.field!.startsWith(`${k}.`))?.[1] : undefined;
      if (field) form.setFields([{ name: field as keyof Values, errors: [(e as Error).message] }]);
      else if (!showFieldError(form, e)) message.error((e as Error).message);
    }
  };

  const links = (name: keyof Values, label: string, q: { data?: { items: { id: number; name: string; kind?: string }[] } }, testid: string) => (
    <Form.Item name={name} label={label}>
      <Select mode="multiple" allowClear showSearch={{ optionFilterProp: 'label' }} data-testid={testid}
        options={(q.data?.items ?? []).map((x) => ({ value: x.id, label: x.kind ? `${x.name} · ${t(`kinds.${x.kind as 'lottery'}`, { defaultValue: x.kind })}` : x.name }))}
        optionRender={(o) => <span>{o.label}</span>} />
    </Form.Item>
  );

  return (
    <>
      <PageHeader title={id === null ? t('newPlan') : t('editPlan')} subtitle={t('plansSubtitle')} />
      <Form<Values> form={form} layout="vertical" onFinish={submit} style={{ maxWidth: 900 }} data-testid="plan-form"
        initialValues={{ goalMetric: 'participants', period: [dayjs(), dayjs().add(14, 'day')] }}>
        <Card size="small" title={t('sections.purpose')} style={{ marginBottom: 16 }}>
          <Form.Item name="name" label={t('fields.name')} rules={[{ required: true }, { max: 60 }]}><Input data-testid="plan-name" /></Form.Item>
          <Form.Item name="purpose" label={t('fields.purpose')}><Input.TextArea rows={2} maxLength={1000} /></Form.Item>
          <Flex gap={16} wrap>
            <Form.Item name="goalMetric" label={t('goalMetric')} rules={[{ required: true }]} style={{ minWidth: 220 }}><Select options={metricOptions} data-testid="plan-goal-metric" /></Form.Item>
            <Form.Item name="goalTarget" label={t('target')} rules={[{ required: true }]}><InputNumber min={0} style={{ width: 180 }} data-testid="plan-goal-target" /></Form.Item>
          </Flex>
        </Card>
        <Card size="small" title={t('sections.theme')} style={{ marginBottom: 16 }}>
          <Form.Item name="theme" label={t('fields.theme')}><Input maxLength={200} /></Form.Item>
        </Card>
        <Card size="small" title={t('sections.reserve')} style={{ marginBottom: 16 }}>
          <Form.Item name="reserve" label={t('fields.reserve')}><Input.TextArea rows={2} maxLength={1000} /></Form.Item>
          <Form.Item name="budgetYuan" label={t('fields.budget')}><InputNumber min={0} precision={2} style={{ width: 200 }} /></Form.Item>
        </Card>
        <Card size="small" title={t('sections.channels')} style={{ marginBottom: 16 }}>
          <Form.List name="channels">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline">
                    <Form.Item name={[f.name, 'name']} rules={[{ required: true }, { max: 30 }]}><Input placeholder={t('fields.channelName')} /></Form.Item>
                    <Form.Item name={[f.name, 'note']}><Input placeholder={t('fields.channelNote')} style={{ width: 320 }} /></Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', note: '' })}>{t('addChannel')}</Button>
              </>
            )}
          </Form.List>
        </Card>
        <Card size="small" title={t('sections.timeline')} style={{ marginBottom: 16 }}>
          <Form.Item name="period" label={t('period')} rules={[{ required: true }]}><DatePicker.RangePicker data-testid="plan-period" /></Form.Item>
          <Form.List name="milestones">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline">
                    <Form.Item name={[f.name, 'date']} rules={[{ required: true }]}><DatePicker /></Form.Item>
                    <Form.Item name={[f.name, 'label']} rules={[{ required: true }, { max: 100 }]}><Input placeholder={t('fields.milestoneLabel')} style={{ width: 280 }} /></Form.Item>
                    <Form.Item name={[f.name, 'done']} valuePropName="checked"><Checkbox>{t('fields.milestoneDone')}</Checkbox></Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ date: pickerNow(), label: '', done: false })}>{t('addMilestone')}</Button>
              </>
            )}
          </Form.List>
        </Card>
        <Card size="small" title={t('sections.expected')} style={{ marginBottom: 16 }}>
          <Form.List name="expected">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline">
                    <Form.Item name={[f.name, 'metric']} rules={[{ required: true }]}><Select options={metricOptions} style={{ width: 220 }} /></Form.Item>
                    <Form.Item name={[f.name, 'target']} rules={[{ required: true }]}><InputNumber min={0} style={{ width: 180 }} placeholder={t('target')} /></Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ metric: 'gmv', target: 0 })}>{t('addExpected')}</Button>
              </>
            )}
          </Form.List>
          <Form.Item name="expectedText" label={t('fields.expectedText')} style={{ marginTop: 12 }}><Input.TextArea rows={2} maxLength={1000} /></Form.Item>
        </Card>
        <Card size="small" title={t('sections.links')} style={{ marginBottom: 16 }}>
          <Form.Item name="storeId" label={t('fields.store')}><StoreSelect placeholder={t('store')} style={{ width: 240 }} /></Form.Item>
          {links('campaignIds', t('fields.campaigns'), opts.campaigns, 'plan-campaigns')}
          {links('liveCodeIds', t('fields.liveCodes'), opts.codes, 'plan-codes')}
          {links('broadcastIds', t('fields.broadcasts'), opts.broadcasts, 'plan-broadcasts')}
          {links('playbookIds', t('fields.playbooks'), opts.playbooks, 'plan-playbooks')}
          <Form.Item name="notes" label={t('fields.notes')}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
        </Card>
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="plan-save">{t('save')}</Button>
      </Form>
    </>
  );
}
