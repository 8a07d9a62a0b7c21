// Create or edit a referral programme: the shared campaign fields (name, window, rules, join code) and the
// programme's own (attribution window, who refers, rate tiers by order number, per-order cap, refund window, payout
// method and minimum, the personal coupon pool). Validation is the server's: its 400 lands under the field it names.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Flex, Form, Input, InputNumber, Select, Space, Switch } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { PageSpinner } from '../../components/results';
import { showFieldError } from '../../lib/form-errors';
import { useCreateProgramme, useProgramme, useUpdateProgramme, type CreateBody, type Programme } from './hooks';

type Method = 'wechatpay' | 'webhook' | 'manual';
interface Values {
  name: string; startsAt: Dayjs; endsAt?: Dayjs | null; rules?: string; joinCodeId?: number | null;
  attributionDays: number; customersCanRefer: boolean; staffCanRefer: boolean; couponPoolId?: number | null;
  tiers: { fromOrder: number; ratePercent: number }[]; maxPerOrderYuan?: number | null;
  refundWindowDays: number; payoutMethod: Method; minPayoutYuan: number;
}

const fen = (yuan: number | null | undefined) => (yuan === null || yuan === undefined ? null : Math.round(yuan * 100));

function toBody(v: Values): CreateBody {
  return {
    name: v.name, startsAt: v.startsAt.toISOString(), endsAt: v.endsAt ? v.endsAt.toISOString() : null, rules: v.rules ?? '', joinCodeId: v.joinCodeId ?? null,
    config: {
      attributionDays: v.attributionDays, customersCanRefer: v.customersCanRefer, staffCanRefer: v.staffCanRefer, couponPoolId: v.couponPoolId ?? null,
      rateTiers: (v.tiers ?? []).map((x) => ({ fromOrder: x.fromOrder, rateBp: Math.round((x.ratePercent ?? 0) * 100) })),
      maxPerOrderFen: fen(v.maxPerOrderYuan), refundWindowDays: v.refundWindowDays, payoutMethod: v.payoutMethod, minPayoutFen: fen(v.minPayoutYuan) ?? 0,
    },
  };
}

function toValues(c: Programme): Values {
  const cfg = c.config;
  return {
    name: c.name, startsAt: dayjs(c.startsAt), endsAt: c.endsAt ? dayjs(c.endsAt) : null, rules: c.rules, joinCodeId: c.joinCodeId,
    attributionDays: cfg.attributionDays ?? 30, customersCanRefer: cfg.customersCanRefer ?? true, staffCanRefer: cfg.staffCanRefer ?? true, couponPoolId: cfg.couponPoolId ?? null,
    tiers: (cfg.rateTiers ?? []).map((x) => ({ fromOrder: x.fromOrder, ratePercent: x.rateBp / 100 })),
    maxPerOrderYuan: cfg.maxPerOrderFen == null ? null : cfg.maxPerOrderFen / 100,
    refundWindowDays: cfg.refundWindowDays ?? 7, payoutMethod: cfg.payoutMethod ?? 'wechatpay', minPayoutYuan: (cfg.minPayoutFen ?? 100) / 100,
  };
}

const DEFAULTS: Partial<Values> = {
  attributionDays: 30, customersCanRefer: true, staffCanRefer: true, tiers: [{ fromOrder: 1, ratePercent: 10 }, { fromOrder: 2, ratePercent: 5 }],
  refundWindowDays: 7, payoutMethod: 'wechatpay', minPayoutYuan: 1,
};

export default function ReferralFormPage() {
  const { t } = useTranslation(['referrals', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const params = useParams();
  const id = params.id ? Number(params.id) : null;
  const existing = useProgramme(id);
  const create = useCreateProgramme();
  const update = useUpdateProgramme();
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    if (existing.data) form.setFieldsValue(toValues(existing.data));
  }, [existing.data, form]);

  if (id !== null && existing.isLoading) return <PageSpinner />;
  if (id !== null && existing.error) return <QueryError query={existing} />;

  const submit = async (v: Values) => {
    try {
      if (id === null) {
        const c = await create.mutateAsync(toBody(v));
        void message.success(t('form.created'));
        void navigate(`/referrals/${c.id}`);
      } else {
        await update.mutateAsync({ id, body: toBody(v) });
        void message.success(t('form.saved'));
        void navigate(`/referrals/${id}`);
      }
    } catch (e) {
      showFieldError(form, e);
    }
  };

  return (
    <>
      <PageHeader title={id === null ? t('create') : `${t('edit')} · ${existing.data?.name ?? ''}`} subtitle={t('subtitle')} />
      <Form<Values> form={form} layout="vertical" initialValues={DEFAULTS} onFinish={(v) => void submit(v)} style={{ maxWidth: 860 }} data-testid="referral-form">
        <Card title={t('form.basics')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item name="name" label={t('form.name')} rules={[{ required: true, max: 60 }]}><Input maxLength={60} /></Form.Item>
          <Flex gap={16} wrap>
            <Form.Item name="startsAt" label={t('form.startsAt')} rules={[{ required: true }]}><DatePicker showTime /></Form.Item>
            <Form.Item name="endsAt" label={t('form.endsAt')}><DatePicker showTime /></Form.Item>
          </Flex>
          <Form.Item name="rules" label={t('form.rules')}><Input.TextArea rows={3} maxLength={2000} /></Form.Item>
          <Form.Item name="joinCodeId" label={t('form.joinCodeId')}><InputNumber min={1} /></Form.Item>
        </Card>
        <Card title={t('form.terms')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item name="attributionDays" label={t('form.attributionDays')} extra={t('form.attributionHelp')}><InputNumber min={1} max={365} /></Form.Item>
          <Flex gap={24} wrap>
            <Form.Item name="customersCanRefer" label={t('form.customersCanRefer')} valuePropName="checked"><Switch /></Form.Item>
            <Form.Item name="staffCanRefer" label={t('form.staffCanRefer')} valuePropName="checked"><Switch /></Form.Item>
            <Form.Item name="couponPoolId" label={t('form.couponPoolId')}><InputNumber min={1} /></Form.Item>
          </Flex>
        </Card>
        <Card title={t('form.tiers')} size="small" style={{ marginBottom: 16 }}>
          <Form.List name="tiers">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Flex key={field.key} gap={8} align="start">
                    <Form.Item name={[field.name, 'fromOrder']} label={t('form.fromOrder')} rules={[{ required: true }]}><InputNumber min={1} max={1000} /></Form.Item>
                    <Form.Item name={[field.name, 'ratePercent']} label={t('form.rate')} rules={[{ required: true }]}><InputNumber min={0} max={50} step={0.5} /></Form.Item>
                    <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} style={{ marginTop: 30 }} aria-label="remove" />
                  </Flex>
                ))}
                {fields.length < 10 ? <Button icon={<PlusOutlined />} onClick={() => add({ fromOrder: fields.length + 1, ratePercent: 5 })}>{t('form.addTier')}</Button> : null}
              </>
            )}
          </Form.List>
          <Form.Item name="maxPerOrderYuan" label={t('form.maxPerOrder')} style={{ marginTop: 16 }}><InputNumber min={0} precision={2} /></Form.Item>
        </Card>
        <Card title={t('form.payout')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item name="refundWindowDays" label={t('form.refundWindowDays')} extra={t('form.refundHelp')}><InputNumber min={0} max={90} /></Form.Item>
          <Flex gap={16} wrap>
            <Form.Item name="payoutMethod" label={t('form.payoutMethod')}>
              <Select style={{ width: 220 }} options={(['wechatpay', 'webhook', 'manual'] as const).map((m) => ({ value: m, label: t(`payoutMethods.${m}`) }))} />
            </Form.Item>
            <Form.Item name="minPayoutYuan" label={t('form.minPayout')}><InputNumber min={0} precision={2} /></Form.Item>
          </Flex>
        </Card>
        <Space>
          <Button type="primary" htmlType="submit" loading={create.isPending || update.isPending} data-testid="referral-save">{t('form.save')}</Button>
          <Button onClick={() => void navigate(id === null ? '/referrals' : `/referrals/${id}`)}>{t('common:cancel')}</Button>
        </Space>
      </Form>
    </>
  );
}
