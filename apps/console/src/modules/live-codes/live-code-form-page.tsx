// Create or edit a live code. The sections follow the kind: a staff code has its pool, strategy,
// lock, hours and welcome; a group code its ordered groups and cap; a store code only explains what
// it routes to. Kind and mode are fixed once the code exists (its printed QR depends on them).
import { ArrowLeftOutlined, PlusOutlined, ShopOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Col,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { detailFallback } from '../../components/detail-fallback';
import { PageHeader } from '../../components/page-header';
import { showFieldError } from '../../lib/form-errors';
import { useStores, type Store } from '../staff/hooks';
import { StaffMultiSelect, StoreSelect } from '../staff/pickers';
import { hasCoordinates } from '../stores/hooks';
import { TagTreeSelect } from '../tags/tag-pickers';
import { useWelcomeTemplates, type WelcomeTemplate } from '../welcome/hooks';
import { TemplateDrawer } from '../welcome/template-drawer';
import {
  LIVE_CODE_KINDS,
  listPath,
  POOL_MAX,
  STRATEGIES,
  useCreateLiveCode,
  useLiveCode,
  useAcquisitionSettings,
  useLiveCodes,
  useUpdateLiveCode,
  type CodeMode,
  type LiveCode,
  type LiveCodeInput,
  type LiveCodeKind,
  type PoolInput,
  type Strategy,
  type WorkSchedule,
} from './hooks';
import { GroupPoolEditor, StaffPoolEditor } from './pool-editors';
import { ScheduleEditor, scheduleProblem } from './schedule-editor';
import { useTextRules } from '../../lib/form-rules';

/** Channels the seeds name; any other text is fine too. */
const CHANNEL_SUGGESTIONS = ['门店', '快递卡片', '公众号', '视频号', '小红书', '抖音', '电商订单卡', '线下活动', '朋友圈广告'];

interface CodeForm {
  kind: LiveCodeKind;
  name: string;
  channel: string;
  storeId: number | null;
  description: string;
  mode: CodeMode;
  strategy: Strategy;
  lockEnabled: boolean;
  skipVerify: boolean;
  pool: PoolInput[];
  backupUserids: string[];
  schedule: WorkSchedule | null;
  tagIds: string[];
  remarkTemplate: string;
  welcomeId: number | null;
  groupChatIds: string[];
  groupCap: number;
  groupAutoCreate: boolean;
  groupBaseName: string;
  groupWelcomeTemplateId: string;
}

function initialValues(code: LiveCode | undefined, kind: LiveCodeKind): CodeForm {
  return {
    kind: code?.kind ?? kind,
    name: code?.name ?? '',
    channel: code?.channel ?? '',
    storeId: code?.storeId ?? null,
    description: code?.description ?? '',
    mode: code?.mode ?? 'pond',
    strategy: code?.strategy ?? 'round_robin',
    lockEnabled: code?.lockEnabled ?? true,
    skipVerify: code?.skipVerify ?? true,
    pool: code
      ? code.pool.filter((p) => !p.backup).map((p) => ({ userid: p.userid, weight: p.weight, dailyCap: p.dailyCap, totalCap: p.totalCap }))
      : [{ userid: undefined as unknown as string, weight: 1, dailyCap: null, totalCap: null }],
    backupUserids: code?.backupUserids ?? [],
    schedule: code?.schedule ?? null,
    tagIds: code?.tagIds ?? [],
    remarkTemplate: code?.remarkTemplate ?? '',
    welcomeId: code?.welcomeId ?? null,
    groupChatIds: code ? code.groups.filter((g) => g.status !== 'removed').sort((a, b) => a.position - b.position).map((g) => g.chatId) : [],
    groupCap: code?.groupCap ?? 200,
    groupAutoCreate: code?.groupAutoCreate ?? true,
    groupBaseName: code?.groupBaseName ?? '',
    groupWelcomeTemplateId: code?.groupWelcomeTemplateId ?? '',
  };
}

function toInput(v: CodeForm, editing: boolean): LiveCodeInput {
  const text = (s: string | undefined) => (s?.trim() ? s.trim() : null);
  const native = v.kind === 'staff' && v.mode === 'native';
  // An acquisition link: WeCom routes within its range, so no weights, caps, hours or lock (backup staff stay).
  const link = v.kind === 'staff' && v.mode === 'link';
  const pool = (v.pool ?? [])
    .filter((p) => p?.userid)
    .map((p) => ({
      userid: p.userid,
      weight: native || link ? 1 : p.weight ?? 1,
      dailyCap: native || link ? null : p.dailyCap ?? null,
      totalCap: native || link ? null : p.totalCap ?? null,
    }));
  return {
    kind: v.kind,
    name: v.name.trim(),
    channel: v.channel?.trim() ?? '',
    storeId: v.kind === 'store' ? null : v.storeId ?? null,
    mode: v.kind === 'staff' ? v.mode : 'pond',
    strategy: v.strategy,
    lockEnabled: native || link ? false : v.lockEnabled,
    skipVerify: v.skipVerify,
    tagIds: v.tagIds ?? [],
    remarkTemplate: text(v.remarkTemplate),
    description: text(v.description),
    welcomeId: v.welcomeId ?? null,
    schedule: native || link ? null : v.schedule ?? null,
    backupUserids: native ? [] : v.backupUserids ?? [],
    // An empty pool on create means "the store's staff"; on edit it would empty the code, so leave it out.
    ...(v.kind === 'staff' && (pool.length > 0 || !editing) ? { pool } : {}),
    groupCap: v.groupCap ?? 200,
    groupAutoCreate: v.groupAutoCreate,
    groupBaseName: text(v.groupBaseName),
    ...(v.kind === 'group' ? { groupChatIds: v.groupChatIds ?? [] } : {}),
    groupWelcomeTemplateId: text(v.groupWelcomeTemplateId),
  };
}

export default function LiveCodeFormPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const { t } = useTranslation(['liveCodes', 'common']);
  const navigate = useNavigate();
  const codeId = id === undefined ? undefined : Number(id);
  const code = useLiveCode(codeId);
  const kindParam = params.get('kind') as LiveCodeKind | null;
  const kind: LiveCodeKind = kindParam && LIVE_CODE_KINDS.includes(kindParam) ? kindParam : 'staff';
  const back = (
    <Button
      type="text"
      icon={<ArrowLeftOutlined />}
      aria-label={t('common:back')}
      onClick={() => navigate(codeId !== undefined ? `/live-codes/${codeId}` : listPath(kind))}
    />
  );

  if (codeId !== undefined) {
    const fallback = detailFallback(code, { title: t('edit'), back, notFound: t('notFound'), rows: 10 });
    if (fallback || !code.data) return fallback;
  }
  return <CodeFormBody key={code.data?.id ?? 'new'} code={code.data} kind={kind} back={back} />;
}

function CodeFormBody({ code, kind, back }: { code: LiveCode | undefined; kind: LiveCodeKind; back: React.ReactNode }) {
  const { t } = useTranslation(['liveCodes', 'common']);
  const textRules = useTextRules();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<CodeForm>();
  const create = useCreateLiveCode();
  const update = useUpdateLiveCode();
  const editing = !!code;
  const archived = code?.status === 'archived';

  const currentKind = (Form.useWatch('kind', form) as LiveCodeKind | undefined) ?? code?.kind ?? kind;
  const mode = (Form.useWatch('mode', form) as CodeMode | undefined) ?? code?.mode ?? 'pond';
  const strategy = (Form.useWatch('strategy', form) as Strategy | undefined) ?? code?.strategy ?? 'round_robin';
  const groupAutoCreate = (Form.useWatch('groupAutoCreate', form) as boolean | undefined) ?? code?.groupAutoCreate ?? true;
  const groupCap = (Form.useWatch('groupCap', form) as number | undefined) ?? 200;
  const storeId = Form.useWatch('storeId', form) as number | null | undefined;
  const native = currentKind === 'staff' && mode === 'native';
  const link = currentKind === 'staff' && mode === 'link';

  const knownNames = useMemo(() => new Map((code?.pool ?? []).map((p) => [p.userid, p.name])), [code]);

  const submit = async () => {
    let values: CodeForm;
    try {
      values = await form.validateFields();
    } catch (err) {
      const first = (err as { errorFields?: { name: (string | number)[] }[] }).errorFields?.[0];
      if (first) form.scrollToField(first.name, { block: 'center' });
      return;
    }
    const input = toInput({ ...(form.getFieldsValue(true) as CodeForm), ...values }, editing);
    try {
      if (code) {
        const { kind: _kind, mode: _mode, ...patch } = input;
        await update.mutateAsync({ id: code.id, input: patch });
        void message.success(t('common:saved'));
        void navigate(`/live-codes/${code.id}`);
      } else {
        const created = await create.mutateAsync(input);
        void message.success(t('createdDone'));
        void navigate(`/live-codes/${created.id}`, { replace: true });
      }
    } catch (error) {
      showFieldError(form, error);
    }
  };

  return (
    <>
      <PageHeader
        back={back}
        title={code ? t('editTitle', { name: code.name }) : t(`create.${currentKind}`)}
        subtitle={t(`kindHelp.${currentKind}`)}
      />
      {archived ? <Alert type="warning" showIcon title={t('archivedNote')} style={{ marginBottom: 16 }} /> : null}
      <Form<CodeForm>
        form={form}
        layout="vertical"
        disabled={archived}
        initialValues={initialValues(code, kind)}
        style={{ maxWidth: 1080 }}
        data-testid="live-code-form"
      >
        <Card title={t('form.basics')} style={{ marginBottom: 16 }}>
          {!editing ? (
            <Form.Item name="kind" label={t('form.kind')}>
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                options={LIVE_CODE_KINDS.map((k) => ({ value: k, label: t(`kindName.${k}`) }))}
              />
            </Form.Item>
          ) : null}
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item
                name="name"
                label={t('name')}
                rules={textRules(t('name'), 60)}
              >
                <Input maxLength={60} placeholder={t('form.namePlaceholder')} data-testid="live-code-name" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="channel" label={t('channel')} extra={t('form.channelHelp')} rules={[{ max: 30, message: t('common:maxChars', { n: 30 }) }]}>
                <AutoComplete
                  options={CHANNEL_SUGGESTIONS.map((c) => ({ value: c }))}
                  showSearch={{ filterOption: (input, option) => String(option?.value ?? '').includes(input) }}
                  placeholder={t('form.channelPlaceholder')}
                  maxLength={30}
                  data-testid="live-code-channel"
                />
              </Form.Item>
            </Col>
            {currentKind !== 'store' ? (
              <Col xs={24} md={12}>
                <Form.Item
                  name="storeId"
                  label={t('store')}
                  extra={currentKind === 'staff' ? t('form.storeHelpStaff') : t('form.storeHelpGroup')}
                  getValueProps={(v: number | null | undefined) => ({ value: v === null || v === undefined ? undefined : String(v) })}
                  normalize={(v: string | undefined) => (v ? Number(v) : null)}
                >
                  <StoreSelect placeholder={t('form.noStore')} />
                </Form.Item>
              </Col>
            ) : null}
            <Col xs={24} md={currentKind === 'store' ? 24 : 12}>
              <Form.Item name="description" label={t('form.description')} extra={t('form.descriptionHelp')} rules={[{ max: 500, message: t('common:maxChars', { n: 500 }) }]}>
                <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={500} />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        {currentKind === 'staff' ? (
          <StaffSections code={code} editing={editing} native={native} link={link} strategy={strategy} storeId={storeId ?? null} knownNames={knownNames} />
        ) : null}
        {currentKind === 'group' ? <GroupSections code={code} autoCreate={groupAutoCreate} cap={groupCap} /> : null}
        {currentKind === 'store' ? <StoreSection /> : null}

        <Card className="pond-form-footer">
          <Flex gap={8} justify="flex-end">
            <Button onClick={() => navigate(code ? `/live-codes/${code.id}` : listPath(currentKind))} disabled={false}>
              {t('common:cancel')}
            </Button>
            <Button type="primary" onClick={() => void submit()} loading={create.isPending || update.isPending} data-testid="live-code-save">
              {editing ? t('common:save') : t('form.submitCreate')}
            </Button>
          </Flex>
        </Card>
      </Form>
    </>
  );
}

interface StaffSectionsProps {
  code: LiveCode | undefined;
  editing: boolean;
  native: boolean;
  /** Link mode: an acquisition link whose range is the pool. */
  link: boolean;
  strategy: Strategy;
  storeId: number | null;
  knownNames: ReadonlyMap<string, string>;
}

function StaffSections({ code, editing, native, link, strategy, storeId, knownNames }: StaffSectionsProps) {
  const { t } = useTranslation(['liveCodes', 'common']);
  const form = Form.useFormInstance<CodeForm>();
  const settings = useAcquisitionSettings(link);
  // A pool listed here holds at most POOL_MAX staff whatever the range limit (above it, the limit is for store pools).
  const maxRange = Math.min(settings.data?.maxRangeUsers ?? 100, POOL_MAX);
  return (
    <>
      <Card title={t('form.routing')} style={{ marginBottom: 16 }}>
        <Form.Item name="mode" label={t('mode')} extra={editing ? t('form.modeFixed') : undefined}>
          <Radio.Group disabled={editing}>
            <Flex vertical gap={8}>
              <Radio value="pond">
                <Typography.Text strong>{t('modes.pond')}</Typography.Text>
                <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                  {t('form.modePondHelp')}
                </Typography.Text>
              </Radio>
              <Radio value="native">
                <Typography.Text strong>{t('modes.native')}</Typography.Text>
                <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                  {t('form.modeNativeHelp')}
                </Typography.Text>
              </Radio>
              <Radio value="link" data-testid="mode-link">
                <Typography.Text strong>{t('modes.link')}</Typography.Text>
                <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                  {t('form.modeLinkHelp')}
                </Typography.Text>
              </Radio>
            </Flex>
          </Radio.Group>
        </Form.Item>
        {native ? (
          <Alert
            type="warning"
            showIcon
            title={t('form.nativeTitle')}
            description={t('form.nativeAlert')}
            style={{ marginBottom: 16 }}
            data-testid="native-mode-alert"
          />
        ) : null}
        {link ? (
          <Alert type="info" showIcon title={t('form.linkTitle')} description={t('form.linkAlert')} style={{ marginBottom: 16 }} data-testid="link-mode-alert" />
        ) : null}
        <Form.Item
          label={t('form.pool')}
          required
          extra={storeId && !editing ? t('form.poolStoreHelp') : link ? t('form.poolHelpLink', { max: maxRange }) : native ? t('form.poolHelpNative') : t('form.poolHelp')}
        >
          <StaffPoolEditor
            form={form}
            strategy={strategy}
            native={native || link}
            knownNames={knownNames}
            rules={[
              {
                validator: (_, rows: (PoolInput | undefined)[] | undefined) => {
                  const n = (rows ?? []).filter((r) => r?.userid).length;
                  if (link && n > maxRange) return Promise.reject(new Error(t('form.poolHelpLink', { max: maxRange })));
                  if (n > 0 || (storeId && !editing)) return Promise.resolve();
                  return Promise.reject(new Error(t('form.poolRequired')));
                },
              },
            ]}
          />
        </Form.Item>
        {!native && !link ? (
          <>
            <Form.Item name="strategy" label={t('strategy')}>
              <Radio.Group>
                <Flex vertical gap={8}>
                  {STRATEGIES.map((s) => (
                    <Radio key={s} value={s} data-testid={`strategy-${s}`}>
                      <Typography.Text strong>{t(`strategies.${s}`)}</Typography.Text>
                      <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                        {t(`strategyHelp.${s}`)}
                      </Typography.Text>
                    </Radio>
                  ))}
                </Flex>
              </Radio.Group>
            </Form.Item>
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Form.Item name="lockEnabled" label={t('form.lock')} valuePropName="checked" extra={t('form.lockHelp')}>
                  <Switch data-testid="lock-switch" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name="skipVerify" label={t('form.skipVerify')} valuePropName="checked" extra={t('form.skipVerifyHelp')}>
                  <Switch />
                </Form.Item>
              </Col>
            </Row>
          </>
        ) : (
          <Form.Item name="skipVerify" label={t('form.skipVerify')} valuePropName="checked" extra={t('form.skipVerifyHelp')}>
            <Switch />
          </Form.Item>
        )}
      </Card>

      {link ? (
        <Card title={t('form.backup')} style={{ marginBottom: 16 }}>
          <Form.Item name="backupUserids" extra={t('form.backupHelpLink')}>
            <StaffMultiSelect followOnly knownNames={knownNames} placeholder={t('form.backupPlaceholder')} />
          </Form.Item>
        </Card>
      ) : null}
      {!native && !link ? (
        <Card title={t('form.hours')} style={{ marginBottom: 16 }}>
          <Form.Item
            name="schedule"
            extra={t('form.hoursHelp')}
            rules={[
              {
                validator: (_, s: WorkSchedule | null | undefined) => {
                  const problem = scheduleProblem(s, t);
                  return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
                },
              },
            ]}
          >
            <ScheduleEditor />
          </Form.Item>
          <Form.Item name="backupUserids" label={t('form.backup')} extra={t('form.backupHelp')}>
            <StaffMultiSelect followOnly knownNames={knownNames} placeholder={t('form.backupPlaceholder')} />
          </Form.Item>
        </Card>
      ) : null}

      <Card title={t('form.afterAdd')} style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="tagIds" label={t('form.tags')} extra={t('form.tagsHelp')}>
              <TagTreeSelect placeholder={t('form.tagsPlaceholder')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="remarkTemplate" label={t('form.remark')} extra={t('form.remarkHelp')} rules={[{ max: 60, message: t('common:maxChars', { n: 60 }) }]}>
              <Input maxLength={60} placeholder="{nickname}-{channel}" />
            </Form.Item>
          </Col>
        </Row>
        <WelcomeField code={code} />
      </Card>
    </>
  );
}

function WelcomeField({ code }: { code: LiveCode | undefined }) {
  const { t } = useTranslation('liveCodes');
  const form = Form.useFormInstance<CodeForm>();
  const templates = useWelcomeTemplates({ scope: 'code', status: 'active' });
  const [creating, setCreating] = useState(false);
  const options = (templates.data?.items ?? []).map((tpl) => ({ value: tpl.id, label: tpl.name }));
  if (code?.welcomeId && !options.some((o) => o.value === code.welcomeId)) options.unshift({ value: code.welcomeId, label: `#${code.welcomeId}` });

  return (
    <>
      <Form.Item label={t('form.welcome')} extra={t('form.welcomeHelp')}>
        <Flex gap={8} wrap>
          <Form.Item name="welcomeId" noStyle>
            <Select<number>
              allowClear
              options={options}
              loading={templates.isLoading}
              placeholder={t('form.welcomeFallback')}
              style={{ flex: 1, minWidth: 240, maxWidth: 420 }}
              data-testid="welcome-select"
            />
          </Form.Item>
          <Button icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('form.welcomeCreate')}
          </Button>
          <Link to="/welcome" target="_blank">
            <Button type="link">{t('form.welcomeManage')}</Button>
          </Link>
        </Flex>
      </Form.Item>
      {creating ? (
        <TemplateDrawer
          template={null}
          scope="code"
          lockScope
          onClose={() => setCreating(false)}
          onSaved={(tpl: WelcomeTemplate) => form.setFieldValue('welcomeId', tpl.id)}
        />
      ) : null}
    </>
  );
}

function GroupSections({ code, autoCreate, cap }: { code: LiveCode | undefined; autoCreate: boolean; cap: number }) {
  const { t } = useTranslation(['liveCodes', 'common']);
  return (
    <Card title={t('form.groupPool')} style={{ marginBottom: 16 }}>
      <Alert type="info" showIcon title={t('form.groupHelp')} style={{ marginBottom: 16 }} />
      <Form.Item
        name="groupChatIds"
        label={t('form.groups')}
        extra={t('form.groupsHelp')}
        dependencies={['groupAutoCreate']}
        rules={[
          ({ getFieldValue }) => ({
            validator: (_, ids: string[] | undefined) =>
              (ids?.length ?? 0) > 0 || getFieldValue('groupAutoCreate') ? Promise.resolve() : Promise.reject(new Error(t('form.groupsRequired'))),
          }),
        ]}
      >
        <GroupPoolEditor known={code?.groups ?? []} cap={cap} />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item
            name="groupCap"
            label={t('groupCap')}
            extra={t('form.groupCapHelp')}
            rules={[{ required: true, type: 'number', min: 1, max: 200, message: t('form.groupCapRange') }]}
          >
            <InputNumber min={1} max={200} precision={0} style={{ width: 140 }} data-testid="group-cap" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="groupAutoCreate" label={t('groupAutoCreate')} valuePropName="checked" extra={t('form.autoCreateHelp')}>
            <Switch />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          {autoCreate ? (
            <Form.Item name="groupBaseName" label={t('form.baseName')} extra={t('form.baseNameHelp')} rules={[{ max: 40, message: t('common:maxChars', { n: 40 }) }]}>
              <Input maxLength={40} />
            </Form.Item>
          ) : null}
        </Col>
      </Row>
      <Form.Item name="groupWelcomeTemplateId" label={t('form.groupWelcome')} extra={t('form.groupWelcomeHelp')}>
        <Input style={{ maxWidth: 420 }} placeholder="template_id" />
      </Form.Item>
    </Card>
  );
}

function StoreSection() {
  const { t } = useTranslation(['liveCodes', 'stores', 'common']);
  const stores = useStores();
  // Active staff and group codes bound to a store: the targets the routing page offers.
  const staffCodes = useLiveCodes({ kind: 'staff', status: 'active', page: 1, pageSize: 200 });
  const groupCodes = useLiveCodes({ kind: 'group', status: 'active', page: 1, pageSize: 200 });
  const targets = useMemo(() => {
    const map = new Map<string, { staff: number; group: number }>();
    for (const c of staffCodes.data?.items ?? []) if (c.storeId !== null) {
      const e = map.get(String(c.storeId)) ?? { staff: 0, group: 0 };
      e.staff += 1;
      map.set(String(c.storeId), e);
    }
    for (const c of groupCodes.data?.items ?? []) if (c.storeId !== null) {
      const e = map.get(String(c.storeId)) ?? { staff: 0, group: 0 };
      e.group += 1;
      map.set(String(c.storeId), e);
    }
    return map;
  }, [staffCodes.data, groupCodes.data]);
  const items = stores.data?.items ?? [];
  const ready = items.filter((s) => hasCoordinates(s) && targets.has(String(s.id))).length;

  return (
    <Card
      title={t('form.storeRouting')}
      style={{ marginBottom: 16 }}
      extra={
        <Link to="/stores" target="_blank">
          <Button icon={<ShopOutlined />}>{t('form.manageStores')}</Button>
        </Link>
      }
    >
      <Alert type="info" showIcon title={t('form.storeRoutingTitle')} description={t('form.storeRoutingHelp')} style={{ marginBottom: 16 }} />
      <Typography.Paragraph>
        {t('form.storesReady', { ready, total: items.length })}
      </Typography.Paragraph>
      <Table<Store>
        size="small"
        rowKey="id"
        dataSource={items}
        loading={stores.isLoading}
        pagination={false}
        columns={[
          { title: t('stores:name'), dataIndex: 'name' },
          { title: t('stores:city'), dataIndex: 'city', render: (v: string | null) => v || t('common:none') },
          {
            title: t('stores:coordinates'),
            key: 'coordinates',
            render: (_, s) => (hasCoordinates(s) ? <Tag color="green">{t('form.hasCoordinates')}</Tag> : <Tag color="warning">{t('stores:noCoordinates')}</Tag>),
          },
          {
            title: t('form.storeTargets'),
            key: 'targets',
            render: (_, s) => {
              const e = targets.get(String(s.id));
              return e ? t('form.targetCounts', { staff: e.staff, group: e.group }) : <Tag color="warning">{t('form.noTargets')}</Tag>;
            },
          },
        ]}
      />
    </Card>
  );
}
