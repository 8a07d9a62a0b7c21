// The playbook builder: kind, trigger (customer) or groups (group), exits, re-entry, quiet hours, and the steps on a
// timeline, each edited in a drawer; beside them the next sends as the server computes them in the corp's zone.
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, Col, Empty, Flex, Form, Input, InputNumber, List, Radio, Row, Select, Tag, Timeline, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { detailFallback } from '../../components/detail-fallback';
import { PageHeader } from '../../components/page-header';
import { formatDateTime } from '../../lib/format';
import { showFieldError } from '../../lib/form-errors';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { useGroupTiers } from '../groups/hooks';
import { useLiveCodes } from '../live-codes/hooks';
import { useSegments } from '../segments/hooks';
import { TagSelect } from '../tags/tag-pickers';
import {
  EXIT_TYPES, REENTRY_POLICIES, TRIGGER_TYPES, useCreatePlaybook, usePlaybook, usePlaybookAction, usePlaybooks, useSchedulePreview, useUpdatePlaybook,
  type Playbook, type PlaybookExit, type PlaybookInput, type PlaybookKind, type ReentryPolicy,
} from './hooks';
import { fullSchedule, StepDrawer, type StepDraft } from './step-drawer';

type ExitType = (typeof EXIT_TYPES)[number];
type TriggerType = (typeof TRIGGER_TYPES)[number];

interface BuilderForm {
  kind: PlaybookKind;
  name: string;
  description: string;
  triggerType: TriggerType;
  codeIds: number[];
  channels: string[];
  statePrefix: string;
  tagIds: string[];
  segmentId?: number;
  includeExisting: boolean;
  minAmount?: number | null;
  days: number;
  dateKey: string;
  daysBefore: number;
  exitTypes: ExitType[];
  exitTagIds: string[];
  exitChatIds: string[];
  exitPlaybookIds: number[];
  reentry: ReentryPolicy;
  quietAction: 'defer' | 'skip';
  tiers: string[];
  labels: string[];
  chatIds: string[];
}

/** A new playbook may open prefilled from a link (`?kind=group&chatIds=a,b&name=…`: group health's revival playbook). */
function prefilled(q: URLSearchParams): Partial<BuilderForm> {
  const kind = q.get('kind');
  const chatIds = (q.get('chatIds') ?? '').split(',').filter(Boolean).slice(0, 100);
  return {
    ...(kind === 'group' || kind === 'customer' ? { kind } : {}),
    ...(q.get('name') ? { name: q.get('name')!.slice(0, 100) } : {}),
    ...(chatIds.length ? { chatIds } : {}),
  };
}

function initial(pb: Playbook | undefined): BuilderForm {
  const tr = pb?.trigger;
  const exit = <T extends ExitType>(type: T) => pb?.exits.find((e): e is Extract<PlaybookExit, { type: T }> => e.type === type);
  return {
    kind: pb?.kind ?? 'customer', name: pb?.name ?? '', description: pb?.description ?? '', triggerType: tr?.type ?? 'added',
    codeIds: tr?.type === 'added' ? tr.codeIds ?? [] : [], channels: tr?.type === 'added' ? tr.channels ?? [] : [], statePrefix: tr?.type === 'added' ? tr.statePrefix ?? '' : '',
    tagIds: tr?.type === 'tagged' ? tr.tagIds : [], segmentId: tr?.type === 'segment' ? tr.segmentId : undefined, includeExisting: tr?.type === 'segment' ? !!tr.includeExisting : false,
    minAmount: tr?.type === 'order_paid' ? tr.minAmount ?? null : null, days: tr?.type === 'no_order' ? tr.days : 30,
    dateKey: tr?.type === 'date' ? tr.key : 'birthday', daysBefore: tr?.type === 'date' ? tr.daysBefore ?? 0 : 0,
    exitTypes: (pb?.exits ?? []).map((e) => e.type), exitTagIds: exit('tag_added')?.tagIds ?? [], exitChatIds: exit('group_joined')?.chatIds ?? [],
    exitPlaybookIds: exit('enrolled_elsewhere')?.playbookIds ?? [], reentry: pb?.reentry ?? 'after_end', quietAction: pb?.quietAction ?? 'defer',
    tiers: pb?.audience?.tiers ?? [], labels: pb?.audience?.labels ?? [], chatIds: pb?.audience?.chatIds ?? [],
  };
}

function toInput(v: BuilderForm, steps: StepDraft[]): PlaybookInput {
  const trigger = (): PlaybookInput['trigger'] => {
    switch (v.triggerType) {
      case 'added': return { type: 'added', codeIds: v.codeIds, channels: v.channels, statePrefix: v.statePrefix?.trim() || null };
      case 'tagged': return { type: 'tagged', tagIds: v.tagIds };
      case 'segment': return { type: 'segment', segmentId: v.segmentId!, includeExisting: v.includeExisting };
      case 'order_paid': return { type: 'order_paid', minAmount: v.minAmount ?? null };
      case 'no_order': return { type: 'no_order', days: v.days };
      case 'date': return { type: 'date', key: v.dateKey.trim(), daysBefore: v.daysBefore };
      default: return { type: 'manual' };
    }
  };
  const exits = v.exitTypes.map((type): PlaybookExit => {
    if (type === 'tag_added') return { type, tagIds: v.exitTagIds };
    if (type === 'group_joined') return { type, chatIds: v.exitChatIds };
    if (type === 'enrolled_elsewhere') return { type, playbookIds: v.exitPlaybookIds };
    return { type };
  });
  const base = { name: v.name.trim(), description: v.description ?? '', quietAction: v.quietAction, steps };
  return v.kind === 'customer'
    ? { kind: 'customer', ...base, trigger: trigger(), exits, reentry: v.reentry }
    : { kind: 'group', ...base, audience: { tiers: v.tiers, labels: v.labels, chatIds: v.chatIds } };
}

export function stepWhen(t: (k: string, o?: Record<string, unknown>) => string, s: StepDraft): string {
  if (s.schedule) {
    const sc = s.schedule;
    const which = sc.repeat === 'weekly' ? ` ${sc.weekdays.map((d) => t(`weekdays.${d}`)).join('、')}`
      : sc.repeat === 'monthly' ? ` ${sc.monthDays.join(', ')}` : sc.repeat === 'dates' ? ` ${sc.dates.join(', ')}` : '';
    return `${t(`repeats.${sc.repeat}`)}${which} ${sc.time}`;
  }
  return `${t('step.dayLabel', { day: s.day ?? 0 })} ${s.time ? t('step.atLabel', { time: s.time }) : t('step.offsetLabel', { minutes: s.offsetMinutes ?? 0 })}`;
}

const order = (s: StepDraft) => (s.schedule ? Number(s.schedule.time.replace(':', '')) : (s.day ?? 0) * 10_000 + (s.time ? Number(s.time.replace(':', '')) : Math.floor((s.offsetMinutes ?? 0) / 60) * 100 + ((s.offsetMinutes ?? 0) % 60)));

export default function PlaybookBuilderPage() {
  const { id } = useParams();
  const playbookId = id ? Number(id) : undefined;
  const { t } = useTranslation(['playbooks', 'common']);
  const existing = usePlaybook(playbookId);
  if (playbookId !== undefined && !existing.data) {
    return detailFallback(existing, { title: t('edit'), back: null, notFound: t('empty') });
  }
  return <Builder key={playbookId ?? 'new'} playbook={existing.data} />;
}

function Builder({ playbook }: { playbook: Playbook | undefined }) {
  const [search] = useSearchParams();
  const { t } = useTranslation(['playbooks', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<BuilderForm>();
  const create = useCreatePlaybook();
  const update = useUpdatePlaybook();
  const action = usePlaybookAction();
  const [steps, setSteps] = useState<StepDraft[]>(() => (playbook?.steps ?? []).map((s) => ({
    id: s.id, name: s.name, day: s.day ?? undefined, time: s.time, offsetMinutes: s.offsetMinutes ?? undefined, schedule: fullSchedule(s.schedule), delivery: s.delivery,
    content: { text: s.content.text, attachments: s.content.attachments },
  })));
  const [editing, setEditing] = useState<{ index: number | null } | null>(null);
  const kind = (Form.useWatch('kind', form) as PlaybookKind | undefined) ?? playbook?.kind ?? 'customer';
  const triggerType = (Form.useWatch('triggerType', form) as TriggerType | undefined) ?? playbook?.trigger?.type ?? 'added';
  const exitTypes = (Form.useWatch('exitTypes', form) as ExitType[] | undefined) ?? [];
  const codes = useLiveCodes({ kind: 'staff', page: 1, pageSize: 100 });
  const segments = useSegments();
  const tiers = useGroupTiers();
  const others = usePlaybooks({ kind: 'customer' });

  const timings = useDebouncedValue(JSON.stringify(steps.map((s) => ({ name: s.name, day: s.day, time: s.time, offsetMinutes: s.offsetMinutes, schedule: s.schedule }))), 300);
  const preview = useSchedulePreview(steps.length ? { kind, steps: JSON.parse(timings) as StepDraft[], limit: 10 } : null);
  const sorted = useMemo(() => steps.map((s, index) => ({ s, index })).sort((a, b) => order(a.s) - order(b.s)), [steps]);

  const save = async (activate: boolean) => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    if (!steps.length) { void message.error(t('form.noSteps')); return; }
    const input = toInput(values, steps);
    try {
      const saved = playbook
        ? await update.mutateAsync({ id: playbook.id, patch: { ...input, kind: undefined } as never })
        : await create.mutateAsync(input);
      if (activate && saved.status !== 'active') await action.mutateAsync({ id: saved.id, action: 'activate' });
      void message.success(playbook ? t('common:saved') : t('common:created'));
      void navigate(`/playbooks/${saved.id}`);
    } catch (error) {
      if (!showFieldError(form, error)) void message.error(error instanceof ApiError ? error.message : String(error));
    }
  };

  return (
    <>
      <PageHeader
        title={playbook ? t('edit') : t('create')}
        extra={
          <>
            <Button onClick={() => navigate(playbook ? `/playbooks/${playbook.id}` : '/playbooks')}>{t('common:cancel')}</Button>
            <Button onClick={() => void save(false)} loading={create.isPending || update.isPending} data-testid="playbook-save">{t('form.save')}</Button>
            {playbook?.status !== 'active' ? (
              <Button type="primary" onClick={() => void save(true)} loading={create.isPending || update.isPending || action.isPending} data-testid="playbook-save-activate">{t('form.saveAndActivate')}</Button>
            ) : null}
          </>
        }
      />
      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <Form<BuilderForm> form={form} layout="vertical" initialValues={playbook ? initial(playbook) : { ...initial(undefined), ...prefilled(search) }}>
            <Card title={t('form.basics')} style={{ marginBottom: 16 }}>
              <Form.Item name="kind" label={t('form.kind')}>
                <Radio.Group optionType="button" disabled={!!playbook} onChange={() => setSteps([])}
                  options={[{ value: 'customer', label: t('kinds.customer') }, { value: 'group', label: t('kinds.group') }]} />
              </Form.Item>
              <Form.Item name="name" label={t('form.name')} rules={[{ required: true, whitespace: true, max: 60 }]}>
                <Input maxLength={60} placeholder={t('form.namePlaceholder')} data-testid="playbook-name" />
              </Form.Item>
              <Form.Item name="description" label={t('form.description')} rules={[{ max: 500 }]}>
                <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={500} />
              </Form.Item>
            </Card>
            {kind === 'customer' ? (
              <Card title={t('form.trigger')} style={{ marginBottom: 16 }}>
                <Form.Item name="triggerType" label={t('form.triggerType')}>
                  <Select options={TRIGGER_TYPES.map((x) => ({ value: x, label: t(`triggers.${x}`) }))} data-testid="playbook-trigger" />
                </Form.Item>
                {triggerType === 'added' ? (
                  <>
                    <Form.Item name="codeIds" label={t('form.codes')}>
                      <Select mode="multiple" allowClear placeholder={t('form.codesPlaceholder')} loading={codes.isLoading} optionFilterProp="label"
                        options={(codes.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} data-testid="playbook-codes" />
                    </Form.Item>
                    <Form.Item name="channels" label={t('form.channels')}><Select mode="tags" placeholder={t('form.channelsPlaceholder')} /></Form.Item>
                    <Form.Item name="statePrefix" label={t('form.statePrefix')} rules={[{ max: 30 }]}><Input maxLength={30} /></Form.Item>
                  </>
                ) : null}
                {triggerType === 'tagged' ? (
                  <Form.Item name="tagIds" label={t('form.tags')} rules={[{ required: true, type: 'array', min: 1 }]}><TagSelect /></Form.Item>
                ) : null}
                {triggerType === 'segment' ? (
                  <>
                    <Form.Item name="segmentId" label={t('form.segment')} rules={[{ required: true }]}>
                      <Select loading={segments.isLoading} options={(segments.data ?? []).map((s) => ({ value: s.id, label: s.name }))} />
                    </Form.Item>
                    <Form.Item name="includeExisting" valuePropName="checked"><Checkbox>{t('form.includeExisting')}</Checkbox></Form.Item>
                  </>
                ) : null}
                {triggerType === 'order_paid' ? (
                  <Form.Item name="minAmount" label={t('form.minAmount')}><InputNumber min={0} precision={2} /></Form.Item>
                ) : null}
                {triggerType === 'no_order' ? (
                  <Form.Item name="days" label={t('form.days')} rules={[{ required: true }]}><InputNumber min={1} max={3650} precision={0} /></Form.Item>
                ) : null}
                {triggerType === 'date' ? (
                  <Flex gap={16}>
                    <Form.Item name="dateKey" label={t('form.dateKey')} extra={t('form.dateKeyHelp')} rules={[{ required: true, whitespace: true, max: 60 }]}><Input /></Form.Item>
                    <Form.Item name="daysBefore" label={t('form.daysBefore')}><InputNumber min={0} max={60} precision={0} /></Form.Item>
                  </Flex>
                ) : null}
                <Form.Item name="exitTypes" label={t('form.exits')}>
                  <Checkbox.Group options={EXIT_TYPES.map((x) => ({ value: x, label: t(`exits.${x}`) }))} />
                </Form.Item>
                {exitTypes.includes('tag_added') ? (
                  <Form.Item name="exitTagIds" label={t('form.exitTags')} rules={[{ required: true, type: 'array', min: 1 }]}><TagSelect /></Form.Item>
                ) : null}
                {exitTypes.includes('group_joined') ? (
                  <Form.Item name="exitChatIds" label={t('form.exitGroups')}><Select mode="tags" placeholder={t('form.chatIdsPlaceholder')} /></Form.Item>
                ) : null}
                {exitTypes.includes('enrolled_elsewhere') ? (
                  <Form.Item name="exitPlaybookIds">
                    <Select mode="multiple" allowClear options={(others.data?.items ?? []).filter((p) => p.id !== playbook?.id).map((p) => ({ value: p.id, label: p.name }))} />
                  </Form.Item>
                ) : null}
                <Form.Item name="reentry" label={t('form.reentry')}>
                  <Radio.Group options={REENTRY_POLICIES.map((x) => ({ value: x, label: t(`reentries.${x}`) }))} />
                </Form.Item>
                <Form.Item name="quietAction" label={t('form.quietAction')}>
                  <Radio.Group options={(['defer', 'skip'] as const).map((x) => ({ value: x, label: t(`quietActions.${x}`) }))} />
                </Form.Item>
              </Card>
            ) : (
              <Card title={t('form.audience')} style={{ marginBottom: 16 }}>
                <Form.Item name="tiers" label={t('form.tiers')}>
                  <Select mode="tags" loading={tiers.isLoading} options={(tiers.data?.tiers ?? []).map((x) => ({ value: x.tier, label: `${x.tier} (${x.groups})` }))} data-testid="playbook-tiers" />
                </Form.Item>
                <Form.Item name="labels" label={t('form.labels')}>
                  <Select mode="tags" placeholder={t('form.labelsPlaceholder')} options={(tiers.data?.labels ?? []).map((x) => ({ value: x.label, label: `${x.label} (${x.groups})` }))} />
                </Form.Item>
                <Form.Item name="chatIds" label={t('form.chatIds')}><Select mode="tags" placeholder={t('form.chatIdsPlaceholder')} /></Form.Item>
                <Form.Item name="quietAction" label={t('form.quietAction')}>
                  <Radio.Group options={(['defer', 'skip'] as const).map((x) => ({ value: x, label: t(`quietActions.${x}`) }))} />
                </Form.Item>
              </Card>
            )}
          </Form>
          <Card title={t('form.steps')} extra={<Button icon={<PlusOutlined />} onClick={() => setEditing({ index: null })} data-testid="step-add">{t('form.addStep')}</Button>}>
            {steps.length ? (
              <Timeline
                items={sorted.map(({ s, index }) => ({
                  key: index,
                  color: s.delivery === 'mass' ? 'purple' : 'blue',
                  content: (
                    <Flex justify="space-between" gap={8} align="start">
                      <div style={{ minWidth: 0 }}>
                        <Flex gap={8} wrap align="center">
                          <Typography.Text strong>{stepWhen(t as never, s)}</Typography.Text>
                          <Typography.Text>{s.name}</Typography.Text>
                          <Tag color={s.delivery === 'mass' ? 'purple' : 'blue'}>{t(`deliveries.${s.delivery}`)}</Tag>
                          {s.content.attachments.length ? <Tag>📎 {s.content.attachments.length}</Tag> : null}
                        </Flex>
                        <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: 0 }}>{s.content.text}</Typography.Paragraph>
                      </div>
                      <Flex gap={4}>
                        <Button size="small" icon={<EditOutlined />} onClick={() => setEditing({ index })} aria-label={t('common:edit')} />
                        <Button size="small" danger icon={<DeleteOutlined />} onClick={() => setSteps(steps.filter((_, i) => i !== index))} aria-label={t('common:delete')} />
                      </Flex>
                    </Flex>
                  ),
                }))}
              />
            ) : (
              <Empty description={t('form.noSteps')} />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card title={t('preview.title')} extra={<Typography.Text type="secondary">{kind === 'customer' ? t('preview.hint') : t('preview.groupHint')}</Typography.Text>}>
            <List
              size="small"
              loading={preview.isFetching}
              dataSource={steps.length ? preview.data?.items ?? [] : []}
              locale={{ emptyText: t('preview.none') }}
              renderItem={(item) => (
                <List.Item>
                  <Flex justify="space-between" style={{ width: '100%' }} gap={8}>
                    <Typography.Text>{formatDateTime(item.at)}</Typography.Text>
                    <Typography.Text type="secondary" ellipsis>{item.name}</Typography.Text>
                    {item.quiet ? <Tag color="orange">{t('preview.quiet')}</Tag> : null}
                  </Flex>
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
      {editing ? (
        <StepDrawer
          kind={kind}
          step={editing.index === null ? null : steps[editing.index] ?? null}
          onClose={() => setEditing(null)}
          onSave={(s) => {
            setSteps(editing.index === null ? [...steps, s] : steps.map((x, i) => (i === editing.index ? s : x)));
            setEditing(null);
          }}
        />
      ) : null}
    </>
  );
}
