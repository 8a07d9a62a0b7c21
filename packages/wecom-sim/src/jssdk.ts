// The WeCom client's side of the JS-SDK (WECOM.md §14), decided on the server so it can be tested
// without a browser: tickets as issued by get_jsapi_ticket / ticket/get, wx.config and
// wx.agentConfig signature checks (sha1 of jsapi_ticket=T&noncestr=N&timestamp=TS&url=URL, the URL
// without its #fragment; agentConfig needs the app ticket, config the corp ticket), and what
// wx.invoke answers in a chat frame or an app page (getContext, getCurExternalContact, getCurExternalChat,
// sendChatMessage, openEnterpriseChat). The pages only relay: the mock chat frame (pages/wecom-client.ts)
// and the app webview (pages/wecom-app.ts), for the old wx shim and for the WeixinJSBridge that
// @wecom/jssdk calls (config arrives as preVerifyJSAPI with verify* fields).
import { createHash } from 'node:crypto';
import type { SimContext } from './context';
import { ControlError } from './errors';
import { randomId } from './ids';
import { staffSendsGroupPayload, staffSendsPayload } from './messages';
import { STAFF_ACTIVE, getStaff } from './org';
import type { SimCorpRow, SimFollowRow, SimJsapiGrantRow, SimJsapiTicketRow, SimMediaRow, TicketKind } from './rows';
import { isRecord, type Body } from './validate';

export const TICKET_TTL_SEC = 7200;
export type { TicketKind };

/** get_jsapi_ticket (kind jsapi) and ticket/get?type=agent_config: a new ticket, remembered for 7200 s. */
export async function issueTicket(ctx: SimContext, corpId: string, kind: TicketKind) {
  const now = ctx.clock.now();
  const ticket = randomId(88, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
  await ctx.db.q(
    `WITH gc AS (DELETE FROM {s}.jsapi_tickets WHERE corp_id = $2 AND expires_at < $5::bigint - 86400000)
     INSERT INTO {s}.jsapi_tickets (ticket, corp_id, kind, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)`,
    [ticket, corpId, kind, now + TICKET_TTL_SEC * 1000, now],
  );
  return { ticket, expires_in: TICKET_TTL_SEC };
}

export async function listTickets(ctx: SimContext, corpId: string, kind?: TicketKind) {
  const rows = await ctx.db.q<Pick<SimJsapiTicketRow, 'ticket' | 'kind' | 'expires_at'>>(
    `SELECT ticket, kind, expires_at FROM {s}.jsapi_tickets WHERE corp_id = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY created_at`,
    [corpId, kind ?? null],
  );
  return rows.map((r) => ({ ticket: r.ticket, kind: r.kind, expiresAt: Number(r.expires_at) }));
}

export function jsapiSignature(ticket: string, nonceStr: string, timestamp: string | number, url: string): string {
  return createHash('sha1').update(`jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${url}`).digest('hex');
}

const pageUrl = (url: unknown) => String(url ?? '').split('#')[0];

/** wx.config's fields, or preVerifyJSAPI's as @wecom/jssdk sends them through WeixinJSBridge (verifyAppId, verifySignature, …). */
function configFields(cfg: Body): Body {
  if (cfg.signature !== undefined || cfg.verifySignature === undefined) return cfg;
  return { appId: cfg.verifyAppId ?? cfg.appId, signature: cfg.verifySignature, nonceStr: cfg.verifyNonceStr, timestamp: cfg.verifyTimestamp, jsApiList: cfg.verifyJsApiList };
}

async function signedWithTicket(ctx: SimContext, corpId: string, kind: TicketKind, cfg: Body, url: string): Promise<boolean> {
  if (typeof cfg.signature !== 'string' || !cfg.nonceStr || cfg.timestamp === undefined || cfg.timestamp === null) return false;
  const tickets = await ctx.db.q<Pick<SimJsapiTicketRow, 'ticket'>>(`SELECT ticket FROM {s}.jsapi_tickets WHERE corp_id = $1 AND kind = $2 AND expires_at > $3`, [
    corpId,
    kind,
    ctx.clock.now(),
  ]);
  const sig = cfg.signature.toLowerCase();
  return tickets.some((t) => jsapiSignature(t.ticket, String(cfg.nonceStr), String(cfg.timestamp), url) === sig);
}

// ---- the chat frame ---------------------------------------------------------------------------

/** Where the chat frame opens a page: the chat toolbars and the contact profile. */
export const FRAME_ENTRIES = ['single_chat_tools', 'group_chat_tools', 'contact_profile'] as const;
export type FrameEntry = (typeof FRAME_ENTRIES)[number];
/** Where a page can be open: a chat frame's entries, or `normal` (an app page opened from an app message, the workbench). */
export const PAGE_ENTRIES = [...FRAME_ENTRIES, 'normal'] as const;
export type PageEntry = (typeof PAGE_ENTRIES)[number];

/** Where the page is open: which member, in which corp, next to which customer or group (none for `normal`). */
export interface FrameContext<E extends PageEntry = PageEntry> {
  corpId: string;
  userid: string;
  entry: E;
  externalUserid?: string | null;
  chatId?: string | null;
}
type Checked<E extends PageEntry> = FrameContext<E> & { agentId: number; sidebarUrl: string | null };

/** Checks a chat frame: an active member who follows the customer, or is in the group. */
export async function checkFrame(ctx: SimContext, input: unknown): Promise<Checked<FrameEntry>> {
  return checkContext(ctx, input, FRAME_ENTRIES);
}

/** Checks where a page is open: a chat frame, or an app page (`normal`: an active member, no chat). */
export async function checkPage(ctx: SimContext, input: unknown): Promise<Checked<PageEntry>> {
  return checkContext(ctx, input, PAGE_ENTRIES);
}

async function checkContext<E extends PageEntry>(ctx: SimContext, input: unknown, entries: readonly E[]): Promise<Checked<E>> {
  const f = isRecord(input) ? input : {};
  const text = (name: string): string | undefined => {
    const v = f[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new ControlError(`${name}: must be a string`);
    return v;
  };
  const corpId = text('corpId');
  const userid = text('userid');
  const chatId = text('chatId');
  const externalUserid = text('externalUserid');
  const corp = corpId ? await ctx.db.one<Pick<SimCorpRow, 'agent_id' | 'sidebar_url'>>(`SELECT agent_id, sidebar_url FROM {s}.corps WHERE corp_id = $1`, [corpId]) : undefined;
  if (!corpId || !corp) throw new ControlError(`unknown corp ${corpId ?? ''}`, 404);
  const s = userid ? await getStaff(ctx.db, corpId, userid) : null;
  if (!userid || !s || s.status !== STAFF_ACTIVE) throw new ControlError(`${userid ?? ''} is not an active member of ${corpId}`, 404);
  const given = text('entry') ?? (chatId ? 'group_chat_tools' : 'single_chat_tools');
  const entry = entries.find((e) => e === given);
  if (!entry) throw new ControlError(`entry: one of ${entries.join(', ')}`);
  const base = { corpId, userid, agentId: Number(corp.agent_id), sidebarUrl: corp.sidebar_url ?? null };
  if (entry === 'normal') return { ...base, entry, externalUserid: null, chatId: null };
  if (entry === 'group_chat_tools') {
    if (!chatId) throw new ControlError('chat: required for a group chat');
    const m = await ctx.db.one(
      `SELECT 1 FROM {s}.group_members m JOIN {s}.groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id
        WHERE m.corp_id = $1 AND m.chat_id = $2 AND m.member_id = $3 AND m.type = 1 AND m.left_at IS NULL AND g.dismissed_at IS NULL`,
      [corpId, chatId, userid],
    );
    if (!m) throw new ControlError(`${userid} is not in group ${chatId}`, 404);
    return { ...base, entry, chatId, externalUserid: null };
  }
  if (!externalUserid) throw new ControlError('external: required for a 1:1 chat or a customer profile');
  const follow = await ctx.db.one<Pick<SimFollowRow, 'status'>>(`SELECT status FROM {s}.follows WHERE corp_id = $1 AND userid = $2 AND external_userid = $3`, [
    corpId,
    userid,
    externalUserid,
  ]);
  if (!follow || (follow.status !== 'active' && follow.status !== 'half')) throw new ControlError(`${userid} does not follow ${externalUserid}`, 404);
  return { ...base, entry, externalUserid, chatId: null };
}

/** wx.config (or preVerifyJSAPI): the corp ticket (get_jsapi_ticket), appId = the corpid. */
export async function verifyConfig(ctx: SimContext, body: Body): Promise<{ errMsg: string }> {
  const frame = await checkPage(ctx, body.frame);
  const cfg = configFields(isRecord(body.config) ? body.config : {});
  if (cfg.appId !== frame.corpId) return { errMsg: 'config:fail invalid appId (must be the corpid)' };
  if (!(await signedWithTicket(ctx, frame.corpId, 'jsapi', cfg, pageUrl(body.url)))) return { errMsg: 'config:fail invalid signature' };
  return { errMsg: 'config:ok' };
}

/** wx.agentConfig: the app ticket (ticket/get?type=agent_config); on success a grant for wx.invoke. */
export async function verifyAgentConfig(ctx: SimContext, body: Body): Promise<{ errMsg: string; grant?: string }> {
  const frame = await checkPage(ctx, body.frame);
  const cfg = isRecord(body.config) ? body.config : {};
  if (cfg.corpid !== frame.corpId) return { errMsg: 'agentConfig:fail invalid corpid' };
  if (Number(cfg.agentid) !== frame.agentId) return { errMsg: 'agentConfig:fail invalid agentid' };
  const url = pageUrl(body.url);
  if (!(await signedWithTicket(ctx, frame.corpId, 'agent_config', cfg, url))) return { errMsg: 'agentConfig:fail invalid signature' };
  const given: unknown = cfg.jsApiList;
  const list = Array.isArray(given) ? (given as unknown[]).filter((a): a is string => typeof a === 'string') : [];
  const grant = randomId(32);
  const now = ctx.clock.now();
  await ctx.db.q(
    `WITH gc AS (DELETE FROM {s}.jsapi_grants WHERE corp_id = $2 AND created_at < $6::bigint - 86400000)
     INSERT INTO {s}.jsapi_grants (grant_id, corp_id, userid, url, js_api_list, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
    [grant, frame.corpId, frame.userid, url, list, now],
  );
  return { errMsg: 'agentConfig:ok', grant };
}

/** The wx.invoke APIs the simulated client knows (checkJsApi answers true for these). */
export const INVOKE_APIS = ['getContext', 'getCurExternalContact', 'getCurExternalChat', 'sendChatMessage', 'openEnterpriseChat'];

const NOT_EXTERNAL = 'without context of external contact';

/** wx.invoke(api, args) in the frame: needs a grant from agentConfig listing the api. */
export async function invoke(ctx: SimContext, body: Body, base = ctx.publicUrl ?? ''): Promise<Record<string, unknown>> {
  const frame = await checkPage(ctx, body.frame);
  const api = String(body.api ?? '');
  const args = isRecord(body.args) ? body.args : {};
  if (api === 'checkJsApi') {
    const given: unknown = args.jsApiList;
    const list: unknown[] = Array.isArray(given) ? given : [];
    return { errMsg: 'checkJsApi:ok', err_msg: 'checkJsApi:ok', checkResult: Object.fromEntries(list.map((a) => [String(a), INVOKE_APIS.includes(String(a))])) };
  }
  const grant = body.grant
    ? await ctx.db.one<Pick<SimJsapiGrantRow, 'js_api_list'>>(`SELECT js_api_list FROM {s}.jsapi_grants WHERE grant_id = $1 AND corp_id = $2 AND userid = $3`, [
        String(body.grant),
        frame.corpId,
        frame.userid,
      ])
    : undefined;
  if (!grant || !grant.js_api_list.includes(api)) return { err_msg: `${api}:no permission` };
  switch (api) {
    case 'getContext':
      return { err_msg: 'getContext:ok', entry: frame.entry };
    case 'getCurExternalContact':
      if (frame.entry === 'group_chat_tools' || !frame.externalUserid) return { err_msg: `getCurExternalContact:fail ${NOT_EXTERNAL}` };
      return { err_msg: 'getCurExternalContact:ok', userId: frame.externalUserid };
    case 'getCurExternalChat':
      if (frame.entry !== 'group_chat_tools' || !frame.chatId) return { err_msg: `getCurExternalChat:fail ${NOT_EXTERNAL}` };
      return { err_msg: 'getCurExternalChat:ok', chatId: frame.chatId };
    case 'sendChatMessage':
      return sendChatMessage(ctx, frame, args, base);
    case 'openEnterpriseChat':
      return openEnterpriseChat(ctx, frame, args, base);
    default:
      return { err_msg: `${api}:fail the WeCom simulator does not implement ${api}` };
  }
}

const SEND_TYPES = ['text', 'image', 'video', 'file', 'news', 'miniprogram'] as const;
const isSendType = (v: unknown): v is (typeof SEND_TYPES)[number] => SEND_TYPES.some((t) => t === v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** sendChatMessage's payload as the message a customer receives (the shapes renderPayload and the inbox use). */
async function chatPayload(ctx: SimContext, corpId: string, args: Body, base: string): Promise<Record<string, unknown> | string> {
  const t = args.msgtype;
  if (!isSendType(t)) return `invalid msgtype ${String(t ?? '(missing)')}: one of ${SEND_TYPES.join(', ')}`;
  const p = args[t];
  if (!isRecord(p)) return `missing ${t}`;
  switch (t) {
    case 'text':
      if (!nonEmpty(p.content)) return 'missing text.content';
      if (Buffer.byteLength(p.content) > 4000) return 'text.content: at most 4000 bytes';
      return { msgtype: 'text', text: { content: p.content } };
    case 'news': {
      const { link, title } = p;
      if (!nonEmpty(link)) return 'missing news.link';
      if (!nonEmpty(title)) return 'missing news.title';
      if (!/^https?:\/\//.test(link)) return 'news.link must be an http(s) URL';
      return { msgtype: 'link', link: { url: link, title, desc: p.desc ?? '', picurl: p.imgUrl ?? '' } };
    }
    case 'miniprogram': {
      const { appid, title, imgUrl, page } = p;
      if (!nonEmpty(appid)) return 'missing miniprogram.appid';
      if (!nonEmpty(title)) return 'missing miniprogram.title';
      if (!nonEmpty(imgUrl)) return 'missing miniprogram.imgUrl';
      if (!nonEmpty(page)) return 'missing miniprogram.page';
      if (!page.split('?')[0].endsWith('.html')) return `miniprogram.page must end in .html: ${page}`;
      return { msgtype: 'miniprogram', miniprogram: { appid, title, page, pic_url: imgUrl } };
    }
    default: {
      // image, video, file: a mediaid from WeCom's media upload (not an Official Account media id).
      if (!nonEmpty(p.mediaid)) return `missing ${t}.mediaid`;
      const m = await ctx.db.one<Pick<SimMediaRow, 'type'>>(`SELECT type FROM {s}.media WHERE corp_id = $1 AND media_id = $2`, [corpId, p.mediaid]);
      if (!m) return `invalid mediaid ${p.mediaid}`;
      return { msgtype: t, [t]: { media_id: p.mediaid, ...(t === 'image' ? { pic_url: `${base}/media/${p.mediaid}` } : {}) } };
    }
  }
}

async function sendChatMessage(ctx: SimContext, frame: FrameContext, args: Body, base: string): Promise<Record<string, unknown>> {
  const fail = (why: string) => ({ err_msg: `sendChatMessage:fail ${why}` });
  if (frame.entry === 'contact_profile' || frame.entry === 'normal') return fail(`not in a chat (entry ${frame.entry})`);
  const payload = await chatPayload(ctx, frame.corpId, args, base);
  if (typeof payload === 'string') return fail(payload);
  try {
    if (frame.entry === 'group_chat_tools') await staffSendsGroupPayload(ctx, frame.corpId, frame.userid, frame.chatId!, payload);
    else await staffSendsPayload(ctx, frame.corpId, frame.userid, frame.externalUserid!, payload);
  } catch (err) {
    if (err instanceof ControlError) return fail(err.message);
    throw err;
  }
  return { err_msg: 'sendChatMessage:ok' };
}

/** A list parameter as the SDK passes it (`a;b`) or as an array. */
const idList = (v: unknown): string[] =>
  (Array.isArray(v) ? (v as unknown[]) : typeof v === 'string' ? v.split(';') : []).map((x) => String(x).trim()).filter(Boolean);

/**
 * openEnterpriseChat: opens an existing chat of the member — a customer group (`chatId`), or the 1:1 chat with
 * one customer they follow (`externalUserIds` of one, no other members). The answer's `open` is the chat
 * frame's URL, for the page that relays to navigate to (it is not passed on to the calling page). Creating a
 * new group chat is not simulated.
 */
async function openEnterpriseChat(ctx: SimContext, frame: FrameContext, args: Body, base: string): Promise<Record<string, unknown>> {
  const fail = (why: string) => ({ err_msg: `openEnterpriseChat:fail ${why}` });
  const chatId = typeof args.chatId === 'string' && args.chatId.trim() ? args.chatId.trim() : null;
  const externals = idList(args.externalUserIds);
  const members = idList(args.userIds ?? args.useridlist).filter((u) => u !== frame.userid);
  let target: FrameContext;
  try {
    if (chatId) target = await checkFrame(ctx, { corpId: frame.corpId, userid: frame.userid, entry: 'group_chat_tools', chatId });
    else if (externals.length === 1 && members.length === 0) {
      target = await checkFrame(ctx, { corpId: frame.corpId, userid: frame.userid, entry: 'single_chat_tools', externalUserid: externals[0] });
    } else return fail('the WeCom simulator opens an existing chat only: a customer group (chatId) or one customer (externalUserIds)');
  } catch (err) {
    if (err instanceof ControlError) return fail(err.message);
    throw err;
  }
  const p = new URLSearchParams({ corp: target.corpId, userid: target.userid });
  if (target.chatId) p.set('chat', target.chatId);
  if (target.externalUserid) p.set('external', target.externalUserid);
  return { err_msg: 'openEnterpriseChat:ok', ...(target.chatId ? { chatId: target.chatId } : {}), open: `${base}/wecom/chat?${p.toString()}` };
}
