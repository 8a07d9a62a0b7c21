// Selects shared by list filters and admin forms: staff (searched on the server, since a chain
// has thousands) and stores (one short list).
import { Select } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { useStaffList, useStores } from './hooks';

interface StaffSelectProps {
  value?: string;
  onChange?: (value: string | undefined) => void;
  placeholder?: string;
  style?: React.CSSProperties;
  allowClear?: boolean;
}

export function StaffSelect({ value, onChange, placeholder, style, allowClear = true }: StaffSelectProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search, 250);
  const staff = useStaffList({ q: q || undefined, pageSize: 50 });

  const options = useMemo(() => {
    const list = (staff.data?.items ?? []).map((s) => ({ value: s.userid, label: `${s.name} (${s.userid})` }));
    if (value && !list.some((o) => o.value === value)) list.unshift({ value, label: value });
    return list;
  }, [staff.data, value]);

  return (
    <Select<string>
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear={allowClear}
      value={value}
      onChange={(next) => onChange?.(next ?? undefined)}
      onClear={() => setSearch('')}
      placeholder={placeholder ?? t('staff.pickStaff')}
      options={options}
      loading={staff.isFetching}
      style={style}
    />
  );
}

interface StoreSelectProps {
  value?: string;
  onChange?: (value: string | undefined) => void;
  placeholder?: string;
  style?: React.CSSProperties;
}

function useStoreOptions() {
  const stores = useStores();
  const options = (stores.data?.items ?? []).map((s) => ({
    id: s.id,
    label: s.city ? `${s.name} · ${s.city}` : s.name,
  }));
  return { options, loading: stores.isLoading };
}

/** One store, as a string id (the form list filters keep in the URL). */
export function StoreSelect({ value, onChange, placeholder, style }: StoreSelectProps) {
  const { options, loading } = useStoreOptions();
  return (
    <Select<string>
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      value={value}
      onChange={(next) => onChange?.(next ?? undefined)}
      placeholder={placeholder}
      options={options.map((o) => ({ value: String(o.id), label: o.label }))}
      loading={loading}
      style={style}
    />
  );
}

interface StoresSelectProps {
  value?: (number | string)[];
  onChange?: (value: (number | string)[]) => void;
  placeholder?: string;
}

/** Several stores, with the ids as the server sends them (for users and tokens). */
export function StoresSelect({ value, onChange, placeholder }: StoresSelectProps) {
  const { options, loading } = useStoreOptions();
  return (
    <Select<(number | string)[]>
      mode="multiple"
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      value={value}
      onChange={(next) => onChange?.(next ?? [])}
      placeholder={placeholder}
      options={options.map((o) => ({ value: o.id, label: o.label }))}
      loading={loading}
    />
  );
}
