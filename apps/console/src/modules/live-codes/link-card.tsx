// A link mode code's acquisition link (获客链接, ADR 0037): the link WeCom made and the one carrying the code's own
// channel, its status (WeCom may stop or delete it), the corp's quota read from WeCom, a re-sync for writers and the
// range limit (a corp setting, admins edit it).
import { SyncOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Card, Descriptions, Flex, InputNumber, Space, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatDateTime, formatNumber } from '../../lib/format';
import { useCanWrite, useIsAdmin } from '../auth/hooks';
import {
  useAcquisitionQuota, useAcquisitionSettings, useResyncLink, useUpdateAcquisitionSettings, type LinkStatus, type LiveCode, type QuotaState,
} from './hooks';

const STATUS_BADGE: Record<LinkStatus, 'success' | 'warning' | 'error'> = { active: 'success', unavailable: 'warning', deleted: 'error' };
const QUOTA_COLOR: Record<QuotaState, string> = { ok: 'green', low: 'orange', exhausted: 'red' };

export function LinkCard({ code }: { code: LiveCode }) {
  const { t } = useTranslation(['liveCodes', 'common']);
  const { message } = App.useApp();
  const canWrite = useCanWrite();
  const isAdmin = useIsAdmin();
  const resync = useResyncLink();
  const quota = useAcquisitionQuota(canWrite);
  const link = code.link;
  if (!link) return null;
  const active = code.status === 'active';
  // The quota as read now when the caller may read it, else as WeCom's events last said.
  const quotaState: QuotaState = quota.data?.state ?? link.quotaState;

  return (
    <Card
      title={t('link.title')}
      data-testid="link-card"
      extra={
        canWrite && active ? (
          <Button
            icon={<SyncOutlined />}
            loading={resync.isPending}
            onClick={() => resync.mutateAsync(code.id).then(() => void message.success(t('link.resynced'))).catch(() => undefined)}
            data-testid="link-resync"
          >
            {t('link.resync')}
          </Button>
        ) : null
      }
    >
      {link.status && link.status !== 'active' && active ? (
        <Alert type={link.status === 'deleted' ? 'error' : 'warning'} showIcon title={t(`link.statusHelp.${link.status}`)} style={{ marginBottom: 12 }} />
      ) : null}
      {quotaState !== 'ok' && active ? (
        <Alert type={quotaState === 'exhausted' ? 'error' : 'warning'} showIcon title={`${t('link.quota')}：${t(`link.quotaStates.${quotaState}`)}`} description={t('link.quotaHelp')} style={{ marginBottom: 12 }} />
      ) : null}
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('link.status')}>
          <span data-testid="link-status">
            {link.status ? <Badge status={STATUS_BADGE[link.status]} text={t(`link.statuses.${link.status}`)} /> : t('link.none')}
          </span>
          {link.statusAt ? <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>{formatDateTime(link.statusAt)}</Typography.Text> : null}
        </Descriptions.Item>
        <Descriptions.Item label={<Tooltip title={t('link.urlHelp')}><span>{t('link.url')}</span></Tooltip>}>
          {link.url ? (
            <Typography.Text copyable={{ text: link.url }} style={{ wordBreak: 'break-all' }} data-testid="link-url">{link.url}</Typography.Text>
          ) : t('link.none')}
        </Descriptions.Item>
        {link.channelUrl ? (
          <Descriptions.Item label={<Tooltip title={t('link.channelUrlHelp')}><span>{t('link.channelUrl')}</span></Tooltip>}>
            <Typography.Text copyable={{ text: link.channelUrl }} style={{ wordBreak: 'break-all', fontSize: 12 }} type="secondary">{link.channelUrl}</Typography.Text>
          </Descriptions.Item>
        ) : null}
        {canWrite ? (
          <Descriptions.Item label={<Tooltip title={t('link.quotaHelp')}><span>{t('link.quota')}</span></Tooltip>}>
            <span data-testid="link-quota">
              {quota.data ? (
                <Space wrap size={4}>
                  <span>{t('link.quotaValue', { balance: formatNumber(quota.data.balance), total: formatNumber(quota.data.total) })}</span>
                  <Tag color={QUOTA_COLOR[quotaState]}>{t(`link.quotaStates.${quotaState}`)}</Tag>
                  {quota.data.quotaList.map((x) => (
                    <Typography.Text key={`${x.expireDate}-${x.balance}`} type="secondary" style={{ fontSize: 12 }}>
                      {t('link.quotaExpires', { balance: formatNumber(x.balance), date: formatDate(x.expireDate) })}
                    </Typography.Text>
                  ))}
                </Space>
              ) : quota.isError ? (
                <Typography.Text type="warning">{t('link.quotaError')}</Typography.Text>
              ) : (
                <Typography.Text type="secondary">…</Typography.Text>
              )}
            </span>
          </Descriptions.Item>
        ) : (
          <Descriptions.Item label={t('link.quota')}>
            <Tag color={QUOTA_COLOR[quotaState]}>{t(`link.quotaStates.${quotaState}`)}</Tag>
          </Descriptions.Item>
        )}
        {canWrite ? (
          <Descriptions.Item label={<Tooltip title={t('link.maxRangeHelp')}><span>{t('link.maxRange')}</span></Tooltip>}>
            <MaxRange editable={isAdmin} />
          </Descriptions.Item>
        ) : null}
      </Descriptions>
    </Card>
  );
}

function MaxRange({ editable }: { editable: boolean }) {
  const { t } = useTranslation(['liveCodes', 'common']);
  const { message } = App.useApp();
  const settings = useAcquisitionSettings();
  const update = useUpdateAcquisitionSettings();
  const [value, setValue] = useState<number | null>(null);
  const current = settings.data?.maxRangeUsers;
  if (current === undefined) return <Typography.Text type="secondary">…</Typography.Text>;
  if (!editable) return <span data-testid="link-max-range">{current}</span>;
  const shown = value ?? current;
  return (
    <Flex gap={8} align="center">
      <InputNumber min={1} max={10000} precision={0} value={shown} onChange={(v) => setValue(v)} style={{ width: 100 }} data-testid="link-max-range" />
      {shown !== current ? (
        <Button
          size="small"
          type="primary"
          loading={update.isPending}
          onClick={() => update.mutateAsync({ maxRangeUsers: shown }).then(() => { setValue(null); void message.success(t('link.maxRangeSaved')); }).catch(() => undefined)}
        >
          {t('common:save')}
        </Button>
      ) : null}
    </Flex>
  );
}
