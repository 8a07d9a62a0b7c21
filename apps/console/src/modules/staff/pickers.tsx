// Selects shared by list filters and admin forms: staff (searched on the server, since a chain
// has thousands) and stores (one short list).
import { Select, TreeSelect } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { useDepartments, useStaffList, useStores, type Department } from './hooks';

interface StaffSelectProps {
  value?: string;
  onChange?: (value: string | undefined) => void;
  placeholder?: string;
  style?: React.CSSProperties;
  allowClear?: boolean;
  /** Offer only staff with customer contact (客户联系) enabled; the others are shown disabled. */
  followOnly?: boolean;
  /** Names for ids that may not be on the first page of results (userid → name). */
  knownNames?: ReadonlyMap<string, string>;
  /** Ids to show disabled (already chosen elsewhere in the same form). */
  disabledIds?: ReadonlySet<string>;
}

function useStaffOptions(search: string, selected: readonly string[], opts: Pick<StaffSelectProps, 'followOnly' | 'knownNames' | 'disabledIds'>) {
  const { t } = useTranslation('staff');
  const q = useDebouncedValue(search, 250);
  const staff = useStaffList({ q: q || undefined, pageSize: 50 });
  const { followOnly, knownNames, disabledIds } = opts;
  const options = useMemo(() => {
    const list = (staff.data?.items ?? []).map((s) => {
      const noContact = followOnly && !s.isFollowUser;
      return {
        value: s.userid,
        label: noContact ? `${s.name} (${s.userid}) · ${t('followUserOff')}` : `${s.name} (${s.userid})`,
        disabled: noContact || (disabledIds?.has(s.userid) && !selected.includes(s.userid)),
      };
    });
    for (const id of selected) {
      if (!list.some((o) => o.value === id)) {
        const name = knownNames?.get(id);
        list.unshift({ value: id, label: name ? `${name} (${id})` : id, disabled: false });
      }
    }
    return list;
  }, [staff.data, selected, followOnly, knownNames, disabledIds, t]);
  return { options, loading: staff.isFetching };
}

export function StaffSelect({ value, onChange, placeholder, style, allowClear = true, followOnly, knownNames, disabledIds }: StaffSelectProps) {
  const { t } = useTranslation('staff');
  const [search, setSearch] = useState('');
  const selected = useMemo(() => (value ? [value] : []), [value]);
  const { options, loading } = useStaffOptions(search, selected, { followOnly, knownNames, disabledIds });

  return (
    <Select<string>
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear={allowClear}
      value={value}
      onChange={(next) => onChange?.(next ?? undefined)}
      onClear={() => setSearch('')}
      placeholder={placeholder ?? t('pickStaff')}
      options={options}
      loading={loading}
      style={style}
    />
  );
}

interface StaffMultiSelectProps {
  value?: string[];
  onChange?: (value: string[]) => void;
  placeholder?: string;
  style?: React.CSSProperties;
  followOnly?: boolean;
  knownNames?: ReadonlyMap<string, string>;
  disabledIds?: ReadonlySet<string>;
}

/** Several staff members, searched on the server like StaffSelect. */
export function StaffMultiSelect({ value, onChange, placeholder, style, followOnly, knownNames, disabledIds }: StaffMultiSelectProps) {
  const { t } = useTranslation('staff');
  const [search, setSearch] = useState('');
  const selected = useMemo(() => value ?? [], [value]);
  const { options, loading } = useStaffOptions(search, selected, { followOnly, knownNames, disabledIds });
  return (
    <Select<string[]>
      mode="multiple"
      allowClear
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value}
      onChange={(next) => {
        onChange?.(next ?? []);
        setSearch('');
      }}
      placeholder={placeholder ?? t('pickStaff')}
      options={options}
      loading={loading}
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

interface TreeNode {
  value: string;
  title: string;
  children: TreeNode[];
}

export function buildDepartmentTree(departments: Department[]): TreeNode[] {
  const nodes = new Map<number, TreeNode>();
  for (const d of departments) nodes.set(d.id, { value: String(d.id), title: d.name, children: [] });
  const roots: TreeNode[] = [];
  const sorted = [...departments].sort((a, b) => a.order - b.order);
  for (const d of sorted) {
    const node = nodes.get(d.id)!;
    const parent = d.parentId !== null ? nodes.get(d.parentId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

interface DepartmentSelectProps {
  value?: number | null;
  onChange?: (value: number | null) => void;
  placeholder?: string;
  style?: React.CSSProperties;
}

/** One department, as WeCom's numeric id. */
export function DepartmentSelect({ value, onChange, placeholder, style }: DepartmentSelectProps) {
  const departments = useDepartments();
  const tree = useMemo(() => buildDepartmentTree(departments.data?.items ?? []), [departments.data]);
  return (
    <TreeSelect<string>
      allowClear
      treeDefaultExpandAll
      showSearch={{ treeNodeFilterProp: 'title' }}
      value={value === null || value === undefined ? undefined : String(value)}
      onChange={(next?: string) => onChange?.(next ? Number(next) : null)}
      treeData={tree}
      loading={departments.isLoading}
      placeholder={placeholder}
      style={style}
    />
  );
}
