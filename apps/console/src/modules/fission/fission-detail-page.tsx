// One fission path: its funnel (each step's people, drop-off and conversion from the previous step), the same by
// corp day (chart and table), the figures beside it, what it links (campaigns, group code, the customer entry), and
// for a service path the sign-up submissions with their CSV and its landing page and form; writers edit the path
// (path-edit-modal.tsx) until it ends.
import { EditOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Col, Descriptions, Empty, Progress, Row, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { apiUrl } from '../../api/client';
import { Chart } from '../../components/chart';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { PageSpinner } from '../../components/results';
import { formatDateTime, formatNumber, formatYuan } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { MODEL_COLOR, PathStatusActions, STATUS_BADGE } from './fission-page';
import { usePath, useSubmissions, type FissionPathDetail, type FissionStep, type Submission } from './hooks';
import { PathEditModal } from './path-edit-modal';

type StepKey = 'poster';
const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

function Funnel({ d }: { d: FissionPathDetail }) {
  const { t } = useTranslation('fission');
  const top = Math.max(1, d.funnel.steps[0]?.count ?? 0, ...d.funnel.steps.map((s) => s.count));
  const columns: ColumnsType<FissionStep> = [
    { title: t('detail.step'), dataIndex: 'key', render: (k: string, _, i) => `${i + 1}. ${t(`steps.${k as StepKey}`)}` },
    {
      title: t('detail.count'), dataIndex: 'count', width: '40%',
      render: (n: number, s) => (
        <div data-testid={`fission-step-${s.key}`} data-count={n}>
          <Progress percent={(n / top) * 100} showInfo={false} size="small" />
          <b>{formatNumber(n)}</b>
        </div>
      ),
    },
    { title: t('detail.dropOff'), dataIndex: 'dropOff', align: 'right', render: (n: number | null) => (n === null ? '—' : n === 0 ? '0' : <Typography.Text type="danger">-{formatNumber(n)}</Typography.Text>) },
    { title: t('detail.rate'), dataIndex: 'rate', align: 'right', render: (r: number | null) => pct(r) },
  ];
  return <Table rowKey="key" size="small" pagination={false} columns={columns} dataSource={d.funnel.steps} data-testid="fission-funnel" />;
}

function ByDay({ d }: { d: FissionPathDetail }) {
  const { t } = useTranslation('fission');
  const steps = d.funnel.steps.map((s) => t(`steps.${s.key as StepKey}`));
  if (!d.funnel.byDay.length) return <Empty />;
  const rows = [...d.funnel.byDay].reverse();
  return (
    <>
      <Chart height={260} option={{
        tooltip: { trigger: 'axis' }, legend: { data: steps, top: 0 }, grid: { left: 40, right: 16, top: 40, bottom: 30 },
        xAxis: { type: 'category', data: d.funnel.byDay.map((x) => x.day) }, yAxis: { type: 'value', minInterval: 1 },
        series: steps.map((name, i) => ({ name, type: 'bar', data: d.funnel.byDay.map((x) => x.counts[i]) })),
      }} />
      <Table rowKey="day" size="small" data-testid="fission-by-day" pagination={{ pageSize: 14 }} dataSource={rows}
        columns={[{ title: t('detail.day'), dataIndex: 'day' }, ...steps.map((title, i) => ({ title, key: String(i), align: 'right' as const, render: (_: unknown, r: { counts: number[] }) => formatNumber(r.counts[i]) }))]} />
    </>
  );
}

function Submissions({ d }: { d: FissionPathDetail }) {
  const { t } = useTranslation('fission');
  const [page, setPage] = useState({ limit: 20, offset: 0 });
  const list = useSubmissions(d.id, page, true);
  const columns: ColumnsType<Submission> = [
    { title: t('detail.customer'), key: 'customer', render: (_, s) => <Link to={`/customers/${encodeURIComponent(s.externalUserid)}`}>{s.customerName ?? s.externalUserid}</Link> },
    ...(d.form?.fields ?? []).map((f) => ({ title: f.label, key: `a-${f.key}`, render: (_: unknown, s: Submission) => s.answers[f.key] ?? '' })),
    { title: t('detail.submittedAt'), dataIndex: 'submittedAt', render: (v: string) => formatDateTime(v) },
    { title: t('detail.joinedGroup'), dataIndex: 'joinedGroupAt', render: (v: string | null) => (v ? <Tag color="green">{formatDateTime(v)}</Tag> : <Tag>{t('detail.notJoined')}</Tag>) },
  ];
  if (list.error) return <QueryError query={list} />;
  return (
    <>
      <Button href={apiUrl(`/fission/paths/${d.id}/submissions.csv`)} style={{ marginBottom: 12 }} data-testid="fission-csv">{t('actions.exportCsv')}</Button>
      <Table rowKey="id" size="small" loading={list.isLoading} columns={columns} dataSource={list.data?.items ?? []} data-testid="fission-submissions"
        pagination={{ pageSize: page.limit, current: page.offset / page.limit + 1, total: list.data?.total ?? 0, onChange: (p, size) => setPage({ limit: size, offset: (p - 1) * size }) }} />
    </>
  );
}

const MONEY = new Set(['rewardCostFen', 'costPerNewFen', 'feesFen', 'cashbackPaidFen', 'cashbackPendingFen']);

export default function FissionDetailPage() {
  const { t } = useTranslation(['fission', 'common']);
  const canWrite = useCanWrite();
  const id = Number(useParams().id);
  const q = usePath(id);
  const [editing, setEditing] = useState(false);
  if (q.isLoading) return <PageSpinner />;
  if (q.error || !q.data) return <QueryError query={q} />;
  const d = q.data;
  const figures = Object.entries(d.funnel.figures);
  return (
    <>
      <PageHeader
        title={<>{d.name} <Tag color={MODEL_COLOR[d.model]}>{t(`models.${d.model}.name`)}</Tag> <Badge status={STATUS_BADGE[d.status]} text={t(`statuses.${d.status}`)} /></>}
        subtitle={t(`models.${d.model}.desc`)}
        extra={canWrite ? (
          <>
            {d.status !== 'ended' ? <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="fission-edit">{t('common:edit')}</Button> : null}
            <PathStatusActions path={d} />
          </>
        ) : null}
      />
      {editing ? <PathEditModal path={d} onClose={() => setEditing(false)} /> : null}
      <Descriptions size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 16 }} bordered>
        <Descriptions.Item label={t('detail.entryUrl')}><Typography.Link href={d.entryUrl} target="_blank" copyable data-testid="fission-entry">{d.entryUrl}</Typography.Link></Descriptions.Item>
        <Descriptions.Item label={t('columns.window')}>{formatDateTime(d.startsAt)} – {d.endsAt ? formatDateTime(d.endsAt) : '∞'}</Descriptions.Item>
        {d.inviteCampaignId ? <Descriptions.Item label={t('detail.invite')}><Link to={`/invites/${d.inviteCampaignId}`}>#{d.inviteCampaignId}</Link></Descriptions.Item> : null}
        {d.checkinCampaignId ? <Descriptions.Item label={t('detail.checkin')}><Link to={`/checkins/${d.checkinCampaignId}`}>#{d.checkinCampaignId}</Link></Descriptions.Item> : null}
        {d.groupCodeId ? <Descriptions.Item label={t('detail.groupCode')}><Link to={`/live-codes/${d.groupCodeId}`}>#{d.groupCodeId}</Link></Descriptions.Item> : null}
      </Descriptions>
      <Row gutter={16}>
        <Col xs={24} lg={14}><Card title={t('detail.funnel')} size="small" style={{ marginBottom: 16 }}><Funnel d={d} /></Card></Col>
        <Col xs={24} lg={10}>
          <Card title={t('detail.figures')} size="small" style={{ marginBottom: 16 }}>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('detail.figuresNote')}</Typography.Paragraph>
            <Row gutter={[12, 12]}>
              {figures.map(([k, v]) => (
                <Col span={12} key={k}>
                  <Statistic title={t(`figures.${k as 'rewards'}`, { defaultValue: k })} value={MONEY.has(k) ? formatYuan(v / 100) : formatNumber(v)} data-testid={`fission-figure-${k}`} />
                </Col>
              ))}
            </Row>
          </Card>
        </Col>
      </Row>
      <Tabs items={[
        { key: 'days', label: t('detail.byDay'), children: <ByDay d={d} /> },
        ...(d.model === 'service' ? [
          { key: 'submissions', label: t('detail.submissions'), children: canWrite ? <Submissions d={d} /> : <Empty /> },
          {
            key: 'landing', label: `${t('detail.landing')} · ${t('detail.form')}`,
            children: (
              <Descriptions size="small" column={1} bordered>
                <Descriptions.Item label={t('wizard.landingTitle')}><span data-testid="fission-detail-landing-title">{d.landing?.title}</span></Descriptions.Item>
                {d.landing?.coverUrl ? <Descriptions.Item label={t('wizard.coverUrl')}><Typography.Link href={d.landing.coverUrl} target="_blank">{d.landing.coverUrl}</Typography.Link></Descriptions.Item> : null}
                <Descriptions.Item label={t('wizard.body')}><Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{d.landing?.body}</Typography.Paragraph></Descriptions.Item>
                <Descriptions.Item label={t('wizard.ctaText')}>{d.landing?.ctaText}</Descriptions.Item>
                <Descriptions.Item label={t('wizard.formTitle')}>{d.form?.title}</Descriptions.Item>
                <Descriptions.Item label={t('wizard.unlockFriends')}>{d.form?.unlockFriends}</Descriptions.Item>
                <Descriptions.Item label={t('wizard.submitText')}>{d.form?.submitText}</Descriptions.Item>
                <Descriptions.Item label={t('wizard.fields')}>{d.form?.fields.map((f) => `${f.label}（${t(`wizard.fieldTypes.${f.type}`)}${f.required ? ' *' : ''}）`).join('、')}</Descriptions.Item>
              </Descriptions>
            ),
          },
        ] : []),
      ]} />
    </>
  );
}
