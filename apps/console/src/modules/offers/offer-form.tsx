// Create or edit an offer: the shared campaign fields (name, window, rules, join code, group-exclusive eligibility,
// budget) and the kind's config. Amounts are typed in yuan and sent in fen; the server's 400 lands under its field.
import { Checkbox, DatePicker, Divider, Form, Input, InputNumber, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Eligibility } from '@pond/contracts/activate';
import { FormModal } from '../../components/form-modal';
import { CouponPoolSelect, EligibilityFields, LiveCodeSelect, eligibilityOf } from '../campaigns/audience-fields';
import { isoToPicker, pickerNow, pickerToIso } from '../../lib/format';
import { useSaveOffer, type OfferDetail, type OfferKind } from './hooks';

const YUAN_FIELDS = ['priceFen', 'originalPriceFen', 'startFen', 'floorFen', 'minCutFen', 'maxCutFen'] as const;

interface Values {
  name: string; startsAt: Dayjs; endsAt?: Dayjs | null; rules?: string; joinCodeId?: number | null; eligibility?: Partial<Record<keyof Eligibility, unknown[]>>;
  budgetTotal?: number | null; rewardsPerCustomer?: number | null; config: Record<string, unknown>;
}

const toIso = pickerToIso;
const fromIso = isoToPicker;

export function OfferForm({ kind, offer, onClose }: { kind: OfferKind; offer?: OfferDetail; onClose: () => void }) {
  const { t } = useTranslation('offers');
  const [form] = Form.useForm<Values>();
  const save = useSaveOffer();
  const initial: Partial<Values> = offer
    ? {
      name: offer.name, startsAt: fromIso(String(offer.startsAt)), endsAt: offer.endsAt ? fromIso(String(offer.endsAt)) : null, rules: offer.rules,
      joinCodeId: offer.joinCodeId, eligibility: offer.eligibility,
      budgetTotal: offer.budgetTotalFen === null ? null : offer.budgetTotalFen / 100, rewardsPerCustomer: offer.rewardsPerCustomer,
      config: Object.fromEntries(Object.entries(offer.config).map(([k, v]) => [k, (YUAN_FIELDS as readonly string[]).includes(k) && typeof v === 'number' ? v / 100 : v])),
    }
    : { startsAt: pickerNow(), config: kind === 'coupon' ? { perCustomerLimit: 1, showCountdown: true } : kind === 'groupbuy' ? { groupSize: 3, hours: 24, maxGroupsPerCustomer: 1 } : { hours: 24 } };

  const submit = async (v: Values) => {
    const config: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v.config ?? {})) {
      if (val === undefined || val === '' || val === null) continue;
      config[k] = (YUAN_FIELDS as readonly string[]).includes(k) ? Math.round(Number(val) * 100) : val;
    }
    if (kind === 'bargain') config.newCustomersOnly = !!v.config?.newCustomersOnly;
    if (kind === 'coupon') config.showCountdown = !!v.config?.showCountdown;
    const body = {
      name: v.name, startsAt: toIso(v.startsAt), endsAt: v.endsAt ? toIso(v.endsAt) : null, rules: v.rules ?? '', joinCodeId: v.joinCodeId ?? null,
      eligibility: eligibilityOf(v.eligibility),
      budgetTotalFen: v.budgetTotal == null ? null : Math.round(v.budgetTotal * 100), rewardsPerCustomer: v.rewardsPerCustomer ?? null, config,
    };
    await save.mutateAsync({ id: offer?.id, kind, body });
  };

  const yuan = (name: string) => <InputNumber min={0} step={0.01} precision={2} style={{ width: '100%' }} data-testid={`offer-${name}`} />;
  return (
    <FormModal<Values> title={`${offer ? t('edit') : t('create')} · ${t(`kinds.${kind}`)}`} form={form} initialValues={initial} width={640} success={t('saved')}
      okButtonProps={{ 'data-testid': 'offer-submit' }} onSubmit={submit} onClose={onClose}>
      <Form.Item name="name" label={t('form.name')} rules={[{ required: true, max: 60 }]}><Input data-testid="offer-name" /></Form.Item>
      <Form.Item name="startsAt" label={t('form.startsAt')} rules={[{ required: true }]}><DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" /></Form.Item>
      <Form.Item name="endsAt" label={t('form.endsAt')}><DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" /></Form.Item>
      {kind === 'coupon' && (
        <>
          <Form.Item name={['config', 'couponPoolId']} label={t('form.couponPoolId')} rules={[{ required: true }]}><CouponPoolSelect testId="offer-pool" /></Form.Item>
          <Form.Item name={['config', 'perCustomerLimit']} label={t('form.perCustomerLimit')}><InputNumber min={1} max={100} /></Form.Item>
          <Form.Item name={['config', 'showCountdown']} valuePropName="checked"><Checkbox>{t('form.showCountdown')}</Checkbox></Form.Item>
        </>
      )}
      {kind !== 'coupon' && (
        <>
          <Form.Item name={['config', 'productName']} label={t('form.productName')} rules={[{ required: true, max: 60 }]}><Input /></Form.Item>
          <Form.Item name={['config', 'sku']} label={t('form.sku')} rules={[{ required: true, max: 64 }]}><Input /></Form.Item>
          <Form.Item name={['config', 'imageUrl']} label={t('form.imageUrl')}><Input /></Form.Item>
          <Form.Item name={['config', 'productUrl']} label={t('form.productUrl')} rules={kind === 'bargain' ? [{ required: true }] : []}><Input /></Form.Item>
          <Form.Item name={['config', 'hours']} label={t('form.hours')} rules={[{ required: true }]}><InputNumber min={1} max={168} /></Form.Item>
        </>
      )}
      {kind === 'groupbuy' && (
        <>
          <Form.Item name={['config', 'priceFen']} label={t('form.priceFen')} rules={[{ required: true }]}>{yuan('price')}</Form.Item>
          <Form.Item name={['config', 'originalPriceFen']} label={t('form.originalPriceFen')} rules={[{ required: true }]}>{yuan('original')}</Form.Item>
          <Form.Item name={['config', 'groupSize']} label={t('form.groupSize')} rules={[{ required: true }]}><InputNumber min={2} max={50} /></Form.Item>
          <Form.Item name={['config', 'maxGroupsPerCustomer']} label={t('form.maxGroupsPerCustomer')}><InputNumber min={1} max={100} /></Form.Item>
          <Form.Item name={['config', 'couponPoolId']} label={t('form.couponPoolId')} extra={t('form.poolOrUrl')}><CouponPoolSelect /></Form.Item>
        </>
      )}
      {kind === 'bargain' && (
        <>
          <Form.Item name={['config', 'startFen']} label={t('form.startFen')} rules={[{ required: true }]}>{yuan('start')}</Form.Item>
          <Form.Item name={['config', 'floorFen']} label={t('form.floorFen')} rules={[{ required: true }]}>{yuan('floor')}</Form.Item>
          <Form.Item name={['config', 'minCutFen']} label={t('form.minCutFen')} rules={[{ required: true }]}>{yuan('min-cut')}</Form.Item>
          <Form.Item name={['config', 'maxCutFen']} label={t('form.maxCutFen')} rules={[{ required: true }]}>{yuan('max-cut')}</Form.Item>
          <Form.Item name={['config', 'helpsToFloor']} label={t('form.helpsToFloor')}><InputNumber min={1} max={1000} /></Form.Item>
          <Form.Item name={['config', 'newCustomersOnly']} valuePropName="checked"><Checkbox>{t('form.newCustomersOnly')}</Checkbox></Form.Item>
          <Typography.Paragraph type="secondary">{t('form.bargainBuy')}</Typography.Paragraph>
        </>
      )}
      <Divider />
      <EligibilityFields />
      <Form.Item name="joinCodeId" label={t('form.joinCodeId')}><LiveCodeSelect testId="offer-join-code" /></Form.Item>
      <Form.Item name="budgetTotal" label={t('form.budgetTotal')}><InputNumber min={0} step={0.01} precision={2} style={{ width: '100%' }} /></Form.Item>
      <Form.Item name="rewardsPerCustomer" label={t('form.rewardsPerCustomer')}><InputNumber min={1} max={10000} /></Form.Item>
      <Form.Item name="rules" label={t('form.rules')}><Input.TextArea rows={3} maxLength={2000} /></Form.Item>
    </FormModal>
  );
}
