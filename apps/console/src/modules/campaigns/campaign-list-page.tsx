// The list every campaign kind has: its header with "create", a status filter (and, for a page of several kinds, one
// tab a kind) kept in the URL, and one table: the name (a link to the campaign), the status, the window, the kind's
// own numbers, and — for those who may write — the status actions in the row. Rows come from GET /campaigns?kind=…,
// a page at a time.
import { PlusOutlined } from '@ant-design/icons';
import { Button, Select } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, type MouseEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { choice, ListPage, ListTable, useListState } from '../../components/list-page';
import { useCanWrite } from '../auth/hooks';
import { campaignWindow } from './campaign-header';
import { useCampaignList, type CampaignKind, type CampaignQueryKey, type CampaignRow, type CampaignStatus } from './hooks';
import { CAMPAIGN_STATUSES, CampaignStatusActions, CampaignStatusTag } from './status';

const stop = (e: MouseEvent) => e.stopPropagation();

export interface CampaignListPageProps<K extends CampaignKind> {
  /** The kind listed; several: one tab each (the first is the default). */
  kinds: readonly [K, ...K[]];
  /** A tab's label (with several kinds). */
  kindLabel?: (kind: K) => ReactNode;
  queryKey: CampaignQueryKey;
  /** The kind's list ('/lotteries'): a row links to `${listPath}/${id}`, create to `${listPath}/new`. */
  listPath: string;
  /** The kind's test id prefix: `${testId}-create`, `${testId}-row`, `${testId}-row-link`, `${testId}-publish-${id}`. */
  testId: string;
  title: ReactNode;
  subtitle: ReactNode;
  createLabel: ReactNode;
  empty: ReactNode;
  /** What ending means for this kind (the row's end action asks it). */
  endConfirm: string;
  /** The kind's own columns, after name, status and window. */
  columns: ColumnsType<CampaignRow>;
  /** Create in place (a modal, for the tab's kind) instead of going to the new page. */
  onCreate?: (kind: K) => void;
  /** Rendered after the list (the create modal). */
  children?: ReactNode;
}

export function CampaignListPage<K extends CampaignKind>(props: CampaignListPageProps<K>) {
  const { kinds, kindLabel, queryKey, listPath, testId, columns, onCreate } = props;
  const { t } = useTranslation('campaigns');
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const kindsKey = kinds.join(',');
  const spec = useMemo(() => {
    const listed = kindsKey.split(',') as K[];
    return { status: choice(CAMPAIGN_STATUSES), kind: choice(listed, listed[0]) };
  }, [kindsKey]);
  const state = useListState(spec);
  const list = useCampaignList(state.filters.kind, queryKey, { status: state.filters.status, page: state.page, pageSize: state.pageSize });

  const all: ColumnsType<CampaignRow> = [
    {
      title: t('columns.name'), dataIndex: 'name',
      render: (name: string, c) => <Link to={`${listPath}/${c.id}`} onClick={stop} data-testid={`${testId}-row-link`}>{name}</Link>,
    },
    { title: t('columns.status'), dataIndex: 'status', width: 100, render: (s: CampaignStatus) => <CampaignStatusTag status={s} /> },
    { title: t('columns.window'), key: 'window', width: 300, render: (_, c) => campaignWindow(c) },
    ...columns,
    ...(canWrite ? [{
      title: t('columns.actions'), key: 'actions',
      render: (_: unknown, c: CampaignRow) => (
        <span onClick={stop}>
          <CampaignStatusActions campaign={c} queryKey={queryKey} endConfirm={props.endConfirm} size="small" publishTestId={`${testId}-publish-${c.id}`} />
        </span>
      ),
    }] : []),
  ];

  return (
    <ListPage
      title={props.title}
      subtitle={props.subtitle}
      actions={canWrite ? (
        <Button type="primary" icon={<PlusOutlined />} data-testid={`${testId}-create`}
          onClick={() => (onCreate ? onCreate(state.filters.kind) : void navigate(`${listPath}/new`))}>
          {props.createLabel}
        </Button>
      ) : null}
      tabs={kinds.length > 1 ? {
        activeKey: state.filters.kind,
        onChange: (k) => state.set({ kind: k as K }),
        items: kinds.map((k) => ({ key: k, label: kindLabel ? kindLabel(k) : k })),
      } : undefined}
      filters={(
        <Select allowClear placeholder={t('statusFilter')} value={state.filters.status} style={{ width: 140 }} data-testid={`${testId}-status-filter`}
          onChange={(v?: CampaignStatus) => state.set({ status: v ?? null })}
          options={CAMPAIGN_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))} />
      )}
    >
      <ListTable<CampaignRow> rowKey="id" columns={all} query={list} list={state} rowTestId={`${testId}-row`} empty={props.empty}
        rowData={(c) => ({ 'data-id': c.id })} onRowClick={(c) => void navigate(`${listPath}/${c.id}`)} />
      {props.children}
    </ListPage>
  );
}
