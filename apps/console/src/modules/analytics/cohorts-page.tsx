// 留存 Cohorts: customers added per week or month, how many were still a contact k periods later; or first buyers who
// ordered again k periods later (repeat purchase by cohort). A heat table, shares of the cohort.
import { Card, Empty, Segmented, Skeleton, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatNumber } from '../../lib/format';
import { FilterBar, pct } from './filter-bar';
import { useCohorts, useFilters, type Cohorts } from './hooks';

const COHORT_KEYS = ['unit', 'kind'];

export default function CohortsPage() {
  const { t } = useTranslation('analytics');
  const [f, set] = useFilters(COHORT_KEYS);
  const q = useCohorts(f);
  const d = q.data;
  type R = Cohorts['rows'][number];
  const span = d?.rows[0]?.cells.length ?? 0;
  return (
    <>
      <PageHeader title={t('cohortsTitle')} subtitle={t('cohortsSubtitle')} />
      <FilterBar f={f} set={set}>
        <Segmented value={f.unit ?? 'week'} onChange={(v) => set({ unit: String(v) })} options={(['week', 'month'] as const).map((x) => ({ value: x, label: t(`unit.${x}`) }))} />
        <Segmented value={f.kind ?? 'contact'} onChange={(v) => set({ kind: String(v) })} options={(['contact', 'order'] as const).map((x) => ({ value: x, label: t(`kind.${x}`) }))} data-testid="cohort-kind" />
      </FilterBar>
      <QueryError query={q} />
      {!d ? <Skeleton active /> : (
        <Card>
          {d.rows.length === 0 ? <Empty description={t('empty')} /> : (
            <Table<R> size="small" rowKey="cohort" dataSource={d.rows} pagination={false} scroll={{ x: true }} data-testid="cohort-table"
              columns={[
                { title: t('cohort'), dataIndex: 'cohort', fixed: 'left' },
                { title: t('size'), dataIndex: 'size', align: 'right', render: (n: number) => formatNumber(n) },
                ...Array.from({ length: span }, (_, k) => ({
                  title: t('period', { k }), key: `k${k}`, align: 'right' as const,
                  render: (_: unknown, r: R) => {
                    const n = r.cells[k];
                    if (n === null || n === undefined) return <Typography.Text type="secondary">·</Typography.Text>;
                    const share = r.size ? n / r.size : 0;
                    return <span title={formatNumber(n)} style={{ display: 'block', padding: '2px 4px', background: `rgba(22,119,255,${(share * 0.8).toFixed(2)})`, color: share > 0.5 ? '#fff' : undefined }}>{pct(share)}</span>;
                  },
                })),
              ]} />
          )}
        </Card>
      )}
    </>
  );
}
