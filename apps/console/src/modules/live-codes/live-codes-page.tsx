import { BarChartOutlined, EditOutlined, InboxOutlined, LineChartOutlined, PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { App, Button, Flex, Popconfirm, Segmented, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { choice, ListPage, ListTable, text, useListState } from '../../components/list-page';
import { SearchInput } from '../../components/search-input';
import { formatNumber } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { useStoreNames } from '../staff/hooks';
import { CopyLinkButton, DownloadMenu } from './code-actions';
import { LIVE_CODE_KINDS, useArchiveLiveCode, useLiveCodes, type CodeStatus, type LiveCode, type LiveCodeKind } from './hooks';
import { ModeTag } from './labels';

const STATUSES: readonly CodeStatus[] = ['active', 'archived'];
const FILTERS = { kind: choice<LiveCodeKind>(LIVE_CODE_KINDS, 'staff'), status: choice(STATUSES, 'active'), q: text() };

export default function LiveCodesPage() {
  const { t } = useTranslation(['liveCodes', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const state = useListState(FILTERS);
  const { kind, status, q } = state.filters;
  const storeNames = useStoreNames();
  const archive = useArchiveLiveCode();
  const codes = useLiveCodes(state.query);
  const archived = status === 'archived';

  const numbers = (c: LiveCode) => c.numbers ?? { scansToday: 0, scansTotal: 0, addsToday: 0, addsTotal: 0, retainedTotal: 0 };

  const columns: ColumnsType<LiveCode> = [
    {
      title: t('name'),
      key: 'name',
      render: (_, c) => (
        <div style={{ minWidth: 140 }}>
          <Link to={`/live-codes/${c.id}`}>{c.name}</Link>
          {c.description ? (
            <Typography.Paragraph type="secondary" ellipsis style={{ fontSize: 12, margin: 0, maxWidth: 240 }}>
              {c.description}
            </Typography.Paragraph>
          ) : null}
        </div>
      ),
    },
    { title: t('channel'), dataIndex: 'channel', render: (v: string) => (v ? <Tag>{v}</Tag> : t('common:none')) },
    {
      title: t('store'),
      dataIndex: 'storeId',
      render: (id: number | null) => (id === null ? t('common:none') : storeNames.get(String(id)) ?? `#${id}`),
    },
  ];
  if (kind === 'staff') {
    columns.push(
      {
        title: t('mode'),
        dataIndex: 'mode',
        render: (mode: LiveCode['mode'], c) => (
          <span>
            <ModeTag mode={mode} />
            {c.link && (c.link.status !== 'active' || c.link.quotaState !== 'ok') ? (
              <Tooltip title={c.link.status !== 'active' ? t(`link.statuses.${c.link.status ?? 'deleted'}`) : `${t('link.quota')}：${t(`link.quotaStates.${c.link.quotaState}`)}`}>
                <WarningOutlined style={{ color: '#faad14' }} data-testid="link-warning" />
              </Tooltip>
            ) : null}
          </span>
        ),
      },
      {
        title: t('strategy'),
        dataIndex: 'strategy',
        render: (s: LiveCode['strategy'], c) => (c.mode !== 'pond' ? t('common:none') : t(`strategies.${s}`)),
      },
      {
        title: t('poolSize'),
        key: 'pool',
        align: 'right',
        render: (_, c) => {
          const members = c.pool.filter((p) => !p.backup);
          const unavailable = members.filter((p) => !p.available).length;
          return (
            <span>
              {members.length}
              {unavailable > 0 ? (
                <Tooltip title={t('unavailableStaff', { n: unavailable })}>
                  <WarningOutlined style={{ color: '#faad14', marginLeft: 6 }} />
                </Tooltip>
              ) : null}
            </span>
          );
        },
      },
    );
  } else if (kind === 'group') {
    columns.push(
      {
        title: t('groupCount'),
        key: 'groups',
        align: 'right',
        render: (_, c) => {
          const live = c.groups.filter((g) => g.status !== 'removed');
          const full = live.filter((g) => g.status === 'full').length;
          return full > 0 ? t('groupsWithFull', { n: live.length, full }) : live.length;
        },
      },
      { title: t('groupCap'), dataIndex: 'groupCap', align: 'right' },
      {
        title: t('groupAutoCreate'),
        dataIndex: 'groupAutoCreate',
        render: (on: boolean) => (on ? <Tag color="green">{t('common:on')}</Tag> : <Tag>{t('common:off')}</Tag>),
      },
    );
  }
  columns.push(
    {
      title: (
        <Tooltip title={t('todayHelp')}>
          <span>{t('today')}</span>
        </Tooltip>
      ),
      key: 'today',
      align: 'right',
      render: (_, c) => (
        <span data-testid="live-code-today">
          {formatNumber(numbers(c).scansToday)} / {formatNumber(numbers(c).addsToday)}
        </span>
      ),
    },
    { title: t('scansTotal'), key: 'scansTotal', align: 'right', render: (_, c) => formatNumber(numbers(c).scansTotal) },
    { title: t('addsTotal'), key: 'addsTotal', align: 'right', render: (_, c) => formatNumber(numbers(c).addsTotal) },
    {
      title: (
        <Tooltip title={t('retainedHelp')}>
          <span>{t('retained')}</span>
        </Tooltip>
      ),
      key: 'retained',
      align: 'right',
      render: (_, c) => {
        const n = numbers(c);
        return n.addsTotal > 0 ? `${formatNumber(n.retainedTotal)} (${Math.round((n.retainedTotal / n.addsTotal) * 100)}%)` : formatNumber(n.retainedTotal);
      },
    },
    {
      title: t('common:actions'),
      key: 'actions',
      fixed: 'right',
      width: 190,
      render: (_, c) => (
        <Flex gap={2}>
          {canWrite && !archived ? (
            <Tooltip title={t('common:edit')}>
              <Button type="text" size="small" icon={<EditOutlined />} aria-label={t('common:edit')} onClick={() => navigate(`/live-codes/${c.id}/edit`)} data-testid="live-code-edit" />
            </Tooltip>
          ) : null}
          <Tooltip title={t('numbers')}>
            <Button type="text" size="small" icon={<BarChartOutlined />} aria-label={t('numbers')} onClick={() => navigate(`/live-codes/${c.id}`)} data-testid="live-code-numbers" />
          </Tooltip>
          <DownloadMenu code={c} />
          <CopyLinkButton url={c.url} />
          {canWrite && !archived ? (
            <Popconfirm
              title={t('archiveConfirm', { name: c.name })}
              description={<div style={{ maxWidth: 300 }}>{t('archiveHelp')}</div>}
              okButtonProps={{ danger: true, loading: archive.isPending }}
              onConfirm={() => archive.mutateAsync(c.id).then(() => void message.success(t('archived'))).catch(() => undefined)}
            >
              <Tooltip title={t('archive')}>
                <Button type="text" size="small" danger icon={<InboxOutlined />} aria-label={t('archive')} data-testid="live-code-archive" />
              </Tooltip>
            </Popconfirm>
          ) : null}
        </Flex>
      ),
    },
  );

  return (
    <ListPage
      title={t('title')}
      subtitle={t('subtitle')}
      actions={
        <>
          <Button icon={<LineChartOutlined />} onClick={() => navigate('/channel-stats')}>
            {t('common:nav.channelStats')}
          </Button>
          {canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`/live-codes/new?kind=${kind}`)} data-testid="live-code-create">
              {t(`create.${kind}`)}
            </Button>
          ) : null}
        </>
      }
      tabs={{
        activeKey: kind,
        onChange: (next) => state.set({ kind: next as LiveCodeKind }),
        items: LIVE_CODE_KINDS.map((k) => ({ key: k, label: <span data-testid={`live-code-tab-${k}`}>{t(`kinds.${k}`)}</span> })),
      }}
      filters={
        <>
          <SearchInput value={q} onSearch={(next) => state.set({ q: next })} placeholder={t('searchPlaceholder')} testId="live-codes-search" />
          <Segmented<CodeStatus>
            value={status}
            onChange={(next) => state.set({ status: next })}
            options={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
          />
          <Typography.Text type="secondary">{t(`kindHelp.${kind}`)}</Typography.Text>
        </>
      }
    >
      <ListTable<LiveCode>
        rowKey="id"
        columns={columns}
        query={codes}
        list={state}
        rowClassName={() => (archived ? 'pond-row-muted' : '')}
        rowTestId="live-code-row"
        rowData={(c) => ({ 'data-code-id': c.id })}
        empty={
          <Flex vertical align="center" gap={8} style={{ padding: 24 }}>
            <Typography.Text type="secondary">{archived ? t('emptyArchived') : t(`empty.${kind}`)}</Typography.Text>
            {canWrite && !archived ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`/live-codes/new?kind=${kind}`)}>
                {t(`create.${kind}`)}
              </Button>
            ) : null}
          </Flex>
        }
        scroll={{ x: 1100 }}
      />
    </ListPage>
  );
}
