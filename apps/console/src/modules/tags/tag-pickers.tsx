import { Select, Tag, Tooltip, TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import { useTagIndex, useTags } from './hooks';

interface TagSelectProps {
  value?: string[];
  onChange?: (value: string[]) => void;
  placeholder?: string;
  style?: React.CSSProperties;
}

/** Several tags, offered under their tag groups. */
export function TagSelect({ value, onChange, placeholder, style }: TagSelectProps) {
  const tags = useTags();
  const options = (tags.data?.groups ?? []).map((group) => ({
    label: group.name,
    title: group.name,
    options: group.tags.map((tag) => ({ value: tag.id, label: tag.name })),
  }));
  return (
    <Select<string[]>
      mode="multiple"
      allowClear
      maxTagCount="responsive"
      showSearch={{ optionFilterProp: 'label' }}
      value={value}
      onChange={(next) => onChange?.(next ?? [])}
      placeholder={placeholder}
      options={options}
      loading={tags.isLoading}
      style={style}
    />
  );
}

/** Several tags as a tree: tick a group to take all its tags; only tag ids are returned. */
export function TagTreeSelect({ value, onChange, placeholder, style }: TagSelectProps) {
  const tags = useTags();
  const treeData = (tags.data?.groups ?? []).map((group) => ({
    value: `group:${group.id}`,
    title: group.name,
    children: [...group.tags].sort((a, b) => a.order - b.order).map((tag) => ({ value: tag.id, title: tag.name })),
  }));
  return (
    <TreeSelect<string[]>
      treeCheckable
      showCheckedStrategy={TreeSelect.SHOW_CHILD}
      allowClear
      showSearch={{ treeNodeFilterProp: 'title' }}
      maxTagCount="responsive"
      value={value}
      onChange={(next) => onChange?.((next ?? []).filter((v) => !v.startsWith('group:')))}
      placeholder={placeholder}
      treeData={treeData}
      loading={tags.isLoading}
      style={style}
    />
  );
}

/** Tag ids shown as their names; an id unknown to Pond (deleted, or not synced yet) shows as is. */
export function TagList({ ids, max }: { ids: readonly string[] | null | undefined; max?: number }) {
  const { t } = useTranslation();
  const index = useTagIndex();
  if (!ids || ids.length === 0) return <>{t('none')}</>;
  const shown = max !== undefined ? ids.slice(0, max) : ids;
  const rest = ids.length - shown.length;
  return (
    <span>
      {shown.map((id) => {
        const info = index.get(id);
        return (
          <Tooltip key={id} title={info ? info.groupName : id}>
            <Tag color={info ? 'blue' : undefined} style={{ marginBlock: 2 }}>
              {info ? info.name : id}
            </Tag>
          </Tooltip>
        );
      })}
      {rest > 0 ? (
        <Tooltip title={ids.slice(shown.length).map((id) => index.get(id)?.name ?? id).join('、')}>
          <Tag style={{ marginBlock: 2 }}>+{rest}</Tag>
        </Tooltip>
      ) : null}
    </span>
  );
}
