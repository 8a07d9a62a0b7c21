// The wizard: pick a model (its template prefills the steps) → fill the model's steps → confirm; Pond creates the
// underlying campaigns and the path in one transaction. The campaign step is 新建 Create new (its config here) or
// 选择已有 Use existing (a campaign from the server's eligible list, linked as it is; the path's window is prefilled
// inside the campaign's). Validation is the server's: its 400 lands under the field it names (the form keeps the
// server's field names: invite.*, checkin.*, entry.*, landing.*, form.*, groupCodeId, startsAt, endsAt).
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, DatePicker, Flex, Form, Input, InputNumber, Radio, Row, Space, Steps, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { showFieldError } from '../../lib/form-errors';
import { pickerNow, pickerToIso } from '../../lib/format';
import { CodeSelect, EligibleSelect, windowFor } from './campaign-pickers';
import { useCreatePath, type CreateBody, type EligibleCampaign, type FissionModel } from './hooks';
import { LandingCard, SignupFormCard, formToBody, landingToBody, withFormNames, type LandingValues, type SignupFormValues } from './landing-form-fields';

type Source = 'new' | 'existing';

interface Values {
  name: string; startsAt: Dayjs; endsAt?: Dayjs | null; rules?: string; budgetTotalYuan?: number | null;
  /** The campaign step: made with the path, or an existing one linked (not sent: it picks the body's shape). */
  source: Source;
  invite?: { campaignId?: number; codeId?: number; holdDays: number; posterTitle?: string; posterText?: string; tiers: { friends: number; title: string; points: number }[] };
  entry?: { sku: string; priceYuan: number; productUrl?: string };
  checkin?: { campaignId?: number; challengeDays: number; streakRule: 'consecutive' | 'cumulative'; makeupCards: number };
  landing?: LandingValues;
  form?: SignupFormValues;
  groupCodeId?: number;
}

/** Each model's template: what the wizard starts from. */
const TEMPLATES: Record<FissionModel, Partial<Values>> = {
  spread: {
    name: '邀请好友领好礼', rules: '生成专属海报邀请好友添加顾问，邀请越多奖励越多。',
    invite: { holdDays: 3, posterTitle: '邀请好友 领好礼', posterText: '扫码添加顾问，领取新人礼', tiers: [{ friends: 3, title: '100 积分', points: 100 }, { friends: 10, title: '500 积分', points: 500 }] },
  },
  product: {
    name: '21 天打卡挑战', rules: '支付报名费参加挑战，完成 21 天打卡返还报名费。',
    entry: { sku: 'CHALLENGE-21', priceYuan: 9.9 }, checkin: { challengeDays: 21, streakRule: 'cumulative', makeupCards: 2 },
  },
  service: {
    name: '免费体验课', rules: '邀请好友解锁报名，报名后进入服务群。',
    landing: { title: '免费体验课 · 限时报名', body: '资深老师一对一讲解。\n\n邀请 1 位好友即可报名，报名后进群领取课程。', ctaText: '领取我的海报' },
    invite: { holdDays: 0, posterTitle: '一起来上免费体验课', posterText: '扫码添加老师，免费报名', tiers: [{ friends: 1, title: '报名资格', points: 10 }] },
    form: {
      title: '报名信息', unlockFriends: 1, submitText: '提交报名',
      fields: [
        { key: 'name', label: '姓名', type: 'name', required: true },
        { key: 'phone', label: '手机号', type: 'phone', required: true },
        { key: 'grade', label: '年级', type: 'select', required: true, optionsText: '一年级\n二年级\n三年级' },
        { key: 'note', label: '备注', type: 'text', required: false, maxLength: 200 },
      ],
    },
  },
};

const fen = (yuan: number | null | undefined) => (yuan === null || yuan === undefined ? null : Math.round(yuan * 100));

function toBody(model: FissionModel, v: Values): CreateBody {
  const base = { name: v.name, startsAt: pickerToIso(v.startsAt), endsAt: v.endsAt ? pickerToIso(v.endsAt) : null, rules: v.rules ?? '', budgetTotalFen: fen(v.budgetTotalYuan) };
  const invite = () => ({
    codeId: v.invite?.codeId ?? 0, rule: 'add' as const, stayDays: null, holdDays: v.invite?.holdDays ?? 0, posterTemplateId: null,
    posterTitle: v.invite?.posterTitle ?? '', posterText: v.invite?.posterText ?? '', leaderboardSize: 20,
    antiFraud: { maxPerIp: 5, burstCount: 5, burstSeconds: 60 },
    tiers: (v.invite?.tiers ?? []).map((x) => ({ friends: x.friends, reward: { kind: 'points' as const, points: x.points, title: x.title } })),
  });
  const existing = v.source === 'existing';
  const linked = (id: number | undefined) => ({ campaignId: id ?? 0 });
  if (model === 'spread') return { ...base, model, invite: existing ? linked(v.invite?.campaignId) : invite() };
  if (model === 'product') {
    if (existing) return { ...base, model, checkin: linked(v.checkin?.campaignId) };
    return {
      ...base, model,
      entry: { sku: v.entry?.sku ?? '', priceFen: fen(v.entry?.priceYuan) ?? 0, productUrl: v.entry?.productUrl || undefined },
      checkin: {
        mode: 'challenge', challengeDays: v.checkin?.challengeDays ?? 21, streakRule: v.checkin?.streakRule ?? 'cumulative', onBreak: 'fail',
        milestones: [], makeupCards: v.checkin?.makeupCards ?? 0, makeupWindowDays: 3, cashback: true,
      },
    };
  }
  return {
    ...base, model,
    landing: landingToBody(v.landing),
    invite: existing ? linked(v.invite?.campaignId) : invite(),
    form: formToBody(v.form),
    groupCodeId: v.groupCodeId ?? 0,
  };
}

/** 新建 / 选择已有: whether the model's campaign step is made with the path or an existing campaign is linked. */
function SourcePicker() {
  const { t } = useTranslation('fission');
  return (
    <Form.Item name="source" label={t('wizard.source')}>
      <Radio.Group optionType="button" buttonStyle="solid">
        <Radio.Button value="new"><span data-testid="fission-source-new">{t('wizard.sourceNew')}</span></Radio.Button>
        <Radio.Button value="existing"><span data-testid="fission-source-existing">{t('wizard.sourceExisting')}</span></Radio.Button>
      </Radio.Group>
    </Form.Item>
  );
}

/** The step's existing campaign: the server's eligible ones; picking one prefills the path's window inside its own. */
function ExistingStep({ model, onPicked }: { model: FissionModel; onPicked: (c: EligibleCampaign) => void }) {
  const { t } = useTranslation('fission');
  const step = model === 'product' ? 'checkin' : 'invite';
  return (
    <Card title={t(step === 'invite' ? 'wizard.invite' : 'wizard.challenge')} size="small" style={{ marginBottom: 16 }} data-testid="fission-existing">
      <SourcePicker />
      <Form.Item name={[step, 'campaignId']} label={t(step === 'invite' ? 'wizard.existingInvite' : 'wizard.existingCheckin')} rules={[{ required: true }]}>
        <EligibleSelect model={model} onPicked={onPicked} />
      </Form.Item>
      <Alert type="info" showIcon title={t('wizard.existingHelp')} />
    </Card>
  );
}

function InviteSteps() {
  const { t } = useTranslation('fission');
  return (
    <Card title={t('wizard.invite')} size="small" style={{ marginBottom: 16 }}>
      <SourcePicker />
      <Form.Item name={['invite', 'codeId']} label={t('wizard.codeId')} rules={[{ required: true }]}><CodeSelect kind="staff" testId="fission-invite-code" /></Form.Item>
      <Flex gap={16} wrap>
        <Form.Item name={['invite', 'holdDays']} label={t('wizard.holdDays')} extra={t('wizard.holdHelp')}><InputNumber min={0} max={30} /></Form.Item>
        <Form.Item name={['invite', 'posterTitle']} label={t('wizard.posterTitle')}><Input maxLength={40} style={{ width: 240 }} /></Form.Item>
        <Form.Item name={['invite', 'posterText']} label={t('wizard.posterText')}><Input maxLength={200} style={{ width: 300 }} /></Form.Item>
      </Flex>
      <Typography.Text strong>{t('wizard.tiers')}</Typography.Text>
      <Form.List name={['invite', 'tiers']}>
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <Flex key={field.key} gap={8} wrap align="start">
                <Form.Item name={[field.name, 'friends']} label={t('wizard.friends')} rules={[{ required: true }]}><InputNumber min={1} max={100000} /></Form.Item>
                <Form.Item name={[field.name, 'title']} label={t('wizard.rewardTitle')} rules={[{ required: true, max: 60 }]}><Input style={{ width: 180 }} /></Form.Item>
                <Form.Item name={[field.name, 'points']} label={t('wizard.rewardPoints')} rules={[{ required: true }]}><InputNumber min={1} /></Form.Item>
                <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} style={{ marginTop: 30 }} aria-label="remove" />
              </Flex>
            ))}
            {fields.length < 10 ? <Button icon={<PlusOutlined />} onClick={() => add({ friends: 5, title: '', points: 100 })}>{t('wizard.addTier')}</Button> : null}
          </>
        )}
      </Form.List>
    </Card>
  );
}

function ProductSteps() {
  const { t } = useTranslation('fission');
  return (
    <>
      <Card title={t('wizard.product')} size="small" style={{ marginBottom: 16 }}>
        <SourcePicker />
        <Flex gap={16} wrap>
          <Form.Item name={['entry', 'sku']} label={t('wizard.sku')} rules={[{ required: true, max: 64 }]}><Input maxLength={64} data-testid="fission-sku" /></Form.Item>
          <Form.Item name={['entry', 'priceYuan']} label={t('wizard.price')} rules={[{ required: true }]}><InputNumber min={0.01} precision={2} /></Form.Item>
          <Form.Item name={['entry', 'productUrl']} label={t('wizard.productUrl')}><Input style={{ width: 320 }} /></Form.Item>
        </Flex>
      </Card>
      <Card title={t('wizard.challenge')} size="small" style={{ marginBottom: 16 }}>
        <Flex gap={16} wrap>
          <Form.Item name={['checkin', 'challengeDays']} label={t('wizard.challengeDays')} rules={[{ required: true }]}><InputNumber min={2} max={365} /></Form.Item>
          <Form.Item name={['checkin', 'streakRule']} label={t('wizard.streakRule')}>
            <Radio.Group options={[{ value: 'cumulative', label: t('wizard.cumulative') }, { value: 'consecutive', label: t('wizard.consecutive') }]} />
          </Form.Item>
          <Form.Item name={['checkin', 'makeupCards']} label={t('wizard.makeupCards')}><InputNumber min={0} max={10} /></Form.Item>
        </Flex>
        <Alert type="info" showIcon title={t('wizard.cashbackNote')} />
      </Card>
    </>
  );
}

function ServiceSteps({ existing }: { existing: ReactNode | null }) {
  const { t } = useTranslation('fission');
  return (
    <>
      <LandingCard title={`① ${t('wizard.landing')}`} />
      {existing ?? <InviteSteps />}
      <SignupFormCard title={`③ ${t('wizard.form')}`} />
      <Card title={`④ ${t('wizard.group')}`} size="small" style={{ marginBottom: 16 }}>
        <Form.Item name="groupCodeId" label={t('wizard.groupCodeId')} rules={[{ required: true }]}><CodeSelect kind="group" testId="fission-group-code" /></Form.Item>
      </Card>
    </>
  );
}

export default function FissionWizardPage() {
  const { t } = useTranslation(['fission', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const create = useCreatePath();
  const [model, setModel] = useState<FissionModel | null>(null);
  const [form] = Form.useForm<Values>();
  const source = Form.useWatch('source', form);

  const pick = (m: FissionModel) => {
    setModel(m);
    form.resetFields();
    form.setFieldsValue({ ...TEMPLATES[m], startsAt: pickerNow(), source: 'new' });
  };
  // A linked campaign keeps its window: the path's is prefilled inside it (the server refuses one outside).
  const picked = (c: EligibleCampaign) => form.setFieldsValue(windowFor(c));
  const existing = model && source === 'existing' ? <ExistingStep model={model} onPicked={picked} /> : null;
  const submit = async (v: Values) => {
    if (!model) return;
    try {
      const p = await create.mutateAsync(toBody(model, v));
      void message.success(t(v.source === 'existing' ? 'wizard.createdLinked' : 'wizard.created'));
      void navigate(`/fission/${p.id}`);
    } catch (e) {
      showFieldError(form, withFormNames(e));
    }
  };

  return (
    <>
      <PageHeader title={t('create')} subtitle={t('subtitle')} />
      <Steps current={model ? 1 : 0} style={{ marginBottom: 16, maxWidth: 860 }} items={[{ title: t('wizard.pickModel') }, { title: t('wizard.fillSteps') }, { title: t('wizard.confirm') }]} />
      <Row gutter={16} style={{ marginBottom: 16, maxWidth: 900 }}>
        {(['spread', 'product', 'service'] as const).map((m) => (
          <Col xs={24} md={8} key={m}>
            <Card hoverable size="small" onClick={() => pick(m)} data-testid={`fission-model-${m}`}
              style={{ borderColor: model === m ? '#1677ff' : undefined, height: '100%' }}>
              <Typography.Title level={5} style={{ marginTop: 0 }}>{t(`models.${m}.name`)}</Typography.Title>
              <Typography.Text type="secondary">{t(`models.${m}.desc`)}</Typography.Text>
            </Card>
          </Col>
        ))}
      </Row>
      {model ? (
        <Form<Values> form={form} layout="vertical" onFinish={(v) => void submit(v)} style={{ maxWidth: 900 }} data-testid="fission-form">
          <Card title={t('wizard.basics')} size="small" style={{ marginBottom: 16 }}>
            <Form.Item name="name" label={t('wizard.name')} rules={[{ required: true, max: 60 }]}><Input maxLength={60} data-testid="fission-name" /></Form.Item>
            <Flex gap={16} wrap>
              <Form.Item name="startsAt" label={t('wizard.startsAt')} rules={[{ required: true }]}><DatePicker showTime /></Form.Item>
              <Form.Item name="endsAt" label={t('wizard.endsAt')}><DatePicker showTime /></Form.Item>
              <Form.Item name="budgetTotalYuan" label={t('wizard.budgetTotal')}><InputNumber min={0} precision={2} /></Form.Item>
            </Flex>
            <Form.Item name="rules" label={t('wizard.rules')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
          </Card>
          {model === 'service' ? <ServiceSteps existing={existing} /> : existing ?? (model === 'spread' ? <InviteSteps /> : <ProductSteps />)}
          <Alert type="success" showIcon style={{ marginBottom: 16 }} data-testid="fission-summary"
            title={existing ? `${t('wizard.summaryLink')} ${t(`wizard.willLink.${model}`)}` : `${t('wizard.summary')} ${t(`wizard.willCreate.${model}`)}`} />
          <Space>
            <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="fission-save">{t('wizard.create')}</Button>
            <Button onClick={() => void navigate('/fission')}>{t('common:cancel')}</Button>
          </Space>
        </Form>
      ) : null}
    </>
  );
}
