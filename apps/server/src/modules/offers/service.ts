// Offers on the customer pages (issue 13): claiming coupons (领券 / limited-time offers), opening and joining
// group-buys (拼团), starting, helping and buying bargains (砍价); and the minutely job that expires group-buys and
// bargains. Who acts is the WeChat session (CustomerSessions.forApi), never a body field. Every capped resource is
// changed under a row lock in one transaction: the participant's row for a customer's claims (perCustomerLimit),
// the group-buy's row for joins (never more than N members), the bargain's row for helps (never below the floor);
// rewards go through RewardService.grant in the same transaction (once per source ref, within the budgets).
import type pg from 'pg';
import { BargainConfig, CouponConfig, GroupbuyConfig, type CustomerBargain, type CustomerGroupbuy, type CustomerOffer, type OfferKind } from '@pond/contracts/offers';
import type { Db, RewardRow, RewardService } from '../rewards';
import { withRetriedTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { defineClock, EVERY_MINUTE } from '../../platform/queue';
import { appendTimeline } from '../customers';
import {
  checkEligibility, CustomerSessions, ELIGIBILITY_MESSAGES, openness, OPENNESS_MESSAGES, pagePath,
  type CampaignRow, type CampaignService, type CustomerSession,
} from '../campaigns';
import { buyUrl, grantRefusal, nextCut, refuse, REFUSALS } from './rules';
import type { Row } from '../../platform/db/rows';

type GroupbuyRow = Row<'groupbuys'>;
type BargainRow = Row<'bargains'>;
type PoolRow = Row<'coupon_pools'>;

const OFFER_KINDS: readonly string[] = ['coupon', 'groupbuy', 'bargain'];

export interface OfferDeps {
  pool: pg.Pool;
  campaigns: CampaignService;
  rewards: RewardService;
  publicUrl: () => string;
  log: Logger;
}


export class OfferService {
  constructor(private deps: OfferDeps) {}

  private tx<T>(fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    return withRetriedTransaction(this.deps.pool, fn);
  }

  private async offer(db: Db, corpId: string, id: number, kind?: OfferKind): Promise<CampaignRow> {
    const c = await this.deps.campaigns.get(db, corpId, id, kind);
    if (!OFFER_KINDS.includes(c.kind)) throw AppError.notFound(`offer ${id}`);
    return c;
  }

  /** The customer may act now: the campaign is open and they meet its eligibility. */
  private async mayAct(c: CampaignRow, ext: string): Promise<void> {
    const o = openness(c);
    if (o !== 'open') throw refuse('closed', OPENNESS_MESSAGES[o]);
    const miss = await checkEligibility(this.deps.pool, c.corp_id, ext, c.eligibility);
    if (miss) throw refuse('ineligible', `${ELIGIBILITY_MESSAGES[miss].zh} (${ELIGIBILITY_MESSAGES[miss].en})`, 'forbidden');
  }

  private shareUrl(c: CampaignRow, param: 'g' | 'b', id: number): string {
    return `${this.deps.publicUrl().replace(/\/+$/, '')}${pagePath(c.corp_id, c.id)}?${param}=${id}`;
  }

  /** When a new group-buy or bargain runs out: its hours, but never past the campaign's end. */
  private static until(c: CampaignRow, hours: number, now = new Date()): Date {
    const t = new Date(now.getTime() + hours * 3600_000);
    return c.ends_at && c.ends_at < t ? c.ends_at : t;
  }

  private async poolRow(db: Db, corpId: string, id: number): Promise<PoolRow & { available: number }> {
    const { rows: [p] } = await db.query<PoolRow & { available: number }>(
      `SELECT p.*, (SELECT count(*)::int FROM coupon_codes c WHERE c.pool_id = p.id AND c.state = 'available') AS available
       FROM coupon_pools p WHERE p.corp_id = $1 AND p.id = $2`, [corpId, id]);
    if (!p) throw new AppError('conflict', '优惠券池不存在 (the coupon pool of this offer is gone)');
    return p;
  }

  // ---------------------------------------------------------------- the page's view

  async view(s: CustomerSession, id: number, q: { g?: number; b?: number }): Promise<CustomerOffer> {
    const db = this.deps.pool;
    const c = await this.offer(db, s.corp.id, id);
    const ext = s.customer?.externalUserid ?? null;
    const base: CustomerOffer = {
      kind: c.kind as OfferKind, endsAt: c.ends_at, showCountdown: false, now: new Date(), coupon: null, product: null, groupSize: null, hours: null,
      newCustomersOnly: false, groupbuy: null, bargain: null, identified: true,
    };
    if (c.kind === 'coupon') {
      const cfg = CouponConfig.parse(c.config);
      const p = await this.poolRow(db, c.corp_id, cfg.couponPoolId);
      const { rows: mine } = ext ? await db.query<{ code: string; state: string; expires_at: Date | null; claimed_at: Date | null }>(
        `SELECT code, state, expires_at, claimed_at FROM coupon_codes WHERE corp_id = $1 AND campaign_id = $2 AND external_userid = $3 ORDER BY claimed_at, code`,
        [c.corp_id, c.id, ext]) : { rows: [] };
      return {
        ...base, showCountdown: cfg.showCountdown && !!c.ends_at,
        coupon: {
          name: p.name, faceValueFen: p.face_value_fen, thresholdFen: p.threshold_fen, validUntil: p.valid_until, validDays: p.valid_days, useUrl: p.use_url,
          perCustomerLimit: cfg.perCustomerLimit, left: p.available,
          mine: mine.map((m) => ({ code: m.code, state: m.state, expiresAt: m.expires_at, claimedAt: m.claimed_at })),
        },
      };
    }
    if (c.kind === 'groupbuy') {
      const cfg = GroupbuyConfig.parse(c.config);
      let gid = q.g ?? null;
      if (!gid && ext) {
        const { rows } = await db.query<{ id: number }>(
          `SELECT g.id FROM groupbuys g JOIN groupbuy_members m ON m.groupbuy_id = g.id
           WHERE g.campaign_id = $1 AND (m.external_userid = $2 OR m.member_key = $3)
           ORDER BY (g.state = 'open' AND g.expires_at > now()) DESC, g.created_at DESC LIMIT 1`, [c.id, ext, s.identity.key]);
        gid = rows[0]?.id ?? null;
      }
      return {
        ...base, showCountdown: true,
        product: { name: cfg.productName, sku: cfg.sku, imageUrl: cfg.imageUrl, priceFen: cfg.priceFen, originalPriceFen: cfg.originalPriceFen },
        groupSize: cfg.groupSize, hours: cfg.hours,
        groupbuy: gid ? await this.groupbuyView(db, c, cfg, gid, s) : null,
      };
    }
    const cfg = BargainConfig.parse(c.config);
    let bid = q.b ?? null;
    if (!bid && ext) {
      const { rows } = await db.query<{ id: number }>('SELECT id FROM bargains WHERE campaign_id = $1 AND owner_external_userid = $2', [c.id, ext]);
      bid = rows[0]?.id ?? null;
    }
    return {
      ...base, showCountdown: true,
      product: { name: cfg.productName, sku: cfg.sku, imageUrl: cfg.imageUrl, priceFen: cfg.floorFen, originalPriceFen: cfg.startFen },
      hours: cfg.hours, newCustomersOnly: cfg.newCustomersOnly,
      bargain: bid ? await this.bargainView(db, c, cfg, bid, s) : null,
    };
  }

  private async groupbuyView(db: Db, c: CampaignRow, cfg: GroupbuyConfig, gid: number, s: CustomerSession): Promise<CustomerGroupbuy> {
    const { rows: [g] } = await db.query<GroupbuyRow>('SELECT * FROM groupbuys WHERE corp_id = $1 AND campaign_id = $2 AND id = $3', [c.corp_id, c.id, gid]);
    if (!g) throw AppError.notFound(`group-buy ${gid}`);
    const { rows: members } = await db.query<{ member_key: string; external_userid: string | null; name: string | null; avatar: string | null; coupon_code: string | null; reward_id: number | null }>(
      `SELECT m.member_key, m.external_userid, cu.name, cu.avatar, m.coupon_code, m.reward_id
       FROM groupbuy_members m LEFT JOIN customers cu ON cu.corp_id = $2 AND cu.external_userid = m.external_userid
       WHERE m.groupbuy_id = $1 ORDER BY m.joined_at, m.member_key`, [g.id, c.corp_id]);
    const ext = s.customer?.externalUserid;
    const me = members.find((m) => m.member_key === s.identity.key || (ext && m.external_userid === ext));
    return {
      id: g.id, state: g.state === 'open' && g.expires_at <= new Date() ? 'expired' : g.state, needed: g.needed, joined: g.joined, expiresAt: g.expires_at,
      mine: !!ext && g.opener_external_userid === ext, member: !!me,
      members: members.map((m) => ({ name: m.name, avatar: m.avatar, opener: m.external_userid === g.opener_external_userid })),
      couponCode: g.state === 'full' ? me?.coupon_code ?? null : null,
      buyUrl: g.state === 'full' && me && !cfg.couponPoolId && cfg.productUrl ? buyUrl(cfg.productUrl, cfg.sku, cfg.priceFen, me.reward_id) : null,
      shareUrl: this.shareUrl(c, 'g', g.id),
    };
  }

  private async bargainView(db: Db, c: CampaignRow, cfg: BargainConfig, bid: number, s: CustomerSession): Promise<CustomerBargain> {
    const { rows: [b] } = await db.query<BargainRow>('SELECT * FROM bargains WHERE corp_id = $1 AND campaign_id = $2 AND id = $3', [c.corp_id, c.id, bid]);
    if (!b) throw AppError.notFound(`bargain ${bid}`);
    const { rows: helps } = await db.query<{ helper_key: string; name: string | null; avatar: string | null; cut_fen: number; at: Date }>(
      `SELECT h.helper_key, cu.name, cu.avatar, h.cut_fen, h.at
       FROM bargain_helps h LEFT JOIN customers cu ON cu.corp_id = $2 AND cu.external_userid = h.helper_external_userid
       WHERE h.bargain_id = $1 ORDER BY h.at DESC, h.helper_key LIMIT 100`, [b.id, c.corp_id]);
    const mine = !!s.customer && s.customer.externalUserid === b.owner_external_userid;
    const { rows: [own] } = await db.query<{ cut_fen: number }>('SELECT cut_fen FROM bargain_helps WHERE bargain_id = $1 AND helper_key = $2', [b.id, s.identity.key]);
    const expired = b.state === 'expired' || ((b.state === 'open' || b.state === 'floor') && b.expires_at <= new Date());
    return {
      id: b.id, state: expired ? 'expired' : b.state, startFen: b.start_fen, floorFen: b.floor_fen, priceFen: b.price_fen, helps: b.helps, expiresAt: b.expires_at,
      mine, myCutFen: own?.cut_fen ?? null,
      helpers: helps.map((h) => ({ name: h.name, avatar: h.avatar, cutFen: h.cut_fen, at: h.at })),
      buyUrl: mine && b.state === 'bought' ? buyUrl(cfg.productUrl, cfg.sku, b.price_fen, b.reward_id) : null,
      shareUrl: this.shareUrl(c, 'b', b.id),
    };
  }

  // ---------------------------------------------------------------- coupons

  /**
   * Claims one code. The participant's row is locked first (CampaignService.enter), so a customer's concurrent claims
   * are counted one after another: never more than perCustomerLimit. Each claim's ledger ref is its number
   * (`coupon:<campaign>:<customer>:<n>`); a retried request (same requestId) answers the code it got.
   */
  async claim(s: CustomerSession, id: number, requestId: string) {
    const cust = CustomerSessions.requireCustomer(s);
    return this.tx(async (db) => {
      const c = await this.offer(db, s.corp.id, id, 'coupon');
      const cfg = CouponConfig.parse(c.config);
      const done = async () => {
        const { rows: [r] } = await db.query<RewardRow>(
          `SELECT * FROM rewards WHERE campaign_id = $1 AND external_userid = $2 AND source = 'coupon' AND details->>'requestId' = $3`, [c.id, cust.externalUserid, requestId]);
        return r;
      };
      const answer = async (r: RewardRow) => {
        const { rows: [n] } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM rewards WHERE campaign_id = $1 AND external_userid = $2 AND source = 'coupon' AND state <> 'void'`, [c.id, cust.externalUserid]);
        const { rows: [code] } = await db.query<{ code: string; state: string; expires_at: Date | null; claimed_at: Date | null }>(
          'SELECT code, state, expires_at, claimed_at FROM coupon_codes WHERE corp_id = $1 AND code = $2', [c.corp_id, r.coupon_code]);
        return { coupon: { code: code.code, state: code.state, expiresAt: code.expires_at, claimedAt: code.claimed_at }, claimed: n.n, limit: cfg.perCustomerLimit };
      };
      const before = await done();
      if (before) return answer(before);
      await this.mayAct(c, cust.externalUserid);
      // An empty pool refuses before any lock is taken (the grant below is what holds under concurrency).
      const { rows: stock } = await db.query(`SELECT 1 FROM coupon_codes WHERE pool_id = $1 AND state = 'available' LIMIT 1`, [cfg.couponPoolId]);
      if (!stock.length) throw refuse('no_stock', REFUSALS.no_stock);
      await this.deps.campaigns.enter(db, c, cust.externalUserid);
      const again = await done();
      if (again) return answer(again);
      const { rows: [n] } = await db.query<{ all: number; live: number }>(
        `SELECT count(*)::int AS all, (count(*) FILTER (WHERE state <> 'void'))::int AS live FROM rewards
         WHERE campaign_id = $1 AND external_userid = $2 AND source = 'coupon'`, [c.id, cust.externalUserid]);
      if (n.live >= cfg.perCustomerLimit) throw refuse('limit', REFUSALS.limit(cfg.perCustomerLimit));
      const p = await this.poolRow(db, c.corp_id, cfg.couponPoolId);
      const res = await this.deps.rewards.grant(db, {
        corpId: c.corp_id, externalUserid: cust.externalUserid, campaignId: c.id, source: 'coupon', sourceRef: `coupon:${c.id}:${cust.externalUserid}:${n.all + 1}`,
        kind: 'coupon', adapter: 'coupon', title: p.name, couponPoolId: p.id, costFen: p.face_value_fen, details: { requestId }, tz: s.corp.timezone,
      });
      if ('refused' in res) throw grantRefusal(res.refused);
      await appendTimeline(db, c.corp_id, [{
        externalUserid: cust.externalUserid, type: 'coupon.claimed', occurredAt: new Date(),
        data: { campaignId: c.id, name: c.name, couponCode: res.reward.coupon_code, poolId: p.id, faceValueFen: p.face_value_fen }, dedupeKey: `coupon-claimed:${res.reward.id}`,
      }]);
      return answer(res.reward);
    });
  }

  // ---------------------------------------------------------------- group-buy

  /**
   * Opens a group-buy (the opener is its first member). A customer has at most one open group per campaign (a
   * retried open answers it) and opens at most maxGroupsPerCustomer that are open or full; with a coupon pool, one
   * is opened only while the pool holds a code for every member.
   */
  async openGroupbuy(s: CustomerSession, id: number): Promise<CustomerOffer> {
    const cust = CustomerSessions.requireCustomer(s);
    const gid = await this.tx(async (db) => {
      const c = await this.offer(db, s.corp.id, id, 'groupbuy');
      const cfg = GroupbuyConfig.parse(c.config);
      await this.mayAct(c, cust.externalUserid);
      await this.deps.campaigns.enter(db, c, cust.externalUserid);
      const { rows: mine } = await db.query<{ id: number; live: boolean }>(
        `SELECT id, (state = 'open' AND expires_at > now()) AS live FROM groupbuys
         WHERE campaign_id = $1 AND opener_external_userid = $2 AND (state = 'full' OR (state = 'open' AND expires_at > now()))`, [c.id, cust.externalUserid]);
      const live = mine.find((g) => g.live);
      if (live) return live.id;
      if (mine.length >= cfg.maxGroupsPerCustomer) throw refuse('groups_limit', REFUSALS.groups_limit(cfg.maxGroupsPerCustomer));
      if (cfg.couponPoolId) {
        const p = await this.poolRow(db, c.corp_id, cfg.couponPoolId);
        if (p.available < cfg.groupSize) throw refuse('no_stock', REFUSALS.no_stock);
      }
      const { rows: [g] } = await db.query<GroupbuyRow>(
        `INSERT INTO groupbuys (corp_id, campaign_id, opener_external_userid, needed, joined, expires_at) VALUES ($1,$2,$3,$4,1,$5) RETURNING *`,
        [c.corp_id, c.id, cust.externalUserid, cfg.groupSize, OfferService.until(c, cfg.hours)]);
      await db.query('INSERT INTO groupbuy_members (groupbuy_id, member_key, external_userid, unionid) VALUES ($1,$2,$3,$4)',
        [g.id, s.identity.key, cust.externalUserid, s.identity.unionid]);
      await appendTimeline(db, c.corp_id, [{
        externalUserid: cust.externalUserid, type: 'groupbuy.opened', occurredAt: new Date(),
        data: { campaignId: c.id, name: c.name, groupbuyId: g.id, needed: g.needed, product: cfg.productName }, dedupeKey: `groupbuy-opened:${g.id}`,
      }]);
      return g.id;
    });
    return this.view(s, id, { g: gid });
  }

  /**
   * Joins a group-buy from its share link. The group's row is locked: joins are counted one after another and never
   * exceed `needed`; one membership per WeChat identity (and per customer). Members must be customers (the reward
   * is a customer's); a guest is shown the campaign's code and joins after adding. The join that fills the group
   * grants every member's reward in the same transaction — all or none: a pool that ran dry refuses the last join.
   */
  async joinGroupbuy(s: CustomerSession, id: number, gid: number): Promise<CustomerOffer> {
    const cust = CustomerSessions.requireCustomer(s);
    await this.tx(async (db) => {
      const c = await this.offer(db, s.corp.id, id, 'groupbuy');
      const cfg = GroupbuyConfig.parse(c.config);
      const { rows: [g] } = await db.query<GroupbuyRow>('SELECT * FROM groupbuys WHERE corp_id = $1 AND campaign_id = $2 AND id = $3 FOR UPDATE', [c.corp_id, c.id, gid]);
      if (!g) throw AppError.notFound(`group-buy ${gid}`);
      const { rows: already } = await db.query('SELECT 1 FROM groupbuy_members WHERE groupbuy_id = $1 AND (member_key = $2 OR external_userid = $3)',
        [g.id, s.identity.key, cust.externalUserid]);
      if (already.length) return;
      if (g.state === 'full' || g.joined >= g.needed) throw refuse('full', REFUSALS.full);
      if (g.state === 'expired' || g.expires_at <= new Date()) throw refuse('expired_group', REFUSALS.expired_group);
      const o = openness(c);
      if (o !== 'open') throw refuse('closed', OPENNESS_MESSAGES[o]);
      await this.deps.campaigns.enter(db, c, cust.externalUserid);
      await db.query('INSERT INTO groupbuy_members (groupbuy_id, member_key, external_userid, unionid) VALUES ($1,$2,$3,$4)',
        [g.id, s.identity.key, cust.externalUserid, s.identity.unionid]);
      const { rows: [u] } = await db.query<GroupbuyRow>(
        `UPDATE groupbuys SET joined = joined + 1, state = CASE WHEN joined + 1 >= needed THEN 'full' ELSE state END,
           full_at = CASE WHEN joined + 1 >= needed THEN now() ELSE full_at END
         WHERE id = $1 AND joined < needed RETURNING *`, [g.id]);
      if (!u) throw refuse('full', REFUSALS.full);
      await appendTimeline(db, c.corp_id, [{
        externalUserid: cust.externalUserid, type: 'groupbuy.joined', occurredAt: new Date(),
        data: { campaignId: c.id, name: c.name, groupbuyId: g.id, opener: g.opener_external_userid, joined: u.joined, needed: u.needed }, dedupeKey: `groupbuy-joined:${g.id}:${cust.externalUserid}`,
      }]);
      if (u.state === 'full') await this.complete(db, c, cfg, u, s.corp.timezone);
    });
    return this.view(s, id, { g: gid });
  }

  /** A full group: every member's reward (coupon, or the right to buy at the group price), all in this transaction. */
  private async complete(db: Db, c: CampaignRow, cfg: GroupbuyConfig, g: GroupbuyRow, tz: string): Promise<void> {
    const { rows: members } = await db.query<{ member_key: string; external_userid: string }>(
      'SELECT member_key, external_userid FROM groupbuy_members WHERE groupbuy_id = $1 AND external_userid IS NOT NULL ORDER BY external_userid, member_key', [g.id]);
    const p = cfg.couponPoolId ? await this.poolRow(db, c.corp_id, cfg.couponPoolId) : null;
    for (const m of members) {
      const res = await this.deps.rewards.grant(db, {
        corpId: c.corp_id, externalUserid: m.external_userid, campaignId: c.id, source: 'groupbuy', sourceRef: `gb:${g.id}:${m.member_key}`, tz,
        ...(p
          ? { kind: 'coupon', adapter: 'coupon', title: `${cfg.productName} 拼团券 (${p.name})`, couponPoolId: p.id, costFen: p.face_value_fen }
          : { kind: 'custom', adapter: 'manual', title: `${cfg.productName} 拼团价 ¥${(cfg.priceFen / 100).toFixed(2)}`, costFen: cfg.originalPriceFen - cfg.priceFen }),
        details: { groupbuyId: g.id, sku: cfg.sku, priceFen: cfg.priceFen, productUrl: cfg.productUrl },
      });
      if ('refused' in res) throw grantRefusal(res.refused, true);
      await db.query('UPDATE groupbuy_members SET reward_id = $3, coupon_code = $4 WHERE groupbuy_id = $1 AND member_key = $2',
        [g.id, m.member_key, res.reward.id, res.reward.coupon_code]);
    }
    await appendTimeline(db, c.corp_id, members.map((m) => ({
      externalUserid: m.external_userid, type: 'groupbuy.completed', occurredAt: new Date(),
      data: { campaignId: c.id, name: c.name, groupbuyId: g.id, needed: g.needed, product: cfg.productName }, dedupeKey: `groupbuy-completed:${g.id}:${m.external_userid}`,
    })));
  }

  // ---------------------------------------------------------------- bargain

  /** Starts the customer's bargain (one per campaign: a retry answers the same one). */
  async startBargain(s: CustomerSession, id: number): Promise<CustomerOffer> {
    const cust = CustomerSessions.requireCustomer(s);
    const bid = await this.tx(async (db) => {
      const c = await this.offer(db, s.corp.id, id, 'bargain');
      const cfg = BargainConfig.parse(c.config);
      const { rows: [had] } = await db.query<{ id: number }>('SELECT id FROM bargains WHERE campaign_id = $1 AND owner_external_userid = $2', [c.id, cust.externalUserid]);
      if (had) return had.id;
      await this.mayAct(c, cust.externalUserid);
      await this.deps.campaigns.enter(db, c, cust.externalUserid);
      const { rows: [b] } = await db.query<BargainRow>(
        `INSERT INTO bargains (corp_id, campaign_id, owner_external_userid, start_fen, floor_fen, price_fen, expires_at) VALUES ($1,$2,$3,$4,$5,$4,$6)
         ON CONFLICT (campaign_id, owner_external_userid) DO NOTHING RETURNING *`,
        [c.corp_id, c.id, cust.externalUserid, cfg.startFen, cfg.floorFen, OfferService.until(c, cfg.hours)]);
      if (!b) return (await db.query<{ id: number }>('SELECT id FROM bargains WHERE campaign_id = $1 AND owner_external_userid = $2', [c.id, cust.externalUserid])).rows[0].id;
      await appendTimeline(db, c.corp_id, [{
        externalUserid: cust.externalUserid, type: 'bargain.started', occurredAt: new Date(),
        data: { campaignId: c.id, name: c.name, bargainId: b.id, startFen: b.start_fen, floorFen: b.floor_fen, product: cfg.productName }, dedupeKey: `bargain-started:${b.id}`,
      }]);
      return b.id;
    });
    return this.view(s, id, { b: bid });
  }

  /**
   * A friend helps cut the price: the bargain's row is locked, so helps are applied one after another and the price
   * never goes below the floor; one help per WeChat identity (a retry answers the same cut). Friends need not be
   * customers; with newCustomersOnly they must not be (no active relation with the corp when they help).
   */
  async help(s: CustomerSession, id: number, bid: number): Promise<{ cutFen: number; bargain: CustomerBargain }> {
    const cut = await this.tx(async (db) => {
      const c = await this.offer(db, s.corp.id, id, 'bargain');
      const cfg = BargainConfig.parse(c.config);
      const { rows: [b] } = await db.query<BargainRow>('SELECT * FROM bargains WHERE corp_id = $1 AND campaign_id = $2 AND id = $3 FOR UPDATE', [c.corp_id, c.id, bid]);
      if (!b) throw AppError.notFound(`bargain ${bid}`);
      const { rows: [had] } = await db.query<{ cut_fen: number }>('SELECT cut_fen FROM bargain_helps WHERE bargain_id = $1 AND helper_key = $2', [b.id, s.identity.key]);
      if (had) return had.cut_fen;
      if (s.customer?.externalUserid === b.owner_external_userid) throw refuse('own_bargain', REFUSALS.own_bargain);
      if (b.state === 'bought') throw refuse('bought', REFUSALS.bought);
      if (b.state === 'expired' || b.expires_at <= new Date()) throw refuse('expired_bargain', REFUSALS.expired_bargain);
      if (b.price_fen <= b.floor_fen) throw refuse('at_floor', REFUSALS.at_floor);
      const o = openness(c);
      if (o !== 'open') throw refuse('closed', OPENNESS_MESSAGES[o]);
      if (cfg.newCustomersOnly && s.customer) throw refuse('new_only', REFUSALS.new_only);
      const cutFen = nextCut({ priceFen: b.price_fen, floorFen: b.floor_fen, minCutFen: cfg.minCutFen, maxCutFen: cfg.maxCutFen, helps: b.helps, helpsToFloor: cfg.helpsToFloor });
      await db.query('INSERT INTO bargain_helps (bargain_id, helper_key, helper_external_userid, cut_fen) VALUES ($1,$2,$3,$4)',
        [b.id, s.identity.key, s.customer?.externalUserid ?? null, cutFen]);
      const { rows: [u] } = await db.query<BargainRow>(
        `UPDATE bargains SET price_fen = price_fen - $2, helps = helps + 1, state = CASE WHEN price_fen - $2 <= floor_fen THEN 'floor' ELSE state END, updated_at = now()
         WHERE id = $1 AND price_fen - $2 >= floor_fen RETURNING *`, [b.id, cutFen]);
      if (!u) throw refuse('at_floor', REFUSALS.at_floor);
      await appendTimeline(db, c.corp_id, [{
        externalUserid: b.owner_external_userid, type: 'bargain.helped', occurredAt: new Date(),
        data: { campaignId: c.id, name: c.name, bargainId: b.id, cutFen, priceFen: u.price_fen, helper: s.customer?.externalUserid ?? null, helps: u.helps },
        dedupeKey: `bargain-helped:${b.id}:${s.identity.key}`,
      }]);
      return cutFen;
    });
    const v = await this.view(s, id, { b: bid });
    return { cutFen: cut, bargain: v.bargain! };
  }

  /**
   * The owner buys at the price reached: a ledger reward (kind custom, adapter manual: the shop honours the price
   * for the sku through the link; an operator marks it issued) whose cost is the discount. Once per bargain.
   */
  async buy(s: CustomerSession, id: number, bid: number): Promise<CustomerOffer> {
    const cust = CustomerSessions.requireCustomer(s);
    await this.tx(async (db) => {
      const c = await this.offer(db, s.corp.id, id, 'bargain');
      const cfg = BargainConfig.parse(c.config);
      const { rows: [b] } = await db.query<BargainRow>('SELECT * FROM bargains WHERE corp_id = $1 AND campaign_id = $2 AND id = $3 FOR UPDATE', [c.corp_id, c.id, bid]);
      if (!b) throw AppError.notFound(`bargain ${bid}`);
      if (b.owner_external_userid !== cust.externalUserid) throw refuse('not_owner', REFUSALS.not_owner, 'forbidden');
      if (b.state === 'bought') return;
      if (b.state === 'expired' || b.expires_at <= new Date()) throw refuse('expired_bargain', REFUSALS.expired_bargain);
      const res = await this.deps.rewards.grant(db, {
        corpId: c.corp_id, externalUserid: cust.externalUserid, campaignId: c.id, source: 'bargain', sourceRef: `bg:${b.id}`, tz: s.corp.timezone,
        kind: 'custom', adapter: 'manual', title: `${cfg.productName} 砍价成交 ¥${(b.price_fen / 100).toFixed(2)}`, costFen: b.start_fen - b.price_fen,
        details: { bargainId: b.id, sku: cfg.sku, priceFen: b.price_fen, startFen: b.start_fen, productUrl: cfg.productUrl },
      });
      if ('refused' in res) throw grantRefusal(res.refused);
      await db.query(`UPDATE bargains SET state = 'bought', reward_id = $2, updated_at = now() WHERE id = $1`, [b.id, res.reward.id]);
      await appendTimeline(db, c.corp_id, [{
        externalUserid: cust.externalUserid, type: 'bargain.bought', occurredAt: new Date(),
        data: { campaignId: c.id, name: c.name, bargainId: b.id, priceFen: b.price_fen, startFen: b.start_fen, rewardId: res.reward.id }, dedupeKey: `bargain-bought:${b.id}`,
      }]);
    });
    return this.view(s, id, { b: bid });
  }

  // ---------------------------------------------------------------- expiry

  /**
   * Group-buys and bargains past their time: marked expired; a group's unissued rewards are voided (its rewards
   * are granted only when it fills, so normally there are none) and its members get `groupbuy.expired`.
   */
  async expire(now = new Date()): Promise<{ groupbuys: number; bargains: number }> {
    const groups = await this.tx(async (db) => {
      const { rows } = await db.query<GroupbuyRow>(
        `UPDATE groupbuys SET state = 'expired' WHERE id IN (
           SELECT id FROM groupbuys WHERE state = 'open' AND expires_at <= $1 ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED) RETURNING *`, [now]);
      for (const g of rows) {
        const { rows: pending } = await db.query<RewardRow>(
          `SELECT * FROM rewards WHERE corp_id = $1 AND source = 'groupbuy' AND source_ref LIKE $2 AND state IN ('pending', 'failed')`, [g.corp_id, `gb:${g.id}:%`]);
        for (const r of pending) await this.deps.rewards.void(db, r, 'group-buy expired before it was full', null);
        const { rows: members } = await db.query<{ external_userid: string }>(
          'SELECT external_userid FROM groupbuy_members WHERE groupbuy_id = $1 AND external_userid IS NOT NULL', [g.id]);
        await appendTimeline(db, g.corp_id, members.map((m) => ({
          externalUserid: m.external_userid, type: 'groupbuy.expired', occurredAt: now,
          data: { campaignId: g.campaign_id, groupbuyId: g.id, joined: g.joined, needed: g.needed }, dedupeKey: `groupbuy-expired:${g.id}:${m.external_userid}`,
        })));
      }
      return rows.length;
    });
    const bargains = await this.tx(async (db) => {
      const { rows } = await db.query<BargainRow>(
        `UPDATE bargains SET state = 'expired', updated_at = now() WHERE id IN (
           SELECT id FROM bargains WHERE state IN ('open', 'floor') AND expires_at <= $1 ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED) RETURNING *`, [now]);
      for (const b of rows) {
        await appendTimeline(db, b.corp_id, [{
          externalUserid: b.owner_external_userid, type: 'bargain.expired', occurredAt: now,
          data: { campaignId: b.campaign_id, bargainId: b.id, priceFen: b.price_fen, helps: b.helps }, dedupeKey: `bargain-expired:${b.id}`,
        }]);
      }
      return rows.length;
    });
    return { groupbuys: groups, bargains };
  }

  readonly expireJob = defineClock('offers.expire', EVERY_MINUTE, async () => {
    for (;;) {
      const n = await this.expire();
      if (n.groupbuys < 500 && n.bargains < 500) break;
    }
  }, { expireInMinutes: 5 });
}
