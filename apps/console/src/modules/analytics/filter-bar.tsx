// The filters every Measure page shows: period, store, staff, channel (kept in the URL), and the page's own choices.
import { Select, Space } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { RangeFilter } from '../live-codes/stats-widgets';
import { StaffSelect, StoreSelect } from '../staff/pickers';
import { useChannels, type Filters } from './hooks';

export function FilterBar({ f, set, period, children }: { f: Filters; set: (p: Filters) => void; period?: { from: string; to: string }; children?: ReactNode }) {
  const { t } = useTranslation('analytics');
  const channels = useChannels();
  return (
    <Space wrap style={{ marginBottom: 16 }} data-testid="analytics-filters">
      <RangeFilter range={{ from: f.from, to: f.to }} stats={period}
        onChange={(r) => set({ from: r ? r[0].format('YYYY-MM-DD') : undefined, to: r ? r[1].format('YYYY-MM-DD') : undefined })} />
      <StoreSelect value={f.storeId} onChange={(v) => set({ storeId: v })} placeholder={t('filters.store')} style={{ width: 180 }} />
      <StaffSelect value={f.userid} onChange={(v) => set({ userid: v })} placeholder={t('filters.staff')} style={{ width: 200 }} />
      <Select allowClear placeholder={t('filters.allChannels')} style={{ width: 160 }} value={f.channel} onChange={(v: string | undefined) => set({ channel: v })}
        options={(channels.data?.items ?? []).map((c) => ({ value: c, label: c }))} data-testid="analytics-channel" />
      {children}
    </Space>
  );
}

export const pct = (v: number | null | undefined, digits = 1) => (typeof v === 'number' ? `${(v * 100).toFixed(digits)}%` : '—');
export const yuan = (v: number | null | undefined) => (typeof v === 'number' ? `¥${v.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}` : '—');
export const asOf = (at: string | null) => (at ? dayjs(at).format('YYYY-MM-DD HH:mm') : '—');
