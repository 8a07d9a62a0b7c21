// Sign-in for the staff pages that open inside WeCom (the chat sidebar, the task page): WeCom web OAuth
// (`/connect/oauth2/authorize` with the corpid as appid and the app's agentid, snsapi_base: silent for
// members), `auth/getuserinfo` turns the code into a userid, a `state` cookie guards the round trip, and an
// active member gets a sidebar session (`pond_sidebar`: the staff role over their own customers).
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WecomError } from '@pond/wecom';
import { SIDEBAR_COOKIE, SIDEBAR_TTL_MS, type AuthService } from '../../platform/auth';
import { wecomHint } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { sidebarCsp } from '../../platform/security-headers';
import type { CorpService } from '../org';
import { staffNotice, type StaffPageKind } from './page';
import { staffStatus } from './repo';

const STATE_COOKIE = 'pond_sidebar_state';
/** auth/getuserinfo's answers for a code that is not (or no longer) good: invalid, already used, missing. */
const INVALID_CODE_ERRCODES = new Set([40029, 40163, 41008]);

export interface SignInDeps {
  pool: pg.Pool;
  auth: AuthService;
  corps: CorpService;
  publicUrl: () => string;
  secureCookies: boolean;
  log: Logger;
}

/** Who is signed in, for rendering the page. */
export interface SignedIn {
  corp: { id: string; agentId: string; timezone: string };
  me: { userid: string; name: string };
  /** The corp's WeCom web side when it is not WeCom itself (the simulator in demo), else null. */
  web: string | null;
}

const NOUN: Record<StaffPageKind, [string, string]> = { sidebar: ['侧边栏', 'the sidebar'], tasks: ['任务页', 'the task page'] };

/**
 * Answers a staff page request: the member signed in (`render` gives the page), or the sign-in round trip.
 * An id that is no corp gets the same answers as one that is (a sign-in redirect, then a code WeCom does not
 * know): the page cannot be used to find which corps Pond serves.
 */
export async function staffSignIn(
  deps: SignInDeps, kind: StaffPageKind,
  req: FastifyRequest<{ Params: { corpId: string }; Querystring: Record<string, string | undefined> }>, reply: FastifyReply,
  render: (s: SignedIn) => FastifyReply | Promise<FastifyReply>,
): Promise<FastifyReply> {
  const { auth, corps } = deps;
  const [zhNoun, enNoun] = NOUN[kind];
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.secureCookies };
  reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
  const { corp, known } = await corps.getOrDecoy(req.params.corpId);
  // Only an allowed address (the simulator's, in demo) frames the page, serves its JS bridge and signs members in.
  const web = known ? corps.allowedBase(corp, 'web') : null;
  if (web) reply.header('content-security-policy', sidebarCsp([new URL(web).origin]));
  const here = new URL(req.url, deps.publicUrl());
  const cookie = req.cookies[SIDEBAR_COOKIE];
  const signedIn = known && cookie ? await auth.fromSidebarSession(cookie) : null;
  const code = req.query.code;
  if (signedIn && signedIn.corpId === corp.id && !code) {
    return render({ corp: { id: corp.id, agentId: corp.agentId, timezone: corp.timezone }, me: { userid: signedIn.staffUserid!, name: signedIn.name }, web });
  }
  const notice = (status: number, zh: string, en: string) => reply.code(status).send(staffNotice(kind, zh, en));
  const statePath = `/${kind}`;
  if (code) {
    // Back from WeCom's authorize page: the state must be the one this browser was sent with.
    const expected = req.cookies[STATE_COOKIE];
    if (!expected || req.query.state !== expected) {
      return notice(400, `登录已过期，请重新打开${zhNoun}`, `The sign-in expired or came from elsewhere: close and reopen ${enNoun}.`);
    }
    reply.clearCookie(STATE_COOKIE, { path: statePath });
    const invalidCode = (errcode: number) =>
      notice(400, `登录链接无效或已过期，请重新打开${zhNoun}`, `The sign-in code is invalid, used or expired (WeCom errcode ${errcode}): close and reopen ${enNoun}.`);
    // No corp: WeCom would not know the code either.
    if (!known) return invalidCode(40029);
    let userid: string | undefined;
    try {
      userid = (await (await corps.client(corp.id)).getUserInfo(code)).userid;
    } catch (err) {
      if (!(err instanceof WecomError)) throw err;
      // A code WeCom does not know (forged, used, older than 5 minutes): the browser's fault, not WeCom's.
      if (err.kind === 'api' && INVALID_CODE_ERRCODES.has(err.errcode)) return invalidCode(err.errcode);
      deps.log.warn({ err, corpId: corp.id }, `${kind}: auth/getuserinfo failed`);
      return notice(502, '企业微信登录失败', `Signing in with WeCom failed (errcode ${err.errcode}, ${err.api}: ${err.errmsg}). ${wecomHint(err)}`);
    }
    if (!userid) return notice(403, '仅限企业成员使用', `Only members of the corp can use ${enNoun}.`);
    if ((await staffStatus(deps.pool, corp.id, userid)) !== 1) {
      return notice(403, '你不是本企业的在职成员', `WeCom says you are ${userid}, who is not an active member in Pond yet (sync the org in Settings).`);
    }
    const token = await auth.createSidebarSession(corp.id, userid);
    reply.setCookie(SIDEBAR_COOKIE, token, { ...cookieOpts, maxAge: SIDEBAR_TTL_MS / 1000 });
    here.searchParams.delete('code');
    here.searchParams.delete('state');
    return reply.redirect(`${here.pathname}${here.search}`, 303);
  }
  // Not signed in: WeCom web OAuth with the corpid as appid and the app's agentid (snsapi_base is silent for members).
  const state = randomBytes(12).toString('base64url');
  reply.setCookie(STATE_COOKIE, state, { ...cookieOpts, path: statePath, maxAge: 600 });
  const params = new URLSearchParams({ appid: corp.id, redirect_uri: here.toString(), response_type: 'code', scope: 'snsapi_base', state, agentid: corp.agentId });
  return reply.redirect(`${web ?? 'https://open.weixin.qq.com'}/connect/oauth2/authorize?${params.toString()}#wechat_redirect`, 302);
}
