// The customer's phone beyond the home page: the chat with one staff member (/phone/chat: what they
// wrote, welcome messages, mass messages from that member), a group chat (/phone/group: members' lines,
// the owner's group mass messages), and the moments feed (朋友圈, a section of /phone): posts of the
// staff they are friends with that they may see, with like and comment.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../context';
import type { SimControl } from '../control';
import { ControlError } from '../errors';
import { externalUseridFor } from '../ids';
import { listChatTranscript } from '../messages';
import { listMomentFeed } from '../moments';
import type { SimCorpRow, SimStaffRow } from '../rows';
import { DEFAULT_TIMEZONE } from '../time';
import { cookieOf, esc, flash, page, renderPayload, t, time } from './html';
import { IDENTITY_COOKIE } from './qr-pages';
import { renderInteractions, renderMoment } from './wecom-tasks';

type Form = Record<string, string | undefined>;

const CHAT_CSS = `<style>
.line{display:flex;flex-direction:column;align-items:flex-start;margin:8px 0}.line.me{align-items:flex-end}
.line .bubble{max-width:80%;background:#fff}.line.me .bubble{background:#95ec69}
.composer{display:flex;gap:6px;padding:10px 14px;background:#fff;position:sticky;bottom:0}
.post{padding:10px 0;border-bottom:1px solid #f0f0f0}.post:last-child{border-bottom:0}
.thumbs img{width:80px;height:80px;object-fit:cover;border-radius:4px;margin:2px}
</style>`;

const KIND_LABEL: Record<string, string> = {
  welcome: '欢迎语 welcome',
  mass: '群发 broadcast',
  transfer: '转接 transfer',
  group_welcome: '入群欢迎 group welcome',
};

async function zoneOf(ctx: SimContext, corpId: string): Promise<string> {
  return (await ctx.db.one<Pick<SimCorpRow, 'timezone'>>(`SELECT timezone FROM {s}.corps WHERE corp_id = $1`, [corpId]))?.timezone ?? DEFAULT_TIMEZONE;
}

/** The moments feed on the phone's home page. */
export async function momentsSection(ctx: SimContext, wechatUserId: string, b: string, zoneOfCorp: (corpId: string) => string): Promise<string> {
  const posts = await listMomentFeed(ctx.db, wechatUserId, 20);
  const rows = posts
    .map((p) => {
      const hidden = `<input type="hidden" name="corpId" value="${esc(p.corpId)}"><input type="hidden" name="momentId" value="${esc(p.momentId)}"><input type="hidden" name="userid" value="${esc(p.userid)}">`;
      return `<div class="post"><div class="row" style="border:0;padding:0"><img class="avatar" src="${esc(p.staffAvatar)}"><div class="grow"><b>${esc(p.staffName)}</b>
          <div class="muted">${time(p.publishedAt, zoneOfCorp(p.corpId))}</div></div></div>
        ${renderMoment(p.text, p.attachments, b)}
        ${renderInteractions(p.interactions, zoneOfCorp(p.corpId))}
        <div style="display:flex;gap:6px;align-items:center;margin-top:6px">
          <form method="post" action="${esc(b)}/phone/moment/like">${hidden}${p.liked ? '<input type="hidden" name="unlike" value="1">' : ''}
            <button class="secondary">${p.liked ? t('取消赞', 'unlike') : t('赞', 'like')}</button></form>
          <form class="inline grow" method="post" action="${esc(b)}/phone/moment/comment">${hidden}<input name="text" placeholder="评论 / comment" required maxlength="1000">
            <button class="secondary">${t('评论', 'comment')}</button></form></div></div>`;
    })
    .join('');
  return `<section id="moments"><h2>${t('朋友圈', 'Moments')}</h2>${rows || `<div class="muted">${t('好友还没有发表朋友圈', 'No moments from your contacts yet')}</div>`}</section>`;
}

export function registerPhoneSocial(app: FastifyInstance, ctx: SimContext, control: SimControl, base: (req: FastifyRequest) => string): void {
  const identity = (req: FastifyRequest) => cookieOf(req.headers.cookie, IDENTITY_COOKIE);
  const redirect = (reply: FastifyReply, url: string, k: 'msg' | 'err', m: string, anchor = '') =>
    reply.redirect(`${url}${url.includes('?') ? '&' : '?'}${k}=${encodeURIComponent(m)}${anchor}`, 303);
  /** Runs an action as the phone's person; control errors come back as a red banner on `to`. */
  const act =
    (to: (req: FastifyRequest, form: Form) => string, fn: (me: string, form: Form) => Promise<string>, anchor = '') =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const form = (req.body ?? {}) as Form;
      const me = identity(req);
      if (!me) return redirect(reply, `${base(req)}/phone`, 'err', '先选择一个模拟客户 (pick a simulated customer first)');
      try {
        return redirect(reply, to(req, form), 'msg', await fn(me, form), anchor);
      } catch (err) {
        if (err instanceof ControlError) return redirect(reply, to(req, form), 'err', err.message, anchor);
        throw err;
      }
    };
  const chatUrl = (req: FastifyRequest, corpId = '', userid = '') => `${base(req)}/phone/chat?corp=${encodeURIComponent(corpId)}&userid=${encodeURIComponent(userid)}`;
  const groupUrl = (req: FastifyRequest, chatId = '') => `${base(req)}/phone/group?chat=${encodeURIComponent(chatId)}`;

  app.get('/phone/chat', async (req: FastifyRequest<{ Querystring: Form }>, reply) => {
    const b = base(req);
    const me = identity(req);
    const { corp = '', userid = '' } = req.query;
    reply.type('text/html');
    if (!me) return reply.redirect(`${b}/phone`, 302);
    const staff = await ctx.db.one<Pick<SimStaffRow, 'name' | 'position'>>(`SELECT name, position FROM {s}.staff WHERE corp_id = $1 AND userid = $2`, [corp, userid]);
    if (!staff) return reply.code(404).send(page('聊天 Chat', `${flash(undefined, `unknown staff ${userid}`)}<section><a href="${esc(b)}/phone">${t('返回', 'back')}</a></section>`));
    const lines = await control.listConversation(me, userid, { corpId: corp, limit: 100 });
    const tz = await zoneOf(ctx, corp);
    const transcript = lines
      .map((l) => {
        const mine = l.direction === 'from_customer';
        const label = KIND_LABEL[l.kind] ? ` · ${esc(KIND_LABEL[l.kind])}` : '';
        return `<div class="line${mine ? ' me' : ''}"><div class="muted">${mine ? t('我', 'me') : esc(staff.name)} · ${time(l.createdAt, tz)}${label}</div>${renderPayload(l.payload)}</div>`;
      })
      .join('');
    const header = `<header><a href="${esc(b)}/phone">←</a><span class="grow"><b>${esc(staff.name)}</b> <small class="en">${esc(staff.position)}</small></span></header>`;
    return reply.send(
      page(
        `${staff.name} · 聊天`,
        `${CHAT_CSS}${flash(req.query.msg, req.query.err)}<section id="conversation">${transcript || `<div class="muted center">${t('还没有消息', 'No messages yet')}</div>`}</section>
        <form class="composer" method="post" action="${esc(b)}/phone/chat/send"><input type="hidden" name="corpId" value="${esc(corp)}"><input type="hidden" name="userid" value="${esc(userid)}">
          <select name="kind" aria-label="类型 type"><option value="text">文字</option><option value="link">链接 link</option><option value="image">图片 image</option></select><input name="text" placeholder="发消息 / message" required autocomplete="off"><button>${t('发送', 'send')}</button></form>`,
        { header },
      ),
    );
  });

  app.post(
    '/phone/chat/send',
    act(
      (req, form) => chatUrl(req, form.corpId, form.userid),
      async (me, form) => {
        await control.sendMessage(me, form.userid ?? '', composed(form), { corpId: form.corpId });
        return '已发送 (sent)';
      },
    ),
  );

  app.get('/phone/group', async (req: FastifyRequest<{ Querystring: Form }>, reply) => {
    const b = base(req);
    const me = identity(req);
    reply.type('text/html');
    if (!me) return reply.redirect(`${b}/phone`, 302);
    const g = await control.getGroup(req.query.chat ?? '');
    if (!g || !g.members.some((m) => m.wechatUserId === me)) {
      return reply.code(404).send(page('群聊 Group', `${flash(undefined, `你不在这个群里 (not a member of ${req.query.chat ?? ''})`)}<section><a href="${esc(b)}/phone">${t('返回', 'back')}</a></section>`));
    }
    const myId = externalUseridFor(g.corpId, me);
    const tz = await zoneOf(ctx, g.corpId);
    const lines = await listChatTranscript(ctx.db, g.corpId, { chatId: g.chatId }, 100);
    const transcript = lines
      .map((l) => {
        const mine = l.direction === 'in_group' && l.externalUserid === myId;
        const who = mine ? t('我', 'me') : esc(l.staffName ?? l.customerName ?? l.userid ?? '');
        const label = KIND_LABEL[l.kind] ? ` · ${esc(KIND_LABEL[l.kind])}` : '';
        return `<div class="line${mine ? ' me' : ''}"><div class="muted">${who} · ${time(l.createdAt, tz)}${label}</div>${renderPayload(l.payload)}</div>`;
      })
      .join('');
    const header = `<header><a href="${esc(b)}/phone">←</a><span class="grow"><b>${esc(g.name)}</b> <small class="en">${g.members.length} 人</small></span></header>`;
    return reply.send(
      page(
        `${g.name} · 群聊`,
        `${CHAT_CSS}${flash(req.query.msg, req.query.err)}<section id="conversation">${transcript || `<div class="muted center">${t('还没有消息', 'No messages yet')}</div>`}</section>
        <form class="composer" method="post" action="${esc(b)}/phone/group/send"><input type="hidden" name="chatId" value="${esc(g.chatId)}">
          <select name="kind" aria-label="类型 type"><option value="text">文字</option><option value="link">链接 link</option><option value="image">图片 image</option></select><input name="text" placeholder="发消息 / message" required autocomplete="off"><button>${t('发送', 'send')}</button></form>`,
        { header },
      ),
    );
  });

  app.post(
    '/phone/group/send',
    act(
      (req, form) => groupUrl(req, form.chatId),
      async (me, form) => {
        await control.sayInGroup(me, form.chatId ?? '', composed(form));
        return '已发送 (sent)';
      },
    ),
  );

  const home = (req: FastifyRequest) => `${base(req)}/phone`;
  app.post(
    '/phone/moment/like',
    act(
      home,
      async (me, form) => {
        const r = await control.likeMoment(me, form.momentId ?? '', form.userid ?? '', { corpId: form.corpId, unlike: form.unlike === '1' });
        return r.liked ? '已赞 (liked)' : '已取消赞 (unliked)';
      },
      '#moments',
    ),
  );
  app.post(
    '/phone/moment/comment',
    act(
      home,
      async (me, form) => {
        await control.commentMoment(me, form.momentId ?? '', form.userid ?? '', form.text ?? '', { corpId: form.corpId });
        return '已评论 (commented)';
      },
      '#moments',
    ),
  );
}

/**
 * What the composer sends: text, a link (the text is its URL, or a title then the URL) or an image (the text is its
 * caption, kept as the image's name) — so a simulated customer can post what moderation and the chat archive see.
 */
function composed(form: Record<string, string | undefined>): string | { msgtype: string; [k: string]: unknown } {
  const text = (form.text ?? '').trim();
  if (form.kind === 'link') {
    const url = /https?:\/\/\S+/.exec(text)?.[0];
    if (!url) throw new ControlError('链接需要 http(s):// 地址 (a link needs an http(s) URL)');
    const title = text.replace(url, '').trim() || url;
    return { msgtype: 'link', link: { title, desc: '', url, picurl: '' } };
  }
  if (form.kind === 'image') return { msgtype: 'image', image: { media_id: `phone-${text || 'photo'}`.slice(0, 64), pic_url: '' } };
  return text;
}
