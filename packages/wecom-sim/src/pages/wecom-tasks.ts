// What a member finds in the simulated WeCom client besides chats (shown on /wecom?corp&userid):
//   群发助手      mass-send tasks from add_msg_template: send to all, or to the recipients picked (when
//                 the send allows it) → POST /wecom/mass-send/confirm
//   朋友圈任务    moment tasks from add_moment_task: publish → POST /wecom/moment/publish; likes and
//                 comments on the member's posts, and a reply box → POST /wecom/moment/comment
//   应用消息      app messages (message/send: text, markdown, textcard, news …) and mass-send reminders;
//                 a textcard's button opens its url via GET /wecom/app-messages/:id/open, which logs the
//                 member in to the simulated client first (cookie), as WeCom's in-app browser would
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { confirmMassSend, listMassSendTasks, type MassSendTask } from '../broadcasts';
import type { SimContext } from '../context';
import { ControlError } from '../errors';
import { getStaffMessage, listStaffMessages } from '../messages';
import { commentMoment, listMomentTasks, publishMoment, type MomentInteraction, type MomentTask } from '../moments';
import type { MomentAttachment, SimCorpRow } from '../rows';
import { DEFAULT_TIMEZONE } from '../time';
import { isRecord, prop } from '../validate';
import { esc, page, renderPayload, t, time } from './html';
import { memberCookie } from './wecom-oauth';

type Form = Record<string, string | undefined>;

const STATUS_LABEL: Record<number, string> = { 0: '未发送 unsent', 1: '已发送 sent', 2: '非好友 not a friend', 3: '已达上限 over the cap' };

const CSS = `<style>
.task{border:1px solid #eee;border-radius:8px;padding:8px 10px;margin:8px 0}
.picks{max-height:180px;overflow-y:auto;margin:6px 0;display:flex;flex-wrap:wrap;gap:4px 12px}
.picks label{font-size:13px;white-space:nowrap}.picks input{width:auto}
.card{border:1px solid #e5e5e5;border-radius:8px;padding:10px 12px;margin:6px 0;background:#fff}
.card .gray{color:#888}.card .highlight{color:#1677ff}.card .normal{color:#111}
.card a.btn{margin-top:6px}.thumbs img{width:72px;height:72px;object-fit:cover;border-radius:4px;margin:2px}
</style>`;

async function zoneOf(ctx: SimContext, corpId: string): Promise<string> {
  return (await ctx.db.one<Pick<SimCorpRow, 'timezone'>>(`SELECT timezone FROM {s}.corps WHERE corp_id = $1`, [corpId]))?.timezone ?? DEFAULT_TIMEZONE;
}

const memberQuery = (corpId: string, userid: string) => `corp=${encodeURIComponent(corpId)}&userid=${encodeURIComponent(userid)}`;

const hiddenMember = (corpId: string, userid: string) =>
  `<input type="hidden" name="corp" value="${esc(corpId)}"><input type="hidden" name="userid" value="${esc(userid)}">`;

/** The three sections of the member's page: mass-send tasks, moment tasks, app messages. */
export async function staffWorkSections(ctx: SimContext, corpId: string, userid: string, b: string): Promise<string> {
  const [tz, mass, moments, messages] = await Promise.all([
    zoneOf(ctx, corpId),
    listMassSendTasks(ctx.db, corpId, userid, { limit: 20 }),
    listMomentTasks(ctx.db, corpId, userid, { limit: 20 }),
    listStaffMessages(ctx.db, corpId, userid, 30),
  ]);
  const pendingMass = mass.filter((m) => m.status === 0 && !m.canceled);
  const doneMass = mass.filter((m) => !(m.status === 0 && !m.canceled)).slice(0, 5);
  const massHtml =
    pendingMass.map((m) => massTaskForm(m, corpId, userid, b, tz)).join('') +
    (doneMass.length ? `<details><summary>${t('已处理', 'done')} (${doneMass.length})</summary>${doneMass.map((m) => massTaskDone(m, tz)).join('')}</details>` : '');
  const momentHtml = moments.map((m) => momentTaskCard(m, corpId, userid, b, tz)).join('');
  const appHtml = messages.map((m) => appMessageCard(m, corpId, userid, b, tz)).join('');
  return `${CSS}
    <section id="mass-tasks"><h2>${t('群发助手', 'Mass-send tasks')}${pendingMass.length ? ` <span class="tag">${pendingMass.length}</span>` : ''}</h2>
      ${massHtml || `<div class="muted">${t('没有待发送的群发', 'Nothing to send')}</div>`}</section>
    <section id="moment-tasks"><h2>${t('朋友圈任务', 'Moment tasks')}</h2>${momentHtml || `<div class="muted">${t('没有朋友圈任务', 'No moment tasks')}</div>`}</section>
    <section id="app-messages"><h2>${t('应用消息', 'App messages')}</h2>${appHtml || `<div class="muted">${t('暂无应用消息', 'No app messages')}</div>`}</section>`;
}

function massTaskForm(m: MassSendTask, corpId: string, userid: string, b: string, tz: string): string {
  const open = m.recipients.filter((r) => r.status === 0);
  const kind = m.chatType === 'group' ? t('群发到客户群', 'to customer groups') : t('群发给客户', 'to customers');
  const picks = open
    .map(
      (r, i) =>
        `<label><input type="checkbox" name="pick.${i}" value="${esc(r.target)}" checked${m.canSelect ? '' : ' disabled'}> ${esc(r.name)}</label>`,
    )
    .join('');
  const total = m.counts[0] ?? 0;
  const more = total > open.length ? ` <span class="muted">${t(`仅显示前 ${open.length} 个`, `first ${open.length} shown`)}</span>` : '';
  return `<div class="task"><div class="muted">${kind} · ${time(m.createdAt, tz)} · ${total} ${m.chatType === 'group' ? '个群 groups' : '位客户 customers'}${more}</div>
    ${m.content.map((p) => renderPayload(p)).join('')}
    <form method="post" action="${esc(b)}/wecom/mass-send/confirm">${hiddenMember(corpId, userid)}<input type="hidden" name="msgid" value="${esc(m.msgid)}">
      <div class="picks">${picks}</div>
      ${m.canSelect ? '' : `<div class="muted">${t('该群发不允许成员修改发送对象', 'This send does not let the member change the recipients (allow_select is false)')}</div>`}
      <div style="display:flex;gap:6px"><button name="mode" value="all">${t('发送', 'send to all')}</button>
      ${m.canSelect ? `<button class="secondary" name="mode" value="picked">${t('发送给所选', 'send to the selected')}</button>` : ''}</div>
    </form></div>`;
}

function massTaskDone(m: MassSendTask, tz: string): string {
  const summary = Object.entries(m.counts)
    .map(([s, n]) => `${STATUS_LABEL[Number(s)] ?? s} ${n}`)
    .join(' · ');
  return `<div class="task"><div class="muted">${m.canceled && m.status === 0 ? t('已取消', 'cancelled') : t('已发送', 'sent')} · ${time(m.sentAt ?? m.createdAt, tz)} · ${esc(summary)}</div>
    ${m.content.map((p) => renderPayload(p)).join('')}</div>`;
}

/** A moment's text and attachments as a phone or the client shows them. */
export function renderMoment(text: string | null, attachments: MomentAttachment[], b: string): string {
  const images = attachments.filter((a) => a.msgtype === 'image' && a.image?.media_id);
  const link = attachments.find((a) => a.msgtype === 'link')?.link;
  const video = attachments.find((a) => a.msgtype === 'video')?.video;
  return `${text ? `<div>${esc(text).replace(/\n/g, '<br>')}</div>` : ''}
    ${images.length ? `<div class="thumbs">${images.map((a) => `<img src="${esc(b)}/media/${encodeURIComponent(a.image!.media_id)}" alt="图片 image">`).join('')}</div>` : ''}
    ${link ? `<div class="bubble">🔗 <a href="${esc(link.url)}" target="_blank" rel="noopener">${esc(link.title || link.url)}</a></div>` : ''}
    ${video ? `<div class="bubble">🎬 ${t('视频', 'video')} <span class="muted">${esc(video.media_id)}</span></div>` : ''}`;
}

export function renderInteractions(list: MomentInteraction[], tz: string): string {
  const likes = list.filter((x) => x.kind === 'like');
  const comments = list.filter((x) => x.kind === 'comment');
  if (!likes.length && !comments.length) return '';
  return `<div style="background:#f5f5f5;border-radius:4px;padding:4px 8px;margin-top:6px;font-size:13px">
    ${likes.length ? `<div class="likes">♡ ${likes.map((l) => esc(l.name)).join('，')}</div>` : ''}
    ${comments.map((c) => `<div class="comment"><b>${esc(c.name)}</b>：${esc(c.text)} <span class="muted">${time(c.createdAt, tz)}</span></div>`).join('')}</div>`;
}

function momentTaskCard(m: MomentTask, corpId: string, userid: string, b: string, tz: string): string {
  const state =
    m.publishStatus === 1
      ? `${t('已发表', 'published')} ${time(m.publishedAt ?? m.createdAt, tz)} · ${m.audience} ${t('位客户可见', 'customers can see it')}`
      : m.canceled
        ? t('已取消', 'cancelled')
        : `${t('待发表', 'to publish')} · ${m.audience} ${t('位客户将可见', 'customers would see it')}`;
  const action =
    m.publishStatus === 0 && !m.canceled
      ? `<form method="post" action="${esc(b)}/wecom/moment/publish">${hiddenMember(corpId, userid)}<input type="hidden" name="momentId" value="${esc(m.momentId)}">
          <button>${t('发表到客户朋友圈', 'publish to customers\u2019 moments')}</button></form>`
      : m.publishStatus === 1
        ? `<form class="inline" method="post" action="${esc(b)}/wecom/moment/comment">${hiddenMember(corpId, userid)}<input type="hidden" name="momentId" value="${esc(m.momentId)}">
            <input name="text" placeholder="回复 / comment" required maxlength="1000"><button class="secondary">${t('评论', 'comment')}</button></form>`
        : '';
  return `<div class="task"><div class="muted">${state}</div>${renderMoment(m.text, m.attachments, b)}${renderInteractions(m.interactions, tz)}${action}</div>`;
}

/** The little markdown WeCom app messages use: headings, bold, links, <font color="info|comment|warning">. */
function renderMarkdown(md: string): string {
  const colors: Record<string, string> = { info: '#07c160', comment: '#888', warning: '#fa8c16' };
  return esc(md)
    .replace(/&lt;font color=&quot;(info|comment|warning)&quot;&gt;([\s\S]*?)&lt;\/font&gt;/g, (_m, c: string, x: string) => `<span style="color:${colors[c]}">${x}</span>`)
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2" target="_blank" rel="noopener">$1</a>')
    .replace(/^#{1,6} (.*)$/gm, '<b>$1</b>')
    .replace(/\n/g, '<br>');
}

/** A textcard description: text with WeCom's <div class="gray|normal|highlight"> and <br> kept, everything else escaped. */
function renderCardDescription(d: string): string {
  return esc(d)
    .replace(/&lt;div class=&quot;(gray|normal|highlight)&quot;&gt;/g, '<div class="$1">')
    .replace(/&lt;\/div&gt;/g, '</div>')
    .replace(/&lt;br\s*\/?&gt;/g, '<br>');
}

function appMessageCard(
  m: { id: number; kind: string; payload: Record<string, unknown>; createdAt: number },
  corpId: string,
  userid: string,
  b: string,
  tz: string,
): string {
  const p = m.payload;
  const part = (k: string) => (isRecord(p[k]) ? p[k] : {});
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const head = `<div class="muted">${m.kind === 'reminder' ? t('群发提醒', 'mass-send reminder') : t('应用消息', 'app message')} · ${time(m.createdAt, tz)}</div>`;
  const openUrl = (extra = '') => `${esc(b)}/wecom/app-messages/${m.id}/open?${esc(memberQuery(corpId, userid))}${extra}`;
  let body: string;
  switch (p.msgtype) {
    case 'textcard': {
      const c = part('textcard');
      body = `<div class="card textcard"><b>${esc(str(c.title))}</b><div>${renderCardDescription(str(c.description))}</div>
        <a class="btn" href="${openUrl()}" target="_blank" rel="noopener">${esc(str(c.btntxt) || '详情')}</a></div>`;
      break;
    }
    case 'markdown':
      body = `<div class="card">${renderMarkdown(str(part('markdown').content))}</div>`;
      break;
    case 'news': {
      const articles = Array.isArray(part('news').articles) ? (part('news').articles as unknown[]) : [];
      body = articles
        .map((a, i) => `<div class="card"><a href="${openUrl(`&article=${i}`)}" target="_blank" rel="noopener"><b>${esc(str(prop(a, 'title')))}</b></a><div class="muted">${esc(str(prop(a, 'description')))}</div></div>`)
        .join('');
      break;
    }
    default:
      body = renderPayload(p);
  }
  return `<div class="app-message" data-kind="${esc(m.kind)}">${head}${body}</div>`;
}

export function registerWecomTasks(app: FastifyInstance, ctx: SimContext, base: (req: FastifyRequest) => string): void {
  const back = (req: FastifyRequest, reply: FastifyReply, form: Form, k: 'msg' | 'err', m: string) =>
    reply.redirect(`${base(req)}/wecom?${memberQuery(form.corp ?? '', form.userid ?? '')}&${k}=${encodeURIComponent(m)}#${form.anchor ?? ''}`, 303);
  const act = (anchor: string, fn: (form: Form & { corp: string; userid: string }) => Promise<string>) => async (req: FastifyRequest, reply: FastifyReply) => {
    const form: Form = { ...((req.body ?? {}) as Form), anchor };
    try {
      const { corp, userid } = form;
      if (!corp || !userid) throw new ControlError('corp and userid: required');
      return back(req, reply, form, 'msg', await fn({ ...form, corp, userid }));
    } catch (err) {
      if (err instanceof ControlError) return back(req, reply, form, 'err', err.message);
      throw err;
    }
  };

  app.post(
    '/wecom/mass-send/confirm',
    act('mass-tasks', async (form) => {
      if (!form.msgid) throw new ControlError('msgid: required');
      const targets =
        form.mode === 'picked'
          ? Object.entries(form)
              .filter(([k, v]) => k.startsWith('pick.') && v)
              .map(([, v]) => v!)
          : undefined;
      if (targets && targets.length === 0) throw new ControlError('选择至少一个发送对象 (pick at least one recipient)');
      const r = await confirmMassSend(ctx, form.corp, form.userid, form.msgid, { targets });
      return `已发送 (sent) ${r.sent} · 非好友 (not a friend) ${r.notFriend} · 已达上限 (over the cap) ${r.overCap} · 未发送 (left out) ${r.unsent}`;
    }),
  );

  app.post(
    '/wecom/moment/publish',
    act('moment-tasks', async (form) => {
      const r = await publishMoment(ctx, form.corp, form.userid, form.momentId ?? '');
      return `已发表，${r.audience} 位客户可见 (published: ${r.audience} customers can see it)`;
    }),
  );

  app.post(
    '/wecom/moment/comment',
    act('moment-tasks', async (form) => {
      await commentMoment(ctx, form.userid, form.momentId ?? '', form.userid, form.text ?? '', { corpId: form.corp });
      return '已评论 (commented)';
    }),
  );

  /**
   * A textcard's (or news article's) link, opened in the client as the member: their cookie, then the page in the
   * client's webview (wecom-app.ts: the JS bridge's frame, entry `normal`), as WeCom opens app message links.
   */
  app.get('/wecom/app-messages/:id/open', async (req: FastifyRequest<{ Params: { id: string }; Querystring: Form }>, reply) => {
    const q = req.query;
    const id = Number(req.params.id);
    const m = Number.isSafeInteger(id) && q.corp && q.userid ? await getStaffMessage(ctx.db, q.corp, q.userid, id) : null;
    const p = m?.payload;
    const url =
      p?.msgtype === 'textcard'
        ? prop(p.textcard, 'url')
        : p?.msgtype === 'news'
          ? prop((prop(p.news, 'articles') as unknown[] | undefined)?.[Number(q.article ?? 0)], 'url')
          : undefined;
    if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) {
      return reply.code(404).type('text/html').send(page('企业微信 (模拟)', `<section>${t('没有这条可打开的消息', 'No such message with a link for this member')}</section>`));
    }
    reply.header('set-cookie', memberCookie(q.corp!, q.userid!));
    return reply.redirect(`${base(req)}/wecom/app?${new URLSearchParams({ corp: q.corp!, userid: q.userid!, url }).toString()}`, 302);
  });
}
