// The chat sidebar (聊天工具栏): registers with the WeCom client, asks which chat it is open beside
// (getContext → getCurExternalContact / getCurExternalChat), then shows that customer or group.
import { useEffect, useState } from 'preact/hooks';
import type { Boot } from '../boot';
import { connect, currentCustomer, currentGroup, errText, getContext, inWeCom } from '../wecom';
import { Notice } from '../ui';
import { ChatView, type ChatContext } from './ChatView';

type Phase = { kind: 'connecting' } | { kind: 'failed'; zh: string; en: string } | { kind: 'ready'; ctx: ChatContext };

export function SidebarApp({ boot }: { boot: Boot }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'connecting' });
  useEffect(() => {
    void (async () => {
      if (!inWeCom()) {
        return setPhase({ kind: 'failed', zh: '请在企业微信中打开', en: 'Open this page from the chat toolbar of the WeCom client.' });
      }
      try {
        await connect(boot);
      } catch (e) {
        return setPhase({ kind: 'failed', zh: '企业微信授权失败', en: `agentConfig failed: ${errText(e)} — check the app's trusted domain.` });
      }
      try {
        const entry = await getContext();
        const ctx: ChatContext = { entry, externalUserid: null, chatId: null };
        if (entry === 'single_chat_tools' || entry === 'contact_profile') ctx.externalUserid = await currentCustomer();
        else if (entry === 'group_chat_tools') ctx.chatId = await currentGroup();
        setPhase({ kind: 'ready', ctx });
      } catch (e) {
        setPhase({ kind: 'failed', zh: '无法读取会话', en: errText(e) });
      }
    })();
  }, [boot]);
  if (phase.kind === 'connecting') return <Notice zh="正在连接企业微信…" en="Connecting to WeCom…" />;
  if (phase.kind === 'failed') return <Notice zh={phase.zh} en={phase.en} error />;
  return <ChatView ctx={phase.ctx} />;
}
