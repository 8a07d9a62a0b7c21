// Create or edit a planned red-packet rule: when (rounds: days of the week, start and end in the corp's zone, packets
// per round), to whom (eligibility, the live code for non-customers), how much (fixed or random, in yuan), and the
// budget. The server checks every field again; its 400 lands under the field it names.
import { ArrowLeftOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, DatePicker, Flex, Form, Input, InputNumber, Radio, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { Eligibility } from '@pond/contracts/activate';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { PageSpinner } from '../../components/results';
import { showFieldError } from '../../lib/form-errors';
import { isoToPicker, pickerToIso } from '../../lib/format';
import { EligibilityFields, LiveCodeSelect, eligibilityOf } from '../campaigns/audience-fields';
import { weekdayKey } from './redpackets-page';
import { useCreateRedpacket, useRedpacket, useUpdateRedpacket, type CreateBody, type RedpacketDetail } from './hooks';

interface SlotValues { weekdays: number[]; start: string; end: string; count: number }
interface Values {
  name: string; startsAt: Dayjs; endsAt?: Dayjs | null; rules?: string; title: string;
  mode: 'fixed' | 'random'; amountYuan?: number; minYuan?: number; maxYuan?: number;
  slots: SlotValues[]; perCustomerTotal?: number | null;
  budgetTotalYuan?: number | null; budgetDailyYuan?: number | null; joinCodeId?: number | null;
  eligibility?: Partial<Record<keyof Eligibility, unknown[]>>;
}

const fen = (y: number | null | undefined) => (y === null || y === undefined ? null : Math.round(y * 100));
const yuan = (f: number | null | undefined) => (f === null || f === undefined ? null : f / 100);

function toBody(v: Values): CreateBody {
  return {
    name: v.name, startsAt: pickerToIso(v.startsAt), endsAt: v.endsAt ? pickerToIso(v.endsAt) : null, rules: v.rules ?? '',
    budgetTotalFen: fen(v.budgetTotalYuan), budgetDailyFen: fen(v.budgetDailyYuan), joinCodeId: v.joinCodeId ?? null, eligibility: eligibilityOf(v.eligibility),
    config: {
      title: v.title,
      amount: v.mode === 'fixed' ? { mode: 'fixed', amountFen: fen(v.amountYuan) ?? 0 } : { mode: 'random', minFen: fen(v.minYuan) ?? 0, maxFen: fen(v.maxYuan) ?? 0 },
      slots: (v.slots ?? []).map((s) => ({ weekdays: s.weekdays ?? [], start: s.start, end: s.end, count: s.count })),
      perCustomerTotal: v.perCustomerTotal ?? null,
    },
  };
}

function toValues(c: RedpacketDetail): Values {
  const a = c.config.amount;
  return {
    name: c.name, startsAt: isoToPicker(String(c.startsAt)), endsAt: c.endsAt ? isoToPicker(String(c.endsAt)) : null, rules: c.rules, title: c.config.title ?? '红包',
    mode: a.mode, amountYuan: a.mode === 'fixed' ? a.amountFen / 100 : undefined, minYuan: a.mode === 'random' ? a.minFen / 100 : undefined, maxYuan: a.mode === 'random' ? a.maxFen / 100 : undefined,
    slots: c.config.slots.map((s) => ({ weekdays: s.weekdays ?? [], start: s.start, end: s.end, count: s.count })), perCustomerTotal: c.config.perCustomerTotal ?? null,
    budgetTotalYuan: yuan(c.budgetTotalFen), budgetDailyYuan: yuan(c.budgetDailyFen), joinCodeId: c.joinCodeId, eligibility: c.eligibility,
  };
}

const DEFAULTS: Partial<Values> = { title: '红包', mode: 'random', minYuan: 0.5, maxYuan: 2, slots: [{ weekdays: [5], start: '20:00', end: '20:30', count: 100 }] };
const HHMM = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export default function RedpacketFormPage() {
  const { t } = useTranslation(['redpackets', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const params = useParams();
  const id = params.id ? Number(params.id) : null;
  const [form] = Form.useForm<Values>();
  const existing = useRedpacket(id);
  const create = useCreateRedpacket();
  const update = useUpdateRedpacket();
  const mode = Form.useWatch('mode', form);

  useEffect(() => {
    if (existing.data) form.setFieldsValue(toValues(existing.data));
  }, [existing.data, form]);

  if (id !== null && existing.isLoading) return <PageSpinner />;
  if (id !== null && existing.error) return <QueryError query={existing} />;

  const submit = async (v: Values) => {
    try {
      const saved = id === null ? await create.mutateAsync(toBody(v)) : await update.mutateAsync({ id, body: toBody(v) });
      void message.success(t('form.saved'));
      void navigate(`/redpackets/${saved.id}`);
    } catch (e) {
      if (!showFieldError(form, e)) void message.error(e instanceof Error ? e.message : String(e));
    }
  };
  const weekdays = [1, 2, 3, 4, 5, 6, 0].map((d) => ({ value: d, label: t(weekdayKey(d)) }));

  return (
    <>
      <PageHeader
        back={<Button type="text" icon={<ArrowLeftOutlined />} onClick={() => void navigate(id === null ? '/redpackets' : `/redpackets/${id}`)} aria-label="back" />}
        title={id === null ? t('create') : t('edit')}
      />
      {/* "Now" as the corp's wall clock: the picker's values are read in the corp's zone (pickerToIso). */}
      <Form<Values> form={form} layout="vertical" initialValues={{ startsAt: isoToPicker(new Date().toISOString()), ...DEFAULTS }} onFinish={(v) => void submit(v)} style={{ maxWidth: 900 }} data-testid="redpacket-form">
        <Card title={t('form.basics')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item name="name" label={t('form.name')} rules={[{ required: true, max: 60 }]}><Input data-testid="redpacket-name" /></Form.Item>
          <Flex gap={16} wrap>
            <Form.Item name="startsAt" label={t('form.startsAt')} rules={[{ required: true }]}><DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" /></Form.Item>
            <Form.Item name="endsAt" label={t('form.endsAt')}><DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" /></Form.Item>
          </Flex>
          <Form.Item name="rules" label={t('form.rules')} rules={[{ max: 2000 }]}><Input.TextArea rows={2} /></Form.Item>
        </Card>
        <Card title={t('form.when')} size="small" style={{ marginBottom: 16 }} extra={t('form.whenHint')}>
          <Form.List name="slots">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Flex key={f.key} gap={8} wrap align="start" data-testid="redpacket-slot">
                    <Form.Item name={[f.name, 'weekdays']} label={t('form.weekdays')} extra={t('form.everyDay')}><Checkbox.Group options={weekdays} /></Form.Item>
                    <Form.Item name={[f.name, 'start']} label={t('form.start')} rules={[{ required: true, pattern: HHMM, message: 'HH:mm' }]}><Input style={{ width: 90 }} placeholder="20:00" /></Form.Item>
                    <Form.Item name={[f.name, 'end']} label={t('form.end')} rules={[{ required: true, pattern: HHMM, message: 'HH:mm' }]}><Input style={{ width: 90 }} placeholder="20:30" /></Form.Item>
                    <Form.Item name={[f.name, 'count']} label={t('form.count')} rules={[{ required: true }]}><InputNumber min={1} max={100000} /></Form.Item>
                    {fields.length > 1 ? <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} style={{ marginTop: 30 }} aria-label="remove" /> : null}
                  </Flex>
                ))}
                {fields.length < 10 ? <Button icon={<PlusOutlined />} onClick={() => add({ weekdays: [], start: '12:00', end: '12:30', count: 100 })}>{t('form.addSlot')}</Button> : null}
              </>
            )}
          </Form.List>
        </Card>
        <Card title={t('form.howMuch')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item name="title" label={t('form.title')} rules={[{ required: true, max: 32 }]}><Input style={{ maxWidth: 240 }} /></Form.Item>
          <Form.Item name="mode" label={t('form.mode')}>
            <Radio.Group options={[{ value: 'fixed', label: t('form.fixed') }, { value: 'random', label: t('form.random') }]} />
          </Form.Item>
          {mode === 'fixed' ? (
            <Form.Item name="amountYuan" label={t('form.amount')} rules={[{ required: true }]}><InputNumber min={0.1} max={200} precision={2} data-testid="redpacket-amount" /></Form.Item>
          ) : (
            <Space>
              <Form.Item name="minYuan" label={t('form.min')} rules={[{ required: true }]}><InputNumber min={0.1} max={200} precision={2} /></Form.Item>
              <Form.Item name="maxYuan" label={t('form.max')} rules={[{ required: true }]}><InputNumber min={0.1} max={200} precision={2} /></Form.Item>
            </Space>
          )}
          <Form.Item name="perCustomerTotal" label={t('form.perCustomerTotal')}><InputNumber min={1} max={10000} /></Form.Item>
        </Card>
        <Card title={t('form.toWhom')} size="small" style={{ marginBottom: 16 }}>
          <EligibilityFields />
          <Form.Item name="joinCodeId" label={t('form.joinCodeId')}><LiveCodeSelect testId="redpacket-join-code" /></Form.Item>
        </Card>
        <Card title={t('form.budget')} size="small" style={{ marginBottom: 16 }}>
          <Flex gap={16} wrap>
            <Form.Item name="budgetTotalYuan" label={t('form.budgetTotal')}><InputNumber min={0} precision={2} /></Form.Item>
            <Form.Item name="budgetDailyYuan" label={t('form.budgetDaily')}><InputNumber min={0} precision={2} /></Form.Item>
          </Flex>
        </Card>
        <Space>
          <Button type="primary" htmlType="submit" loading={create.isPending || update.isPending} data-testid="redpacket-save">{t('form.save')}</Button>
          <Button onClick={() => void navigate(id === null ? '/redpackets' : `/redpackets/${id}`)}>{t('common:cancel')}</Button>
        </Space>
      </Form>
    </>
  );
}
