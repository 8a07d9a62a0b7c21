// A playbook's results: the funnel of each step (ECharts), completion by staff, every send with its status and
// reason, the enrolments, the next sends; and enrolling customers by hand or from a CSV.
import { ArrowLeftOutlined, UserAddOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Card, Col, Descriptions, Flex, Form, Input, List, Modal, Progress, Row, Select, Table, Tabs, Tag, Typography, Upload } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Chart, type ChartOption } from '../../components/chart';
import { detailFallback } from '../../components/detail-fallback';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useCanWrite } from '../auth/hooks';
import { StaffSelect } from '../staff/pickers';
import {
  ENROL_MAX, RUN_STATUSES, useEnrol, useEnrolments, usePlaybook, usePlaybookStats, useRuns, useUpcoming,
  type EnrolResult, type Enrolment, type Playbook, type PlaybookStats, type Run, type RunStatus,
} from './hooks';
import { PlaybookActions, STATUS_BADGE } from './playbooks-page';
import { stepWhen } from './playbook-builder-page';
import { fullSchedule } from './step-drawer';

const RUN_COLORS: Record<RunStatus, string> = { pending: 'default', planned: 'cyan', task_created: 'blue', sent: 'green', skipped: 'orange', failed: 'red' };

export default function PlaybookDetailPage() {
  const { id } = useParams();
  const { t } = useTranslation(['playbooks', 'common']);
  const query = usePlaybook(Number(id));
  const back = <Link to="/playbooks"><ArrowLeftOutlined /></Link>;
  if (!query.data) return detailFallback(query, { title: t('title'), back, notFound: t('empty') });
  return <Detail playbook={query.data} back={back} />;
}

function Detail({ playbook, back }: { playbook: Playbook; back: React.ReactNode }) {
  const { t } = useTranslation(['playbooks', 'common']);
  const canWrite = useCanWrite();
  const navigate = useNavigate();
  const stats = usePlaybookStats(playbook.id);
  const [enrolling, setEnrolling] = useState(false);
  const customer = playbook.kind === 'customer';
  return (
    <>
      <PageHeader
        back={back}
        title={<Flex gap={8} align="center">{playbook.name}<Badge status={STATUS_BADGE[playbook.status]} text={t(`statuses.${playbook.status}`)} /></Flex>}
        subtitle={playbook.description || t(`kinds.${playbook.kind}`)}
        extra={canWrite ? (
          <>
            {customer && playbook.status !== 'archived' ? <Button icon={<UserAddOutlined />} onClick={() => setEnrolling(true)} data-testid="playbook-enrol">{t('actions.enrol')}</Button> : null}
            {playbook.status !== 'archived' ? <Button onClick={() => navigate(`/playbooks/${playbook.id}/edit`)}>{t('actions.edit')}</Button> : null}
            <PlaybookActions playbook={playbook} />
          </>
        ) : null}
      />
      <Card style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('columns.trigger')}>{playbook.trigger ? t(`triggers.${playbook.trigger.type}`) : [...(playbook.audience?.tiers ?? []), ...(playbook.audience?.labels ?? [])].join('、') || '—'}</Descriptions.Item>
          {customer ? <Descriptions.Item label={t('form.exits')}>{playbook.exits.map((e) => t(`exits.${e.type}`)).join('、') || '—'}</Descriptions.Item> : null}
          {customer ? <Descriptions.Item label={t('form.reentry')}>{t(`reentries.${playbook.reentry}`)}</Descriptions.Item> : null}
          <Descriptions.Item label={t('columns.steps')}>
            <Flex gap={4} wrap>{playbook.steps.map((s) => <Tag key={s.id}>{stepWhen(t as never, { ...s, day: s.day ?? undefined, offsetMinutes: s.offsetMinutes ?? undefined, schedule: fullSchedule(s.schedule), content: { text: s.content.text, attachments: [] } })} · {s.name}</Tag>)}</Flex>
          </Descriptions.Item>
          {customer ? <Descriptions.Item label={t('columns.enrolments')}>{`${stats.data?.enrolments.active ?? playbook.enrolments.active} / ${stats.data?.enrolments.completed ?? playbook.enrolments.completed} / ${stats.data?.enrolments.exited ?? playbook.enrolments.exited}`}</Descriptions.Item> : null}
          {playbook.activatedAt ? <Descriptions.Item label={t('actions.activate')}>{formatDateTime(playbook.activatedAt)}</Descriptions.Item> : null}
        </Descriptions>
      </Card>
      <QueryError query={stats} />
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card title={t('results.funnel')} style={{ marginBottom: 16 }}>
            {stats.data ? <FunnelChart stats={stats.data} /> : null}
            <StepTable stats={stats.data} />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('results.staff')} style={{ marginBottom: 16 }}><StaffTable stats={stats.data} /></Card>
          <Card title={t('results.upcoming')} style={{ marginBottom: 16 }}><UpcomingList id={playbook.id} /></Card>
        </Col>
      </Row>
      <Card>
        <Tabs items={[
          { key: 'runs', label: t('results.runs'), children: <RunsTable playbook={playbook} /> },
          ...(customer ? [{ key: 'enrolments', label: t('results.enrolments'), children: <EnrolmentsTable id={playbook.id} /> }] : []),
        ]} />
      </Card>
      {enrolling ? <EnrolModal id={playbook.id} onClose={() => setEnrolling(false)} /> : null}
    </>
  );
}

function FunnelChart({ stats }: { stats: PlaybookStats }) {
  const { t } = useTranslation('playbooks');
  const option = useMemo<ChartOption>(() => {
    const names = stats.steps.map((s) => `${s.position + 1}. ${s.name}`);
    const series = (['sent', 'late', 'open', 'skipped', 'failed', 'pending'] as const).map((k) => ({
      name: k === 'open' ? t('results.open') : t(`results.${k}`),
      type: 'bar' as const,
      stack: 'runs',
      data: stats.steps.map((s) => (k === 'sent' ? s.sent - s.late : s[k])),
    }));
    return {
      color: ['#52c41a', '#faad14', '#1677ff', '#bfbfbf', '#ff4d4f', '#e6f4ff'],
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: names, inverse: true },
      series,
    };
  }, [stats, t]);
  return <Chart option={option} height={Math.max(160, 60 + stats.steps.length * 44)} />;
}

function StepTable({ stats }: { stats: PlaybookStats | undefined }) {
  const { t } = useTranslation('playbooks');
  const rows = stats?.steps ?? [];
  const columns: ColumnsType<PlaybookStats['steps'][number]> = [
    { title: t('step.title'), render: (_, s) => `${s.position + 1}. ${s.name}` },
    { title: t('results.total'), dataIndex: 'total', align: 'right' },
    { title: t('results.planned'), dataIndex: 'planned', align: 'right' },
    { title: t('results.taskCreated'), dataIndex: 'taskCreated', align: 'right' },
    { title: t('results.sent'), dataIndex: 'sent', align: 'right' },
    { title: t('results.late'), dataIndex: 'late', align: 'right' },
    { title: t('results.skipped'), dataIndex: 'skipped', align: 'right' },
    { title: t('results.failed'), dataIndex: 'failed', align: 'right' },
    { title: t('results.reasons'), render: (_, s) => <Flex gap={4} wrap>{s.reasons.map((r) => <Tag key={r.reason}>{t(`reasons.${r.reason}`)} {r.count}</Tag>)}</Flex> },
  ];
  return <Table rowKey="stepId" size="small" pagination={false} dataSource={rows} columns={columns} />;
}

function StaffTable({ stats }: { stats: PlaybookStats | undefined }) {
  const { t } = useTranslation('playbooks');
  const columns: ColumnsType<PlaybookStats['staff'][number]> = [
    { title: t('owner'), dataIndex: 'name' },
    { title: t('results.reached'), dataIndex: 'reached', align: 'right' },
    { title: t('results.sent'), dataIndex: 'sent', align: 'right' },
    { title: t('results.late'), dataIndex: 'late', align: 'right' },
    { title: t('results.open'), dataIndex: 'open', align: 'right' },
    { title: t('results.completion'), dataIndex: 'completion', render: (c: number) => <Progress percent={Math.round(c * 100)} size="small" /> },
  ];
  return <Table rowKey="userid" size="small" pagination={{ pageSize: 10, hideOnSinglePage: true }} dataSource={stats?.staff ?? []} columns={columns} />;
}

function UpcomingList({ id }: { id: number }) {
  const { t } = useTranslation('playbooks');
  const upcoming = useUpcoming(id, 10);
  return (
    <List
      size="small"
      loading={upcoming.isLoading}
      dataSource={upcoming.data?.items ?? []}
      locale={{ emptyText: t('preview.none') }}
      renderItem={(u) => (
        <List.Item>
          <Flex justify="space-between" style={{ width: '100%' }} gap={8}>
            <Typography.Text>{formatDateTime(u.at)}</Typography.Text>
            <Typography.Text ellipsis>{u.stepName}</Typography.Text>
            <Typography.Text type="secondary" ellipsis>{u.targetName ?? u.targetId}</Typography.Text>
            <Typography.Text type="secondary">{u.ownerName ?? u.ownerUserid}</Typography.Text>
          </Flex>
        </List.Item>
      )}
    />
  );
}

function RunsTable({ playbook }: { playbook: Playbook }) {
  const { t } = useTranslation('playbooks');
  const [status, setStatus] = useState<RunStatus | undefined>();
  const [stepId, setStepId] = useState<number | undefined>();
  const [page, setPage] = useState(1);
  const runs = useRuns(playbook.id, { status, stepId, limit: 20, offset: (page - 1) * 20 });
  const columns: ColumnsType<Run> = [
    { title: t('step.title'), dataIndex: 'stepName' },
    { title: t('target'), render: (_, r) => (r.targetKind === 'customer' ? <Link to={`/customers/${encodeURIComponent(r.targetId)}`}>{r.targetName ?? r.targetId}</Link> : <Link to={`/groups/${encodeURIComponent(r.targetId)}`}>{r.targetName ?? r.targetId}</Link>) },
    { title: t('owner'), render: (_, r) => r.ownerName ?? r.ownerUserid ?? '—' },
    { title: t('dueAt'), render: (_, r) => formatDateTime(r.sendAt ?? r.dueAt) },
    { title: t('columns.status'), render: (_, r) => <Flex gap={4} wrap><Tag color={RUN_COLORS[r.status]}>{t(`runStatuses.${r.status}`)}</Tag>{r.late ? <Tag color="gold">{t('results.late')}</Tag> : null}{r.reason ? <Typography.Text type="secondary">{t(`reasons.${r.reason as 'dnd'}`)}</Typography.Text> : null}</Flex> },
    { title: t('sentAt'), render: (_, r) => (r.sentAt ? formatDateTime(r.sentAt) : '—') },
  ];
  return (
    <Flex vertical gap={12}>
      <Flex gap={8} wrap>
        <Select allowClear placeholder={t('columns.status')} style={{ width: 160 }} value={status} onChange={(v) => { setStatus(v); setPage(1); }}
          options={RUN_STATUSES.map((s) => ({ value: s, label: t(`runStatuses.${s}`) }))} />
        <Select allowClear placeholder={t('step.title')} style={{ width: 220 }} value={stepId} onChange={(v) => { setStepId(v); setPage(1); }}
          options={playbook.steps.map((s) => ({ value: s.id, label: s.name }))} />
      </Flex>
      <QueryError query={runs} />
      <Table<Run> rowKey="id" size="small" loading={runs.isFetching} dataSource={runs.data?.items ?? []} columns={columns}
        pagination={{ current: page, pageSize: 20, total: runs.data?.total ?? 0, onChange: setPage, showSizeChanger: false }} />
    </Flex>
  );
}

function EnrolmentsTable({ id }: { id: number }) {
  const { t } = useTranslation('playbooks');
  const [page, setPage] = useState(1);
  const list = useEnrolments(id, { limit: 20, offset: (page - 1) * 20 });
  const columns: ColumnsType<Enrolment> = [
    { title: t('customer'), render: (_, e) => <Link to={`/customers/${encodeURIComponent(e.externalUserid)}`}>{e.customerName ?? e.externalUserid}</Link> },
    { title: t('owner'), render: (_, e) => e.ownerName ?? e.ownerUserid },
    { title: t('columns.status'), render: (_, e) => <Flex gap={4}><Tag>{t(`enrolmentStatuses.${e.status}`)}</Tag>{e.exitReason ? <Typography.Text type="secondary">{e.exitReason}</Typography.Text> : null}</Flex> },
    { title: t('source'), render: (_, e) => t(`sources.${e.source}`) },
    { title: t('progress'), render: (_, e) => `${e.sent} / ${e.steps}` },
    { title: t('enrolledAt'), render: (_, e) => formatDateTime(e.enrolledAt) },
  ];
  return (
    <>
      <QueryError query={list} />
      <Table<Enrolment> rowKey="id" size="small" loading={list.isFetching} dataSource={list.data?.items ?? []} columns={columns}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }} />
    </>
  );
}

function EnrolModal({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation(['playbooks', 'common']);
  const { message } = App.useApp();
  const enrol = useEnrol();
  const [ids, setIds] = useState('');
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [owner, setOwner] = useState<string | undefined>();
  const [result, setResult] = useState<EnrolResult | null>(null);
  const submit = async () => {
    const list = ids.split(/[\s,，]+/).map((x) => x.trim()).filter(Boolean);
    try {
      const r = await enrol.mutateAsync({ id, input: csv ? { csv: csv.text, ownerUserid: owner } : { externalUserids: list.slice(0, ENROL_MAX), ownerUserid: owner } });
      setResult(r);
      void message.success(t('enrol.result', { enrolled: r.enrolled, skipped: r.skippedCount }));
    } catch (error) {
      void message.error(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <Modal open title={t('enrol.title')} onCancel={onClose} onOk={() => void submit()} confirmLoading={enrol.isPending} okText={t('common:confirm')} cancelText={t('common:cancel')}>
      <Form layout="vertical">
        <Form.Item label={t('enrol.ids')}>
          <Input.TextArea rows={5} value={ids} onChange={(e) => setIds(e.target.value)} disabled={!!csv} data-testid="enrol-ids" />
        </Form.Item>
        <Form.Item label={t('enrol.csv')}>
          <Upload accept=".csv,text/csv" maxCount={1} beforeUpload={(file) => { void file.text().then((text) => setCsv({ name: file.name, text })); return false; }}
            onRemove={() => setCsv(null)}>
            <Button>CSV</Button>
          </Upload>
        </Form.Item>
        <Form.Item label={t('enrol.owner')}><StaffSelect value={owner} onChange={(v) => setOwner(v ?? undefined)} followOnly /></Form.Item>
      </Form>
      {result ? (
        <Alert type={result.skippedCount ? 'warning' : 'success'} showIcon title={t('enrol.result', { enrolled: formatNumber(result.enrolled), skipped: formatNumber(result.skippedCount) })}
          description={result.skipped.length ? <List size="small" dataSource={result.skipped} renderItem={(s) => <List.Item>{s.externalUserid} — {t(`enrol.skip.${s.reason}`)}</List.Item>} /> : null} />
      ) : null}
    </Modal>
  );
}
