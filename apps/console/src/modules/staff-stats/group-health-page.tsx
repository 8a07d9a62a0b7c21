// 群健康 Group health: per group and tier over a period — members, joins, leaves, churn, growth — with silent and dying
// groups flagged by the corp's thresholds (editable here by admins) and a revival playbook one click away (a group
// playbook form prefilled with the group). WeCom's activity by owner is charted per day.
import { Button, Card, Col, DatePicker, Flex, Form, InputNumber, App as AntApp, Row, Segmented, Select, Space, Table, Tag, TimePicker, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { Chart, type ChartOption } from '../../components/chart';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatNumber, formatShortDate } from '../../lib/format';
import { useMe } from '../auth/hooks';
import { useGroupHealth, useStatsSettings, useUpdateStatsSettings, type GroupHealthRow, type StatsSettings } from './hooks';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/** The group playbook form, prefilled to revive one group. */
export function revivalLink(g: Pick<GroupHealthRow, 'chatId' | 'name'>, name: string): string {
  const q = new URLSearchParams({ kind: 'group', chatIds: g.chatId, name });
  return `/playbooks/new?${q.toString()}`;
}

export default function GroupHealthPage() {
  const { t } = useTranslation('staffStats');
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const flag = (params.get('flag') as 'silent' | 'dying' | null) ?? undefined;
  const f = { from: params.get('from') ?? undefined, to: params.get('to') ?? undefined, flag, tier: params.get('tier') ?? undefined };
  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) if (v) next.set(k, v); else next.delete(k);
    setParams(next, { replace: true });
  };
  const q = useGroupHealth(f);
  const data = q.data;
  const canPlan = me.data?.role === 'admin' || me.data?.role === 'operator';

  const chart = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: (data?.activity ?? []).map((a) => formatShortDate(a.day)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('activityChart.chatHasMsg'), type: 'bar', data: (data?.activity ?? []).map((a) => a.chatHasMsg), barMaxWidth: 16 },
      { name: t('activityChart.memberHasMsg'), type: 'line', smooth: true, data: (data?.activity ?? []).map((a) => a.memberHasMsg) },
      { name: t('activityChart.msgTotal'), type: 'line', smooth: true, data: (data?.activity ?? []).map((a) => a.msgTotal) },
    ],
  }), [data, t]);

  return (
    <>
      <PageHeader title={t('groupsTitle')} subtitle={t('groupsSubtitle')} />
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <DatePicker.RangePicker
          allowClear={false}
          value={data ? [dayjs(data.from), dayjs(data.to)] : undefined}
          onChange={(v) => { const r = v as [Dayjs, Dayjs] | null; if (r) set({ from: r[0].format('YYYY-MM-DD'), to: r[1].format('YYYY-MM-DD') }); }}
        />
        <Segmented value={flag ?? 'all'} onChange={(v) => set({ flag: v === 'all' ? undefined : String(v) })}
          options={[{ value: 'all', label: t('all') }, { value: 'silent', label: t('flags.silent') }, { value: 'dying', label: t('flags.dying') }]} />
      </Flex>
      <QueryError query={q} />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={24} lg={12}>
          <Card title={t('tiers')} size="small">
            <Table
              rowKey={(r) => r.tier ?? ''}
              size="small"
              pagination={false}
              dataSource={data?.tiers ?? []}
              onRow={(r) => ({ onClick: () => set({ tier: r.tier ?? '' }), style: { cursor: 'pointer' } })}
              columns={[
                { title: t('tier'), dataIndex: 'tier', render: (v: string | null) => v ?? t('noTier') },
                { title: t('groups'), dataIndex: 'groups', align: 'right' },
                { title: t('members'), dataIndex: 'members', align: 'right', render: formatNumber },
                { title: t('joins'), dataIndex: 'joins', align: 'right' },
                { title: t('leaves'), dataIndex: 'leaves', align: 'right' },
                { title: t('churn'), dataIndex: 'churn', align: 'right', render: pct },
                { title: t('growth'), dataIndex: 'growth', align: 'right' },
                { title: t('flags.silent'), dataIndex: 'silent', align: 'right' },
                { title: t('flags.dying'), dataIndex: 'dying', align: 'right' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('activity')} size="small"><Chart option={chart} height={240} /></Card>
        </Col>
      </Row>
      <Card title={f.tier !== undefined ? `${t('tier')}: ${f.tier || t('noTier')}` : t('group')} extra={f.tier !== undefined ? <Button size="small" onClick={() => set({ tier: undefined })}>{t('all')}</Button> : null}>
        <Table<GroupHealthRow>
          data-testid="group-health"
          rowKey="chatId"
          size="small"
          loading={q.isLoading}
          dataSource={data?.groups ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('group'), dataIndex: 'name', render: (v: string, r) => <Link to={`/groups/${encodeURIComponent(r.chatId)}`}>{v || r.chatId}</Link> },
            { title: t('tier'), dataIndex: 'tier', render: (v: string | null) => v ?? '—' },
            { title: t('owner'), dataIndex: 'ownerName', render: (v: string | null, r) => v ?? r.ownerUserid ?? '—' },
            { title: t('membersStart'), dataIndex: 'membersStart', align: 'right' },
            { title: t('members'), dataIndex: 'members', align: 'right' },
            { title: t('joins'), dataIndex: 'joins', align: 'right' },
            { title: t('leaves'), dataIndex: 'leaves', align: 'right' },
            { title: t('churn'), dataIndex: 'churn', align: 'right', render: pct },
            { title: t('growth'), dataIndex: 'growth', align: 'right' },
            { title: t('messages'), dataIndex: 'messages', align: 'right', render: (v: number | null) => v ?? '—' },
            { title: t('messagesPerDay'), dataIndex: 'messagesPerDay', align: 'right', render: (v: number | null) => v ?? '—' },
            { title: t('speakers'), dataIndex: 'speakers', align: 'right', render: (v: number | null) => v ?? '—' },
            { title: t('lastMessageAt'), dataIndex: 'lastMessageAt', render: (v: string | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '—') },
            { title: t('quietDays'), dataIndex: 'quietDays', align: 'right', render: (v: number | null) => v ?? '—' },
            {
              title: t('activitySource.title'), dataIndex: 'activitySource',
              render: (v: GroupHealthRow['activitySource']) => (v ? <Tooltip title={t(`activitySource.${v}Help`)}><Tag>{t(`activitySource.${v}`)}</Tag></Tooltip> : '—'),
            },
            { title: '', dataIndex: 'flags', render: (flags: GroupHealthRow['flags']) => flags.map((x) => <Tag key={x} color={x === 'silent' ? 'default' : 'red'}>{t(`flags.${x}`)}</Tag>) },
            ...(canPlan ? [{
              title: '', key: 'revive',
              render: (_: unknown, r: GroupHealthRow) => (r.flags.length ? <Link to={revivalLink(r, t('reviveName', { name: r.name }))}>{t('revive')}</Link> : null),
            }] : []),
          ]}
        />
      </Card>
      {data ? <ThresholdsCard settings={data.settings} editable={me.data?.role === 'admin'} /> : null}
    </>
  );
}

function ThresholdsCard({ settings, editable }: { settings: GroupHealthPagesSettings; editable: boolean }) {
  const { t } = useTranslation('staffStats');
  const { message } = AntApp.useApp();
  const full = useStatsSettings();
  const update = useUpdateStatsSettings();
  const [form] = Form.useForm<StatsSettings & { digestAt: Dayjs }>();
  if (!full.data) return null;
  const s = full.data;
  return (
    <Card title={t('settings')} style={{ marginTop: 16 }} size="small">
      <Form
        form={form}
        layout="inline"
        disabled={!editable}
        initialValues={{ ...settings, digestWeekday: s.digestWeekday, digestAt: dayjs(`2000-01-01T${s.digestTime}`), nightlyTime: s.nightlyTime }}
        onFinish={(v) => update.mutate({
          silentDays: v.silentDays, shrinkDays: v.shrinkDays, shrinkPercent: v.shrinkPercent, digestWeekday: v.digestWeekday, digestTime: v.digestAt.format('HH:mm'),
        }, { onSuccess: () => { void message.success(t('saved')); }, onError: (e) => { void message.error(e.message); } })}
      >
        <Form.Item name="silentDays" label={t('silentDays')}><InputNumber min={1} max={90} /></Form.Item>
        <Form.Item name="shrinkDays" label={t('shrinkDays')}><InputNumber min={2} max={90} /></Form.Item>
        <Form.Item name="shrinkPercent" label={t('shrinkPercent')}><InputNumber min={1} max={100} /></Form.Item>
        <Space>
          <Typography.Text type="secondary">{t('digest')}</Typography.Text>
          <Form.Item name="digestWeekday" label={t('digestWeekday')}>
            <Select style={{ width: 90 }} options={['1', '2', '3', '4', '5', '6', '7'].map((d) => ({ value: Number(d), label: t(`weekdays.${d as '1'}`) }))} />
          </Form.Item>
          <Form.Item name="digestAt" label={t('digestTime')}><TimePicker format="HH:mm" allowClear={false} /></Form.Item>
        </Space>
        {editable ? <Form.Item><Button type="primary" htmlType="submit" loading={update.isPending}>OK</Button></Form.Item> : null}
      </Form>
    </Card>
  );
}

type GroupHealthPagesSettings = { silentDays: number; shrinkDays: number; shrinkPercent: number };
