// Pieces the code and channel numbers pages share: the date range kept in the URL, the range
// picker, and the total cards.
import { Card, Col, DatePicker, Row, Statistic, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatNumber, todayInZone } from '../../lib/format';
import { useSearchState } from '../../lib/use-search-state';
import type { DateRange, LiveCodeKind, TotalStats } from './hooks';

export function formatRate(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : '—';
}

/** The date range kept in the URL (`from`, `to`); empty means the server's default, the last 30 days. */
export function useDateRange(): [DateRange, (range: [Dayjs, Dayjs] | null) => void] {
  const search = useSearchState();
  const range = useMemo(() => ({ from: search.get('from'), to: search.get('to') }), [search]);
  const set = (next: [Dayjs, Dayjs] | null) =>
    search.update({ from: next ? next[0].format('YYYY-MM-DD') : null, to: next ? next[1].format('YYYY-MM-DD') : null }, { keepPage: true });
  return [range, set];
}

export function RangeFilter({ range, onChange, stats }: { range: DateRange; onChange: (r: [Dayjs, Dayjs] | null) => void; stats?: { from: string; to: string } }) {
  const { t } = useTranslation('liveCodes');
  const from = range.from ?? stats?.from;
  const to = range.to ?? stats?.to;
  return (
    <DatePicker.RangePicker
      allowClear={!!range.from}
      value={from && to ? [dayjs(from), dayjs(to)] : null}
      onChange={(v) => onChange(v && v[0] && v[1] ? [v[0], v[1]] : null)}
      disabledDate={(d) => d.isAfter(todayInZone().endOf('day'))}
      presets={[
        { label: t('stats.last7'), value: [todayInZone().subtract(6, 'day'), todayInZone()] },
        { label: t('stats.last30'), value: [todayInZone().subtract(29, 'day'), todayInZone()] },
        { label: t('stats.last90'), value: [todayInZone().subtract(89, 'day'), todayInZone()] },
      ]}
      data-testid="stats-range"
    />
  );
}

export function StatCards({ total, loading, codeId, kind }: { total: TotalStats | undefined; loading: boolean; codeId?: number; kind?: LiveCodeKind }) {
  const { t } = useTranslation('liveCodes');
  const welcome = (
    <span>
      {formatNumber(total?.welcomeSent ?? 0)}
      <Typography.Text type={total?.welcomeFailed ? 'danger' : 'secondary'} style={{ fontSize: 16 }}>
        {' / '}
        {formatNumber(total?.welcomeFailed ?? 0)}
      </Typography.Text>
    </span>
  );
  const cards: { key: string; title: string; help?: string; value: ReactNode }[] = [
    { key: 'scans', title: t('stats.scans'), value: formatNumber(total?.scans ?? 0) },
    { key: 'visitors', title: t('stats.visitors'), help: t('stats.visitorsHelp'), value: formatNumber(total?.visitors ?? 0) },
    { key: 'adds', title: t('stats.adds'), value: formatNumber(total?.adds ?? 0) },
    { key: 'net1d', title: t('stats.net1d'), help: t('stats.net1dHelp'), value: formatNumber(total?.net1d ?? 0) },
    { key: 'net7d', title: t('stats.net7d'), help: t('stats.net7dHelp'), value: formatNumber(total?.net7d ?? 0) },
    { key: 'conversion', title: t('stats.conversion'), help: t('stats.conversionHelp'), value: formatRate(total?.conversion) },
    {
      key: 'welcome',
      title: t('stats.welcome'),
      help: t('stats.welcomeHelp'),
      value: codeId !== undefined && total?.welcomeFailed ? <Link to={`/welcome?tab=sends&codeId=${codeId}&status=failed`}>{welcome}</Link> : welcome,
    },
    { key: 'groupJoins', title: t('stats.groupJoins'), value: formatNumber(total?.groupJoins ?? 0) },
  ];
  // A group code counts joins rather than adds: its joins come first.
  const shown = kind === 'group' ? [...cards.filter((c) => c.key === 'groupJoins'), ...cards.filter((c) => c.key !== 'groupJoins')] : cards;
  return (
    <Row gutter={[16, 16]}>
      {shown.map((c) => (
        <Col key={c.key} xs={12} md={6} xxl={3}>
          <Card size="small" data-testid={`stat-${c.key}`} style={{ height: '100%' }}>
            <Statistic
              title={
                c.help ? (
                  <Tooltip title={c.help}>
                    <span className="pond-help">{c.title}</span>
                  </Tooltip>
                ) : (
                  c.title
                )
              }
              valueRender={() => <span>{c.value}</span>}
              loading={loading}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

