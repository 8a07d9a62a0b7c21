// Create or edit a check-in campaign: the shared campaign fields (name, window, rules, entry, budgets, join code)
// and the check-in's own (mode, N days, consecutive or cumulative, what a broken streak does, make-up cards,
// milestones, cash-back). Validation is the server's: its 400 lands under the field it names.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, DatePicker, Flex, Form, Input, InputNumber, Radio, Select, Space, Switch } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { Eligibility } from '@pond/contracts/activate';
import { PageHeader } from '../../components/page-header';
import { CouponPoolSelect, EligibilityFields, LiveCodeSelect, eligibilityOf } from '../campaigns/audience-fields';
import { QueryError } from '../../components/query-error';
import { PageSpinner } from '../../components/results';
import { showFieldError } from '../../lib/form-errors';
import { isoToPicker, pickerToIso } from '../../lib/format';
import { useCheckin, useCreateCheckin, useUpdateCheckin, type CheckinCampaign, type CreateBody } from './hooks';

type RewardKind = 'coupon' | 'points' | 'redpacket' | 'custom';
interface MilestoneValues { days: number; kind: RewardKind; title: string; points?: number; amountYuan?: number; couponPoolId?: number }
interface Values {
  name: string; startsAt: Dayjs; endsAt?: Dayjs | null; rules?: string;
  entryKind: 'free' | 'points' | 'paid'; entryPoints?: number; sku?: string; priceYuan?: number; productUrl?: string;
  mode: 'daily' | 'challenge'; challengeDays?: number; streakRule: 'consecutive' | 'cumulative'; onBreak: 'fail' | 'restart';
  makeupCards: number; makeupWindowDays: number; cashback: boolean; milestones: MilestoneValues[];
  budgetTotalYuan?: number | null; budgetDailyYuan?: number | null; rewardsPerCustomer?: number | null; joinCodeId?: number | null;
  eligibility?: Partial<Record<keyof Eligibility, unknown[]>>;
}

const fen = (yuan: number | null | undefined) => (yuan === null || yuan === undefined ? null : Math.round(yuan * 100));
const yuan = (f: number | null | undefined) => (f === null || f === undefined ? null : f / 100);

function toBody(v: Values): CreateBody {
  const entry = v.entryKind === 'paid'
    ? { kind: 'paid' as const, sku: v.sku ?? '', priceFen: fen(v.priceYuan) ?? 0, ...(v.productUrl ? { productUrl: v.productUrl } : {}) }
    : v.entryKind === 'points' ? { kind: 'points' as const, points: v.entryPoints ?? 0 } : { kind: 'free' as const };
  return {
    name: v.name, startsAt: pickerToIso(v.startsAt), endsAt: v.endsAt ? pickerToIso(v.endsAt) : null, rules: v.rules ?? '', entry,
    budgetTotalFen: fen(v.budgetTotalYuan), budgetDailyFen: fen(v.budgetDailyYuan), rewardsPerCustomer: v.rewardsPerCustomer ?? null, joinCodeId: v.joinCodeId ?? null,
    eligibility: eligibilityOf(v.eligibility),
    config: {
      mode: v.mode, challengeDays: v.mode === 'challenge' ? v.challengeDays ?? null : null, streakRule: v.streakRule, onBreak: v.onBreak,
      makeupCards: v.makeupCards, makeupWindowDays: v.makeupWindowDays, cashback: v.cashback,
      milestones: (v.milestones ?? []).map((m) => ({
        days: m.days,
        reward: m.kind === 'coupon' ? { kind: 'coupon' as const, couponPoolId: m.couponPoolId ?? 0, title: m.title }
          : m.kind === 'points' ? { kind: 'points' as const, points: m.points ?? 0, title: m.title }
            : m.kind === 'redpacket' ? { kind: 'redpacket' as const, amountFen: fen(m.amountYuan) ?? 0, title: m.title }
              : { kind: 'custom' as const, title: m.title },
      })),
    },
  };
}

function toValues(c: CheckinCampaign): Values {
  const cfg = c.config;
  return {
    name: c.name, startsAt: isoToPicker(c.startsAt), endsAt: c.endsAt ? isoToPicker(c.endsAt) : null, rules: c.rules,
    entryKind: c.entry.kind, entryPoints: c.entry.kind === 'points' ? c.entry.points : undefined,
    sku: c.entry.kind === 'paid' ? c.entry.sku : undefined, priceYuan: c.entry.kind === 'paid' ? yuan(c.entry.priceFen) ?? undefined : undefined,
    productUrl: c.entry.kind === 'paid' ? c.entry.productUrl : undefined,
    mode: cfg.mode, challengeDays: cfg.challengeDays ?? undefined, streakRule: cfg.streakRule ?? 'consecutive', onBreak: cfg.onBreak ?? 'fail',
    makeupCards: cfg.makeupCards ?? 0, makeupWindowDays: cfg.makeupWindowDays ?? 3, cashback: cfg.cashback ?? true,
    milestones: (cfg.milestones ?? []).map((m) => ({
      days: m.days, kind: m.reward.kind, title: m.reward.title,
      points: m.reward.kind === 'points' ? m.reward.points : undefined,
      amountYuan: m.reward.kind === 'redpacket' ? m.reward.amountFen / 100 : undefined,
      couponPoolId: m.reward.kind === 'coupon' ? m.reward.couponPoolId : undefined,
    })),
    budgetTotalYuan: yuan(c.budgetTotalFen), budgetDailyYuan: yuan(c.budgetDailyFen), rewardsPerCustomer: c.rewardsPerCustomer, joinCodeId: c.joinCodeId,
    eligibility: c.eligibility,
  };
}

const DEFAULTS: Partial<Values> = {
  entryKind: 'free', mode: 'challenge', challengeDays: 21, streakRule: 'consecutive', onBreak: 'fail', makeupCards: 1, makeupWindowDays: 3, cashback: true, milestones: [],
};

export default function CheckinFormPage() {
  const { t } = useTranslation(['checkin', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const params = useParams();
  const id = params.id ? Number(params.id) : null;
  const existing = useCheckin(id);
  const create = useCreateCheckin();
  const update = useUpdateCheckin();
  const [form] = Form.useForm<Values>();
  const mode = Form.useWatch('mode', form);
  const entryKind = Form.useWatch('entryKind', form);

  useEffect(() => {
    if (existing.data) form.setFieldsValue(toValues(existing.data));
  }, [existing.data, form]);

  if (id !== null && existing.isLoading) return <PageSpinner />;
  if (id !== null && existing.error) return <QueryError query={existing} />;
  const enrolled = (existing.data?.numbers.participants ?? 0) > 0;

  const submit = async (v: Values) => {
    try {
      if (id === null) {
        const c = await create.mutateAsync(toBody(v));
        void message.success(t('form.created'));
        void navigate(`/checkins/${c.id}`);
      } else {
        await update.mutateAsync({ id, body: toBody(v) });
        void message.success(t('form.saved'));
        void navigate(`/checkins/${id}`);
      }
    } catch (e) {
      showFieldError(form, e);
    }
  };

  return (
    <>
      <PageHeader title={id === null ? t('create') : `${t('edit')} · ${existing.data?.name ?? ''}`} subtitle={t('subtitle')} />
      <Form<Values> form={form} layout="vertical" initialValues={DEFAULTS} onFinish={(v) => void submit(v)} style={{ maxWidth: 860 }} data-testid="checkin-form">
        {enrolled ? <Alert type="info" showIcon title={t('form.fixedAfterEnrol')} style={{ marginBottom: 16 }} /> : null}
        <Card title={t('form.basics')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item name="name" label={t('form.name')} rules={[{ required: true, max: 60 }]}><Input maxLength={60} /></Form.Item>
          <Flex gap={16} wrap>
            <Form.Item name="startsAt" label={t('form.startsAt')} rules={[{ required: true }]}><DatePicker showTime /></Form.Item>
            <Form.Item name="endsAt" label={t('form.endsAt')}><DatePicker showTime /></Form.Item>
          </Flex>
          <Form.Item name="rules" label={t('form.rules')}><Input.TextArea rows={3} maxLength={2000} /></Form.Item>
        </Card>
        <Card title={t('form.play')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item name="mode" label={t('form.mode')}>
            <Radio.Group disabled={enrolled} options={(['challenge', 'daily'] as const).map((m) => ({ value: m, label: t(`modes.${m}`) }))} />
          </Form.Item>
          <Flex gap={16} wrap>
            {mode === 'challenge' ? (
              <Form.Item name="challengeDays" label={t('form.challengeDays')} rules={[{ required: true }]}><InputNumber min={2} max={365} disabled={enrolled} /></Form.Item>
            ) : null}
            <Form.Item name="streakRule" label={t('form.streakRule')}>
              <Select disabled={enrolled} style={{ width: 200 }} options={(['consecutive', 'cumulative'] as const).map((r) => ({ value: r, label: t(`streakRules.${r}`) }))} />
            </Form.Item>
            {mode === 'challenge' ? (
              <Form.Item name="onBreak" label={t('form.onBreak')}>
                <Select disabled={enrolled} style={{ width: 280 }} options={(['fail', 'restart'] as const).map((r) => ({ value: r, label: t(`onBreak.${r}`) }))} />
              </Form.Item>
            ) : null}
          </Flex>
          <Flex gap={16} wrap>
            <Form.Item name="makeupCards" label={t('form.makeupCards')}><InputNumber min={0} max={10} /></Form.Item>
            <Form.Item name="makeupWindowDays" label={t('form.makeupWindowDays')}><InputNumber min={1} max={30} /></Form.Item>
          </Flex>
        </Card>
        <Card title={t('form.entry')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item name="entryKind" label={t('form.entryKind')}>
            <Radio.Group disabled={enrolled} options={(['free', 'points', 'paid'] as const).map((k) => ({ value: k, label: t(`entryKinds.${k}`) }))} />
          </Form.Item>
          {entryKind === 'points' ? <Form.Item name="entryPoints" label={t('form.points')} rules={[{ required: true }]}><InputNumber min={1} disabled={enrolled} /></Form.Item> : null}
          {entryKind === 'paid' ? (
            <>
              <Flex gap={16} wrap>
                <Form.Item name="sku" label={t('form.sku')} rules={[{ required: true, max: 64 }]}><Input disabled={enrolled} style={{ width: 220 }} /></Form.Item>
                <Form.Item name="priceYuan" label={t('form.price')} rules={[{ required: true }]}><InputNumber min={0.01} step={0.01} precision={2} disabled={enrolled} /></Form.Item>
              </Flex>
              <Form.Item name="productUrl" label={t('form.productUrl')}><Input placeholder="https://" /></Form.Item>
              <Form.Item name="cashback" label={t('form.cashback')} valuePropName="checked" extra={t('form.cashbackHelp')}><Switch disabled={enrolled} /></Form.Item>
            </>
          ) : null}
        </Card>
        <Card title={t('form.milestones')} size="small" style={{ marginBottom: 16 }}>
          <Form.List name="milestones">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <MilestoneRow key={field.key} name={field.name} onRemove={() => remove(field.name)} />
                ))}
                {fields.length < 10 ? <Button icon={<PlusOutlined />} onClick={() => add({ days: 7, kind: 'points', title: '', points: 10 })}>{t('form.addMilestone')}</Button> : null}
              </>
            )}
          </Form.List>
        </Card>
        <Card title={t('form.budget')} size="small" style={{ marginBottom: 16 }}>
          <Flex gap={16} wrap>
            <Form.Item name="budgetTotalYuan" label={t('form.budgetTotal')}><InputNumber min={0} precision={2} /></Form.Item>
            <Form.Item name="budgetDailyYuan" label={t('form.budgetDaily')}><InputNumber min={0} precision={2} /></Form.Item>
            <Form.Item name="rewardsPerCustomer" label={t('form.rewardsPerCustomer')}><InputNumber min={1} /></Form.Item>
                      </Flex>
        </Card>
        <Card title={t('form.audience')} size="small" style={{ marginBottom: 16 }}>
          <EligibilityFields />
          <Form.Item name="joinCodeId" label={t('form.joinCodeId')}><LiveCodeSelect testId="checkin-join-code" /></Form.Item>
        </Card>
        <Space>
          <Button type="primary" htmlType="submit" loading={create.isPending || update.isPending} data-testid="checkin-save">{t('form.save')}</Button>
          <Button onClick={() => void navigate(id === null ? '/checkins' : `/checkins/${id}`)}>{t('common:cancel')}</Button>
        </Space>
      </Form>
    </>
  );
}

function MilestoneRow({ name, onRemove }: { name: number; onRemove: () => void }) {
  const { t } = useTranslation('checkin');
  const kind = Form.useWatch(['milestones', name, 'kind']) as RewardKind | undefined;
  return (
    <Flex gap={8} wrap align="start">
      <Form.Item name={[name, 'days']} label={t('form.milestoneDays')} rules={[{ required: true }]}><InputNumber min={1} max={365} style={{ width: 90 }} /></Form.Item>
      <Form.Item name={[name, 'kind']} label={t('form.rewardKind')}>
        <Select style={{ width: 160 }} options={(['points', 'coupon', 'redpacket', 'custom'] as const).map((k) => ({ value: k, label: t(`rewardKinds.${k}`) }))} />
      </Form.Item>
      <Form.Item name={[name, 'title']} label={t('form.rewardTitle')} rules={[{ required: true, max: 60 }]}><Input style={{ width: 180 }} /></Form.Item>
      {kind === 'points' ? <Form.Item name={[name, 'points']} label={t('form.rewardPoints')} rules={[{ required: true }]}><InputNumber min={1} /></Form.Item> : null}
      {kind === 'redpacket' ? <Form.Item name={[name, 'amountYuan']} label={t('form.rewardAmount')} rules={[{ required: true }]}><InputNumber min={0.01} max={200} precision={2} /></Form.Item> : null}
      {kind === 'coupon' ? <Form.Item name={[name, 'couponPoolId']} label={t('form.couponPool')} rules={[{ required: true }]}><CouponPoolSelect /></Form.Item> : null}
      <Button type="text" icon={<MinusCircleOutlined />} onClick={onRemove} style={{ marginTop: 30 }} aria-label="remove" />
    </Flex>
  );
}
