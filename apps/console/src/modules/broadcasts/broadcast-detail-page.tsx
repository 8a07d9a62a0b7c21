// A broadcast's results: delivered, not a friend, over WeCom's cap, skipped by the budget (and why), each sender's
// confirmation and reminders; send (a draft), remind, cancel.
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Popconfirm, Row, Segmented, Statistic, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { ListTable, useLocalPaging } from '../../components/list-page';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatDateTime } from '../../lib/format';
import { STATUS_COLORS } from './broadcasts-page';
import { useBroadcast, useBroadcastTargets, useCancelBroadcast, useRemindBroadcast, useSendBroadcast, type BroadcastDetail, type BroadcastTarget } from './hooks';

type SendRow = BroadcastDetail['sends'][number];
const TARGET_FILTERS = ['all', 'sent', 'planned', 'skipped', 'unsent', 'not_friend', 'over_cap', 'cancelled'] as const;

export default function BroadcastDetailPage() {
  const { t } = useTranslation(['broadcasts', 'governance', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const id = Number(useParams().id);
  const b = useBroadcast(id);
  const send = useSendBroadcast();
  const cancel = useCancelBroadcast();
  const remind = useRemindBroadcast();
  const [status, setStatus] = useState<(typeof TARGET_FILTERS)[number]>('all');
  const paging = useLocalPaging(status);
  const targets = useBroadcastTargets(id, { status: status === 'all' ? undefined : status, limit: paging.pageSize, offset: (paging.page - 1) * paging.pageSize });
  const d = b.data;
  const sendCols: ColumnsType<SendRow> = [
    { title: t('detail.sender'), dataIndex: 'senderName' },
    { title: t('detail.sendStatus'), dataIndex: 'status', render: (v: SendRow['status']) => <Tag color={v === 'sent' ? 'success' : v === 'issued' ? 'processing' : v === 'failed' ? 'error' : 'default'}>{t(`sendStatuses.${v}`)}</Tag> },
    { title: t('detail.targetCount'), dataIndex: 'targetCount' },
    { title: t('detail.sentCount'), dataIndex: 'sentCount' },
    { title: t('detail.reminders'), dataIndex: 'reminders' },
    { title: t('detail.issuedAt'), dataIndex: 'issuedAt', render: (v: string | null) => (v ? formatDateTime(v) : '—') },
    { title: t('detail.confirmedAt'), dataIndex: 'confirmedAt', render: (v: string | null) => (v ? formatDateTime(v) : '—') },
    { title: t('detail.error'), dataIndex: 'error', ellipsis: true },
  ];
  const targetCols: ColumnsType<BroadcastTarget> = [
    { title: t('cols.name'), dataIndex: 'name' },
    { title: t('detail.sender'), dataIndex: 'senderUserid' },
    {
      title: t('cols.status'), key: 'status',
      render: (_, r) => <>{<Tag>{t(`targetStatuses.${r.status}`)}</Tag>}{r.reason ? <Tag color="warning">{t(`governance:reasons.${r.reason}`)}</Tag> : null}</>,
    },
    { title: t('detail.confirmedAt'), dataIndex: 'sentAt', render: (v: string | null) => (v ? formatDateTime(v) : '—') },
  ];
  return (
    <>
      <PageHeader
        back={<Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('/broadcasts')} aria-label={t('back')} />}
        title={d ? <>{d.name} <Tag color={STATUS_COLORS[d.status]} data-testid="broadcast-status">{t(`statuses.${d.status}`)}</Tag></> : '…'}
        subtitle={d ? `${t(`kinds.${d.kind}`)} · ${formatDateTime(d.createdAt)}${d.createdBy ? ` · ${d.createdBy}` : ''}` : undefined}
        extra={d ? (
          <>
            {d.status === 'draft' ? (
              <Popconfirm title={t('sendConfirm')} onConfirm={() => send.mutate({ id }, { onSuccess: () => void message.success(t('sent')) })}>
                <Button type="primary" loading={send.isPending}>{t('send')}</Button>
              </Popconfirm>
            ) : null}
            {d.status === 'sending' ? (
              <Button onClick={() => remind.mutate(id, { onSuccess: (r) => void message.success(t('reminded', { n: r.reminded })) })} loading={remind.isPending}>{t('remind')}</Button>
            ) : null}
            {['draft', 'scheduled', 'planning', 'sending'].includes(d.status) ? (
              <Popconfirm title={t('cancelConfirm')} onConfirm={() => cancel.mutate(id)}>
                <Button danger loading={cancel.isPending}>{t('cancel')}</Button>
              </Popconfirm>
            ) : null}
          </>
        ) : null}
      />
      <QueryError query={b} />
      {send.error ? <QueryError error={send.error} /> : null}
      {cancel.error ? <QueryError error={cancel.error} /> : null}
      {remind.error ? <QueryError error={remind.error} /> : null}
      {d ? (
        <>
          {d.override ? <Alert type="warning" showIcon message={t('detail.override', { by: d.override.by, reason: d.override.reason })} style={{ marginBottom: 16 }} /> : null}
          {d.error ? <Alert type="error" showIcon message={d.error} style={{ marginBottom: 16 }} /> : null}
          <Row gutter={16} style={{ marginBottom: 16 }}>
            <Col span={4}><Card><Statistic title={t('cols.audience')} value={d.audienceCount} /></Card></Col>
            <Col span={4}><Card><Statistic title={t('cols.planned')} value={d.plannedCount} /></Card></Col>
            <Col span={4}><Card><Statistic title={t('cols.skipped')} value={d.skippedCount} /></Card></Col>
            <Col span={4}><Card><Statistic title={t('cols.sent')} value={d.results.sent} valueStyle={{ color: '#389e0d' }} /></Card></Col>
            <Col span={4}><Card><Statistic title={t('targetStatuses.not_friend')} value={d.results.notFriend} /></Card></Col>
            <Col span={4}><Card><Statistic title={t('targetStatuses.over_cap')} value={d.results.overCap} /></Card></Col>
          </Row>
          <Card size="small" style={{ marginBottom: 16 }}>
            <Descriptions size="small" column={2}>
              <Descriptions.Item label={t('form.text')}><Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{d.content.text || '—'}</Typography.Paragraph></Descriptions.Item>
              <Descriptions.Item label={t('form.scheduledAt')}>{d.scheduledAt ? formatDateTime(d.scheduledAt) : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('form.attachments')}>{d.content.attachments.length}</Descriptions.Item>
              <Descriptions.Item label={t('form.remindAfter')}>{d.remindAfter.join(', ') || '—'}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Card size="small" title={`${t('detail.senders')} ${d.results.confirmedSenders}/${d.results.senders}`} style={{ marginBottom: 16 }}>
            <ListTable<SendRow> rowKey="id" size="small" columns={sendCols} items={d.sends} pageSize={20} compact rowTestId="broadcast-send-row" />
          </Card>
          <Card size="small" title={t('detail.targets')}
            extra={<Segmented size="small" value={status} onChange={(v) => setStatus(v)} options={TARGET_FILTERS.map((s) => ({ value: s, label: s === 'all' ? t('all') : t(`targetStatuses.${s}`) }))} />}>
            <ListTable<BroadcastTarget> rowKey="targetId" size="small" columns={targetCols} query={targets} paging={paging} />
          </Card>
        </>
      ) : null}
    </>
  );
}
