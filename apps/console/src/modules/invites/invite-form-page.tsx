// Create or edit an invite campaign: name, window, rules; the live code friends are routed by, what counts (add /
// join a group / add and stay), the holding period, reward tiers, the poster's copy, anti-fraud limits and budget.
// Validation is the server's: its 400 lands under the field it names.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, DatePicker, Flex, Form, Input, InputNumber, Radio, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { PageSpinner } from '../../components/results';
import { showFieldError } from '../../lib/form-errors';
import { useCreateInvite, useInvite, useUpdateInvite, type Invite, type InviteBody, type InviteRule } from './hooks';
import { PosterTemplatePicker } from './poster-template-picker';

type RewardKind = 'coupon' | 'points' | 'redpacket' | 'custom';
interface TierValues { friends: number; kind: RewardKind; title: string; points?: number; amountYuan?: number; couponPoolId?: number }
interface Values {
  name: string; startsAt: Dayjs; endsAt?: Dayjs | null; rules?: string;
  codeId: number; rule: InviteRule; stayDays?: number | null; holdDays: number; leaderboardSize: number; tiers: TierValues[];
  posterTitle?: string; posterText?: string; posterTemplateId?: number | null;
  maxPerIp?: number | null; burstCount?: number | null; burstSeconds: number;
  budgetTotalYuan?: number | null; rewardsPerCustomer?: number | null;
}

const fen = (yuan: number | null | undefined) => (yuan === null || yuan === undefined ? null : Math.round(yuan * 100));

function toBody(v: Values): InviteBody {
  return {
    name: v.name, startsAt: v.startsAt.toISOString(), endsAt: v.endsAt ? v.endsAt.toISOString() : null, rules: v.rules ?? '',
    budgetTotalFen: fen(v.budgetTotalYuan), rewardsPerCustomer: v.rewardsPerCustomer ?? null,
    config: {
      codeId: v.codeId, rule: v.rule, stayDays: v.rule === 'add_and_stay' ? v.stayDays ?? null : null, holdDays: v.holdDays, leaderboardSize: v.leaderboardSize,
      posterTemplateId: v.posterTemplateId ?? null, posterTitle: v.posterTitle ?? '', posterText: v.posterText ?? '',
      antiFraud: { maxPerIp: v.maxPerIp ?? null, burstCount: v.burstCount ?? null, burstSeconds: v.burstSeconds },
      tiers: (v.tiers ?? []).map((m) => ({
        friends: m.friends,
        reward: m.kind === 'coupon' ? { kind: 'coupon' as const, couponPoolId: m.couponPoolId ?? 0, title: m.title }
          : m.kind === 'points' ? { kind: 'points' as const, points: m.points ?? 0, title: m.title }
            : m.kind === 'redpacket' ? { kind: 'redpacket' as const, amountFen: fen(m.amountYuan) ?? 0, title: m.title }
              : { kind: 'custom' as const, title: m.title },
      })),
    },
  };
}

function toValues(c: Invite): Values {
  const cfg = c.config;
  return {
    name: c.name, startsAt: dayjs(c.startsAt), endsAt: c.endsAt ? dayjs(c.endsAt) : null, rules: c.rules,
    codeId: cfg.codeId, rule: cfg.rule, stayDays: cfg.stayDays, holdDays: cfg.holdDays, leaderboardSize: cfg.leaderboardSize,
    posterTitle: cfg.posterTitle, posterText: cfg.posterText, posterTemplateId: cfg.posterTemplateId,
    maxPerIp: cfg.antiFraud.maxPerIp, burstCount: cfg.antiFraud.burstCount, burstSeconds: cfg.antiFraud.burstSeconds,
    tiers: cfg.tiers.map((m) => ({
      friends: m.friends, kind: m.reward.kind, title: m.reward.title,
      points: m.reward.kind === 'points' ? m.reward.points : undefined,
      amountYuan: m.reward.kind === 'redpacket' ? m.reward.amountFen / 100 : undefined,
      couponPoolId: m.reward.kind === 'coupon' ? m.reward.couponPoolId : undefined,
    })),
    budgetTotalYuan: c.budgetTotalFen === null ? null : c.budgetTotalFen / 100, rewardsPerCustomer: c.rewardsPerCustomer,
  };
}

const DEFAULTS: Partial<Values> = {
  rule: 'add', holdDays: 3, leaderboardSize: 20, maxPerIp: 5, burstCount: 5, burstSeconds: 60,
  tiers: [{ friends: 3, kind: 'points', title: '邀请 3 位好友', points: 100 }],
};

export default function InviteFormPage() {
  const { t } = useTranslation(['invites', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const params = useParams();
  const id = params.id ? Number(params.id) : null;
  const existing = useInvite(id);
  const create = useCreateInvite();
  const update = useUpdateInvite(id ?? 0);
  const [form] = Form.useForm<Values>();
  const rule = Form.useWatch('rule', form);

  useEffect(() => {
    if (existing.data) form.setFieldsValue(toValues(existing.data));
  }, [existing.data, form]);

  if (id !== null && existing.isLoading) return <PageSpinner />;
  if (id !== null && existing.error) return <QueryError query={existing} />;
  const fixed = (existing.data?.numbers.invitees ?? 0) > 0;

  const submit = async (v: Values) => {
    try {
      if (id === null) {
        const c = await create.mutateAsync(toBody(v));
        void message.success(t('form.created'));
        void navigate(`/invites/${c.id}`);
      } else {
        await update.mutateAsync(toBody(v));
        void message.success(t('form.saved'));
        void navigate(`/invites/${id}`);
      }
    } catch (e) {
      showFieldError(form, e);
    }
  };

  return (
    <>
      <PageHeader title={id === null ? t('create') : `${t('edit')} · ${existing.data?.name ?? ''}`} subtitle={t('subtitle')} />
      <Form<Values> form={form} layout="vertical" initialValues={DEFAULTS} onFinish={(v) => void submit(v)} style={{ maxWidth: 860 }} data-testid="invite-form">
        {fixed ? <Alert type="info" showIcon title={t('form.fixed')} style={{ marginBottom: 16 }} /> : null}
        <Card title={t('form.basics')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item name="name" label={t('form.name')} rules={[{ required: true, max: 60 }]}><Input maxLength={60} data-testid="invite-name" /></Form.Item>
          <Flex gap={16} wrap>
            <Form.Item name="startsAt" label={t('form.startsAt')} rules={[{ required: true }]}><DatePicker showTime /></Form.Item>
            <Form.Item name="endsAt" label={t('form.endsAt')}><DatePicker showTime /></Form.Item>
          </Flex>
          <Form.Item name="rules" label={t('form.rulesText')}><Input.TextArea rows={3} maxLength={2000} /></Form.Item>
        </Card>
        <Card title={t('form.counting')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item name={['codeId']} label={t('form.codeId')} rules={[{ required: true }]}><InputNumber min={1} disabled={fixed} data-testid="invite-code" /></Form.Item>
          <Form.Item name="rule" label={t('form.rule')}>
            <Radio.Group disabled={fixed} options={(['add', 'group', 'add_and_stay'] as const).map((r) => ({ value: r, label: t(`rules.${r}`) }))} />
          </Form.Item>
          <Flex gap={16} wrap>
            {rule === 'add_and_stay' ? <Form.Item name="stayDays" label={t('form.stayDays')} rules={[{ required: true }]}><InputNumber min={1} max={30} disabled={fixed} /></Form.Item> : null}
            <Form.Item name="holdDays" label={t('form.holdDays')} extra={t('form.holdHelp')}><InputNumber min={0} max={30} disabled={fixed} /></Form.Item>
            <Form.Item name="leaderboardSize" label={t('form.leaderboardSize')}><InputNumber min={3} max={100} /></Form.Item>
          </Flex>
        </Card>
        <Card title={t('form.tiers')} size="small" style={{ marginBottom: 16 }}>
          <Form.List name="tiers">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => <TierRow key={field.key} name={field.name} onRemove={() => remove(field.name)} />)}
                {fields.length < 10 ? <Button icon={<PlusOutlined />} onClick={() => add({ friends: 5, kind: 'points', title: '', points: 100 })}>{t('form.addTier')}</Button> : null}
              </>
            )}
          </Form.List>
        </Card>
        <Card title={t('form.poster')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item name="posterTitle" label={t('form.posterTitle')}><Input maxLength={40} /></Form.Item>
          <Form.Item name="posterText" label={t('form.posterText')}><Input.TextArea rows={2} maxLength={200} /></Form.Item>
          <Form.Item name="posterTemplateId" label={t('form.posterTemplateId')} extra={t('form.posterTemplateHelp')}><PosterTemplatePicker /></Form.Item>
        </Card>
        <Card title={t('form.antiFraud')} size="small" style={{ marginBottom: 16 }}>
          <Flex gap={16} wrap>
            <Form.Item name="maxPerIp" label={t('form.maxPerIp')}><InputNumber min={1} /></Form.Item>
            <Form.Item name="burstCount" label={t('form.burstCount')}><InputNumber min={2} /></Form.Item>
            <Form.Item name="burstSeconds" label={t('form.burstSeconds')}><InputNumber min={1} max={86400} /></Form.Item>
          </Flex>
        </Card>
        <Card title={t('form.budget')} size="small" style={{ marginBottom: 16 }}>
          <Flex gap={16} wrap>
            <Form.Item name="budgetTotalYuan" label={t('form.budgetTotal')}><InputNumber min={0} precision={2} /></Form.Item>
            <Form.Item name="rewardsPerCustomer" label={t('form.rewardsPerCustomer')}><InputNumber min={1} /></Form.Item>
          </Flex>
        </Card>
        <Space>
          <Button type="primary" htmlType="submit" loading={create.isPending || update.isPending} data-testid="invite-save">{t('form.save')}</Button>
          <Button onClick={() => void navigate(id === null ? '/invites' : `/invites/${id}`)}>{t('common:cancel')}</Button>
        </Space>
      </Form>
    </>
  );
}

function TierRow({ name, onRemove }: { name: number; onRemove: () => void }) {
  const { t } = useTranslation('invites');
  const kind = Form.useWatch(['tiers', name, 'kind']) as RewardKind | undefined;
  return (
    <Flex gap={8} wrap align="start">
      <Form.Item name={[name, 'friends']} label={t('form.friends')} rules={[{ required: true }]}><InputNumber min={1} max={100000} style={{ width: 100 }} /></Form.Item>
      <Form.Item name={[name, 'kind']} label={t('form.rewardKind')}>
        <Select style={{ width: 160 }} options={(['points', 'coupon', 'redpacket', 'custom'] as const).map((k) => ({ value: k, label: t(`form.rewardKinds.${k}`) }))} />
      </Form.Item>
      <Form.Item name={[name, 'title']} label={t('form.rewardTitle')} rules={[{ required: true, max: 60 }]}><Input style={{ width: 180 }} /></Form.Item>
      {kind === 'points' ? <Form.Item name={[name, 'points']} label={t('form.rewardPoints')} rules={[{ required: true }]}><InputNumber min={1} /></Form.Item> : null}
      {kind === 'redpacket' ? <Form.Item name={[name, 'amountYuan']} label={t('form.rewardAmount')} rules={[{ required: true }]}><InputNumber min={0.01} max={200} precision={2} /></Form.Item> : null}
      {kind === 'coupon' ? <Form.Item name={[name, 'couponPoolId']} label={t('form.couponPool')} rules={[{ required: true }]}><InputNumber min={1} /></Form.Item> : null}
      <Button type="text" icon={<MinusCircleOutlined />} onClick={onRemove} style={{ marginTop: 30 }} aria-label="remove" />
    </Flex>
  );
}
