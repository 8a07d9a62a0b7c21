// The WeCom client through the official JS-SDK (@wecom/jssdk, `ww`). The SDK talks to the client through
// the WeixinJSBridge the client injects into the page (in the simulator: its bridge script, loaded first);
// it registers with agentConfig in WeCom (the app ticket's signature, from Pond) and with config (the
// corp ticket) in WeChat. Every call answers a promise; a failure is the client's {errMsg}.
import * as ww from '@wecom/jssdk';
import type { ChatMessage } from '@pond/contracts/content';
import { api, q } from './api';

export type Entry = 'single_chat_tools' | 'group_chat_tools' | 'contact_profile' | 'normal' | (string & {});

/** A message sendChatMessage sends (the task API's messages have these shapes). */
export type { ChatMessage };

interface Signature {
  timestamp: number;
  nonceStr: string;
  signature: string;
}

/** Where the page runs: WeCom's client, WeChat's, or neither (a plain browser). */
export const inWeCom = () => ww.env.isWeCom;
export const inWeChat = () => ww.env.isWeChat;

/** A JS-SDK failure ({errMsg}) or any error, as one line. */
export function errText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'errMsg' in e) return String(e.errMsg);
  return String(e);
}

/**
 * Registers the page (ww.register) and waits for the client to accept the signature. Pond signs only its
 * own staff pages: the URL is the page's without its #fragment, as the SDK passes it.
 */
export async function connect(opts: { corpId: string; agentId?: string; jsApiList: string[] }): Promise<void> {
  const sign = (ticket: 'agent' | 'corp') => (url: string) => api<Signature>('GET', `/sidebar/config${q({ url, ticket: ticket === 'corp' ? ticket : undefined })}`);
  ww.register({
    corpId: opts.corpId,
    agentId: opts.agentId,
    jsApiList: opts.jsApiList,
    getConfigSignature: sign('corp'),
    ...(opts.agentId ? { getAgentConfigSignature: sign('agent') } : {}),
  });
  await ww.ensureConfigReady();
}

export async function getContext(): Promise<Entry> {
  return (await ww.getContext()).entry;
}
export async function currentCustomer(): Promise<string> {
  return (await ww.getCurExternalContact()).userId;
}
export async function currentGroup(): Promise<string> {
  return (await ww.getCurExternalChat()).chatId;
}

/** Sends one message into the chat the page is open beside. */
export async function sendChatMessage(msg: ChatMessage, enterChat = false): Promise<void> {
  await ww.sendChatMessage({ ...msg, enterChat });
}

/** Opens the 1:1 chat with a customer, or a customer group's chat. */
export async function openChat(target: { externalUserid?: string | null; chatId?: string | null }): Promise<void> {
  if (target.chatId) await ww.openEnterpriseChat({ chatId: target.chatId });
  else if (target.externalUserid) await ww.openEnterpriseChat({ externalUserIds: [target.externalUserid], userIds: [], groupName: '' });
  else throw new Error('no chat to open');
}
