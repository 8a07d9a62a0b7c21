// Who the customer is on a campaign's H5 page (issue 13): only the server session says it — WeChat web OAuth
// (snsapi_base, through the corp's 公众号: openid and unionid in a signed cookie), or in demo the simulator's
// phone — never a field of the request. The unionid finds the customer (customers.unionid); a visitor who is not
// a customer yet is a `guest` (they are shown the campaign's code to add, and the page works after they add).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { Simulator } from '@pond/wecom-sim';
import type { CorpRow, CorpService } from '../org';
import type { Logger } from '../../platform/log';
import { AppError } from '../../platform/errors';
import { checkSameOrigin } from '../../platform/access';
import { identify, openWechatIdentity, WECHAT_COOKIE } from '../live-codes';

/** The cookies of customer pages are scoped to /c (pages and their API). */
export const CUSTOMER_PATH = '/c';

export interface WechatIdentity {
  /** `u:<unionid>` or `o:<openid>` (sim: `u:<unionid>`): one per WeChat user, the key of a friend's help or join. */
  key: string;
  unionid: string | null;
  openid: string | null;
}

export interface CustomerRef {
  externalUserid: string;
  name: string | null;
  avatar: string | null;
}

export interface CustomerSession {
  corp: CorpRow;
  identity: WechatIdentity;
  /** null: not a customer (yet). */
  customer: CustomerRef | null;
}

export interface SessionDeps {
  pool: pg.Pool;
  corps: CorpService;
  sim?: Simulator;
  publicUrl: () => string;
  secureCookies: boolean;
  log: Logger;
}

type Req = FastifyRequest<{ Querystring: Record<string, string | undefined> }>;

async function customerOf(pool: pg.Pool, corpId: string, unionid: string | null): Promise<CustomerRef | null> {
  if (!unionid) return null;
  const { rows } = await pool.query<{ external_userid: string; name: string | null; avatar: string | null }>(
    `SELECT c.external_userid, c.name, c.avatar FROM customers c
     WHERE c.corp_id = $1 AND c.unionid = $2
       AND EXISTS (SELECT 1 FROM follows f WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.status = 'active')
     ORDER BY c.external_userid LIMIT 1`,
    [corpId, unionid]);
  const r = rows[0];
  return r ? { externalUserid: r.external_userid, name: r.name, avatar: r.avatar } : null;
}

export class CustomerSessions {
  constructor(private deps: SessionDeps) {}

  private simIdentity = async (id: string) => (await this.deps.sim?.control.getWechatUser(id))?.unionid ?? null;

  /**
   * For a page: the session, or a redirect to WeChat's authorize page first (inside WeChat, when the corp has a
   * 公众号 for OAuth and the visitor is not known yet), or null when the visitor can't be identified (outside WeChat).
   */
  async forPage(req: Req, reply: FastifyReply, corp: CorpRow): Promise<CustomerSession | { redirect: string } | null> {
    const who = await identify(req, reply, corp, {
      publicUrl: this.deps.publicUrl(), secureCookies: this.deps.secureCookies, log: this.deps.log, cookiePath: CUSTOMER_PATH,
      simIdentity: this.deps.sim ? this.simIdentity : undefined,
    });
    if ('redirect' in who) return who;
    const v = who.visitor;
    if (v.kind === 'cookie') return null;
    const openid = v.key.startsWith('o:') ? v.key.slice(2) : null;
    const identity = { key: v.key, unionid: v.unionid, openid };
    return { corp, identity, customer: await customerOf(this.deps.pool, corp.id, v.unionid) };
  }

  /**
   * For the H5 API: the session from the cookies only (no OAuth round trip), else 401. The customer is looked up
   * on every call: a visitor who added a moment ago is a customer now. Writes must name Pond's origin (CSRF).
   */
  async forApi(req: FastifyRequest, corpId: string): Promise<CustomerSession> {
    const { corp, identity } = await this.identityForApi(req, corpId);
    return { corp, identity, customer: await customerOf(this.deps.pool, corp.id, identity.unionid) };
  }

  /**
   * forApi without the customer's look-up, for a route whose one statement finds the customer by the unionid itself
   * (the lottery draw). Same cookies, same CSRF check, same 401.
   */
  async identityForApi(req: FastifyRequest, corpId: string): Promise<Omit<CustomerSession, 'customer'>> {
    // The session rides on a cookie: a write (draw, check-in, claim, join, help, buy…) must come from Pond's own
    // page (CSRF), whatever the route remembers to check.
    if (req.method !== 'GET' && req.method !== 'HEAD') checkSameOrigin(req, this.deps.publicUrl());
    const corp = await this.deps.corps.get(corpId);
    if (!corp) throw AppError.notFound(`corp ${corpId}`);
    let identity: WechatIdentity | null = null;
    if (corp.oauthAppId && corp.oauthSecret) {
      const known = openWechatIdentity(req.cookies[WECHAT_COOKIE], corp.oauthSecret);
      if (known) identity = { key: known.unionid ? `u:${known.unionid}` : `o:${known.openid}`, unionid: known.unionid, openid: known.openid };
    }
    if (!identity && this.deps.sim) {
      const simUser = req.cookies.sim_wechat_user;
      const unionid = simUser ? await this.simIdentity(simUser) : null;
      if (unionid) identity = { key: `u:${unionid}`, unionid, openid: null };
    }
    if (!identity) throw new AppError('unauthorized', '请在微信中打开活动页面 (open the campaign page in WeChat first)');
    return { corp, identity };
  }

  corp(corpId: string): Promise<CorpRow | null> {
    return this.deps.corps.get(corpId);
  }

  /** The customer, or a 403 telling a guest to add first. */
  static requireCustomer(s: CustomerSession): CustomerRef {
    if (!s.customer) throw CustomerSessions.notCustomer();
    return s.customer;
  }

  static notCustomer(): AppError {
    return new AppError('forbidden', '请先添加企业微信成为客户后参与 (add us on WeCom first, then take part)');
  }
}
