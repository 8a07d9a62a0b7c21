// WeCom web OAuth for members (企业微信网页授权), as a sidebar or app page sees it:
// <prefix>/connect/oauth2/authorize redirects back with a single-use code (5 minutes) for the member
// using this simulated client (?as=<userid>, else the sim_wecom_member cookie set by /wecom/chat, else
// a picker), and `GET cgi-bin/auth/getuserinfo?access_token&code` (api/auth-org-routes.ts) tells
// who it was: { userid } — plus user_ticket and expires_in 1800 with scope snsapi_privateinfo.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from '../context';
import { E } from '../errors';
import { randomId } from '../ids';
import { getStaff, listStaff, STAFF_ACTIVE } from '../org';
import type { SimCorpRow, SimMemberOauthCodeRow } from '../rows';
import { cookieOf, esc, page, t } from './html';

export const MEMBER_COOKIE = 'sim_wecom_member';
export const MEMBER_CODE_TTL_MS = 5 * 60 * 1000;
const SCOPES = ['snsapi_base', 'snsapi_privateinfo'];

/** The cookie /wecom/chat sets: who is logged in to the simulated WeCom client. */
export const memberCookie = (corpId: string, userid: string) =>
  `${MEMBER_COOKIE}=${encodeURIComponent(`${corpId}:${userid}`)}; Path=/; SameSite=Lax`;

export async function issueMemberCode(ctx: SimContext, corpId: string, userid: string, scope = 'snsapi_base'): Promise<string> {
  const code = randomId(43);
  const now = ctx.clock.now();
  await ctx.db.q(
    `WITH gc AS (DELETE FROM {s}.member_oauth_codes WHERE corp_id = $2 AND created_at < $5::bigint - 86400000)
     INSERT INTO {s}.member_oauth_codes (code, corp_id, userid, scope, created_at) VALUES ($1, $2, $3, $4, $5)`,
    [code, corpId, userid, scope, now],
  );
  return code;
}

/** auth/getuserinfo: 40029 for a used, expired, unknown or other corp's code; 60111 when the member left since. */
export async function exchangeMemberCode(ctx: SimContext, corpId: string, code: string | undefined) {
  if (!code) throw E.codeMissing();
  const now = ctx.clock.now();
  const row = await ctx.db.one<Pick<SimMemberOauthCodeRow, 'userid' | 'scope'>>(
    `UPDATE {s}.member_oauth_codes SET used_at = $3 WHERE code = $1 AND corp_id = $2 AND used_at IS NULL AND created_at > $4 RETURNING userid, scope`,
    [code, corpId, now, now - MEMBER_CODE_TTL_MS],
  );
  if (!row) throw E.invalidCode();
  const s = await getStaff(ctx.db, corpId, row.userid);
  if (!s || s.status !== STAFF_ACTIVE) throw E.invalidUserid(row.userid);
  if (row.scope !== 'snsapi_privateinfo') return { userid: row.userid };
  return { userid: row.userid, user_ticket: randomId(86), expires_in: 1800 };
}

export function registerWecomOauth(app: FastifyInstance, ctx: SimContext): void {
  app.get('/connect/oauth2/authorize', async (req: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
    const q = req.query;
    const bad = (zh: string, en: string) => reply.code(400).type('text/html').send(page('企业微信授权', `<section><p>${t(zh, en)}</p></section>`));
    const corp = q.appid ? await ctx.db.one<Pick<SimCorpRow, 'agent_id'>>(`SELECT agent_id FROM {s}.corps WHERE corp_id = $1`, [q.appid]) : undefined;
    if (!corp) return bad('appid 参数错误', `unknown appid (corpid) ${q.appid ?? ''}`);
    let redirect: URL;
    try {
      redirect = new URL(q.redirect_uri ?? '');
    } catch {
      return bad('redirect_uri 参数错误', 'redirect_uri must be an absolute URL');
    }
    if (q.response_type !== 'code') return bad('response_type 参数错误', 'response_type must be code');
    const scope = q.scope ?? 'snsapi_base';
    if (!SCOPES.includes(scope)) return bad('scope 参数错误', `scope must be ${SCOPES.join(' or ')}`);
    if (scope === 'snsapi_privateinfo' && !q.agentid) return bad('缺少 agentid', 'snsapi_privateinfo needs agentid');
    if (q.agentid && Number(q.agentid) !== Number(corp.agent_id)) return bad('agentid 参数错误', `agentid ${q.agentid} is not this corp's app`);

    const fromCookie = cookieOf(req.headers.cookie, MEMBER_COOKIE);
    const cookieUser = fromCookie?.startsWith(`${q.appid}:`) ? fromCookie.slice(q.appid!.length + 1) : undefined;
    const who = q.as ?? cookieUser;
    const member = who ? await getStaff(ctx.db, q.appid!, who) : null;
    if (!member || member.status !== STAFF_ACTIVE) {
      const staff = await listStaff(ctx.db, q.appid!);
      const self = new URL(req.url, 'http://x');
      const links = staff
        .map((s) => {
          self.searchParams.set('as', s.userid);
          return `<div class="row"><img class="avatar" src="${esc(s.avatar)}"><div class="grow"><a href="${esc(`${self.pathname}${self.search}`)}"><b>${esc(s.name)}</b></a>
            <div class="muted">${esc(s.userid)} · ${esc(s.position)}</div></div></div>`;
        })
        .join('');
      const note = who ? `<div class="flash err">${t(`${who} 不是该企业的在职成员`, `${who} is not an active member`)}</div>` : '';
      return reply
        .type('text/html')
        .send(page('企业微信授权', `${note}<section><h2>${t('选择登录企业微信的成员', 'Who is using this WeCom client?')}</h2>${links || t('没有成员', 'no members')}</section>`));
    }
    const code = await issueMemberCode(ctx, q.appid!, member.userid, scope);
    redirect.searchParams.set('code', code);
    redirect.searchParams.set('state', q.state ?? '');
    return reply.redirect(redirect.toString(), 302);
  });
}
