import { EditOutlined, InboxOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Card, Flex, Popconfirm, Segmented, Select, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { HTMLAttributes } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatDateTime, formatDateTimeSeconds } from '../../lib/format';
import { PAGE_SIZE_OPTIONS, useSearchState } from '../../lib/use-search-state';
import { useCanWrite } from '../auth/hooks';
import { useStaffNames } from '../staff/hooks';
import {
  SEND_STATUSES,
  useArchiveTemplate,
  useWelcomeSends,
  useWelcomeTemplates,
  WELCOME_SCOPES,
  type SendStatus,
  type TemplateStatus,
  type WelcomeScope,
  type WelcomeSend,
  type WelcomeTemplate,
} from './hooks';
import { TemplateDrawer } from './template-drawer';

const SCOPE_COLORS: Record<WelcomeScope, string> = { code: 'blue', staff: 'cyan', default: 'gold' };
const SEND_BADGE: Record<SendStatus, 'success' | 'error' | 'default' | 'warning'> = { sent: 'success', failed: 'error', skipped: 'default', unknown: 'warning' };

export default function WelcomePage() {
  const { t } = useTranslation();
  const search = useSearchState();
  const tab = search.get('tab') === 'sends' ? 'sends' : 'templates';
  return (
    <>
      <PageHeader title={t('welcome.title')} subtitle={t('welcome.subtitle')} />
      <Card styles={{ body: { paddingTop: 8 } }}>
        <Tabs
          activeKey={tab}
          onChange={(next) => search.update({ tab: next === 'templates' ? null : next, scope: null, status: null, codeId: null })}
          items={[
            { key: 'templates', label: t('welcome.tabs.templates'), children: tab === 'templates' ? <TemplatesTab /> : null },
            { key: 'sends', label: <span data-testid="welcome-sends-tab">{t('welcome.tabs.sends')}</span>, children: tab === 'sends' ? <SendsTab /> : null },
          ]}
        />
      </Card>
    </>
  );
}

function TemplatesTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canWrite = useCanWrite();
  const search = useSearchState();
  const staffNames = useStaffNames();
  const scopeParam = search.get('scope');
  const scope = WELCOME_SCOPES.includes(scopeParam as WelcomeScope) ? (scopeParam as WelcomeScope) : undefined;
  const status: TemplateStatus = search.get('status') === 'archived' ? 'archived' : 'active';
  const templates = useWelcomeTemplates({ scope, status });
  const archive = useArchiveTemplate();
  const [editing, setEditing] = useState<WelcomeTemplate | 'new' | null>(search.get('new') ? 'new' : null);
  const items = templates.data?.items ?? [];
  const hasDefault = status === 'active' && !scope ? items.some((tpl) => tpl.scope === 'default') : true;

  const columns: ColumnsType<WelcomeTemplate> = [
    {
      title: t('welcome.name'),
      dataIndex: 'name',
      render: (name: string, tpl) => (
        <Button type="link" style={{ padding: 0 }} onClick={() => setEditing(tpl)}>
          {name}
        </Button>
      ),
    },
    {
      title: t('welcome.scope'),
      dataIndex: 'scope',
      render: (s: WelcomeScope) => <Tag color={SCOPE_COLORS[s]}>{t(`welcome.scopes.${s}`)}</Tag>,
    },
    {
      title: t('welcome.userids'),
      dataIndex: 'userids',
      render: (ids: string[], tpl) =>
        tpl.scope !== 'staff' ? (
          t('common.none')
        ) : (
          <Tooltip title={ids.map((id) => staffNames.get(id) ?? id).join('、')}>
            <span>
              {ids
                .slice(0, 3)
                .map((id) => staffNames.get(id) ?? id)
                .join('、')}
              {ids.length > 3 ? ` +${ids.length - 3}` : ''}
            </span>
          </Tooltip>
        ),
    },
    {
      title: t('welcome.text'),
      dataIndex: 'text',
      render: (text: string) => (
        <Typography.Paragraph ellipsis={{ rows: 2, tooltip: text }} style={{ margin: 0, maxWidth: 360 }}>
          {text || t('common.none')}
        </Typography.Paragraph>
      ),
    },
    {
      title: t('welcome.attachmentsLabel'),
      dataIndex: 'attachments',
      align: 'right',
      render: (list: WelcomeTemplate['attachments']) => list.length,
    },
    { title: t('welcome.updatedAt'), dataIndex: 'updatedAt', render: (v: string) => formatDateTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      render: (_, tpl) =>
        canWrite && tpl.status === 'active' ? (
          <Flex gap={2}>
            <Button type="text" size="small" icon={<EditOutlined />} aria-label={t('common.edit')} onClick={() => setEditing(tpl)} />
            <Popconfirm
              title={t('welcome.archiveConfirm', { name: tpl.name })}
              description={<div style={{ maxWidth: 280 }}>{t('welcome.archiveHelp')}</div>}
              okButtonProps={{ danger: true, loading: archive.isPending }}
              onConfirm={() => archive.mutateAsync(tpl.id).then(() => void message.success(t('welcome.archived'))).catch(() => undefined)}
            >
              <Tooltip title={t('welcome.archive')}>
                <Button type="text" size="small" danger icon={<InboxOutlined />} aria-label={t('welcome.archive')} />
              </Tooltip>
            </Popconfirm>
          </Flex>
        ) : null,
    },
  ];

  return (
    <>
      <Flex gap={12} wrap align="center" justify="space-between" style={{ marginBottom: 16 }}>
        <Flex gap={12} wrap align="center">
          <Segmented<string>
            value={scope ?? 'all'}
            onChange={(next) => search.update({ scope: next === 'all' ? null : next })}
            options={[{ value: 'all', label: t('welcome.allScopes') }, ...WELCOME_SCOPES.map((s) => ({ value: s, label: t(`welcome.scopes.${s}`) }))]}
          />
          <Segmented<TemplateStatus>
            value={status}
            onChange={(next) => search.update({ status: next === 'active' ? null : next })}
            options={[
              { value: 'active', label: t('welcome.statuses.active') },
              { value: 'archived', label: t('welcome.statuses.archived') },
            ]}
          />
        </Flex>
        {canWrite ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="welcome-create">
            {t('welcome.create')}
          </Button>
        ) : null}
      </Flex>
      <Alert type="info" showIcon title={t('welcome.priority')} style={{ marginBottom: 16 }} />
      {!hasDefault && !templates.isLoading ? <Alert type="warning" showIcon title={t('welcome.noDefault')} style={{ marginBottom: 16 }} /> : null}
      {templates.error ? <QueryError error={templates.error} onRetry={() => void templates.refetch()} /> : null}
      <Table<WelcomeTemplate>
        rowKey="id"
        columns={columns}
        dataSource={items}
        loading={templates.isFetching}
        pagination={false}
        rowClassName={(tpl) => (tpl.status === 'archived' ? 'pond-row-muted' : '')}
        onRow={() => ({ 'data-testid': 'welcome-row' }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: <Typography.Text type="secondary">{t('welcome.empty')}</Typography.Text> }}
        scroll={{ x: 900 }}
      />
      {editing ? (
        <TemplateDrawer
          template={editing === 'new' ? null : editing}
          scope={editing === 'new' ? ((search.get('new') as WelcomeScope | undefined) ?? scope ?? 'code') : undefined}
          onClose={() => {
            setEditing(null);
            if (search.get('new')) search.update({ new: null }, { keepPage: true });
          }}
        />
      ) : null}
    </>
  );
}

function SendsTab() {
  const { t } = useTranslation();
  const search = useSearchState();
  const query = { codeId: search.get('codeId'), status: search.get('status'), page: search.page, pageSize: search.pageSize };
  const sends = useWelcomeSends(query);
  const errcodes: Record<string, string> = t('welcome.errcodes', { returnObjects: true });
  // The server's own reasons (welcome/service.ts) in the console's language; WeCom's errmsg stays as sent.
  const reason = (error: string) =>
    error.startsWith('no active welcome template')
      ? t('welcome.reasons.noTemplate')
      : error.startsWith('no welcome code')
        ? t('welcome.reasons.noCode')
        : error.startsWith('interrupted while sending')
          ? t('welcome.reasons.interrupted')
          : error;

  const columns: ColumnsType<WelcomeSend> = [
    { title: t('welcome.sends.receivedAt'), dataIndex: 'receivedAt', width: 170, render: (v: string) => formatDateTimeSeconds(v) },
    {
      title: t('welcome.sends.customer'),
      key: 'customer',
      render: (_, s) => <Link to={`/customers/${encodeURIComponent(s.externalUserid)}`}>{s.customerName || s.externalUserid}</Link>,
    },
    { title: t('welcome.sends.staff'), key: 'staff', render: (_, s) => s.staffName || s.userid },
    {
      title: t('welcome.sends.code'),
      key: 'code',
      render: (_, s) => (s.codeId ? <Link to={`/live-codes/${s.codeId}`}>{s.codeName || `#${s.codeId}`}</Link> : t('common.none')),
    },
    { title: t('welcome.sends.template'), key: 'template', render: (_, s) => s.templateName || (s.templateId ? `#${s.templateId}` : t('common.none')) },
    {
      title: t('welcome.sends.status'),
      dataIndex: 'status',
      width: 100,
      render: (status: SendStatus) => <Badge status={SEND_BADGE[status]} text={t(`welcome.sendStatuses.${status}`)} />,
    },
    {
      title: t('welcome.sends.error'),
      key: 'error',
      render: (_, s) =>
        s.status === 'sent' ? (
          s.reconciled ? (
            <Tooltip title={t('welcome.sends.reconciledHelp')}>
              <Tag color="green" data-testid="welcome-send-reconciled">{t('welcome.sends.reconciled')}</Tag>
            </Tooltip>
          ) : (
            t('common.none')
          )
        ) : (
          <div style={{ maxWidth: 380 }}>
            {s.errcode !== null ? (
              <Tag color="red" data-testid="welcome-send-errcode">
                errcode {s.errcode}
              </Tag>
            ) : null}
            {s.errcode !== null && errcodes[String(s.errcode)] ? (
              <Typography.Text type="danger">{errcodes[String(s.errcode)]}</Typography.Text>
            ) : null}
            {s.error ? (
              <Typography.Paragraph type={s.status === 'failed' ? 'danger' : 'secondary'} ellipsis={{ rows: 2, tooltip: s.error }} style={{ margin: 0, fontSize: 12 }}>
                {reason(s.error)}
              </Typography.Paragraph>
            ) : null}
          </div>
        ),
    },
    {
      title: (
        <Tooltip title={t('welcome.sends.latencyHelp')}>
          <span>{t('welcome.sends.latency')}</span>
        </Tooltip>
      ),
      dataIndex: 'latencyMs',
      align: 'right',
      width: 100,
      render: (v: number | null) => (v === null ? t('common.none') : `${v} ms`),
    },
  ];

  return (
    <>
      <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }}>
        <Select<string>
          allowClear
          value={query.status}
          onChange={(status) => search.update({ status })}
          placeholder={t('welcome.sends.allStatuses')}
          options={SEND_STATUSES.map((s) => ({ value: s, label: t(`welcome.sendStatuses.${s}`) }))}
          style={{ width: 160 }}
          data-testid="welcome-sends-status"
        />
        {query.codeId ? (
          <Tag closable onClose={() => search.update({ codeId: null })} color="blue">
            {t('welcome.sends.codeFilter', { id: query.codeId })}
          </Tag>
        ) : null}
        <Typography.Text type="secondary">{t('welcome.sends.help')}</Typography.Text>
      </Flex>
      {sends.error ? <QueryError error={sends.error} onRetry={() => void sends.refetch()} /> : null}
      <Table<WelcomeSend>
        rowKey="id"
        columns={columns}
        dataSource={sends.data?.items}
        loading={sends.isFetching}
        rowClassName={(s) => (s.status === 'failed' ? 'pond-row-failed' : '')}
        onRow={(s) => ({ 'data-testid': 'welcome-send-row', 'data-status': s.status }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: <Typography.Text type="secondary">{t('welcome.sends.empty')}</Typography.Text> }}
        pagination={{
          current: search.page,
          pageSize: search.pageSize,
          total: sends.data?.total ?? 0,
          pageSizeOptions: PAGE_SIZE_OPTIONS,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
          onChange: search.setPage,
        }}
        scroll={{ x: 1100 }}
      />
    </>
  );
}
