// Campaigns (抽奖, 签到, 领券, 拼团, 砍价): the shared part every kind uses — the row (window, eligibility, entry
// cost, budgets, the join code), status changes, whether it is open now, entering a customer once (participant
// row + timeline), the list with its numbers. Each kind's module keeps its own config and tables.
import type pg from 'pg';
import type { z } from 'zod';
import type { Campaign, CampaignBase, CampaignKind, CampaignList, CampaignListQuery, CampaignStatus } from '@pond/contracts/activate';
import type { Row } from '../../platform/db/rows';
import { AppError } from '../../platform/errors';
import { appendTimeline } from '../customers';
import { rebuildSpend, type Db } from '../rewards';
import { corpZone } from '../../platform/time';

export type CampaignRow = Row<'campaigns'>;

/** Status changes an operator may make: ended is final. */
const NEXT: Record<CampaignStatus, CampaignStatus[]> = {
  draft: ['active', 'ended'],
  active: ['paused', 'ended'],
  paused: ['active', 'ended'],
  ended: [],
};

export type Openness = 'open' | 'draft' | 'paused' | 'not_started' | 'ended';

/** Whether customers may act now; the H5 page says why not. */
// pond_lottery_draw (migration 0062) says the same in SQL, and enters customers as `enter` below does: change both.
export function openness(c: Pick<CampaignRow, 'status' | 'starts_at' | 'ends_at'>, now = new Date()): Openness {
  if (c.status === 'draft') return 'draft';
  if (c.status === 'paused') return 'paused';
  if (c.status === 'ended' || (c.ends_at && c.ends_at <= now)) return 'ended';
  if (c.starts_at > now) return 'not_started';
  return 'open';
}

export const OPENNESS_MESSAGES: Record<Exclude<Openness, 'open'>, string> = {
  draft: '活动尚未发布 (the campaign is not published yet)',
  paused: '活动已暂停 (the campaign is paused)',
  not_started: '活动尚未开始 (the campaign has not started yet)',
  ended: '活动已结束 (the campaign has ended)',
};

/** Throws a 409 with the reason when customers may not act now. */
export function requireOpen(c: CampaignRow, now = new Date()): void {
  const o = openness(c, now);
  if (o !== 'open') throw new AppError('conflict', OPENNESS_MESSAGES[o]);
}

export const pagePath = (corpId: string, id: number) => `/c/${encodeURIComponent(corpId)}/${id}`;

export function toCampaign(r: CampaignRow, publicUrl: string): z.output<typeof Campaign> {
  return {
    id: r.id, kind: r.kind, name: r.name, status: r.status, startsAt: r.starts_at, endsAt: r.ends_at, eligibility: r.eligibility, entry: r.entry,
    joinCodeId: r.join_code_id, rules: r.rules, budgetTotalFen: r.budget_total_fen, budgetDailyFen: r.budget_daily_fen,
    rewardsPerCustomer: r.rewards_per_customer, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
    pageUrl: `${publicUrl.replace(/\/+$/, '')}${pagePath(r.corp_id, r.id)}`,
  };
}

export class CampaignService {
  constructor(private pool: pg.Pool, private publicUrl: () => string) {}

  view(r: CampaignRow) { return toCampaign(r, this.publicUrl()); }

  async get(db: Db, corpId: string, id: number, kind?: CampaignKind): Promise<CampaignRow> {
    const { rows: [r] } = await db.query<CampaignRow>('SELECT * FROM campaigns WHERE corp_id = $1 AND id = $2', [corpId, id]);
    if (!r || (kind && r.kind !== kind)) throw AppError.notFound(`${kind ?? 'campaign'} ${id}`);
    return r;
  }

  /** Creates the row (draft); the kind's module writes its own rows in the same transaction. */
  async insert(db: Db, corpId: string, kind: CampaignKind, base: CampaignBase, config: object, actor: string | null): Promise<CampaignRow> {
    await this.checkJoinCode(db, corpId, base.joinCodeId);
    const { rows: [r] } = await db.query<CampaignRow>(
      `INSERT INTO campaigns (corp_id, kind, name, starts_at, ends_at, eligibility, entry, join_code_id, rules, config, budget_total_fen, budget_daily_fen,
         rewards_per_customer, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING *`,
      [corpId, kind, base.name, base.startsAt, base.endsAt, JSON.stringify(base.eligibility), JSON.stringify(base.entry), base.joinCodeId, base.rules,
        JSON.stringify(config), base.budgetTotalFen, base.budgetDailyFen, base.rewardsPerCustomer, actor]);
    return r;
  }

  /** Changes what a PATCH names (absent fields stay); `config` replaces the kind's config when given. */
  async update(db: Db, c: CampaignRow, patch: Partial<CampaignBase>, config?: object): Promise<CampaignRow> {
    if (c.status === 'ended') throw new AppError('conflict', 'an ended campaign cannot be changed');
    if (patch.joinCodeId !== undefined) await this.checkJoinCode(db, c.corp_id, patch.joinCodeId);
    const startsAt = patch.startsAt ?? c.starts_at;
    const endsAt = patch.endsAt !== undefined ? patch.endsAt : c.ends_at;
    if (endsAt && endsAt <= startsAt) throw AppError.validation('endsAt', 'must be after startsAt');
    const { rows: [r] } = await db.query<CampaignRow>(
      `UPDATE campaigns SET name = $3, starts_at = $4, ends_at = $5, eligibility = $6, entry = $7, join_code_id = $8, rules = $9, config = $10,
         budget_total_fen = $11, budget_daily_fen = $12, rewards_per_customer = $13, updated_at = now()
       WHERE corp_id = $1 AND id = $2 RETURNING *`,
      [c.corp_id, c.id, patch.name ?? c.name, startsAt, endsAt, JSON.stringify(patch.eligibility ?? c.eligibility), JSON.stringify(patch.entry ?? c.entry),
        patch.joinCodeId !== undefined ? patch.joinCodeId : c.join_code_id, patch.rules ?? c.rules, JSON.stringify(config ?? c.config),
        patch.budgetTotalFen !== undefined ? patch.budgetTotalFen : c.budget_total_fen, patch.budgetDailyFen !== undefined ? patch.budgetDailyFen : c.budget_daily_fen,
        patch.rewardsPerCustomer !== undefined ? patch.rewardsPerCustomer : c.rewards_per_customer]);
    // A first budget: the counters (not kept without one) start from the ledger. The campaign row is locked by the
    // UPDATE above, so grants that read its budget after this see the counters.
    if (c.budget_total_fen === null && c.budget_daily_fen === null && (r.budget_total_fen !== null || r.budget_daily_fen !== null)) {
      await rebuildSpend(db, c.id, await corpZone(db, c.corp_id));
    }
    return r;
  }

  private async checkJoinCode(db: Db, corpId: string, id: number | null | undefined): Promise<void> {
    if (!id) return;
    const { rows } = await db.query(`SELECT 1 FROM live_codes WHERE corp_id = $1 AND id = $2 AND status = 'active'`, [corpId, id]);
    if (!rows.length) throw AppError.validation('joinCodeId', `no active live code ${id}`);
  }

  /** `db`: a caller's transaction, when the change goes with others (a fission path moves its campaigns with it). */
  async setStatus(corpId: string, id: number, status: CampaignStatus, db: Db = this.pool): Promise<CampaignRow> {
    const c = await this.get(db, corpId, id);
    if (c.status === status) return c;
    if (!NEXT[c.status].includes(status)) throw new AppError('conflict', `a ${c.status} campaign cannot become ${status}`);
    const { rows: [r] } = await db.query<CampaignRow>(
      'UPDATE campaigns SET status = $3, updated_at = now() WHERE corp_id = $1 AND id = $2 AND status = $4 RETURNING *', [corpId, id, status, c.status]);
    if (!r) throw new AppError('conflict', `campaign ${id} changed meanwhile: try again`);
    return r;
  }

  /**
   * Enters the customer once (the participant row every per-customer step of the campaign locks) with their
   * staff and store, and the timeline event `campaign.entered`. Returns the row, locked for the transaction.
   */
  async enter(db: Db, c: CampaignRow, externalUserid: string): Promise<{ created: boolean }> {
    const { rowCount } = await db.query(
      `INSERT INTO campaign_participants (corp_id, campaign_id, external_userid, userid, store_id)
       SELECT $1, $2, $3, f.userid, s.store_id
       FROM (SELECT 1) one
       LEFT JOIN LATERAL (SELECT userid FROM follows WHERE corp_id = $1 AND external_userid = $3 AND status = 'active' ORDER BY added_at DESC NULLS LAST LIMIT 1) f ON true
       LEFT JOIN staff s ON s.corp_id = $1 AND s.userid = f.userid
       ON CONFLICT (campaign_id, external_userid) DO NOTHING`,
      [c.corp_id, c.id, externalUserid]);
    if (rowCount) {
      await appendTimeline(db, c.corp_id, [{
        externalUserid, type: 'campaign.entered', occurredAt: new Date(),
        data: { campaignId: c.id, kind: c.kind, name: c.name }, dedupeKey: `campaign-entered:${c.id}:${externalUserid}`,
      }]);
    }
    await db.query('SELECT 1 FROM campaign_participants WHERE campaign_id = $1 AND external_userid = $2 FOR UPDATE', [c.id, externalUserid]);
    return { created: !!rowCount };
  }

  async list(corpId: string, q: z.output<typeof CampaignListQuery>): Promise<z.output<typeof CampaignList>> {
    const { rows } = await this.pool.query<CampaignRow & { total: number; participants: number; rewards: number; cost_fen: string; orders: number; gmv_fen: string }>(
      `SELECT c.*, count(*) OVER ()::int AS total,
         (SELECT count(*)::int FROM campaign_participants p WHERE p.campaign_id = c.id) AS participants,
         coalesce(s.rewards, 0)::int AS rewards, coalesce(s.cost_fen, 0) AS cost_fen,
         coalesce(o.orders, 0)::int AS orders, coalesce(o.gmv_fen, 0) AS gmv_fen
       FROM campaigns c
       LEFT JOIN LATERAL (${CAMPAIGN_REWARDS_SQL}) s ON true
       LEFT JOIN LATERAL (${CAMPAIGN_ORDERS_SQL}) o ON true
       WHERE c.corp_id = $1 AND ($2::text IS NULL OR c.kind = $2) AND ($3::text IS NULL OR c.status = $3)
       ORDER BY c.created_at DESC, c.id DESC LIMIT $4 OFFSET $5`,
      [corpId, q.kind ?? null, q.status ?? null, q.limit, q.offset]);
    return {
      total: rows[0]?.total ?? 0,
      items: rows.map((r) => ({
        ...this.view(r),
        numbers: { participants: r.participants, rewards: r.rewards, costFen: Number(r.cost_fen), orders: r.orders, gmvFen: Number(r.gmv_fen) },
      })),
    };
  }
}

/**
 * Narrows a campaign's numbers to a period and to some customers: `lo`/`hi` are SQL expressions of the instants
 * [lo, hi) (rewards by when granted, orders by when paid), `customer` a condition on a column naming the customer.
 * Without them, the whole campaign (what its detail page shows); the results page (modules/plans) passes a period.
 */
export interface CampaignSlice { lo?: string; hi?: string; customer?: (column: string) => string }

const sliceSql = (w: CampaignSlice, at: string, customer: string) =>
  `${w.lo ? ` AND ${at} >= ${w.lo}` : ''}${w.hi ? ` AND ${at} < ${w.hi}` : ''}${w.customer ? ` AND ${w.customer(customer)}` : ''}`;

/** A campaign's rewards (for `c`): how many and their cost, from the ledger itself (void ones left out). */
export function campaignRewardsSql(w: CampaignSlice = {}): string {
  return `
  SELECT count(*)::int AS rewards, coalesce(sum(rw.cost_fen), 0)::bigint AS cost_fen FROM rewards rw WHERE rw.campaign_id = c.id AND rw.state <> 'void'${sliceSql(w, 'rw.created_at', 'rw.external_userid')}`;
}

/**
 * A campaign's orders (for `c`): paid entries (lottery, check-in fee), orders that redeemed its coupons and referred
 * orders, each order once, refunds netted; `buyers` the distinct customers among them. Every kind's numbers use it.
 */
export function campaignOrdersSql(w: CampaignSlice = {}): string {
  return `
  SELECT count(*)::int AS orders, coalesce(sum(round((od.amount - od.refunded_amount) * 100)), 0)::bigint AS gmv_fen,
    count(DISTINCT od.external_userid)::int AS buyers
  FROM orders od
  WHERE od.corp_id = c.corp_id${sliceSql(w, 'od.paid_at', 'od.external_userid')} AND od.order_id IN (
    SELECT e.order_id FROM lottery_entries e WHERE e.campaign_id = c.id AND e.order_id IS NOT NULL
    UNION SELECT k.order_id FROM checkin_enrolments k WHERE k.campaign_id = c.id AND k.order_id IS NOT NULL
    UNION SELECT cc.order_id FROM coupon_codes cc WHERE cc.campaign_id = c.id AND cc.order_id IS NOT NULL
    UNION SELECT rc.order_id FROM referral_commissions rc WHERE rc.campaign_id = c.id AND rc.state <> 'cancelled')`;
}

export const CAMPAIGN_REWARDS_SQL = campaignRewardsSql();
export const CAMPAIGN_ORDERS_SQL = campaignOrdersSql();
