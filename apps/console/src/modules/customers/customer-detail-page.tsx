import { ArrowLeftOutlined, EditOutlined, TagsOutlined } from '@ant-design/icons';
import { Avatar, Badge, Button, Card, Col, Descriptions, Empty, Flex, Row, Table, Tag, Timeline, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { TimelineItemProps } from 'antd/es/timeline';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { detailFallback } from '../../components/detail-fallback';
import { PageHeader } from '../../components/page-header';
import { formatDateTime } from '../../lib/format';
import { useLabels } from '../../lib/labels';
import { TagList } from '../tags/tag-pickers';
import { EventSummary } from './event-detail';
import { FollowEditModal, FollowTagsModal, useCanEditFollow, WecomSyncHint } from './follow-edit';
import { NotesCard } from './notes-card';
import { OrdersCard } from './orders-card';
import { CustomerRewardsCard } from '../rewards/customer-rewards-card';
import { ContactLedgerCard } from '../governance/ledger-card';
import { CustomerMessagesCard } from '../archive/messages-cards';
import { TIMELINE_MORE_THRESHOLD, useCustomer, useOlderEvents, type CustomerEvent, type CustomerGroup, type Follow } from './hooks';

const EVENT_COLORS: Record<string, string> = {
  'customer.added': 'green',
  'customer.half_added': 'green',
  'customer.deleted_by_staff': 'red',
  'customer.deleted_staff': 'red',
  'follow.transfer_failed': 'red',
  'group.joined': 'blue',
  'group.left': 'gray',
  'tag.added': 'blue',
  'tag.removed': 'gray',
  'remark.changed': 'blue',
  'order.paid': 'gold',
  'order.refunded': 'red',
  'checkin.done': 'orange',
  'checkin.milestone': 'gold',
  'checkin.completed': 'green',
  'checkin.failed': 'gray',
  'checkin.refunded': 'red',
};

export default function CustomerDetailPage() {
  const { externalUserid = '' } = useParams();
  const { t } = useTranslation(['customers', 'common']);
  const navigate = useNavigate();
  const detail = useCustomer(externalUserid);

  const back = (
    <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('common:back')} onClick={() => navigate(-1)} />
  );

  const fallback = detailFallback(detail, { title: t('title'), back, notFound: t('detail.notFound'), missing: [404, 403], avatar: true, rows: 6 });
  if (fallback || !detail.data) return fallback;

  const { customer, follows, groups, timeline } = detail.data;
  return (
    <>
      <PageHeader title={customer.name || customer.externalUserid} back={back} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={7}>
          <Flex vertical gap={16}>
            <IdentityCard detail={detail.data} />
            <NotesCard externalUserid={customer.externalUserid} />
            <GroupsCard groups={groups} />
          </Flex>
        </Col>
        <Col xs={24} xl={17}>
          <Flex vertical gap={16}>
            <FollowsCard externalUserid={customer.externalUserid} customerType={customer.type} follows={follows} />
            <OrdersCard externalUserid={customer.externalUserid} />
            <CustomerRewardsCard externalUserid={customer.externalUserid} />
            <ContactLedgerCard externalUserid={customer.externalUserid} />
            <TimelineCard externalUserid={customer.externalUserid} timeline={timeline} groups={groups} />
            <CustomerMessagesCard externalUserid={customer.externalUserid} />
          </Flex>
        </Col>
      </Row>
    </>
  );
}

function IdentityCard({ detail }: { detail: NonNullable<ReturnType<typeof useCustomer>['data']> }) {
  const { t } = useTranslation(['customers', 'common']);
  const labels = useLabels();
  const { customer } = detail;
  const firstAdded =
    customer.firstAddedAt ??
    detail.follows.map((f) => f.addedAt).filter((v): v is string => !!v).sort()[0] ??
    null;
  return (
    <Card title={t('detail.identity')}>
      <Flex align="center" gap={16} style={{ marginBottom: 16 }}>
        <Avatar size={64} src={customer.avatar || undefined} style={{ backgroundColor: customer.avatar ? undefined : '#91caff' }}>
          {(customer.name || '?').slice(0, 1)}
        </Avatar>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="customer-name">
            {customer.name || t('common:none')}
          </Typography.Title>
          <Typography.Text type={customer.type === 2 ? 'success' : undefined} style={customer.type === 1 ? { color: '#52c41a' } : undefined}>
            {customer.type === 2 && customer.corpName ? `@${customer.corpName}` : t('wechatSuffix')}
          </Typography.Text>
        </div>
      </Flex>
      <Descriptions
        column={1}
        size="small"
        items={[
          { key: 'type', label: t('detail.type'), children: labels.customerType(customer.type) },
          { key: 'gender', label: t('detail.gender'), children: labels.gender(customer.gender) },
          {
            key: 'unionid',
            label: t('detail.unionid'),
            children: customer.unionid ? <Typography.Text copyable>{customer.unionid}</Typography.Text> : t('common:none'),
          },
          ...(customer.type === 2
            ? [
                { key: 'corp', label: t('detail.corpName'), children: customer.corpFullName || customer.corpName || t('common:none') },
                { key: 'position', label: t('detail.position'), children: customer.position || t('common:none') },
              ]
            : []),
          {
            key: 'id',
            label: t('detail.externalUserid'),
            children: (
              <Typography.Text copyable style={{ wordBreak: 'break-all', fontSize: 12 }}>
                {customer.externalUserid}
              </Typography.Text>
            ),
          },
          { key: 'first', label: t('firstAddedAt'), children: formatDateTime(firstAdded) },
        ]}
      />
    </Card>
  );
}

type FollowEditing = { kind: 'fields' | 'tags'; userid: string };

/** The member's own tags (个人标签) from the WeCom client: shown, never edited here. */
function PersonalTags({ names }: { names?: string[] }) {
  const { t } = useTranslation('customers');
  if (!names?.length) return null;
  return (
    <Flex align="center" gap={4} wrap style={{ width: '100%' }} data-testid="follow-personal-tags">
      <Tooltip title={t('detail.personalTagsHint')}>
        <Typography.Text type="secondary" style={{ fontSize: 12, cursor: 'help' }}>
          {t('detail.personalTags')}
        </Typography.Text>
      </Tooltip>
      {names.map((name) => (
        <Tag key={name} bordered={false} style={{ marginInlineEnd: 0 }}>
          {name}
        </Tag>
      ))}
    </Flex>
  );
}

function FollowsCard({ externalUserid, customerType, follows }: { externalUserid: string; customerType: number; follows: Follow[] }) {
  const { t } = useTranslation(['customers', 'common']);
  const labels = useLabels();
  const canEdit = useCanEditFollow();
  const [editing, setEditing] = useState<FollowEditing | null>(null);
  // The row as it is now (refetched after a save), not as it was when the modal opened.
  const editingFollow = editing ? follows.find((f) => f.userid === editing.userid) : undefined;
  const anyEditable = follows.some(canEdit);
  const columns: ColumnsType<Follow> = [
    {
      title: t('detail.staff'),
      key: 'staff',
      render: (_, f) => (
        <Link to={`/customers?userid=${encodeURIComponent(f.userid)}`}>{f.staffName || f.userid}</Link>
      ),
    },
    {
      title: t('detail.addedAt'),
      key: 'added',
      render: (_, f) => (
        <div style={{ whiteSpace: 'nowrap' }}>
          <div>{formatDateTime(f.addedAt)}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {labels.addWay(f.addWay)}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('detail.state'),
      dataIndex: 'state',
      render: (v: string | null) => (v ? <Typography.Text code>{v}</Typography.Text> : t('common:none')),
    },
    {
      title: t('detail.remark'),
      key: 'remark',
      render: (_, f) => (
        <div>
          <div>{f.remark || t('common:none')}</div>
          {f.description ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {f.description}
            </Typography.Text>
          ) : null}
          {f.remarkMobiles && f.remarkMobiles.length > 0 ? (
            <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
              {f.remarkMobiles.join(', ')}
            </Typography.Text>
          ) : null}
          {f.remarkCorpName ? (
            <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
              {f.remarkCorpName}
            </Typography.Text>
          ) : null}
        </div>
      ),
    },
    {
      title: t('detail.tags'),
      key: 'tags',
      render: (_, f) => (
        <Flex align="center" gap={4} wrap style={{ maxWidth: 320 }}>
          <span data-testid="follow-tags">
            <TagList ids={f.tagIds} />
          </span>
          {canEdit(f) ? (
            <Tooltip title={t('edit.editTags')}>
              <Button
                type="text"
                size="small"
                icon={<TagsOutlined />}
                aria-label={t('edit.editTags')}
                onClick={() => setEditing({ kind: 'tags', userid: f.userid })}
                data-testid="follow-tags-edit"
              />
            </Tooltip>
          ) : null}
          <PersonalTags names={f.personalTags} />
        </Flex>
      ),
    },
    {
      title: t('detail.status'),
      key: 'status',
      render: (_, f) => (
        <div>
          <Badge status={f.status === 'active' ? 'success' : f.status === 'transferred' ? 'processing' : 'error'} text={labels.followStatus(f.status)} />
          {f.deletedAt ? (
            <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
              {formatDateTime(f.deletedAt)}
            </Typography.Text>
          ) : null}
        </div>
      ),
    },
    ...(anyEditable
      ? [
          {
            title: t('common:actions'),
            key: 'actions',
            render: (_: unknown, f: Follow) =>
              canEdit(f) ? (
                <Button
                  type="link"
                  size="small"
                  icon={<EditOutlined />}
                  style={{ paddingInline: 0 }}
                  onClick={() => setEditing({ kind: 'fields', userid: f.userid })}
                  data-testid="follow-edit"
                >
                  {t('common:edit')}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];
  return (
    <Card title={t('detail.follows')} extra={anyEditable ? <WecomSyncHint /> : null} styles={{ body: { padding: 0 } }}>
      <Table<Follow>
        rowKey="userid"
        size="small"
        columns={columns}
        dataSource={follows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        onRow={(f) => ({ 'data-testid': 'follow-row', 'data-userid': f.userid }) as React.HTMLAttributes<HTMLElement>}
        locale={{ emptyText: t('detail.noFollows') }}
      />
      {editing?.kind === 'fields' && editingFollow ? (
        <FollowEditModal externalUserid={externalUserid} follow={editingFollow} customerType={customerType} onClose={() => setEditing(null)} />
      ) : null}
      {editing?.kind === 'tags' && editingFollow ? (
        <FollowTagsModal externalUserid={externalUserid} follow={editingFollow} onClose={() => setEditing(null)} />
      ) : null}
    </Card>
  );
}

function GroupsCard({ groups }: { groups: CustomerGroup[] }) {
  const { t } = useTranslation(['customers', 'groups']);
  const labels = useLabels();
  return (
    <Card title={t('detail.groups')}>
      {groups.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('detail.noGroups')} />
      ) : (
        <Flex vertical gap={12}>
          {groups.map((g) => (
            <div key={g.chatId} style={{ opacity: g.leftAt ? 0.6 : 1 }}>
              <Link to={`/groups/${encodeURIComponent(g.chatId)}`}>{g.name || t('groups:unnamed')}</Link>
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatDateTime(g.joinTime)} · {labels.joinScene(g.joinScene)} ·{' '}
                  {g.leftAt
                    ? `${t('detail.leftAt')} ${formatDateTime(g.leftAt)}${g.quitScene != null ? ` (${labels.quitScene(g.quitScene)})` : ''}`
                    : t('detail.inGroup')}
                </Typography.Text>
              </div>
            </div>
          ))}
        </Flex>
      )}
    </Card>
  );
}

function TimelineCard({ externalUserid, timeline, groups }: { externalUserid: string; timeline: CustomerEvent[]; groups: CustomerGroup[] }) {
  const { t } = useTranslation(['customers', 'common']);
  const labels = useLabels();
  const groupNames = useMemo(() => new Map(groups.map((g) => [g.chatId, g.name || g.chatId])), [groups]);
  const last = timeline[timeline.length - 1];
  const older = useOlderEvents(externalUserid, last?.id);

  const events = useMemo(() => {
    const seen = new Set<string>();
    return [...timeline, ...(older.data?.pages.flatMap((p) => p.items) ?? [])].filter((e) => {
      const key = String(e.id);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }, [timeline, older.data]);

  const exhausted = timeline.length < TIMELINE_MORE_THRESHOLD || (older.data !== undefined && !older.hasNextPage);
  const loadMore = () => void (older.data ? older.fetchNextPage() : older.refetch());

  const items: TimelineItemProps[] = events.map((e) => ({
    key: String(e.id),
    color: EVENT_COLORS[e.type] ?? 'gray',
    content: (
      <div data-testid="timeline-item" data-event-type={e.type}>
        <Flex gap={8} align="baseline" wrap>
          <Typography.Text strong>{labels.eventType(e.type)}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="timeline-time">
            {formatDateTime(e.occurredAt)}
          </Typography.Text>
        </Flex>
        <Flex vertical style={{ fontSize: 13 }}>
          <EventSummary event={e} groupName={e.chatId ? groupNames.get(e.chatId) : undefined} />
        </Flex>
      </div>
    ),
  }));

  return (
    <Card title={t('detail.timeline')}>
      {events.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('detail.noTimeline')} />
      ) : (
        <>
          <Timeline items={items} />
          <Flex justify="center">
            {exhausted ? (
              <Typography.Text type="secondary">{t('common:noMore')}</Typography.Text>
            ) : (
              <Button onClick={loadMore} loading={older.isFetching}>
                {t('common:loadMore')}
              </Button>
            )}
          </Flex>
        </>
      )}
    </Card>
  );
}
