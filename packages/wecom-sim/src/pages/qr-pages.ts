// The QR codes behind contact ways and join ways. <prefix>/qr/contact/:configId and
// <prefix>/qr/join/:configId answer a browser page (HTML accepted) or the QR image itself (PNG,
// or SVG with ?format=svg), so `qr_code` works both as an <img src> and as a link. Opened with
// ?as=<wechatUserId> (or the sim_wechat_user cookie) the page offers the Add / Join button.
import QRCode from 'qrcode';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../context';
import type { SimControl } from '../control';
import { describeQr } from '../contact-ways';
import { ControlError } from '../errors';
import { getWechatUser } from '../customers';
import { cookieOf, esc, page, t } from './html';

export const IDENTITY_COOKIE = 'sim_wechat_user';

export function registerQrPages(app: FastifyInstance, ctx: SimContext, control: SimControl, base: (req: FastifyRequest) => string): void {
  const show = (kind: 'contact' | 'join') => async (req: FastifyRequest<{ Params: { configId: string }; Querystring: { as?: string; format?: string } }>, reply: FastifyReply) => {
    const { configId } = req.params;
    const selfUrl = `${base(req)}/qr/${kind}/${configId}`;
    const wantsHtml = (req.headers.accept ?? '').includes('text/html') && req.query.format === undefined;
    const info = await describeQr(ctx.db, kind, configId);
    if (!wantsHtml) {
      if (!info) return reply.code(404).type('text/plain').send('unknown QR code');
      if (req.query.format === 'svg') return reply.type('image/svg+xml').send(await QRCode.toString(selfUrl, { type: 'svg', margin: 1 }));
      return reply.type('image/png').send(await QRCode.toBuffer(selfUrl, { type: 'png', margin: 1, width: 430 }));
    }
    if (!info) return reply.code(404).type('text/html').send(page('二维码无效', `<section>${t('二维码不存在', 'This QR code does not exist')}</section>`));
    const as = req.query.as ?? cookieOf(req.headers.cookie, IDENTITY_COOKIE);
    const who = as ? await getWechatUser(ctx.db, as) : null;
    const svg = await QRCode.toString(selfUrl, { type: 'svg', margin: 1 });
    const title = kind === 'contact' ? '添加企业微信' : '加入群聊';
    const people = info.staff
      .map((s) => `<div class="row"><img class="avatar" src="${esc(s.avatar)}"><div class="grow"><b>${esc(s.name)}</b><div class="muted">${esc(s.position)} · ${esc(info.corpName)}</div></div></div>`)
      .join('');
    const groups = info.groups.map((g) => `<div class="row"><div class="grow">${esc(g.name)}</div><span class="muted">${g.members} 人</span></div>`).join('');
    const action = info.deleted
      ? `<p class="center">${t('该二维码已失效', 'This code is no longer valid')}</p>`
      : who
        ? `<form method="post" action="${esc(`${base(req)}/qr/${kind}/${configId}`)}" class="center">
             <input type="hidden" name="as" value="${esc(who.id)}">
             <button>${kind === 'contact' ? t('添加到通讯录', 'Add') : t('加入群聊', 'Join')}</button>
             <div class="muted">${t(`以「${who.nickname}」的身份`, `as ${who.id}`)}</div>
           </form>`
        : `<p class="center muted">${t('在模拟手机中打开此页面即可添加', 'Open this page from the simulated phone to act on it')} — <a href="${esc(base(req))}/phone">/phone</a></p>`;
    return reply.type('text/html').send(
      page(
        title,
        `<section class="center"><b>${esc(info.corpName)}</b><div class="muted">${esc(info.remark)}</div>
          <div class="qr">${svg}</div><div class="muted">${t('长按识别二维码', 'Long-press to scan')}</div></section>
         ${people || groups ? `<section>${people}${groups}</section>` : ''}
         <section>${action}</section>`,
      ),
    );
  };

  const act = (kind: 'contact' | 'join') => async (req: FastifyRequest<{ Params: { configId: string }; Body: { as?: string } }>, reply: FastifyReply) => {
    const as = req.body?.as ?? cookieOf(req.headers.cookie, IDENTITY_COOKIE);
    const phone = `${base(req)}/phone`;
    if (!as) return reply.redirect(`${phone}?err=${encodeURIComponent('先选择一个模拟客户 (pick a simulated customer first)')}`, 303);
    try {
      const r = await control.scan(as, `${base(req)}/qr/${kind}/${req.params.configId}`);
      let msg = '';
      if (r.kind === 'contact') {
        msg =
          r.result.status === 'already_added'
            ? `已经是好友了 (already friends with ${r.result.userid})`
            : r.result.status === 'pending'
              ? `已发送好友申请，等待 ${r.result.userid} 通过 (request sent)`
              : `已添加 ${r.result.userid} (added)`;
      } else if (r.kind === 'join') {
        msg = r.result.status === 'already_member' ? `你已在群里 (already a member of ${r.result.chatId})` : `已加入群聊 (joined ${r.result.chatId})`;
      }
      return reply.redirect(`${phone}?msg=${encodeURIComponent(msg)}`, 303);
    } catch (err) {
      if (err instanceof ControlError) return reply.redirect(`${phone}?err=${encodeURIComponent(err.message)}`, 303);
      throw err;
    }
  };

  app.get('/qr/contact/:configId', show('contact'));
  app.get('/qr/join/:configId', show('join'));
  app.post('/qr/contact/:configId', act('contact'));
  app.post('/qr/join/:configId', act('join'));
}
