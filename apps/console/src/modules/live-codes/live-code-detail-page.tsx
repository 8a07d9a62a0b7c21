// One code: its numbers by day (cards, chart, CSV), the landing link with its QR, who or which
// groups it routes to right now, and the poster with the checker's findings.
import { ArrowLeftOutlined, DownloadOutlined, EditOutlined, InboxOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Col,
  ColorPicker,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  Popconfirm,
  Row,
  Skeleton,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ExportButton } from '../../components/list-page';
import { detailFallback } from '../../components/detail-fallback';
import { PageHeader } from '../../components/page-header';
import { QueryError } from '../../components/query-error';
import { toLanguage } from '../../i18n';
import { pickBilingual } from '../../lib/bilingual';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { useCanWrite } from '../auth/hooks';
import { useStoreNames } from '../staff/hooks';
import { TagList } from '../tags/tag-pickers';
import { CopyLinkButton, DownloadMenu } from './code-actions';
import {
  links,
  listPath,
  useArchiveLiveCode,
  useCodeStats,
  useLiveCode,
  usePosterCheck,
  type CodeStats,
  type LiveCode,
  type PosterOptions,
} from './hooks';
import { ModeTag } from './labels';
import { LinkCard } from './link-card';
import { StatsChart } from './stats-chart';
import { RangeFilter, StatCards, useDateRange } from './stats-widgets';

export default function LiveCodeDetailPage() {
  const { id } = useParams();
  const { t } = useTranslation(['liveCodes', 'common']);
  const navigate = useNavigate();
  const codeId = Number(id);
  const code = useLiveCode(codeId);
  const back = (
    <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('common:back')} onClick={() => navigate(code.data ? listPath(code.data.kind) : '/live-codes')} />
  );

  const fallback = detailFallback(code, { title: t('title'), back, notFound: t('notFound'), missing: [404, 400], rows: 10 });
  if (fallback || !code.data) return fallback;
  return <Detail code={code.data} back={back} />;
}

function Detail({ code, back }: { code: LiveCode; back: ReactNode }) {
  const { t } = useTranslation(['liveCodes', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const archive = useArchiveLiveCode();
  const storeNames = useStoreNames();
  const [range, setRange] = useDateRange();
  const stats = useCodeStats(code.id, range);
  const active = code.status === 'active';

  return (
    <>
      <PageHeader
        back={back}
        title={
          <Flex align="center" gap={8} wrap>
            <span data-testid="live-code-title">{code.name}</span>
            <Tag>{t(`kindName.${code.kind}`)}</Tag>
            {code.kind === 'staff' ? <ModeTag mode={code.mode} /> : null}
            {active ? null : <Tag color="default">{t('statuses.archived')}</Tag>}
          </Flex>
        }
        subtitle={[code.channel && t('channelIs', { channel: code.channel }), code.storeId !== null && (storeNames.get(String(code.storeId)) ?? `#${code.storeId}`)]
          .filter(Boolean)
          .join(' · ')}
        extra={
          <>
            {canWrite && active ? (
              <Button icon={<EditOutlined />} onClick={() => navigate(`/live-codes/${code.id}/edit`)} data-testid="live-code-edit">
                {t('common:edit')}
              </Button>
            ) : null}
            <DownloadMenu code={code} label />
            <CopyLinkButton url={code.url} label />
            {canWrite && active ? (
              <Popconfirm
                title={t('archiveConfirm', { name: code.name })}
                description={<div style={{ maxWidth: 300 }}>{t('archiveHelp')}</div>}
                okButtonProps={{ danger: true, loading: archive.isPending }}
                onConfirm={() => archive.mutateAsync(code.id).then(() => void message.success(t('archived'))).catch(() => undefined)}
              >
                <Button danger icon={<InboxOutlined />}>
                  {t('archive')}
                </Button>
              </Popconfirm>
            ) : null}
          </>
        }
      />
      {active ? null : <Alert type="warning" showIcon title={t('archivedNote')} style={{ marginBottom: 16 }} />}

      <Flex gap={12} wrap align="center" justify="space-between" style={{ marginBottom: 16 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('numbers')}
        </Typography.Title>
        <Flex gap={8} wrap>
          <RangeFilter range={range} onChange={setRange} stats={stats.data} />
          <ExportButton href={links.statsCsv(code.id, range)} testId="stats-csv" />
        </Flex>
      </Flex>
      <QueryError query={stats} />
      <StatCards total={stats.data?.total} loading={stats.isLoading} codeId={code.id} kind={code.kind} />
      <Card title={t('stats.byDay')} style={{ marginTop: 16 }}>
        <div data-testid="live-code-chart">
          <DailyStats stats={stats.data} loading={stats.isLoading} kind={code.kind} />
        </div>
      </Card>

      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={12}>
          <Flex vertical gap={16}>
            <LandingCard code={code} />
            {code.mode === 'link' ? <LinkCard code={code} /> : null}
            {code.kind === 'staff' ? <PoolCard code={code} /> : null}
            {code.kind === 'group' ? <GroupsCard code={code} /> : null}
          </Flex>
        </Col>
        <Col xs={24} xl={12}>
          <PosterCard code={code} />
        </Col>
      </Row>
    </>
  );
}

function DailyStats({ stats, loading, kind }: { stats: CodeStats | undefined; loading: boolean; kind: LiveCode['kind'] }) {
  const { t } = useTranslation('liveCodes');
  if (loading) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (!stats || stats.days.every((d) => d.scans === 0 && d.adds === 0 && d.groupJoins === 0)) return <Empty description={t('stats.noData')} />;
  return kind === 'group' ? (
    <StatsChart days={stats.days} metrics={['scans', 'visitors', 'groupJoins']} />
  ) : (
    <StatsChart days={stats.days} metrics={['scans', 'visitors', 'adds', 'net1d', 'net7d', 'welcomeFailed']} hidden={['net1d', 'welcomeFailed']} />
  );
}

function LandingCard({ code }: { code: LiveCode }) {
  const { t } = useTranslation(['liveCodes', 'common']);
  const [loaded, setLoaded] = useState(false);
  return (
    <Card title={t('landing.title')}>
      <Flex gap={24} wrap align="flex-start">
        <div className="pond-qr-box">
          {loaded ? null : <Spin className="pond-qr-spin" />}
          <img
            src={links.qrPng(code.id, 256)}
            alt={t('landing.qrAlt', { name: code.name })}
            width={200}
            height={200}
            onLoad={() => setLoaded(true)}
            data-testid="live-code-qr"
          />
        </div>
        <div style={{ flex: 1, minWidth: 240 }}>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('landing.url')}>
              <Typography.Text copyable={{ text: code.url }} style={{ wordBreak: 'break-all' }} data-testid="live-code-url">
                <a href={code.url} target="_blank" rel="noreferrer">
                  {code.url}
                </a>
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('landing.state')}>
              <Tooltip title={t('landing.stateHelp')}>
                <Typography.Text code>{code.state}</Typography.Text>
              </Tooltip>
            </Descriptions.Item>
            {code.kind === 'staff' && code.mode === 'pond' ? (
              <>
                <Descriptions.Item label={t('strategy')}>{t(`strategies.${code.strategy}`)}</Descriptions.Item>
                <Descriptions.Item label={t('form.lock')}>{code.lockEnabled ? t('common:on') : t('common:off')}</Descriptions.Item>
                <Descriptions.Item label={t('form.hours')}>{code.schedule ? t('landing.limitedHours') : t('schedule.alwaysOpen')}</Descriptions.Item>
              </>
            ) : null}
            {code.kind === 'staff' ? (
              <Descriptions.Item label={t('form.tags')}>
                <TagList ids={code.tagIds} max={6} />
              </Descriptions.Item>
            ) : null}
            {code.wecomQrUrl ? (
              <Descriptions.Item label={t('landing.wecomQr')}>
                <a href={code.wecomQrUrl} target="_blank" rel="noreferrer">
                  {t('landing.open')}
                </a>
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('landing.createdAt')}>{formatDateTime(code.createdAt)}</Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
            {t('landing.help')}
          </Typography.Paragraph>
        </div>
      </Flex>
    </Card>
  );
}

function PoolCard({ code }: { code: LiveCode }) {
  const { t } = useTranslation('liveCodes');
  const cap = (n: number | null) => (n === null ? t('pool.noCap') : formatNumber(n));
  return (
    <Card title={t('form.pool')} extra={<Link to={`/welcome?tab=sends&codeId=${code.id}`}>{t('landing.welcomeSends')}</Link>}>
      {code.mode === 'link' && code.pool.some((p) => !p.backup && !p.available) ? (
        <Alert type="warning" showIcon title={t('pool.linkUnavailable')} style={{ marginBottom: 12 }} data-testid="link-pool-unavailable" />
      ) : null}
      <Table
        size="small"
        rowKey="userid"
        dataSource={code.pool}
        pagination={false}
        columns={[
          {
            title: t('pool.staff'),
            key: 'name',
            render: (_, p) => (
              <span>
                <Link to={`/customers?userid=${encodeURIComponent(p.userid)}`}>{p.name}</Link>
                {p.backup ? <Tag style={{ marginLeft: 6 }}>{t('pool.backup')}</Tag> : null}
              </span>
            ),
          },
          {
            title: t('pool.available'),
            dataIndex: 'available',
            render: (ok: boolean) => <Badge status={ok ? 'success' : 'warning'} text={ok ? t('pool.yes') : t('pool.no')} />,
          },
          ...(code.mode === 'pond'
            ? [
                ...(code.strategy === 'weighted' ? [{ title: t('pool.weight'), dataIndex: 'weight', align: 'right' as const }] : []),
                { title: t('pool.dailyCap'), dataIndex: 'dailyCap', align: 'right' as const, render: cap },
                { title: t('pool.totalCap'), dataIndex: 'totalCap', align: 'right' as const, render: cap },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

const GROUP_BADGE: Record<string, 'success' | 'default' | 'warning'> = { active: 'success', waiting: 'default', full: 'warning', removed: 'default' };

function GroupsCard({ code }: { code: LiveCode }) {
  const { t } = useTranslation(['liveCodes', 'groups']);
  const groups = [...code.groups].sort((a, b) => a.position - b.position);
  return (
    <Card title={t('form.groupPool')} extra={<Typography.Text type="secondary">{t('landing.groupRotation')}</Typography.Text>}>
      <Table
        size="small"
        rowKey="chatId"
        dataSource={groups}
        pagination={false}
        rowClassName={(g) => (g.status === 'removed' ? 'pond-row-muted' : '')}
        columns={[
          { title: '#', key: 'i', width: 40, render: (_, _g, i) => i + 1 },
          { title: t('groups.name'), key: 'name', render: (_, g) => <Link to={`/groups/${encodeURIComponent(g.chatId)}`}>{g.name || t('groups:unnamed')}</Link> },
          { title: t('groups.memberCount'), key: 'members', align: 'right', render: (_, g) => `${formatNumber(g.memberCount)} / ${code.groupCap}` },
          {
            title: t('groups.status'),
            dataIndex: 'status',
            render: (s: string) => <Badge status={GROUP_BADGE[s] ?? 'default'} text={t(`groups.statuses.${s as 'active'}`, { defaultValue: s })} />,
          },
        ]}
      />
    </Card>
  );
}

interface PosterForm {
  title: string;
  subtitle: string;
  body: string;
  background: string;
  accent: string;
  textColor: string;
}

/** The server's poster colours, shown as the pickers' starting values. */
const POSTER_DEFAULTS = { background: '#0E4D64', accent: '#F6C445', textColor: '#FFFFFF' };

function PosterCard({ code }: { code: LiveCode }) {
  const { t, i18n } = useTranslation('liveCodes');
  const [form] = Form.useForm<PosterForm>();
  const values = Form.useWatch([], form) as Partial<PosterForm> | undefined;
  const language = toLanguage(i18n.language) ?? 'zh-CN';

  const options = useDebouncedValue(
    useMemo<PosterOptions>(() => {
      const v = values ?? {};
      const pick = (s: string | undefined) => (s?.trim() ? s.trim() : undefined);
      const colour = (s: string | undefined, d: string) => (s && s.toUpperCase() !== d.toUpperCase() ? s : undefined);
      return {
        title: pick(v.title),
        subtitle: pick(v.subtitle),
        body: pick(v.body),
        background: colour(v.background, POSTER_DEFAULTS.background),
        accent: colour(v.accent, POSTER_DEFAULTS.accent),
        textColor: colour(v.textColor, POSTER_DEFAULTS.textColor),
      };
    }, [values]),
    600,
  );
  const check = usePosterCheck(code.id, options);
  const src = links.poster(code.id, options);
  const [loadedSrc, setLoadedSrc] = useState<string | null>(null);
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const issues = check.data?.issues ?? [];

  return (
    <Card
      title={t('poster.title')}
      extra={
        <Button type="primary" icon={<DownloadOutlined />} href={src} download data-testid="poster-download">
          {t('poster.download')}
        </Button>
      }
    >
      <Flex gap={24} wrap align="flex-start">
        <Form<PosterForm>
          form={form}
          layout="vertical"
          size="small"
          initialValues={{ title: code.name, subtitle: code.channel, body: code.description ?? '', ...POSTER_DEFAULTS }}
          style={{ flex: 1, minWidth: 240 }}
        >
          <Form.Item name="title" label={t('poster.titleField')}>
            <Input maxLength={60} data-testid="poster-title" />
          </Form.Item>
          <Form.Item name="subtitle" label={t('poster.subtitle')}>
            <Input maxLength={120} />
          </Form.Item>
          <Form.Item name="body" label={t('poster.body')}>
            <Input.TextArea maxLength={400} autoSize={{ minRows: 2, maxRows: 4 }} />
          </Form.Item>
          <Flex gap={16} wrap>
            {(['background', 'accent', 'textColor'] as const).map((key) => (
              <Form.Item key={key} name={key} label={t(`poster.${key}`)} getValueFromEvent={(c: { toHexString: () => string }) => c.toHexString().toUpperCase()}>
                <ColorPicker disabledAlpha showText format="hex" />
              </Form.Item>
            ))}
          </Flex>
          <Typography.Text strong>{t('poster.check')}</Typography.Text>
          <div style={{ marginTop: 8 }} data-testid="poster-issues">
            {check.error ? (
              <Alert type="error" showIcon title={check.error.message} />
            ) : issues.length === 0 ? (
              <Alert type="success" showIcon title={check.isFetching ? t('poster.checking') : t('poster.noIssues')} />
            ) : (
              <Flex vertical gap={6}>
                {issues.map((issue, i) => (
                  <Alert
                    key={`${issue.rule}-${i}`}
                    type={issue.severity === 'error' ? 'error' : 'warning'}
                    showIcon
                    title={pickBilingual(issue.message, language)}
                    data-testid="poster-issue"
                  />
                ))}
              </Flex>
            )}
          </div>
        </Form>
        <div className="pond-poster-box">
          {loadedSrc !== src && failedSrc !== src ? <Spin className="pond-qr-spin" /> : null}
          {failedSrc === src ? (
            <Typography.Text type="danger">{t('poster.failed')}</Typography.Text>
          ) : (
            <img src={src} alt={t('poster.title')} width={243} height={432} onLoad={() => setLoadedSrc(src)} onError={() => setFailedSrc(src)} data-testid="poster-preview" />
          )}
        </div>
      </Flex>
    </Card>
  );
}
