// SimControl: everything that in real life happens on phones, in the WeCom client or in the
// admin console — plus setup and inspection for tests. Methods that mirror client/console
// actions fire the callbacks WeCom would; setup (upsertCorp, seedDemo) fires none.
import { emitKeywordHit, type KeywordHitInput } from './intercept-rules';
import type { VerifyResult, CallbackRecord } from './callbacks';
import { mapCallback } from './callbacks';
import type { SimContext } from './context';
import { num } from './db';
import {
  getCorp,
  invalidateTokens,
  listCorps,
  requireCorp,
  resetCorpData,
  resolveCorpId,
  upsertCorp,
  type CorpInput,
  type SimCorp,
} from './corps';
import { scanContactWay, scanJoinWay } from './contact-ways';
import {
  adminDeleteLink, channelOf, getQuota, recordClick, setLinkUnavailable, setQuota, SIM_CA, startChat, type AcquisitionQuotaInput,
} from './acquisition';
import type { ApiCallRecord } from './call-log';
import { registerOauthApp } from './pages/wechat-oauth';
import { issueMemberCode } from './pages/wecom-oauth';
import { listTickets, type TicketKind } from './jssdk';
import {
  acceptContact,
  addStaff,
  createWechatUser,
  customerDeletesStaff,
  editRemarkInClient,
  editPersonalTagsInClient,
  editTagsInClient,
  findCustomer,
  getFollow,
  getWechatUser,
  listWechatUsers,
  mapFollow,
  requireWechatUser,
  staffDeletesCustomer,
  type AddStaffOptions,
  type AddStaffResult,
  type RemarkInput,
  type SimFollow,
  type WechatUser,
  type WechatUserInput,
} from './customers';
import { seedDemo, type SeedDemoOptions, type SeedSummary } from './demo/seed-demo';
import { seedDemoOrders, type DemoOrdersSummary } from './demo/seed-orders';
import { ControlError } from './errors';
import {
  changeGroupNotice,
  changeGroupOwner,
  createGroup,
  dismissGroup,
  findGroup,
  joinGroup,
  leaveGroup,
  mapGroup,
  sayInGroup,
  renameGroup,
  setGroupWelcomeTemplate,
  type CreateGroupInput,
  type JoinOptions,
  type JoinResult,
  type SimGroup,
} from './groups';
import { externalUseridFor } from './ids';
import { confirmMassSend, listMassSendTasks, massMsgReceived, type ConfirmResult, type MassSendTask } from './broadcasts';
import { commentMoment, likeMoment, listMomentFeed, listMomentTasks, publishMoment, type MomentPost, type MomentTask } from './moments';
import { customerSendsMessage, listConversation, listInbox, listStaffMessages, staffSendsMessage, staffSendsPayload, type InboxMessage } from './messages';
import { recallArchived, seedArchiveTraffic, setArchiveConsent, setArchiveDefaultAgree, setArchiveKey } from './msgaudit';
import { payOpenid, payWallet, registerPayMerchant, setPayFault, type PayFaultMode, type PayWallet } from './pay';
import { listOrders, payOrder, refundOrder, type PayOrderInput, type SimOrder, type SimRefund } from './orders';
import { listStaff, mapStaff, resignStaff, upsertDepartments, upsertStaff, type DepartmentInput, type SimStaff, type StaffInput } from './org';
import { addCorpTags, delCorpTags, editCorpTag, getCorpTagList, shuffleTags, type CorpTagGroupJson } from './tags';
import type { SimAcquisitionLinkRow } from './rows';
import type { Count, SimCallbackRow, SimCustomerRow, SimFollowRow, SimGroupMemberRow, SimGroupRow, SimStaffRow } from './rows';
import { processDueTransfers, refuseTransfer } from './transfers';

type CorpOpt = { corpId?: string };

export type ScanResult =
  | { url: string; kind: 'contact'; via: string | null; result: AddStaffResult & { configId: string } }
  | { url: string; kind: 'join'; via: string | null; result: JoinResult & { configId: string; createdGroup: boolean } }
  /** An acquisition link (获客链接): the customer started the chat; `customerChannel` as the link's URL carried it. */
  | { url: string; kind: 'link'; via: string | null; customerChannel: string | null; result: AddStaffResult & { linkId: string } }
  | { url: string; kind: 'page'; status: number; via: null; result: null };

export interface CorpState {
  corpId: string;
  departments: number;
  staff: number;
  customers: number;
  follows: number;
  groups: number;
  groupMembers: number;
  tagGroups: number;
  tags: number;
  contactWays: number;
  joinWays: number;
  callbacks: Record<'pending' | 'delivered' | 'failed' | 'skipped', number>;
}

export interface GroupMember {
  memberId: string;
  type: 1 | 2;
  wechatUserId: string | null;
  joinTime: number;
  joinScene: number;
  invitor: string | null;
  state: string;
}

/** A message in send form: `{msgtype: 'link', link: {title, desc, url, picurl}}`, image, miniprogram, card… */
export type MessageContent = Record<string, unknown> & { msgtype: string };

export interface SimControl {
  /** Creates the corp or updates the fields given; missing credentials are generated. */
  upsertCorp(input: CorpInput): Promise<SimCorp>;
  getCorp(corpId: string): Promise<SimCorp | null>;
  listCorps(): Promise<SimCorp[]>;
  /** Deletes the corp's simulated data (staff, customers, groups, tags …); keeps its settings. */
  resetCorp(corpId: string): Promise<void>;
  /** Deterministic demo data for the corp (no callbacks; run again, nothing changes). */
  seedDemo(opts: SeedDemoOptions): Promise<SeedSummary>;
  /** The demo shop's order history (once), posted to the corp's order webhook: call after the corp's app knows the customers. */
  seedDemoOrders(corpId: string): Promise<DemoOrdersSummary>;
  upsertDepartments(corpId: string, departments: DepartmentInput[]): Promise<void>;
  upsertStaff(corpId: string, staff: StaffInput | StaffInput[]): Promise<SimStaff[]>;
  listStaff(corpId: string, opts?: { includeResigned?: boolean }): Promise<SimStaff[]>;
  /** The member leaves the company: their groups wait for takeover, their customers appear in get_unassigned_list. */
  resignStaff(userid: string, opts?: CorpOpt): Promise<void>;
  /** Makes current tokens fail with 42001 (default), 40014 or 40001 so clients must refresh. */
  expireTokens(corpId: string, opts?: { errcode?: 40001 | 40014 | 42001 }): Promise<number>;
  /** WeCom's GET URL check against the corp's callback_url. */
  verifyCallbackUrl(corpId: string): Promise<VerifyResult>;
  /** The corp's chat toolbar page (聊天工具栏), shown beside the chat in <prefix>/wecom/chat; null clears it. */
  setSidebarUrl(corpId: string, url: string | null): Promise<SimCorp>;
  /** A WeCom web OAuth code for the member, as <prefix>/connect/oauth2/authorize would issue (single use, 5 min). */
  memberOauthCode(corpId: string, userid: string, opts?: { scope?: 'snsapi_base' | 'snsapi_privateinfo' }): Promise<string>;
  /** JS-SDK tickets issued to the corp (get_jsapi_ticket: jsapi, ticket/get: agent_config), oldest first. */
  listJsapiTickets(corpId: string, kind?: TicketKind): Promise<{ ticket: string; kind: TicketKind; expiresAt: number }[]>;
  /** A 公众号 for WeChat web OAuth (snsapi_base) at <prefix>/wx/…: landing pages learn openid and unionid. */
  registerOauthApp(appid: string, secret: string): Promise<void>;

  /** WeChat Pay (pay.ts): a merchant whose requests are signed with the private key of `publicKey` (PEM). */
  /** Registers a merchant's public key; answers with WeChat Pay's public key (id and PEM) that signs every answer. */
  registerPayMerchant(mchid: string, publicKey: string): Promise<{ mchid: string; platformKeyId: string; platformPublicKey: string }>;
  /** The merchant's next `count` transfer calls fail: error (nothing paid), error_after_pay, timeout_after_pay (answered after delayMs). */
  setPayFault(mchid: string, mode: PayFaultMode | 'none', count: number, delayMs?: number): Promise<{ mchid: string; mode: string; remaining: number }>;
  /** The openid of the WeChat user with this unionid for an appid (what the 公众号 OAuth gives), or null. */
  payOpenid(appid: string, unionid: string): Promise<string | null>;
  /** The WeChat user's 零钱: transfers received and their sum. */
  payWallet(wechatUserId: string): Promise<PayWallet>;

  createWechatUser(input?: WechatUserInput): Promise<WechatUser>;
  getWechatUser(id: string): Promise<WechatUser | null>;
  listWechatUsers(opts?: { q?: string; limit?: number }): Promise<WechatUser[]>;
  externalUseridOf(wechatUserId: string, opts?: CorpOpt): Promise<string>;

  /** Opens a URL as the customer: a sim QR page acts at once; any other page is fetched (cookie sim_wechat_user) and the first sim QR in it is followed. */
  scan(wechatUserId: string, url: string): Promise<ScanResult>;
  /** Adds a staff member: add_external_contact (skip_verify=false: add_half_external_contact, then acceptContact). */
  addStaff(wechatUserId: string, opts: AddStaffOptions): Promise<AddStaffResult>;
  acceptContact(userid: string, externalUserid: string, opts?: CorpOpt): Promise<{ externalUserid: string; welcomeCode: string | null }>;
  customerDeletesStaff(wechatUserId: string, userid: string, opts?: CorpOpt): Promise<{ externalUserid: string }>;
  staffDeletesCustomer(userid: string, externalUserid: string, opts?: CorpOpt): Promise<{ externalUserid: string }>;
  /** A customer (WeChat user id) or staff member (userid) joins: scene 1 invite, 2 link, 3 QR (closed at 200); viaConfigId joins through a join way. */
  joinGroup(who: string, chatId: string | null, opts?: JoinOptions & { viaConfigId?: string }): Promise<JoinResult & { configId?: string; createdGroup?: boolean }>;
  leaveGroup(who: string, chatId: string, opts?: { removed?: boolean }): Promise<{ memberId: string }>;
  /** A member says something in the group — text or a send-form payload (link, image, miniprogram, card); counted by the group statistics, archived. */
  sayInGroup(who: string, chatId: string, text: string | MessageContent): Promise<{ memberId: string; msgid: string; createdAt: number }>;
  sendMessage(wechatUserId: string, toUserid: string, text: string | MessageContent, opts?: CorpOpt): Promise<{ externalUserid: string; msgid: string; createdAt: number }>;
  staffSendMessage(userid: string, externalUserid: string, text: string | MessageContent, opts?: CorpOpt): Promise<{ msgid: string; createdAt: number }>;

  /** The chat archive (msgaudit.ts): registers the corp's archive public key (PEM) under `version`; returns the archive secret. */
  setArchiveKey(corpId: string, version: number, publicKey: string): Promise<{ version: number; secret: string }>;
  /** The customer agrees to (or refuses) archiving of their chats with `userid`: an agree/disagree line, and msg_audit_approved on agree. */
  setArchiveConsent(wechatUserId: string, userid: string, agree: boolean, opts?: CorpOpt): Promise<{ externalUserid: string; status: string }>;
  /** Whether customers who never chose count as agreeing (default true). */
  setArchiveDefaultAgree(corpId: string, agree: boolean): Promise<void>;
  /** The sender recalls an archived line (撤回): a revoke message follows in the archive. */
  recallMessage(corpId: string, msgid: string): Promise<{ msgid: string }>;
  /** Bulk archive traffic for benchmarks (text lines round-robin over `groups`), written straight to the archive. */
  seedArchiveTraffic(corpId: string, o: { messages: number; groups: string[]; speakersPerGroup: number; owner: string; startMs?: number }): Promise<{ archived: number }>;
  payOrder(wechatUserId: string, input?: PayOrderInput): Promise<SimOrder>;
  /** The shop refunds part (`amount`, yuan) or the rest of one of the customer's orders and tells the corp's webhook. */
  refundOrder(wechatUserId: string, orderId: string, input?: { amount?: number }): Promise<SimRefund>;
  listOrders(wechatUserId: string): Promise<Awaited<ReturnType<typeof listOrders>>>;
  /** What the customer received: welcome messages, group welcome, mass messages, transfer notes (newest first). */
  listInbox(wechatUserId: string, opts?: { limit?: number }): Promise<InboxMessage[]>;
  listConversation(wechatUserId: string, userid: string, opts?: CorpOpt & { limit?: number }): Promise<Awaited<ReturnType<typeof listConversation>>>;

  editTagsInClient(userid: string, externalUserid: string, add: string[], remove: string[], opts?: CorpOpt): Promise<SimFollow>;
  /** The member edits their personal tags (个人标签, names) on the customer in the client: edit_external_contact. */
  editPersonalTagsInClient(userid: string, externalUserid: string, change: { add?: string[]; remove?: string[] }, opts?: CorpOpt): Promise<SimFollow>;
  editRemarkInClient(userid: string, externalUserid: string, input: RemarkInput, opts?: CorpOpt): Promise<SimFollow>;
  createGroup(input: CreateGroupInput & CorpOpt): Promise<SimGroup>;
  renameGroup(chatId: string, name: string): Promise<SimGroup>;
  changeGroupNotice(chatId: string, notice: string): Promise<SimGroup>;
  changeOwner(chatId: string, newOwner: string): Promise<SimGroup>;
  dismissGroup(chatId: string): Promise<void>;
  setGroupWelcomeTemplate(chatId: string, templateId: string | null): Promise<void>;
  /**
   * The member confirms a mass-send task in the client: to every recipient on their list, or to `targets`
   * (external_userids or chat ids) — some only if the send allows it (allow_select, or a group send without
   * chat_id_list). Recipients at WeCom's cap get status 3; left-out ones stay 0.
   */
  confirmMassSend(userid: string, msgid: string, opts?: CorpOpt & { targets?: string[] }): Promise<ConfirmResult>;
  /** The member's mass-send tasks (群发助手), newest first; `pendingOnly`: still to send. */
  listMassSendTasks(corpId: string, userid: string, opts?: { limit?: number; pendingOnly?: boolean }): Promise<MassSendTask[]>;
  /** How many mass messages each customer (external_userid) or group (chat id) received in the current cap period. */
  massMsgReceived(corpId: string, targets: string[]): Promise<Awaited<ReturnType<typeof massMsgReceived>>>;
  /** The member publishes their part of a moment; returns how many customers can see it. */
  publishMoment(userid: string, momentId: string, opts?: CorpOpt): Promise<{ audience: number }>;
  /** The member's moment tasks (朋友圈任务), newest first, with every like and comment on their post. */
  listMomentTasks(corpId: string, userid: string, opts?: { limit?: number; pendingOnly?: boolean }): Promise<MomentTask[]>;
  /** What the WeChat user's moments feed shows: posts they may see, newest first. */
  listMomentFeed(wechatUserId: string, opts?: { limit?: number }): Promise<MomentPost[]>;
  /** A customer (WeChat user id) or member (userid) likes `postUserid`'s post of the moment; `unlike` takes it back. */
  likeMoment(who: string, momentId: string, postUserid: string, opts?: CorpOpt & { unlike?: boolean }): Promise<{ liked: boolean; likes: number }>;
  /** A customer (WeChat user id) or member (userid) comments on `postUserid`'s post of the moment. */
  commentMoment(who: string, momentId: string, postUserid: string, text: string, opts?: CorpOpt): Promise<{ id: number; createdAt: number }>;

  adminCreateTagGroup(corpId: string, input: { name: string; order?: number; tags: { name: string; order?: number }[] }): Promise<CorpTagGroupJson>;
  adminAddTags(corpId: string, groupId: string, tags: { name: string; order?: number }[]): Promise<CorpTagGroupJson>;
  adminEditTag(corpId: string, id: string, patch: { name?: string; order?: number }): Promise<void>;
  adminDeleteTags(corpId: string, ids: { tagIds?: string[]; groupIds?: string[] }): Promise<void>;
  adminShuffleTags(corpId: string, groupId: string | undefined, orderedIds: string[]): Promise<void>;

  refuseTransfer(externalUserid: string): Promise<number>;
  /** Moves simulated time forward and applies transfers that became due. */
  advanceTime(ms: number): Promise<{ now: number; transfersCompleted: number }>;
  processDueTransfers(): Promise<number>;

  now(): number;
  getState(corpId: string): Promise<CorpState>;
  getFollow(corpId: string, userid: string, externalUserid: string): Promise<SimFollow | null>;
  listFollows(corpId: string, filter?: { userid?: string; externalUserid?: string }): Promise<SimFollow[]>;
  getGroup(chatId: string): Promise<(SimGroup & { members: GroupMember[] }) | null>;
  listGroups(corpId: string): Promise<SimGroup[]>;
  listTags(corpId: string): Promise<Awaited<ReturnType<typeof getCorpTagList>>>;
  /** The newest `limit` (default 100) callbacks sent to the corp, oldest first, with delivery status and attempts. */
  listCallbacks(corpId: string, opts?: { limit?: number; changeType?: string; afterId?: number }): Promise<CallbackRecord[]>;
  /** Resolves once every callback has been delivered or has failed all retries. */
  waitForCallbacks(timeoutMs?: number): Promise<void>;
  listStaffMessages(corpId: string, userid?: string): Promise<Awaited<ReturnType<typeof listStaffMessages>>>;
  /** A WeCom keyword-rule hit (数据与智能专区) on a customer's message: the corp's hit_keyword callback. */
  keywordHit(corpId: string, input: KeywordHitInput): Promise<{ msgid: string }>;

  // ---- customer acquisition links (获客助手, acquisition.ts) ----
  /** The customer opens a link and starts the chat: add_external_contact with State = customer_channel (cut to 64 bytes). */
  startAcquisitionChat(wechatUserId: string, linkId: string, opts?: { customerChannel?: string | null; userid?: string }): Promise<AddStaffResult & { linkId: string }>;
  /** A link as WeCom holds it (deleted ones too), or null. */
  getAcquisitionLink(corpId: string, linkId: string): Promise<AcquisitionLink | null>;
  /** The admin deletes a link in WeCom's console: delete_link. */
  deleteAcquisitionLinkInConsole(corpId: string, linkId: string): Promise<void>;
  /** WeCom marks a link unusable (link_unavailable), or usable again (no event). */
  setAcquisitionLinkUnavailable(corpId: string, linkId: string, unavailable?: boolean): Promise<void>;
  /** Sets the corp's acquisition quota (total, balance, low mark, range limit); the quota events may fire again. */
  setAcquisitionQuota(corpId: string, input: AcquisitionQuotaInput): Promise<{ total: number; balance: number; lowAt: number; rangeMax: number }>;
  getAcquisitionQuota(corpId: string): Promise<{ total: number; balance: number }>;

  /** The API calls the corp's app made (call-log.ts), oldest first; `api` narrows to one path, `afterSeq` to later ones. */
  listApiCalls(corpId: string, opts?: { api?: string; afterSeq?: number }): ApiCallRecord[];
  /** The newest call's seq (0 before any): a mark for listApiCalls. */
  lastApiCallSeq(): number;
}

export interface AcquisitionLink {
  corpId: string;
  linkId: string;
  name: string;
  users: string[];
  departments: number[];
  skipVerify: boolean;
  deleted: boolean;
  unavailable: boolean;
}

const SIM_QR = /\/qr\/(contact|join)\/([A-Za-z0-9]{8,64})/;

export function createControl(ctx: SimContext): SimControl {
  const corp = (opts?: CorpOpt) => resolveCorpId(ctx, opts?.corpId);

  const actOnQr = async (wechatUserId: string, url: string, kind: string, configId: string, via: string | null): Promise<ScanResult> => {
    if (kind === 'contact') return { url, kind: 'contact', via, result: await scanContactWay(ctx, configId, wechatUserId) };
    return { url, kind: 'join', via, result: await scanJoinWay(ctx, configId, wechatUserId) };
  };

  const actOnLink = async (wechatUserId: string, url: string, linkId: string, query: string | undefined, via: string | null): Promise<ScanResult> => {
    const customerChannel = channelOf(query);
    return { url, kind: 'link', via, customerChannel, result: await startChat(ctx, linkId, wechatUserId, { customerChannel }) };
  };

  const control: SimControl = {
    upsertCorp: (input) => upsertCorp(ctx, input),
    getCorp: (corpId) => getCorp(ctx, corpId),
    listCorps: () => listCorps(ctx),
    async resetCorp(corpId) {
      await requireCorp(ctx, corpId);
      await resetCorpData(ctx, corpId);
    },
    seedDemo: (opts) => seedDemo(ctx, opts),
    async seedDemoOrders(corpId) {
      await requireCorp(ctx, corpId);
      return seedDemoOrders(ctx, corpId);
    },
    async upsertDepartments(corpId, deps) {
      await requireCorp(ctx, corpId);
      await upsertDepartments(ctx.db, corpId, deps);
    },
    async upsertStaff(corpId, staff) {
      await requireCorp(ctx, corpId);
      const list = Array.isArray(staff) ? staff : [staff];
      await upsertStaff(ctx.db, corpId, list, ctx.clock.now());
      const rows = await ctx.db.q<SimStaffRow>(`SELECT * FROM {s}.staff WHERE corp_id = $1 AND userid = ANY($2::text[])`, [corpId, list.map((s) => s.userid)]);
      return rows.map(mapStaff);
    },
    listStaff: (corpId, opts) => listStaff(ctx.db, corpId, opts),
    async resignStaff(userid, opts) {
      await resignStaff(ctx, await corp(opts), userid);
    },
    async expireTokens(corpId, opts) {
      await requireCorp(ctx, corpId);
      return invalidateTokens(ctx, corpId, opts?.errcode ?? 42001);
    },
    verifyCallbackUrl: (corpId) => ctx.callbacks.verifyUrl(corpId),
    registerOauthApp: (appid, secret) => registerOauthApp(ctx, appid, secret),
    async setSidebarUrl(corpId, url) {
      await requireCorp(ctx, corpId);
      return upsertCorp(ctx, { corpId, sidebarUrl: url });
    },
    async memberOauthCode(corpId, userid, opts) {
      await requireCorp(ctx, corpId);
      const s = await ctx.db.one<Pick<SimStaffRow, 'status'>>(`SELECT status FROM {s}.staff WHERE corp_id = $1 AND userid = $2`, [corpId, userid]);
      if (!s || s.status !== 1) throw new ControlError(`${userid} is not an active member of ${corpId}`, 404);
      return issueMemberCode(ctx, corpId, userid, opts?.scope ?? 'snsapi_base');
    },
    async listJsapiTickets(corpId, kind) {
      await requireCorp(ctx, corpId);
      return listTickets(ctx, corpId, kind);
    },

    registerPayMerchant: (mchid, publicKey) => registerPayMerchant(ctx, mchid, publicKey),
    setPayFault: (mchid, mode, count, delayMs) => setPayFault(ctx, mchid, mode, count, delayMs),
    payOpenid: (appid, unionid) => payOpenid(ctx, appid, unionid),
    payWallet: (wechatUserId) => payWallet(ctx, wechatUserId),
    createWechatUser: (input) => createWechatUser(ctx, input),
    getWechatUser: (id) => getWechatUser(ctx.db, id),
    listWechatUsers: (opts) => listWechatUsers(ctx.db, opts),
    async externalUseridOf(wechatUserId, opts) {
      return externalUseridFor(await corp(opts), wechatUserId);
    },

    async scan(wechatUserId, url) {
      await requireWechatUser(ctx.db, wechatUserId);
      const direct = SIM_QR.exec(url);
      if (direct) return actOnQr(wechatUserId, url, direct[1], direct[2], null);
      const link = SIM_CA.exec(url);
      if (link) {
        await recordClick(ctx, link[1], wechatUserId);
        return actOnLink(wechatUserId, url, link[1], link[2], null);
      }
      let target: string;
      try {
        target = new URL(url, ctx.publicUrl).toString();
      } catch {
        throw new ControlError('url: an absolute http(s) URL (or a sim QR path)');
      }
      const res = await ctx.fetch(target, {
        headers: { cookie: `sim_wechat_user=${encodeURIComponent(wechatUserId)}`, 'user-agent': 'Mozilla/5.0 (iPhone) MicroMessenger/8.0 wecom-sim' },
        redirect: 'follow',
        signal: AbortSignal.timeout(10_000),
      });
      const body = await res.text();
      // A landing page that sends the customer on to an acquisition link (redirect), or shows one.
      const ca = SIM_CA.exec(res.url) ?? SIM_CA.exec(body);
      if (ca) return actOnLink(wechatUserId, url, ca[1], ca[2], res.url || target);
      const found = SIM_QR.exec(res.url) ?? SIM_QR.exec(body);
      if (!found) return { url, kind: 'page', status: res.status, via: null, result: null };
      return actOnQr(wechatUserId, url, found[1], found[2], res.url || target);
    },
    async addStaff(wechatUserId, opts) {
      if (opts.viaConfigId) return scanContactWay(ctx, opts.viaConfigId, wechatUserId, opts);
      return addStaff(ctx, await corp(opts), wechatUserId, opts);
    },
    async acceptContact(userid, externalUserid, opts) {
      const c = await findCustomer(ctx.db, externalUserid, opts?.corpId);
      if (!c) throw new ControlError(`unknown customer ${externalUserid}`, 404);
      return acceptContact(ctx, c.corp_id, userid, externalUserid);
    },
    async customerDeletesStaff(wechatUserId, userid, opts) {
      return customerDeletesStaff(ctx, await corp(opts), wechatUserId, userid);
    },
    async staffDeletesCustomer(userid, externalUserid, opts) {
      const c = await findCustomer(ctx.db, externalUserid, opts?.corpId);
      if (!c) throw new ControlError(`unknown customer ${externalUserid}`, 404);
      return staffDeletesCustomer(ctx, c.corp_id, userid, externalUserid);
    },
    async keywordHit(corpId, input) {
      await requireCorp(ctx, corpId);
      return emitKeywordHit(ctx, corpId, input);
    },
    async joinGroup(who, chatId, opts) {
      if (opts?.viaConfigId) return scanJoinWay(ctx, opts.viaConfigId, who);
      if (!chatId) throw new ControlError('chatId: required unless viaConfigId is given');
      return joinGroup(ctx, who, chatId, opts);
    },
    leaveGroup: (who, chatId, opts) => leaveGroup(ctx, who, chatId, opts),
    sayInGroup: (who, chatId, text) => sayInGroup(ctx, who, chatId, text),
    async sendMessage(wechatUserId, toUserid, text, opts) {
      return customerSendsMessage(ctx, await corp(opts), wechatUserId, toUserid, text);
    },
    async staffSendMessage(userid, externalUserid, text, opts) {
      const c = await findCustomer(ctx.db, externalUserid, opts?.corpId);
      if (!c) throw new ControlError(`unknown customer ${externalUserid}`, 404);
      return typeof text === 'string' ? staffSendsMessage(ctx, c.corp_id, userid, externalUserid, text) : staffSendsPayload(ctx, c.corp_id, userid, externalUserid, text);
    },
    setArchiveKey: (corpId, version, publicKey) => setArchiveKey(ctx, corpId, version, publicKey),
    async setArchiveConsent(wechatUserId, userid, agree, opts) {
      return setArchiveConsent(ctx, await corp(opts), wechatUserId, userid, agree);
    },
    setArchiveDefaultAgree: (corpId, agree) => setArchiveDefaultAgree(ctx, corpId, agree),
    recallMessage: (corpId, msgid) => recallArchived(ctx, corpId, msgid),
    seedArchiveTraffic: (corpId, o) => seedArchiveTraffic(ctx, corpId, o),
    async payOrder(wechatUserId, input = {}) {
      let corpId = input.corpId;
      if (!corpId) {
        // The shop belongs to the corp the customer knows; with several, the oldest relationship wins.
        const r = await ctx.db.one<Pick<SimCustomerRow, 'corp_id'>>(`SELECT corp_id FROM {s}.customers WHERE wechat_user_id = $1 ORDER BY created_at LIMIT 1`, [
          wechatUserId,
        ]);
        corpId = r?.corp_id ?? (await corp());
      }
      await requireCorp(ctx, corpId);
      return payOrder(ctx, corpId, wechatUserId, input);
    },
    listOrders: (wechatUserId) => listOrders(ctx, wechatUserId),
    refundOrder: (wechatUserId, orderId, input) => refundOrder(ctx, wechatUserId, orderId, input),
    listInbox: (wechatUserId, opts) => listInbox(ctx.db, wechatUserId, opts?.limit),
    async listConversation(wechatUserId, userid, opts) {
      return listConversation(ctx.db, await corp(opts), wechatUserId, userid, opts?.limit);
    },

    async editTagsInClient(userid, externalUserid, add, remove, opts) {
      const c = await findCustomer(ctx.db, externalUserid, opts?.corpId);
      if (!c) throw new ControlError(`unknown customer ${externalUserid}`, 404);
      return editTagsInClient(ctx, c.corp_id, userid, externalUserid, add ?? [], remove ?? []);
    },
    async editPersonalTagsInClient(userid, externalUserid, change, opts) {
      const c = await findCustomer(ctx.db, externalUserid, opts?.corpId);
      if (!c) throw new ControlError(`unknown customer ${externalUserid}`, 404);
      return editPersonalTagsInClient(ctx, c.corp_id, userid, externalUserid, change ?? {});
    },
    async editRemarkInClient(userid, externalUserid, input, opts) {
      const c = await findCustomer(ctx.db, externalUserid, opts?.corpId);
      if (!c) throw new ControlError(`unknown customer ${externalUserid}`, 404);
      return editRemarkInClient(ctx, c.corp_id, userid, externalUserid, input);
    },
    async createGroup(input) {
      return createGroup(ctx, await corp(input), input);
    },
    renameGroup: (chatId, name) => renameGroup(ctx, chatId, name),
    changeGroupNotice: (chatId, notice) => changeGroupNotice(ctx, chatId, notice),
    changeOwner: (chatId, newOwner) => changeGroupOwner(ctx, chatId, newOwner),
    dismissGroup: (chatId) => dismissGroup(ctx, chatId),
    setGroupWelcomeTemplate: (chatId, templateId) => setGroupWelcomeTemplate(ctx, chatId, templateId),
    async confirmMassSend(userid, msgid, opts) {
      return confirmMassSend(ctx, await corp(opts), userid, msgid, { targets: opts?.targets });
    },
    async listMassSendTasks(corpId, userid, opts) {
      await requireCorp(ctx, corpId);
      return listMassSendTasks(ctx.db, corpId, userid, opts);
    },
    async massMsgReceived(corpId, targets) {
      await requireCorp(ctx, corpId);
      return massMsgReceived(ctx, corpId, targets);
    },
    async publishMoment(userid, momentId, opts) {
      return publishMoment(ctx, await corp(opts), userid, momentId);
    },
    async listMomentTasks(corpId, userid, opts) {
      await requireCorp(ctx, corpId);
      return listMomentTasks(ctx.db, corpId, userid, opts);
    },
    listMomentFeed: (wechatUserId, opts) => listMomentFeed(ctx.db, wechatUserId, opts?.limit),
    likeMoment: (who, momentId, postUserid, opts) => likeMoment(ctx, who, momentId, postUserid, opts),
    commentMoment: (who, momentId, postUserid, text, opts) => commentMoment(ctx, who, momentId, postUserid, text, opts),

    async adminCreateTagGroup(corpId, input) {
      await requireCorp(ctx, corpId);
      const existing = await ctx.db.one(`SELECT 1 FROM {s}.tag_groups WHERE corp_id = $1 AND name = $2 AND NOT deleted`, [corpId, input.name]);
      if (existing) throw new ControlError(`tag group ${input.name} already exists`, 409);
      return addCorpTags(ctx, corpId, { groupName: input.name, order: input.order, tags: input.tags }, true);
    },
    async adminAddTags(corpId, groupId, tags) {
      await requireCorp(ctx, corpId);
      return addCorpTags(ctx, corpId, { groupId, tags }, true);
    },
    async adminEditTag(corpId, id, patch) {
      await requireCorp(ctx, corpId);
      await editCorpTag(ctx, corpId, { id, ...patch }, true);
    },
    async adminDeleteTags(corpId, ids) {
      await requireCorp(ctx, corpId);
      await delCorpTags(ctx, corpId, ids, true);
    },
    async adminShuffleTags(corpId, groupId, orderedIds) {
      await requireCorp(ctx, corpId);
      await shuffleTags(ctx, corpId, groupId, orderedIds);
    },

    refuseTransfer: (externalUserid) => refuseTransfer(ctx, externalUserid),
    async advanceTime(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new ControlError('ms: a non-negative number of milliseconds');
      ctx.clock.offsetMs += ms;
      await ctx.db.q(
        `INSERT INTO {s}.settings (key, value) VALUES ('clock_offset_ms', to_jsonb($1::bigint))
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
        [ctx.clock.offsetMs],
      );
      return { now: ctx.clock.now(), transfersCompleted: await processDueTransfers(ctx) };
    },
    processDueTransfers: () => processDueTransfers(ctx),

    now: () => ctx.clock.now(),
    async getState(corpId) {
      await requireCorp(ctx, corpId);
      const count = async (sql: string) => num((await ctx.db.one<Count>(sql, [corpId]))?.n);
      const cb = await ctx.db.q<Pick<SimCallbackRow, 'status'> & Count>(`SELECT status, count(*) AS n FROM {s}.callbacks WHERE corp_id = $1 GROUP BY status`, [corpId]);
      const byStatus = { pending: 0, delivered: 0, failed: 0, skipped: 0 };
      for (const r of cb) byStatus[r.status] = num(r.n);
      return {
        corpId,
        departments: await count(`SELECT count(*) AS n FROM {s}.departments WHERE corp_id = $1`),
        staff: await count(`SELECT count(*) AS n FROM {s}.staff WHERE corp_id = $1 AND status = 1`),
        customers: await count(`SELECT count(DISTINCT external_userid) AS n FROM {s}.follows WHERE corp_id = $1 AND status IN ('active', 'half', 'customer_deleted')`),
        follows: await count(`SELECT count(*) AS n FROM {s}.follows WHERE corp_id = $1 AND status IN ('active', 'half', 'customer_deleted')`),
        groups: await count(`SELECT count(*) AS n FROM {s}.groups WHERE corp_id = $1 AND dismissed_at IS NULL`),
        groupMembers: await count(
          `SELECT count(*) AS n FROM {s}.group_members m JOIN {s}.groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id
            WHERE m.corp_id = $1 AND m.left_at IS NULL AND g.dismissed_at IS NULL`,
        ),
        tagGroups: await count(`SELECT count(*) AS n FROM {s}.tag_groups WHERE corp_id = $1 AND NOT deleted`),
        tags: await count(`SELECT count(*) AS n FROM {s}.tags WHERE corp_id = $1 AND NOT deleted`),
        contactWays: await count(`SELECT count(*) AS n FROM {s}.contact_ways WHERE corp_id = $1 AND deleted_at IS NULL`),
        joinWays: await count(`SELECT count(*) AS n FROM {s}.join_ways WHERE corp_id = $1 AND deleted_at IS NULL`),
        callbacks: byStatus,
      };
    },
    getFollow: (corpId, userid, externalUserid) => getFollow(ctx.db, corpId, userid, externalUserid),
    async listFollows(corpId, filter = {}) {
      const rows = await ctx.db.q<SimFollowRow>(
        `SELECT * FROM {s}.follows WHERE corp_id = $1 AND ($2::text IS NULL OR userid = $2) AND ($3::text IS NULL OR external_userid = $3)
         ORDER BY createtime_sec, userid, external_userid`,
        [corpId, filter.userid ?? null, filter.externalUserid ?? null],
      );
      return rows.map(mapFollow);
    },
    async getGroup(chatId) {
      const g = await findGroup(ctx.db, chatId);
      if (!g) return null;
      const members = await ctx.db.q<SimGroupMemberRow>(
        `SELECT * FROM {s}.group_members WHERE corp_id = $1 AND chat_id = $2 AND left_at IS NULL ORDER BY join_time_sec, member_id`,
        [g.corpId, chatId],
      );
      return {
        ...g,
        members: members.map((m) => ({
          memberId: m.member_id,
          type: m.type,
          wechatUserId: m.wechat_user_id,
          joinTime: num(m.join_time_sec),
          joinScene: m.join_scene,
          invitor: m.invitor,
          state: m.state,
        })),
      };
    },
    async listGroups(corpId) {
      const rows = await ctx.db.q<SimGroupRow>(`SELECT * FROM {s}.groups WHERE corp_id = $1 ORDER BY create_time_sec, chat_id`, [corpId]);
      return rows.map(mapGroup);
    },
    listTags: (corpId) => getCorpTagList(ctx.db, corpId),
    async listCallbacks(corpId, opts = {}) {
      const rows = await ctx.db.q<SimCallbackRow>(
        `SELECT * FROM {s}.callbacks WHERE corp_id = $1 AND ($2::text IS NULL OR change_type = $2) AND id > $3 ORDER BY id DESC LIMIT $4`,
        [corpId, opts.changeType ?? null, opts.afterId ?? 0, Math.min(opts.limit ?? 100, 1000)],
      );
      return rows.map(mapCallback).reverse();
    },
    waitForCallbacks: (timeoutMs) => ctx.callbacks.waitIdle(timeoutMs),
    listStaffMessages: (corpId, userid) => listStaffMessages(ctx.db, corpId, userid),

    async startAcquisitionChat(wechatUserId, linkId, opts = {}) {
      await requireWechatUser(ctx.db, wechatUserId);
      await recordClick(ctx, linkId, wechatUserId);
      return startChat(ctx, linkId, wechatUserId, opts);
    },
    async getAcquisitionLink(corpId, linkId) {
      const r = await ctx.db.one<SimAcquisitionLinkRow>(`SELECT * FROM {s}.acquisition_links WHERE corp_id = $1 AND link_id = $2`, [corpId, linkId]);
      if (!r) return null;
      return {
        corpId: r.corp_id, linkId: r.link_id, name: r.link_name, users: r.users, departments: r.departments, skipVerify: r.skip_verify,
        deleted: r.deleted_at !== null, unavailable: r.unavailable_at !== null,
      };
    },
    async deleteAcquisitionLinkInConsole(corpId, linkId) {
      await requireCorp(ctx, corpId);
      await adminDeleteLink(ctx, corpId, linkId);
    },
    async setAcquisitionLinkUnavailable(corpId, linkId, unavailable = true) {
      await requireCorp(ctx, corpId);
      await setLinkUnavailable(ctx, corpId, linkId, unavailable);
    },
    async setAcquisitionQuota(corpId, input) {
      await requireCorp(ctx, corpId);
      return setQuota(ctx, corpId, input);
    },
    async getAcquisitionQuota(corpId) {
      await requireCorp(ctx, corpId);
      const q = await getQuota(ctx, corpId);
      return { total: q.total, balance: q.balance };
    },
    listApiCalls: (corpId, opts) => ctx.calls?.list(corpId, opts) ?? [],
    lastApiCallSeq: () => ctx.calls?.last ?? 0,
  };
  return control;
}
