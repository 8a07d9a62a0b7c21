// What a timeline event says: the server's sentence for it (customers/describe.ts: names instead of ids,
// in both languages) in the console's language, and a link to the group it happened in.
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { toLanguage } from '../../i18n';
import type { CustomerEvent } from './hooks';

export function EventSummary({ event, groupName }: { event: CustomerEvent; groupName?: string }) {
  const { t, i18n } = useTranslation('customers');
  const language = toLanguage(i18n.language) ?? 'zh-CN';
  return (
    <>
      <div data-testid="timeline-summary">{language === 'zh-CN' ? event.summary.zh : event.summary.en}</div>
      {event.chatId ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          <Link to={`/groups/${encodeURIComponent(event.chatId)}`}>{t('detail.inChat', { name: groupName || event.chatId })}</Link>
        </Typography.Text>
      ) : null}
    </>
  );
}
