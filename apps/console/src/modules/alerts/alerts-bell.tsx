import { BellOutlined, CheckOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Flex, Popover, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { toLanguage } from '../../i18n';
import { pickBilingual } from '../../lib/bilingual';
import { formatDateTime } from '../../lib/format';
import { useMarkAlertsRead, useUnreadAlerts, type Alert } from './hooks';

export function AlertsBell() {
  const { t, i18n } = useTranslation('alerts');
  const alerts = useUnreadAlerts();
  const markRead = useMarkAlertsRead();
  const [open, setOpen] = useState(false);
  const items = alerts.data?.items ?? [];
  const language = toLanguage(i18n.language) ?? 'zh-CN';

  const kindLabel = (a: Alert) => {
    const kinds: Record<string, string> = t('kinds', { returnObjects: true });
    return kinds[a.kind] ?? a.kind;
  };

  const content = (
    <div style={{ width: 360, maxHeight: 420, overflowY: 'auto' }} data-testid="alerts-list">
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('empty')} />
      ) : (
        <Flex vertical gap={4}>
          {items.map((a) => (
            <Flex key={a.id} gap={8} align="flex-start" className="pond-alert-item" data-testid="alert-item">
              <div style={{ flex: 1, minWidth: 0 }}>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {kindLabel(a)} · {formatDateTime(a.createdAt)}
                </Typography.Text>
                <div>
                  {typeof a.data?.codeId === 'number' ? (
                    <Link to={`/live-codes/${a.data.codeId}`} onClick={() => setOpen(false)}>
                      {pickBilingual(a.message, language)}
                    </Link>
                  ) : typeof a.data?.chatId === 'string' && (a.kind === 'group_silent' || a.kind === 'group_dying') ? (
                    // Group health (staff-stats): the flagged groups, where the revival playbook is one click away.
                    <Link to={`/stats/groups?flag=${a.kind === 'group_silent' ? 'silent' : 'dying'}`} onClick={() => setOpen(false)}>
                      {pickBilingual(a.message, language)}
                    </Link>
                  ) : (
                    pickBilingual(a.message, language)
                  )}
                </div>
              </div>
              <Tooltip title={t('markRead')}>
                <Button
                  type="text"
                  size="small"
                  icon={<CheckOutlined />}
                  aria-label={t('markRead')}
                  loading={markRead.isPending && markRead.variables?.includes(a.id)}
                  onClick={() => markRead.mutate([a.id])}
                />
              </Tooltip>
            </Flex>
          ))}
        </Flex>
      )}
    </div>
  );

  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      placement="bottomRight"
      title={
        <Flex justify="space-between" align="center">
          <span>{t('title')}</span>
          {items.length > 0 ? (
            <Button type="link" size="small" loading={markRead.isPending} onClick={() => markRead.mutate(items.map((a) => a.id))}>
              {t('markAllRead')}
            </Button>
          ) : null}
        </Flex>
      }
      content={content}
    >
      <Badge count={items.length} size="small" overflowCount={99} offset={[-4, 4]}>
        <Button type="text" icon={<BellOutlined />} aria-label={t('title')} data-testid="alerts-bell" />
      </Badge>
    </Popover>
  );
}
