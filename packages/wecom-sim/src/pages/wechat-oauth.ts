// WeChat web OAuth as a 公众号 sees it (snsapi_base): /wx/connect/oauth2/authorize redirects back to
// the page with a single-use code for the WeChat user of this phone (the sim_wechat_user cookie, or a
// picker), and /wx/sns/oauth2/access_token exchanges the code for the openid (per appid) and unionid.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from '../context';
import { randomId } from '../ids';
import type { SimOauthAppRow, SimOauthCodeRow, SimWechatUserRow } from '../rows';
import { cookieOf, esc, page } from './html';

const CODE_TTL_MS = 5 * 60 * 1000;
export const openidFor = (appid: string, wechatUserId: string) =>
  `o${createHash('sha256').update(`${appid}|${wechatUserId}`).digest('base64url').slice(0, 27)}`;

export async function registerOauthApp(ctx: SimContext, appid: string, secret: string): Promise<void> {
  await ctx.db.q(
    `INSERT INTO {s}.oauth_apps (appid, secret, created_at) VALUES ($1,$2,$3) ON CONFLICT (appid) DO UPDATE SET secret = EXCLUDED.secret`,
    [appid, secret, ctx.clock.now()]);
}

export function registerWechatOauth(app: FastifyInstance, ctx: SimContext): void {
  app.get('/wx/connect/oauth2/authorize', async (req: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
    const q = req.query;
    const appOk = q.appid ? await ctx.db.one(`SELECT 1 FROM {s}.oauth_apps WHERE appid = $1`, [q.appid]) : undefined;
    if (!appOk) return reply.code(400).type('text/html').send(page('OAuth', '<p>appid 参数错误 (unknown appid)</p>'));
    let redirect: URL;
    try { redirect = new URL(q.redirect_uri ?? ''); } catch {
      return reply.code(400).type('text/html').send(page('OAuth', '<p>redirect_uri 参数错误 (bad redirect_uri)</p>'));
    }
    if (q.response_type !== 'code' || !['snsapi_base', 'snsapi_userinfo'].includes(q.scope ?? '')) {
      return reply.code(400).type('text/html').send(page('OAuth', '<p>scope / response_type 参数错误</p>'));
    }
    const who = q.as ?? cookieOf(req.headers.cookie, 'sim_wechat_user');
    const user = who ? await ctx.db.one<Pick<SimWechatUserRow, 'id'>>(`SELECT id FROM {s}.wechat_users WHERE id = $1`, [who]) : undefined;
    if (!user) {
      const users = await ctx.db.q<Pick<SimWechatUserRow, 'id' | 'nickname'>>(`SELECT id, nickname FROM {s}.wechat_users ORDER BY created_at DESC LIMIT 20`);
      const self = new URL(req.url, 'http://x');
      const links = users.map((u) => { self.searchParams.set('as', u.id); return `<li><a href="${esc(`${self.pathname}${self.search}`)}">${esc(u.nickname)}</a></li>`; }).join('');
      return reply.type('text/html').send(page('微信授权', `<p>选择一个模拟微信用户 (pick the WeChat user on this phone)</p><ul>${links}</ul>`));
    }
    const code = randomId(32);
    await ctx.db.q(`INSERT INTO {s}.oauth_codes (code, appid, wechat_user_id, created_at) VALUES ($1,$2,$3,$4)`, [code, q.appid, user.id, ctx.clock.now()]);
    redirect.searchParams.set('code', code);
    redirect.searchParams.set('state', q.state ?? '');
    return reply.redirect(redirect.toString(), 302);
  });

  app.get('/wx/sns/oauth2/access_token', async (req: FastifyRequest<{ Querystring: Record<string, string | undefined> }>) => {
    const q = req.query;
    const a = q.appid ? await ctx.db.one<Pick<SimOauthAppRow, 'secret'>>(`SELECT secret FROM {s}.oauth_apps WHERE appid = $1`, [q.appid]) : undefined;
    if (!a || a.secret !== q.secret) return { errcode: 40125, errmsg: 'invalid appsecret' };
    if (q.grant_type !== 'authorization_code') return { errcode: 40002, errmsg: 'invalid grant_type' };
    const row = await ctx.db.one<Pick<SimOauthCodeRow, 'wechat_user_id'>>(
      `UPDATE {s}.oauth_codes SET used_at = $3 WHERE code = $1 AND appid = $2 AND used_at IS NULL AND created_at > $4 RETURNING wechat_user_id`,
      [q.code ?? '', q.appid, ctx.clock.now(), ctx.clock.now() - CODE_TTL_MS]);
    if (!row) return { errcode: 40163, errmsg: 'code been used or invalid' };
    const user = await ctx.db.one<Pick<SimWechatUserRow, 'unionid'>>(`SELECT unionid FROM {s}.wechat_users WHERE id = $1`, [row.wechat_user_id]);
    return {
      access_token: randomId(64), expires_in: 7200, refresh_token: randomId(64), scope: 'snsapi_base',
      openid: openidFor(q.appid!, row.wechat_user_id), unionid: user?.unionid,
    };
  });
}
