import { ArrowLeftOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Descriptions, Flex, Switch, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { detailFallback } from '../../components/detail-fallback';
import { PageHeader } from '../../components/page-header';
import { formatDateTime, formatNumber } from '../../lib/format';
import { ListTable } from '../../components/list-page';
import { useLabels } from '../../lib/labels';
import { useMe } from '../auth/hooks';
import { GroupProfileCard } from './group-profile-card';
import { GroupMessagesCard } from '../archive/messages-cards';
import { isStaffMember, useGroup, type GroupMember } from './hooks';

export default function GroupDetailPage() {
  const { chatId = '' } = useParams();
  const { t } = useTranslation(['groups', 'common']);
  const labels = useLabels();
  const navigate = useNavigate();
  const detail = useGroup(chatId);
  const me = useMe();
  const canEdit = me.data?.role === 'admin' || me.data?.role === 'operator' || me.data?.role === 'store_manager';
  const [showLeft, setShowLeft] = useState(false);

  const members = detail.data?.members;
  const names = useMemo(() => new Map((members ?? []).map((m) => [m.memberId, m.name || m.memberId])), [members]);
  const shown = useMemo(() => (members ?? []).filter((m) => showLeft || !m.leftAt), [members, showLeft]);
  const leftCount = (members ?? []).filter((m) => m.leftAt).length;

  const back = <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('common:back')} onClick={() => navigate(-1)} />;

  const fallback = detailFallback(detail, { title: t('title'), back, notFound: t('notFound'), missing: [404, 403] });
  if (fallback || !detail.data) return fallback;

  const { group } = detail.data;
  const columns: ColumnsType<GroupMember> = [
    {
      title: t('memberName'),
      key: 'name',
      render: (_, m) =>
        isStaffMember(m) ? (
          m.name || m.memberId
        ) : (
          <Link to={`/customers/${encodeURIComponent(m.memberId)}`}>{m.name || m.memberId}</Link>
        ),
    },
    {
      title: t('memberType'),
      key: 'type',
      render: (_, m) =>
        isStaffMember(m) ? <Tag color="blue">{t('memberTypes.staff')}</Tag> : <Tag color="green">{t('memberTypes.customer')}</Tag>,
    },
    { title: t('groupNickname'), dataIndex: 'groupNickname', render: (v: string | null) => v || t('common:none') },
    { title: t('joinTime'), dataIndex: 'joinTime', render: (v: string | null) => formatDateTime(v) },
    { title: t('joinScene'), dataIndex: 'joinScene', render: (v: number | null) => labels.joinScene(v) },
    {
      title: t('invitor'),
      dataIndex: 'invitor',
      render: (v: string | null) => (v ? names.get(v) ?? v : t('common:none')),
    },
    {
      title: t('leftAt'),
      key: 'leftAt',
      render: (_, m) =>
        m.leftAt ? (
          <Badge status="default" text={`${formatDateTime(m.leftAt)}${m.quitScene != null ? ` · ${labels.quitScene(m.quitScene)}` : ''}`} />
        ) : (
          <Badge status="success" text={t('inGroup')} />
        ),
    },
  ];

  return (
    <>
      <PageHeader title={group.name || t('unnamed')} back={back} />
      <Flex vertical gap={16}>
        <Card>
          <Descriptions
            column={{ xs: 1, md: 2, xl: 3 }}
            size="small"
            items={[
              { key: 'owner', label: t('owner'), children: group.ownerName || group.ownerUserid || t('common:none') },
              { key: 'members', label: t('memberCount'), children: formatNumber(group.memberCount) },
              { key: 'customers', label: t('customerCount'), children: formatNumber(group.customerCount) },
              { key: 'created', label: t('createdAt'), children: formatDateTime(group.createdAt) },
              {
                key: 'status',
                label: t('status'),
                children: <Badge status={group.status === 'active' ? 'success' : 'default'} text={labels.groupStatus(group.status)} />,
              },
              {
                key: 'chatId',
                label: t('chatId'),
                children: (
                  <Typography.Text copyable style={{ fontSize: 12, wordBreak: 'break-all' }}>
                    {group.chatId}
                  </Typography.Text>
                ),
              },
              {
                key: 'notice',
                label: t('notice'),
                span: 'filled',
                children: group.notice ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{group.notice}</Typography.Paragraph> : t('common:none'),
              },
            ]}
          />
        </Card>
        <GroupProfileCard group={group} canEdit={canEdit} />
        <Card
          title={`${t('members')} (${formatNumber(shown.length)})`}
          extra={
            leftCount > 0 ? (
              <Flex gap={8} align="center">
                <Typography.Text type="secondary">{t('showLeft')}</Typography.Text>
                <Switch size="small" checked={showLeft} onChange={setShowLeft} />
              </Flex>
            ) : null
          }
          styles={{ body: { padding: 0 } }}
        >
          <ListTable<GroupMember>
            rowKey="memberId"
            size="small"
            columns={columns}
            items={shown}
            pageSize={50}
            compact
            scroll={{ x: 860 }}
          />
        </Card>
        <GroupMessagesCard chatId={group.chatId} />
      </Flex>
    </>
  );
}
