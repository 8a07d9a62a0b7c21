// Pickers shared by the wizard and the edit modal: a live code of a kind (the invite step's staff code, the service
// path's group code), and an existing campaign a model's step may link (选择已有 Use existing) — the server's list of
// eligible campaigns (its kind and config, not ended, in no other path), plus the one linked now when editing.
import { Select } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { isoToPicker } from '../../lib/format';
import { useCodes, useEligible, type EligibleCampaign, type FissionModel } from './hooks';

export function CodeSelect({ kind, testId, ...rest }: { kind: 'staff' | 'group'; testId: string; value?: number; onChange?: (v: number) => void }) {
  const codes = useCodes(kind);
  return (
    <Select {...rest} showSearch optionFilterProp="label" loading={codes.isLoading} style={{ maxWidth: 420 }} data-testid={testId}
      options={(codes.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name} (#${c.id})` }))} />
  );
}

/**
 * The path's window for a linked campaign, as the pickers show it: from now (to the next whole minute, as pickers
 * count) or the campaign's start if later, to the campaign's end — the server wants the path's window inside it.
 */
export function windowFor(c: EligibleCampaign): { startsAt: dayjs.Dayjs; endsAt: dayjs.Dayjs | null } {
  const from = dayjs(Math.max(Date.now(), Date.parse(c.startsAt)));
  const start = from.second() || from.millisecond() ? from.add(1, 'minute').startOf('minute') : from;
  return { startsAt: isoToPicker(start.toISOString()), endsAt: c.endsAt ? isoToPicker(c.endsAt) : null };
}

export function EligibleSelect({ model, current, onPicked, value, onChange }: {
  model: FissionModel;
  /** The campaign linked now (editing a draft path): offered first. */
  current?: number | null;
  onPicked?: (c: EligibleCampaign) => void;
  value?: number;
  onChange?: (v: number) => void;
}) {
  const { t } = useTranslation('fission');
  const list = useEligible(model);
  const items = list.data?.items ?? [];
  const label = (c: EligibleCampaign) =>
    `${c.name} (#${c.id}) · ${t(`statuses.${c.status}`)} · ${c.summary} · ${t('wizard.participants', { n: c.participants })}`;
  const options = [
    ...(current && !items.some((c) => c.id === current) ? [{ value: current, label: `#${current} · ${t('edit.current')}` }] : []),
    ...items.map((c) => ({ value: c.id, label: label(c) })),
  ];
  return (
    <Select value={value} showSearch optionFilterProp="label" loading={list.isLoading} style={{ maxWidth: 640 }} data-testid="fission-existing-campaign"
      notFoundContent={t('wizard.existingEmpty')} options={options}
      onChange={(id: number) => {
        onChange?.(id);
        const c = items.find((x) => x.id === id);
        if (c) onPicked?.(c);
      }} />
  );
}
