// 活动效果 Campaign results: every live code, broadcast, playbook and campaign over a period on one table — reach,
// participants, conversions, orders, GMV, cost from the reward ledger, ROI — sortable, filtered by kind, store, period.
import { QuestionCircleOutlined } from '@ant-design/icons';
import { Button, Card, Popover, Select, Skeleton, Space, Table, Typography } from 'antd';
import type { SortOrder } from 'antd/es/table/interface';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { apiUrl } from '../../api/client';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatNumber } from '../../lib/format';
import { useSearchState } from '../../lib/use-search-state';
import { RangeFilter } from '../live-codes/stats-widgets';
import { StoreSelect } from '../staff/pickers';
import { useResults, type ResultRow, type Results } from './hooks';

export const pct = (v: number | null | undefined) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '—');
export const yuan = (v: number | null | undefined) => (typeof v === 'number' ? `¥${v.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}` : '—');
export const roiText = (v: number | null | undefined) => (typeof v === 'number' ? `${v.toFixed(2)}×` : '—');

const KEYS = ['from', 'to', 'kind', 'storeId', 'sort', 'order'] as const;

export function KindLabel({ kind }: { kind: string }) {
  const { t } = useTranslation('plans');
  return <>{t(`kinds.${kind as 'lottery'}`, { defaultValue: kind })}</>;
}

function Definitions({ kinds }: { kinds: Results['kinds'] }) {
  const { t } = useTranslation('plans');
  return (
    <Popover title={t('definitions')} content={
      <div style={{ maxWidth: 560 }}>
        {kinds.map((k) => (
          <Typography.Paragraph key={k.kind} style={{ marginBottom: 6 }}>
            <b><KindLabel kind={k.kind} /></b> — {t('reach')}: {k.reach}; {t('participants')}: {k.participants}; {t('conversions')}: {k.conversions}; {t('orders')}: {k.orders}
          </Typography.Paragraph>
        ))}
      </div>
    }>
      <Button icon={<QuestionCircleOutlined />}>{t('definitions')}</Button>
    </Popover>
  );
}

export function ResultsTable({ rows, sort, order, onSort, totals }: {
  rows: ResultRow[]; sort?: string; order?: string; onSort?: (sort: string, order: string) => void; totals?: Results['totals'];
}) {
  const { t } = useTranslation('plans');
  const sorted = (key: string): SortOrder | undefined => (onSort ? (sort === key ? (order === 'asc' ? 'ascend' : 'descend') : null) : undefined);
  const num = (key: 'reach' | 'participants' | 'conversions' | 'conversionRate' | 'orders' | 'gmv' | 'cost' | 'roi', fmt: (v: number | null) => string = formatNumber) => ({
    title: t(key), dataIndex: key, key, align: 'right' as const, sorter: !!onSort, sortOrder: sorted(key), render: (v: number | null) => fmt(v),
  });
  return (
    <Table<ResultRow> size="small" rowKey={(r) => `${r.kind}:${r.id}`} dataSource={rows} pagination={{ pageSize: 50, hideOnSinglePage: true }} scroll={onSort ? { x: 1000 } : undefined}
      data-testid="results-table"
      onChange={(_, __, s) => {
        const one = Array.isArray(s) ? s[0] : s;
        if (onSort && one?.columnKey) onSort(String(one.columnKey), one.order === 'ascend' ? 'asc' : 'desc');
      }}
      columns={[
        { title: t('kind'), dataIndex: 'kind', render: (k: string) => <KindLabel kind={k} /> },
        { title: t('name'), dataIndex: 'name', key: 'name', sorter: !!onSort, sortOrder: sorted('name'), render: (n: string, r) => <Link to={r.path}>{n}</Link> },
        num('reach'), num('participants'), num('conversions'), num('conversionRate', pct), num('orders'), num('gmv', yuan), num('cost', yuan),
        num('roi', roiText),
      ]}
      summary={totals ? () => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0} colSpan={2}><b>{t('total')}</b></Table.Summary.Cell>
          <Table.Summary.Cell index={2} align="right">{formatNumber(totals.reach)}</Table.Summary.Cell>
          <Table.Summary.Cell index={3} align="right">{formatNumber(totals.participants)}</Table.Summary.Cell>
          <Table.Summary.Cell index={4} align="right">{formatNumber(totals.conversions)}</Table.Summary.Cell>
          <Table.Summary.Cell index={5} align="right">{pct(totals.reach ? totals.conversions / totals.reach : null)}</Table.Summary.Cell>
          <Table.Summary.Cell index={6} align="right">{formatNumber(totals.orders)}</Table.Summary.Cell>
          <Table.Summary.Cell index={7} align="right">{yuan(totals.gmv)}</Table.Summary.Cell>
          <Table.Summary.Cell index={8} align="right">{yuan(totals.cost)}</Table.Summary.Cell>
          <Table.Summary.Cell index={9} align="right">{roiText(totals.roi)}</Table.Summary.Cell>
        </Table.Summary.Row>
      ) : undefined}
    />
  );
}

export default function ResultsPage() {
  const { t } = useTranslation('plans');
  const search = useSearchState();
  const f = Object.fromEntries(KEYS.map((k) => [k, search.get(k)])) as Record<(typeof KEYS)[number], string | undefined>;
  const set = (patch: Partial<typeof f>) => search.update(patch, { keepPage: true });
  const q = useResults(f);
  const d = q.data;
  const query = Object.fromEntries(Object.entries(f).filter(([, v]) => v));
  return (
    <>
      <PageHeader title={t('resultsTitle')} subtitle={t('resultsSubtitle')} />
      <Space wrap style={{ marginBottom: 16 }} data-testid="results-filters">
        <RangeFilter range={{ from: f.from, to: f.to }} stats={d}
          onChange={(r) => set({ from: r ? r[0].format('YYYY-MM-DD') : undefined, to: r ? r[1].format('YYYY-MM-DD') : undefined })} />
        <Select allowClear placeholder={t('allKinds')} style={{ width: 160 }} value={f.kind} onChange={(v: string | undefined) => set({ kind: v })} data-testid="results-kind"
          options={(d?.kinds ?? []).map((k) => ({ value: k.kind, label: t(`kinds.${k.kind as 'lottery'}`, { defaultValue: k.kind }) }))} />
        <StoreSelect value={f.storeId} onChange={(v) => set({ storeId: v })} placeholder={t('store')} style={{ width: 180 }} />
        {d && <Definitions kinds={d.kinds} />}
        <Button href={apiUrl('/results.csv', query)}>{t('exportCsv')}</Button>
      </Space>
      <QueryError query={q} />
      {!d ? <Skeleton active /> : (
        <Card size="small">
          <ResultsTable rows={d.rows} totals={d.totals} sort={f.sort ?? 'gmv'} order={f.order ?? 'desc'} onSort={(sort, order) => set({ sort, order })} />
        </Card>
      )}
    </>
  );
}
