// A moment's results: what it says and who sees it, then per staff member whether they posted, how many customers
// can see their post, likes, comments and reminders; the likes and comments with the customers' names. Admins and
// operators refresh from WeCom, remind staff who have not posted, send a scheduled moment now, or cancel it.
import { ArrowLeftOutlined, BellOutlined, ReloadOutlined, SendOutlined, StopOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Descriptions, Flex, Image, Popconfirm, Progress, Row, Segmented, Space, Statistic, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { detailFallback } from '../../components/detail-fallback';
import { ListTable, useLocalPaging } from '../../components/list-page';
import { PageHeader } from '../../components/page-header';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { useDepartments, useStaffNames } from '../staff/hooks';
import { TagList } from '../tags/tag-pickers';
import {
  useCancelMoment, useMoment, useMomentInteractions, usePublishMoment, useRefreshMoment, useRemindMoment,
  type InteractionKind, type MomentDetail, type MomentInteraction,
} from './hooks';
import { STATUS_COLORS } from './moments-page';

type Sender = MomentDetail['senders'][number];

export default function MomentDetailPage() {
  const { t } = useTranslation(['moments', 'common']);
  const { message } = App.useApp();
  const id = Number(useParams().id);
  const moment = useMoment(id);
  const canWrite = useCanWrite();
  const refresh = useRefreshMoment();
  const remind = useRemindMoment();
  const publish = usePublishMoment();
  const cancel = useCancelMoment();
  const staffNames = useStaffNames();
  const departments = useDepartments();
  const back = (
    <Link to="/moments" aria-label={t('detail.back')}>
      <Button type="text" icon={<ArrowLeftOutlined />} />
    </Link>
  );
  const fallback = detailFallback(moment, { title: t('title'), back, notFound: t('detail.notFound') });
  if (fallback) return fallback;
  const m = moment.data!;
  const list = (items: (string | number)[]) => items.join(t('common:listSeparator'));
  const departmentName = (d: number) => departments.data?.items.find((x) => x.id === d)?.name ?? String(d);
  const open = m.status === 'scheduled' || m.status === 'issuing' || m.status === 'issued';
  const rate = m.counts.senders ? Math.round((m.counts.published / m.counts.senders) * 100) : 0;

  const actions = canWrite ? (
    <>
      <Button icon={<ReloadOutlined />} loading={refresh.isPending} disabled={!m.momentId} data-testid="moment-refresh"
        onClick={() => void refresh.mutateAsync(id).then(() => void message.success(t('detail.refreshed'))).catch(() => undefined)}>
        {t('detail.refresh')}
      </Button>
      {m.status === 'issued' && m.origin === 'pond' ? (
        <Button icon={<BellOutlined />} loading={remind.isPending} disabled={m.counts.published >= m.counts.senders} data-testid="moment-remind"
          onClick={() => void remind.mutateAsync(id).then((r) => void message.success(t('detail.reminded', { n: r.reminded }))).catch(() => undefined)}>
          {t('detail.remind')}
        </Button>
      ) : null}
      {m.status === 'scheduled' ? (
        <Button type="primary" icon={<SendOutlined />} loading={publish.isPending} data-testid="moment-publish"
          onClick={() => void publish.mutateAsync(id).then(() => void message.success(t('detail.published'))).catch(() => undefined)}>
          {t('detail.publish')}
        </Button>
      ) : null}
      {open && !(m.origin === 'wecom' && m.creator) ? (
        <Popconfirm title={t('detail.cancelConfirm')} okButtonProps={{ danger: true, loading: cancel.isPending }}
          onConfirm={() => cancel.mutateAsync(id).then(() => void message.success(t('detail.cancelled'))).catch(() => undefined)}>
          <Button danger icon={<StopOutlined />} data-testid="moment-cancel">{t('detail.cancel')}</Button>
        </Popconfirm>
      ) : null}
    </>
  ) : null;

  return (
    <>
      <PageHeader
        back={back}
        title={<Space>{m.name}<Tag color={STATUS_COLORS[m.status]} data-testid="moment-status">{t(`statuses.${m.status}`)}</Tag></Space>}
        subtitle={m.polledAt ? t('detail.polledAt', { time: formatDateTime(m.polledAt) }) : undefined}
        extra={actions}
      />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('detail.publishRate')} value={`${formatNumber(m.counts.published)} / ${formatNumber(m.counts.senders)}`} />
            <Progress percent={rate} size="small" />
          </Card>
        </Col>
        <Col xs={12} md={6}><Card><Statistic title={t('columns.reach')} value={m.counts.reach} data-testid="moment-reach" /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('columns.likes')} value={m.counts.likes} data-testid="moment-likes" /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('columns.comments')} value={m.counts.comments} data-testid="moment-comments" /></Card></Col>
      </Row>
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, md: 2 }} size="small">
          <Descriptions.Item label={t('detail.content')} span={2}>
            <Flex vertical gap={8}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{m.text || t('common:none')}</Typography.Paragraph>
              {m.attachments.length ? (
                <Flex gap={8} wrap>
                  {m.attachments.map((a, i) => (a.type === 'link' ? (
                    <Tag key={i}>{t('attachmentKinds.link')}: <a href={a.url ?? undefined} target="_blank" rel="noreferrer">{a.title ?? a.url}</a></Tag>
                  ) : a.picUrl ? (
                    <Image key={i} src={a.picUrl} width={72} height={72} style={{ objectFit: 'cover', borderRadius: 4 }} />
                  ) : (
                    <Tag key={i}>{t(`attachmentKinds.${a.type}`)}{a.filename ? `: ${a.filename}` : ''}</Tag>
                  )))}
                </Flex>
              ) : null}
            </Flex>
          </Descriptions.Item>
          <Descriptions.Item label={t('composer.staff')}>
            {m.visibility.staffUserids.length || m.visibility.departmentIds.length
              ? list([...m.visibility.staffUserids.map((u) => staffNames.get(u) ?? u), ...m.visibility.departmentIds.map(departmentName)])
              : m.origin === 'wecom' ? t('common:none') : t('detail.allStaff')}
          </Descriptions.Item>
          <Descriptions.Item label={t('composer.tags')}>
            {m.visibility.tagIds.length ? <TagList ids={m.visibility.tagIds} /> : t('detail.allCustomers')}
          </Descriptions.Item>
          <Descriptions.Item label={t('detail.schedule')}>
            {formatDateTime(m.issuedAt ?? m.scheduledAt ?? m.createdAt)}
          </Descriptions.Item>
          <Descriptions.Item label={t('detail.reminders')}>
            {m.remindAfter.length ? t('detail.remindAfter', { list: list(m.remindAfter) }) : t('common:none')}
          </Descriptions.Item>
          <Descriptions.Item label={t('detail.autoTag')}>{m.autoTag ? <Tag color="blue">{m.autoTag.name}</Tag> : t('common:none')}</Descriptions.Item>
          <Descriptions.Item label={t('detail.budget')}>
            {m.counts.planned || m.counts.overBudget ? t('detail.budgetValue', { planned: m.counts.planned, over: m.counts.overBudget }) : t('common:none')}
          </Descriptions.Item>
          <Descriptions.Item label={t('detail.momentId')}><Typography.Text code copyable={!!m.momentId}>{m.momentId ?? t('common:none')}</Typography.Text></Descriptions.Item>
          {m.creator ? <Descriptions.Item label={t('detail.creator')}>{staffNames.get(m.creator) ?? m.creator}</Descriptions.Item> : null}
          {m.invalid.staffUserids.length || m.invalid.departmentIds.length || m.invalid.tagIds.length ? (
            <Descriptions.Item label={t('detail.invalid')} span={2}>
              <Flex vertical>
                {m.invalid.staffUserids.length ? <span>{t('detail.invalidStaff', { list: list(m.invalid.staffUserids) })}</span> : null}
                {m.invalid.departmentIds.length ? <span>{t('detail.invalidDepartments', { list: list(m.invalid.departmentIds.map(departmentName)) })}</span> : null}
                {m.invalid.tagIds.length ? <span>{t('detail.invalidTags', { list: list(m.invalid.tagIds) })}</span> : null}
              </Flex>
            </Descriptions.Item>
          ) : null}
          {m.error ? <Descriptions.Item label={t('detail.error')} span={2}><Typography.Text type="danger">{m.error}</Typography.Text></Descriptions.Item> : null}
        </Descriptions>
      </Card>
      <Card>
        <Tabs items={[
          { key: 'senders', label: t('detail.tabSenders'), children: <Senders senders={m.senders} /> },
          { key: 'interactions', label: t('detail.tabInteractions'), children: <Interactions id={id} /> },
        ]} />
      </Card>
    </>
  );
}

function Senders({ senders }: { senders: Sender[] }) {
  const { t } = useTranslation(['moments', 'common']);
  const columns: ColumnsType<Sender> = [
    { title: t('detail.sender'), dataIndex: 'name' },
    {
      title: t('detail.publishState'), dataIndex: 'published', width: 110,
      render: (p: boolean) => (p ? <Tag color="success">{t('detail.publishedYes')}</Tag> : <Tag>{t('detail.publishedNo')}</Tag>),
    },
    { title: t('detail.publishedAt'), dataIndex: 'publishedAt', render: (v: string | null) => formatDateTime(v) },
    { title: t('columns.reach'), dataIndex: 'reach', align: 'right', render: (n: number) => formatNumber(n) },
    { title: t('columns.likes'), dataIndex: 'likes', align: 'right', render: (n: number) => formatNumber(n) },
    { title: t('columns.comments'), dataIndex: 'comments', align: 'right', render: (n: number) => formatNumber(n) },
    { title: t('detail.remindersSent'), dataIndex: 'reminders', align: 'right', render: (n: number) => formatNumber(n) },
    { title: t('detail.lastReminded'), dataIndex: 'lastRemindedAt', render: (v: string | null) => formatDateTime(v) },
  ];
  return <ListTable<Sender> rowKey="userid" columns={columns} items={senders} pageSize={50} compact rowTestId="moment-sender" empty={t('detail.noSenders')} />;
}

function Interactions({ id }: { id: number }) {
  const { t } = useTranslation(['moments', 'common']);
  const [kind, setKind] = useState<InteractionKind | 'all'>('all');
  const paging = useLocalPaging(kind);
  const query = useMomentInteractions(id, { kind: kind === 'all' ? undefined : kind, page: paging.page, pageSize: paging.pageSize });
  const columns: ColumnsType<MomentInteraction> = [
    { title: t('detail.kind'), dataIndex: 'kind', width: 90, render: (k: InteractionKind) => <Tag color={k === 'like' ? 'red' : 'blue'}>{t(`detail.kinds.${k}`)}</Tag> },
    {
      title: t('detail.who'), key: 'who',
      render: (_, i) => (i.externalUserid
        ? <Link to={`/customers/${encodeURIComponent(i.externalUserid)}`}>{i.customerName ?? i.externalUserid}</Link>
        : t('detail.colleague', { name: i.userid ?? '' })),
    },
    { title: t('detail.onPost'), dataIndex: 'senderName' },
    { title: t('detail.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v) },
  ];
  return (
    <>
      <Segmented<InteractionKind | 'all'>
        value={kind}
        onChange={setKind}
        options={[{ value: 'all', label: `${t('detail.kinds.like')} + ${t('detail.kinds.comment')}` }, { value: 'like', label: t('detail.kinds.like') }, { value: 'comment', label: t('detail.kinds.comment') }]}
        style={{ marginBottom: 12 }}
      />
      <ListTable<MomentInteraction> rowKey={(i) => `${i.kind}-${i.externalUserid ?? i.userid}-${i.senderUserid}-${i.at}`} columns={columns} query={query} paging={paging} rowTestId="moment-interaction" empty={t('detail.noInteractions')} />
    </>
  );
}
