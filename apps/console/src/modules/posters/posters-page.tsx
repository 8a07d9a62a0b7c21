// Posters and cards: the corp's poster templates (open one in the designer) and every staff member's card with their
// own code — a badge or an A4 sheet to print, a 9:16 poster to share — and a store's cards in one zip.
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Card, Flex, Popconfirm, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatDateTime } from '../../lib/format';
import { useCanWrite, useMe } from '../auth/hooks';
import { useStaffList, useStores, type Staff } from '../staff/hooks';
import { cardLinks, useArchiveTemplate, usePosterTemplates, type PosterTemplate } from './hooks';

export default function PostersPage() {
  const { t } = useTranslation(['posters', 'common']);
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'cards' ? 'cards' : 'templates';
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'cards' ? { tab: 'cards' } : {}, { replace: true })}
        items={[
          { key: 'templates', label: t('tabs.templates'), children: <Templates /> },
          { key: 'cards', label: t('tabs.cards'), children: <StaffCards /> },
        ]}
      />
    </>
  );
}

function Templates() {
  const { t } = useTranslation(['posters', 'common']);
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const { message } = AntApp.useApp();
  const list = usePosterTemplates();
  const archive = useArchiveTemplate();
  const columns: ColumnsType<PosterTemplate> = [
    { title: t('columns.name'), key: 'name', render: (_, p) => <Link to={`/posters/${p.id}`}>{p.name}</Link> },
    { title: t('columns.purpose'), dataIndex: 'purpose', width: 120, render: (v: PosterTemplate['purpose']) => t(`purposes.${v}`) },
    { title: t('columns.canvas'), key: 'canvas', width: 200, render: (_, p) => t(`canvases.${p.design.canvas ?? 'poster'}`) },
    { title: t('columns.status'), dataIndex: 'status', width: 100, render: (s: PosterTemplate['status']) => <Tag color={s === 'published' ? 'success' : 'default'}>{t(`statuses.${s}`)}</Tag> },
    { title: t('columns.version'), dataIndex: 'version', width: 80, align: 'right' },
    { title: t('columns.updatedAt'), dataIndex: 'updatedAt', width: 180, render: (v: string) => formatDateTime(v) },
    ...(canWrite ? [{
      title: t('columns.actions'), key: 'actions', width: 160, render: (_: unknown, p: PosterTemplate) => (
        <Space>
          <Link to={`/posters/${p.id}`}>{t('edit')}</Link>
          <Popconfirm title={t('archiveConfirm')} onConfirm={() => archive.mutate(p.id, { onError: (e) => void message.error(e.message) })}>
            <Typography.Link type="danger">{t('archive')}</Typography.Link>
          </Popconfirm>
        </Space>
      ),
    }] : []),
  ];
  return (
    <Card
      extra={canWrite ? <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/posters/new')} data-testid="poster-create">{t('create')}</Button> : null}
    >
      {list.error ? <QueryError error={list.error} onRetry={() => void list.refetch()} /> : null}
      <Table<PosterTemplate> rowKey="id" size="middle" loading={list.isLoading} columns={columns} dataSource={list.data?.items ?? []} locale={{ emptyText: t('empty') }} pagination={false} />
    </Card>
  );
}

function StaffCards() {
  const { t } = useTranslation(['posters', 'common']);
  const me = useMe();
  const stores = useStores();
  const [storeId, setStoreId] = useState<number | undefined>();
  const staff = useStaffList({ pageSize: '100', status: '1', ...(storeId ? { storeId: String(storeId) } : {}) });
  const canZip = me.data?.role !== 'staff';
  const columns: ColumnsType<Staff> = [
    { title: t('cards.staff'), dataIndex: 'name', render: (v: string, s) => <Space><span>{v}</span><Typography.Text type="secondary">{s.userid}</Typography.Text></Space> },
    {
      title: t('cards.download'), key: 'download', width: 320, render: (_, s) => (
        <Space>
          {(['badge', 'a4', 'poster'] as const).map((size) => (
            <Button key={size} size="small" icon={<DownloadOutlined />} href={cardLinks.card(s.userid, size)} target="_blank" data-testid={`card-${size}-${s.userid}`}>
              {t(`cards.${size}`)}
            </Button>
          ))}
        </Space>
      ),
    },
  ];
  return (
    <Card>
      <Typography.Paragraph type="secondary">{t('cards.intro')}</Typography.Paragraph>
      <Flex gap={8} style={{ marginBottom: 16 }} wrap>
        <Select<number>
          allowClear
          placeholder={t('cards.pickStore')}
          style={{ minWidth: 220 }}
          value={storeId}
          onChange={setStoreId}
          options={(stores.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
          data-testid="cards-store"
        />
        {canZip && storeId ? (
          <Button icon={<DownloadOutlined />} href={cardLinks.storeZip(storeId, 'badge')} data-testid="cards-zip">{t('cards.storeZip')}</Button>
        ) : null}
      </Flex>
      <Table<Staff> rowKey="userid" size="middle" loading={staff.isLoading} columns={columns} dataSource={(staff.data?.items ?? []).filter((s) => s.isFollowUser)} pagination={false} />
    </Card>
  );
}
