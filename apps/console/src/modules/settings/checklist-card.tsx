import { CheckCircleFilled, ClockCircleOutlined, CloseCircleFilled, ExclamationCircleFilled, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Flex, Skeleton, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryError } from '../../components/query-error';
import { toLanguage } from '../../i18n';
import { pickLanguage } from '../../lib/bilingual';
import { useChecklist, useRunChecklist, type CheckItem, type CheckStatus } from './hooks';

const STATUS: Record<CheckStatus, { icon: ReactNode; color: string }> = {
  ok: { icon: <CheckCircleFilled style={{ color: '#52c41a' }} />, color: 'success' },
  warn: { icon: <ExclamationCircleFilled style={{ color: '#faad14' }} />, color: 'warning' },
  error: { icon: <CloseCircleFilled style={{ color: '#ff4d4f' }} />, color: 'error' },
  pending: { icon: <ClockCircleOutlined style={{ color: '#8c8c8c' }} />, color: 'default' },
};

const SUMMARY_TYPE = { ok: 'success', pending: 'info', warn: 'warning', error: 'error' } as const satisfies Record<CheckStatus, string>;

export function ChecklistCard() {
  const { t } = useTranslation('settings');
  const { message } = App.useApp();
  const checklist = useChecklist();
  const run = useRunChecklist();
  const items = checklist.data?.items ?? [];
  const summary = checklist.data?.summary;

  const recheck = () => run.mutate(undefined, { onSuccess: () => void message.success(t('checklist.rechecked')) });

  return (
    <Card
      title={t('checklist.title')}
      extra={
        <Button icon={<ReloadOutlined />} onClick={recheck} loading={run.isPending} data-testid="checklist-recheck">
          {t('checklist.recheck')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('checklist.subtitle')}</Typography.Paragraph>
      <QueryError query={checklist} />
      {checklist.isLoading ? <Skeleton active /> : null}
      {checklist.data && items.length === 0 ? <Empty description={t('checklist.empty')} /> : null}
      {items.length > 0 && summary ? (
        <>
          <Alert
            type={SUMMARY_TYPE[summary.status]}
            showIcon
            title={
              summary.status === 'ok' ? t('checklist.allOk')
                : summary.status === 'pending' ? t('checklist.summaryPending', { ok: summary.ok, pending: summary.pending })
                  : t('checklist.summary', { ok: summary.ok, problems: summary.problems })
            }
            style={{ marginBottom: 16 }}
            data-testid="checklist-summary"
            data-status={summary.status}
          />
          <Flex vertical gap={0} data-testid="checklist">
            {items.map((item, i) => (
              <CheckRow key={item.key} item={item} last={i === items.length - 1} />
            ))}
          </Flex>
        </>
      ) : null}
    </Card>
  );
}

function CheckRow({ item, last }: { item: CheckItem; last: boolean }) {
  const { t, i18n } = useTranslation('settings');
  const language = toLanguage(i18n.language) ?? 'zh-CN';
  const text = (value: string | null) => (value ? pickLanguage(value, language) : null);
  const status = STATUS[item.status] ?? STATUS.pending;
  const needsFix = (item.status === 'error' || item.status === 'warn') && item.fix;
  return (
    <Flex
      gap={12}
      align="flex-start"
      data-testid="checklist-item"
      data-status={item.status}
      style={{ padding: '12px 0', borderBottom: last ? undefined : '1px solid rgba(5, 5, 5, 0.06)' }}
    >
      <span style={{ fontSize: 20, lineHeight: '22px' }}>{status.icon}</span>
      <div style={{ flex: 1, minWidth: 0 }}>
        <Flex gap={8} align="center" wrap>
          <Typography.Text strong>{text(item.title)}</Typography.Text>
          <Tag color={status.color}>{t(`checklist.statuses.${item.status}`)}</Tag>
        </Flex>
        {item.detail ? (
          <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>
            {text(item.detail)}
          </Typography.Paragraph>
        ) : null}
        {needsFix ? (
          <Alert
            type={item.status === 'error' ? 'error' : 'warning'}
            title={t('checklist.fix')}
            description={<span style={{ whiteSpace: 'pre-wrap' }}>{text(item.fix)}</span>}
            style={{ marginTop: 8 }}
          />
        ) : item.fix && item.status === 'pending' ? (
          <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0', fontSize: 12 }}>
            {text(item.fix)}
          </Typography.Paragraph>
        ) : null}
      </div>
    </Flex>
  );
}
