import { SyncOutlined } from '@ant-design/icons';
import { App, Badge, Button, Card, Flex, Progress, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatDuration } from '../../lib/format';
import { ListTable } from '../../components/list-page';
import { useLabels } from '../../lib/labels';
import { isSyncActive, useStartSync, useSyncRuns, type SyncRun, type SyncStatus } from './hooks';

const STATUS_BADGE: Record<SyncStatus, 'default' | 'processing' | 'success' | 'error'> = {
  queued: 'default',
  running: 'processing',
  done: 'success',
  failed: 'error',
};

export function SyncRunsCard() {
  const { t } = useTranslation('settings');
  const labels = useLabels();
  const { message } = App.useApp();
  const runs = useSyncRuns();
  const start = useStartSync();
  const items = runs.data?.items ?? [];
  const active = items.some(isSyncActive);

  const columns: ColumnsType<SyncRun> = [
    { title: 'ID', dataIndex: 'id', width: 70 },
    { title: t('sync.kind'), dataIndex: 'kind', width: 110, render: (k: SyncRun['kind']) => t(`sync.kinds.${k}`, { defaultValue: k }) },
    {
      title: t('sync.status'),
      key: 'status',
      width: 150,
      render: (_, r) => (
        <div>
          <Badge status={STATUS_BADGE[r.status] ?? 'default'} text={t(`sync.statuses.${r.status}`, { defaultValue: r.status })} />
          {r.stage && isSyncActive(r) ? (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {labels.syncStage(r.stage)}
            </Typography.Text>
          ) : null}
        </div>
      ),
    },
    {
      title: t('sync.progress'),
      key: 'progress',
      render: (_, r) => <StageProgress run={r} />,
    },
    { title: t('sync.startedAt'), dataIndex: 'startedAt', width: 150, render: (v: string | null) => formatDateTime(v) },
    {
      title: t('sync.duration'),
      key: 'duration',
      width: 100,
      render: (_, r) => formatDuration(r.startedAt, r.finishedAt ?? (isSyncActive(r) ? null : r.startedAt)),
    },
  ];

  return (
    <Card
      title={
        <Flex gap={8} align="center">
          {t('sync.title')}
          {active ? (
            <Tag icon={<SyncOutlined spin />} color="processing">
              {t('sync.autoRefresh')}
            </Tag>
          ) : null}
        </Flex>
      }
      extra={
        <Button
          type="primary"
          icon={<SyncOutlined />}
          loading={start.isPending}
          disabled={active}
          onClick={() => start.mutate(undefined, { onSuccess: () => void message.success(t('sync.started')) })}
          data-testid="sync-full"
        >
          {t('sync.fullSync')}
        </Button>
      }
    >
      <ListTable<SyncRun>
        rowKey="id"
        size="small"
        columns={columns}
        query={runs}
        items={items}
        pageSize={10}
        compact
        expandable={{
          rowExpandable: (r) => !!r.error,
          expandedRowRender: (r) => <Typography.Text type="danger">{r.error}</Typography.Text>,
        }}
        empty={t('sync.empty')}
        scroll={{ x: 860 }}
      />
    </Card>
  );
}

/** The server's sync stages in the order a run goes through them (unknown ones last). */
const STAGE_ORDER = ['departments', 'staff', 'customers', 'tags', 'groups', 'groupStats', 'details'];
const stageRank = (s: string) => (STAGE_ORDER.includes(s) ? STAGE_ORDER.indexOf(s) : STAGE_ORDER.length);

/** One bar per stage; a stage whose total is not known yet shows its count only. */
function StageProgress({ run }: { run: SyncRun }) {
  const { t } = useTranslation('settings');
  const labels = useLabels();
  // Progress is stored as JSON, whose key order is not the run order: show stages in the order they run.
  const stages = Object.entries(run.progress ?? {}).sort(([a], [b]) => stageRank(a) - stageRank(b));
  if (stages.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Flex vertical gap={2} style={{ minWidth: 260 }}>
      {stages.map(([stage, { done, total, failed, errors }]) => {
        const known = typeof total === 'number' && total > 0;
        const percent = known ? Math.min(100, Math.round((done / total) * 100)) : run.status === 'done' ? 100 : 0;
        const isCurrent = run.stage === stage && isSyncActive(run);
        const status = run.status === 'failed' && run.stage === stage ? 'exception' : isCurrent ? 'active' : percent >= 100 ? 'success' : 'normal';
        return (
          <Flex key={stage} gap={8} align="center">
            <Typography.Text style={{ width: 96, fontSize: 12, flex: 'none' }} ellipsis>
              {labels.syncStage(stage)}
            </Typography.Text>
            <Progress
              percent={percent}
              size="small"
              status={status}
              format={() => (known ? `${done}/${total}` : String(done))}
              style={{ margin: 0, flex: 1 }}
            />
            {failed ? (
              <Tooltip
                title={errors ? Object.entries(errors).map(([code, n]) => `errcode ${code} × ${n}`).join(' · ') : undefined}
              >
                <Typography.Text type="warning" style={{ fontSize: 12, flex: 'none' }} data-testid="sync-stage-failed">
                  {t('sync.failedCount', { count: failed })}
                </Typography.Text>
              </Tooltip>
            ) : null}
          </Flex>
        );
      })}
    </Flex>
  );
}
