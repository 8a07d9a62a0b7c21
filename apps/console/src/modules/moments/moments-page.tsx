// The moments list: each moment's status, when it went out, how many staff posted it, who can see it, likes and
// comments; admins and operators compose new ones and read moments made directly in WeCom back.
import { CloudDownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Flex, Progress, Select, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { choice, ListPage, ListTable, useListState } from '../../components/list-page';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { MomentComposer } from './moment-composer';
import { useMoments, useSyncMoments, type Moment, type MomentOrigin, type MomentStatus } from './hooks';

export const STATUSES: MomentStatus[] = ['scheduled', 'issuing', 'issued', 'done', 'cancelled', 'failed'];
export const STATUS_COLORS: Record<MomentStatus, string> = {
  scheduled: 'default', issuing: 'processing', issued: 'blue', done: 'success', cancelled: 'default', failed: 'error',
};
const ORIGINS: MomentOrigin[] = ['pond', 'wecom'];
const SPEC = { status: choice(STATUSES), origin: choice(ORIGINS) };

export default function MomentsPage() {
  const { t } = useTranslation(['moments', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const state = useListState(SPEC);
  const moments = useMoments(state.query);
  const sync = useSyncMoments();
  const [composing, setComposing] = useState(false);

  const columns: ColumnsType<Moment> = [
    {
      title: t('columns.moment'),
      key: 'moment',
      render: (_, m) => (
        <div style={{ maxWidth: 360 }}>
          <Typography.Text strong>{m.name}</Typography.Text>
          {m.origin === 'wecom' ? <Tag style={{ marginLeft: 8 }}>{t('origins.wecom')}</Tag> : null}
          <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: 0, fontSize: 12 }}>
            {m.attachments.length ? `[${t(`attachmentKinds.${m.attachments[0].type}`)}${m.attachments.length > 1 ? ` × ${m.attachments.length}` : ''}] ` : ''}
            {m.text}
          </Typography.Paragraph>
        </div>
      ),
    },
    { title: t('columns.status'), dataIndex: 'status', width: 100, render: (s: MomentStatus) => <Tag color={STATUS_COLORS[s]}>{t(`statuses.${s}`)}</Tag> },
    {
      title: t('columns.time'),
      key: 'time',
      width: 170,
      render: (_, m) => (m.issuedAt ? t('issuedAt', { time: formatDateTime(m.issuedAt) }) : m.scheduledAt ? t('scheduledFor', { time: formatDateTime(m.scheduledAt) }) : formatDateTime(m.createdAt)),
    },
    {
      title: t('columns.published'),
      key: 'published',
      width: 150,
      render: (_, m) => (m.counts.senders ? (
        <Flex vertical>
          <span>{formatNumber(m.counts.published)} / {formatNumber(m.counts.senders)}</span>
          <Progress percent={Math.round((m.counts.published / m.counts.senders) * 100)} size="small" showInfo={false} />
        </Flex>
      ) : t('common:none')),
    },
    { title: t('columns.reach'), key: 'reach', align: 'right', render: (_, m) => formatNumber(m.counts.reach) },
    { title: t('columns.likes'), key: 'likes', align: 'right', render: (_, m) => formatNumber(m.counts.likes) },
    { title: t('columns.comments'), key: 'comments', align: 'right', render: (_, m) => formatNumber(m.counts.comments) },
    { title: t('columns.createdBy'), key: 'createdBy', render: (_, m) => m.createdBy ?? m.creator ?? t('common:none') },
  ];

  return (
    <>
      <ListPage
        title={t('title')}
        subtitle={t('subtitle')}
        actions={canWrite ? (
          <>
            <Button
              icon={<CloudDownloadOutlined />}
              loading={sync.isPending}
              onClick={() => void sync.mutateAsync(7).then((r) => void message.success(t('synced', r))).catch(() => undefined)}
              data-testid="moment-sync"
            >
              {t('sync')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setComposing(true)} data-testid="moment-create">{t('create')}</Button>
          </>
        ) : null}
        filters={(
          <>
            <Select
              allowClear
              placeholder={t('statusFilter')}
              value={state.filters.status}
              onChange={(v?: MomentStatus) => state.set({ status: v ?? null })}
              options={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
              style={{ width: 140 }}
            />
            <Select
              allowClear
              placeholder={t('originFilter')}
              value={state.filters.origin}
              onChange={(v?: MomentOrigin) => state.set({ origin: v ?? null })}
              options={ORIGINS.map((o) => ({ value: o, label: t(`origins.${o}`) }))}
              style={{ width: 160 }}
            />
          </>
        )}
      >
        <ListTable<Moment>
          rowKey="id"
          columns={columns}
          query={moments}
          list={state}
          rowTestId="moment-row"
          empty={t('empty')}
          onRowClick={(m) => void navigate(`/moments/${m.id}`)}
          scroll={{ x: 1000 }}
        />
      </ListPage>
      {composing ? <MomentComposer onClose={() => setComposing(false)} onCreated={(id) => void navigate(`/moments/${id}`)} /> : null}
    </>
  );
}
