// Pickers every campaign form shares, so an operator picks things by name rather than typing ids: the live code a
// visitor who is not a customer yet is shown (join code), a coupon pool, and who may take part (eligibility: tags,
// segments, groups, group tiers, stores). Values are the ids the API takes; the server checks each one again.
import { Form, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Eligibility } from '@pond/contracts/activate';
import { useCouponPools } from '../coupon-pools/hooks';
import { useGroups, useGroupTiers } from '../groups/hooks';
import { useLiveCode, useLiveCodes } from '../live-codes/hooks';
import { useSegments } from '../segments/hooks';
import { StoresSelect } from '../staff/pickers';
import { TagSelect } from '../tags/tag-pickers';

interface Picker<T> { value?: T; onChange?: (value: T) => void; disabled?: boolean; testId?: string }

/** A live code (staff or group code) by name, searched on the server. */
export function LiveCodeSelect({ value, onChange, disabled, testId }: Picker<number | null>) {
  const { t } = useTranslation(['campaigns', 'liveCodes']);
  // An acquisition-link code says so: friends then open the link, no QR (ADR 0037).
  const label = (c: { name: string; mode: string }) => (c.mode === 'link' ? `${c.name} · ${t('liveCodes:modes.link')}` : c.name);
  const [q, setQ] = useState('');
  const staff = useLiveCodes({ kind: 'staff', page: 1, pageSize: 50, ...(q ? { q } : {}) });
  const group = useLiveCodes({ kind: 'group', page: 1, pageSize: 50, ...(q ? { q } : {}) });
  const listed = [...(staff.data?.items ?? []), ...(group.data?.items ?? [])];
  // The chosen code shows by name even when it is not among the first page of either list.
  const chosen = useLiveCode(value != null && !listed.some((c) => c.id === value) ? value : undefined);
  const extra = chosen.data && !listed.some((c) => c.id === chosen.data.id) ? [chosen.data] : [];
  const options = [
    { label: t('staffCodes'), title: 'staff', options: [...(staff.data?.items ?? []), ...extra.filter((c) => c.kind === 'staff')].map((c) => ({ value: c.id, label: label(c) })) },
    { label: t('groupCodes'), title: 'group', options: [...(group.data?.items ?? []), ...extra.filter((c) => c.kind !== 'staff')].map((c) => ({ value: c.id, label: c.name })) },
  ];
  return (
    <Select<number | null>
      allowClear showSearch={{ filterOption: false, onSearch: setQ }} value={value ?? null} disabled={disabled}
      onChange={(next) => onChange?.(next ?? null)} options={options} loading={staff.isLoading || group.isLoading}
      placeholder={t('pickCode')} style={{ minWidth: 240 }} data-testid={testId}
    />
  );
}

/** A coupon pool by name, with its face value and what is left. */
export function CouponPoolSelect({ value, onChange, disabled, testId }: Picker<number | null>) {
  const { t } = useTranslation('campaigns');
  const pools = useCouponPools();
  return (
    <Select<number | null>
      allowClear showSearch={{ optionFilterProp: 'label' }} value={value ?? null} disabled={disabled}
      onChange={(next) => onChange?.(next ?? null)} loading={pools.isLoading} placeholder={t('pickPool')} style={{ minWidth: 240 }} data-testid={testId}
      options={(pools.data?.items ?? []).map((p) => ({
        value: p.id,
        label: `${p.name} · ¥${(p.faceValueFen / 100).toFixed(2)} · ${t('poolLeft', { n: p.counts.available })}`,
      }))}
    />
  );
}

function SegmentsSelect({ value, onChange }: Picker<number[]>) {
  const segments = useSegments();
  return (
    <Select<number[]>
      mode="multiple" allowClear showSearch={{ optionFilterProp: 'label' }} value={value ?? []} onChange={(next) => onChange?.(next ?? [])}
      loading={segments.isLoading} options={(segments.data ?? []).map((s) => ({ value: Number(s.id), label: s.name }))}
    />
  );
}

/** Groups by name, searched on the server; the value is their chat ids. */
function GroupsSelect({ value, onChange }: Picker<string[]>) {
  const [q, setQ] = useState('');
  const groups = useGroups({ page: 1, pageSize: 50, status: 'active', ...(q ? { q } : {}) });
  const known = new Map((groups.data?.items ?? []).map((g) => [g.chatId, g.name || g.chatId]));
  const options = [...known].map(([chatId, name]) => ({ value: chatId, label: name }));
  for (const id of value ?? []) if (!known.has(id)) options.push({ value: id, label: id });
  return (
    <Select<string[]>
      mode="multiple" allowClear showSearch={{ filterOption: false, onSearch: setQ }} value={value ?? []} onChange={(next) => onChange?.(next ?? [])}
      loading={groups.isLoading} options={options}
    />
  );
}

function TiersSelect({ value, onChange }: Picker<string[]>) {
  const tiers = useGroupTiers();
  return (
    <Select<string[]>
      mode="tags" allowClear value={value ?? []} onChange={(next) => onChange?.(next ?? [])} loading={tiers.isLoading}
      options={(tiers.data?.tiers ?? []).map((x) => ({ value: x.tier, label: `${x.tier} (${x.groups})` }))}
    />
  );
}

/** The eligibility fields under `name` (default `eligibility`); empty lists mean "everyone". */
export function EligibilityFields({ name = ['eligibility'], only }: { name?: (string | number)[]; only?: (keyof Eligibility)[] }) {
  const { t } = useTranslation('campaigns');
  const show = (k: keyof Eligibility) => !only || only.includes(k);
  return (
    <>
      <Typography.Paragraph type="secondary">{t('eligibilityHint')}</Typography.Paragraph>
      {show('tagIds') ? <Form.Item name={[...name, 'tagIds']} label={t('tags')}><TagSelect /></Form.Item> : null}
      {show('segmentIds') ? <Form.Item name={[...name, 'segmentIds']} label={t('segments')}><SegmentsSelect /></Form.Item> : null}
      {show('chatIds') ? <Form.Item name={[...name, 'chatIds']} label={t('groups')}><GroupsSelect /></Form.Item> : null}
      {show('groupTiers') ? <Form.Item name={[...name, 'groupTiers']} label={t('groupTiers')}><TiersSelect /></Form.Item> : null}
      {show('storeIds') ? <Form.Item name={[...name, 'storeIds']} label={t('stores')}><StoresSelect /></Form.Item> : null}
    </>
  );
}

/** Drops empty lists, as the API's eligibility expects only the conditions set; store ids as numbers. */
export function eligibilityOf(v: Partial<Record<keyof Eligibility, unknown[]>> | undefined): Eligibility {
  const out: Record<string, unknown[]> = {};
  for (const [k, list] of Object.entries(v ?? {})) {
    if (Array.isArray(list) && list.length) out[k] = k === 'storeIds' || k === 'segmentIds' ? list.map(Number) : list;
  }
  return out;
}
