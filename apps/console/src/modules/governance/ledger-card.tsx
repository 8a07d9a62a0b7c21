// A customer's contact ledger on their 360 page: what is left of their budget now, and every attempt to reach them
// (planned, delivered, skipped and why) from broadcasts, playbooks, moments and tasks.
import { Card, Flex, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { ListTable, useLocalPaging } from '../../components/list-page';
import { formatDateTime } from '../../lib/format';
import { useBudget, useLedger, type LedgerEntry } from './hooks';

const STATUS_COLORS: Record<LedgerEntry['status'], string> = { planned: 'processing', sent: 'success', skipped: 'warning', released: 'default', failed: 'error' };

export function ContactLedgerCard({ externalUserid }: { externalUserid: string }) {
  const { t } = useTranslation('governance');
  const paging = useLocalPaging(externalUserid);
  const ledger = useLedger(externalUserid, paging.page, paging.pageSize);
  const budget = useBudget(externalUserid);
  const b = budget.data;
  const columns: ColumnsType<LedgerEntry> = [
    { title: t('ledger.at'), dataIndex: 'at', width: 150, render: (v: string) => formatDateTime(v) },
    { title: t('ledger.channel'), dataIndex: 'channel', width: 100, render: (v: LedgerEntry['channel']) => t(`channels.${v}`) },
    { title: t('ledger.source'), key: 'source', render: (_, r) => r.sourceName ?? (r.sourceId ? `#${r.sourceId}` : '—') },
    { title: t('ledger.staff'), dataIndex: 'staffName', width: 100, render: (v: string | null, r) => v ?? r.staffUserid ?? '—' },
    {
      title: t('ledger.status'), key: 'status', width: 170,
      render: (_, r) => (
        <Flex gap={4} wrap>
          <Tag color={STATUS_COLORS[r.status]}>{t(`statuses.${r.status}`)}</Tag>
          {r.reason ? <Tag>{t(`reasons.${r.reason}`)}</Tag> : null}
          {r.override ? <Tooltip title={t('ledger.override', { by: r.override.by, reason: r.override.reason })}><Tag color="purple">!</Tag></Tooltip> : null}
        </Flex>
      ),
    },
    { title: t('ledger.content'), dataIndex: 'preview', ellipsis: true },
  ];
  return (
    <Card
      title={t('ledger.title')}
      data-testid="contact-ledger"
      extra={b ? (
        <Flex gap={8} align="center">
          {b.dnd ? <Tag color="red">{t('ledger.dnd')}</Tag> : null}
          <Typography.Text type="secondary">{t('ledger.budget', { today: b.today, day: b.limits.day || '∞', week: b.week, weekMax: b.limits.week || '∞', month: b.month, monthMax: b.limits.month || '∞' })}</Typography.Text>
          {b.nextAllowedAt ? <Typography.Text type="secondary">{t('ledger.nextAllowed', { at: formatDateTime(b.nextAllowedAt) })}</Typography.Text> : null}
        </Flex>
      ) : null}
      styles={{ body: { padding: 0 } }}
    >
      <ListTable<LedgerEntry> rowKey="id" size="small" columns={columns} query={ledger} paging={paging} empty={t('ledger.empty')} />
    </Card>
  );
}
