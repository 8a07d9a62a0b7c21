// The 会话 Messages cards of the customer 360 and the group page: their archived messages the caller may see.
import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCustomerMessages, useGroupMessages } from './hooks';
import { ArchiveMessages } from './message-list';

export function CustomerMessagesCard({ externalUserid }: { externalUserid: string }) {
  const { t } = useTranslation('archive');
  const pages = useCustomerMessages(externalUserid);
  return <Card title={t('tab')} data-testid="customer-messages"><ArchiveMessages pages={pages} /></Card>;
}

export function GroupMessagesCard({ chatId }: { chatId: string }) {
  const { t } = useTranslation('archive');
  const pages = useGroupMessages(chatId);
  return <Card title={t('tab')} data-testid="group-messages"><ArchiveMessages pages={pages} showChat={false} /></Card>;
}
