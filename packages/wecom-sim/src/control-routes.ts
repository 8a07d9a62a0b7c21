// The control API over HTTP: JSON in, JSON out, under <prefix>/control. Each route calls one
// SimControl method (see control.ts for what each does) and answers without credentials; errors are
// {error:{message}} with a 4xx status. With `controlToken` set, requests need `Authorization: Bearer <token>`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from './context';
import type { SimControl } from './control';
import * as input from './control-input';
import { ControlError, SimError, statusCodeOf } from './errors';
import { messageContent } from './msgaudit';

/**
 * Credentials never leave over HTTP: whoever reaches the simulator must not learn the corp secret, the
 * callback token and AES key, the shop's webhook token or JS-SDK tickets. The server that mounts the
 * simulator reads them in process (`sim.control`).
 */
const SECRET_KEYS = new Set(['secret', 'token', 'encodingAesKey', 'ticket', 'oauthSecret', 'accessToken', 'access_token', 'password']);
const WEBHOOK_URL_KEYS = new Set(['orderWebhookUrl']);

export function withoutSecrets(v: unknown, depth = 0): unknown {
  if (v == null || typeof v !== 'object' || depth > 8) return v;
  if (Array.isArray(v)) return (v as unknown[]).map((x) => withoutSecrets(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (SECRET_KEYS.has(k)) continue;
    // The webhook's last path segment is its token.
    out[k] = WEBHOOK_URL_KEYS.has(k) && typeof x === 'string' ? x.replace(/\/[^/?#]+(?=[?#]|$)/, '/***') : withoutSecrets(x, depth + 1);
  }
  return out;
}

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | undefined>; Body: unknown }>;
type Handler = (req: Req) => Promise<unknown>;

export function registerControlRoutes(app: FastifyInstance, ctx: SimContext, control: SimControl, controlToken?: string): void {
  if (controlToken) {
    app.addHook('onRequest', async (req, reply) => {
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${controlToken}`) return reply.code(401).send({ error: { message: 'control API: missing or wrong bearer token' } });
    });
  }
  app.setErrorHandler((err: unknown, req, reply) => {
    if (err instanceof ControlError) return reply.code(err.status).send({ error: { message: err.message } });
    if (err instanceof SimError) return reply.code(400).send({ error: { code: err.errcode, message: err.errmsg } });
    const status = statusCodeOf(err);
    if (status && status < 500) return reply.code(status).send({ error: { message: err instanceof Error ? err.message : String(err) } });
    ctx.log.error({ err, url: req.url }, 'wecom-sim: control API failed');
    return reply.code(500).send({ error: { message: 'internal error in the WeCom simulator' } });
  });

  const body = (req: Req) => input.bodyOf(req.body);
  const need = (v: unknown, name: string): string => {
    if (typeof v !== 'string' || !v) throw new ControlError(`${name}: required`);
    return v;
  };
  /** A message text: anything but a string counts as none (SimControl answers "text: required"). */
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const found = <T>(v: T | null, message: string): T => {
    if (v === null) throw new ControlError(message, 404);
    return v;
  };
  const wrap = (fn: Handler) => async (req: Req, reply: FastifyReply) => {
    const out = await fn(req);
    return reply.send(out === undefined ? { ok: true } : withoutSecrets(out));
  };
  const get = (url: string, fn: Handler) => app.get(url, wrap(fn));
  const post = (url: string, fn: Handler) => app.post(url, wrap(fn));

  // corps and setup
  get('/corps', () => control.listCorps());
  post('/corps', (r) => control.upsertCorp(input.corpInput(body(r))));
  get('/corps/:corpId', async (r) => found(await control.getCorp(r.params.corpId), `unknown corp ${r.params.corpId}`));
  get('/corps/:corpId/state', (r) => control.getState(r.params.corpId));
  post('/corps/:corpId/reset', (r) => control.resetCorp(r.params.corpId));
  post('/corps/:corpId/seed-demo', (r) => control.seedDemo(input.seedDemoOptions(body(r), r.params.corpId)));
  post('/corps/:corpId/seed-demo-orders', (r) => control.seedDemoOrders(r.params.corpId));
  post('/corps/:corpId/departments', (r) => control.upsertDepartments(r.params.corpId, input.departments(body(r).departments ?? [], 'departments')));
  post('/corps/:corpId/staff', (r) => control.upsertStaff(r.params.corpId, input.staff(body(r).staff ?? body(r), 'staff')));
  get('/corps/:corpId/staff', (r) => control.listStaff(r.params.corpId, { includeResigned: r.query.includeResigned === '1' }));
  post('/corps/:corpId/expire-tokens', async (r) => ({
    count: await control.expireTokens(r.params.corpId, { errcode: input.opt(input.oneOf(40001, 40014, 42001))(body(r).errcode, 'errcode') }),
  }));
  post('/corps/:corpId/sidebar-url', (r) => control.setSidebarUrl(r.params.corpId, input.orNull(input.str)(body(r).url ?? body(r).sidebarUrl ?? null, 'url')));
  post('/corps/:corpId/member-oauth-code', async (r) => ({
    code: await control.memberOauthCode(r.params.corpId, need(body(r).userid, 'userid'), {
      scope: input.opt(input.oneOf('snsapi_base', 'snsapi_privateinfo'))(body(r).scope, 'scope'),
    }),
  }));
  get('/corps/:corpId/jsapi-tickets', (r) => control.listJsapiTickets(r.params.corpId, r.query.kind as 'jsapi' | 'agent_config' | undefined));
  post('/corps/:corpId/verify-callback-url', (r) => control.verifyCallbackUrl(r.params.corpId));
  get('/corps/:corpId/callbacks', (r) =>
    control.listCallbacks(r.params.corpId, {
      limit: r.query.limit ? Number(r.query.limit) : undefined,
      changeType: r.query.changeType,
      afterId: r.query.afterId ? Number(r.query.afterId) : undefined,
    }),
  );
  get('/corps/:corpId/follows', (r) => control.listFollows(r.params.corpId, { userid: r.query.userid, externalUserid: r.query.externalUserid }));
  get('/corps/:corpId/groups', (r) => control.listGroups(r.params.corpId));
  get('/corps/:corpId/tags', (r) => control.listTags(r.params.corpId));
  get('/corps/:corpId/staff-messages', (r) => control.listStaffMessages(r.params.corpId, r.query.userid));

  // the admin console (fires change_external_tag)
  post('/corps/:corpId/tag-groups', (r) => control.adminCreateTagGroup(r.params.corpId, input.tagGroupInput(body(r))));
  post('/corps/:corpId/tag-groups/:groupId/tags', (r) => control.adminAddTags(r.params.corpId, r.params.groupId, input.tags(body(r).tags ?? [], 'tags')));
  post('/corps/:corpId/tags/:id/edit', (r) => control.adminEditTag(r.params.corpId, r.params.id, input.tagPatch(body(r))));
  post('/corps/:corpId/tags/delete', (r) => control.adminDeleteTags(r.params.corpId, input.tagIds(body(r))));
  post('/corps/:corpId/tags/shuffle', (r) =>
    control.adminShuffleTags(r.params.corpId, input.opt(input.str)(body(r).groupId, 'groupId'), input.strs(body(r).orderedIds ?? [], 'orderedIds')),
  );

  // WeChat Pay (pay.ts): merchants, scripted failures, a user's 零钱
  post('/pay/merchants', (r) => control.registerPayMerchant(need(body(r).mchid, 'mchid'), need(body(r).publicKey, 'publicKey')));
  post('/pay/faults', (r) => {
    const b = body(r);
    return control.setPayFault(need(b.mchid, 'mchid'), need(b.mode, 'mode') as 'none', Number(b.count ?? 1), b.delayMs === undefined ? undefined : Number(b.delayMs));
  });
  get('/wechat-users/:id/wallet', (r) => control.payWallet(r.params.id));

  // WeChat users and what they do on their phones
  post('/wechat-users', (r) => control.createWechatUser(input.wechatUserInput(body(r))));
  get('/wechat-users', (r) => control.listWechatUsers({ q: r.query.q, limit: r.query.limit ? Number(r.query.limit) : undefined }));
  get('/wechat-users/:id', async (r) => found(await control.getWechatUser(r.params.id), `unknown WeChat user ${r.params.id}`));
  get('/wechat-users/:id/inbox', (r) => control.listInbox(r.params.id, { limit: r.query.limit ? Number(r.query.limit) : undefined }));
  get('/wechat-users/:id/orders', (r) => control.listOrders(r.params.id));
  post('/scan', (r) => control.scan(need(body(r).wechatUserId, 'wechatUserId'), need(body(r).url, 'url')));
  // Customer acquisition links (获客助手): a customer starts a link's chat; WeCom's console and the quota.
  post('/acquisition-chat', (r) => control.startAcquisitionChat(need(body(r).wechatUserId, 'wechatUserId'), need(body(r).linkId, 'linkId'), {
    customerChannel: typeof body(r).customerChannel === 'string' ? (body(r).customerChannel as string) : null,
    userid: typeof body(r).userid === 'string' ? (body(r).userid as string) : undefined,
  }));
  get('/corps/:corpId/acquisition-links/:linkId', async (r) => found(await control.getAcquisitionLink(r.params.corpId, r.params.linkId), `unknown link ${r.params.linkId}`));
  post('/corps/:corpId/acquisition-links/:linkId/delete', (r) => control.deleteAcquisitionLinkInConsole(r.params.corpId, r.params.linkId));
  post('/corps/:corpId/acquisition-links/:linkId/unavailable', (r) => control.setAcquisitionLinkUnavailable(r.params.corpId, r.params.linkId, body(r).unavailable !== false));
  get('/corps/:corpId/acquisition-quota', (r) => control.getAcquisitionQuota(r.params.corpId));
  post('/corps/:corpId/acquisition-quota', (r) => {
    const n = (k: string) => (body(r)[k] === undefined ? undefined : Number(body(r)[k]));
    return control.setAcquisitionQuota(r.params.corpId, { total: n('total'), balance: n('balance'), lowAt: n('lowAt'), rangeMax: n('rangeMax') });
  });
  get('/corps/:corpId/api-calls', async (r) => control.listApiCalls(r.params.corpId, { api: r.query.api, afterSeq: r.query.afterSeq ? Number(r.query.afterSeq) : undefined }));
  post('/add-staff', (r) => {
    const b = body(r);
    return control.addStaff(need(b.wechatUserId, 'wechatUserId'), { ...input.addStaffOptions(b), userid: need(b.userid ?? '', 'userid') });
  });
  post('/customer-deletes-staff', (r) =>
    control.customerDeletesStaff(need(body(r).wechatUserId, 'wechatUserId'), need(body(r).userid, 'userid'), input.corpOpt(body(r))),
  );
  post('/join-group', (r) => {
    const b = body(r);
    return control.joinGroup(need(b.who ?? b.wechatUserId, 'wechatUserId'), input.opt(input.str)(b.chatId ?? undefined, 'chatId') ?? null, input.joinOptions(b));
  });
  // `message` ({msgtype, [msgtype]: {...}}: link, image, miniprogram, card…) instead of `text` posts anything people send.
  post('/say-in-group', (r) => control.sayInGroup(need(body(r).who ?? body(r).wechatUserId, 'who'), need(body(r).chatId, 'chatId'), messageContent(body(r).text, body(r).message)));
  post('/leave-group', (r) =>
    control.leaveGroup(need(body(r).who ?? body(r).wechatUserId, 'wechatUserId'), need(body(r).chatId, 'chatId'), { removed: input.flag(body(r).removed, 'removed') }),
  );
  post('/send-message', (r) => {
    const b = body(r);
    return control.sendMessage(need(b.wechatUserId, 'wechatUserId'), need(b.toUserid ?? b.userid, 'toUserid'), messageContent(b.text, b.message), input.corpOpt(b));
  });
  post('/staff-send-message', (r) => {
    const b = body(r);
    return control.staffSendMessage(need(b.userid, 'userid'), need(b.externalUserid, 'externalUserid'), messageContent(b.text, b.message), input.corpOpt(b));
  });
  // The chat archive: a customer's consent (agree / disagree lines, msg_audit_approved) and recalls (revoke lines).
  post('/archive/consent', (r) => {
    const b = body(r);
    return control.setArchiveConsent(need(b.wechatUserId, 'wechatUserId'), need(b.userid, 'userid'), input.bool(b.agree, 'agree'), input.corpOpt(b));
  });
  post('/archive/recall', (r) => control.recallMessage(need(body(r).corpId, 'corpId'), need(body(r).msgid, 'msgid')));
  post('/pay-order', (r) => control.payOrder(need(body(r).wechatUserId, 'wechatUserId'), input.payOrderInput(body(r))));
  post('/refund-order', (r) => {
    const b = body(r);
    return control.refundOrder(need(b.wechatUserId, 'wechatUserId'), need(b.orderId, 'orderId'), { amount: b.amount === undefined || b.amount === '' ? undefined : Number(b.amount) });
  });
  get('/wechat-users/:id/moments', (r) => control.listMomentFeed(r.params.id, { limit: r.query.limit ? Number(r.query.limit) : undefined }));
  post('/like-moment', (r) => {
    const b = body(r);
    return control.likeMoment(need(b.who ?? b.wechatUserId, 'who'), need(b.momentId, 'momentId'), need(b.userid, 'userid'), {
      ...input.corpOpt(b),
      unlike: input.flag(b.unlike, 'unlike'),
    });
  });
  post('/comment-moment', (r) => {
    const b = body(r);
    return control.commentMoment(need(b.who ?? b.wechatUserId, 'who'), need(b.momentId, 'momentId'), need(b.userid, 'userid'), text(b.text), input.corpOpt(b));
  });
  post('/refuse-transfer', async (r) => ({ refused: await control.refuseTransfer(need(body(r).externalUserid, 'externalUserid')) }));

  // what staff do in the WeCom client
  post('/accept-contact', (r) => control.acceptContact(need(body(r).userid, 'userid'), need(body(r).externalUserid, 'externalUserid'), input.corpOpt(body(r))));
  post('/staff-deletes-customer', (r) =>
    control.staffDeletesCustomer(need(body(r).userid, 'userid'), need(body(r).externalUserid, 'externalUserid'), input.corpOpt(body(r))),
  );
  post('/edit-tags', (r) => {
    const b = body(r);
    return control.editTagsInClient(
      need(b.userid, 'userid'),
      need(b.externalUserid, 'externalUserid'),
      input.strs(b.add ?? [], 'add'),
      input.strs(b.remove ?? [], 'remove'),
      input.corpOpt(b),
    );
  });
  post('/edit-personal-tags', (r) => {
    const b = body(r);
    const names = input.opt(input.strs);
    return control.editPersonalTagsInClient(
      need(b.userid, 'userid'),
      need(b.externalUserid, 'externalUserid'),
      { add: names(b.add ?? undefined, 'add'), remove: names(b.remove ?? undefined, 'remove') },
      input.corpOpt(b),
    );
  });
  post('/edit-remark', (r) => {
    const b = body(r);
    return control.editRemarkInClient(need(b.userid, 'userid'), need(b.externalUserid, 'externalUserid'), input.remarkInput(b), input.corpOpt(b));
  });
  post('/groups', (r) => control.createGroup(input.createGroupInput(body(r))));
  get('/groups/:chatId', async (r) => found(await control.getGroup(r.params.chatId), `unknown group ${r.params.chatId}`));
  post('/groups/:chatId/rename', (r) => control.renameGroup(r.params.chatId, input.str(body(r).name, 'name')));
  post('/groups/:chatId/notice', (r) => control.changeGroupNotice(r.params.chatId, input.str(body(r).notice, 'notice')));
  post('/groups/:chatId/owner', (r) => control.changeOwner(r.params.chatId, need(body(r).newOwner, 'newOwner')));
  post('/groups/:chatId/dismiss', (r) => control.dismissGroup(r.params.chatId));
  post('/groups/:chatId/welcome-template', (r) => control.setGroupWelcomeTemplate(r.params.chatId, input.orNull(input.str)(body(r).templateId ?? null, 'templateId')));
  post('/confirm-mass-send', (r) => {
    const b = body(r);
    return control.confirmMassSend(need(b.userid, 'userid'), need(b.msgid, 'msgid'), { ...input.corpOpt(b), targets: input.opt(input.strs)(b.targets ?? undefined, 'targets') });
  });
  get('/corps/:corpId/mass-send-tasks', (r) =>
    control.listMassSendTasks(r.params.corpId, need(r.query.userid, 'userid'), { pendingOnly: r.query.pending === '1', limit: r.query.limit ? Number(r.query.limit) : undefined }),
  );
  post('/corps/:corpId/mass-msg-received', (r) => control.massMsgReceived(r.params.corpId, input.strs(body(r).targets ?? [], 'targets')));
  post('/publish-moment', (r) => control.publishMoment(need(body(r).userid, 'userid'), need(body(r).momentId, 'momentId'), input.corpOpt(body(r))));
  get('/corps/:corpId/moment-tasks', (r) =>
    control.listMomentTasks(r.params.corpId, need(r.query.userid, 'userid'), { pendingOnly: r.query.pending === '1', limit: r.query.limit ? Number(r.query.limit) : undefined }),
  );
  post('/resign-staff', (r) => control.resignStaff(need(body(r).userid, 'userid'), input.corpOpt(body(r))));

  // time and delivery
  get('/now', async () => ({ now: control.now() }));
  post('/advance-time', (r) => control.advanceTime(Number(body(r).ms)));
  post('/process-transfers', async () => ({ completed: await control.processDueTransfers() }));
  post('/wait-callbacks', (r) => control.waitForCallbacks(body(r).timeoutMs === undefined ? undefined : Number(body(r).timeoutMs)));
}
