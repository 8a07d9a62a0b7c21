// Offers in the console: create and edit coupon / group-buy / bargain campaigns (CampaignBase + the kind's config),
// the campaign with its numbers and a daily series for the chart, and the lists of group-buys and bargains with
// their members and helpers. Status changes (publish, pause, end) are the campaigns module's shared route.
import type pg from 'pg';
import type { z } from 'zod';
import {
  BargainConfig, CouponConfig, GroupbuyConfig, type BargainPage, type GroupbuyPage, type OfferDetail, type OfferKind, type OfferListQuery, type OfferPatch,
} from '@pond/contracts/offers';
import type { CampaignBase } from '@pond/contracts/activate';
import { withTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { corpZone } from '../../platform/time';
import { CAMPAIGN_ORDERS_SQL, CAMPAIGN_REWARDS_SQL, type CampaignRow, type CampaignService } from '../campaigns';
import type { Db } from '../rewards';
import type { Row } from '../../platform/db/rows';
import type { Scope } from '../../platform/auth';
import { customerVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';

const CONFIGS = { coupon: CouponConfig, groupbuy: GroupbuyConfig, bargain: BargainConfig } as const;
const OFFER_KINDS: readonly string[] = Object.keys(CONFIGS);
/** Days the console's chart shows (the campaign's first day or this many back, whichever is later). */
const CHART_DAYS = 60;

type AnyConfig = z.output<typeof CouponConfig> | z.output<typeof GroupbuyConfig> | z.output<typeof BargainConfig>;

export class OfferConsole {
  constructor(private pool: pg.Pool, private campaigns: CampaignService) {}

  private parseConfig(kind: OfferKind, raw: unknown): AnyConfig {
    const r = CONFIGS[kind].safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw AppError.validation(['config', ...issue.path.map(String)].join('.'), issue.message);
    }
    return r.data;
  }

  private async checkPool(db: Db, corpId: string, cfg: AnyConfig): Promise<void> {
    const id = 'couponPoolId' in cfg ? cfg.couponPoolId : null;
    if (!id) return;
    const { rows } = await db.query('SELECT 1 FROM coupon_pools WHERE corp_id = $1 AND id = $2', [corpId, id]);
    if (!rows.length) throw AppError.validation('config.couponPoolId', `no coupon pool ${id}`);
  }

  async create(corpId: string, kind: OfferKind, body: CampaignBase & { config: AnyConfig }, actor: string | null): Promise<OfferDetail> {
    const id = await withTransaction(this.pool, async (db) => {
      await this.checkPool(db, corpId, body.config);
      const { config, ...base } = body;
      return (await this.campaigns.insert(db, corpId, kind, base, config, actor)).id;
    });
    return this.detail(corpId, id);
  }

  async update(corpId: string, id: number, patch: OfferPatch): Promise<OfferDetail> {
    await withTransaction(this.pool, async (db) => {
      const c = await this.get(db, corpId, id, true);
      const { config: raw, ...base } = patch;
      const config = raw === undefined ? undefined : this.parseConfig(c.kind as OfferKind, raw);
      if (config) await this.checkPool(db, corpId, config);
      await this.campaigns.update(db, c, base, config);
    });
    return this.detail(corpId, id);
  }

  private async get(db: Db, corpId: string, id: number, lock = false): Promise<CampaignRow> {
    const { rows: [c] } = await db.query<CampaignRow>(`SELECT * FROM campaigns WHERE corp_id = $1 AND id = $2 ${lock ? 'FOR UPDATE' : ''}`, [corpId, id]);
    if (!c || !OFFER_KINDS.includes(c.kind)) throw AppError.notFound(`offer ${id}`);
    return c;
  }

  async detail(corpId: string, id: number): Promise<OfferDetail> {
    const c = await this.get(this.pool, corpId, id);
    const tz = await corpZone(this.pool, corpId);
    const poolId = (c.config as { couponPoolId?: number | null }).couponPoolId ?? null;
    const { rows: [p] } = poolId ? await this.pool.query<Row<'coupon_pools'> & { available: number }>(
      `SELECT p.*, (SELECT count(*)::int FROM coupon_codes k WHERE k.pool_id = p.id AND k.state = 'available') AS available FROM coupon_pools p WHERE p.corp_id = $1 AND p.id = $2`,
      [corpId, poolId]) : { rows: [] };
    const { rows: [n] } = await this.pool.query<Record<string, number | string>>(
      `SELECT
         (SELECT count(*)::int FROM campaign_participants p WHERE p.campaign_id = c.id) AS participants,
         coalesce(s.rewards, 0)::int AS rewards, coalesce(s.cost_fen, 0)::bigint AS cost_fen,
         o.orders, o.gmv_fen,
         (SELECT count(*)::int FROM coupon_codes k WHERE k.campaign_id = c.id AND k.state IN ('claimed', 'redeemed')) AS claims,
         (SELECT count(*)::int FROM coupon_codes k WHERE k.campaign_id = c.id AND k.state = 'redeemed') AS redeemed,
         (SELECT count(*)::int FROM groupbuys g WHERE g.campaign_id = c.id AND g.state = 'open' AND g.expires_at > now()) AS gb_open,
         (SELECT count(*)::int FROM groupbuys g WHERE g.campaign_id = c.id AND g.state = 'full') AS gb_full,
         (SELECT count(*)::int FROM groupbuys g WHERE g.campaign_id = c.id AND (g.state = 'expired' OR (g.state = 'open' AND g.expires_at <= now()))) AS gb_expired,
         (SELECT count(*)::int FROM groupbuy_members m JOIN groupbuys g ON g.id = m.groupbuy_id WHERE g.campaign_id = c.id) AS gb_members,
         (SELECT count(*)::int FROM bargains b WHERE b.campaign_id = c.id) AS bargains,
         (SELECT count(*)::int FROM bargains b WHERE b.campaign_id = c.id AND b.price_fen = b.floor_fen) AS at_floor,
         (SELECT count(*)::int FROM bargains b WHERE b.campaign_id = c.id AND b.state = 'bought') AS bought,
         (SELECT count(*)::int FROM bargain_helps h JOIN bargains b ON b.id = h.bargain_id WHERE b.campaign_id = c.id) AS helps
       FROM campaigns c
       LEFT JOIN LATERAL (${CAMPAIGN_REWARDS_SQL}) s ON true
       LEFT JOIN LATERAL (${CAMPAIGN_ORDERS_SQL}) o ON true
       WHERE c.id = $1`, [c.id]);
    const { rows: daily } = await this.pool.query<{ day: string; participants: number; claims: number; redeemed: number; joins: number; helps: number }>(
      `WITH days AS (
         SELECT d::date AS day FROM generate_series(greatest(($2::timestamptz AT TIME ZONE $3)::date, (now() AT TIME ZONE $3)::date - ${CHART_DAYS - 1}),
                                                   (now() AT TIME ZONE $3)::date, interval '1 day') d)
       SELECT to_char(days.day, 'YYYY-MM-DD') AS day,
         (SELECT count(*)::int FROM campaign_participants p WHERE p.campaign_id = $1 AND (p.joined_at AT TIME ZONE $3)::date = days.day) AS participants,
         (SELECT count(*)::int FROM coupon_codes k WHERE k.campaign_id = $1 AND (k.claimed_at AT TIME ZONE $3)::date = days.day) AS claims,
         (SELECT count(*)::int FROM coupon_codes k WHERE k.campaign_id = $1 AND (k.redeemed_at AT TIME ZONE $3)::date = days.day) AS redeemed,
         (SELECT count(*)::int FROM groupbuy_members m JOIN groupbuys g ON g.id = m.groupbuy_id WHERE g.campaign_id = $1 AND (m.joined_at AT TIME ZONE $3)::date = days.day) AS joins,
         (SELECT count(*)::int FROM bargain_helps h JOIN bargains b ON b.id = h.bargain_id WHERE b.campaign_id = $1 AND (h.at AT TIME ZONE $3)::date = days.day) AS helps
       FROM days ORDER BY days.day`, [c.id, c.starts_at, tz]);
    const num = (k: string) => Number(n[k]);
    return {
      ...this.campaigns.view(c), kind: c.kind as OfferKind, config: c.config,
      pool: p ? { id: p.id, name: p.name, faceValueFen: p.face_value_fen, thresholdFen: p.threshold_fen, validUntil: p.valid_until, validDays: p.valid_days, useUrl: p.use_url, available: p.available } : null,
      numbers: {
        participants: num('participants'), rewards: num('rewards'), costFen: num('cost_fen'), orders: num('orders'), gmvFen: num('gmv_fen'),
        claims: num('claims'), redeemed: num('redeemed'), groupbuysOpen: num('gb_open'), groupbuysFull: num('gb_full'), groupbuysExpired: num('gb_expired'),
        groupbuyMembers: num('gb_members'), bargains: num('bargains'), bargainsAtFloor: num('at_floor'), bargainsBought: num('bought'), helps: num('helps'),
      },
      daily,
    };
  }

  /** A store manager or staff member sees the group-buys their customers opened (and the bargains they started). */
  async groupbuys(scope: Scope, id: number, q: z.output<typeof OfferListQuery>): Promise<z.output<typeof GroupbuyPage>> {
    const c = await this.get(this.pool, scope.corpId, id);
    const p = new Params();
    const args = [p.add(c.id), p.add(q.state ?? null), p.add(q.limit), p.add(q.offset)];
    const visible = customerVisibleSql(scope, p, 'gv');
    const { rows } = await this.pool.query<Row<'groupbuys'> & { total: number; opener_name: string | null; members: { memberKey: string; externalUserid: string | null; name: string | null; avatar: string | null; couponCode: string | null; rewardId: number | null; joinedAt: string }[] }>(
      `SELECT g.*, count(*) OVER ()::int AS total, oc.name AS opener_name,
         (SELECT coalesce(json_agg(json_build_object('memberKey', m.member_key, 'externalUserid', m.external_userid, 'name', mc.name, 'avatar', mc.avatar,
                   'couponCode', m.coupon_code, 'rewardId', m.reward_id, 'joinedAt', m.joined_at) ORDER BY m.joined_at, m.member_key), '[]')
          FROM groupbuy_members m LEFT JOIN customers mc ON mc.corp_id = g.corp_id AND mc.external_userid = m.external_userid WHERE m.groupbuy_id = g.id) AS members
       FROM groupbuys g LEFT JOIN customers oc ON oc.corp_id = g.corp_id AND oc.external_userid = g.opener_external_userid
       WHERE g.campaign_id = ${args[0]} AND (${args[1]}::text IS NULL OR (CASE WHEN g.state = 'open' AND g.expires_at <= now() THEN 'expired' ELSE g.state END) = ${args[1]})
         AND EXISTS (SELECT 1 FROM (SELECT g.corp_id, g.opener_external_userid AS external_userid) gv WHERE ${visible})
       ORDER BY g.created_at DESC, g.id DESC LIMIT ${args[2]} OFFSET ${args[3]}`, p.values);
    return {
      total: rows[0]?.total ?? 0,
      items: rows.map((g) => ({
        id: g.id, opener: { externalUserid: g.opener_external_userid, name: g.opener_name },
        state: g.state === 'open' && g.expires_at <= new Date() ? 'expired' : g.state, needed: g.needed, joined: g.joined, expiresAt: g.expires_at,
        fullAt: g.full_at, createdAt: g.created_at, members: g.members.map((m) => ({ ...m, joinedAt: new Date(m.joinedAt) })),
      })),
    };
  }

  async bargains(scope: Scope, id: number, q: z.output<typeof OfferListQuery>): Promise<z.output<typeof BargainPage>> {
    const c = await this.get(this.pool, scope.corpId, id);
    const p = new Params();
    const args = [p.add(c.id), p.add(q.state ?? null), p.add(q.limit), p.add(q.offset)];
    const visible = customerVisibleSql(scope, p, 'bv');
    const { rows } = await this.pool.query<Row<'bargains'> & { total: number; owner_name: string | null; helpers: { helperKey: string; externalUserid: string | null; name: string | null; avatar: string | null; cutFen: number; at: string }[] }>(
      `SELECT b.*, count(*) OVER ()::int AS total, oc.name AS owner_name,
         (SELECT coalesce(json_agg(json_build_object('helperKey', h.helper_key, 'externalUserid', h.helper_external_userid, 'name', hc.name, 'avatar', hc.avatar,
                   'cutFen', h.cut_fen, 'at', h.at) ORDER BY h.at, h.helper_key), '[]')
          FROM bargain_helps h LEFT JOIN customers hc ON hc.corp_id = b.corp_id AND hc.external_userid = h.helper_external_userid WHERE h.bargain_id = b.id) AS helpers
       FROM bargains b LEFT JOIN customers oc ON oc.corp_id = b.corp_id AND oc.external_userid = b.owner_external_userid
       WHERE b.campaign_id = ${args[0]} AND (${args[1]}::text IS NULL OR
         (CASE WHEN b.state IN ('open', 'floor') AND b.expires_at <= now() THEN 'expired' ELSE b.state END) = ${args[1]})
         AND EXISTS (SELECT 1 FROM (SELECT b.corp_id, b.owner_external_userid AS external_userid) bv WHERE ${visible})
       ORDER BY b.created_at DESC, b.id DESC LIMIT ${args[2]} OFFSET ${args[3]}`, p.values);
    return {
      total: rows[0]?.total ?? 0,
      items: rows.map((b) => ({
        id: b.id, owner: { externalUserid: b.owner_external_userid, name: b.owner_name },
        state: (b.state === 'open' || b.state === 'floor') && b.expires_at <= new Date() ? 'expired' : b.state,
        startFen: b.start_fen, floorFen: b.floor_fen, priceFen: b.price_fen, helps: b.helps, expiresAt: b.expires_at, createdAt: b.created_at,
        rewardId: b.reward_id, helpers: b.helpers.map((h) => ({ ...h, at: new Date(h.at) })),
      })),
    };
  }
}
