// Invite campaign routes: the console's create / edit / detail, participants (the leaderboard), the credits and their
// review queue; the customer page's API (progress, join, poster); and /l/i/<token>, the page a participant's poster
// opens for their friends. Publishing, pausing and ending go through POST /api/campaigns/:id/status.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { IdParams } from '@pond/contracts/common';
import { CustomerCampaignParams } from '@pond/contracts/campaigns-h5';
import {
  CreateInviteBody, CreditParams, CreditReviewBody, CustomerInviteView, Invite, InviteCredit, InviteCredits, InviteCreditsQuery, InviteDetail,
  InviteParticipants, InviteParticipantsQuery, UpdateInviteBody,
} from '@pond/contracts/invites';
import type { Simulator } from '@pond/wecom-sim';
import type { App } from '../../platform/http';
import { access, ALL_ROLES, publicRoute, WRITE_ROLES } from '../../platform/access';
import { allowLandingInline } from '../../platform/security-headers';
import type { Logger } from '../../platform/log';
import type { CustomerSessions } from '../campaigns';
import { demoLink, identify, isAutomated } from '../live-codes';
import type { CorpService } from '../org';
import type { InviteService, VisitOutcome } from './service';

const TAGS = ['invites'];
const REFS = {
  'config.codeId': 'liveCode', 'config.tiers[].reward.couponPoolId': 'couponPool', joinCodeId: 'liveCode', 'eligibility.tagIds[]': 'tag',
  'eligibility.segmentIds[]': 'segment', 'eligibility.chatIds[]': 'group', 'eligibility.storeIds[]': 'store',
} as const;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
const CSS = `body{margin:0;font:16px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#fff6ec;color:#1f2d3d;text-align:center}
main{max-width:420px;margin:0 auto;padding:28px 20px}.card{background:#fff;border-radius:16px;padding:24px 20px;box-shadow:0 2px 12px rgba(0,0,0,.06)}
.av{width:64px;height:64px;border-radius:50%;object-fit:cover;background:#e6edf2}h1{font-size:20px;margin:10px 0 4px}.from{color:#e8590c;font-size:14px}
.qr{width:240px;height:240px;margin:16px auto 8px;display:block}.hint{color:#6b7b8c;font-size:14px}.en{color:#98a6b5;font-size:12px}a{color:#e8590c}`;
// The page runs no script; its one inline style is allowed by hash (CSP of /l/ pages).
allowLandingInline('style', CSS);

const page = (title: string, body: string) => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head><body><main>${body}</main></body></html>`;
const notice = (title: string, zh: string, en: string) => page(title, `<div class="card"><h1>${esc(zh)}</h1><p class="en">${esc(en)}</p></div>`);

type LinkRequest = FastifyRequest<{ Params: { token: string }; Querystring: Record<string, string | undefined> }>;

export function inviteRoutes(app: App, deps: {
  invites: InviteService; sessions: CustomerSessions; corps: CorpService; sim?: Simulator; secureCookies: boolean; publicUrl: () => string; log: Logger;
}) {
  const { invites, sessions } = deps;

  app.post('/api/invites', {
    config: { ...access(WRITE_ROLES, { scope: 'corp', refs: REFS }), audit: { action: 'invite.create' } },
    schema: {
      tags: TAGS, summary: 'Create an invite campaign (任务宝 / 群裂变; a draft until published): the live code friends are routed by, the counting rule, holding period, reward tiers',
      body: CreateInviteBody, response: { 200: Invite },
    },
  }, async (req) => invites.view(await invites.create(req.principal!.corpId, req.body, req.principal!.name)));

  app.get('/api/invites/:id', {
    config: access(ALL_ROLES, { params: { id: 'campaign' } }),
    schema: {
      tags: TAGS, summary: 'An invite campaign with its numbers: participants, friends scanned/credited/pending/voided, K-factor, cost per new customer, tiers reached',
      params: IdParams, response: { 200: InviteDetail },
    },
  }, async (req) => invites.detail(req.principal!.corpId, req.params.id));

  app.patch('/api/invites/:id', {
    config: { ...access(WRITE_ROLES, { params: { id: 'campaign' }, refs: REFS }), audit: { action: 'invite.update' } },
    schema: {
      tags: TAGS, summary: 'Change an invite campaign (the code, rule and holding period stay once friends are credited)', params: IdParams, body: UpdateInviteBody,
      response: { 200: Invite },
    },
  }, async (req) => invites.view(await invites.update(req.principal!.corpId, req.params.id, req.body)));

  app.get('/api/invites/:id/participants', {
    config: access(WRITE_ROLES, { params: { id: 'campaign' } }),
    schema: { tags: TAGS, summary: 'Participants by friends credited (the leaderboard), with pending and voided', params: IdParams, querystring: InviteParticipantsQuery, response: { 200: InviteParticipants } },
  }, async (req) => invites.participants(req.principal!.corpId, req.params.id, req.query));

  app.get('/api/invites/:id/credits', {
    config: access(WRITE_ROLES, { params: { id: 'campaign' } }),
    schema: {
      tags: TAGS, summary: 'Friends credited to participants, newest first (status review: the queue of flagged credits an operator clears)',
      params: IdParams, querystring: InviteCreditsQuery, response: { 200: InviteCredits },
    },
  }, async (req) => invites.creditList(req.principal!.corpId, req.params.id, req.query));

  app.post('/api/invites/:id/credits/:creditId/review', {
    config: { ...access(WRITE_ROLES, { params: { id: 'campaign' } }), audit: { action: 'invite.review' } },
    schema: {
      tags: TAGS, summary: 'Clear a flagged credit: approve (it counts once its holding period is over) or reject (voided)', params: CreditParams, body: CreditReviewBody,
      response: { 200: InviteCredit },
    },
  }, async (req) => invites.review(req.principal!.corpId, req.params.id, req.params.creditId, req.body.decision, req.principal!.name));

  // ---- the customer page ----

  app.get('/c/api/:corpId/invites/:id', {
    config: publicRoute('the invite page\'s API: the customer is who the signed WeChat session cookie says, nothing in the request'),
    schema: { tags: ['invites (customer)'], summary: 'My progress: friends counted, pending and voided, tiers and rewards, the leaderboard and my rank', params: CustomerCampaignParams, response: { 200: CustomerInviteView } },
  }, async (req) => invites.me(await sessions.forApi(req, req.params.corpId), req.params.id));

  app.post('/c/api/:corpId/invites/:id/join', {
    config: publicRoute('a customer takes part on the invite page: who they are comes only from the WeChat session cookie; no body'),
    schema: { tags: ['invites (customer)'], summary: 'Take part (once): my link and poster', params: CustomerCampaignParams, body: z.object({}).strict().optional(), response: { 200: CustomerInviteView } },
  }, async (req) => invites.join(await sessions.forApi(req, req.params.corpId), req.params.id));

  app.get('/c/api/:corpId/invites/:id/poster.png', {
    config: publicRoute('the customer\'s own poster: who they are comes only from the WeChat session cookie'),
    schema: {
      tags: ['invites (customer)'], summary: 'My poster (9:16 PNG with my own QR; rendered once, then cached)', params: CustomerCampaignParams, produces: ['image/png'],
      response: { 200: { description: 'A PNG image', content: { 'image/png': { schema: z.instanceof(Buffer).meta({ type: 'string', format: 'binary' }) } } } },
    },
  }, async (req, reply) => {
    const { png } = await invites.poster(await sessions.forApi(req, req.params.corpId), req.params.id);
    return reply.type('image/png').header('cache-control', 'private, max-age=300').send(png);
  });

  // ---- a friend opens a participant's link (the poster's QR) ----

  function render(o: Exclude<VisitOutcome, { status: 'link' }>, demoAs: string | undefined): { status: number; html: string } {
    switch (o.status) {
      case 'not_found': return { status: 404, html: notice('邀请', '这个邀请链接不存在', 'This invite link does not exist.') };
      case 'closed': return { status: 200, html: notice(o.campaign.name, '活动未开放或已结束，感谢关注', 'The campaign is not open. Thank you!') };
      case 'no_staff': return { status: 200, html: notice(o.campaign.name, '顾问暂时不在线，请稍后再扫码', 'No one is available right now — please scan again later.') };
      case 'self': return {
        status: 200,
        html: page(o.campaign.name, `<div class="card"><h1>这是您自己的邀请海报</h1><p class="hint">分享给好友，好友添加后计入您的邀请</p>
          <p class="en">This is your own poster: share it with friends.</p><p><a href="${esc(o.pageUrl)}">查看我的邀请进度 · My progress</a></p></div>`),
      };
      case 'staff':
      case 'group': {
        const href = demoAs ? `${o.qrUrl}${o.qrUrl.includes('?') ? '&' : '?'}as=${encodeURIComponent(demoAs)}` : null;
        const img = `<img class="qr" src="${esc(o.qrUrl)}" alt="QR">`;
        const who = o.status === 'staff' && o.staffName
          ? `${o.staffAvatar ? `<img class="av" src="${esc(o.staffAvatar)}" alt="">` : ''}<h1>${esc(o.staffName)}</h1>`
          : `<h1>${esc(o.campaign.name)}</h1>`;
        const from = o.inviter ? `<div class="from">${esc(o.inviter)} 邀请您 · invited you</div>` : '';
        const verb = o.status === 'group' ? ['加入群聊', 'join the group'] : ['添加好友', 'add'];
        return {
          status: 200,
          html: page(o.campaign.name, `<div class="card">${from}${who}${href ? `<a href="${esc(href)}">${img}</a>` : img}
            <div class="hint">长按识别二维码${verb[0]}</div><div class="en">Long-press the QR code to ${verb[1]}</div></div>`),
        };
      }
    }
  }

  app.get('/l/i/:token', {
    config: publicRoute('the page a participant\'s poster opens for their friends: records the visit and shows the campaign code\'s staff or group QR'),
    schema: {
      hide: true, produces: ['text/html'], summary: 'An invite link (the URL a participant\'s poster QR encodes)',
      description: 'HTML: the staff member\'s or group\'s QR (routed by the campaign\'s live code), or a notice. 302 to WeChat OAuth to identify the friend, '
        + 'or to the code\'s acquisition link with the visit\'s customer_channel (link mode).',
    },
  }, async (req: LinkRequest, reply) => {
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
    const token = req.params.token;
    if (isAutomated(req)) return reply.send(notice('邀请 Invite', '请用微信扫码或在微信中打开', 'Scan with WeChat, or open this page in WeChat.'));
    const corpId = /^[A-Za-z0-9]{6,32}$/.test(token) ? await invites.corpOfToken(token) : null;
    if (!corpId) return reply.status(404).send(render({ status: 'not_found' }, undefined).html);
    const who = await identify(req, reply, await deps.corps.get(corpId), {
      publicUrl: deps.publicUrl(), secureCookies: deps.secureCookies, log: deps.log,
      simIdentity: deps.sim ? async (id) => (await deps.sim!.control.getWechatUser(id))?.unionid ?? null : undefined,
    });
    if ('redirect' in who) return reply.redirect(who.redirect, 302);
    const v = who.visitor;
    const outcome = await invites.visit(token, { ...v, openid: v.key.startsWith('o:') ? v.key.slice(2) : null }, req.ip);
    if (outcome.status === 'link') return reply.redirect(demoLink(outcome.url, deps.sim ? req.cookies.sim_wechat_user : undefined), 302);
    const out = render(outcome, deps.sim ? req.cookies.sim_wechat_user : undefined);
    return reply.status(out.status).send(out.html);
  });
}
