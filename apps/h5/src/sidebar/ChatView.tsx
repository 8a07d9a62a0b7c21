// What the sidebar shows beside a chat: the customer (profile, the member's tags, timeline) or the group,
// the pending tasks for them with one tap to send, and the scripts.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { SidebarCustomer } from '@pond/contracts/sidebar';
import type { GroupDetail } from '@pond/contracts/groups';
import { api } from '../api';
import { Notice } from '../ui';
import type { Entry } from '../wecom';
import { CustomerHeader, Profile, Timeline } from './Customer';
import { GroupHeader } from './Group';
import { Scripts } from './Scripts';
import { ChatTasks } from './ChatTasks';

/** Which chat the sidebar is open beside (getContext and the chat's customer or group). */
export interface ChatContext {
  entry: Entry;
  externalUserid: string | null;
  chatId: string | null;
}

type Tab = 'scripts' | 'timeline' | 'profile';

export function ChatView({ ctx }: { ctx: ChatContext }) {
  const [customer, setCustomer] = useState<SidebarCustomer | null>(null);
  const [group, setGroup] = useState<GroupDetail | null>(null);
  const [failed, setFailed] = useState<{ zh: string; en: string } | null>(null);
  const [tab, setTab] = useState<Tab>('scripts');
  const inChat = ctx.entry === 'single_chat_tools' || ctx.entry === 'group_chat_tools';

  const loadCustomer = useCallback(async () => {
    if (!ctx.externalUserid) return;
    try {
      setCustomer(await api<SidebarCustomer>('GET', `/sidebar/customers/${encodeURIComponent(ctx.externalUserid)}`));
    } catch (e) {
      setFailed({ zh: '看不到这位客户', en: `${(e as Error).message} — 只能查看自己的客户 (you only see your own customers).` });
    }
  }, [ctx.externalUserid]);

  useEffect(() => {
    if (ctx.externalUserid) void loadCustomer();
    else if (ctx.chatId) {
      api<GroupDetail>('GET', `/groups/${encodeURIComponent(ctx.chatId)}`).then(setGroup, (e: Error) =>
        setFailed({ zh: '看不到这个群', en: `${e.message} — 只能查看自己的群 (you only see your own groups).` }),
      );
    }
  }, [ctx, loadCustomer]);

  if (failed) return <Notice zh={failed.zh} en={failed.en} error />;
  if ((ctx.externalUserid && !customer) || (ctx.chatId && !group)) return <Notice zh="加载中…" en="Loading…" />;

  const tabs: [Tab, string][] = [['scripts', '话术 Scripts']];
  if (customer) tabs.push(['timeline', '动态 Timeline'], ['profile', '资料 Profile']);
  return (
    <>
      {customer ? <CustomerHeader data={customer} externalUserid={ctx.externalUserid!} reload={loadCustomer} /> : null}
      {group ? <GroupHeader data={group} /> : null}
      {!customer && !group ? (
        <section class="muted">
          在聊天中打开可查看客户资料 <div class="en">Open from a chat to see the customer.</div>
        </section>
      ) : null}
      {inChat ? <ChatTasks externalUserid={ctx.externalUserid} chatId={ctx.chatId} /> : null}
      <div class="tabs">
        {tabs.map(([id, label]) => (
          <button key={id} class={tab === id ? 'on' : ''} data-tab={id} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      <section id="panel">
        {tab === 'timeline' && customer ? <Timeline items={customer.timeline} /> : null}
        {tab === 'profile' && customer ? <Profile data={customer} /> : null}
        {tab === 'scripts' ? <Scripts canSend={inChat} externalUserid={ctx.externalUserid} /> : null}
      </section>
    </>
  );
}
