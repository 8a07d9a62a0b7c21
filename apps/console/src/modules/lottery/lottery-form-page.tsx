// Create or edit a lottery: basics, entry cost (free / points / paid product), limits and display, budget, and the
// prizes (1–12 slots). Once published the prize list is fixed: only stock may change (the server refuses the rest).
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, DatePicker, Flex, Form, Input, InputNumber, Radio, Select, Space, Spin } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { Eligibility } from '@pond/contracts/activate';
import { PageHeader } from '../../components/page-header';
import { CouponPoolSelect, EligibilityFields, LiveCodeSelect, eligibilityOf } from '../campaigns/audience-fields';
import { QueryError } from '../../components/query-error';
import { showFieldError } from '../../lib/form-errors';
import { isoToPicker, pickerNow, pickerToIso } from '../../lib/format';
import { PRIZE_KINDS, useCreateLottery, useLottery, useUpdateLottery, type EntryCost, type LotteryInput, type PrizeInput } from './hooks';

interface FormValues {
  name: string; startsAt: Dayjs; endsAt: Dayjs | null; rules: string;
  entryKind: EntryCost['kind']; points?: number; sku?: string; priceFen?: number; entriesPerOrder?: number; productUrl?: string;
  perDay: number | null; total: number | null; display: 'wheel' | 'grid';
  budgetTotalFen: number | null; budgetDailyFen: number | null; rewardsPerCustomer: number | null;
  joinCodeId: number | null; eligibility?: Partial<Record<keyof Eligibility, unknown[]>>;
  prizes: (PrizeInput & { stock: number | null })[];
}

const NEW_PRIZE: FormValues['prizes'][number] = { name: '', kind: 'points', weight: 10, stock: 10, couponPoolId: null, points: 10, amountFen: 0, costFen: 0, imageUrl: null };

function toInput(v: FormValues): LotteryInput {
  const entry: EntryCost = v.entryKind === 'points' ? { kind: 'points', points: v.points ?? 1 }
    : v.entryKind === 'paid' ? { kind: 'paid', sku: v.sku ?? '', priceFen: v.priceFen ?? 1, entriesPerOrder: v.entriesPerOrder ?? 1, ...(v.productUrl ? { productUrl: v.productUrl } : {}) }
    : { kind: 'free' };
  return {
    name: v.name, startsAt: pickerToIso(v.startsAt), endsAt: v.endsAt ? pickerToIso(v.endsAt) : null, rules: v.rules ?? '', entry,
    config: { perDay: v.perDay ?? null, total: v.total ?? null, display: v.display },
    budgetTotalFen: v.budgetTotalFen ?? null, budgetDailyFen: v.budgetDailyFen ?? null, rewardsPerCustomer: v.rewardsPerCustomer ?? null, joinCodeId: v.joinCodeId ?? null,
    eligibility: eligibilityOf(v.eligibility),
    prizes: v.prizes.map((p) => ({
      ...(p.id ? { id: p.id } : {}), name: p.name, kind: p.kind, weight: p.weight ?? 0, stock: p.stock ?? null, couponPoolId: p.kind === 'coupon' ? p.couponPoolId ?? null : null,
      points: p.kind === 'points' ? p.points ?? 0 : 0, amountFen: p.kind === 'redpacket' ? p.amountFen ?? 0 : 0, costFen: p.costFen ?? 0, imageUrl: p.imageUrl || null,
    })),
  };
}

export default function LotteryFormPage() {
  const { id: idParam } = useParams();
  const id = idParam ? Number(idParam) : undefined;
  const { t } = useTranslation('lottery');
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<FormValues>();
  const existing = useLottery(id);
  const create = useCreateLottery();
  const update = useUpdateLottery(id ?? 0);
  const locked = !!existing.data && existing.data.status !== 'draft';
  const entryKind = Form.useWatch('entryKind', form);

  useEffect(() => {
    const l = existing.data;
    if (!l) return;
    form.setFieldsValue({
      name: l.name, startsAt: isoToPicker(l.startsAt), endsAt: l.endsAt ? isoToPicker(l.endsAt) : null, rules: l.rules, entryKind: l.entry.kind,
      ...(l.entry.kind === 'points' ? { points: l.entry.points } : {}),
      ...(l.entry.kind === 'paid' ? { sku: l.entry.sku, priceFen: l.entry.priceFen, entriesPerOrder: l.entry.entriesPerOrder, productUrl: l.entry.productUrl } : {}),
      perDay: l.config.perDay, total: l.config.total, display: l.config.display,
      budgetTotalFen: l.budgetTotalFen, budgetDailyFen: l.budgetDailyFen, rewardsPerCustomer: l.rewardsPerCustomer,
      joinCodeId: l.joinCodeId, eligibility: l.eligibility,
      prizes: l.prizes.map((p) => ({ id: p.id, name: p.name, kind: p.kind, weight: p.weight, stock: p.stock, couponPoolId: p.couponPoolId, points: p.points, amountFen: p.amountFen, costFen: p.costFen, imageUrl: p.imageUrl })),
    });
  }, [existing.data, form]);

  const save = async (v: FormValues) => {
    try {
      const input = toInput(v);
      const saved = id ? await update.mutateAsync(input) : await create.mutateAsync(input);
      void message.success(t('form.saved'));
      void navigate(`/lotteries/${saved.id}`);
    } catch (error) {
      if (!showFieldError(form, error)) void message.error(error instanceof Error ? error.message : String(error));
    }
  };

  if (id && existing.error) return <QueryError query={existing} />;
  if (id && !existing.data) return <Spin />;
  return (
    <>
      <PageHeader title={id ? t('edit') : t('create')} />
      <Form<FormValues> form={form} layout="vertical" onFinish={(v) => void save(v)} data-testid="lottery-form"
        initialValues={{ startsAt: pickerNow(), endsAt: null, rules: '', entryKind: 'free', perDay: 1, total: null, display: 'wheel', entriesPerOrder: 1, priceFen: 1,
          budgetTotalFen: null, budgetDailyFen: null, rewardsPerCustomer: null, joinCodeId: null, prizes: [{ ...NEW_PRIZE, name: '谢谢参与', kind: 'nothing', weight: 50, stock: null }] }}>
        <Card title={t('form.basics')} size="small" style={{ marginBottom: 12 }}>
          <Form.Item name="name" label={t('form.name')} rules={[{ required: true, max: 60 }]}><Input data-testid="lottery-name" /></Form.Item>
          <Flex gap={12} wrap>
            <Form.Item name="startsAt" label={t('form.startsAt')} rules={[{ required: true }]}><DatePicker showTime /></Form.Item>
            <Form.Item name="endsAt" label={t('form.endsAt')}><DatePicker showTime /></Form.Item>
          </Flex>
          <Form.Item name="rules" label={t('form.rules')} rules={[{ max: 2000 }]}><Input.TextArea rows={3} /></Form.Item>
        </Card>
        <Card title={t('form.entry')} size="small" style={{ marginBottom: 12 }}>
          <Form.Item name="entryKind" label={t('form.entryKind')}>
            <Radio.Group options={(['free', 'points', 'paid'] as const).map((k) => ({ value: k, label: t(`entryKinds.${k}`, { points: 'N', price: '0.01', sku: 'SKU' }) }))} />
          </Form.Item>
          {entryKind === 'points' && <Form.Item name="points" label={t('form.points')} rules={[{ required: true }]}><InputNumber min={1} max={1_000_000} /></Form.Item>}
          {entryKind === 'paid' && (
            <Flex gap={12} wrap>
              <Form.Item name="sku" label={t('form.sku')} rules={[{ required: true, max: 64 }]}><Input /></Form.Item>
              <Form.Item name="priceFen" label={t('form.priceFen')} rules={[{ required: true }]}><InputNumber min={1} /></Form.Item>
              <Form.Item name="entriesPerOrder" label={t('form.entriesPerOrder')}><InputNumber min={1} max={100} /></Form.Item>
              <Form.Item name="productUrl" label={t('form.productUrl')} rules={[{ type: 'url' }]}><Input style={{ width: 320 }} /></Form.Item>
            </Flex>
          )}
        </Card>
        <Card title={t('form.audience')} size="small" style={{ marginBottom: 12 }}>
          <EligibilityFields />
          <Form.Item name="joinCodeId" label={t('form.joinCodeId')} extra={t('form.joinCodeHint')}><LiveCodeSelect testId="lottery-join-code" /></Form.Item>
        </Card>
        <Card title={t('form.limits')} size="small" style={{ marginBottom: 12 }}>
          <Flex gap={12} wrap>
            <Form.Item name="perDay" label={t('form.perDay')}><InputNumber min={1} max={1000} /></Form.Item>
            <Form.Item name="total" label={t('form.total')}><InputNumber min={1} max={100000} /></Form.Item>
            <Form.Item name="display" label={t('form.display')}><Radio.Group options={[{ value: 'wheel', label: t('form.wheel') }, { value: 'grid', label: t('form.grid') }]} /></Form.Item>
          </Flex>
          <Flex gap={12} wrap>
            <Form.Item name="budgetTotalFen" label={t('form.budgetTotalFen')}><InputNumber min={0} /></Form.Item>
            <Form.Item name="budgetDailyFen" label={t('form.budgetDailyFen')}><InputNumber min={0} /></Form.Item>
            <Form.Item name="rewardsPerCustomer" label={t('form.rewardsPerCustomer')}><InputNumber min={1} /></Form.Item>
          </Flex>
        </Card>
        <Card title={t('form.prizes')} size="small" style={{ marginBottom: 12 }}>
          {locked && <Alert type="info" showIcon message={t('form.lockedPrizes')} style={{ marginBottom: 12 }} />}
          <Form.List name="prizes">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="start" wrap style={{ display: 'flex', marginBottom: 4 }} data-testid="lottery-prize-row">
                    <Form.Item name={[f.name, 'id']} hidden><InputNumber /></Form.Item>
                    <Form.Item name={[f.name, 'name']} label={t('form.prizeName')} rules={[{ required: true, max: 40 }]}><Input disabled={locked} style={{ width: 140 }} /></Form.Item>
                    <Form.Item name={[f.name, 'kind']} label={t('form.kind')}>
                      <Select disabled={locked} style={{ width: 120 }} options={PRIZE_KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'weight']} label={t('form.weight')} rules={[{ required: true }]}><InputNumber disabled={locked} min={0} style={{ width: 90 }} /></Form.Item>
                    <Form.Item name={[f.name, 'stock']} label={t('form.stock')}><InputNumber min={0} style={{ width: 90 }} /></Form.Item>
                    <Form.Item noStyle shouldUpdate>
                      {() => {
                        const kind = form.getFieldValue(['prizes', f.name, 'kind']) as string;
                        return (
                          <>
                            {kind === 'coupon' && <Form.Item name={[f.name, 'couponPoolId']} label={t('form.couponPoolId')} rules={[{ required: true }]}><CouponPoolSelect disabled={locked} /></Form.Item>}
                            {kind === 'points' && <Form.Item name={[f.name, 'points']} label={t('form.prizePoints')}><InputNumber disabled={locked} min={1} /></Form.Item>}
                            {kind === 'redpacket' && <Form.Item name={[f.name, 'amountFen']} label={t('form.amountFen')}><InputNumber disabled={locked} min={100} max={20000} /></Form.Item>}
                          </>
                        );
                      }}
                    </Form.Item>
                    <Form.Item name={[f.name, 'costFen']} label={t('form.costFen')}><InputNumber disabled={locked} min={0} style={{ width: 100 }} /></Form.Item>
                    <Form.Item name={[f.name, 'imageUrl']} label={t('form.imageUrl')}><Input disabled={locked} style={{ width: 200 }} /></Form.Item>
                    {!locked && fields.length > 1 && <MinusCircleOutlined style={{ marginTop: 38 }} onClick={() => remove(f.name)} />}
                  </Space>
                ))}
                {!locked && fields.length < 12 && <Button icon={<PlusOutlined />} onClick={() => add({ ...NEW_PRIZE })} data-testid="lottery-add-prize">{t('form.addPrize')}</Button>}
              </>
            )}
          </Form.List>
        </Card>
        <Button type="primary" htmlType="submit" loading={create.isPending || update.isPending} data-testid="lottery-save">{t('form.save')}</Button>
      </Form>
    </>
  );
}
