// Referral commission (分销, ADR 0025): a `referral` campaign's referrers (customers and staff, a short code each),
// the bindings their links make (first touch wins for attributionDays), commission per order and referrer from the
// order hooks (pending → payable after the refund window → paid in a payout; reduced or cancelled by refunds before
// payout), payouts through the reward ledger exactly once, and the numbers, lists and CSV for the console.
//
// Locks: a referee's binding row is locked while their order's commission is made (the order-number tier counts
// their earlier orders); the order row itself is locked by OrderHooks, so a re-delivered or retried order event
// waits and then finds its commission (unique per order and referrer). A payout locks its referrer row first.
import type pg from 'pg';
import type { z } from 'zod';
import {
  ReferralConfig, type CommissionListQuery, type CreateReferralBody, type PayoutListQuery, type ReferralMe, type ReferrerListQuery,
  type UpdateReferralBody, type RateTier,
} from '@pond/contracts/referrals';
import { withTransaction } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { defineClock, hourlyAt } from '../../platform/queue';
import { corpZone } from '../../platform/time';
import { toCsv } from '../../platform/csv';
import { appendTimeline } from '../customers';
import { checkEligibility, CustomerSessions, ELIGIBILITY_MESSAGES, openness, requireOpen, type CampaignRow, type CampaignService, type CustomerSession } from '../campaigns';
import type { Db, RewardService } from '../rewards';
import { renderQrSvg } from '../live-codes';
import * as repo from './repo';
import type { CommissionRow, PayoutRow, ReferrerRow } from './repo';

/** An order as commerce's OrderHooks hands it (structural: no import of commerce's internals). */
export interface ReferralOrder {
  corpId: string; orderId: string; externalUserid: string; amountFen: number; refundedFen: number; refunded: boolean; paidAt: Date; payload: Record<string, unknown>;
}

export function configOf(c: CampaignRow): ReferralConfig {
  return ReferralConfig.parse(c.config);
}

/** The tier's rate for the referee's n-th order (tiers ascend by fromOrder; the first starts at 1). */
export function rateFor(tiers: RateTier[], orderSeq: number): number {
  let rate = 0;
  for (const t of tiers) if (orderSeq >= t.fromOrder) rate = t.rateBp;
  return rate;
}

/** Commission on a paid amount: rounded down to the fen, capped per order. */
export function commissionFen(orderFen: number, rateBp: number, maxPerOrderFen: number | null): number {
  const v = Math.floor((Math.max(0, orderFen) * rateBp) / 10_000);
  return maxPerOrderFen === null ? v : Math.min(v, maxPerOrderFen);
}

const DAY_MS = 86_400_000;
const mask = (name: string | null) => (name ? `${[...name][0]}**` : '匿名');

export interface ReferralDeps {
  pool: pg.Pool;
  campaigns: CampaignService;
  rewards: RewardService;
  publicUrl: () => string;
  log: Logger;
}

export class ReferralService {
  /** The clock: tests move it past attribution and refund windows. */
  now: () => Date = () => new Date();

  constructor(private deps: ReferralDeps) {}

  private link(corpId: string, campaignId: number, code: string): string {
    return `${this.deps.publicUrl().replace(/\/+$/, '')}/c/${encodeURIComponent(corpId)}/${campaignId}?ref=${code}`;
  }

  // ---- console ----

  async create(corpId: string, body: CreateReferralBody, actor: string | null): Promise<CampaignRow> {
    return withTransaction(this.deps.pool, async (db) => {
      await this.checkPool(db, corpId, body.config);
      return this.deps.campaigns.insert(db, corpId, 'referral', body, body.config, actor);
    });
  }

  async update(corpId: string, id: number, body: UpdateReferralBody): Promise<CampaignRow> {
    return withTransaction(this.deps.pool, async (db) => {
      const c = await this.deps.campaigns.get(db, corpId, id, 'referral');
      await db.query('SELECT 1 FROM campaigns WHERE id = $1 FOR UPDATE', [id]);
      const { config, ...base } = body;
      if (config) await this.checkPool(db, corpId, config);
      return this.deps.campaigns.update(db, c, base, config);
    });
  }

  private async checkPool(db: Db, corpId: string, cfg: ReferralConfig): Promise<void> {
    if (cfg.couponPoolId && !(await repo.poolExists(db, corpId, cfg.couponPoolId))) throw AppError.validation('config.couponPoolId', `no coupon pool ${cfg.couponPoolId}`);
  }

  async detail(corpId: string, id: number) {
    const { pool, campaigns } = this.deps;
    const c = await campaigns.get(pool, corpId, id, 'referral');
    const { rows: [n] } = await pool.query<repo.EarningsCols & {
      participants: number; rewards: number; cost_fen: string; referrers: number; referees: number; orders: number; gmv_fen: string; commission_fen: string;
    }>(
      `SELECT (SELECT count(*)::int FROM campaign_participants WHERE campaign_id = $1) AS participants,
         (SELECT count(*)::int FROM referral_referrers WHERE campaign_id = $1) AS referrers,
         (SELECT count(*)::int FROM referral_referees WHERE campaign_id = $1) AS referees,
         (SELECT count(*)::int FROM rewards WHERE campaign_id = $1 AND state <> 'void') AS rewards,
         (SELECT coalesce(sum(cost_fen), 0)::bigint FROM rewards WHERE campaign_id = $1 AND state <> 'void') AS cost_fen,
         count(rc.id) FILTER (WHERE rc.state <> 'cancelled')::int AS orders,
         coalesce(sum(rc.order_fen) FILTER (WHERE rc.state <> 'cancelled'), 0)::bigint AS gmv_fen,
         coalesce(sum(rc.amount_fen) FILTER (WHERE rc.state <> 'cancelled'), 0)::bigint AS commission_fen,
         ${repo.EARNINGS_SQL}
       FROM referral_commissions rc WHERE rc.campaign_id = $1`, [id]);
    return {
      ...campaigns.view(c),
      config: configOf(c),
      numbers: {
        participants: n.participants, rewards: n.rewards, costFen: Number(n.cost_fen), orders: n.orders, gmvFen: Number(n.gmv_fen),
        referrers: n.referrers, referees: n.referees, referredOrders: n.orders, referredGmvFen: Number(n.gmv_fen), commissionFen: Number(n.commission_fen),
        earnings: repo.earnings(n),
      },
    };
  }

  async referrers(corpId: string, id: number, q: z.output<typeof ReferrerListQuery>) {
    await this.deps.campaigns.get(this.deps.pool, corpId, id, 'referral');
    const { rows } = await this.deps.pool.query<ReferrerRow & repo.EarningsCols & { total: number; name: string | null; referees: number; orders: number; gmv_fen: string }>(
      `SELECT r.*, count(*) OVER ()::int AS total, coalesce(cu.name, s.name) AS name,
         (SELECT count(*)::int FROM referral_referees e WHERE e.referrer_id = r.id) AS referees,
         x.orders, x.gmv_fen, x.pending_fen, x.payable_fen, x.paid_fen, x.cancelled_fen
       FROM referral_referrers r
       LEFT JOIN customers cu ON cu.corp_id = r.corp_id AND cu.external_userid = r.external_userid
       LEFT JOIN staff s ON s.corp_id = r.corp_id AND s.userid = r.userid
       CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE rc.state <> 'cancelled')::int AS orders,
           coalesce(sum(rc.order_fen) FILTER (WHERE rc.state <> 'cancelled'), 0)::bigint AS gmv_fen, ${repo.EARNINGS_SQL}
         FROM referral_commissions rc WHERE rc.referrer_id = r.id) x
       WHERE r.corp_id = $1 AND r.campaign_id = $2 AND ($3::text IS NULL OR r.kind = $3)
       ORDER BY (x.pending_fen + x.payable_fen + x.paid_fen) DESC, r.id LIMIT $4 OFFSET $5`,
      [corpId, id, q.kind ?? null, q.limit, q.offset]);
    return {
      total: rows[0]?.total ?? 0,
      items: rows.map((r) => ({
        id: r.id, kind: r.kind, externalUserid: r.external_userid, userid: r.userid, name: r.name, code: r.code, couponCode: r.coupon_code,
        link: this.link(r.corp_id, r.campaign_id, r.code), referees: r.referees, orders: r.orders, gmvFen: Number(r.gmv_fen), earnings: repo.earnings(r), createdAt: r.created_at,
      })),
    };
  }

  async commissions(corpId: string, id: number, q: z.output<typeof CommissionListQuery>) {
    await this.deps.campaigns.get(this.deps.pool, corpId, id, 'referral');
    const { rows } = await this.deps.pool.query<CommissionRow & { total: number; referrer_name: string | null; referee_name: string | null }>(
      `SELECT rc.*, count(*) OVER ()::int AS total, coalesce(cu.name, s.name) AS referrer_name, ce.name AS referee_name
       FROM referral_commissions rc JOIN referral_referrers r ON r.id = rc.referrer_id
       LEFT JOIN customers cu ON cu.corp_id = r.corp_id AND cu.external_userid = r.external_userid
       LEFT JOIN staff s ON s.corp_id = r.corp_id AND s.userid = r.userid
       LEFT JOIN customers ce ON ce.corp_id = rc.corp_id AND ce.external_userid = rc.referee_external_userid
       WHERE rc.corp_id = $1 AND rc.campaign_id = $2 AND ($3::text IS NULL OR rc.state = $3) AND ($4::bigint IS NULL OR rc.referrer_id = $4)
       ORDER BY rc.created_at DESC, rc.id DESC LIMIT $5 OFFSET $6`,
      [corpId, id, q.state ?? null, q.referrerId ?? null, q.limit, q.offset]);
    return {
      total: rows[0]?.total ?? 0,
      items: rows.map((r) => ({
        id: r.id, referrerId: r.referrer_id, referrerName: r.referrer_name, refereeExternalUserid: r.referee_external_userid, refereeName: r.referee_name,
        orderId: r.order_id, via: r.via, orderSeq: r.order_seq, rateBp: r.rate_bp, orderFen: r.order_fen, amountFen: r.amount_fen, clawbackFen: r.clawback_fen,
        state: r.state, paidAt: r.paid_at, maturesAt: r.matures_at, payoutId: r.payout_id, createdAt: r.created_at,
      })),
    };
  }

  private async payoutRows(db: Db, corpId: string, id: number, limit: number, offset: number, ids?: number[]) {
    const { rows } = await db.query<PayoutRow & { total: number; name: string | null; kind: 'customer' | 'staff'; reward_state: string | null; userid: string | null; external_userid: string | null }>(
      `SELECT p.*, count(*) OVER ()::int AS total, coalesce(cu.name, s.name) AS name, r.kind, r.userid, r.external_userid, rw.state AS reward_state
       FROM referral_payouts p JOIN referral_referrers r ON r.id = p.referrer_id
       LEFT JOIN customers cu ON cu.corp_id = r.corp_id AND cu.external_userid = r.external_userid
       LEFT JOIN staff s ON s.corp_id = r.corp_id AND s.userid = r.userid
       LEFT JOIN rewards rw ON rw.id = p.reward_id
       WHERE p.corp_id = $1 AND p.campaign_id = $2 AND ($5::bigint[] IS NULL OR p.id = ANY($5::bigint[]))
       ORDER BY p.id DESC LIMIT $3 OFFSET $4`,
      [corpId, id, limit, offset, ids ?? null]);
    return rows.map((p) => ({
      view: {
        id: p.id, referrerId: p.referrer_id, referrerName: p.name, kind: p.kind, amountFen: p.amount_fen, commissions: p.commissions, method: p.method,
        rewardId: p.reward_id, state: p.reward_state ?? 'manual', createdBy: p.created_by, createdAt: p.created_at,
      },
      total: p.total, userid: p.userid, externalUserid: p.external_userid,
    }));
  }

  async payouts(corpId: string, id: number, q: z.output<typeof PayoutListQuery>) {
    await this.deps.campaigns.get(this.deps.pool, corpId, id, 'referral');
    const rows = await this.payoutRows(this.deps.pool, corpId, id, q.limit, q.offset);
    return { total: rows[0]?.total ?? 0, items: rows.map((r) => r.view) };
  }

  async payoutsCsv(corpId: string, id: number): Promise<string> {
    await this.deps.campaigns.get(this.deps.pool, corpId, id, 'referral');
    const tz = await corpZone(this.deps.pool, corpId);
    const rows = await this.payoutRows(this.deps.pool, corpId, id, 100_000, 0);
    return toCsv([
      { key: 'id', header: '结算单 Payout' }, { key: 'createdAt', header: '时间 Created' }, { key: 'kind', header: '推荐人类型 Referrer kind' },
      { key: 'referrerName', header: '推荐人 Referrer' }, { key: 'externalUserid', header: 'external_userid' }, { key: 'userid', header: '员工 userid' },
      { key: 'commissions', header: '佣金笔数 Commissions' }, { key: 'amount', header: '金额 Amount (¥)' }, { key: 'method', header: '方式 Method' },
      { key: 'state', header: '状态 State' }, { key: 'rewardId', header: '奖励 Reward' },
    ], rows.map((r) => ({ ...r.view, externalUserid: r.externalUserid, userid: r.userid, amount: (r.view.amountFen / 100).toFixed(2) })), tz);
  }

  /**
   * Pays out payable commission: per referrer (the named ones, or all at or above the minimum), one transaction that
   * locks the referrer, gathers their payable commission, writes the payout, marks the commission paid and — for a
   * customer — grants the ledger reward (`referral`, `payout:<id>`) that its adapter pays exactly once. Concurrent
   * calls find the commission already paid. A refused grant (the campaign's budget) leaves that referrer unpaid.
   */
  async createPayouts(corpId: string, id: number, referrerIds: number[] | undefined, actor: string | null) {
    const { pool } = this.deps;
    const c = await this.deps.campaigns.get(pool, corpId, id, 'referral');
    const cfg = configOf(c);
    const min = Math.max(1, cfg.minPayoutFen);
    const { rows: due } = await pool.query<{ referrer_id: number }>(
      `SELECT referrer_id FROM referral_commissions WHERE corp_id = $1 AND campaign_id = $2 AND state = 'payable' AND ($3::bigint[] IS NULL OR referrer_id = ANY($3::bigint[]))
       GROUP BY referrer_id HAVING sum(amount_fen) >= $4 ORDER BY referrer_id`,
      [corpId, id, referrerIds ?? null, min]);
    const created: number[] = [];
    let skipped = (referrerIds?.length ?? 0) - due.length;
    for (const { referrer_id } of due) {
      const payoutId = await withTransaction(pool, async (db) => {
        const { rows: [r] } = await db.query<ReferrerRow>('SELECT * FROM referral_referrers WHERE id = $1 AND campaign_id = $2 FOR UPDATE', [referrer_id, id]);
        const { rows: list } = await db.query<{ id: number; amount_fen: number }>(
          `SELECT id, amount_fen FROM referral_commissions WHERE referrer_id = $1 AND state = 'payable' ORDER BY id FOR UPDATE`, [referrer_id]);
        const sum = list.reduce((s, x) => s + x.amount_fen, 0);
        if (!r || sum < min) return null;
        const method = r.kind === 'staff' ? 'manual' : cfg.payoutMethod;
        const { rows: [p] } = await db.query<PayoutRow>(
          `INSERT INTO referral_payouts (corp_id, campaign_id, referrer_id, amount_fen, commissions, method, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING *`,
          [corpId, id, r.id, sum, list.length, method, actor]);
        await db.query(`UPDATE referral_commissions SET state = 'paid', payout_id = $2, updated_at = now() WHERE id = ANY($1::bigint[])`, [list.map((x) => x.id), p.id]);
        if (r.kind === 'customer') {
          const res = await this.deps.rewards.grant(db, {
            corpId, externalUserid: r.external_userid!, campaignId: id, source: 'referral', sourceRef: `payout:${p.id}`, kind: 'cash', adapter: method,
            title: `推荐佣金 ${c.name}`.slice(0, 60), amountFen: sum, details: { payoutId: p.id, commissions: list.length }, actor,
          });
          if ('refused' in res) throw new AppError('conflict', `payout refused: ${res.refused}`);
          await db.query('UPDATE referral_payouts SET reward_id = $2 WHERE id = $1', [p.id, res.reward.id]);
        }
        return p.id;
      }).catch((err) => {
        if (err instanceof AppError && err.code === 'conflict') { this.deps.log.warn({ campaignId: id, referrerId: referrer_id, err: err.message }, 'referral payout refused'); return null; }
        throw err;
      });
      if (payoutId) created.push(payoutId); else skipped++;
    }
    const rows = created.length ? await this.payoutRows(pool, corpId, id, created.length, 0, created) : [];
    return { created: rows.map((r) => r.view), skipped: Math.max(0, skipped) };
  }

  // ---- the staff member's own link (task page / console) ----

  async myLinks(corpId: string, userid: string | null) {
    const { rows } = await this.deps.pool.query<CampaignRow & { code: string | null; coupon_code: string | null; referees: number } & repo.EarningsCols>(
      `SELECT c.*, r.code, r.coupon_code,
         (SELECT count(*)::int FROM referral_referees e WHERE e.referrer_id = r.id) AS referees, x.*
       FROM campaigns c
       LEFT JOIN referral_referrers r ON r.campaign_id = c.id AND r.userid = $2
       LEFT JOIN LATERAL (SELECT ${repo.EARNINGS_SQL} FROM referral_commissions rc WHERE rc.referrer_id = r.id) x ON true
       WHERE c.corp_id = $1 AND c.kind = 'referral' AND c.status = 'active' AND (c.config->>'staffCanRefer')::boolean IS DISTINCT FROM false
       ORDER BY c.id DESC LIMIT 50`, [corpId, userid]);
    return {
      items: rows.filter((c) => openness(c, this.now()) === 'open').map((c) => ({
        campaignId: c.id, name: c.name, code: c.code ?? '', link: c.code ? this.link(corpId, c.id, c.code) : '', couponCode: c.coupon_code,
        referees: c.referees, earnings: repo.earnings(c),
      })),
    };
  }

  /** The staff member's referrer row in the programme (made once). */
  async staffLink(corpId: string, id: number, userid: string | null) {
    if (!userid) throw new AppError('conflict', '只有员工可以成为推荐人 (only a staff member signed in as themselves has a referral link)');
    await withTransaction(this.deps.pool, async (db) => {
      const c = await this.deps.campaigns.get(db, corpId, id, 'referral');
      requireOpen(c, this.now());
      const cfg = configOf(c);
      if (!cfg.staffCanRefer) throw new AppError('conflict', '本活动不支持员工推荐 (staff are not referrers in this programme)');
      const { row, created } = await repo.ensureReferrer(db, { corpId, campaignId: id, kind: 'staff', userid });
      if (created && cfg.couponPoolId) {
        const code = await repo.takePersonalCoupon(db, corpId, cfg.couponPoolId, id, null);
        if (code) await db.query('UPDATE referral_referrers SET coupon_code = $2 WHERE id = $1', [row.id, code]);
      }
    });
    const all = await this.myLinks(corpId, userid);
    const mine = all.items.find((i) => i.campaignId === id);
    if (!mine) throw AppError.notFound(`referral programme ${id}`);
    return mine;
  }

  // ---- the customer's page ----

  private async programme(db: Db, corpId: string, id: number): Promise<{ c: CampaignRow; cfg: ReferralConfig }> {
    const c = await this.deps.campaigns.get(db, corpId, id, 'referral');
    return { c, cfg: configOf(c) };
  }

  /** A visitor opened a referrer's link: bound to the referrer unless an earlier touch still holds them, or it is their own. */
  async touch(s: CustomerSession, id: number, code: string) {
    return withTransaction(this.deps.pool, async (db) => {
      const { c, cfg } = await this.programme(db, s.corp.id, id);
      const referrer = await repo.referrerByCode(db, s.corp.id, id, code);
      if (!referrer) throw AppError.validation('code', `no referrer with code ${code} in this programme`);
      const referrerName = await this.nameOf(db, referrer);
      const now = this.now();
      if (openness(c, now) !== 'open') return { outcome: 'closed' as const, referrerName };
      const ext = s.customer?.externalUserid ?? null;
      if (referrer.identity_key === s.identity.key || (ext && referrer.external_userid === ext)) return { outcome: 'self' as const, referrerName };
      const bound = await repo.bind(db, { corpId: s.corp.id, campaignId: id, key: s.identity.key, referrerId: referrer.id, via: 'link', at: now, days: cfg.attributionDays, externalUserid: ext });
      if (!bound) return { outcome: 'kept' as const, referrerName };
      if (ext) await this.attributedEvents(db, c, bound, ext);
      return { outcome: 'bound' as const, referrerName };
    });
  }

  private async nameOf(db: Db, r: ReferrerRow): Promise<string | null> {
    const { rows: [n] } = r.kind === 'customer'
      ? await db.query<{ name: string | null }>('SELECT name FROM customers WHERE corp_id = $1 AND external_userid = $2', [r.corp_id, r.external_userid])
      : await db.query<{ name: string | null }>('SELECT name FROM staff WHERE corp_id = $1 AND userid = $2', [r.corp_id, r.userid]);
    return n?.name ?? null;
  }

  /** `referral.touched` (at the touch) and `referral.attributed` on the referee, once per binding. */
  private async attributedEvents(db: Db, c: Pick<CampaignRow, 'id' | 'corp_id' | 'name'>, b: repo.RefereeRow, ext: string): Promise<void> {
    const at = b.touched_at.toISOString();
    const data = { campaignId: c.id, name: c.name, referrerId: b.referrer_id, via: b.via, touchedAt: b.touched_at, expiresAt: b.expires_at };
    await appendTimeline(db, c.corp_id, [
      { externalUserid: ext, type: 'referral.touched', occurredAt: b.touched_at, data, dedupeKey: `referral-touched:${c.id}:${b.referee_key}:${at}` },
      { externalUserid: ext, type: 'referral.attributed', occurredAt: b.attributed_at ?? this.now(), data, dedupeKey: `referral-attributed:${c.id}:${b.referee_key}:${at}` },
    ]);
  }

  /**
   * Visitors who touched a link before they were customers, now customers (their details with the unionid were just
   * stored: commerce's afterDetailsStored): their bindings get the customer, and the timeline its events.
   */
  async resolveCustomers(corpId: string, externalUserids: string[]): Promise<number> {
    if (!externalUserids.length) return 0;
    return withTransaction(this.deps.pool, (db) => this.resolveIn(db, corpId, externalUserids));
  }

  private async resolveIn(db: Db, corpId: string, externalUserids: string[]): Promise<number> {
    const { rows } = await db.query<repo.RefereeRow & { name: string }>(
      `UPDATE referral_referees r SET external_userid = cu.external_userid, attributed_at = now()
       FROM customers cu, campaigns c
       WHERE cu.corp_id = $1 AND cu.external_userid = ANY($2::text[]) AND cu.unionid IS NOT NULL
         AND r.corp_id = $1 AND r.referee_key = 'u:' || cu.unionid AND r.external_userid IS NULL AND r.expires_at > now()
         AND c.id = r.campaign_id
         AND NOT EXISTS (SELECT 1 FROM referral_referrers rr WHERE rr.id = r.referrer_id AND rr.external_userid = cu.external_userid)
       RETURNING r.*, c.name`,
      [corpId, externalUserids]);
    for (const r of rows) await this.attributedEvents(db, { id: r.campaign_id, corp_id: corpId, name: r.name }, r, r.external_userid!);
    return rows.length;
  }

  /** Joins the customer as a referrer (once): their code, link and personal coupon code. */
  async join(s: CustomerSession, id: number): Promise<ReferralMe> {
    const customer = CustomerSessions.requireCustomer(s);
    await withTransaction(this.deps.pool, async (db) => {
      const { c, cfg } = await this.programme(db, s.corp.id, id);
      requireOpen(c, this.now());
      if (!cfg.customersCanRefer) throw new AppError('conflict', '本活动仅限员工推荐 (customers are not referrers in this programme)');
      const miss = await checkEligibility(this.deps.pool, s.corp.id, customer.externalUserid, c.eligibility);
      if (miss) throw new AppError('forbidden', `${ELIGIBILITY_MESSAGES[miss].zh} (${ELIGIBILITY_MESSAGES[miss].en})`);
      await this.deps.campaigns.enter(db, c, customer.externalUserid);
      const { row, created } = await repo.ensureReferrer(db, { corpId: s.corp.id, campaignId: id, kind: 'customer', externalUserid: customer.externalUserid, identityKey: s.identity.key });
      if (created && cfg.couponPoolId) {
        const code = await repo.takePersonalCoupon(db, s.corp.id, cfg.couponPoolId, id, customer.externalUserid);
        if (code) await db.query('UPDATE referral_referrers SET coupon_code = $2 WHERE id = $1', [row.id, code]);
      }
    });
    return this.me(s, id);
  }

  async me(s: CustomerSession, id: number): Promise<ReferralMe> {
    const { pool } = this.deps;
    const { c, cfg } = await this.programme(pool, s.corp.id, id);
    const ext = s.customer?.externalUserid ?? null;
    const r = ext ? await repo.findReferrer(pool, id, { externalUserid: ext }) : null;
    const link = r ? this.link(s.corp.id, id, r.code) : null;
    const friends = r ? (await pool.query<{ name: string | null; touched_at: Date; joined: boolean; orders: number }>(
      `SELECT cu.name, e.touched_at, e.external_userid IS NOT NULL AS joined,
         (SELECT count(*)::int FROM referral_commissions rc WHERE rc.referrer_id = e.referrer_id AND rc.referee_external_userid = e.external_userid AND rc.state <> 'cancelled') AS orders
       FROM referral_referees e LEFT JOIN customers cu ON cu.corp_id = e.corp_id AND cu.external_userid = e.external_userid
       WHERE e.referrer_id = $1 ORDER BY e.touched_at DESC LIMIT 100`, [r.id])).rows : [];
    const { rows: [earn] } = await pool.query<repo.EarningsCols>(`SELECT ${repo.EARNINGS_SQL} FROM referral_commissions rc WHERE rc.referrer_id = $1`, [r?.id ?? 0]);
    const commissions = r ? (await pool.query<CommissionRow>('SELECT * FROM referral_commissions WHERE referrer_id = $1 ORDER BY id DESC LIMIT 50', [r.id])).rows : [];
    const { rows: board } = await pool.query<{ id: number; name: string | null; earned: string; rank: number }>(
      `SELECT * FROM (
         SELECT r.id, coalesce(cu.name, s.name) AS name, sum(rc.amount_fen)::bigint AS earned, rank() OVER (ORDER BY sum(rc.amount_fen) DESC)::int AS rank
         FROM referral_commissions rc JOIN referral_referrers r ON r.id = rc.referrer_id
         LEFT JOIN customers cu ON cu.corp_id = r.corp_id AND cu.external_userid = r.external_userid
         LEFT JOIN staff s ON s.corp_id = r.corp_id AND s.userid = r.userid
         WHERE rc.campaign_id = $1 AND rc.state <> 'cancelled' GROUP BY r.id, cu.name, s.name) t
       WHERE t.rank <= 10 OR t.id = $2 ORDER BY t.rank, t.id`, [id, r?.id ?? 0]);
    const mine = board.find((b) => b.id === r?.id);
    return {
      isCustomer: !!s.customer,
      canRefer: cfg.customersCanRefer && openness(c, this.now()) === 'open',
      code: r?.code ?? null, link, couponCode: r?.coupon_code ?? null,
      qrSvg: link ? `data:image/svg+xml;base64,${Buffer.from(renderQrSvg(link)).toString('base64')}` : null,
      attributionDays: cfg.attributionDays, refundWindowDays: cfg.refundWindowDays, rateTiers: cfg.rateTiers,
      friends: friends.map((f) => ({ name: f.joined ? mask(f.name) : null, touchedAt: f.touched_at, joined: f.joined, orders: f.orders })),
      earnings: repo.earnings(earn),
      commissions: commissions.map((x) => ({ orderFen: x.order_fen, amountFen: x.amount_fen, state: x.state, paidAt: x.paid_at, maturesAt: x.matures_at })),
      leaderboard: board.filter((b) => b.rank <= 10).map((b) => ({ rank: b.rank, name: mask(b.name), earnedFen: Number(b.earned), me: b.id === r?.id })),
      myRank: mine?.rank ?? null,
    };
  }

  // ---- orders (OrderHooks) ----

  /**
   * A matched order: in every running programme, the referrer it is attributed to — by a referrer's personal coupon
   * code it carries (not the buyer's own), else by the buyer's binding that holds at the order's payment time — earns
   * commission once (unique per order and referrer; the order row is locked by the hook).
   */
  async onOrderPaid(db: Db, order: ReferralOrder): Promise<void> {
    const { rows: list } = await db.query<CampaignRow>(
      `SELECT * FROM campaigns WHERE corp_id = $1 AND kind = 'referral' AND status IN ('active', 'paused') AND starts_at <= $2 AND (ends_at IS NULL OR ends_at > $2) ORDER BY id`,
      [order.corpId, order.paidAt]);
    if (!list.length) return;
    const raw = Array.isArray(order.payload.couponCodes) ? order.payload.couponCodes : [];
    const codes = [...new Set(raw.filter((x): x is string => typeof x === 'string').map((x) => x.trim()).filter(Boolean))].slice(0, 20);
    const { rows: [cu] } = await db.query<{ unionid: string | null }>('SELECT unionid FROM customers WHERE corp_id = $1 AND external_userid = $2', [order.corpId, order.externalUserid]);
    const keys = [`c:${order.externalUserid}`, ...(cu?.unionid ? [`u:${cu.unionid}`] : [])];
    for (const c of list) {
      const cfg = configOf(c);
      let via: 'link' | 'coupon' = 'link';
      let referrer: ReferrerRow | null = null;
      if (codes.length) {
        const { rows } = await db.query<ReferrerRow>(
          'SELECT * FROM referral_referrers WHERE corp_id = $1 AND campaign_id = $2 AND coupon_code = ANY($3::text[]) AND external_userid IS DISTINCT FROM $4 ORDER BY id LIMIT 1',
          [order.corpId, c.id, codes, order.externalUserid]);
        if (rows[0]) { referrer = rows[0]; via = 'coupon'; }
      }
      let binding = await repo.bindingAt(db, c.id, keys, order.externalUserid, order.paidAt);
      if (referrer && (!binding || binding.referrer_id !== referrer.id)) {
        // A coupon code binds a buyer no one holds (from the order's time); one held by another keeps that binding.
        const made = binding ? null : await repo.bind(db, {
          corpId: order.corpId, campaignId: c.id, key: keys[keys.length - 1], referrerId: referrer.id, via: 'coupon', at: order.paidAt, days: cfg.attributionDays, externalUserid: order.externalUserid,
        });
        if (made) await this.attributedEvents(db, c, made, order.externalUserid);
        binding = await repo.bindingAt(db, c.id, keys, order.externalUserid, order.paidAt);
      } else if (binding) {
        referrer = await repo.referrerById(db, binding.referrer_id);
        if (binding.external_userid === null) {
          const { rows: [b] } = await db.query<repo.RefereeRow>(
            'UPDATE referral_referees SET external_userid = $3, attributed_at = now() WHERE campaign_id = $1 AND referee_key = $2 RETURNING *', [c.id, binding.referee_key, order.externalUserid]);
          await this.attributedEvents(db, c, b, order.externalUserid);
        }
      }
      if (!referrer || referrer.external_userid === order.externalUserid) continue;
      const { rows: done } = await db.query('SELECT 1 FROM referral_commissions WHERE corp_id = $1 AND order_id = $2 AND referrer_id = $3', [order.corpId, order.orderId, referrer.id]);
      if (done.length) continue;
      const seq = (await repo.priorOrders(db, referrer.id, order.externalUserid)) + 1;
      const rateBp = rateFor(cfg.rateTiers, seq);
      const orderFen = order.amountFen - order.refundedFen;
      const amountFen = commissionFen(orderFen, rateBp, cfg.maxPerOrderFen);
      const matures = new Date(order.paidAt.getTime() + cfg.refundWindowDays * DAY_MS);
      const { rows: [row] } = await db.query<CommissionRow>(
        `INSERT INTO referral_commissions (corp_id, campaign_id, referrer_id, referee_external_userid, order_id, via, order_seq, rate_bp, order_fen, amount_fen, paid_at, matures_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (corp_id, order_id, referrer_id) DO NOTHING RETURNING *`,
        [order.corpId, c.id, referrer.id, order.externalUserid, order.orderId, via, seq, rateBp, orderFen, amountFen, order.paidAt, matures]);
      if (row && referrer.external_userid) {
        await appendTimeline(db, order.corpId, [{
          externalUserid: referrer.external_userid, type: 'referral.commission_earned', occurredAt: order.paidAt,
          data: { campaignId: c.id, name: c.name, commissionId: row.id, orderId: order.orderId, orderFen, amountFen, rateBp, orderSeq: seq, via, refereeExternalUserid: order.externalUserid },
          dedupeKey: `referral-commission:${row.id}`,
        }]);
      }
    }
  }

  /**
   * A refund: each commission of the order is recomputed from the order's paid amount now (so a retried event
   * changes nothing more) — reduced, or cancelled when nothing is left. Commission already paid out is not clawed
   * back: what the refund would have taken is recorded in `clawback_fen` for the operator.
   */
  async onOrderRefunded(db: Db, order: ReferralOrder): Promise<void> {
    const { rows } = await db.query<CommissionRow & { config: Record<string, unknown> }>(
      `SELECT rc.*, c.config FROM referral_commissions rc JOIN campaigns c ON c.id = rc.campaign_id WHERE rc.corp_id = $1 AND rc.order_id = $2 ORDER BY rc.id FOR UPDATE OF rc`,
      [order.corpId, order.orderId]);
    for (const r of rows) {
      if (r.state === 'cancelled') continue;
      const cfg = ReferralConfig.parse(r.config);
      const left = order.refunded ? 0 : Math.max(0, order.amountFen - order.refundedFen);
      const amount = left > 0 ? commissionFen(left, r.rate_bp, cfg.maxPerOrderFen) : 0;
      if (r.state === 'paid') {
        await db.query('UPDATE referral_commissions SET clawback_fen = $2, updated_at = now() WHERE id = $1', [r.id, Math.max(0, r.amount_fen - amount)]);
      } else if (left === 0) {
        await db.query(`UPDATE referral_commissions SET state = 'cancelled', order_fen = 0, updated_at = now() WHERE id = $1`, [r.id]);
      } else {
        await db.query('UPDATE referral_commissions SET order_fen = $2, amount_fen = $3, updated_at = now() WHERE id = $1', [r.id, left, amount]);
      }
    }
  }

  // ---- the refund window ----

  /** Commission whose refund window has passed becomes payable. */
  async matureDue(): Promise<number> {
    const { rowCount } = await this.deps.pool.query(
      `UPDATE referral_commissions SET state = 'payable', updated_at = now() WHERE state = 'pending' AND matures_at <= $1`, [this.now()]);
    return rowCount ?? 0;
  }

  // Hourly: commission matures when the shop's refund window has passed, in whatever zone.
  readonly matureJob = defineClock('referrals.mature', hourlyAt(11), () => this.matureDue(), { retryLimit: 0 });
}
