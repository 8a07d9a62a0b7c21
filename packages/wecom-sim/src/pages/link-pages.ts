// An acquisition link's page (获客链接, WECOM.md §15): <prefix>/ca/<link_id>, the URL create_link returns. Opened on the
// simulated phone (the sim_wechat_user cookie, or ?as=<wechatUserId>) it shows the corp and the link's members and a
// "start the chat" button; the chat starts with a member of the range, who adds the customer with State = the URL's
// customer_channel (cut to 64 bytes), as WeCom does. Without an identity it says to open it from the phone.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../context';
import type { SimControl } from '../control';
import { describeLink, recordClick, truncateBytes, CUSTOMER_CHANNEL_MAX_BYTES } from '../acquisition';
import { getWechatUser } from '../customers';
import { ControlError } from '../errors';
import { cookieOf, esc, page, t } from './html';
import { IDENTITY_COOKIE } from './qr-pages';

type LinkRequest = FastifyRequest<{ Params: { linkId: string }; Querystring: { as?: string; customer_channel?: string } }>;

export function registerLinkPages(app: FastifyInstance, ctx: SimContext, control: SimControl, base: (req: FastifyRequest) => string): void {
  app.get('/ca/:linkId', async (req: LinkRequest, reply) => {
    reply.type('text/html').header('cache-control', 'no-store');
    const info = /^cawcde[0-9a-f]{16}$/.test(req.params.linkId) ? await describeLink(ctx, req.params.linkId) : null;
    if (!info) return reply.code(404).send(page('链接无效', `<section>${t('该链接不存在', 'This link does not exist')}</section>`));
    const as = req.query.as ?? cookieOf(req.headers.cookie, IDENTITY_COOKIE);
    const who = as ? await getWechatUser(ctx.db, as) : null;
    await recordClick(ctx, req.params.linkId, who?.id ?? `ip:${req.ip}`);
    const channel = truncateBytes(req.query.customer_channel ?? '', CUSTOMER_CHANNEL_MAX_BYTES);
    const people = info.staff
      .map((s) => `<div class="row"><img class="avatar" src="${esc(s.avatar)}"><div class="grow"><b>${esc(s.name)}</b><div class="muted">${esc(s.position)} · ${esc(info.corpName)}</div></div></div>`)
      .join('');
    const action = info.deleted
      ? `<p class="center">${t('该链接已失效', 'This link no longer exists')}</p>`
      : info.unavailable
        ? `<p class="center">${t('该链接暂不可用', 'This link is unavailable')}</p>`
        : info.balance <= 0
          ? `<p class="center">${t('暂时无法添加，请稍后再试', 'Adding is not possible right now (quota used up)')}</p>`
          : who
            ? `<form method="post" action="${esc(`${base(req)}/ca/${req.params.linkId}`)}" class="center" data-testid="sim-link-form">
                 <input type="hidden" name="as" value="${esc(who.id)}"><input type="hidden" name="customer_channel" value="${esc(channel)}">
                 <button data-testid="sim-link-start">${t('开始聊天', 'Start the chat')}</button>
                 <div class="muted">${t(`以「${who.nickname}」的身份`, `as ${who.id}`)}</div>
               </form>`
            : `<p class="center muted">${t('在模拟手机中打开此链接即可咨询', 'Open this link from the simulated phone to start the chat')} — <a href="${esc(base(req))}/phone">/phone</a></p>`;
    return reply.send(page('企业微信', `<section class="center"><b>${esc(info.corpName)}</b><div class="muted">${esc(info.name)}</div>
        <div class="muted">${t('点击下方按钮，与企业成员开始聊天', 'Tap below to chat with a member of the company')}</div></section>
      ${people ? `<section>${people}</section>` : ''}<section>${action}</section>
      ${channel ? `<section class="muted">customer_channel: <code>${esc(channel)}</code></section>` : ''}`));
  });

  app.post('/ca/:linkId', async (req: FastifyRequest<{ Params: { linkId: string }; Body: { as?: string; customer_channel?: string } }>, reply: FastifyReply) => {
    const as = req.body?.as ?? cookieOf(req.headers.cookie, IDENTITY_COOKIE);
    const phone = `${base(req)}/phone`;
    if (!as) return reply.redirect(`${phone}?err=${encodeURIComponent('先选择一个模拟客户 (pick a simulated customer first)')}`, 303);
    try {
      const r = await control.startAcquisitionChat(as, req.params.linkId, { customerChannel: req.body?.customer_channel ?? null });
      const msg = r.status === 'already_added' ? `已经是好友了 (already friends with ${r.userid})` : r.status === 'pending' ? `已发送好友申请，等待 ${r.userid} 通过 (request sent)` : `已添加 ${r.userid} (added)`;
      return reply.redirect(`${phone}?msg=${encodeURIComponent(msg)}`, 303);
    } catch (err) {
      if (err instanceof ControlError) return reply.redirect(`${phone}?err=${encodeURIComponent(err.message)}`, 303);
      throw err;
    }
  });
}
