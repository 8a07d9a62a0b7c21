// The AND/OR rule tree editor shared by customer segments and group segments: groups of conditions
// (one level of nesting under the root); each page brings its own condition types and their editors.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Segmented, Select, Space, Typography } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface RuleTree<C> {
  op: 'and' | 'or';
  conditions: (C | RuleTree<C>)[];
}

export const isRuleTree = <C,>(c: C | RuleTree<C>): c is RuleTree<C> =>
  typeof c === 'object' && c !== null && 'op' in c && 'conditions' in c && !('type' in c);

/** Whether every group has a condition and every condition has its values: only then is it previewed. */
export function treeComplete<C>(rule: RuleTree<C>, conditionComplete: (c: C) => boolean): boolean {
  return rule.conditions.length > 0 && rule.conditions.every((c) => (isRuleTree(c) ? treeComplete(c, conditionComplete) : conditionComplete(c)));
}

export interface RuleEditorProps<C extends { type: string }> {
  group: RuleTree<C>;
  onChange: (g: RuleTree<C>) => void;
  types: C['type'][];
  typeLabel: (type: C['type']) => string;
  newCondition: (type: C['type']) => C;
  renderCondition: (c: C, onChange: (c: C) => void) => ReactNode;
}

export function RuleEditor<C extends { type: string }>(props: RuleEditorProps<C>) {
  return <GroupEditor {...props} depth={0} />;
}

function GroupEditor<C extends { type: string }>(props: RuleEditorProps<C> & { depth: number; onRemove?: () => void }) {
  const { group, onChange, depth, onRemove, types, typeLabel, newCondition, renderCondition } = props;
  const { t } = useTranslation('segments');
  const [adding, setAdding] = useState<C['type'] | undefined>(undefined);
  const typeOptions = useMemo(() => types.map((type) => ({ value: type, label: typeLabel(type) })), [types, typeLabel]);
  const setAt = (i: number, next: C | RuleTree<C>) => onChange({ ...group, conditions: group.conditions.map((c, j) => (j === i ? next : c)) });
  const removeAt = (i: number) => onChange({ ...group, conditions: group.conditions.filter((_, j) => j !== i) });

  return (
    <div
      data-testid={depth === 0 ? 'segment-root-group' : 'segment-group'}
      style={depth > 0 ? { border: '1px dashed #d9d9d9', borderRadius: 8, padding: 12, background: 'rgba(0,0,0,0.015)' } : undefined}
    >
      <Flex align="center" gap={8} wrap style={{ marginBottom: 8 }}>
        <Typography.Text>{t('match')}</Typography.Text>
        <Segmented<'and' | 'or'>
          value={group.op}
          onChange={(op) => onChange({ ...group, op })}
          options={[
            { value: 'and', label: t('and') },
            { value: 'or', label: t('or') },
          ]}
          data-testid="segment-op"
        />
        {onRemove ? (
          <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onRemove} style={{ marginLeft: 'auto' }}>
            {t('removeGroup')}
          </Button>
        ) : null}
      </Flex>
      <Flex vertical gap={8}>
        {group.conditions.map((c, i) =>
          isRuleTree(c) ? (
            <GroupEditor key={i} {...props} group={c} depth={depth + 1} onChange={(next) => setAt(i, next)} onRemove={() => removeAt(i)} />
          ) : (
            <Flex key={i} align="center" gap={8} wrap data-testid="segment-condition">
              <Typography.Text strong style={{ minWidth: 72 }}>
                {typeLabel(c.type)}
              </Typography.Text>
              {renderCondition(c, (next) => setAt(i, next))}
              <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('remove')} onClick={() => removeAt(i)} data-testid="segment-remove" />
            </Flex>
          ),
        )}
        {group.conditions.length === 0 ? <Typography.Text type="secondary">{t('noConditions')}</Typography.Text> : null}
      </Flex>
      <Space wrap style={{ marginTop: 8 }}>
        <Select<C['type']>
          value={adding}
          onChange={setAdding}
          options={typeOptions}
          placeholder={t('pickType')}
          style={{ width: 160 }}
          data-testid="segment-condition-type"
        />
        <Button
          icon={<PlusOutlined />}
          disabled={!adding}
          onClick={() => {
            if (!adding) return;
            onChange({ ...group, conditions: [...group.conditions, newCondition(adding)] });
          }}
          data-testid="segment-add-condition"
        >
          {t('addCondition')}
        </Button>
        {depth === 0 ? (
          <Button
            icon={<PlusOutlined />}
            onClick={() => onChange({ ...group, conditions: [...group.conditions, { op: group.op === 'and' ? 'or' : 'and', conditions: [] }] })}
            data-testid="segment-add-group"
          >
            {t('addGroup')}
          </Button>
        ) : null}
      </Space>
    </div>
  );
}
