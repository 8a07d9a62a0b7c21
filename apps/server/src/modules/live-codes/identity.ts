// Who opened a landing page. Inside WeChat, a corp with a 公众号 configured gets the visitor's openid
// and unionid through WeChat web OAuth (snsapi_base: silent, no consent page), kept in a signed
// cookie; the unionid is the lock key that survives devices and matches the customer after the add.
// Without OAuth a first-party cookie identifies the browser.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CorpRow } from '../org';
import type { Logger } from '../../platform/log';

export interface Visitor { key: string; kind: 'unionid' | 'openid' | 'sim' | 'cookie'; unionid: string | null }

export const VISITOR_COOKIE = 'pond_vid';
export const WECHAT_COOKIE = 'pond_wx';
const OAUTH_STATE = 'pond';

const sign = (value: string, key: string) => createHmac('sha256', key).update(value).digest('base64url');

export function sealWechatIdentity(openid: string, unionid: string | null, key: string): string {
  const v = `${openid}.${unionid ?? ''}`;
  return `${v}.${sign(v, key)}`;
}

export function openWechatIdentity(cookie: string | undefined, key: string): { openid: string; unionid: string | null } | null {
  if (!cookie) return null;
  const i = cookie.lastIndexOf('.');
  if (i < 0) return null;
  const v = cookie.slice(0, i);
  const mac = Buffer.from(cookie.slice(i + 1));
  const want = Buffer.from(sign(v, key));
  if (mac.length !== want.length || !timingSafeEqual(mac, want)) return null;
  const [openid, unionid] = v.split('.');
  return openid ? { openid, unionid: unionid || null } : null;
}

export const isWechatBrowser = (ua: string | undefined) => /MicroMessenger/i.test(ua ?? '');

/**
 * User agents that fetch a page for a machine, not for a person looking at it: crawlers, link previews
 * (chat apps unfurling a pasted link), monitors and HTTP tools. The one list; `(?<!cu)` spares Cubot phones.
 */
const AUTOMATED_UA = new RegExp([
  '(?<!cu)bot\\b', 'bot[/_-]', 'crawl', 'spider', 'slurp', 'preview', 'facebookexternalhit', 'meta-externalagent', 'embedly',
  'whatsapp', 'telegram', 'skypeuripreview', 'vkshare', 'pinterest', 'bitly', 'ia_archiver', 'headlesschrome', 'lighthouse',
  'yandex', 'baidu', 'sogou', 'yisou', 'bytespider', 'petalbot', '360spider', 'haosou', 'semrush', 'ahrefs', 'mj12',
  'python-requests', 'python-urllib', 'aiohttp', 'go-http-client', 'okhttp', '^java/', 'libwww', '^curl/', '^wget/', 'httpclient', 'scrapy',
].join('|'), 'i');

/** Not a person looking at the page: a HEAD request, no user agent, or an automated one. */
export function isAutomated(req: { method: string; headers: { 'user-agent'?: string } }): boolean {
  const ua = req.headers['user-agent'];
  return req.method === 'HEAD' || !ua || AUTOMATED_UA.test(ua);
}

export type Identified = { visitor: Visitor } | { redirect: string };

/**
 * Resolves the visitor, or asks for a redirect to WeChat's authorize page first (inside WeChat, when
 * the corp has a 公众号 for OAuth and the visitor is not known yet).
 */
export async function identify(
  req: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply: Pick<FastifyReply, 'setCookie'>, corp: CorpRow | null,
  opts: { publicUrl: string; secureCookies: boolean; log: Logger; simIdentity?: (id: string) => Promise<string | null>; cookiePath?: string },
): Promise<Identified> {
  const cookieOpts = { path: opts.cookiePath ?? '/l', httpOnly: true, sameSite: 'lax' as const, secure: opts.secureCookies, maxAge: 365 * 86400 };
  if (corp?.oauthAppId && corp.oauthSecret) {
    const known = openWechatIdentity(req.cookies[WECHAT_COOKIE], corp.oauthSecret);
    if (known) return { visitor: visitorOf(known) };
    const code = req.query.code;
    if (code && req.query.state === OAUTH_STATE) {
      try {
        const apiBase = (corp.oauthApiBase ?? 'https://api.weixin.qq.com').replace(/\/+$/, '');
        const res = await fetch(`${apiBase}/sns/oauth2/access_token?${new URLSearchParams({ appid: corp.oauthAppId, secret: corp.oauthSecret, code, grant_type: 'authorization_code' }).toString()}`);
        const body = await res.json() as { openid?: string; unionid?: string; errcode?: number; errmsg?: string };
        if (body.openid) {
          reply.setCookie(WECHAT_COOKIE, sealWechatIdentity(body.openid, body.unionid ?? null, corp.oauthSecret), cookieOpts);
          return { visitor: visitorOf({ openid: body.openid, unionid: body.unionid ?? null }) };
        }
        opts.log.warn({ corpId: corp.id, errcode: body.errcode, errmsg: body.errmsg }, 'wechat oauth code exchange failed');
      } catch (err) {
        opts.log.warn({ err, corpId: corp.id }, 'wechat oauth code exchange failed');
      }
    } else if (isWechatBrowser(req.headers['user-agent'])) {
      const here = new URL(req.url, opts.publicUrl);
      here.searchParams.delete('code');
      here.searchParams.delete('state');
      const openBase = (corp.oauthOpenBase ?? 'https://open.weixin.qq.com').replace(/\/+$/, '');
      const params = new URLSearchParams({ appid: corp.oauthAppId, redirect_uri: here.toString(), response_type: 'code', scope: 'snsapi_base', state: OAUTH_STATE });
      return { redirect: `${openBase}/connect/oauth2/authorize?${params.toString()}#wechat_redirect` };
    }
  }
  // The simulator's phone view says who the WeChat user is when OAuth is not set up (demo).
  const simUser = opts.simIdentity ? req.cookies.sim_wechat_user : undefined;
  if (simUser) {
    const unionid = await opts.simIdentity!(simUser);
    if (unionid) return { visitor: { key: `u:${unionid}`, kind: 'sim', unionid } };
  }
  let vid = req.cookies[VISITOR_COOKIE];
  if (!vid || !/^[A-Za-z0-9_-]{16,40}$/.test(vid)) {
    vid = randomBytes(12).toString('base64url');
    reply.setCookie(VISITOR_COOKIE, vid, cookieOpts);
  }
  return { visitor: { key: `c:${vid}`, kind: 'cookie', unionid: null } };
}

function visitorOf(id: { openid: string; unionid: string | null }): Visitor {
  return id.unionid ? { key: `u:${id.unionid}`, kind: 'unionid', unionid: id.unionid } : { key: `o:${id.openid}`, kind: 'openid', unionid: null };
}
