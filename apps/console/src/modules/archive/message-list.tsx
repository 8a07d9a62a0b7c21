// A list of archived messages (newest first) with "older" paging: the search page, the customer 360's 会话 tab and the
// group page show it. Images, stickers, voice, video and files show their file (message-media.tsx).
import { Button, Empty, Flex, List, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../../lib/format';
import type { Message } from './hooks';
import { isMediaMessage, MessageMedia } from './message-media';

type Pages = { data?: { pages: { items: Message[] }[] }; hasNextPage: boolean; fetchNextPage: () => unknown; isFetchingNextPage: boolean; isLoading: boolean };

function body(m: Message, t: (k: `types.${Message['type']}`) => string) {
  const p = m.payload;
  if (isMediaMessage(m)) return <MessageMedia m={m} />;
  switch (m.type) {
    case 'link':
      return <span>🔗 <a href={String(p.link_url ?? '')} target="_blank" rel="noreferrer noopener">{m.text || String(p.link_url ?? '')}</a></span>;
    case 'weapp':
      return <span>🧩 {m.text}</span>;
    case 'card':
      return <span>👤 {t('types.card')} · {m.text} {String(p.userid ?? '')}</span>;
    case 'revoke':
    case 'agree':
    case 'disagree':
      return <Typography.Text type="secondary">{t(`types.${m.type}`)}</Typography.Text>;
    default:
      return m.text ? <span style={{ whiteSpace: 'pre-wrap' }}>{m.text}</span> : <Typography.Text type="secondary">{t(`types.${m.type}`)}</Typography.Text>;
  }
}

export function ArchiveMessages({ pages, showChat = true }: { pages: Pages; showChat?: boolean }) {
  const { t } = useTranslation('archive');
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  if (!pages.isLoading && items.length === 0) return <Empty description={t('empty')} />;
  return (
    <Flex vertical gap={8} data-testid="archive-messages">
      <List
        loading={pages.isLoading}
        dataSource={items}
        rowKey="id"
        renderItem={(m) => (
          <List.Item data-testid="archive-message">
            <Flex vertical gap={2} style={{ width: '100%' }}>
              <Flex gap={8} wrap align="baseline">
                <Typography.Text strong>
                  {m.senderKind === 'customer' && m.externalUserid ? <Link to={`/customers/${encodeURIComponent(m.externalUserid)}`}>{m.senderName || m.sender}</Link> : m.senderName || m.sender}
                </Typography.Text>
                {showChat && (m.chatId
                  ? <Tag color="blue"><Link to={`/groups/${encodeURIComponent(m.chatId)}`}>{t('group')} · {m.chatName || m.chatId}</Link></Tag>
                  : <Tag>{t('private')}</Tag>)}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{formatDateTime(String(m.sentAt))}</Typography.Text>
                {m.recalled && <Tag color="orange">{t('recalled')}</Tag>}
              </Flex>
              <div>{body(m, t)}</div>
            </Flex>
          </List.Item>
        )}
      />
      {pages.hasNextPage && <Button onClick={() => void pages.fetchNextPage()} loading={pages.isFetchingNextPage}>{t('more')}</Button>}
    </Flex>
  );
}
