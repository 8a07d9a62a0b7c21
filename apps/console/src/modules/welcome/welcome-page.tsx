import { EditOutlined, InboxOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Flex, Popconfirm, Segmented, Select, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { choice, FilterBar, ListPage, ListTable, text, useListState } from '../../components/list-page';
import { formatDateTime, formatDateTimeSeconds } from '../../lib/format';
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

const TABS = ['templates', 'sends'] as const;
type Tab = (typeof TABS)[number];
const PAGE = { tab: choice<Tab>(TABS, 'templates') };
const TEMPLATE_STATUSES: readonly TemplateStatus[] = ['active', 'archived'];
const TEMPLATE_FILTERS = { scope: choice(WELCOME_SCOPES), status: choice(TEMPLATE_STATUSES, 'active'), new: { ...choice(WELCOME_SCOPES), filter: false } };
const SEND_FILTERS = { codeId: text(), status: choice(SEND_STATUSES) };

export default function WelcomePage() {
  const { t } = useTranslation('welcome');
  const page = useListState(PAGE);
  const { tab } = page.filters;
  return (
    <ListPage
      title={t('title')}
      subtitle={t('subtitle')}
      tabs={{
        activeKey: tab,
        // Each tab has its own filters: a new tab starts without the other's.
        onChange: (next) => page.reset({ tab: next as Tab }),
        items: [
          { key: 'templates', label: t('tabs.templates') },
          { key: 'sends', label: <span data-testid="welcome-sends-tab">{t('tabs.sends')}</span> },
        ],
      }}
    >
      {tab === 'templates' ? <TemplatesTab /> : <SendsTab />}
    </ListPage>
  );
}

function TemplatesTab() {
  const { t } = useTranslation(['welcome', 'common']);
  const { message } = App.useApp();
  const canWrite = useCanWrite();
  const state = useListState(TEMPLATE_FILTERS);
  const { scope, status } = state.filters;
  const staffNames = useStaffNames();
  const templates = useWelcomeTemplates({ scope, status });
  const archive = useArchiveTemplate();
  // `?new=<scope>` in a link opens a new template of that scope.
  const [editing, setEditing] = useState<WelcomeTemplate | 'new' | null>(state.filters.new ? 'new' : null);
  const items = templates.data?.items ?? [];
  const hasDefault = status === 'active' && !scope ? items.some((tpl) => tpl.scope === 'default') : true;

  const columns: ColumnsType<WelcomeTemplate> = [
    {
      title: t('name'),
      dataIndex: 'name',
      render: (name: string, tpl) => (
        <Button type="link" style={{ padding: 0 }} onClick={() => setEditing(tpl)}>
          {name}
        </Button>
      ),
    },
    {
      title: t('scope'),
      dataIndex: 'scope',
      render: (s: WelcomeScope) => <Tag color={SCOPE_COLORS[s]}>{t(`scopes.${s}`)}</Tag>,
    },
    {
      title: t('userids'),
      dataIndex: 'userids',
      render: (ids: string[], tpl) =>
        tpl.scope !== 'staff' ? (
          t('common:none')
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
      title: t('text'),
      dataIndex: 'text',
      render: (text: string) => (
        <Typography.Paragraph ellipsis={{ rows: 2, tooltip: text }} style={{ margin: 0, maxWidth: 360 }}>
          {text || t('common:none')}
        </Typography.Paragraph>
      ),
    },
    {
      title: t('attachmentsLabel'),
      dataIndex: 'attachments',
      align: 'right',
      render: (list: WelcomeTemplate['attachments']) => list.length,
    },
    { title: t('updatedAt'), dataIndex: 'updatedAt', render: (v: string) => formatDateTime(v) },
    {
      title: t('common:actions'),
      key: 'actions',
      width: 100,
      render: (_, tpl) =>
        canWrite && tpl.status === 'active' ? (
          <Flex gap={2}>
            <Button type="text" size="small" icon={<EditOutlined />} aria-label={t('common:edit')} onClick={() => setEditing(tpl)} />
            <Popconfirm
              title={t('archiveConfirm', { name: tpl.name })}
              description={<div style={{ maxWidth: 280 }}>{t('archiveHelp')}</div>}
              okButtonProps={{ danger: true, loading: archive.isPending }}
              onConfirm={() => archive.mutateAsync(tpl.id).then(() => void message.success(t('archived'))).catch(() => undefined)}
            >
              <Tooltip title={t('archive')}>
                <Button type="text" size="small" danger icon={<InboxOutlined />} aria-label={t('archive')} />
              </Tooltip>
            </Popconfirm>
          </Flex>
        ) : null,
    },
  ];

  return (
    <>
      <FilterBar
        end={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="welcome-create">
              {t('create')}
            </Button>
          ) : null
        }
      >
        <Segmented<WelcomeScope | 'all'>
          value={scope ?? 'all'}
          onChange={(next) => state.set({ scope: next === 'all' ? null : next })}
          options={[{ value: 'all', label: t('allScopes') }, ...WELCOME_SCOPES.map((s) => ({ value: s, label: t(`scopes.${s}`) }))]}
        />
        <Segmented<TemplateStatus>
          value={status}
          onChange={(next) => state.set({ status: next })}
          options={TEMPLATE_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
        />
      </FilterBar>
      <Alert type="info" showIcon title={t('priority')} style={{ marginBottom: 16 }} />
      {!hasDefault && !templates.isLoading ? <Alert type="warning" showIcon title={t('noDefault')} style={{ marginBottom: 16 }} /> : null}
      <ListTable<WelcomeTemplate>
        rowKey="id"
        columns={columns}
        query={templates}
        rowClassName={(tpl) => (tpl.status === 'archived' ? 'pond-row-muted' : '')}
        rowTestId="welcome-row"
        empty={t('empty')}
        scroll={{ x: 900 }}
      />
      {editing ? (
        <TemplateDrawer
          template={editing === 'new' ? null : editing}
          scope={editing === 'new' ? (state.filters.new ?? scope ?? 'code') : undefined}
          onClose={() => {
            setEditing(null);
            if (state.filters.new) state.set({ new: null }, { keepPage: true });
          }}
        />
      ) : null}
    </>
  );
}

function SendsTab() {
  const { t } = useTranslation(['welcome', 'common']);
  const state = useListState(SEND_FILTERS);
  const { filters } = state;
  const sends = useWelcomeSends(state.query);
  const errcodes: Record<string, string> = t('errcodes', { returnObjects: true });
  // The server's own reasons (welcome/service.ts) in the console's language; WeCom's errmsg stays as sent.
  const reason = (error: string) =>
    error.startsWith('no active welcome template')
      ? t('reasons.noTemplate')
      : error.startsWith('no welcome code')
        ? t('reasons.noCode')
        : error.startsWith('interrupted while sending')
          ? t('reasons.interrupted')
          : error;

  const columns: ColumnsType<WelcomeSend> = [
    { title: t('sends.receivedAt'), dataIndex: 'receivedAt', width: 170, render: (v: string) => formatDateTimeSeconds(v) },
    {
      title: t('sends.customer'),
      key: 'customer',
      render: (_, s) => <Link to={`/customers/${encodeURIComponent(s.externalUserid)}`}>{s.customerName || s.externalUserid}</Link>,
    },
    { title: t('sends.staff'), key: 'staff', render: (_, s) => s.staffName || s.userid },
    {
      title: t('sends.code'),
      key: 'code',
      render: (_, s) => (s.codeId ? <Link to={`/live-codes/${s.codeId}`}>{s.codeName || `#${s.codeId}`}</Link> : t('common:none')),
    },
    { title: t('sends.template'), key: 'template', render: (_, s) => s.templateName || (s.templateId ? `#${s.templateId}` : t('common:none')) },
    {
      title: t('sends.status'),
      dataIndex: 'status',
      width: 100,
      render: (status: SendStatus) => <Badge status={SEND_BADGE[status]} text={t(`sendStatuses.${status}`)} />,
    },
    {
      title: t('sends.error'),
      key: 'error',
      render: (_, s) =>
        s.status === 'sent' ? (
          s.reconciled ? (
            <Tooltip title={t('sends.reconciledHelp')}>
              <Tag color="green" data-testid="welcome-send-reconciled">{t('sends.reconciled')}</Tag>
            </Tooltip>
          ) : (
            t('common:none')
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
        <Tooltip title={t('sends.latencyHelp')}>
          <span>{t('sends.latency')}</span>
        </Tooltip>
      ),
      dataIndex: 'latencyMs',
      align: 'right',
      width: 100,
      render: (v: number | null) => (v === null ? t('common:none') : `${v} ms`),
    },
  ];

  return (
    <>
      <FilterBar>
        <Select<SendStatus>
          allowClear
          value={filters.status}
          onChange={(status) => state.set({ status })}
          placeholder={t('sends.allStatuses')}
          options={SEND_STATUSES.map((s) => ({ value: s, label: t(`sendStatuses.${s}`) }))}
          style={{ width: 160 }}
          data-testid="welcome-sends-status"
        />
        {filters.codeId ? (
          <Tag closable onClose={() => state.set({ codeId: null })} color="blue">
            {t('sends.codeFilter', { id: filters.codeId })}
          </Tag>
        ) : null}
        <Typography.Text type="secondary">{t('sends.help')}</Typography.Text>
      </FilterBar>
      <ListTable<WelcomeSend>
        rowKey="id"
        columns={columns}
        query={sends}
        list={state}
        rowClassName={(s) => (s.status === 'failed' ? 'pond-row-failed' : '')}
        rowTestId="welcome-send-row"
        rowData={(s) => ({ 'data-status': s.status })}
        empty={t('sends.empty')}
        scroll={{ x: 1100 }}
      />
    </>
  );
}
