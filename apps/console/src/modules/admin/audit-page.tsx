import { Flex, Select, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ListPage, ListTable, text, useListState } from '../../components/list-page';
import { toLanguage } from '../../i18n';
import { formatDateTimeSeconds } from '../../lib/format';
import { useAudit, useAuditActions, type AuditEntry, type Bilingual } from './hooks';

function hasDetail(detail: unknown): boolean {
  return detail !== null && detail !== undefined && !(typeof detail === 'object' && Object.keys(detail).length === 0);
}

/** Where a target lives in the console, for the kinds that have a page. */
const TARGET_PAGES: Record<string, (id: string) => string> = {
  live_code: (id) => `/live-codes/${encodeURIComponent(id)}`,
  customer: (id) => `/customers/${encodeURIComponent(id)}`,
  group: (id) => `/groups/${encodeURIComponent(id)}`,
};

const FILTERS = { action: text() };

export default function AuditPage() {
  const { t, i18n } = useTranslation(['admin', 'common']);
  const zh = (toLanguage(i18n.language) ?? 'zh-CN') === 'zh-CN';
  const say = (b: Bilingual | null | undefined) => (b ? (zh ? b.zh : b.en) : null);
  const state = useListState(FILTERS);
  const audit = useAudit(state.query);
  const actions = useAuditActions();

  const columns: ColumnsType<AuditEntry> = [
    { title: t('audit.time'), dataIndex: 'createdAt', width: 170, render: (v: string) => formatDateTimeSeconds(v) },
    {
      title: t('audit.actor'),
      key: 'actor',
      render: (_, e) => {
        if (!e.actorName) return <Typography.Text type="secondary">{t('audit.system')}</Typography.Text>;
        const kind = e.actorType === 'token' || e.actorType === 'sidebar' ? e.actorType : null;
        // Tokens are named "token:<name>" in sessions; the tag says it is a token.
        const name = kind === 'token' ? e.actorName.replace(/^token:/, '') : e.actorName;
        return (
          <Flex gap={4} align="center" wrap>
            <span>{name}</span>
            {kind ? <Tag bordered={false}>{t(`audit.actorKinds.${kind}`)}</Tag> : null}
          </Flex>
        );
      },
    },
    {
      title: t('audit.action'),
      key: 'action',
      render: (_, e) => (
        <div data-testid="audit-action" data-action={e.action}>
          <div>{say(e.actionLabel) ?? e.action}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {e.action}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('audit.target'),
      key: 'target',
      render: (_, e) => {
        if (!e.target) return t('common:none');
        const { type, id, label, name } = e.target;
        const text = name ?? (id ? `#${id}` : '');
        const page = type && id && TARGET_PAGES[type] ? TARGET_PAGES[type](id) : null;
        return (
          <span data-testid="audit-target">
            {say(label) ?? type}
            {text ? ' · ' : ''}
            {page ? <Link to={page}>{text}</Link> : text}
          </span>
        );
      },
    },
    {
      title: t('audit.detail'),
      dataIndex: 'detail',
      render: (detail: unknown) =>
        hasDetail(detail) ? (
          <Typography.Text type="secondary" ellipsis style={{ maxWidth: 320, fontSize: 12 }}>
            {JSON.stringify(detail)}
          </Typography.Text>
        ) : (
          t('common:none')
        ),
    },
    { title: t('audit.ip'), dataIndex: 'ip', width: 130, render: (v: string | null) => v || t('common:none') },
  ];

  return (
    <ListPage
      title={t('audit.title')}
      filters={
        <Select<string>
          allowClear
          showSearch
          value={state.filters.action}
          onChange={(action) => state.set({ action })}
          placeholder={t('audit.actionPlaceholder')}
          loading={actions.isLoading}
          optionFilterProp="search"
          options={(actions.data?.items ?? []).map((a) => ({
            value: a.action,
            search: `${a.action} ${a.label?.zh ?? ''} ${a.label?.en ?? ''}`,
            label: say(a.label) ?? a.action,
          }))}
          style={{ width: 280 }}
          data-testid="audit-action-filter"
        />
      }
    >
      <ListTable<AuditEntry>
        rowKey="id"
        size="small"
        columns={columns}
        query={audit}
        list={state}
        expandable={{
          rowExpandable: (e) => hasDetail(e.detail) || !!e.route,
          expandedRowRender: (e) => (
            <>
              {e.route ? <Typography.Text code>{e.route}</Typography.Text> : null}
              {hasDetail(e.detail) ? (
                <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{JSON.stringify(e.detail, null, 2)}</pre>
              ) : null}
            </>
          ),
        }}
        empty={t('audit.empty')}
        scroll={{ x: 900 }}
      />
    </ListPage>
  );
}
