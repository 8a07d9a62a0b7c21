// The WeCom chat sidebar (聊天工具栏): /sidebar/<corpid> is the page entered in WeCom admin for the app.
// WeCom opens it inside the client; Pond signs the member in by WeCom web OAuth (auth/getuserinfo),
// the page registers with wx.agentConfig (signature from the app ticket, WECOM.md §14), asks the
// client which chat it is in, and shows that customer's profile, editable tags, recent timeline and
// scripts (tap to send with sendChatMessage). Reads and writes go through the ordinary API as the
// staff role, so a member only ever sees their own customers and groups.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { sidebarCsp } from '../../platform/security-headers';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WecomError } from '@pond/wecom';
import { SidebarConfig, SidebarConfigQuery, SidebarCustomer, SidebarCustomerParams } from '@pond/contracts/sidebar';
import type { App } from '../../platform/http';
import { SIDEBAR_COOKIE, SIDEBAR_TTL_MS, type AuthService } from '../../platform/auth';
import { wecomHint } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import type { CorpService } from '../org';
import type { CustomerService } from '../customers';
import { sidebarPage, sidebarNotice } from './page';
import { SidebarService } from './service';
import { staffStatus } from './repo';
import { access, publicRoute, ALL_ROLES } from '../../platform/access';

const TAGS = ['sidebar'];
const STATE_COOKIE = 'pond_sidebar_state';
const CLIENT_JS = readFileSync(new URL('./sidebar.client.js', import.meta.url), 'utf8');
/** The JS-SDK as WeCom serves it (jweixin for wx.*, jwxwork for agentConfig), unless the corp points elsewhere (simulator). */
const WECOM_JSSDK = ['https://res.wx.qq.com/open/js/jweixin-1.2.0.js', 'https://open.work.weixin.qq.com/wwopen/js/jwxwork-1.0.0.js'];
/** auth/getuserinfo's answers for a code that is not (or no longer) good: invalid, already used, missing. */
const INVALID_CODE_ERRCODES = new Set([40029, 40163, 41008]);

/** The JS-SDK scripts for a corp whose members' WeCom web side is at `base` (null: WeCom itself). */
export const jssdkUrls = (base: string | null) => (base ? [`${base}/jssdk/jwxwork.js`] : WECOM_JSSDK);

export async function sidebarRoutes(app: App, deps: {
  pool: pg.Pool; auth: AuthService; corps: CorpService; customers: CustomerService; publicUrl: () => string; secureCookies: boolean; log: Logger;
}) {
  const { pool, auth, corps } = deps;
  const sidebar = new SidebarService(deps);
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.secureCookies };

  // The page and its script are for WeCom's client, not API callers: described here, left out of /docs.
  app.get('/sidebar/assets/sidebar.js', {
    config: publicRoute('the chat sidebar script (no data)'),
    schema: { hide: true, produces: ['application/javascript'], summary: "The sidebar page's script (no build step, no data; not cached)" },
  }, async (_req, reply) =>
    reply.type('application/javascript; charset=utf-8').header('cache-control', 'no-cache').send(CLIENT_JS));

  app.get('/sidebar/:corpId', {
    config: publicRoute('the chat sidebar page: signs the member in by WeCom OAuth'),
    schema: {
      hide: true, produces: ['text/html'], summary: 'The chat sidebar page (聊天工具栏), entered in WeCom admin',
      description: 'A signed-in member gets the page (HTML). Otherwise 302 to WeCom web OAuth (snsapi_base), which returns here with '
        + '`code` and `state`: the member is signed in (a `pond_sidebar` cookie) and sent back here without them (303). A sign-in '
        + 'that expired or came from elsewhere, or a code WeCom does not know, is a 400 page; someone who is not an active member a 403 '
        + 'page; WeCom failing a 502 page.',
    },
  }, async (req: FastifyRequest<{ Params: { corpId: string }; Querystring: Record<string, string | undefined> }>, reply: FastifyReply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    // An id that is no corp gets the same answers as one that is (a sign-in redirect, then a code WeCom does not
    // know): the page cannot be used to find which corps Pond serves.
    const { corp, known } = await corps.getOrDecoy(req.params.corpId);
    // Only an allowed address (the simulator's, in demo) frames this page, serves its JS-SDK and signs members in.
    const web = known ? corps.allowedBase(corp, 'web') : null;
    if (web) reply.header('content-security-policy', sidebarCsp([new URL(web).origin]));
    const here = new URL(req.url, deps.publicUrl());
    const cookie = req.cookies[SIDEBAR_COOKIE];
    const signedIn = known && cookie ? await auth.fromSidebarSession(cookie) : null;
    if (signedIn && signedIn.corpId === corp.id && !req.query.code) {
      return reply.send(sidebarPage({ corpId: corp.id, timezone: corp.timezone, jssdk: jssdkUrls(web), me: { userid: signedIn.staffUserid!, name: signedIn.name } }));
    }
    const code = req.query.code;
    if (code) {
      // Back from WeCom's authorize page: the state must be the one this browser was sent with.
      const expected = req.cookies[STATE_COOKIE];
      if (!expected || req.query.state !== expected) {
        return reply.code(400).send(sidebarNotice('登录已过期，请重新打开侧边栏', 'The sign-in expired or came from elsewhere: close and reopen the sidebar.'));
      }
      reply.clearCookie(STATE_COOKIE, { path: '/sidebar' });
      const invalidCode = (errcode: number) => reply.code(400).send(sidebarNotice('登录链接无效或已过期，请重新打开侧边栏', `The sign-in code is invalid, used or expired (WeCom errcode ${errcode}): close and reopen the sidebar.`));
      // No corp: WeCom would not know the code either.
      if (!known) return invalidCode(40029);
      let userid: string | undefined;
      try {
        const who = await (await corps.client(corp.id)).getUserInfo(code);
        userid = who.userid;
      } catch (err) {
        if (!(err instanceof WecomError)) throw err;
        // A code WeCom does not know (forged, used, older than 5 minutes): the browser's fault, not WeCom's.
        if (err.kind === 'api' && INVALID_CODE_ERRCODES.has(err.errcode)) return invalidCode(err.errcode);
        deps.log.warn({ err, corpId: corp.id }, 'sidebar: auth/getuserinfo failed');
        return reply.code(502).send(sidebarNotice('企业微信登录失败', `Signing in with WeCom failed (errcode ${err.errcode}, ${err.api}: ${err.errmsg}). ${wecomHint(err)}`));
      }
      if (!userid) return reply.code(403).send(sidebarNotice('仅限企业成员使用', 'Only members of the corp can use the sidebar.'));
      if ((await staffStatus(pool, corp.id, userid)) !== 1) {
        return reply.code(403).send(sidebarNotice('你不是本企业的在职成员', `WeCom says you are ${userid}, who is not an active member in Pond yet (sync the org in Settings).`));
      }
      const token = await auth.createSidebarSession(corp.id, userid);
      reply.setCookie(SIDEBAR_COOKIE, token, { ...cookieOpts, maxAge: SIDEBAR_TTL_MS / 1000 });
      here.searchParams.delete('code');
      here.searchParams.delete('state');
      return reply.redirect(`${here.pathname}${here.search}`, 303);
    }
    // Not signed in: WeCom web OAuth with the corpid as appid and the app's agentid (snsapi_base is silent for members).
    const state = randomBytes(12).toString('base64url');
    reply.setCookie(STATE_COOKIE, state, { ...cookieOpts, path: '/sidebar', maxAge: 600 });
    const params = new URLSearchParams({ appid: corp.id, redirect_uri: here.toString(), response_type: 'code', scope: 'snsapi_base', state, agentid: corp.agentId });
    return reply.redirect(`${web ?? 'https://open.weixin.qq.com'}/connect/oauth2/authorize?${params.toString()}#wechat_redirect`, 302);
  });

  /** wx.agentConfig's signature for the page at `url` (without its #fragment). */
  app.get('/api/sidebar/config', {
    config: access(ALL_ROLES, { scope: 'self' }),
    schema: { tags: TAGS, summary: 'JS-SDK agentConfig signature for the sidebar page', querystring: SidebarConfigQuery, response: { 200: SidebarConfig } },
  }, async (req) => sidebar.config(req.principal!, req.query.url));

  app.get('/api/sidebar/customers/:externalUserid', {
    config: access(ALL_ROLES, { params: { externalUserid: 'customer' } }), schema: {
      tags: TAGS, summary: "A customer as the sidebar shows them: profile, the member's relation and tags, groups, recent timeline",
      params: SidebarCustomerParams, response: { 200: SidebarCustomer },
    },
  }, async (req) => sidebar.customer(req.principal!, req.scope, req.params.externalUserid));
}
