// The two pools a code routes to: staff (a form list of userid, weight and caps) and groups (an
// ordered list of chat ids; Pond shows at most five to WeCom at a time and moves down the list as
// groups fill up).
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Badge, Button, Flex, Form, InputNumber, Select, Table, Tooltip, Typography } from 'antd';
import type { FormInstance } from 'antd';
import type { FormListProps } from 'antd/es/form';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../lib/format';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { useGroups } from '../groups/hooks';
import { StaffSelect } from '../staff/pickers';
import type { CodeGroup, PoolInput, Strategy } from './hooks';

interface StaffPoolProps {
  form: FormInstance;
  rules?: FormListProps['rules'];
  strategy: Strategy;
  native: boolean;
  knownNames: ReadonlyMap<string, string>;
}

export function StaffPoolEditor({ form, rules, strategy, native, knownNames }: StaffPoolProps) {
  const { t } = useTranslation(['liveCodes', 'common']);
  const watched = Form.useWatch('pool', form) as (PoolInput | undefined)[] | undefined;
  const rows = useMemo(() => watched ?? [], [watched]);
  const chosen = useMemo(() => new Set(rows.map((r) => r?.userid).filter((u): u is string => !!u)), [rows]);
  const weighted = strategy === 'weighted' && !native;
  const totalWeight = rows.reduce((sum, r) => sum + (r?.weight ?? 1), 0);

  return (
    <Form.List name="pool" rules={rules}>
      {(fields, { add, remove }, { errors }) => (
        <Flex vertical gap={8}>
          <Table
            size="small"
            rowKey="key"
            dataSource={fields}
            pagination={false}
            locale={{ emptyText: t('pool.empty') }}
            columns={[
              {
                title: '#',
                key: 'index',
                width: 40,
                render: (_, _f, i) => i + 1,
              },
              {
                title: t('pool.staff'),
                key: 'userid',
                render: (_, field) => (
                  <Form.Item
                    name={[field.name, 'userid']}
                    rules={[{ required: true, message: t('pool.pickStaff') }]}
                    style={{ margin: 0 }}
                  >
                    <StaffSelect followOnly knownNames={knownNames} disabledIds={chosen} allowClear={false} style={{ width: '100%', minWidth: 200 }} />
                  </Form.Item>
                ),
              },
              ...(native
                ? []
                : [
                    {
                      title: (
                        <Tooltip title={t('pool.weightHelp')}>
                          <span>{t('pool.weight')}</span>
                        </Tooltip>
                      ),
                      key: 'weight',
                      width: 150,
                      render: (_: unknown, field: { name: number }) => (
                        <Flex align="center" gap={6}>
                          <Form.Item name={[field.name, 'weight']} style={{ margin: 0 }}>
                            <InputNumber min={1} max={100} precision={0} disabled={!weighted} style={{ width: 72 }} />
                          </Form.Item>
                          {weighted && totalWeight > 0 ? (
                            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                              {Math.round(((rows[field.name]?.weight ?? 1) / totalWeight) * 100)}%
                            </Typography.Text>
                          ) : null}
                        </Flex>
                      ),
                    },
                    {
                      title: t('pool.dailyCap'),
                      key: 'dailyCap',
                      width: 130,
                      render: (_: unknown, field: { name: number }) => (
                        <Form.Item name={[field.name, 'dailyCap']} style={{ margin: 0 }}>
                          <InputNumber min={1} max={100000} precision={0} placeholder={t('pool.noCap')} style={{ width: 110 }} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('pool.totalCap'),
                      key: 'totalCap',
                      width: 130,
                      render: (_: unknown, field: { name: number }) => (
                        <Form.Item
                          name={[field.name, 'totalCap']}
                          style={{ margin: 0 }}
                          dependencies={[['pool', field.name, 'dailyCap']]}
                          rules={[
                            {
                              validator: (_r, total: number | null | undefined) => {
                                const daily = form.getFieldValue(['pool', field.name, 'dailyCap']) as number | null | undefined;
                                return daily && total && daily > total ? Promise.reject(new Error(t('pool.capOrder'))) : Promise.resolve();
                              },
                            },
                          ]}
                        >
                          <InputNumber min={1} max={10000000} precision={0} placeholder={t('pool.noCap')} style={{ width: 110 }} />
                        </Form.Item>
                      ),
                    },
                  ]),
              {
                key: 'remove',
                width: 48,
                render: (_, field) => (
                  <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common:delete')} onClick={() => remove(field.name)} />
                ),
              },
            ]}
          />
          <div>
            <Button
              type="dashed"
              icon={<PlusOutlined />}
              onClick={() => add({ userid: undefined, weight: 1, dailyCap: null, totalCap: null })}
              disabled={fields.length >= 200}
              data-testid="pool-add"
            >
              {t('pool.add')}
            </Button>
            <Form.ErrorList errors={errors} />
          </div>
        </Flex>
      )}
    </Form.List>
  );
}

interface GroupPoolProps {
  value?: string[];
  onChange?: (value: string[]) => void;
  /** The code's groups as the server reports them (name, members, rotation status). */
  known: readonly CodeGroup[];
  cap: number;
}

interface GroupInfo {
  name: string;
  memberCount: number;
  status?: string;
}

const GROUP_STATUS_BADGE: Record<string, 'success' | 'default' | 'warning' | 'processing'> = {
  active: 'success',
  waiting: 'default',
  full: 'warning',
};

export function GroupPoolEditor({ value, onChange, known, cap }: GroupPoolProps) {
  const { t } = useTranslation(['liveCodes', 'groups', 'common']);
  const chatIds = value ?? [];
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search, 250);
  const groups = useGroups({ q: q || undefined, status: 'active', page: 1, pageSize: 50 });
  const [picked, setPicked] = useState<Map<string, GroupInfo>>(() => new Map());

  const info = useMemo(() => {
    const map = new Map<string, GroupInfo>();
    for (const g of known) map.set(g.chatId, { name: g.name, memberCount: g.memberCount, status: g.status });
    for (const [id, g] of picked) if (!map.has(id)) map.set(id, g);
    return map;
  }, [known, picked]);

  const options = (groups.data?.items ?? []).map((g) => ({
    value: g.chatId,
    label: `${g.name || t('groups:unnamed')} · ${t('groups.members', { n: g.memberCount })}`,
    disabled: chatIds.includes(g.chatId),
  }));

  const move = (i: number, delta: number) => {
    const next = [...chatIds];
    const [item] = next.splice(i, 1);
    next.splice(i + delta, 0, item);
    onChange?.(next);
  };

  return (
    <Flex vertical gap={8} data-testid="group-pool">
      <Table
        size="small"
        rowKey={(id) => id}
        dataSource={chatIds}
        pagination={false}
        locale={{ emptyText: t('groups.empty') }}
        columns={[
          { title: '#', key: 'i', width: 40, render: (_, _id, i) => i + 1 },
          {
            title: t('groups.name'),
            key: 'name',
            render: (_, id) => info.get(id)?.name || <Typography.Text type="secondary">{id}</Typography.Text>,
          },
          {
            title: t('groups.memberCount'),
            key: 'members',
            width: 120,
            align: 'right',
            render: (_, id) => {
              const g = info.get(id);
              if (!g) return t('common:none');
              return <Typography.Text type={g.memberCount >= cap ? 'warning' : undefined}>{`${formatNumber(g.memberCount)} / ${cap}`}</Typography.Text>;
            },
          },
          {
            title: t('groups.status'),
            key: 'status',
            width: 110,
            render: (_, id) => {
              const status = info.get(id)?.status;
              return status ? (
                <Badge status={GROUP_STATUS_BADGE[status] ?? 'default'} text={t(`groups.statuses.${status as 'active'}`, { defaultValue: status })} />
              ) : (
                <Typography.Text type="secondary">{t('groups.notSaved')}</Typography.Text>
              );
            },
          },
          {
            key: 'actions',
            width: 120,
            render: (_, id, i) => (
              <Flex gap={2}>
                <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={i === 0} aria-label={t('groups.up')} onClick={() => move(i, -1)} />
                <Button
                  type="text"
                  size="small"
                  icon={<ArrowDownOutlined />}
                  disabled={i === chatIds.length - 1}
                  aria-label={t('groups.down')}
                  onClick={() => move(i, 1)}
                />
                <Button
                  type="text"
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('common:delete')}
                  onClick={() => onChange?.(chatIds.filter((c) => c !== id))}
                />
              </Flex>
            ),
          },
        ]}
      />
      <Select<string>
        showSearch={{ filterOption: false, onSearch: setSearch }}
        value={null}
        placeholder={t('groups.add')}
        options={options}
        loading={groups.isFetching}
        onChange={(chatId) => {
          const g = groups.data?.items.find((x) => x.chatId === chatId);
          if (g) setPicked((prev) => new Map(prev).set(chatId, { name: g.name || t('groups:unnamed'), memberCount: g.memberCount }));
          if (chatId && !chatIds.includes(chatId)) onChange?.([...chatIds, chatId]);
          setSearch('');
        }}
        style={{ maxWidth: 420 }}
        data-testid="group-pool-add"
      />
    </Flex>
  );
}
