// The simulated phone (<prefix>/phone): pick or create a WeChat identity (remembered in the
// sim_wechat_user cookie, which Pond's landing pages read in demo mode), then scan or open
// URLs, add and delete staff, join and leave groups, chat, pay, read the inbox and the moments feed
// (chat pages and the feed's actions: phone-social.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../context';
import type { SimControl } from '../control';
import { ControlError } from '../errors';
import { contactsOf, corpZones, groupsOf, joinableGroups, staffDirectory } from './phone-data';
import { cookieOf, esc, flash, page, renderPayload, t, time } from './html';
import { IDENTITY_COOKIE } from './qr-pages';
import { SIM_CA } from '../acquisition';
import { momentsSection } from './phone-social';
import { DEFAULT_TIMEZONE } from '../time';
import { walletSection } from '../pay-wallet';

type Form = Record<string, string | undefined>;

const SIM_QR = /\/qr\/(contact|join)\/[A-Za-z0-9]+/;

export function registerPhone(app: FastifyInstance, ctx: SimContext, control: SimControl, base: (req: FastifyRequest) => string): void {
  const phoneUrl = (req: FastifyRequest) => `${base(req)}/phone`;
  const back = (req: FastifyRequest, reply: FastifyReply, msg: string, isErr = false) =>
    reply.redirect(`${phoneUrl(req)}?${isErr ? 'err' : 'msg'}=${encodeURIComponent(msg)}`, 303);
  const setIdentity = (reply: FastifyReply, id: string | null) =>
    reply.header(
      'set-cookie',
      id ? `${IDENTITY_COOKIE}=${encodeURIComponent(id)}; Path=/; Max-Age=31536000; SameSite=Lax` : `${IDENTITY_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`,
    );
  const identity = (req: FastifyRequest) => cookieOf(req.headers.cookie, IDENTITY_COOKIE);

  /** Runs a phone action; control errors come back as a red banner, not a stack trace. */
  const action =
    (fn: (req: FastifyRequest, me: string, form: Form) => Promise<string>) => async (req: FastifyRequest, reply: FastifyReply) => {
      const me = identity(req);
      if (!me) return back(req, reply, '先选择一个模拟客户 (pick a simulated customer first)', true);
      try {
        return back(req, reply, await fn(req, me, (req.body ?? {}) as Form));
      } catch (err) {
        if (err instanceof ControlError) return back(req, reply, err.message, true);
        throw err;
      }
    };

  app.get('/', async (req, reply) => reply.redirect(phoneUrl(req), 302));

  app.get('/phone', async (req: FastifyRequest<{ Querystring: { msg?: string; err?: string; q?: string; switch?: string } }>, reply) => {
    const me = req.query.switch ? null : identity(req);
    const user = me ? await control.getWechatUser(me) : null;
    reply.type('text/html');
    if (!user) return reply.send(await chooser(req.query.q, req.query.msg, req.query.err, base(req)));
    const [contacts, groups, joinable, staff, inbox, orders, zones] = await Promise.all([
      contactsOf(ctx, user.id),
      groupsOf(ctx, user.id),
      joinableGroups(ctx, user.id),
      staffDirectory(ctx),
      control.listInbox(user.id, { limit: 30 }),
      control.listOrders(user.id),
      corpZones(ctx),
    ]);
    const zoneOf = (corpId: string) => zones.get(corpId) ?? DEFAULT_TIMEZONE;
    const b = base(req);
    const header = `<header><img class="avatar" src="${esc(user.avatar)}"><div class="grow"><div class="ellipsis">${esc(user.nickname)}</div>
      <div class="en ellipsis">${esc(user.id)}</div></div><a href="${esc(b)}/wecom" title="企业微信 (模拟) / WeCom client">${t('企业微信', 'WeCom')}</a>
      <a href="${esc(b)}/phone?switch=1">${t('切换', 'switch')}</a></header>`;
    const contactRows = contacts
      .map(
        (c) => `<div class="row"><img class="avatar" src="${esc(c.avatar)}"><div class="grow"><b>${esc(c.name)}</b>
          <div class="muted">${esc(c.position)} · ${esc(c.corpName)}${c.status === 'half' ? ' · 等待通过 (pending)' : ''}</div>
          <a href="${esc(b)}/phone/chat?corp=${encodeURIComponent(c.corpId)}&userid=${encodeURIComponent(c.userid)}">${t('聊天记录', 'chat')}</a>
          <details><summary>${t('发消息', 'message')}</summary>
            <form class="inline" method="post" action="${esc(b)}/phone/send-message"><input type="hidden" name="corpId" value="${esc(c.corpId)}">
            <input type="hidden" name="userid" value="${esc(c.userid)}"><input name="text" placeholder="你好 / hello" required><button>${t('发送', 'send')}</button></form>
          </details></div>
          <form method="post" action="${esc(b)}/phone/delete-staff" onsubmit="return confirm('删除该联系人？ Delete?')">
            <input type="hidden" name="corpId" value="${esc(c.corpId)}"><input type="hidden" name="userid" value="${esc(c.userid)}">
            <button class="danger">${t('删除', 'delete')}</button></form></div>`,
      )
      .join('');
    const multiCorp = new Set(staff.map((s) => s.corpId)).size > 1;
    const staffOptions = staff
      .filter((s) => !contacts.some((c) => c.corpId === s.corpId && c.userid === s.userid))
      .map((s) => `<option value="${esc(`${s.corpId}|${s.userid}`)}">${esc(s.name)} · ${esc(s.position)}${multiCorp ? ` · ${esc(s.corpName)}` : ''}</option>`)
      .join('');
    const groupRows = groups
      .map(
        (g) => `<div class="row"><div class="grow"><a href="${esc(b)}/phone/group?chat=${encodeURIComponent(g.chatId)}"><b>${esc(g.name)}</b></a><div class="muted">${g.members} 人 · ${esc(g.corpName)}</div></div>
          <form method="post" action="${esc(b)}/phone/leave-group"><input type="hidden" name="chatId" value="${esc(g.chatId)}"><button class="secondary">${t('退出', 'leave')}</button></form></div>`,
      )
      .join('');
    const joinOptions = joinable.map((g) => `<option value="${esc(g.chatId)}">${esc(g.name)} (${g.members}人)</option>`).join('');
    // Newest 30, shown oldest first like a chat.
    const inboxRows = [...inbox]
      .reverse()
      .map((m) => {
        const label = { welcome: '欢迎语 welcome', group_welcome: '入群欢迎 group welcome', mass: '群发 broadcast', transfer: '转接 transfer', chat: '消息 message', group_chat: '群消息 group message' }[m.kind] ?? m.kind;
        return `<div class="row" style="display:block"><div class="muted">${esc(m.from.name ?? m.from.userid ?? '')}${m.from.groupName ? ` · ${esc(m.from.groupName)}` : ''} · ${esc(label)} · ${time(m.createdAt, zoneOf(m.corpId))}</div>${renderPayload(m.payload)}</div>`;
      })
      .join('');
    const orderRows = orders
      .map((o) => {
        const left = Math.round((o.amount - o.refunded) * 100) / 100;
        const refunded = o.refunded > 0 ? ` · ${t('已退', 'refunded')} ¥${o.refunded.toFixed(2)}` : '';
        const refund = left > 0
          ? `<form class="inline" method="post" action="${esc(b)}/phone/refund"><input type="hidden" name="orderId" value="${esc(o.orderId)}">
              <input name="amount" type="number" step="0.01" min="0.01" max="${left}" value="${left}" style="width:6em" aria-label="退款金额 refund amount"><button class="secondary">${t('退款', 'refund')}</button></form>`
          : `<span class="muted">${t('已全额退款', 'refunded')}</span>`;
        return `<div class="row"><div class="grow">${esc(o.items.map((i) => i.name).join('、'))}<div class="muted">${esc(o.orderId)} · ${time(Date.parse(o.paidAt), zoneOf(o.corpId))}${refunded}</div></div><b>¥${o.amount.toFixed(2)}</b>${refund}</div>`;
      })
      .join('');
    return reply.send(
      page(
        '模拟手机 Simulated phone',
        `${flash(req.query.msg, req.query.err)}
        <section><h2>${t('扫一扫 / 打开链接', 'Scan a code or open a link')}</h2>
          <form class="stack" method="post" action="${esc(b)}/phone/scan">
            <input name="url" placeholder="https://…/l/abc 或 ${esc(b)}/qr/contact/…" required>
            <div style="display:flex;gap:6px"><button name="mode" value="scan">${t('扫码', 'scan')}</button>
            <button class="secondary" name="mode" value="open">${t('在浏览器打开', 'open')}</button></div>
            <div class="muted">${t('扫码：打开页面并识别其中的企业微信二维码；打开：以当前身份访问该页面。', 'Scan opens the page and follows the first WeCom QR in it; Open browses it as this customer.')}</div>
          </form></section>
        <section><h2>${t('企业微信联系人', 'My WeCom contacts')}</h2>${contactRows || `<div class="muted">${t('还没有添加任何员工', 'No staff added yet')}</div>`}</section>
        <section><h2>${t('添加员工', 'Add a staff member')}</h2>
          ${staffOptions ? `<form class="inline" method="post" action="${esc(b)}/phone/add-staff"><select name="staff">${staffOptions}</select><button>${t('添加', 'add')}</button></form>` : `<div class="muted">${t('没有可添加的员工', 'Nobody left to add')}</div>`}</section>
        <section><h2>${t('我的群聊', 'My groups')}</h2>${groupRows || `<div class="muted">${t('还没有加入群聊', 'Not in any group')}</div>`}
          ${joinOptions ? `<form class="inline" method="post" action="${esc(b)}/phone/join-group" style="margin-top:8px"><select name="chatId">${joinOptions}</select><button>${t('加入', 'join')}</button></form><div class="muted">${t('通过群主分享的邀请链接加入', 'joins through an invite link from the owner')}</div>` : ''}</section>
        <section><h2>${t('收件箱', 'Inbox')}</h2>${inboxRows || `<div class="muted">${t('暂无消息', 'Nothing yet')}</div>`}</section>
        ${await momentsSection(ctx, user.id, b, zoneOf)}
        <section id="pay"><h2>${t('下单付款', 'Pay an order')}</h2>
          <form class="stack" method="post" action="${esc(b)}/phone/pay">
            <input name="item" value="拿铁咖啡" placeholder="商品 item"><input name="amount" type="number" step="0.01" min="0.01" value="28" placeholder="金额 amount (¥)">
            <button>${t('支付', 'pay')}</button></form>${orderRows}</section>
        ${await walletSection(ctx, user.id, DEFAULT_TIMEZONE)}`,
        { header },
      ),
    );
  });

  app.post('/phone/identity', async (req, reply) => {
    const form = (req.body ?? {}) as Form;
    try {
      const id =
        form.id ||
        (
          await control.createWechatUser({
            nickname: form.nickname || undefined,
            gender: form.gender ? (Number(form.gender) as 0 | 1 | 2) : undefined,
          })
        ).id;
      const user = await control.getWechatUser(id);
      if (!user) return back(req, reply, `unknown WeChat user ${id}`, true);
      setIdentity(reply, user.id);
      return back(req, reply, `你现在是「${user.nickname}」(you are ${user.id})`);
    } catch (err) {
      if (err instanceof ControlError) return reply.redirect(`${phoneUrl(req)}?switch=1&err=${encodeURIComponent(err.message)}`, 303);
      throw err;
    }
  });

  app.post('/phone/logout', async (req, reply) => {
    setIdentity(reply, null);
    return reply.redirect(phoneUrl(req), 303);
  });

  app.post('/phone/scan', async (req, reply) => {
    const form = (req.body ?? {}) as Form;
    const me = identity(req);
    if (!me) return back(req, reply, '先选择一个模拟客户 (pick a simulated customer first)', true);
    const raw = (form.url ?? '').trim();
    let url: URL;
    try {
      url = new URL(raw, `${req.protocol}://${req.host}`);
    } catch {
      return back(req, reply, `不是有效的链接 (not a URL): ${raw}`, true);
    }
    if (form.mode === 'open') {
      // Sim QR pages need to know who is looking; other pages read the cookie.
      if (SIM_QR.test(url.pathname) || SIM_CA.test(url.pathname)) url.searchParams.set('as', me);
      return reply.redirect(url.toString(), 303);
    }
    try {
      const r = await control.scan(me, url.toString());
      if (r.kind === 'page') return back(req, reply, `页面里没有企业微信二维码 (no WeCom QR found on that page, HTTP ${r.status})`, true);
      if (r.kind === 'contact' || r.kind === 'link') {
        const s = r.result.status;
        return back(req, reply, s === 'already_added' ? `已经是好友 (already friends with ${r.result.userid})` : s === 'pending' ? `已发送好友申请 (request sent to ${r.result.userid})` : `已添加 ${r.result.userid} (added)`);
      }
      return back(req, reply, r.result.status === 'already_member' ? `你已在群里 (already in ${r.result.chatId})` : `已加入群聊 (joined ${r.result.chatId}${r.result.createdGroup ? ', a new group' : ''})`);
    } catch (err) {
      if (err instanceof ControlError) return back(req, reply, err.message, true);
      return back(req, reply, `打开失败 (could not open ${url.href}): ${(err as Error).message}`, true);
    }
  });

  app.post(
    '/phone/add-staff',
    action(async (_req, me, form) => {
      const [corpId, userid] = (form.staff ?? '').split('|');
      if (!corpId || !userid) throw new ControlError('选择一位员工 (pick a staff member)');
      const r = await control.addStaff(me, { corpId, userid });
      return r.status === 'already_added' ? `已经是好友 (already friends)` : r.status === 'pending' ? `已发送好友申请 (request sent)` : `已添加 ${userid} (added)`;
    }),
  );
  app.post(
    '/phone/delete-staff',
    action(async (_req, me, form) => {
      await control.customerDeletesStaff(me, form.userid ?? '', { corpId: form.corpId });
      return `已删除 ${form.userid} (deleted)`;
    }),
  );
  app.post(
    '/phone/send-message',
    action(async (_req, me, form) => {
      await control.sendMessage(me, form.userid ?? '', form.text ?? '', { corpId: form.corpId });
      return `已发送 (sent to ${form.userid})`;
    }),
  );
  app.post(
    '/phone/join-group',
    action(async (_req, me, form) => {
      const r = await control.joinGroup(me, form.chatId ?? '', { scene: 2 });
      return r.status === 'already_member' ? '你已在群里 (already a member)' : `已加入群聊 (joined ${r.chatId})`;
    }),
  );
  app.post(
    '/phone/leave-group',
    action(async (_req, me, form) => {
      await control.leaveGroup(me, form.chatId ?? '');
      return `已退出群聊 (left ${form.chatId})`;
    }),
  );
  app.post(
    '/phone/pay',
    action(async (_req, me, form) => {
      const amount = Number(form.amount);
      const o = await control.payOrder(me, { amount, items: [{ name: form.item || '商品', price: amount, quantity: 1 }] });
      const hook = o.webhook ? (o.webhook.error ? `, webhook failed: ${o.webhook.error}` : `, webhook HTTP ${o.webhook.status}`) : '';
      return `已支付 ¥${o.amount.toFixed(2)} (paid, order ${o.orderId}${hook})`;
    }),
  );

  app.post(
    '/phone/refund',
    action(async (_req, me, form) => {
      const r = await control.refundOrder(me, form.orderId ?? '', { amount: form.amount ? Number(form.amount) : undefined });
      const hook = r.webhook ? (r.webhook.error ? `, webhook failed: ${r.webhook.error}` : `, webhook HTTP ${r.webhook.status}`) : '';
      return `已退款 ¥${r.amount.toFixed(2)} (refunded ${r.refundId}${hook})`;
    }),
  );

  async function chooser(q: string | undefined, msg: string | undefined, err: string | undefined, b: string): Promise<string> {
    const users = await control.listWechatUsers({ q, limit: 30 });
    const rows = users
      .map(
        (u) => `<form class="row" method="post" action="${esc(b)}/phone/identity"><img class="avatar" src="${esc(u.avatar)}">
          <div class="grow"><b>${esc(u.nickname)}</b><div class="muted ellipsis">${esc(u.id)}</div></div>
          <input type="hidden" name="id" value="${esc(u.id)}"><button class="secondary">${t('使用', 'use')}</button></form>`,
      )
      .join('');
    return page(
      '选择身份 Who are you?',
      `${flash(msg, err)}
      <section class="muted">${t('员工视角：', 'Staff side:')} <a href="${esc(b)}/wecom">${t('企业微信 (模拟)', 'WeCom client')}</a></section>
      <section><h2>${t('新建模拟客户', 'Create a simulated customer')}</h2>
        <form class="stack" method="post" action="${esc(b)}/phone/identity">
          <input name="nickname" placeholder="昵称 nickname (留空随机 / blank = random)" maxlength="32">
          <select name="gender"><option value="0">性别未知 unknown</option><option value="1">男 male</option><option value="2">女 female</option></select>
          <button>${t('创建并使用', 'create')}</button></form></section>
      <section><h2>${t('已有客户', 'Existing customers')}</h2>
        <form class="inline" method="get" action="${esc(b)}/phone"><input type="hidden" name="switch" value="1"><input name="q" value="${esc(q)}" placeholder="搜索昵称 search"><button class="secondary">${t('搜索', 'search')}</button></form>
        ${rows || `<div class="muted">${t('还没有模拟客户', 'No simulated customers yet')}</div>`}</section>`,
    );
  }
}
