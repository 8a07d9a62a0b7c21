// 奖励台账 Reward ledger: every reward with filters (state, source, campaign, customer, dates), states as badges, the
// trail in a drawer with the operator's actions (retry a failed one, mark a manual one issued, void a pending one), and
// the CSV export (the manual fulfilment list with shipping addresses).
import { Button, DatePicker, Descriptions, Drawer, Input, InputNumber, App, Popconfirm, Select, Space, Tag, Timeline, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { REWARD_SOURCES, REWARD_STATES } from '@pond/contracts/activate';
import { ListPage, ListTable, choice, text, useListState } from '../../components/list-page';
import { QueryError } from '../../components/query-error';
import { formatDateTime, formatYuan } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { rewardsCsvUrl, useReward, useRewardAction, useRewards, type Reward } from './hooks';

export const STATE_COLORS: Record<Reward['state'], string> = { pending: 'default', issuing: 'processing', issued: 'success', failed: 'error', void: 'default' };
const FILTERS = { state: choice(REWARD_STATES), source: choice(REWARD_SOURCES), campaignId: text(), externalUserid: text(), from: text(), to: text() };

/** What a reward is worth, as the ledger shows it. */
export function RewardValue({ r }: { r: Pick<Reward, 'amountFen' | 'points' | 'couponCode' | 'costFen'> }) {
  if (r.amountFen) return <>{formatYuan(r.amountFen / 100)}</>;
  if (r.points) return <>{r.points} pts</>;
  if (r.couponCode) return <Typography.Text code>{r.couponCode}</Typography.Text>;
  return <>{r.costFen ? formatYuan(r.costFen / 100) : '—'}</>;
}

export default function RewardsPage() {
  const { t } = useTranslation(['rewards', 'common']);
  const state = useListState(FILTERS);
  const f = state.filters;
  const query = { ...f, page: state.page, pageSize: state.pageSize };
  const list = useRewards(query);
  const [open, setOpen] = useState<number | null>(null);
  const columns: ColumnsType<Reward> = [
    { title: t('cols.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
    { title: t('cols.customer'), key: 'customer', render: (_, r) => <Link to={`/customers/${encodeURIComponent(r.externalUserid)}`} onClick={(e) => e.stopPropagation()}>{r.customerName ?? r.externalUserid}</Link> },
    { title: t('cols.title'), dataIndex: 'title' },
    { title: t('cols.kind'), dataIndex: 'kind', width: 100, render: (v: Reward['kind']) => t(`kinds.${v}`) },
    { title: t('cols.campaign'), key: 'campaign', render: (_, r) => r.campaignName ?? t(`sources.${r.source}`) },
    { title: t('cols.value'), key: 'value', width: 140, render: (_, r) => <RewardValue r={r} /> },
    { title: t('cols.adapter'), dataIndex: 'adapter', width: 120, render: (v: Reward['adapter']) => t(`adapters.${v}`) },
    { title: t('cols.state'), dataIndex: 'state', width: 100, render: (v: Reward['state']) => <Tag color={STATE_COLORS[v]}>{t(`states.${v}`)}</Tag> },
  ];
  return (
    <ListPage
      title={t('title')}
      subtitle={t('subtitle')}
      exportHref={rewardsCsvUrl(query)}
      exportTestId="rewards-export"
      filters={
        <>
          <Select allowClear placeholder={t('filters.state')} style={{ width: 130 }} value={f.state} onChange={(v) => state.set({ state: v ?? null })}
            options={REWARD_STATES.map((s) => ({ value: s, label: t(`states.${s}`) }))} data-testid="rewards-state" />
          <Select allowClear placeholder={t('filters.source')} style={{ width: 130 }} value={f.source} onChange={(v) => state.set({ source: v ?? null })}
            options={REWARD_SOURCES.map((s) => ({ value: s, label: t(`sources.${s}`) }))} />
          <InputNumber placeholder={t('filters.campaign')} style={{ width: 130 }} min={1} value={f.campaignId ? Number(f.campaignId) : null}
            onChange={(v) => state.set({ campaignId: v ? String(v) : null })} />
          <Input.Search allowClear placeholder={t('filters.customer')} style={{ width: 240 }} defaultValue={f.externalUserid} onSearch={(v) => state.set({ externalUserid: v.trim() || null })} />
          <DatePicker.RangePicker
            value={f.from && f.to ? [dayjs(f.from), dayjs(f.to).subtract(1, 'day')] : null}
            onChange={(v) => state.set(v?.[0] && v[1] ? { from: v[0].startOf('day').toISOString(), to: v[1].add(1, 'day').startOf('day').toISOString() } : { from: null, to: null })}
          />
        </>
      }
    >
      <ListTable<Reward> rowKey="id" columns={columns} query={list} list={state} empty={t('empty')} rowTestId="reward-row" onRowClick={(r) => setOpen(r.id)} />
      <RewardDrawer id={open} onClose={() => setOpen(null)} />
    </ListPage>
  );
}

export function RewardDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const { t } = useTranslation(['rewards', 'common']);
  const { message } = App.useApp();
  const reward = useReward(id);
  const act = useRewardAction();
  const canWrite = useCanWrite();
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const r = reward.data;
  const run = (action: 'retry' | 'issued' | 'void', textValue?: string, done?: string) =>
    act.mutateAsync({ id: id!, action, text: textValue }).then(() => void message.success(done ?? '')).catch((e: Error) => void message.error(e.message));
  const address = r?.details.address as { name?: string; phone?: string; address?: string } | undefined;
  return (
    <Drawer open={id !== null} onClose={onClose} width={560} title={id ? t('detail.title', { id }) : ''} data-testid="reward-drawer" destroyOnHidden>
      <QueryError query={reward} />
      {r ? (
        <Space direction="vertical" style={{ width: '100%' }} size="large">
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('cols.title')}>{r.title}</Descriptions.Item>
            <Descriptions.Item label={t('cols.state')}><Tag color={STATE_COLORS[r.state]}>{t(`states.${r.state}`)}</Tag></Descriptions.Item>
            <Descriptions.Item label={t('cols.customer')}><Link to={`/customers/${encodeURIComponent(r.externalUserid)}`}>{r.customerName ?? r.externalUserid}</Link></Descriptions.Item>
            <Descriptions.Item label={t('detail.source')}>{t(`sources.${r.source}`)}{r.campaignName ? ` · ${r.campaignName}` : ''}</Descriptions.Item>
            <Descriptions.Item label={t('cols.value')}><RewardValue r={r} /></Descriptions.Item>
            <Descriptions.Item label={t('cols.adapter')}>{t(`adapters.${r.adapter}`)}</Descriptions.Item>
            {r.couponCode ? <Descriptions.Item label={t('detail.couponCode')}><Typography.Text copyable>{r.couponCode}</Typography.Text></Descriptions.Item> : null}
            {r.outTradeNo ? <Descriptions.Item label={t('detail.outTradeNo')}><Typography.Text copyable>{r.outTradeNo}</Typography.Text></Descriptions.Item> : null}
            {r.externalRef ? <Descriptions.Item label={t('detail.externalRef')}>{r.externalRef}</Descriptions.Item> : null}
            {address ? <Descriptions.Item label={t('detail.address')}>{[address.name, address.phone, address.address].filter(Boolean).join(' · ')}</Descriptions.Item> : null}
            <Descriptions.Item label={t('detail.attempts')}>{r.attempts}{r.state === 'pending' ? ` · ${t('detail.nextAttempt')} ${formatDateTime(r.nextAttemptAt)}` : ''}</Descriptions.Item>
            {r.lastError ? <Descriptions.Item label={t('detail.lastError')}><Typography.Text type="danger">{r.lastError}</Typography.Text></Descriptions.Item> : null}
            {r.voidReason ? <Descriptions.Item label={t('detail.voidReason')}>{r.voidReason}</Descriptions.Item> : null}
          </Descriptions>
          {canWrite ? (
            <Space wrap>
              {r.state === 'failed' ? <Button onClick={() => void run('retry', undefined, t('actions.retried'))} loading={act.isPending} data-testid="reward-retry">{t('actions.retry')}</Button> : null}
              {r.adapter === 'manual' && (r.state === 'pending' || r.state === 'failed') ? (
                <Popconfirm title={<Input placeholder={t('actions.note')} value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />}
                  onConfirm={() => void run('issued', note.trim() || undefined, t('actions.issuedDone'))}>
                  <Button type="primary" data-testid="reward-mark-issued">{t('actions.issued')}</Button>
                </Popconfirm>
              ) : null}
              {r.state === 'pending' || r.state === 'failed' ? (
                <Popconfirm title={<Input placeholder={t('actions.reason')} value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />}
                  okButtonProps={{ danger: true, disabled: !reason.trim() }} onConfirm={() => void run('void', reason.trim(), t('actions.voidDone'))}>
                  <Button danger data-testid="reward-void">{t('actions.void')}</Button>
                </Popconfirm>
              ) : null}
            </Space>
          ) : null}
          <div>
            <Typography.Title level={5}>{t('detail.trail')}</Typography.Title>
            <Timeline items={r.events.map((e) => ({
              color: e.toState === 'failed' ? 'red' : e.toState === 'issued' ? 'green' : 'gray',
              children: (
                <>
                  <div>{e.fromState ? `${t(`states.${e.fromState}`)} → ` : ''}{t(`states.${e.toState}`)} · {e.actor ?? t('detail.system')}</div>
                  <Typography.Text type="secondary">{formatDateTime(e.at)}{e.note ? ` · ${e.note}` : ''}</Typography.Text>
                </>
              ),
            }))} />
          </div>
        </Space>
      ) : null}
    </Drawer>
  );
}
