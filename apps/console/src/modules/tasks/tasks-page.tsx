// 员工任务 Staff tasks: the board (due / done / overdue / completion per staff member and store over a date range in the
// corp's time zone) for operators and store managers, and the task list (staff see their own).
import { Button, Card, Col, DatePicker, Flex, Input, Popconfirm, Progress, Row, Segmented, Space, Statistic, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { FilterBar, ListTable, choice, useListState } from '../../components/list-page';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatDateTime, todayInZone } from '../../lib/format';
import { useMe } from '../auth/hooks';
import { useTaskBoard, useTaskDone, useTaskSkip, useTasks, type Task, type TaskBoard } from './hooks';

const STATUS_COLORS: Record<Task['status'], string> = { pending: 'processing', overdue: 'error', done: 'success', skipped: 'default', cancelled: 'default' };
const FILTERS = { view: choice(['board', 'list'] as const), state: choice(['open', 'all'] as const) };

type Counts = Pick<TaskBoard['total'], 'due' | 'done' | 'overdue' | 'skipped' | 'pending' | 'completion'>;

export default function TasksPage() {
  const { t } = useTranslation(['tasks', 'common']);
  const me = useMe();
  const canBoard = me.data?.role !== 'staff';
  const state = useListState(FILTERS);
  const view = state.filters.view ?? (canBoard ? 'board' : 'list');
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <Tabs
        activeKey={view}
        onChange={(k) => state.set({ view: k as 'board' | 'list' })}
        items={[
          ...(canBoard ? [{ key: 'board', label: t('board'), children: <BoardView /> }] : []),
          { key: 'list', label: t('list'), children: <ListView open={(state.filters.state ?? 'open') === 'open'} onOpen={(open) => state.set({ state: open ? 'open' : 'all' }, { keepPage: false })} page={state} /> },
        ]}
      />
    </>
  );
}

function BoardView() {
  const { t } = useTranslation(['tasks', 'common']);
  const today = todayInZone();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([today.subtract(6, 'day'), today]);
  const board = useTaskBoard({ from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') });
  const pct = (v: number) => <Progress percent={Math.round(v * 100)} size="small" status={v >= 0.9 ? 'success' : v < 0.6 ? 'exception' : 'normal'} style={{ minWidth: 120 }} />;
  const countCols = <T extends Counts>(): ColumnsType<T> => [
    { title: t('cols.due'), dataIndex: 'due', width: 90, sorter: (a, b) => a.due - b.due },
    { title: t('cols.done'), dataIndex: 'done', width: 90, sorter: (a, b) => a.done - b.done },
    { title: t('cols.overdue'), dataIndex: 'overdue', width: 90, sorter: (a, b) => a.overdue - b.overdue, render: (v: number) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : v) },
    { title: t('cols.skipped'), dataIndex: 'skipped', width: 90 },
    { title: t('cols.pending'), dataIndex: 'pending', width: 90 },
    { title: t('cols.completion'), dataIndex: 'completion', width: 180, sorter: (a, b) => a.completion - b.completion, render: pct },
  ];
  const total = board.data?.total;
  return (
    <>
      <FilterBar>
        <Space>
          <span>{t('range')}</span>
          <DatePicker.RangePicker value={range} allowClear={false} onChange={(v) => { if (v?.[0] && v[1]) setRange([v[0], v[1]]); }} />
        </Space>
      </FilterBar>
      <QueryError query={board} />
      {total ? (
        <Row gutter={16} style={{ margin: '16px 0' }}>
          <Col span={4}><Card><Statistic title={t('cols.due')} value={total.due} /></Card></Col>
          <Col span={4}><Card><Statistic title={t('cols.done')} value={total.done} /></Card></Col>
          <Col span={4}><Card><Statistic title={t('cols.overdue')} value={total.overdue} valueStyle={total.overdue ? { color: '#cf1322' } : undefined} /></Card></Col>
          <Col span={4}><Card><Statistic title={t('cols.pending')} value={total.pending} /></Card></Col>
          <Col span={8}><Card><Statistic title={t('cols.completion')} value={Math.round(total.completion * 1000) / 10} suffix="%" /></Card></Col>
        </Row>
      ) : null}
      <Card title={t('byStore')} size="small" style={{ marginBottom: 16 }}>
        <ListTable<TaskBoard['stores'][number]> rowKey={(r) => String(r.storeId)} size="small" items={board.data?.stores ?? []} loading={board.isLoading} pageSize={20} compact
          columns={[{ title: t('cols.store'), dataIndex: 'storeName', render: (v: string | null) => v ?? t('noStore') }, ...countCols<TaskBoard['stores'][number]>()]} />
      </Card>
      <Card title={t('byStaff')} size="small">
        <ListTable<TaskBoard['staff'][number]> rowKey="userid" size="small" items={board.data?.staff ?? []} loading={board.isLoading} pageSize={50} compact rowTestId="board-staff-row"
          columns={[
            { title: t('cols.staff'), dataIndex: 'name' },
            { title: t('cols.store'), dataIndex: 'storeName', render: (v: string | null) => v ?? t('noStore') },
            ...countCols<TaskBoard['staff'][number]>(),
          ]} />
      </Card>
    </>
  );
}

function ListView({ open, onOpen, page }: { open: boolean; onOpen: (open: boolean) => void; page: ReturnType<typeof useListState<typeof FILTERS>> }) {
  const { t } = useTranslation(['tasks', 'common']);
  const tasks = useTasks({ open: open ? 'true' : undefined, limit: page.pageSize, offset: (page.page - 1) * page.pageSize });
  const done = useTaskDone();
  const skip = useTaskSkip();
  const [reason, setReason] = useState('');
  const columns: ColumnsType<Task> = [
    { title: t('task.due'), dataIndex: 'dueAt', width: 150, render: (v: string) => formatDateTime(v) },
    { title: t('task.owner'), dataIndex: 'ownerName', width: 110 },
    { title: t('task.kind'), dataIndex: 'kind', width: 120, render: (v: Task['kind']) => t(`kinds.${v}`) },
    {
      title: t('task.target'), key: 'target', width: 160,
      render: (_, r) => (r.target.externalUserid ? <Link to={`/customers/${encodeURIComponent(r.target.externalUserid)}`}>{r.target.name ?? r.target.externalUserid}</Link>
        : r.target.chatId ? <Link to={`/groups/${encodeURIComponent(r.target.chatId)}`}>{r.target.name ?? r.target.chatId}</Link> : t('noTarget')),
    },
    {
      title: t('task.content'), key: 'content', ellipsis: true,
      render: (_, r) => <>{r.text}{r.attachmentCount ? <Tag style={{ marginLeft: 6 }}>{t('attachments', { n: r.attachmentCount })}</Tag> : null}</>,
    },
    { title: t('task.source'), key: 'source', width: 160, render: (_, r) => `${t(`sources.${r.source.kind}`)} · ${r.source.name}` },
    { title: t('task.status'), dataIndex: 'status', width: 100, render: (v: Task['status'], r) => <Tag color={STATUS_COLORS[v]} title={r.skipReason ?? undefined}>{t(`statuses.${v}`)}</Tag> },
    {
      title: t('task.actions'), key: 'actions', width: 170,
      render: (_, r) => (r.status === 'pending' || r.status === 'overdue') && r.kind === 'send' ? (
        <Flex gap={4}>
          <Button size="small" onClick={() => done.mutate(r.id)} loading={done.isPending && done.variables === r.id}>{t('markDone')}</Button>
          <Popconfirm
            title={t('skipReason')}
            description={<Input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />}
            onConfirm={() => skip.mutate({ id: r.id, reason: reason.trim() || '—' }, { onSuccess: () => setReason('') })}
          >
            <Button size="small">{t('skip')}</Button>
          </Popconfirm>
        </Flex>
      ) : null,
    },
  ];
  return (
    <>
      <FilterBar>
        <Segmented value={open ? 'open' : 'all'} onChange={(v) => onOpen(v === 'open')} options={[{ value: 'open', label: t('filters.open') }, { value: 'all', label: t('filters.all') }]} />
      </FilterBar>
      {done.error ? <QueryError error={done.error} /> : null}
      {skip.error ? <QueryError error={skip.error} /> : null}
      <ListTable<Task> rowKey="id" size="small" columns={columns} query={tasks} list={{ ...page, filtered: false, clear: () => undefined }} empty={t('empty')} rowTestId="task-row" />
    </>
  );
}
