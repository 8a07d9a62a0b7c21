// Condition inputs that customer segments and group segments share (match mode, staff, stores,
// at least / at most, a date range); each page's condition editor composes them with its own.
import { DatePicker, Select, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { RFM_BUCKETS, type RfmBucket } from '../customers/hooks';
import { StaffMultiSelect, StoresSelect } from '../staff/pickers';

export type MatchMode = 'any' | 'all' | 'none';
export type CountOp = 'atLeast' | 'atMost';

export function MatchModeSelect({ value, onChange }: { value: MatchMode; onChange: (mode: MatchMode) => void }) {
  const { t } = useTranslation('segments');
  return (
    <Select
      value={value}
      onChange={onChange}
      options={(['any', 'all', 'none'] as const).map((m) => ({ value: m, label: t(`tagModes.${m}`) }))}
      style={{ width: 120 }}
    />
  );
}

export function StaffField({ value, onChange }: { value: string[]; onChange: (userids: string[]) => void }) {
  return (
    <div style={{ minWidth: 260 }}>
      <StaffMultiSelect value={value} onChange={onChange} style={{ width: 280 }} />
    </div>
  );
}

export function StoresField({ value, onChange }: { value: (number | string)[]; onChange: (storeIds: (number | string)[]) => void }) {
  const { t } = useTranslation('segments');
  return (
    <div style={{ minWidth: 260 }}>
      <StoresSelect value={value} onChange={onChange} placeholder={t('pickStores')} />
    </div>
  );
}

export function OpSelect({ value, onChange }: { value: CountOp; onChange: (op: CountOp) => void }) {
  const { t } = useTranslation('segments');
  return (
    <Select
      value={value}
      onChange={onChange}
      options={[
        { value: 'atLeast', label: t('atLeast') },
        { value: 'atMost', label: t('atMost') },
      ]}
      style={{ width: 90 }}
    />
  );
}

/** A day range with either end open; onChange gets only the ends that are set (YYYY-MM-DD). */
export function DateRangeField({ from, to, onChange }: { from?: string; to?: string; onChange: (range: { from?: string; to?: string }) => void }) {
  return (
    <DatePicker.RangePicker
      allowEmpty={[true, true]}
      value={[from ? dayjs(from) : null, to ? dayjs(to) : null]}
      onChange={(range) => {
        const next: { from?: string; to?: string } = {};
        if (range?.[0]) next.from = range[0].format('YYYY-MM-DD');
        if (range?.[1]) next.to = range[1].format('YYYY-MM-DD');
        onChange(next);
      }}
    />
  );
}

/** The eight RFM buckets (重要价值 … 一般挽留), each option explaining its R/F/M levels. */
export function RfmBucketsField({ value, onChange }: { value: RfmBucket[]; onChange: (buckets: RfmBucket[]) => void }) {
  const { t } = useTranslation(['segments', 'common']);
  return (
    <Select<RfmBucket[]>
      mode="multiple"
      value={value}
      onChange={onChange}
      placeholder={t('pickBuckets')}
      style={{ minWidth: 280 }}
      data-testid="segment-rfm-buckets"
      options={RFM_BUCKETS.map((b) => ({
        value: b,
        label: (
          <Tooltip title={t(`common:rfm.bucketHints.${b}`)} placement="right">
            <span>{t(`common:rfm.buckets.${b}`)}</span>
          </Tooltip>
        ),
        title: t(`common:rfm.buckets.${b}`),
      }))}
      optionLabelProp="title"
    />
  );
}
